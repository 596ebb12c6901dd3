"""Helpers for the real-browser tests: find Chromium, serve a build on 127.0.0.1, watch what a
page asks for, and read a static quiz's answer key the way quiz.js does."""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Flags from the technical notes: no sandbox in containers, no GPU, and no way for the test
# browser itself (or any page) to resolve an outside host.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
NO_CHROMIUM = (
    "no Chromium found. Install Debian's 'chromium' package "
    "(apt-get install chromium) or point DPSKIT_CHROMIUM at a Chromium binary. "
    "Offline loading, quizzes, speaker view and accessibility were NOT checked."
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def find_chromium(playwright: Any | None = None) -> tuple[str | None, str]:
    """(path, how it was found). DPSKIT_CHROMIUM wins, then the system Chromium, then Playwright's own."""
    wanted = os.environ.get("DPSKIT_CHROMIUM", "").strip()
    if wanted:
        path = Path(wanted)
        return (str(path), "DPSKIT_CHROMIUM") if path.is_file() and os.access(path, os.X_OK) else (None, f"DPSKIT_CHROMIUM={wanted} is not an executable file")
    for candidate in SYSTEM_CHROMIUMS + tuple(filter(None, (shutil.which("chromium"), shutil.which("chromium-browser")))):
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate, "system"
    if playwright is not None:
        try:
            bundled = playwright.chromium.executable_path
        except Exception:  # noqa: BLE001 - Playwright raises its own error when no browser is installed
            bundled = ""
        if bundled and Path(bundled).is_file():
            return bundled, "playwright"
    return None, "not found"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    timeout = 10  # a stuck connection cannot hold a worker thread for longer

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


class StaticServer:
    """The built folder over http://127.0.0.1:<free port>, one thread per request, stopped at close()."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def url(self, relative: str) -> str:
        return f"{self.origin}/{relative}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@dataclass
class PageLog:
    """Everything one page (and its frames) asked for or complained about."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def watch(self, page) -> "PageLog":
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.failed.append(f"{request.url} ({request.failure})"))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(f"{message.text} @ {message.location}"))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        return self


def is_local(url: str, origin: str) -> bool:
    """Same origin as the page: any file:// URL for a file page, exactly 127.0.0.1:port for http.
    data: URLs carry their bytes inline and are fine; so is about:blank (no request)."""
    if url.startswith(("data:", "about:blank")):
        return True
    parts = urlsplit(url)
    if origin == "file":
        return parts.scheme == "file" and parts.netloc in ("", "localhost")
    wanted = urlsplit(origin)
    return parts.scheme == wanted.scheme and parts.netloc == wanted.netloc


def quiz_key(data_key: str) -> dict[str, Any]:
    """The answer key as quiz.js decodes it: base64 of UTF-8 JSON."""
    return json.loads(base64.b64decode(data_key).decode("utf-8"))


def squash(text: str) -> str:
    """Whitespace-insensitive comparison: innerText turns markup into line breaks."""
    return re.sub(r"\s+", " ", text or "").strip()


def answer_texts(key: dict[str, Any]) -> list[str]:
    return [o["feedback"] for o in key["options"] if o.get("feedback")] + [key["explanation"]]
