"""Execute a session notebook once, in this interpreter's kernel, cached by content hash."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from . import __version__
from .content import Content


class SessionExecutionError(Exception):
    """A cell failed: names the session, the cell and the exception."""


def inputs_digest(content: Content) -> str:
    """Everything besides a notebook that can change a build's results: the manifest, data,
    authored guides, dpskit's code, templates and assets, and the Python version."""
    digest = hashlib.sha256(f"dpskit {__version__} python {sys.version_info[:2]}".encode())
    package = Path(__file__).parent
    templates = Path(__file__).resolve().parents[2] / "export" / "templates"
    roots = [content.root / "data", content.root / "facilitator_guides", package, templates]
    files = [content.root / "curriculum.yml"] + [p for root in roots if root.is_dir() for p in sorted(root.rglob("*"))
                                                   if p.is_file() and "__pycache__" not in p.parts]
    for path in files:
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(notebook: Path, content: Content, digest: str | None = None) -> str:
    """A session's key: its notebook plus every shared input (see `inputs_digest`)."""
    return hashlib.sha256((digest or inputs_digest(content)).encode() + notebook.read_bytes()).hexdigest()


def _kernel_manager():
    """A kernel running this very Python, whatever kernelspecs the machine has installed."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class ThisPythonKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            # no IPython history database: nothing of the build is written to the home folder
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--HistoryManager.enabled=False"]
            return KernelSpec(argv=argv, display_name="Python (dpskit)", language="python")

    return KernelManager(kernel_spec_manager=ThisPythonKernelSpecs(), kernel_name="python3")


def execute_notebook(notebook: Path, content: Content, *, session_id: str, timeout: int = 180) -> nbformat.NotebookNode:
    """Run every cell; widget state is not stored, so exports use the static quiz HTML."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(notebook, as_version=4)
    os.environ["DPSKIT_ROOT"] = str(content.root)
    client = NotebookClient(
        nb, km=_kernel_manager(), timeout=timeout, store_widget_state=False, record_timing=False,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up chatter is not ours to show
    except CellExecutionError as exc:
        index, cell = next(
            ((i, c) for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", []))),
            (None, None),
        )
        where = f"cell {index} (id {cell.get('id')}): {cell.source.strip()[:80]!r}" if cell is not None else "a cell"
        raise SessionExecutionError(f"session {session_id}: {where} raised {exc.ename}: {exc.evalue}") from None
    return nb


def executed_session(notebook: Path, content: Content, *, session_id: str, cache_dir: Path | None,
                     key: str | None = None) -> tuple[nbformat.NotebookNode, bool]:
    """The executed notebook and whether it came from the cache."""
    if cache_dir is None:
        return execute_notebook(notebook, content, session_id=session_id), False
    cached = cache_dir / f"{session_id}-{(key or cache_key(notebook, content))[:24]}.ipynb"
    if cached.is_file():
        return nbformat.read(cached, as_version=4), True
    nb = execute_notebook(notebook, content, session_id=session_id)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob(f"{session_id}-*.ipynb"):
        stale.unlink()
    temporary = cached.with_suffix(".tmp")
    nbformat.write(nb, temporary)
    temporary.replace(cached)
    return nb, False
