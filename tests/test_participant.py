"""`dpskit participant` without starting a server: the installed Voilà template loads nothing from
outside, JupyterLab gets the settings that keep it quiet, and the pack cannot be written to.
(test_live_clients.py drives the real servers.)"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("voila", reason="LIVE MODE NOT CHECKED: the live extra is not installed (pip install -e '.[live]')")
pytest.importorskip("jupyterlab")


def _installed(*parts: str) -> Path:
    from jupyter_core.paths import jupyter_path

    for folder in map(Path, jupyter_path(*parts)):
        if folder.is_dir():
            return folder
    pytest.fail(f"share/jupyter/{'/'.join(parts)} is not installed: pip install -e '.[live]'")


def test_voila_template_is_installed_and_loads_nothing_from_outside():
    template = _installed("voila", "templates", "dpskit")
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    page = re.sub(r"\{#.*?#\}", "", (template / "index.html.j2").read_text(), flags=re.S)  # without comments
    assert "fontawesome" not in page.lower() and "cdn." not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    frame = re.sub(r"\{#.*?#\}", "", (template / "page.html").read_text(), flags=re.S)  # the notebook list, errors
    assert "jsdelivr" not in frame and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", frame)
    stock = (template.parent / "lab" / "index.html.j2").read_text() + (template.parent / "base" / "page.html").read_text()
    assert stock.count("cdn.jsdelivr.net") == 3, "stock Voilà changed: re-copy its pages into export/voila/templates/dpskit/"


def test_lab_settings_turn_off_news_updates_autosave_and_extension_manager():
    from dpskit.participant import lab_settings, server_command

    settings = lab_settings()
    overrides = json.loads((settings / "settings/overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["autosave"] is False
    disabled = json.loads((settings / "settings/page_config.json").read_text())["disabledExtensions"]
    assert disabled["@jupyterlab/extensionmanager-extension"] is True
    assert ".jp-InputPrompt" in (settings / "custom/custom.css").read_text()
    command = " ".join(server_command(Path(__file__).parent / "fixtures" / "mini", lab=True, open_browser=False))
    for flag in ("--LabApp.news_url=None", "NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
                 "--LabApp.custom_css=True", "ReadOnlyContentsManager", "--ServerApp.ip=127.0.0.1", "--no-browser"):
        assert flag in command


def test_voila_command_serves_the_pack_notebooks_with_the_dpskit_template(tmp_path):
    from dpskit.participant import server_command

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks/01.ipynb").write_text("{}")
    command = server_command(tmp_path, port=9999)
    assert "--template=dpskit" in command and str(tmp_path / "notebooks") in command and "--Voila.ip=127.0.0.1" in command
    with pytest.raises(FileNotFoundError, match="make workshop"):
        server_command(tmp_path / "notebooks" / "missing")


def test_private_environment_keeps_nothing_outside_its_folder(tmp_path, monkeypatch):
    from dpskit.participant import private_environment

    monkeypatch.setenv("DPSKIT_ROOT", "/somewhere/else")
    env = private_environment(tmp_path)
    assert "DPSKIT_ROOT" not in env
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
        assert Path(env[key]).is_relative_to(tmp_path), key
    assert "HistoryManager.enabled = False" in (tmp_path / "ipython/profile_default/ipython_kernel_config.py").read_text()


def run(coroutine):
    """asyncio.run in a thread of its own: the session's Playwright driver keeps a loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_read_only_contents_manager_refuses_to_write(tmp_path):
    from tornado.web import HTTPError

    from dpskit.participant import ReadOnlyContentsManager

    (tmp_path / "a.txt").write_text("as built")
    manager = ReadOnlyContentsManager(root_dir=str(tmp_path))
    with pytest.raises(HTTPError):
        run(manager.save({"type": "file", "format": "text", "content": "changed"}, "a.txt"))
    with pytest.raises(HTTPError):
        run(manager.delete_file("a.txt"))
    run(manager.create_checkpoint("a.txt"))
    assert (tmp_path / "a.txt").read_text() == "as built" and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_the_server_side_request_recorder_sees_an_outside_attempt(tmp_path):
    """The live tests' zero server-side count means something: the same hook records a lookup."""
    import os
    import subprocess
    import sys

    from live_support import SITECUSTOMIZE

    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "attempts.log"
    probe = "import socket\ntry:\n    socket.getaddrinfo('outside.invalid', 443)\nexcept OSError:\n    pass\nsocket.getaddrinfo('127.0.0.1', 80)\n"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DPSKIT_NET_LOG": str(log)}
    subprocess.run([sys.executable, "-c", probe], env=env, check=True, timeout=60)
    assert [line.split()[1:] for line in log.read_text().splitlines()] == [["getaddrinfo", "outside.invalid"]]


# --------------------------------------------------------------------------- the server's lifetime


def _start_participant(pack: Path, log: Path):
    import subprocess
    import sys
    import time
    import urllib.request

    from live_support import free_port

    port = free_port()
    command = [str(Path(sys.executable).with_name("dpskit")), "participant", "--no-browser", f"--port={port}", str(pack)]
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return process, port
        except OSError:
            assert process.poll() is None, log.read_text()
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"dpskit participant did not answer: {log.read_text()}")


