"""deploy/jupyterhub/ run for real: JupyterHub with its configuration file (plus only the test's ports
and an API token), configurable-http-proxy from the npm registry, the local spawner, and the
default workshop's participant pack, read-only. Two participants log in with the workshop password
and get the participant mode (Voilà, dpskit's template, no code); the user limit refuses a third;
one participant logs out and the other is left to the idle culler, and each takes its temporary home
with it. Nothing may reach another host (browser, and a sitecustomize in the hub, the culler, the
single-user servers and their kernels), the pack must be unchanged and the hub's folders empty.
A participant who gets an API token from the hub with the password can neither use the server's
kernels, contents or sessions APIs nor execute code over the widget websocket, and no participant
process holds the password, the proxy's token or another participant's token. The recipe refuses
root, so as root (CI) the hub runs as the unprivileged `nobody`.

Runs when JupyterHub (pip install -e '.[hub]') and configurable-http-proxy (npm) are found;
in CI a missing one fails. .ci/run installs the proxy into node_modules/."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser_support import PageLog, in_ci, is_local, squash
from live_support import SITECUSTOMIZE, free_port, make_read_only, make_writable, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
ARTIFACTS = REPO / "build" / "test-artifacts" / "jupyterhub"
PASSWORD = "workshop-" + secrets.token_hex(4)
IDLE_TIMEOUT = 40  # seconds: long enough for one participant's checks, short enough to watch the culler
USERS = [f"p{secrets.token_hex(3)}-{name}" for name in ("ana", "ben", "cai")]  # unique: searchable on disk
REPORT: dict[str, object] = {}


def _need(condition: bool, message: str) -> None:
    if not condition:
        if in_ci():
            pytest.fail(f"JUPYTERHUB TEST CANNOT RUN and CI requires it: {message}", pytrace=False)
        pytest.skip(f"JUPYTERHUB TEST SKIPPED LOUDLY: {message}; the JupyterHub recipe was NOT checked")


def _proxy() -> str | None:
    """configurable-http-proxy: on PATH, or where .ci/run puts it (node_modules/ of the checkout)."""
    local = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
    return shutil.which("configurable-http-proxy") or (str(local) if local.is_file() else None)


UNPRIVILEGED = 65534  # as root, the hub runs as `nobody` (every Linux has it; no account is created)
_PREFIX: list[list[str]] = []


def unprivileged() -> list[str]:
    """The command prefix that starts the hub as an unprivileged user when the tests run as root
    (setpriv, util-linux). If that user cannot even reach this Python (pyenv under /root, mode 700),
    the hub also gets CAP_DAC_READ_SEARCH: it may read any file, nothing more (no writes, no other
    user's processes), so what the test checks still holds."""
    if os.geteuid() != 0:
        return []
    if not _PREFIX:
        setpriv = shutil.which("setpriv")
        _need(setpriv is not None, "running as root without setpriv (util-linux) to start the hub unprivileged; it refuses root")
        base = [setpriv, f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}", "--clear-groups"]
        reading = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
        # the very interpreter and standard library this test runs on (a failed exec may fall back to another Python)
        probe = [sys.executable, "-c", "import os, dpskit, jupyterhub; print(os.__file__)"]
        for prefix in (base, base + reading):
            ran = subprocess.run([*prefix, "--", *probe], capture_output=True, text=True, cwd="/")
            if ran.returncode == 0 and ran.stdout.strip() == os.__file__:
                _PREFIX.append([*prefix, "--"])
                break
        else:
            _need(False, f"uid {UNPRIVILEGED} cannot run {sys.executable}, even allowed to read every file")
    return _PREFIX[0]


def hand_over(folder: Path) -> None:
    """Make `folder` (and everything in it) the unprivileged user's, when the hub runs as that user."""
    if os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, UNPRIVILEGED, UNPRIVILEGED)


