"""`dpskit preview`: build, serve on this computer, rebuild on every save, reload open pages.

The server listens on 127.0.0.1 unless asked otherwise and serves the files of its last good
build, and nothing else (not the rest of the folder, not a folder it refused to build into). HTML
pages are served with a small inline script (nothing is fetched from anywhere) that listens
to /__dpskit__/events on this same server: after a rebuild the page reloads in place (a deck
stays on its slide), and when the content has an error the page shows it, with file and
line, over the last good build, which stays in place. Files on disk are never changed: the
script and the page's policy allowing it (its hash, and connect-src 'self': this server, by
whichever name the page was opened) are added as a page is sent.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import html
import ipaddress
import json
import mimetypes
import posixpath
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

EVENTS = "/__dpskit__/events"
WATCHED = ("sessions", "data", "facilitator_guides", "export", "curriculum.yml", "locale")
KEEPALIVE_SECONDS = 15

RELOAD_SCRIPT = """(function () {
  var meta = document.querySelector('meta[name="dpskit-preview-version"]');
  var version = meta ? meta.getAttribute("content") : "";
  var box = null;
  function show(problems) {
    if (!problems.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.className = "dpskit-preview-problems";
      box.style.cssText = "position:fixed;z-index:2147483647;top:0;left:0;right:0;max-height:50vh;overflow:auto;" +
        "background:#fff4f4;color:#5c0000;border-bottom:4px solid #b00020;padding:0.75em 1em;" +
        "font:15px/1.4 system-ui,sans-serif;white-space:pre-wrap;text-align:left";
      document.body.appendChild(box);
    }
    box.textContent = "Not rebuilt: fix this and save (the page shows the last good build).\\n\\n" + problems.join("\\n");
  }
  var events = new EventSource("/__dpskit__/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    show(state.problems);
    if (String(state.version) !== version && !state.problems.length) {
      if (window.Reveal && Reveal.getIndices) {  /* a deck reopens on the same slide */
        var at = Reveal.getIndices();
        history.replaceState(null, "", "#/" + at.h + (at.v ? "/" + at.v : ""));
      }
      events.close();
      location.reload();
    }
  };
})();"""


def script_hash(script: str = RELOAD_SCRIPT) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
IS_CSP = re.compile(r"""http-equiv\s*=\s*["']Content-Security-Policy["']""", re.IGNORECASE)
CONTENT = re.compile(r'(\bcontent\s*=\s*")([^"]*)(")', re.IGNORECASE)


def allow_preview(policy: str, origin: str) -> str:
    """A page's policy plus exactly what the preview needs: its script (by hash) and a
    connection to this server. Pages that allow inline scripts keep their rule as it is
    (adding a hash would switch their own inline scripts off)."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split()[0].lower() for d in directives]

    def extend(name: str, source: str) -> None:
        if name in names:
            i = names.index(name)
            values = [v for v in directives[i].split()[1:] if v != "'none'"]
            if name == "script-src" and "'unsafe-inline'" in values:
                return
            directives[i] = " ".join([name, *values, source])
        else:
            directives.append(f"{name} {source}")
            names.append(name)

    extend("script-src", script_hash())
    extend("connect-src", origin)
    return "; ".join(directives)


def inject(page: str, origin: str, version: int) -> str:
    """The page as the preview serves it: the reload script, and a policy that lets it run."""
    def widen(meta: re.Match) -> str:
        tag = meta.group(0)
        if not IS_CSP.search(tag):
            return tag
        return CONTENT.sub(lambda m: m.group(1) + html.escape(allow_preview(html.unescape(m.group(2)), origin)) + m.group(3), tag, count=1)

    head_ends = page.lower().find("</head>")
    if head_ends > 0:  # policies live in the head; the body is left as it is
        page = META.sub(widen, page[:head_ends]) + page[head_ends:]
    tag = f'<meta name="dpskit-preview-version" content="{version}"><script>{RELOAD_SCRIPT}</script>'
    at = page.lower().rfind("</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


@dataclass
class PreviewState:
    """What every open page is told: the build it should show, and the problems if any."""

    version: int = 0
    serial: int = 0  # every outcome, good or bad
    problems: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False

    def publish(self, *, built: bool, problems: list[str]) -> None:
        with self.changed:
            self.version += 1 if built else 0
            self.problems = problems
            self.serial += 1
            self.changed.notify_all()

    def message(self) -> str:
        return json.dumps({"version": self.version, "problems": self.problems})


SELF = "'self'"  # the server the page came from, whether opened as 127.0.0.1, localhost or the --host address
PROBLEMS_PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>dpskit preview</title></head>"
                 "<body><h1>dpskit preview</h1></body></html>")


def served_name(request_path: str) -> str:
    """The build file a request asks for, relative to the build ("" for none): folders mean their
    index.html; `..`, backslashes and NUL never leave the build."""
    path = unquote(urlsplit(request_path).path)
    if "\\" in path or "\0" in path:
        return ""
    name = posixpath.normpath("/" + path).lstrip("/")
    if path.endswith("/") or name in ("", "."):
        name = posixpath.join(name, "index.html") if name not in ("", ".") else "index.html"
    return name


def _known_host(host_header: str | None, listening: str) -> bool:
    """A Host a browser sends for this server: an address, localhost, or the --host name. Any other
    name is a web page that rebound its own name to this computer (DNS rebinding): refused."""
    host = urlsplit(f"//{host_header or ''}").hostname or ""
    if host in ("localhost", listening.lower()):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    """The files of the last good build; HTML with the reload script; the events stream."""

    state: PreviewState
    files: Callable[[], dict[str, Path]]  # build-relative name -> file, of the last good build
    listening: str

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows rebuilds and problems, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._serve(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(body=False)

    def _serve(self, *, body: bool) -> None:
        if not _known_host(self.headers.get("Host"), self.listening):
            return self._send(HTTPStatus.FORBIDDEN, b"dpskit preview: open it as 127.0.0.1 or localhost", body=body, kind="text/plain")
        if urlsplit(self.path).path == EVENTS and body:
            return self._events()
        path = self.files().get(served_name(self.path))
        if path is not None and path.suffix == ".html":
            page = inject(path.read_text(encoding="utf-8"), SELF, self.state.version).encode("utf-8")
            return self._send(HTTPStatus.OK, page, body=body)
        if path is not None:
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return self._send(HTTPStatus.OK, path.read_bytes(), body=body, kind=kind)
        if self.state.problems:
            return self._send(HTTPStatus.OK, inject(PROBLEMS_PAGE, SELF, -1).encode("utf-8"), body=body)
        return self._send(HTTPStatus.NOT_FOUND, b"not in this preview's build", body=body, kind="text/plain")

    def _send(self, status: HTTPStatus, data: bytes, *, body: bool = True, kind: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = None
        state = self.state
        try:
            while not state.stopping:
                with state.changed:
                    state.changed.wait_for(lambda: state.serial != seen or state.stopping, timeout=KEEPALIVE_SECONDS)
                    current, message = state.serial, state.message()
                if state.stopping:
                    return
                self.wfile.write(f"data: {message}\n\n".encode() if current != seen else b": still here\n\n")
                self.wfile.flush()
                seen = current
        except (BrokenPipeError, ConnectionResetError):
            return


def _describe(exc: BaseException) -> list[str]:
    """File, line and key of every problem, as `dpskit check` prints them."""
    errors = getattr(exc, "errors", None)
    return [str(error) for error in errors] if errors else [f"{type(exc).__name__}: {exc}"]


def built_files(out: Path) -> dict[str, Path]:
    """What a good build wrote into `out` (it replaces the whole folder): its regular files, never a
    link or a hidden file such as the build's manifest."""
    real = out.resolve()
    return {path.relative_to(out).as_posix(): path for path in sorted(out.rglob("*"))
            if path.is_file() and not path.is_symlink() and path.resolve().is_relative_to(real)
            and not any(part.startswith(".") for part in path.relative_to(out).parts)}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A page load the browser gave up on (a reload, a closed tab) is no error; say others in one line."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout)):
            return
        print(f"dpskit preview: a request failed: {type(exc).__name__}: {exc}", file=sys.stderr)


class Preview:
    """Builds into `out`, serves it, and rebuilds on every change under the content root."""

    def __init__(self, root: Path, out: Path, *, sessions=None, workshop: Path | None = None,
                 host: str = "127.0.0.1", port: int = 8000, say: Callable[[str], None] = print):
        self.root, self.out, self.sessions, self.workshop = root, out, sessions, workshop
        self.state, self.say = PreviewState(), say
        self._stop = threading.Event()
        self.last: Any = None
        self.error: BaseException | None = None  # why the last rebuild failed
        self._files: dict[str, Path] = {}
        try:
            self.server = _Server((host, port), self._handler(host))
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise
            self.server = _Server((host, 0), self._handler(host))  # that port is taken: any free one
        self.origin = f"http://{host}:{self.server.server_address[1]}"

    def _handler(self, host: str):
        class Handler(_Handler):
            pass

        Handler.state, Handler.files, Handler.listening = self.state, staticmethod(lambda: self._files), host
        return Handler

    @property
    def url(self) -> str:
        return self.origin + "/"

    def rebuild(self) -> bool:
        """Build what changed; on a problem keep the last good build and tell every page."""
        from .build import build

        started = time.perf_counter()
        try:
            self.last = build(self.root, self.out, sessions=self.sessions, workshop=self.workshop, pdf=False)
        except Exception as exc:  # every problem is shown, and the preview goes on
            self.error = exc
            problems = _describe(exc)
            self.say("Not rebuilt; the pages show the last good build:\n  " + "\n  ".join(problems))
            self.state.publish(built=False, problems=problems)
            return False
        self.error = None
        self._files = built_files(Path(self.last.out))
        self.state.publish(built=not self.last.up_to_date, problems=[])  # nothing new: no reload
        rendered = len(self.last.rendered)
        self.say(f"Rebuilt in {time.perf_counter() - started:.2f} s: {rendered} file(s) rendered; open pages reload.")
        return True

    def watched(self) -> list[Path]:
        paths = [self.root / name for name in WATCHED] + ([Path(self.workshop)] if self.workshop else [])
        return [path for path in paths if path.exists()]

    def watch(self) -> None:
        """Rebuild after every batch of saves until stopped."""
        from watchfiles import DefaultFilter, watch

        ignore = DefaultFilter(ignore_dirs=(*DefaultFilter.ignore_dirs, ".ipynb_checkpoints", ".dpskit-cache", "build"))
        # the first (empty) yield after rust_timeout says the watches are in place
        for changes in watch(*self.watched(), watch_filter=ignore, stop_event=self._stop, debounce=400, step=30,
                             rust_timeout=200, yield_on_timeout=True, raise_interrupt=False):
            self._watching.set()
            if changes:
                self.rebuild()

    def start(self) -> "Preview":
        """Watch, then serve, in background threads (the first build is done by the caller). Pages
        are served only once the watches are in place, so no save made after a page opened is missed."""
        self._watching = threading.Event()
        self._watcher = threading.Thread(target=self.watch, name="dpskit-preview-watch", daemon=True)
        self._watcher.start()
        self._watching.wait(timeout=30)
        threading.Thread(target=self.server.serve_forever, name="dpskit-preview-server", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with self.state.changed:
            self.state.stopping = True
            self.state.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()
        if getattr(self, "_watcher", None) is not None:
            self._watcher.join(timeout=5)