def _open_notebook(port: int, pack: Path) -> tuple[str, str]:
    """A notebook page as a browser gets it: (its kernel id, the _xsrf cookie it set)."""
    import urllib.request

    notebook = next((pack / "notebooks").glob("*.ipynb")).name
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/{notebook}", timeout=180) as response:
        page = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    kernel_id = re.search(r'kernelId": "([0-9a-f-]+)"', page).group(1)
    xsrf = next((c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("_xsrf=")), "")
    return kernel_id, xsrf


def _wait_gone(processes, timeout: float = 30) -> list:
    import psutil

    _, alive = psutil.wait_procs(processes, timeout=timeout)
    for process in alive:
        process.kill()
    return alive


def test_a_closed_notebook_page_can_stop_its_kernel(mini_build, tmp_path):
    """Voilà's page stops its kernel on unload with the _xsrf cookie, which its notebook page never
    set when opened by URL (403, and 13 kernels alive at the end of a session)."""
    import signal
    import urllib.request

    psutil = pytest.importorskip("psutil")
    process, port = _start_participant(mini_build, tmp_path / "participant.log")
    try:
        voila = psutil.Process(process.pid).children()[0]
        kernel_id, xsrf = _open_notebook(port, mini_build)
        assert xsrf, "the notebook page sets no _xsrf cookie: its unload request is refused"
        assert len(voila.children()) == 1
        body = f"_xsrf={xsrf}".encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/voila/api/shutdown/{kernel_id}", data=body, method="POST",
                                         headers={"Cookie": f"_xsrf={xsrf}", "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204
        assert _wait_gone(voila.children(), timeout=10) == []
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.mark.parametrize("how", ["SIGHUP", "SIGKILL"])
def test_participant_mode_ends_with_its_terminal(mini_build, tmp_path, how):
    """The terminal closed (SIGHUP) left Voilà, its kernel and the temporary folder behind; killed
    outright (kill -9, the OOM killer), Voilà kept serving on its own. Now everything goes."""
    import os
    import signal
    import socket

    psutil = pytest.importorskip("psutil")
    process, port = _start_participant(mini_build, tmp_path / "participant.log")
    voila = psutil.Process(process.pid).children()[0]
    home = Path(voila.environ()["JUPYTER_CONFIG_DIR"]).parent
    _open_notebook(port, mini_build)
    started = [voila, *voila.children(recursive=True)]
    assert len(started) == 2 and home.is_dir()
    assert any(home.glob("runtime/voila_*/kernel-*")), "Voilà keeps its kernels' connection files outside the private folder"
    os.kill(process.pid, getattr(signal, how))
    assert _wait_gone(started) == [], f"still running after {how}: {started}"
    process.wait(timeout=30)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert not home.exists(), "the temporary folder outlived the server"


@pytest.mark.browser
def test_five_reloads_hold_one_kernel(mini_build, tmp_path, browser):
    """Participant mode kept every reloaded page's kernel (13 alive at the end of a session)."""
    import signal
    import time

    psutil = pytest.importorskip("psutil")
    process, port = _start_participant(mini_build, tmp_path / "participant.log")
    page = browser.new_page()
    page.set_default_timeout(120_000)
    try:
        voila = psutil.Process(process.pid).children()[0]
        page.goto(f"http://127.0.0.1:{port}/voila/render/{next((mini_build / 'notebooks').glob('*.ipynb')).name}")
        page.wait_for_selector(".jupyter-widgets")
        counts = []
        for _ in range(5):
            page.reload()
            page.wait_for_selector(".jupyter-widgets")
            deadline = time.monotonic() + 10
            while len(voila.children()) > 1 and time.monotonic() < deadline:
                time.sleep(0.3)
            counts.append(len(voila.children()))
        page.close(run_before_unload=True)
        assert counts == [1] * 5
        assert _wait_gone(voila.children(), timeout=10) == [], "the closed page's kernel is still running"
    finally:
        if not page.is_closed():
            page.close()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_kernels_use_ipc_files_only_where_their_names_fit_a_socket_address(tmp_path):
    """A kernel's IPC socket is <folder>/voila_XXXXXXXX/kernel-<uuid>-ipc-<n>: under a long temporary
    folder (macOS's TMPDIR, a nested test folder) it would not fit a Unix socket address, so the
    kernel would fail to start; there the server keeps Jupyter's loopback TCP."""
    from dpskit.participant import UNIX_SOCKET_PATH, kernel_transport

    short = Path("/tmp/dpskit-live-abcdefgh/runtime")
    assert kernel_transport(short) == ["--KernelManager.transport=ipc"]
    example = short / "voila_abcdefgh" / "kernel-1596713e-6bde-4395-b186-b95feaeb200b-ipc-1"
    assert len(str(example)) < UNIX_SOCKET_PATH
    long = Path("/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/dpskit-live-abcdefgh/runtime")
    assert kernel_transport(long) == []
