"""Print-quality PDFs with WeasyPrint (CSS paged media): running footer, page numbers, paper size."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
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


def render_pdf(job: PdfJob) -> Path:
    from weasyprint import CSS, HTML

    job.target.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=job.html, base_url=str(job.target.parent)).write_pdf(job.target, stylesheets=[CSS(string=page_css(job))])
    return job.target


def render_pdfs(jobs: list[PdfJob]) -> list[Path]:
    """Render in parallel across cores: each PDF is independent and CPU-bound."""
    if len(jobs) <= 1 or (os.cpu_count() or 1) == 1:
        return [render_pdf(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        return list(pool.map(render_pdf, jobs))
