"""Print-quality PDFs with WeasyPrint (CSS paged media): running footer, page numbers, paper size."""

from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from .render import asset, environment


@dataclass(frozen=True)
class PdfJob:
    html: str
    target: Path
    paper: str = "letter"         # letter | a4
    landscape: bool = False
    footer: str = ""              # disclaimer and hotline, on every page
    with_page_numbers: bool = True
    margins: bool = True          # pocket cards bring their own layout


def weasyprint_available() -> bool:
    """Installed, and the system's Pango is there for it (checked without importing it: slow)."""
    from ctypes.util import find_library
    from importlib.util import find_spec

    return find_spec("weasyprint") is not None and find_library("pango-1.0") is not None


def css_string(text: str) -> str:
    """A CSS string literal: data from files never closes the string or the rule."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;!?()/-+'" else f"\\{ord(ch):x} " for ch in " ".join(text.split()))
    return f'"{escaped}"'


def page_css(job: PdfJob) -> str:
    return environment().get_template("pdf.css.j2").render(
        job=job, size=("A4" if job.paper == "a4" else "letter"), footer=css_string(job.footer), extra=asset("print.css"))


def _offline_fetcher():
    """WeasyPrint's fetcher for `data:` URLs only: pages carry every asset inline, so a remote image,
    a local file (`<a rel="attachment" href="file:///…">`) or anything else in the HTML is refused."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def render_pdf(job: PdfJob) -> Path:
    from weasyprint import CSS, HTML

    job.target.parent.mkdir(parents=True, exist_ok=True)
    fetcher = _offline_fetcher()
    HTML(string=job.html, base_url=str(job.target.parent), url_fetcher=fetcher).write_pdf(
        job.target, stylesheets=[CSS(string=page_css(job), url_fetcher=fetcher)])
    return job.target


def _leave_interrupts_to_the_build() -> None:
    """A PDF worker: Ctrl-C reaches the whole process group, but the build stops its workers; and
    on Linux the worker dies with the build, even after kill -9 (no orphan left rendering)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the pool still terminates its workers when the build stops normally


def render_pdfs(jobs: list[PdfJob], on_done=None) -> list[Path]:
    """Render in parallel across cores: each PDF is independent and CPU-bound; `on_done(target)`
    as each one is written (the build's progress). An interrupted or failed build terminates the
    workers (leaving the pool terminates them), none is left behind."""
    done = on_done or (lambda target: None)
    if len(jobs) <= 1 or (os.cpu_count() or 1) == 1:
        return [_reported(render_pdf(job), done) for job in jobs]
    with multiprocessing.Pool(min(len(jobs), os.cpu_count() or 1), initializer=_leave_interrupts_to_the_build) as pool:
        written = {target: _reported(target, done) for target in pool.imap_unordered(render_pdf, jobs)}
    return [job.target for job in jobs if job.target in written]


def _reported(target: Path, done) -> Path:
    done(target)
    return target
