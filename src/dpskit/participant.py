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
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Integer

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


class PageKernelManager(AsyncMappingKernelManager):
    """A notebook page's kernel lives as long as its page. Voilà's page asks to stop its kernel
    when it unloads (reload, back, closed tab) with the `_xsrf` cookie, which Voilà's notebook page
    never sets: the page's first response sets it here. A kernel whose page never connected, or went
    away without saying so (a phone's browser often does), stops once it has had no page and no
    activity for `orphan_seconds`."""

    orphan_seconds = Integer(60, help="seconds a kernel may run with no page connected").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._unattended: dict[str, float] = {}  # kernel id -> since when no page is connected (monotonic)
        self._watch = None

    async def start_kernel(self, *args, **kwargs):
        from jupyter_server.base.call_context import CallContext

        handler = CallContext.get(CallContext.JUPYTER_HANDLER)
        if handler is not None and not handler._headers_written:
            handler.xsrf_token  # noqa: B018 -- reading it sets the cookie on this response
        kernel_id = await super().start_kernel(*args, **kwargs)
        self._unattended[kernel_id] = time.monotonic()
        if self._watch is None:
            from tornado.ioloop import PeriodicCallback

            self._watch = PeriodicCallback(self.stop_orphans, 1000 * max(1, min(10, self.orphan_seconds // 4)))
            self._watch.start()
        return kernel_id

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self._unattended.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id) == 0:
            self._unattended[kernel_id] = time.monotonic()

    def orphans(self, now: float) -> list[str]:
        """Kernels with no page for `orphan_seconds` and no activity since (a render still running is busy)."""
        found = []
        for kernel_id, since in list(self._unattended.items()):
            if kernel_id not in self:
                self._unattended.pop(kernel_id, None)
                continue
            kernel = self.get_kernel(kernel_id)
            last = getattr(kernel, "last_activity", None)
            idle_for = (datetime.now(timezone.utc) - last).total_seconds() if last else float("inf")
            if (now - since >= self.orphan_seconds and idle_for >= self.orphan_seconds
                    and getattr(kernel, "execution_state", "") != "busy" and not self._kernel_connections.get(kernel_id)):
                found.append(kernel_id)
        return found

    async def stop_orphans(self) -> None:
        for kernel_id in self.orphans(time.monotonic()):
            self._unattended.pop(kernel_id, None)
            try:
                await self.shutdown_kernel(kernel_id)
            except Exception:  # already gone
                pass


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


def lab_locale(language: str) -> str | None:
    """The installed JupyterLab language pack for `language` ("es" -> "es_ES"), or None: then Lab's
    menus stay English (dpskit's own words in the notebooks still speak the pack's language)."""
    from importlib.metadata import entry_points

    wanted = language.replace("-", "_")
    packs = sorted(point.name for point in entry_points(group="jupyterlab.languagepack"))
    return next((name for name in packs if name.lower() == wanted.lower()), None) or \
        next((name for name in packs if name.split("_")[0].lower() == wanted.split("_")[0].lower()), None)


def private_environment(home: Path, language: str | None = None) -> dict[str, str]:
    """Environment for a server whose config, settings and history stay in `home` (temporary).
    With the pack's `language`, JupyterLab's own menus speak it where its language pack is installed."""
    config = home / "jupyter-config"
    (config / "custom").mkdir(parents=True, exist_ok=True)
    try:
        shared = lab_settings()
        shutil.copyfile(shared / "custom" / "custom.css", config / "custom" / "custom.css")
    except FileNotFoundError:
        pass  # Voilà needs none of these
    locale = lab_locale(language) if language and language != "en" else None
    if locale:  # a user setting in the temporary settings folder: Lab's Settings > Language, chosen for them
        translation = home / "lab-user-settings" / "@jupyterlab" / "translation-extension"
        translation.mkdir(parents=True, exist_ok=True)
        (translation / "plugin.jupyterlab-settings").write_text(f'{{"locale": "{locale}"}}\n')
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


def pack_manifest(pack: Path) -> dict:
    """The curriculum.yml a pack's build wrote beside the notebooks (its title and language)."""
    from ruamel.yaml import YAML

    for folder in (Path(pack), Path(pack).parent):
        manifest = folder / "curriculum.yml"
        if manifest.is_file():
            return YAML(typ="safe", pure=True).load(manifest.read_text(encoding="utf-8")) or {}
    return {}


def pack_language(pack: Path) -> str:
    """The language a pack was built in, from the curriculum.yml its build wrote beside the notebooks."""
    return str(pack_manifest(pack).get("language") or "en")


def session_titles(pack: Path) -> dict[str, str]:
    """Notebook file name -> the session's title in the pack's language (its metadata says it)."""
    import json

    titles = {}
    for notebook in sorted(notebook_folder(pack).glob("*.ipynb")):
        try:
            title = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("dpskit", {}).get("title")
        except (OSError, ValueError):
            continue
        if isinstance(title, str) and title.strip():
            titles[notebook.name] = title
    return titles


def voila_language(pack: Path, *, hub: bool = False) -> list[str]:
    """Voilà options for the pack's language: the page's lang, and the words dpskit's Voilà template
    shows instead of Voilà's English (the list of sessions by title, the loading screen, the error
    pages). They reach the templates as page_config's extensionConfig on the list and the session
    pages, and as a template variable on the error pages (Jupyter Server's jinja_template_vars; in
    `hub` mode Voilà runs inside Jupyter Server)."""
    import json

    from .i18n import _, using

    manifest = pack_manifest(pack)
    language = str(manifest.get("language") or "en")
    with using(language):
        title = str(manifest.get("title") or _("Sessions"))
        words = {"title": title, "heading": title,
                 "choose": _("Tap a session to open it. It takes a few seconds to get ready."),
                 "opening": _("Opening the session…"), "loading": _("Opening the session…"),
                 "running": _("Getting part {index} of {count} ready…"),
                 "missing": _("There is no such page in this workshop."),
                 "failed": _("Something went wrong. Go back to the list and open the session again."),
                 "back": _("Back to the list of sessions")}
    config = {"dpskit": {"language": language.split("-")[0], "words": words, "sessions": session_titles(pack)}}
    variables = json.dumps({"jinja_template_vars": config} if not hub else config, ensure_ascii=False)
    return [f"--VoilaExporter.language_code={language.split('-')[0]}",
            f"--VoilaConfiguration.extension_config={json.dumps(config, ensure_ascii=False)}",
            f"--ServerApp.jinja_template_vars={variables}" if hub else f"--Voila.tornado_settings={variables}"]


# A notebook's kernel goes with its page (PageKernelManager); one left idle goes after 20 minutes.
KERNEL_LIFETIME = ("--VoilaConfiguration.multi_kernel_manager_class=dpskit.participant.PageKernelManager",
                   "--MappingKernelManager.cull_idle_timeout=1200", "--MappingKernelManager.cull_interval=60")
# A Unix socket's path holds 104 bytes on macOS (107 on Linux); a kernel's IPC files are named
# <connection folder>/voila_XXXXXXXX/kernel-<uuid>-ipc-<n>, 66 characters below the folder.
UNIX_SOCKET_PATH = 104
IPC_NAME_LENGTH = 66


def kernel_transport(connection_dir: Path) -> list[str]:
    """Kernels talk to the server through files in the private temporary folder (IPC), not TCP
    ports other users could reach, when their names fit a socket address; a long temporary folder
    (macOS's TMPDIR, a nested test folder) keeps Jupyter's loopback TCP, which still needs the key."""
    return ["--KernelManager.transport=ipc"] if len(str(connection_dir)) + IPC_NAME_LENGTH < UNIX_SOCKET_PATH else []


def dies_with_parent(parent: int):
    """A `preexec_fn`: the child gets SIGTERM when the process that started it dies, even by
    `kill -9` or the OOM killer (Linux PR_SET_PDEATHSIG), so no server keeps serving on its own."""

    def arrange() -> None:
        if sys.platform.startswith("linux"):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGTERM)

    return arrange


def stop_group(process: subprocess.Popen, timeout: float = 20) -> int | None:
    """SIGTERM to the server's process group (server and kernels), SIGKILL to whatever lingers."""
    try:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        os.killpg(process.pid, signal.SIGKILL)  # kernels that outlived the server
    except ProcessLookupError:
        pass
    return process.returncode


def server_command(pack: Path, *, lab: bool = False, port: int = 8866, open_browser: bool = True) -> list[str]:
    """The Voilà or JupyterLab command line for `pack`, bound to 127.0.0.1 only. Voilà's page
    says the pack's language (the kernel's widgets speak it: see dpskit.notebook)."""
    browser = [] if open_browser else ["--no-browser"]
    if not lab:
        # -W: traitlets calls a JSON value for a dict option deprecated and prints all of it; nothing for a facilitator
        return [sys.executable, "-W", "ignore::DeprecationWarning", "-m", "voila", str(notebook_folder(pack)), f"--template={TEMPLATE}",
                f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=False", *voila_language(pack), *browser,
                *KERNEL_LIFETIME]
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
            *voila_language(pack, hub=True),
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
        for name in ("SIGTERM", "SIGHUP"):  # `kill`, JupyterHub, or the terminal closed: cleaned up like Ctrl-C
            signal.signal(getattr(signal, name), signal.default_int_handler)
    process = None
    try:
        env = private_environment(home, pack_language(pack))
        if hub:  # a hub user's caches (matplotlib, pip, ~/.local) go with the rest
            env["HOME"] = str(home)
        if not lab and not hub:  # Voilà's kernel connection files (and IPC sockets) too, not in /tmp
            (home / "runtime").mkdir(exist_ok=True)
            command = [*command, f"--Voila.connection_dir_root={home / 'runtime'}", *kernel_transport(home / "runtime")]
            # Voilà removes the folder as it exits: also when this process was killed outright and
            # Voilà got its parent-death signal (this process's `finally` never runs then).
            (Path(env["JUPYTER_CONFIG_DIR"]) / "voila.py").write_text(
                f"import atexit, shutil\natexit.register(shutil.rmtree, {str(home)!r}, True)\n")
        # Its own session: Ctrl-C reaches only this process, which then stops the server and its kernels.
        process = subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=dies_with_parent(os.getpid()))
        try:
            return process.wait()
        except KeyboardInterrupt:
            return stop_group(process)
    finally:
        if process is not None:
            stop_group(process)
        shutil.rmtree(home, ignore_errors=True)
