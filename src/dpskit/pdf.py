"""Print-quality PDFs with WeasyPrint (CSS paged media): running footer, page numbers, paper size."""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import signal
from dataclasses import dataclass, field
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


MAX_PAGES = re.compile(r'<meta name="dpskit-max-pages" content="(\d+)"')  # a fixed-page document states its pages
TOLERANCE = 0.5  # CSS px (0.13 mm): rounding, not clipping
PX_PER_MM = 96 / 25.4


class PrintFitError(ValueError):
    """Printed text would be cut off or a fixed-page document runs over: one line naming file, page and element."""


@dataclass
class Fit:
    """What a PDF holds as WeasyPrint laid it out: its pages, its smallest text and anything cut off."""
    name: str
    pages: int
    smallest_pt: float
    max_pages: int | None = None
    clipped: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        over = [f"{self.name}: {self.pages} pages, this document must fit on {self.max_pages}"] \
            if self.max_pages is not None and self.pages > self.max_pages else []
        return over + [f"{self.name} {where}" for where in self.clipped]


def _describe(box) -> str:
    element = box.element
    classes = ".".join((element.get("class") or "").split()) if element is not None else ""
    return box.element_tag.split("::")[0] + (f".{classes}" if classes else "")


def _text_of(box, limit: int = 40) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    words = " ".join(b.text for b in box.descendants() if isinstance(b, TextBox)).split()
    text = " ".join(words)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _walk(box, bounds, path, found, sizes, page_number, element=None) -> None:
    """Every text box must lie inside the content box of each ancestor that cannot grow with it:
    `overflow: hidden` or a fixed height (padding is the safe margin inside a cut line)."""
    from weasyprint.formatting_structure.boxes import TextBox

    if isinstance(box, TextBox):
        if box.text.strip():
            sizes.append(box.style["font_size"] * 0.75)
            x0, y0, x1, y1 = box.position_x, box.position_y, box.position_x + box.width, box.position_y + box.height
            for (bx0, by0, bx1, by1), owner in bounds:
                past = max(bx0 - x0, by0 - y0, x1 - bx1, y1 - by1)
                if past > TOLERANCE:
                    found.append((page_number, owner, path, box.text.strip(), past / PX_PER_MM))
                    break
        return
    own = bounds
    style = getattr(box, "style", None)
    if style is not None and hasattr(box, "content_box_y") and box.element is not None and (
            style["overflow"] != "visible" or (style["height"] != "auto" and style["display"][0] != "table-cell"
                                                and getattr(style["height"], "unit", None) != "%")):
        x, y = box.content_box_x(), box.content_box_y()
        own = [*bounds, ((x, y, x + box.width, y + box.height), box)]
    new = box.element is not None and box.element is not element and not box.element_tag.startswith(("html", "body"))
    described = [*path, _describe(box)][-3:] if new else path
    for child in getattr(box, "children", ()):
        _walk(child, own, described, found, sizes, page_number, box.element)


def measure(document, name: str, max_pages: int | None = None) -> Fit:
    """Fit of a rendered WeasyPrint document: clipped text is named by page, element and words."""
    found, sizes = [], []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        _walk(box, [((0, 0, page.width, page.height), box)], [], found, sizes, number)
    clipped, seen = [], set()
    for number, owner, path, text, past in found:
        key = (number, id(owner))
        if key in seen:
            continue  # one report per box that cuts text off (8 identical cards are 8 reports, not 80)
        seen.add(key)
        clipped.append(f"page {number}, {' > '.join(path)} \"{text[:40]}\": cut off {past:.1f} mm past "
                       f"{_describe(owner)} \"{_text_of(owner)}\"")
    return Fit(name=name, pages=len(document.pages), smallest_pt=round(min(sizes, default=0), 2),
               max_pages=max_pages, clipped=clipped)


def _name(target: Path) -> str:
    return "/".join(Path(target).parts[-2:])


def layout(job: PdfJob):
    from weasyprint import CSS, HTML

    fetcher = _offline_fetcher()
    return HTML(string=job.html, base_url=str(job.target.parent), url_fetcher=fetcher).render(
        stylesheets=[CSS(string=page_css(job), url_fetcher=fetcher)])


