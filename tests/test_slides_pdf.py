"""The backup slides PDF, for when the projector fails: one slide per landscape page with its
speaker notes on the same page, no blank pages, and every quiz page with its answer and talking
points. Read with poppler (pdftotext -bbox, pdfimages); page PNGs go to build/test-artifacts/slides-pdf/.

Needs WeasyPrint (to build PDFs) and poppler-utils; without them the test skips loudly, in CI it fails."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from browser_support import in_ci

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "build" / "test-artifacts" / "slides-pdf"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
FOOTER_ROOM = 57  # pt: the 20 mm bottom margin holding the disclaimer and page number
SLIDE_TEXT = 12   # pt: slide text is 15 pt and up; notes and small print are smaller


def _session_ids() -> list[str]:
    from dpskit.content import load_content

    content, _ = load_content(REPO, notebooks=False)
    return [s.id for s in content.sessions]


SESSIONS = _session_ids()


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        message = f"{tool} not found (apt-get install poppler-utils): the slides PDF was NOT checked"
        if in_ci():
            pytest.fail(f"SLIDES PDF TEST CANNOT RUN and CI requires it: {message}", pytrace=False)
        pytest.skip(f"SLIDES PDF TEST SKIPPED: {message}")


@pytest.fixture(scope="module")
def pdf_folder(repo_build) -> Path:
    _need("pdftotext")
    _need("pdfimages")
    folder = repo_build / "slides"
    if not any(folder.glob("*.slides.pdf")):
        from dpskit.pdf import weasyprint_available

        message = f"no slides PDFs were built (WeasyPrint available: {weasyprint_available()})"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(f"SLIDES PDF TEST SKIPPED: {message}")
    return folder


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pages(pdf: Path) -> list[dict]:
    """Per page: the words above the footer with their heights, and the page's text in reading order."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=120).stdout
    texts = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=120).stdout.split("\f")
    found = []
    for (_, height, body), text in zip(PAGE.findall(out), texts):
        words = [(float(y0), float(y1) - float(y0), word) for _, y0, _, y1, word in WORD.findall(body)]
        words = [w for w in words if w[0] < float(height) - FOOTER_ROOM]
        found.append({"words": words, "text": squash(text)})
    return found


def pages_with_images(pdf: Path) -> set[int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    return {int(line.split()[0]) for line in listing.splitlines()[2:] if line.split()}


def quiz_items(session_id: str):
    from dpskit.content import load_content, notebook_calls

    content, _ = load_content(REPO, notebooks=False)
    nb = nbformat.read(content.session(session_id).notebook, as_version=4)
    ids = [a for c in nb.cells if c.cell_type == "code" for name, args, _ in notebook_calls(c.source) if name == "quiz" for a in args]
    return [content.quiz_items[i] for i in ids]


@pytest.mark.parametrize("session_id", SESSIONS)
def test_backup_pdf_one_page_per_slide_with_answers(pdf_folder, session_id):
    pdf = pdf_folder / f"{session_id}.slides.pdf"
    found = pages(pdf)
    images = pages_with_images(pdf)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(ARTIFACTS / session_id)], check=True, timeout=300)
    blank = [n for n, page in enumerate(found, 1) if not page["words"] and n not in images]
    assert not blank, f"{session_id}: blank page(s) {blank}"
    spilled = [n for n, page in enumerate(found, 1)
               if n not in images and not any(height >= SLIDE_TEXT for _, height, _ in page["words"])]
    assert not spilled, (f"{session_id}: page(s) {spilled} hold only small print: notes or a slide's end "
                         f"spilled over from the page before")
    deck = (pdf_folder / f"{session_id}.slides.html").read_text(encoding="utf-8")
    assert len(found) <= deck.count('<section') / 2, f"{session_id}: {len(found)} pages for fewer slides"
    for item in quiz_items(session_id):
        prompt = squash(item.prompt)[:60]
        where = [n for n, page in enumerate(found, 1) if prompt in page["text"]]
        assert where, f"{session_id}: quiz {item.id} is not in the PDF"
        text = found[where[0] - 1]["text"]
        assert "Answer:" in text and squash(item.explanation)[:50] in text, f"{session_id} p.{where[0]}: quiz {item.id} without its answer"
        if item.talking_points:
            assert squash(item.talking_points)[:50] in text, f"{session_id} p.{where[0]}: talking points of {item.id} not on its page"