class Hub:
    """`jupyterhub -f` a config that loads deploy/jupyterhub/jupyterhub_config.py, on 127.0.0.1."""

    def __init__(self, pack: Path, work: Path, proxy: str):
        self.tmp, cwd, hooks, home = work / "tmp", work / "cwd", work / "hooks", work / "home"
        for folder in (self.tmp, cwd, hooks, home):
            folder.mkdir()
        self.cwd = cwd
        self.net_log = work / "outside-attempts.log"
        self.net_log.touch()
        self.hooked = work / "hooked-processes.log"  # which processes loaded the recorder
        self.hooked.touch()
        (hooks / "sitecustomize.py").write_text(
            f"import os\nos.environ.setdefault('DPSKIT_NET_LOG', {str(self.net_log)!r})\n"
            f"with open({str(self.hooked)!r}, 'a') as log, open('/proc/self/cmdline', 'rb') as cmd:\n"
            f"    log.write(cmd.read().replace(bytes(1), b' ').decode(errors='replace') + '\\n')\n" + SITECUSTOMIZE)
        self.token = secrets.token_hex(24)
        port, hub_port, api_port = free_port(), free_port(), free_port()
        test_config = work / "test_config.py"
        test_config.write_text(f"""
load_subconfig({str(CONFIG)!r})
c = get_config()
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.services.append({{"name": "dpskit-test", "api_token": {self.token!r}}})
c.JupyterHub.load_roles.append({{"name": "dpskit-test", "services": ["dpskit-test"],
                                 "scopes": ["admin:users", "admin:servers", "list:users"]}})
""")
        env = {**os.environ, "DPSKIT_PACK": str(pack), "DPSKIT_HUB_PASSWORD": PASSWORD,
               "DPSKIT_HUB_BIND_URL": f"http://127.0.0.1:{port}", "DPSKIT_HUB_IDLE_TIMEOUT": str(IDLE_TIMEOUT),
               "DPSKIT_HUB_MAX_USERS": "2", "TMPDIR": str(self.tmp), "HOME": str(home),
               "PATH": os.pathsep.join([str(Path(proxy).parent), str(Path(sys.executable).parent), os.environ["PATH"]]),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH", "")]))}
        env.pop("CI", None)
        if unprivileged():  # JupyterHub takes its account's name from these (services run as that name)
            env.update(USER="nobody", LOGNAME="nobody")
        hand_over(work)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.output = (ARTIFACTS / "hub.log").open("w")
        started = time.perf_counter()
        self.process = subprocess.Popen([*unprivileged(), sys.executable, "-m", "jupyterhub", "-f", str(test_config)],
                                        env=env, cwd=cwd, stdout=self.output, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.origin = f"http://127.0.0.1:{port}"
        self._wait(lambda: self.api("GET", "").ok, 60, "the hub did not answer")
        REPORT["hub_start_s"] = round(time.perf_counter() - started, 2)

    def api(self, method: str, path: str, **kwargs):
        import requests

        return requests.request(method, f"{self.origin}/hub/api/{path}", timeout=30,
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}; see {self.output.name}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{what} within {timeout} s; see {self.output.name}")

    def server(self, user: str) -> dict | None:
        response = self.api("GET", f"users/{user}")
        return response.json()["servers"].get("") if response.ok else None

    def wait_ready(self, user: str, timeout: float = 120) -> None:
        self._wait(lambda: (self.server(user) or {}).get("ready"), timeout, f"{user}'s server was not ready")

    def wait_gone(self, user: str, timeout: float) -> None:
        self._wait(lambda: self.server(user) is None, timeout, f"{user}'s server did not stop")

    def outside_attempts(self) -> list[str]:
        return [line for line in self.net_log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        """SIGTERM to the hub, which stops every server (cleanup_servers); SIGKILL the group if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything of its session left behind
        except ProcessLookupError:
            pass
        self.output.close()


def login(hub: Hub, user: str):
    """A participant's browser session, as HTTP: the login form with the workshop password."""
    import requests

    session = requests.Session()
    form = session.get(f"{hub.origin}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
    done = session.post(f"{hub.origin}/hub/login", data={"username": user, "password": PASSWORD, "_xsrf": xsrf},
                        timeout=30, allow_redirects=False)  # the redirect would start the server at once
    assert done.status_code == 302 and "/hub/login" not in done.headers["Location"], f"login failed for {user}: {done.status_code}"
    return session


def spawn(hub: Hub, session, user: str) -> float:
    started = time.perf_counter()
    session.get(f"{hub.origin}/hub/spawn", timeout=60)
    hub.wait_ready(user)
    return round(time.perf_counter() - started, 2)


def home_of(hub: Hub, user: str) -> Path:
    """The user's temporary home: the config makes it <hub TMPDIR>/dpskit-hub-*/<user>."""
    homes = list(hub.tmp.glob(f"dpskit-hub-*/{user}"))
    assert len(homes) == 1, f"{user}'s home not found: {sorted(p.as_posix() for p in hub.tmp.rglob('*'))[:10]}"
    return homes[0]


def traces_of(user: str, *roots: Path, depth: int = 4) -> list[str]:
    """Paths naming the user, down to `depth` levels under the given folders (temporary folders, home)."""
    found = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda error: None):
            found += [os.path.join(dirpath, name) for name in dirnames + filenames if user in name]
            if len(Path(dirpath).relative_to(root).parts) >= depth - 1:
                dirnames.clear()
    return found


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def shared():
    """A folder the unprivileged hub can reach (pytest's own temporary folders are root's alone)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="dpskit-hub-test-"))
    folder.chmod(0o755)
    yield folder
    make_writable(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def pack(tmp_path_factory, shared):
    """The default workshop's participant pack (notebooks only), read-only, away from the checkout."""
    _need(importlib.util.find_spec("jupyterhub") is not None and importlib.util.find_spec("jupyterhub_idle_culler") is not None,
          "jupyterhub or jupyterhub-idle-culler is not installed: pip install -e '.[hub]'")
    _need(importlib.util.find_spec("voila") is not None, "voila is not installed: pip install -e '.[live]'")
    _need(shutil.which("node") is not None and _proxy() is not None,
          "node or configurable-http-proxy is missing: npm install configurable-http-proxy (as .ci/run does)")
    from dpskit.build import build

    result = build(REPO, tmp_path_factory.mktemp("hub-build") / "pack", workshop=REPO / "workshop.yml",
                   formats=["notebook"], pdf=False)
    stick = shared / "stick" / "pack"
    shutil.copytree(result.participant, stick)
    for path in [stick.parent, stick, *stick.rglob("*")]:  # readable by everyone, like a pack on a server
        path.chmod(path.stat().st_mode | (0o555 if path.is_dir() else 0o444))
    make_read_only(stick)
    before = snapshot(stick)
    yield stick
    after = snapshot(stick)
    make_writable(stick)
    assert after == before, f"the pack changed: {sorted(set(after.items()) ^ set(before.items()))[:5]}"


@pytest.fixture(scope="module")
def hub(pack, shared):
    work = shared / "hub"
    work.mkdir()
    hub = Hub(pack, work, _proxy())
    try:
        yield hub
    finally:
        hub.stop()
        (ARTIFACTS / "report.json").write_text(json.dumps(REPORT, indent=1))
    attempts = hub.outside_attempts()
    assert attempts == [], f"the hub, a server or a kernel tried to reach other hosts: {attempts[:5]}"
    hooked = hub.hooked.read_text()
    kernels = ["ipykernel_launcher"] if "voila_render_http_s" in REPORT else []  # a session was run
    for process in ("jupyterhub", "jupyterhub_idle_culler", "jupyterhub.singleuser", *kernels):
        assert f" {process} " in hooked, f"the recorder was not loaded in {process}: its requests were not counted"
    left = sorted(p.relative_to(work).as_posix() for p in [*hub.tmp.rglob("*"), *hub.cwd.rglob("*")])
    assert left == [], f"the hub left files behind: {left[:10]}"
    for user in USERS:
        assert traces_of(user, hub.tmp, Path("/tmp"), Path.home()) == [], f"{user} left traces on disk"


@pytest.fixture(scope="module")
def sessions(hub):
    """Two participants logged in with the workshop password, their servers started."""
    logged = {user: login(hub, user) for user in USERS[:2]}
    REPORT["spawn_s"] = {user: spawn(hub, session, user) for user, session in logged.items()}
    return logged


def notebooks(pack: Path) -> list[str]:
    return sorted(p.name for p in (pack / "notebooks").glob("*.ipynb"))


# --------------------------------------------------------------------------- tests


def test_each_participant_lands_in_voila_on_the_pack(hub, pack, sessions):
    for user, session in sessions.items():
        page = session.get(f"{hub.origin}/user/{user}/", timeout=60)  # where the hub sends a participant
        assert page.ok and page.url.startswith(f"{hub.origin}/user/{user}/voila/tree"), page.url
        assert 'data-voila="voila"' in page.text and "fontawesome" not in page.text.lower(), "not dpskit's Voilà page"
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page.text), "the list links to another host"
        contents = session.get(f"{hub.origin}/user/{user}/voila/api/contents", timeout=30).json()["content"]
        assert sorted(item["name"] for item in contents) == notebooks(pack), f"{user} sees {contents}"
        home = home_of(hub, user)
        assert any(home.glob("dpskit-live-*/jupyter-config")), f"{user}'s server keeps its config elsewhere"
    assert home_of(hub, USERS[0]) != home_of(hub, USERS[1])
    # JupyterHub's own pages, too, load nothing from another host
    login_page = sessions[USERS[0]].get(f"{hub.origin}/hub/home", timeout=30).text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", login_page), "a hub page links to another host"


def test_a_session_renders_with_its_widgets_and_no_code(hub, pack, sessions):
    user = USERS[1]
    name = notebooks(pack)[0]
    started = time.perf_counter()
    page = sessions[user].get(f"{hub.origin}/user/{user}/voila/render/{name}", timeout=120)
    REPORT["voila_render_http_s"] = round(time.perf_counter() - started, 2)
    assert page.ok, page.status_code
    html = page.text
    assert 'data-voila="voila"' in html and "fontawesome" not in html.lower()
    assert "application/vnd.jupyter.widget-view+json" in html, "no widget in the rendered session"
    import nbformat

    cells = nbformat.read(pack / "notebooks" / name, as_version=4).cells
    for cell in cells:
        if cell.cell_type == "code" and cell.source.strip():
            assert squash(cell.source) not in squash(html), f"code shown: {cell.source[:60]}"
    heading = next(line.lstrip("# ").strip() for cell in cells if cell.cell_type == "markdown"
                   for line in cell.source.splitlines() if line.startswith("#"))
    assert heading.split("[")[0][:30] in html
    assert not re.search(r"""<(script|link)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", html), "loads from another host"


def api_token(hub: Hub, session, user: str) -> str:
    """What anyone with the workshop password can do: ask the hub's API for a token, with the login cookie."""
    session.get(f"{hub.origin}/hub/token", timeout=30)  # sets the hub's _xsrf cookie
    xsrf = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")
    made = session.post(f"{hub.origin}/hub/api/users/{user}/tokens", json={"note": "attack", "expires_in": 600},
                        headers={"X-XSRFToken": xsrf, "Referer": f"{hub.origin}/hub/token"}, timeout=30)
    assert made.status_code == 201, f"the attack could not even get a token ({made.status_code}): it proves nothing"
    return made.json()["token"]


async def _kernel_conversation(url: str, token: str, messages: list[dict], listen: float) -> list[dict]:
    """Send `messages` over a kernel's websocket as a browser would; return what comes back within `listen` s."""
    import asyncio

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    for message in messages:
        await connection.write_message(json.dumps(message))
    received, deadline = [], time.monotonic() + listen
    while (left := deadline - time.monotonic()) > 0:
        try:
            text = await asyncio.wait_for(connection.read_message(), timeout=left)
        except asyncio.TimeoutError:
            break
        if text is None:
            break
        received.append(json.loads(text) if isinstance(text, str) else {"binary": True})
    connection.close()
    return received


def _message(msg_type: str, content: dict, channel: str = "shell") -> dict:
    return {"header": {"msg_id": secrets.token_hex(8), "msg_type": msg_type, "username": "attacker",
                       "session": secrets.token_hex(8), "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}


def processes() -> dict[int, tuple[str, dict[str, str], int]]:
    """Every process this test can see: command line, environment, real uid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                pairs = (entry / "environ").read_bytes().split(b"\0")
                uid = int(next(line.split()[1] for line in (entry / "status").read_text().splitlines() if line.startswith("Uid:")))
            except (OSError, StopIteration):
                continue
            env = dict(pair.decode(errors="replace").partition("=")[::2] for pair in pairs if b"=" in pair)
            found[int(entry.name)] = (command, env, uid)
    return found


def test_the_workshop_password_runs_no_code_and_reaches_no_secret(hub, pack, sessions):
    """The attack, as it worked before: a token from the hub API, the server's kernels API, then
    execute_request over the widget websocket of the participant's own Voilà kernel; then what a
    participant's processes hold in their environment."""
    import asyncio

    import requests

    user = USERS[1]
    token = api_token(hub, sessions[user], user)
    server = f"{hub.origin}/user/{user}/"
    auth = {"Authorization": f"token {token}"}
    listed = requests.get(server + "voila/api/contents", headers=auth, timeout=30)
    assert listed.ok, f"the token does not open the participant's server ({listed.status_code}): the refusals prove nothing"
    refused = {}
    for method, path in [("POST", "api/kernels"), ("GET", "api/kernels"), ("GET", "api/contents"),
                         ("PUT", "api/contents/attack.ipynb"), ("GET", "api/sessions"), ("POST", "api/sessions"),
                         ("POST", "api/terminals"), ("GET", "api/kernelspecs"), ("GET", "api/me"), ("PATCH", "api/config/x"),
                         ("GET", "lab"), ("GET", "tree"), ("GET", f"files/{notebooks(pack)[0]}"), ("GET", "lsp/status"),
                         ("GET", f"nbconvert/html/{notebooks(pack)[0]}"), ("GET", "api/status")]:
        answer = requests.request(method, server + path, headers=auth, json={"name": "python3"}, timeout=30,
                                  allow_redirects=False)
        refused[f"{method} {path}"] = answer.status_code
    assert all(code == 404 for code in refused.values()), f"routes beyond Voilà answer: {refused}"

    name = notebooks(pack)[0]
    page = requests.get(server + f"voila/render/{name}", headers=auth, timeout=120)
    assert page.ok and "application/vnd.jupyter.widget-view+json" in page.text
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.text).group(1)
    marker = hub.tmp / f"ran-{secrets.token_hex(4)}"
    code = f"import pathlib, os; pathlib.Path({str(marker)!r}).write_text(repr(dict(os.environ))); print('RAN')"
    socket = server.replace("http://", "ws://") + f"api/kernels/{kernel}/channels"
    conversation = _kernel_conversation(socket, token, [
        _message("kernel_info_request", {}),
        _message("execute_request", {"code": code, "silent": False, "store_history": False,
                                     "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}),
        _message("complete_request", {"code": "import o", "cursor_pos": 8}),
        _message("inspect_request", {"code": "os", "cursor_pos": 2, "detail_level": 0}),
        _message("history_request", {"hist_access_type": "tail", "n": 10, "output": False, "raw": True}),
        _message("execute_request", {"code": code, "silent": True}, channel="control"),
    ], listen=5)
    # Its own thread: in a whole test run the session's Playwright driver owns the main thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        answers = thread.submit(asyncio.run, conversation).result()
    kinds = sorted({answer.get("msg_type") or answer.get("header", {}).get("msg_type", "?") for answer in answers})
    assert "kernel_info_reply" in kinds, f"the websocket did not answer a widget-side request: {kinds}"
    assert not {"execute_reply", "execute_input", "stream", "complete_reply", "inspect_reply", "history_reply"} & set(kinds), kinds
    time.sleep(1)
    assert not marker.exists(), "code sent over the websocket ran in the kernel"

    # what a participant's processes hold: no hub password, no proxy token, nobody else's token; not root
    everything = processes()
    proxy_tokens = {env.get("CONFIGPROXY_AUTH_TOKEN") for command, env, uid in everything.values()} - {None}
    assert proxy_tokens, "the proxy's token was not found: the check below would prove nothing"
    servers = {pid: found for pid, found in everything.items() if "jupyterhub.singleuser" in found[0]}
    kernels = {pid: found for pid, found in everything.items() if "ipykernel_launcher" in found[0]
               and found[1].get("HOME", "").startswith(str(hub.tmp))}
    assert len(servers) == 2 and kernels, f"servers {list(servers)}, kernels {list(kernels)}"
    tokens = {pid: env["JUPYTERHUB_API_TOKEN"] for pid, (command, env, uid) in servers.items()}
    for pid, (command, env, uid) in {**servers, **kernels}.items():
        blob = "\0".join(f"{key}={value}" for key, value in env.items())
        assert uid != 0, f"a participant's process runs as root: {command[:80]}"
        assert PASSWORD not in blob, f"the workshop password is in {command[:80]}"
        assert not any(secret in blob for secret in proxy_tokens), f"the proxy's token is in {command[:80]}"
        others = [other for owner, other in tokens.items() if owner != pid and owner != _parent(pid)]
        assert not any(other in blob for other in others), f"another participant's token is in {command[:80]}"
    for pid, (command, env, uid) in kernels.items():
        hub_keys = [key for key in env if key.startswith("JUPYTERHUB_") or key == "JPY_API_TOKEN"]
        assert not hub_keys, f"a kernel has the hub's token or addresses: {hub_keys}"
    REPORT["refused_routes"] = refused


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def test_a_participant_in_the_browser(hub, pack, sessions, browser):
    """Log in through the hub's form, open a session from the list, answer nothing: the quiz is live."""
    user = USERS[0]
    page = browser.new_page()
    log = PageLog().watch(page)
    refused = []  # a route the page needs and dpskit.hub does not serve would show here
    page.on("response", lambda response: response.status >= 400 and refused.append(f"{response.status} {response.url}"))
    try:
        page.goto(f"{hub.origin}/hub/login", timeout=60_000)
        page.fill("#username_input", user)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        listed = page.locator(".jp-DirListing-item, a[href*='/voila/render/']").first
        listed.wait_for(timeout=60_000)
        assert page.url.startswith(f"{hub.origin}/user/{user}/voila/tree"), page.url
        name = notebooks(pack)[0]
        started = time.perf_counter()
        page.goto(f"{hub.origin}/user/{user}/voila/render/{name}", timeout=120_000)
        quiz = page.locator(".dpskit-quiz-live").first
        quiz.wait_for(timeout=120_000)
        REPORT["browser_first_quiz_s"] = round(time.perf_counter() - started, 2)
        assert quiz.get_by_role("button", name="Check").count() == 1
        assert quiz.locator(".dpskit-choice input").count() >= 2
        assert page.locator(".jp-CodeCell .jp-InputArea:visible, .cm-editor:visible, .jp-InputPrompt:visible").count() == 0
        assert not re.search(r"\b(quiz|scenario|disclaimer|timeline|script)\(", page.inner_text("body")), "code visible"
        quiz.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "voila-through-hub.png"))
        outside = [url for url in log.requests if not is_local(url, hub.origin)]
        REPORT["browser_requests"] = len(log.requests)
        assert outside == [], f"requests to other hosts: {outside[:5]}"
        assert log.page_errors == [], log.page_errors[:3]
        # Voilà's page asks for the kernel list once; standalone Voilà (local participant mode) answers 404 too
        refused = [line for line in refused if not re.fullmatch(rf"404 {re.escape(hub.origin)}/user/{user}/api/kernels\?\d+", line)]
        assert refused == [], f"requests refused: {refused[:5]}"
    finally:
        page.close()
        browser.clear_cookies()


def test_the_user_limit_refuses_a_third_server(hub, sessions):
    user = USERS[2]
    session = login(hub, user)
    refused = session.get(f"{hub.origin}/hub/spawn", timeout=60)
    assert refused.status_code == 429 and "limit" in refused.text.lower(), refused.status_code
    assert hub.server(user) is None
    hub.api("DELETE", f"users/{user}")


def test_logging_out_stops_the_server_and_leaves_nothing(hub, pack, sessions):
    user = USERS[0]
    home = home_of(hub, user)
    assert any(home.rglob("*")), "the home was empty while the server ran: the check below would prove nothing"
    started = time.perf_counter()
    sessions[user].get(f"{hub.origin}/hub/logout", timeout=60)  # logging out stops the server
    hub.wait_gone(user, timeout=60)
    REPORT["stop_s"] = round(time.perf_counter() - started, 2)
    assert not home.exists(), f"{user}'s home is still there: {sorted(map(str, home.rglob('*')))[:5]}"
    assert traces_of(user, hub.tmp) == []


def test_the_idle_culler_stops_an_idle_server_and_forgets_its_user(hub, sessions):
    user = USERS[1]
    home = home_of(hub, user)
    started = time.perf_counter()
    hub.wait_gone(user, timeout=IDLE_TIMEOUT * 3)
    REPORT["culled_after_s"] = round(time.perf_counter() - started, 2)
    assert not home.exists()
    # the user goes on a later round, once the user (not only the server) has been idle for the timeout
    hub._wait(lambda: hub.api("GET", f"users/{user}").status_code == 404, IDLE_TIMEOUT * 2, f"the culler did not remove {user}")


def test_image_and_kubernetes_values_run_the_same_participant_mode():
    """The Dockerfile, the Zero to JupyterHub values and the config agree on pack, command and page."""
    from ruamel.yaml import YAML

    dockerfile = (CONFIG.parent / "Dockerfile").read_text()
    values = YAML(typ="safe").load((CONFIG.parent / "z2jh-values.yaml").read_text())
    config = CONFIG.read_text()
    command = ["dpskit", "participant", "/srv/dpskit/pack", "--hub"]
    assert values["singleuser"]["cmd"] == command and json.dumps(command) in dockerfile
    assert 'os.environ.get("DPSKIT_PACK", "/srv/dpskit/pack")' in config and "ENV DPSKIT_PACK=/srv/dpskit/pack" in dockerfile
    assert values["singleuser"]["defaultUrl"] == "/voila/tree" and 'c.Spawner.default_url = "/voila/tree"' in config
    assert values["singleuser"]["storage"]["type"] == "none" and "VOLUME" not in dockerfile
    assert values["hub"]["db"]["type"] == "sqlite-memory" and values["cull"]["enabled"] is True
    assert not any(values["singleuser"]["networkPolicy"]["egressAllowRules"][rule]
                   for rule in ("nonPrivateIPs", "privateIPs", "cloudMetadataServer"))
    assert '"$whl[live,hub]"' in dockerfile  # the extras the test installs


def test_hub_command_is_the_participant_mode(tmp_path):
    """What `dpskit participant --hub` runs: dpskit's settings on jupyterhub-singleuser."""
    from dpskit.participant import hub_command, server_command

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks/01.ipynb").write_text("{}")
    voila = hub_command(tmp_path)
    assert voila[1:3] == ["-m", "jupyterhub.singleuser"]
    for flag in ("--VoilaConfiguration.template=dpskit", "--VoilaConfiguration.show_tracebacks=False",
                 f"--ServerApp.root_dir={tmp_path / 'notebooks'}", "--ServerApp.default_url=/voila/tree",
                 "--ServerApp.contents_manager_class=dpskit.participant.ReadOnlyContentsManager",
                 "--ServerApp.terminals_enabled=False", '"mathjax_url": None'):
        assert any(flag in part for part in voila), flag
    lab = hub_command(tmp_path, lab=True)
    assert f"--ServerApp.root_dir={tmp_path}" in lab and "--ServerApp.default_url=/lab" in lab
    assert set(server_command(tmp_path, lab=True)) - set(lab) <= {"--ServerApp.port=8866", "--ServerApp.ip=127.0.0.1",
                                                                  "-m", "jupyterlab", "--ServerApp.allow_root=True"}, "--lab and --hub --lab differ"
    assert "--ServerApp.allow_root=True" not in voila + lab, "a hub server may run as root"
    [extensions] = [part for part in voila if part.startswith("--ServerApp.jpserver_extensions=")]
    assert "'dpskit.hub': True" in extensions and "'jupyter_lsp': False" in extensions and "'jupyterlab': False" in extensions


def _run_config(env_extra: dict, tmp_path: Path, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "DPSKIT_HUB_PASSWORD": PASSWORD, "TMPDIR": str(tmp_path), **env_extra}
    return subprocess.run([*prefix, sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_the_recipe_refuses_root(tmp_path):
    """As root, the hub stops before starting anything, with one line saying what to do; so does
    `dpskit participant --hub`, which JupyterHub (or Kubernetes) would start."""
    if os.geteuid() != 0:
        pytest.skip("not running as root: the refusal of root cannot be tried here")
    _need(importlib.util.find_spec("jupyterhub") is not None, "jupyterhub is not installed: pip install -e '.[hub]'")
    done = _run_config({}, tmp_path)
    assert done.returncode != 0 and "Refusing to run as root" in done.stderr + done.stdout, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert list(tmp_path.iterdir()) == [], "the refused hub wrote files"
    from click.testing import CliRunner

    from dpskit.cli import cli

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks/01.ipynb").write_text("{}")
    result = CliRunner().invoke(cli, ["participant", str(tmp_path), "--hub"])
    assert result.exit_code == 1 and "refuses to run as root" in result.output and "Traceback" not in result.output


def test_the_one_account_recipe_offers_no_jupyterlab(shared):
    """JupyterLab runs code: with every participant under the hub's account, that code would reach the
    others and the hub's secrets, so the local recipe refuses DPSKIT_HUB_LAB=1 and says where Lab is safe."""
    _need(importlib.util.find_spec("jupyterhub") is not None, "jupyterhub is not installed: pip install -e '.[hub]'")
    work = shared / "lab-refused"
    work.mkdir()
    hand_over(work)
    done = _run_config({"DPSKIT_HUB_LAB": "1"}, work, unprivileged())
    assert done.returncode != 0 and "z2jh-values.yaml" in done.stderr + done.stdout, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout


def test_the_hub_binds_to_this_machine_unless_told():
    """The default address is loopback; the README shows TLS for any network use."""
    config = CONFIG.read_text()
    assert 'os.environ.get("DPSKIT_HUB_BIND_URL", "http://127.0.0.1:8000")' in config
    readme = (CONFIG.parent / "README.md").read_text()
    assert "DPSKIT_HUB_SSL_CERT" in readme and "https://" in readme and "reverse proxy" in readme


def test_only_voilas_routes_and_widget_messages():
    """dpskit.hub, without a hub: which paths a participant's server answers, which messages reach
    the kernel, and what a kernel's environment keeps."""
    from dpskit.hub import WIDGET_MESSAGES, allowed, kernel_environment

    base = "/user/ana/"
    kernel = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    for path in ["", "voila/tree", "voila/render/01-x.ipynb", "voila/static/voila.js", "voila/api/contents",
                 f"api/kernels/{kernel}/channels", f"voila/api/shutdown/{kernel}", "api", "logout", "oauth_callback"]:
        assert allowed(base + path, base), path
    for path in ["api/kernels", f"api/kernels/{kernel}/restart", "api/contents/01-x.ipynb", "api/sessions", "api/terminals",
                 "api/kernelspecs", "api/config/notebook", "lab", "tree", "files/01-x.ipynb", "lsp/ws/pylsp",
                 "api/events", "api/me", "voila/execution/" + kernel, "user/ben/voila/tree"]:
        assert not allowed(base + path, base), path
    assert not allowed("/user/ben/voila/tree", base)
    assert "execute_request" not in WIDGET_MESSAGES and "comm_msg" in WIDGET_MESSAGES
    env = kernel_environment({"JUPYTERHUB_API_TOKEN": "t", "JPY_API_TOKEN": "t", "HOME": "/tmp/x", "PATH": "/bin"})
    assert env == {"HOME": "/tmp/x", "PATH": "/bin"}