def max_pages(html: str) -> int | None:
    found = MAX_PAGES.search(html)
    return int(found.group(1)) if found else None


def render_measured(job: PdfJob, strict: bool = True) -> Fit:
    """Lay out, measure, write. With `strict` (every build), text cut off or a fixed-page
    document past its pages stops the build naming the file, page and element: never a silent
    `overflow: hidden`."""
    document = layout(job)
    fit = measure(document, _name(job.target), max_pages(job.html))
    if strict and fit.problems:
        more = f" (and {len(fit.problems) - 1} more)" if len(fit.problems) > 1 else ""
        raise PrintFitError(f"{fit.problems[0]}{more}: shorten the text or the workshop.yml value that prints there")
    job.target.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(job.target)
    return fit


def render_pdf(job: PdfJob) -> Path:
    render_measured(job)
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


def render_pdfs(jobs: list[PdfJob], on_done=None, cache: Path | None = None, strict: bool = True) -> list[Fit]:
    """Render in parallel across cores: each PDF is independent and CPU-bound; `on_done(target)`
    as each one is written (the build's progress). An interrupted or failed build terminates the
    workers (leaving the pool terminates them), none is left behind. With a `cache` folder, a PDF
    rendered before from the same HTML and print settings is copied, not rendered (its fit was
    measured then): returns the fits of the PDFs rendered this time. Not `strict`: nothing cut off
    stops it (the fit report shows every problem)."""
    done = on_done or (lambda target: None)
    render = functools.partial(_render_one, strict=strict)
    keys = {job.target: job_key(job) for job in jobs} if cache is not None else {}
    if cache is not None:
        jobs = [job for job in jobs if not _copied_from(cache / f"{keys[job.target]}.pdf", job, done)]
    if len(jobs) <= 1 or (os.cpu_count() or 1) == 1:
        fits = [_reported(*render(job), done) for job in jobs]
    else:
        with multiprocessing.Pool(min(len(jobs), os.cpu_count() or 1), initializer=_leave_interrupts_to_the_build) as pool:
            found = {target: _reported(target, fit, done) for target, fit in pool.imap_unordered(render, jobs)}
        fits = [found[job.target] for job in jobs]
    if cache is not None:
        for job in jobs:
            _keep(cache, keys[job.target], job)
    return fits


def job_key(job: PdfJob) -> str:
    """What a PDF is made of: its HTML, its page CSS (paper, footer, margins), this module and WeasyPrint."""
    import hashlib

    digest = hashlib.sha256()
    for part in (job.html, page_css(job), repr(job.landscape), _renderer()):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:40]


@functools.lru_cache(maxsize=1)
def _renderer() -> str:
    """This module's code and WeasyPrint's version: a PDF made by other ones is made again."""
    from importlib.metadata import version

    return Path(__file__).read_text(encoding="utf-8") + version("weasyprint")


def _copied_from(kept: Path, job: PdfJob, done) -> bool:
    """Copy a PDF rendered earlier from the same inputs; a damaged one (no end-of-file marker) is rendered again."""
    import shutil

    try:
        with kept.open("rb") as stream:
            stream.seek(max(0, kept.stat().st_size - 32))
            if b"%%EOF" not in stream.read():
                return False
        job.target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, job.target)  # a copy: editing the pack's PDF never edits the cache
    except OSError:
        return False
    done(job.target)
    return True


def _keep(cache: Path, key: str, job: PdfJob) -> None:
    import shutil

    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f".{key}.{os.getpid()}.part"
        shutil.copyfile(job.target, partial)
        partial.replace(cache / f"{key}.pdf")
    except OSError:
        pass  # a cache that cannot be written only means rendering again next time


def _render_one(job: PdfJob, strict: bool = True) -> tuple[Path, Fit]:
    return job.target, render_measured(job, strict=strict)


def _reported(target: Path, fit: Fit, done) -> Fit:
    done(target)
    return fit
