"""`dpskit participant <pack>`: a pack's notebooks in the browser as a participant should see them.

Voilà (the default) runs each notebook and shows its text, quizzes and scenarios with no code
and no prompts, through dpskit's Voilà template (Jupyter shared data, loads nothing from other
computers). `--lab` opens JupyterLab instead (facilitator notebooks, or participants who want it)
with the settings that stop its news, update checks and extension manager, turn autosave off,
hide code and prompts, and refuse to write into the pack.

Everything the servers and kernels would keep (Jupyter config, Lab settings and workspaces,
IPython history) lives in a temporary folder that is deleted when the server stops.

`--hub` runs the same mode as a JupyterHub single-user server (deploy/jupyterhub/): JupyterHub
chooses the address and does the login, this module the rest.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import sys
import tempfile
from contextlib import contextmanager
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
        # notebook_secret and nbsignatures.db (Jupyter's data folder), matplotlib's config and font
        # cache, and dpskit's parsed content (which names the workshop and the pack's path)
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "MPLCONFIGDIR": str(home / "matplotlib"),
        "DPSKIT_CACHE_DIR": str(home / "dpskit-cache"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


@contextmanager
def nothing_kept():
    """dpskit's own cache for this process (the room reads the workshop) in a temporary folder,
    removed when it ends: a participant or room session leaves nothing in the user's folders."""
    folder = tempfile.mkdtemp(prefix="dpskit-cache-")
    before = os.environ.get("DPSKIT_CACHE_DIR")
    os.environ["DPSKIT_CACHE_DIR"] = folder
    try:
        yield Path(folder)
    finally:
        if before is None:
            os.environ.pop("DPSKIT_CACHE_DIR", None)
        else:
            os.environ["DPSKIT_CACHE_DIR"] = before
        shutil.rmtree(folder, ignore_errors=True)


def pack_language(pack: Path) -> str:
    """The language a pack was built in, from the curriculum.yml its build wrote beside the notebooks."""
    from ruamel.yaml import YAML

    for folder in (Path(pack), Path(pack).parent):
        manifest = folder / "curriculum.yml"
        if manifest.is_file():
            data = YAML(typ="safe", pure=True).load(manifest.read_text(encoding="utf-8")) or {}
            return str(data.get("language") or "en")
    return "en"


def voila_language(pack: Path) -> list[str]:
    """Voilà options for the pack's language: the page's lang, and the words of Voilà's own loading
    screen (dpskit's Voilà template shows these instead of Voilà's English)."""
    import json

    from .i18n import _, using

    language = pack_language(pack)
    with using(language):
        texts = {"loading": _("Opening the session…"), "running": _("Getting part {index} of {count} ready…")}
    return [f"--VoilaExporter.language_code={language.split('-')[0]}",
            f"--VoilaConfiguration.resources={json.dumps({'dpskit_text': texts}, ensure_ascii=False)}"]


def server_command(pack: Path, *, lab: bool = False, port: int = 8866, open_browser: bool = True) -> list[str]:
    """The Voilà or JupyterLab command line for `pack`, bound to 127.0.0.1 only. Voilà's page
    says the pack's language (the kernel's widgets speak it: see dpskit.notebook)."""
    browser = [] if open_browser else ["--no-browser"]
    if not lab:
        return [sys.executable, "-m", "voila", str(notebook_folder(pack)), f"--template={TEMPLATE}",
                f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=False", *voila_language(pack), *browser]
    return [sys.executable, "-m", "jupyterlab", *locked_down(Path(pack).resolve()), f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1", *browser]


NO_LANGUAGE_SERVERS = {"jupyter_lsp": False}  # participants need none, and it runs npm at start-up (logs in ~/.npm)


def locked_down(root: Path, *, allow_root: bool = True, extensions: dict[str, bool] = NO_LANGUAGE_SERVERS) -> list[str]:
    """Jupyter Server settings for `--lab` and for JupyterHub: Lab's news, update checks and extension
    manager off, code and prompts hidden, the pack read-only, no terminals, no language servers."""
    return [
        f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly", "--LabApp.custom_css=True",
        f"--LabApp.app_settings_dir={lab_settings() / 'settings'}",
        "--ServerApp.contents_manager_class=dpskit.participant.ReadOnlyContentsManager",
        "--ContentsManager.allow_hidden=False", "--ServerApp.terminals_enabled=False",
        f"--ServerApp.jpserver_extensions={extensions!r}",
        *(["--ServerApp.allow_root=True"] if allow_root and running_as_root() else []),  # containers
    ]


# Server extensions a participant's Voilà server under JupyterHub does without (Lab, its language
# servers, terminals): dpskit.hub serves Voilà's routes only, and none of these start.
HUB_VOILA_EXTENSIONS = {"dpskit.hub": True, "jupyterlab": False, "jupyter_lsp": False, "jupyter_server_terminals": False,
                        "notebook_shim": False, "notebook": False, "nbclassic": False}


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class RootRefused(Exception):
    """A participant's server under JupyterHub would run as root."""


def hub_command(pack: Path, *, lab: bool = False) -> list[str]:
    """`jupyterhub-singleuser` in participant mode: Voilà with dpskit's template at /voila/tree (the
    default page) and nothing else of the server (dpskit.hub), or the locked-down JupyterLab.
    JupyterHub passes address, login and URL prefix."""
    root = Path(pack).resolve() if lab else notebook_folder(pack)
    extensions = NO_LANGUAGE_SERVERS if lab else HUB_VOILA_EXTENSIONS
    return [sys.executable, "-m", "jupyterhub.singleuser", *locked_down(root, allow_root=False, extensions=extensions),
            f"--VoilaConfiguration.template={TEMPLATE}", "--VoilaConfiguration.show_tracebacks=False",
            *voila_language(pack),
            # Voilà as a server extension would fetch MathJax from cdnjs; None turns it off, as standalone.
            '--ServerApp.tornado_settings={"mathjax_url": None, "mathjax_config": None}',
            f"--ServerApp.default_url={'/lab' if lab else '/voila/tree'}"]


def serve(pack: Path, *, lab: bool = False, port: int = 8866, open_browser: bool = True, hub: bool = False) -> int:
    """Run the server until Ctrl-C (or SIGTERM, as JupyterHub and Kubernetes stop it); remove
    everything it kept on the way out."""
    if hub and running_as_root():
        raise RootRefused("dpskit participant --hub refuses to run as root: start JupyterHub as a dedicated "
                          "unprivileged user (deploy/jupyterhub/README.md)")
    command = hub_command(pack, lab=lab) if hub else server_command(pack, lab=lab, port=port, open_browser=open_browser)
    home = Path(tempfile.mkdtemp(prefix="dpskit-live-"))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # cleaned up like Ctrl-C
    try:
        env = private_environment(home)
        if hub:  # a hub user's caches (matplotlib, pip, ~/.local) go with the rest
            env["HOME"] = str(home)
        process = subprocess.Popen(command, env=env)
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            return process.wait(timeout=20)
    finally:
        shutil.rmtree(home, ignore_errors=True)
