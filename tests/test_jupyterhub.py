"""deploy/jupyterhub/ run for real: JupyterHub with its configuration file (plus only the test's ports
and an API token), configurable-http-proxy from the npm registry, the local spawner, and the
default workshop's participant pack, read-only. Two participants log in with the workshop password
and get the participant mode (Voilà, dpskit's template, no code); the user limit refuses a third;
one participant logs out and the other is left to the idle culler, and each takes its temporary home
with it. Nothing may reach another host (browser, and a sitecustomize in the hub, the culler, the
single-user servers and their kernels), the pack must be unchanged and the hub's folders empty.

Runs when JupyterHub (pip install -e '.[hub]') and configurable-http-proxy (npm) are found;
in CI a missing one fails. .ci/run installs the proxy into node_modules/."""

from __future__ import annotations

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


class Hub:
    """`jupyterhub -f` a config that loads deploy/jupyterhub/jupyterhub_config.py, on 127.0.0.1."""

    def __init__(self, pack: Path, work: Path, proxy: str):
        self.tmp, cwd, hooks = work / "tmp", work / "cwd", work / "hooks"
        for folder in (self.tmp, cwd, hooks):
            folder.mkdir()
        self.cwd = cwd
        self.net_log = work / "outside-attempts.log"
        self.net_log.touch()
        self.hooked = work / "hooked-processes.log"  # which processes loaded the recorder
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
               "DPSKIT_HUB_MAX_USERS": "2", "TMPDIR": str(self.tmp),
               "PATH": os.pathsep.join([str(Path(proxy).parent), str(Path(sys.executable).parent), os.environ["PATH"]]),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH", "")]))}
        env.pop("CI", None)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.output = (ARTIFACTS / "hub.log").open("w")
        started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(test_config)], env=env,
                                        cwd=cwd, stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True)
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
def pack(tmp_path_factory):
    """The default workshop's participant pack (notebooks only), read-only, away from the checkout."""
    _need(importlib.util.find_spec("jupyterhub") is not None and importlib.util.find_spec("jupyterhub_idle_culler") is not None,
          "jupyterhub or jupyterhub-idle-culler is not installed: pip install -e '.[hub]'")
    _need(importlib.util.find_spec("voila") is not None, "voila is not installed: pip install -e '.[live]'")
    _need(shutil.which("node") is not None and _proxy() is not None,
          "node or configurable-http-proxy is missing: npm install configurable-http-proxy (as .ci/run does)")
    from dpskit.build import build

    result = build(REPO, tmp_path_factory.mktemp("hub-build") / "pack", workshop=REPO / "workshop.yml",
                   formats=["notebook"], pdf=False)
    stick = tmp_path_factory.mktemp("hub-stick") / "pack"
    shutil.copytree(result.participant, stick)
    make_read_only(stick)
    before = snapshot(stick)
    yield stick
    after = snapshot(stick)
    make_writable(stick)
    assert after == before, f"the pack changed: {sorted(set(after.items()) ^ set(before.items()))[:5]}"


@pytest.fixture(scope="module")
def hub(pack, tmp_path_factory):
    work = tmp_path_factory.mktemp("hub")
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
        contents = session.get(f"{hub.origin}/user/{user}/api/contents", timeout=30).json()["content"]
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


def test_a_participant_in_the_browser(hub, pack, sessions, browser):
    """Log in through the hub's form, open a session from the list, answer nothing: the quiz is live."""
    user = USERS[0]
    page = browser.new_page()
    log = PageLog().watch(page)
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
    assert values["singleuser"]["defaultUrl"] == "/voila/tree" and 'default_url = "/lab" if LAB else "/voila/tree"' in config
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
                                                                  "-m", "jupyterlab"}, "--lab and --hub --lab differ"
