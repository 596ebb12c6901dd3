"""`dpskit participant <pack>`: a pack's notebooks in the browser as a participant should see them.

Voilà (the default) runs each notebook and shows its text, quizzes and scenarios with no code
and no prompts, through dpskit's Voilà template (Jupyter shared data, loads nothing from other
computers). `--lab` opens JupyterLab instead (facilitator notebooks, or participants who want it)
with the settings that stop its news, update checks and extension manager, turn autosave off,
hide code and prompts, and refuse to write into the pack.

Everything the servers and kernels would keep (Jupyter config, Lab settings and workspaces,
IPython history) lives in a temporary folder that is deleted when the server stops.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError

TEMPLATE = "dpskit"
SHARED = ("dpskit", "jupyterlab")  # share/jupyter/dpskit/jupyterlab: settings/ and custom/


class ReadOnlyContentsManager(AsyncLargeFileManager):
    """Serves the pack's files and never changes them: no save, rename, delete or checkpoint."""

    async def save(self, model, path=""):
        raise HTTPError(403, "dpskit participant mode: this pack is read-only, nothing is saved")

    async def delete_file(self, path):
        raise HTTPError(403, "dpskit participant mode: this pack is read-only")

    async def rename_file(self, old_path, new_path):
        raise HTTPError(403, "dpskit participant mode: this pack is read-only")

    async def create_checkpoint(self, path):
        return {"id": "none", "last_modified": datetime.now(timezone.utc)}

    async def list_checkpoints(self, path):
        return []


def lab_settings() -> Path:
    """The installed JupyterLab settings (overrides.json, page_config.json, custom.css)."""
    from jupyter_core.paths import jupyter_path

    for folder in map(Path, jupyter_path(*SHARED)):
        if (folder / "settings" / "overrides.json").is_file():
            return folder
    raise FileNotFoundError("dpskit's JupyterLab settings are not installed: pip install -e '.[live]'")


def notebook_folder(pack: Path) -> Path:
    """Where a pack's participant notebooks are (the pack itself if it is that folder)."""
    pack = Path(pack).resolve()
    if (pack / "notebooks").is_dir():
        return pack / "notebooks"
    if any(pack.glob("*.ipynb")):
        return pack
    raise FileNotFoundError(f"{pack} has no notebooks/ folder: build a workshop pack first (make workshop)")


def private_environment(home: Path) -> dict[str, str]:
    """Environment for a server whose config, settings and history stay in `home` (temporary)."""
    config = home / "jupyter-config"
    (config / "custom").mkdir(parents=True, exist_ok=True)
    try:
        shared = lab_settings()
        shutil.copyfile(shared / "custom" / "custom.css", config / "custom" / "custom.css")
    except FileNotFoundError:
        pass  # Voilà needs none of these
    ipython = home / "ipython" / "profile_default"
    ipython.mkdir(parents=True, exist_ok=True)
    (ipython / "ipython_kernel_config.py").write_text("c.HistoryManager.enabled = False\n")
    env = {key: value for key, value in os.environ.items() if key not in ("DPSKIT_ROOT", "DPSKIT_LANGUAGE")}  # the pack's own
    return {
        **env,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def server_command(pack: Path, *, lab: bool = False, port: int = 8866, open_browser: bool = True) -> list[str]:
    """The Voilà or JupyterLab command line for `pack`, bound to 127.0.0.1 only."""
    browser = [] if open_browser else ["--no-browser"]
    if not lab:
        return [sys.executable, "-m", "voila", str(notebook_folder(pack)), f"--template={TEMPLATE}",
                f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=False", *browser]
    root = Path(pack).resolve()
    return [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly", "--LabApp.custom_css=True",
        f"--LabApp.app_settings_dir={lab_settings() / 'settings'}",
        "--ServerApp.contents_manager_class=dpskit.participant.ReadOnlyContentsManager",
        "--ContentsManager.allow_hidden=False", "--ServerApp.terminals_enabled=False",
        *(["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),  # containers
        *browser,
    ]


def serve(pack: Path, *, lab: bool = False, port: int = 8866, open_browser: bool = True) -> int:
    """Run the server until Ctrl-C; remove everything it kept on the way out."""
    command = server_command(pack, lab=lab, port=port, open_browser=open_browser)
    home = Path(tempfile.mkdtemp(prefix="dpskit-live-"))
    try:
        process = subprocess.Popen(command, env=private_environment(home))
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            return process.wait(timeout=20)
    finally:
        shutil.rmtree(home, ignore_errors=True)
