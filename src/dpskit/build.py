"""The pipeline: validate, execute each session once, render every format in one process."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import nbformat

from .content import Content, load_valid_content

# format name -> (exporter import path, output folder, file suffix)
FORMATS: dict[str, tuple[str, str, str]] = {
    "slides": ("dpskit.exporters:SlidesExporter", "slides", ".slides.html"),
    "handout": ("dpskit.exporters:HandoutExporter", "handouts", ".handout.html"),
    "guide": ("dpskit.exporters:GuideExporter", "guide", ".guide.html"),
    "notebook": ("dpskit.exporters:ParticipantNotebookExporter", "notebooks", ".ipynb"),
    "facilitator-notebook": ("dpskit.exporters:FacilitatorNotebookExporter", "guide", ".facilitator.ipynb"),
}
SOURCE_FORMATS = {"notebook", "facilitator-notebook"}  # exported from the source notebook, not the executed one
CACHE_FOLDER = ".dpskit-cache"


@dataclass
class BuildResult:
    out: Path
    files: list[Path] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    seconds: float = 0.0


def output_path(fmt: str, session_id: str) -> Path:
    _, folder, suffix = FORMATS[fmt]
    return Path(folder) / f"{session_id}{suffix}"


def _exporter(fmt: str):
    from importlib import import_module

    module, name = FORMATS[fmt][0].split(":")
    return getattr(import_module(module), name)()


def build(
    root: Path | None = None,
    out: Path | None = None,
    *,
    sessions: Iterable[str] | None = None,
    formats: Iterable[str] | None = None,
    use_cache: bool = True,
    on_progress: Callable[[str, str], None] | None = None,
) -> BuildResult:
    """Build into a temporary folder and move it into place only when everything worked,
    so a failure leaves the previous build untouched."""
    started = time.perf_counter()
    content = load_valid_content(root)
    out = Path(out or content.root / "build").resolve()
    selected = _select(content, sessions)
    formats = list(formats or FORMATS)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    report = on_progress or (lambda session_id, step: None)
    result = BuildResult(out=out)
    cache_dir = content.root / CACHE_FOLDER / "executed" if use_cache else None

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        executed = _execute_all(content, selected, cache_dir, formats, report, result)
        exporters = {fmt: _exporter(fmt) for fmt in formats}
        for session in selected:
            for fmt in formats:
                target = staging / output_path(fmt, session.id)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = nbformat.read(session.notebook, as_version=4) if fmt in SOURCE_FORMATS else executed[session.id]
                resources = {
                    "metadata": {"name": session.id, "path": str(session.notebook.parent)},
                    "dpskit": {"content": content, "executed": True},
                }
                body, _ = exporters[fmt].from_notebook_node(source, resources)
                target.write_text(body, encoding="utf-8")
                result.files.append(out / output_path(fmt, session.id))
                report(session.id, fmt)
        from .cards import write_pocket_card
        from .index import write_index

        card = write_pocket_card(staging, content)
        if card is not None:
            result.files.append(out / card.relative_to(staging))
        write_index(staging, content, selected, formats, card=card.relative_to(staging).as_posix() if card else None)
        result.files.append(out / "index.html")
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.seconds = time.perf_counter() - started
    return result


def _select(content: Content, sessions: Iterable[str] | None):
    if not sessions:
        return list(content.sessions)
    wanted = list(sessions)
    known = {s.id for s in content.sessions}
    missing = [s for s in wanted if s not in known]
    if missing:
        raise ValueError(f"unknown session id(s): {', '.join(missing)}; known: {', '.join(sorted(known))}")
    return [s for s in content.sessions if s.id in wanted]


def _execute_all(content, selected, cache_dir, formats, report, result) -> dict[str, nbformat.NotebookNode]:
    """Execute sessions that need it, in parallel across cores (each its own kernel)."""
    from .execute import executed_session

    if set(formats) <= SOURCE_FORMATS:
        return {}

    def run(session):
        nb, from_cache = executed_session(session.notebook, content, session_id=session.id, cache_dir=cache_dir)
        report(session.id, "cached" if from_cache else "executed")
        return session.id, nb, from_cache

    workers = max(1, min(len(selected), os.cpu_count() or 1))
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else nullcontext()
    with pool:
        outcomes = list(pool.map(run, selected)) if workers > 1 else [run(s) for s in selected]
    for session_id, _, from_cache in outcomes:
        (result.cached if from_cache else result.executed).append(session_id)
    return {session_id: nb for session_id, nb, _ in outcomes}


def _replace(staging: Path, out: Path) -> None:
    """Swap the finished build in; the old one is removed only after the new one is in place."""
    previous = None
    if out.exists():
        previous = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(previous)
    staging.rename(out)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
