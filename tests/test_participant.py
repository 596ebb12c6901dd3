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
