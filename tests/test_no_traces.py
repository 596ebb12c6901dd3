"""Issue 20: participant mode (Voilà and --lab) and room mode leave nothing on the computer, for
people who may be searched. Each mode runs as a user would start it, with a fresh HOME and TMPDIR,
opens a session (a kernel runs the notebook) and is stopped with Ctrl-C: both folders must be empty
after (no notebook_secret, nbsignatures.db, matplotlib folders, dpskit content cache naming the
workshop and the pack, npm logs)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import in_ci
from live_support import free_port

pytestmark = [pytest.mark.slow]


def _need_live() -> None:
    if importlib.util.find_spec("voila") is None or importlib.util.find_spec("jupyterlab") is None:
        if in_ci():
            pytest.fail("TRACES TEST CANNOT RUN and CI requires it: pip install -e '.[live]'", pytrace=False)
        pytest.skip("TRACES TEST SKIPPED LOUDLY: voila/jupyterlab not installed (pip install -e '.[live]')")


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """The mini workshop's facilitator and participant packs, with their project (for the room)."""
    _need_live()
    from conftest import FIXTURES
    from dpskit.build import build

    root = tmp_path_factory.mktemp("traces") / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    result = build(root, formats=["notebook", "handout"], pdf=False, workshop=root / "workshop.yml")
    return root, result


def _fresh(tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "JUPYTER", "IPYTHON", "MPL", "DPSKIT_")) and key != "CI"}
    env.update(HOME=str(home), TMPDIR=str(tmp), BROWSER="true")
    return env, home, tmp


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 120, opener=None) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            with (opener or urllib.request.build_opener()).open(url, timeout=120) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer: {log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops it; the command cleans up and exits."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _left(*folders: Path) -> list[str]:
    return sorted(str(p) for folder in folders for p in folder.rglob("*"))


def _run_and_stop(command: list[str], env: dict, cwd: Path, log: Path, visit) -> None:
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        visit(process)
    finally:
        _stop(process)


@pytest.mark.parametrize("lab", [False, True], ids=["voila", "lab"])
def test_participant_mode_leaves_nothing(packs, tmp_path, lab):
    root, result = packs
    env, home, tmp = _fresh(tmp_path)
    port = free_port()
    notebook = next(p.name for p in (result.participant / "notebooks").glob("*.ipynb"))
    command = [sys.executable, "-m", "dpskit.cli", "participant", str(result.participant), f"--port={port}", "--no-browser",
               *(["--lab"] if lab else [])]
    log = tmp_path / "server.log"

    def visit(process):
        if not lab:
            page = _wait(f"http://127.0.0.1:{port}/voila/render/{notebook}", process, log)  # Voilà serves notebooks/
            assert "application/vnd.jupyter.widget-view+json" in page, "the session did not run"
            return
        deadline = time.monotonic() + 120
        while not (token := re.search(r"\?token=([0-9a-f]+)", log.read_text())) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert token, log.read_text()[-2000:]
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/lab?token={token.group(1)}", process, log)
        request = urllib.request.Request(f"{base}/api/sessions?token={token.group(1)}", method="POST", headers={
            "Content-Type": "application/json"}, data=f'{{"path": "notebooks/{notebook}", "type": "notebook", '
                                                        f'"kernel": {{"name": "python3"}}}}'.encode())
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 201
        time.sleep(3)  # the kernel starts and writes what it writes

    _run_and_stop(command, env, result.participant, log, visit)
    assert _left(home, tmp) == [], f"left behind: {_left(home, tmp)[:10]}\n{log.read_text()[-1000:]}"


def test_room_mode_leaves_nothing(packs, tmp_path):
    root, result = packs
    env, home, tmp = _fresh(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "dpskit.cli", "--root", str(root), "room", str(result.out), "--host", "127.0.0.1",
               f"--port={port}"]
    log = tmp_path / "room.log"
    notebook = next(p.name for p in (result.participant / "notebooks").glob("*.ipynb"))

    def visit(process):
        deadline = time.monotonic() + 120
        while not (url := re.search(rf"http://127\.0\.0\.1:{port}/r/[^/\s]+/", log.read_text())) and time.monotonic() < deadline:
            if process.poll() is not None:
                break
            time.sleep(0.5)
        assert url, log.read_text()[-2000:]
        phone = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())  # the join page gives it the room's pass
        _wait(url.group(0), process, log, opener=phone)
        page = _wait(url.group(0) + f"voila/render/notebooks/{notebook}", process, log, opener=phone)
        assert "application/vnd.jupyter.widget-view+json" in page, "the session did not run"

    _run_and_stop(command, env, tmp_path, log, visit)
    assert _left(home, tmp) == [], f"left behind: {_left(home, tmp)[:10]}\n{log.read_text()[-1000:]}"
