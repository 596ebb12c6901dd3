"""Execute a session notebook in a kernel running this interpreter: stopped on a timeout, a dead kernel or an interrupt."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat

from .content import Content
from .i18n import language


class SessionExecutionError(Exception):
    """A cell failed: names the session, the cell and the exception."""


DEFAULT_TIMEOUT = 180  # seconds one cell may run; `dpskit build --timeout`

_kernels: set = set()  # the kernel managers running now, so an interrupted build can stop them


def _kernel_manager():
    """A kernel running this very Python, whatever kernelspecs the machine has installed. Async, as
    nbclient expects (a synchronous manager is never polled, so a dead kernel or a timeout would hang);
    the kernel exits by itself when this process goes away, even after kill -9."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class ThisPythonKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            # no IPython history database: nothing of the build is written to the home folder
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--HistoryManager.enabled=False",
                    f"--IPKernelApp.parent_handle={os.getpid()}"]
            return KernelSpec(argv=argv, display_name="Python (dpskit)", language="python")

    return AsyncKernelManager(kernel_spec_manager=ThisPythonKernelSpecs(), kernel_name="python3")


def stop_kernels() -> None:
    """Kill every kernel a build is running (from any thread): their sessions then fail at once."""
    for km in list(_kernels):
        _kill(km)


def _kill(km) -> None:
    pid = getattr(km.provisioner, "pid", None) if km.provisioner else None
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _describe(nb, index: int | None) -> str:
    if index is None or index >= len(nb.cells):
        return "a cell"
    cell = nb.cells[index]
    return f"cell {index} (id {cell.get('id')}): {cell.source.strip()[:80]!r}"


def execute_notebook(notebook: Path, content: Content, *, session_id: str, timeout: int = DEFAULT_TIMEOUT,
                     nb: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """Run every cell (of `nb`, the notebook as the build reads it, when given); widget state is
    not stored, so exports use the static quiz HTML. The kernel reads content in the build's language."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(notebook, as_version=4) if nb is None else nb
    os.environ["DPSKIT_ROOT"] = str(content.root)
    running: dict[str, int] = {}
    km = _kernel_manager()
    client = NotebookClient(
        nb, km=km, timeout=timeout, store_widget_state=False, record_timing=False,
        resources={"metadata": {"path": str(notebook.parent)}},
        on_cell_execute=lambda cell, cell_index: running.update(index=cell_index),
    )
    _kernels.add(km)
    try:
        # the kernel's own start-up chatter is not ours to show; its widgets speak the build's language
        client.execute(stderr=subprocess.DEVNULL, env={**os.environ, "DPSKIT_LANGUAGE": language()})
    except CellExecutionError as exc:
        index = next((i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        raise SessionExecutionError(f"session {session_id}: {_describe(nb, index)} raised {exc.ename}: {exc.evalue}") from None
    except CellTimeoutError:
        raise SessionExecutionError(f"session {session_id}: {_describe(nb, running.get('index'))} ran longer than {timeout} s "
                                    "(the limit is `dpskit build --timeout SECONDS`)") from None
    except DeadKernelError:
        raise SessionExecutionError(f"session {session_id}: the kernel died while running {_describe(nb, running.get('index'))}") from None
    finally:
        _kernels.discard(km)
        atexit.unregister(client._cleanup_kernel)  # nbclient's exit hook for a kernel we shut down here
        _shut_down(km)
    return nb


def _shut_down(km) -> None:
    """The kernel is ours (nbclient leaves a manager it was given running): stop it now."""
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - already dead or half started: make sure the process is gone
        _kill(km)

