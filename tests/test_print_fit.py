"""Nothing printed is ever cut off (issue 22): every fixed-page document (pocket cards single and
bilingual, take-homes, the chapter defense plan) and the cut cards, in English and Spanish, on
Letter and A4, with blank and with long real contacts. Page counts, text sizes, where words sit
and whether every contact made it onto the page are read from the PDFs themselves (pypdf,
poppler's pdftotext -bbox); what WeasyPrint cut off is what the build measured where it rendered.

One build per (language, paper, contacts), shared by every test here; take-homes are the only
session PDFs built. Card and plan PNGs go to build/test-artifacts/print-fit/."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, require_tool

pytest.importorskip("weasyprint")
from dpskit.pdf import weasyprint_available  # noqa: E402

if not weasyprint_available():
    pytest.skip("SKIPPED LOUDLY: WeasyPrint's system Pango is missing: print fit NOT checked", allow_module_level=True)

from dpskit.cards import CARDS_PER_SHEET, FLOOR_PT, WRITE_IN_MM  # noqa: E402
from dpskit.fitreport import CONTACTS, LONG_CONTACTS, build_measured, workshop_file  # noqa: E402

ARTIFACTS = REPO / "build" / "test-artifacts" / "print-fit"
COMBOS = [(language, paper, contacts) for language in ("en", "es") for paper in ("letter", "a4") for contacts in ("blank", "long")]
MM = 72 / 25.4  # PDF points per mm
CARD_W, CARD_H, SAFE = 85.6, 54.0, 2.0
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@pytest.fixture(scope="session")
def print_builds(tmp_path_factory):
    """(language, paper, contacts) -> (pack folder, {pdf: Fit as measured by the build}), built on demand, once."""
    built = {}

    def get(language, paper, contacts):
        if (language, paper, contacts) not in built:
            folder = tmp_path_factory.mktemp(f"fit-{language}-{paper}-{contacts}")
            workshop = workshop_file(folder, REPO, language, paper, contacts)
            result, fits = build_measured(REPO, workshop, folder / "pack", formats=["takehome"])
            built[language, paper, contacts] = (result.out, fits)
        return built[language, paper, contacts]

    return get


def pdf_pages(path: Path):
    from pypdf import PdfReader

    return PdfReader(str(path)).pages


def smallest_pt(path: Path) -> float:
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5)

    for page in pdf_pages(path):
        page.extract_text(visitor_text=visit)
    return min(sizes)


def words(path: Path) -> list[tuple[float, float, list]]:
    """Per page: width, height and the words with their boxes (points, from the top)."""
    out = subprocess.run([require_tool("pdftotext", "poppler-utils"), "-bbox", str(path), "-"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return [(float(w), float(h), [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in WORD.findall(body)])
            for w, h, body in PAGE.findall(out)]


def squash(text: str) -> str:
    """Words as read from a page: entities decoded, a line broken after a hyphen joined again."""
    for entity, char in (("&amp;", "&"), ("&#39;", "'"), ("&apos;", "'"), ("&quot;", '"')):
        text = text.replace(entity, char)
    return " ".join(text.split()).replace("- ", "-")


def card_cells(width: float) -> list[tuple[float, float, float, float]]:
    """The 8 cut rectangles of a card sheet: 2 columns of 85.6 mm centred, 4 rows of 54 mm from the 12 mm margin."""
    left = (width - 2 * CARD_W * MM) / 2
    return [(left + col * CARD_W * MM, 12 * MM + row * CARD_H * MM, left + (col + 1) * CARD_W * MM, 12 * MM + (row + 1) * CARD_H * MM)
            for row in range(4) for col in range(2)]


def check_card_pdf(path: Path, pages_expected: int, values: list[str], where: str) -> None:
    pages = words(path)
    assert len(pages) == pages_expected, f"{where}: {len(pages)} pages, expected {pages_expected}"
    assert smallest_pt(path) >= FLOOR_PT - 0.01, f"{where}: card text below {FLOOR_PT} pt"
    text_per_cell = []
    for number, (width, _, found) in enumerate(pages, 1):
        cells = card_cells(width)
        cell_text = [[] for _ in cells]
        for x0, y0, x1, y1, word in found:
            inside = [n for n, (cx0, cy0, cx1, cy1) in enumerate(cells)
                      if x0 >= cx0 + SAFE * MM and x1 <= cx1 - SAFE * MM and y0 >= cy0 + SAFE * MM and y1 <= cy1 - SAFE * MM]
            assert inside, f"{where} page {number}: {word!r} at ({x0 / MM:.1f}, {y0 / MM:.1f}) mm is outside every card's safe area"
            cell_text[inside[0]].append(word)
        texts = [squash(" ".join(t)) for t in cell_text]
        assert len(set(texts)) == 1, f"{where} page {number}: the {CARDS_PER_SHEET} cards of a sheet differ (text spilled?)"
        text_per_cell.append(texts[0])
    whole = " ".join(text_per_cell)
    for value in values:
        assert squash(value) in whole, f"{where}: contact {value!r} is not (whole) on the card"


def png(path: Path, name: str, first: int = 1, last: int = 2) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([require_tool("pdftoppm", "poppler-utils"), "-r", "60", "-png", "-f", str(first), "-l", str(last),
                    str(path), str(ARTIFACTS / name)], check=True, timeout=120)


def long_values(contacts: str) -> list[str]:
    return [" ".join(v.split()) for v in CONTACTS[contacts].values()]


@pytest.mark.parametrize("language,paper,contacts", COMBOS)
def test_nothing_the_build_printed_is_cut_off(print_builds, language, paper, contacts):
    """The build's own measure (WeasyPrint's boxes): no clipped text, no fixed-page document past its pages."""
    _, fits = print_builds(language, paper, contacts)
    assert {"cards/pocket-card.pdf", "worksheets/chapter-defense-plan.pdf", "worksheets/family-preparedness-plan.pdf",
            "materials/scenario-cards.pdf", "materials/timeline-cards.pdf", "materials/sample-warrants.pdf"} <= set(fits)
    from dpskit.content import load_valid_content

    assert len([n for n in fits if n.endswith(".takehome.pdf")]) == len(load_valid_content(REPO).sessions)
    assert {name: fit.problems for name, fit in fits.items() if fit.problems} == {}


@pytest.mark.parametrize("language,paper,contacts", COMBOS)
def test_pocket_card_from_the_pdf(print_builds, language, paper, contacts):
    out, _ = print_builds(language, paper, contacts)
    card = out / "cards/pocket-card.pdf"
    check_card_pdf(card, 4, long_values(contacts), f"{language}/{paper}/{contacts} card")
    png(card, f"card-{language}-{paper}-{contacts}", 1, 4)


@pytest.mark.parametrize("language,paper,contacts", COMBOS)
def test_bilingual_pocket_card_from_the_pdf(tmp_path, language, paper, contacts):
    from dpskit.cards import render_pocket_card, second_language
    from dpskit.content import load_valid_content
    from dpskit.i18n import using
    from dpskit.pdf import PdfJob, render_pdf

    with using(language):
        content = load_valid_content(REPO, language=language)
        other = load_valid_content(REPO, language=second_language(language))
        html = render_pocket_card(content, CONTACTS[contacts], paper, other=other)
        card = render_pdf(PdfJob(html, tmp_path / "cards/pocket-card.pdf", paper=paper, with_page_numbers=False, margins=False))
    check_card_pdf(card, 6, long_values(contacts), f"{language}/{paper}/{contacts} bilingual card")


@pytest.mark.parametrize("language,paper,contacts", COMBOS)
def test_takehomes_and_defense_plan_fit_their_pages(print_builds, language, paper, contacts):
    """Two pages each (one sheet, duplex), every contact whole on the page, and the plan's last page
    holds more than the disclaimer."""
    out, _ = print_builds(language, paper, contacts)
    for pdf in sorted(out.glob("handouts/*.takehome.pdf")) + [out / "worksheets/chapter-defense-plan.pdf"]:
        pages = words(pdf)
        assert len(pages) <= 2, f"{pdf.name} ({language}/{paper}/{contacts}): {len(pages)} pages"
        text = squash(" ".join(w[4] for _, _, found in pages for w in found))
        for value in long_values(contacts):
            assert squash(value) in text, f"{pdf.name}: contact {value!r} is not whole on the page"
        assert smallest_pt(pdf) >= 7 - 0.01, pdf.name
    plan = out / "worksheets/chapter-defense-plan.pdf"
    last = pdf_pages(plan)[-1].extract_text()
    assert len(last.split()) > 120, f"plan's last page holds only {len(last.split())} words"
    if contacts == "long" and paper == "a4":
        png(plan, f"plan-{language}-{paper}-{contacts}")
        png(out / "handouts/03-when-agents-knock.takehome.pdf", f"takehome03-{language}-{paper}-{contacts}")


def test_write_in_lines_and_safe_margin_as_laid_out():
    """A blank contact's line is at least 6 mm tall, and the card's padding (the safe margin) at least 2 mm."""
    from dpskit.cards import render_pocket_card
    from dpskit.content import load_valid_content
    from dpskit.pdf import PX_PER_MM, PdfJob, layout

    content = load_valid_content(REPO)
    document = layout(PdfJob(render_pocket_card(content, {}, "letter"), Path("card.pdf"), margins=False, with_page_numbers=False))
    lines, cards = [], []
    for page in document.pages:
        for box in page._page_box.descendants():
            classes = (box.element.get("class") or "").split() if getattr(box, "element", None) is not None else []
            if "line" in classes and box.element_tag == "span":
                lines.append(box.height / PX_PER_MM)
            if "card" in classes and box.element_tag == "section":
                cards.append(min(box.padding_top, box.padding_left, box.padding_right, box.padding_bottom) / PX_PER_MM)
    assert len(lines) >= 6 * CARDS_PER_SHEET and min(lines) >= WRITE_IN_MM - 0.05
    assert cards and min(cards) >= SAFE


def test_a_clipped_card_stops_the_build_naming_file_page_and_element(tmp_path):
    """Never a silent overflow:hidden: text past a fixed-height box fails with where it is."""
    from dpskit.pdf import PdfJob, PrintFitError, render_pdf

    html = ('<meta name="dpskit-max-pages" content="1"><section class="card" style="height: 20mm; overflow: hidden">'
            + "<p>Jail support: O'Connor &amp; Friends</p>" * 12 + "</section>")
    with pytest.raises(PrintFitError) as caught:
        render_pdf(PdfJob(html, tmp_path / "cards/x.pdf"))
    message = str(caught.value)
    assert message.startswith("cards/x.pdf page 1") and "section.card" in message and "cut off" in message
    long = '<meta name="dpskit-max-pages" content="1">' + "<p>line</p>" * 200
    with pytest.raises(PrintFitError, match=r"cards/y.pdf: \d+ pages, this document must fit on 1"):
        render_pdf(PdfJob(long, tmp_path / "cards/y.pdf"))


@pytest.mark.parametrize("language,paper,contacts", [("en", "letter", "blank"), ("es", "a4", "long")])
def test_sample_documents_print_the_answers_on_their_own_sheet(print_builds, language, paper, contacts):
    """Pairs analyse the SAMPLE documents: their pages carry the numbered marks, never the answers;
    the answers are on the last page, for the facilitator."""
    from dpskit.before import SAMPLES
    from dpskit.content import load_valid_content
    from dpskit.i18n import using

    out, _ = print_builds(language, paper, contacts)
    content = load_valid_content(REPO, language=None if language == "en" else language)  # the subpoena quotes its scripts
    with using(language):
        documents = {kind: SAMPLES[kind][0](content) for kind in ("warrants", "subpoena")}
    for kind, docs in documents.items():
        pages = [squash(page.extract_text()) for page in pdf_pages(out / f"materials/sample-{kind}.pdf")]
        assert len(pages) == len(docs) + 1, f"sample-{kind}: {len(pages)} pages for {len(docs)} documents and the answers"
        for doc in docs:
            for note in doc["check"]:
                words = squash(note)[:50]
                assert not any(words in page for page in pages[:-1]), f"sample-{kind}: an answer is on an exercise page: {words}"
                assert words in pages[-1], f"sample-{kind}: answer missing from the answer page: {words}"
