"""`dpskit preview`: serves on 127.0.0.1 its own build and nothing else, rebuilds on save, reloads
pages (whichever name they were opened by), shows problems."""

from __future__ import annotations

import contextlib
import json
import queue
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from dpskit.preview import RELOAD_SCRIPT, Preview, allow_preview, inject, script_hash

ORIGIN = "http://127.0.0.1:8123"


def test_the_policy_allows_the_script_by_hash_and_connections_to_this_server_only():
    policy = allow_preview("default-src 'none'; img-src data:; script-src 'none'; base-uri 'none'", ORIGIN)
    directives = dict((d.split()[0], d.split()[1:]) for d in policy.split("; "))
    assert directives["script-src"] == [script_hash()]
    assert directives["connect-src"] == [ORIGIN]
    assert directives["default-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    kept = allow_preview("default-src 'none'; script-src 'unsafe-inline'", ORIGIN)
    assert "script-src 'unsafe-inline';" in kept + ";", "a hash would switch off the page's own inline scripts"
    hashed = allow_preview("script-src 'sha256-abc='; connect-src 'none'", ORIGIN)
    assert f"script-src 'sha256-abc=' {script_hash()}" in hashed and f"connect-src {ORIGIN}" in hashed


def test_inject_adds_the_inline_script_and_rewrites_only_the_policy():
    page = ('<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;; script-src &#x27;none&#x27;">'
            "</head><body><p>x</p></body></html>")
    served = inject(page, ORIGIN, 7)
    assert served.endswith(f'<meta name="dpskit-preview-version" content="7"><script>{RELOAD_SCRIPT}</script></body></html>')
    assert "connect-src http://127.0.0.1:8123" in served and "<p>x</p>" in served
    reordered = inject('<head><meta content="default-src &#x27;none&#x27;" http-equiv="Content-Security-Policy"/></head><body></body>', ORIGIN, 1)
    assert "connect-src http://127.0.0.1:8123" in reordered, "attributes in any order (BeautifulSoup writes content first)"
    assert "http" not in RELOAD_SCRIPT.replace("EventSource(\"/__dpskit__/events\")", ""), "the script asks for nothing else"


class Events:
    """An EventSource in Python: every message the preview sends, in a queue."""

    def __init__(self, url: str):
        self.messages: queue.Queue = queue.Queue()
        self.response = urllib.request.urlopen(url, timeout=60)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8").strip()
                if line.startswith("data: "):
                    self.messages.put(json.loads(line[6:]))
        except (OSError, ValueError):
            pass

    def next(self, timeout: float = 120) -> dict:
        return self.messages.get(timeout=timeout)

    def close(self) -> None:
        self.response.close()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


@pytest.fixture
def live(mini_root):
    preview = Preview(mini_root, mini_root / "build" / "preview", port=0, say=lambda text: None)
    assert preview.rebuild()
    preview.start()
    try:
        yield preview
    finally:
        preview.stop()


def test_a_save_rebuilds_and_tells_open_pages_then_a_broken_file_shows_where(live, mini_root):
    assert live.server.server_address[0] == "127.0.0.1"
    slides = live.url + "slides/01-mini.slides.html"
    page = get(slides)
    assert '<meta name="dpskit-preview-version" content="1">' in page and RELOAD_SCRIPT in page
    assert "ASKED-IN-PREVIEW" not in page
    events = Events(live.url + "__dpskit__/events")
    try:
        assert events.next() == {"version": 1, "problems": []}
        bank = mini_root / "data/quizzes/01-mini.yaml"
        bank.write_text(bank.read_text().replace("What do you ask first when stopped?", "ASKED-IN-PREVIEW first?"))
        assert events.next() == {"version": 2, "problems": []}
        assert "ASKED-IN-PREVIEW" in get(slides)
        assert live.last.executed == ["01-mini"]

        bank.write_text(bank.read_text().replace("type: single", "type: singel", 1))
        broken = events.next()
        assert broken["version"] == 2, "the last good build stays"
        assert any(p.startswith("data/quizzes/01-mini.yaml:") and "singel" in p for p in broken["problems"]), broken
        assert "ASKED-IN-PREVIEW" in get(slides), "the last good build is still served"

        bank.write_text(bank.read_text().replace("type: singel", "type: single", 1))
        assert events.next() == {"version": 2, "problems": []}, "fixed: the problem goes, and build 2 is still current"
    finally:
        events.close()


def wait_for_version(page, version: str, timeout: float = 120) -> None:
    """Poll from outside the page: the deck's policy forbids the eval wait_for_function uses."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            shown = page.evaluate("() => { const m = document.querySelector('meta[name=dpskit-preview-version]'); return m && m.content; }")
            if shown == version and page.locator(".reveal.ready").count():
                return
        except Exception:  # noqa: BLE001 - the page is reloading: its context went away
            pass
        time.sleep(0.1)
    raise AssertionError(f"the page never showed build {version}")


def test_in_chromium_a_deck_reloads_on_the_same_slide_and_shows_problems(live, mini_root, playwright_driver):
    """The real client: the page reloads itself, keeps its slide, and asks only this server."""
    from browser_support import CHROMIUM_ARGS, NO_CHROMIUM, find_chromium, in_ci, is_local

    with contextlib.nullcontext(playwright_driver) as playwright:  # the session's one driver
        executable, how = find_chromium(playwright)
        if executable is None:
            if in_ci():
                pytest.fail(f"BROWSER TEST CANNOT RUN and CI requires it: {NO_CHROMIUM} ({how})", pytrace=False)
            pytest.skip(f"BROWSER TEST SKIPPED: {NO_CHROMIUM} ({how})")
        with tempfile.TemporaryDirectory(prefix="dpskit-chromium-") as profile:
            context = playwright.chromium.launch_persistent_context(profile, executable_path=executable, headless=True,
                                                                    args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"], viewport={"width": 1280, "height": 720})
            try:
                page = context.new_page()
                asked, errors = [], []
                page.on("request", lambda request: asked.append(request.url))
                page.on("console", lambda message: message.type == "error" and errors.append(message.text))
                # opened by name, not by the address it listens on: the page's policy allows 'self'
                origin = live.origin.replace("127.0.0.1", "localhost")
                page.goto(origin + "/slides/01-mini.slides.html", wait_until="load")
                page.wait_for_selector(".reveal.ready", state="attached")
                page.evaluate("Reveal.slide(2)")
                wait_for_version(page, "1")
                time.sleep(0.5)  # the page's event stream is open

                bank = mini_root / "data/quizzes/01-mini.yaml"
                bank.write_text(bank.read_text().replace("What do you ask first when stopped?", "RELOADED-IN-CHROMIUM?"))
                wait_for_version(page, "2")
                assert "RELOADED-IN-CHROMIUM" in page.content()
                assert page.evaluate("Reveal.getIndices().h") == 2, "the deck reopened on the slide it showed"

                bank.write_text(bank.read_text().replace("type: single", "type: singel", 1))
                page.wait_for_selector(".dpskit-preview-problems", timeout=120_000)
                shown = page.inner_text(".dpskit-preview-problems")
                assert "data/quizzes/01-mini.yaml:" in shown and "RELOADED-IN-CHROMIUM" in page.content()
                assert not [u for u in asked if not is_local(u, origin)], asked
                assert not [e for e in errors if "Content Security Policy" in e], errors
            finally:
                context.close()


def _raw_get(origin: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A request as an attacker sends it: the path exactly as given, any Host."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or parts.netloc)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_preview_serves_its_own_build_and_nothing_else(live, mini_root):
    secret = b"-----BEGIN OPENSSH PRIVATE KEY----- not for the wifi"
    out = live.out
    (mini_root / "build" / "id_ed25519").write_bytes(secret)  # beside the build
    (mini_root / "id_ed25519").write_bytes(secret)
    (out / "planted.txt").write_bytes(secret)  # in the folder, but not written by the build
    (out / "linked.html").symlink_to(mini_root / "id_ed25519")
    assert _raw_get(live.origin, "/slides/01-mini.slides.html")[0] == 200
    assert _raw_get(live.origin, "/")[0] == 200 and _raw_get(live.origin, "/data/scripts.yaml")[0] == 200
    for path in ("/../id_ed25519", "/../../id_ed25519", "/%2e%2e/id_ed25519", "/slides/..%2f..%2fid_ed25519",
                 "/..\\id_ed25519", "/planted.txt", "/linked.html", "/.dpskit-manifest.json", "//etc/passwd",
                 "/%2e%2e/%2e%2e/id_ed25519", "/slides/"):
        status, body = _raw_get(live.origin, path)
        assert status == 404 and secret not in body and b"root:" not in body, (path, status)
    # a page that rebound its own name to this computer (DNS rebinding) reads nothing
    status, body = _raw_get(live.origin, "/slides/01-mini.slides.html", host="attacker.example:80")
    assert status == 403 and b"reveal" not in body
    assert _raw_get(live.origin, "/", host=f"localhost:{live.server.server_address[1]}")[0] == 200
    # the reload script may talk to the server by whichever name the page was opened
    import html

    page = html.unescape(get(live.origin.replace("127.0.0.1", "localhost") + "/slides/01-mini.slides.html"))
    assert "connect-src 'self'" in page and "127.0.0.1" not in page.split("</head>")[0]


def test_preview_never_serves_a_folder_it_refused_to_build_into(mini_root, tmp_path):
    from click.testing import CliRunner

    from dpskit.cli import cli

    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("PRIVATE KEY")
    preview = Preview(mini_root, home, port=0, say=lambda text: None)
    try:
        assert not preview.rebuild()
        preview.start()
        status, body = _raw_get(preview.origin, "/.ssh/id_ed25519")
        assert b"PRIVATE KEY" not in body and b"dpskit preview" in body, status  # the problems page, nothing of the folder
    finally:
        preview.stop()
    result = CliRunner().invoke(cli, ["--root", str(mini_root), "preview", "--port", "0", "--out", str(home)])
    assert result.exit_code == 1 and "Nothing was built" in result.output and "not empty" in result.output, result.output


@pytest.mark.parametrize("args,says", [
    (["--port", "70000"], "70000 is not in the range"),
    (["--port", "-1"], "is not in the range"),
    (["--host", "no-such-host.invalid"], "cannot listen on no-such-host.invalid"),
    (["--host", "203.0.113.7"], "cannot listen on 203.0.113.7"),  # not an address of this computer: binding fails, nothing is sent
])
def test_preview_bad_host_or_port_is_one_line(mini_root, args, says):
    from click.testing import CliRunner

    from dpskit.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(mini_root), "preview", *args])
    assert result.exit_code in (1, 2) and says in result.output and "Traceback" not in result.output, result.output
    assert isinstance(result.exception, SystemExit)


def test_preview_outside_a_project_is_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dpskit.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DPSKIT_ROOT", raising=False)  # a build earlier in this process names its project there
    result = CliRunner().invoke(cli, ["preview", "--port", "0"])
    assert result.exit_code == 2 and "is not inside a dpskit project" in result.output
    assert isinstance(result.exception, SystemExit)


def test_an_aborted_page_load_is_no_traceback(live, capfd):
    """A reload or a closed tab while the page is sent: the browser resets the connection."""
    import socket
    import struct

    for _ in range(5):
        client = socket.create_connection(live.server.server_address[:2], timeout=10)
        client.sendall(b"GET /slides/01-mini.slides.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset, not a goodbye
        client.close()
    time.sleep(1)
    assert get(live.url + "index.html"), "still serving"
    assert "Traceback" not in capfd.readouterr().err


def test_reload_works_by_the_host_address_too(mini_root):
    """--host: pages opened by that address get the same policy and the same event stream."""
    import html

    preview = Preview(mini_root, mini_root / "build" / "preview", host="127.0.0.2", port=0, say=lambda text: None)
    try:
        assert preview.rebuild()
        preview.start()
        assert preview.origin.startswith("http://127.0.0.2:")
        page = html.unescape(get(preview.url + "slides/01-mini.slides.html"))
        assert "connect-src 'self'" in page and RELOAD_SCRIPT in page
        events = Events(preview.url + "__dpskit__/events")
        try:
            assert events.next() == {"version": 1, "problems": []}
        finally:
            events.close()
    finally:
        preview.stop()
