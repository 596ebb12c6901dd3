"""The day-check deck in Chromium (counts typed on the slides, bars and figures, "fewer than 5",
the least-moved prompt, nothing written until "Save") and the one-page summary it saves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from dpskit.content import load_valid_content
from dpskit.daycheck import check_items, least_moved, share
from dpskit.daycheck_page import render_day_check, render_summary, summary_pdf
from dpskit.i18n import using
from dpskit.workshop import load_workshop

WORKSHOPS = {"en": "workshop.yml", "es": "workshop.es.yml"}


def _day(language: str):
    content = load_valid_content(REPO, language=None if language == "en" else language)
    plan, _ = load_workshop(REPO / WORKSHOPS[language], content)
    return content, plan, check_items(content, plan.sessions, plan.check)


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """The deck for the example workshop in English and in Spanish, rendered as the build does."""
    made = {}
    for language in WORKSHOPS:
        with using(language):
            content, plan, items = _day(language)
            html = render_day_check(content, plan)
        folder = tmp_path_factory.mktemp(f"day-check-{language}")
        (folder / "day-check.html").write_text(html, encoding="utf-8")
        made[language] = (folder, content, plan, items)
    return made


def _tally(item, right: int, wrong: list[int]) -> list[int]:
    """Counts per option in the order shown: `right` on the correct one, `wrong` on the others in turn."""
    counts, rest = [0] * len(item.options), iter(wrong)
    for index, option in enumerate(item.options):
        counts[index] = right if option.correct else next(rest, 0)
    return counts


def day_of_counts(items):
    """25 people answer before and after; item 1 moves from fewer than 5 right to most, item 3
    barely moves (the least), item 4 has fewer than 5 hands in the morning."""
    plan = [(3, [12, 10], 20, [5]), (10, [15], 20, [5]), (10, [15], 11, [14]), (2, [1], 15, [10]), (5, [20], 21, [4]), (12, [13], 25, [])]
    before = {item.id: _tally(item, b, bw) for item, (b, bw, _a, _aw) in zip(items, plan)}
    after = {item.id: _tally(item, a, aw) for item, (_b, _bw, a, aw) in zip(items, plan)}
    return before, after


def _open(browser, folder: Path):
    from browser_support import StaticServer

    server = StaticServer(folder)
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    outside = []
    page.on("request", lambda request: None if request.url.startswith((server.origin, "blob:", "data:")) else outside.append(request.url))
    page.goto(server.url("day-check.html"))
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return server, page, outside


def _type_counts(page, moment: str, counts: dict[str, list[int]]):
    for item_id, numbers in counts.items():
        box = page.locator(f'.dpskit-daycheck-item[data-moment="{moment}"][data-item="{item_id}"]')
        index = page.evaluate("(el) => Reveal.getIndices(el.closest('section')).h", box.element_handle())
        page.evaluate(f"Reveal.slide({index})")
        fields = box.locator("input.dpskit-daycheck-count")
        assert fields.count() == len(numbers)
        for field, number in zip(fields.all(), numbers):
            field.fill(str(number))


def _shown(page, item_id: str, moment: str) -> tuple[str, float]:
    row = page.locator(f'.dpskit-daycheck-result[data-item="{item_id}"] .dpskit-daycheck-row[data-moment="{moment}"]')
    figure = row.locator(".dpskit-daycheck-figure").inner_text()
    width = page.evaluate("(el) => parseFloat(el.style.width)", row.locator(".dpskit-daycheck-bar").element_handle())
    return figure, width


@pytest.mark.parametrize("language", ["en", "es"])
def test_counts_typed_on_the_slides_show_the_figures_daycheck_computes(browser, decks, language, tmp_path):
    folder, content, plan, items = decks[language]
    before, after = day_of_counts(items)
    server, page, outside = _open(browser, folder)
    try:
        for item in items:
            assert _shown(page, item.id, "before")[0] == _shown(page, item.id, "after")[0] != ""  # "not counted yet"
        _type_counts(page, "before", before)
        _type_counts(page, "after", after)
        with using(language):
            for item in items:
                for moment, tallies in (("before", before), ("after", after)):
                    expected = share(item, tallies[item.id])
                    figure, width = _shown(page, item.id, moment)
                    assert figure == expected.label, (item.id, moment)
                    assert abs(width - expected.bar) < 1.0, (item.id, moment, width, expected)
            moved = least_moved(items, before, after)
        # the worked figures of this day: JS and Python agree above; here, what the room reads
        fewer = {"en": "fewer than 5", "es": "menos de 5"}[language]
        assert fewer in _shown(page, items[0].id, "before")[0]
        assert fewer in _shown(page, items[3].id, "before")[0]  # 3 hands: no share at all
        assert re.match(r"80 ?%", _shown(page, items[0].id, "after")[0])
        assert moved.item.id == items[2].id
        assert page.locator(".dpskit-daycheck-least-prompt").inner_text() == items[2].prompt
        assert not outside
        # on the projected slide the bar is drawn that long
        bar = page.locator(f'.dpskit-daycheck-result[data-item="{items[0].id}"] [data-moment="after"] .dpskit-daycheck-bar')
        page.evaluate("(el) => Reveal.slide(Reveal.getIndices(el.closest('section')).h)", bar.element_handle())
        drawn = page.evaluate("(el) => el.getBoundingClientRect().width / el.parentElement.getBoundingClientRect().width * 100",
                              bar.element_handle())
        assert abs(drawn - 80) < 1, drawn
        # the results and the last slide fit 1280x720 above the footer, in both languages
        from dpskit.slidelayout import MEASURE

        for selector in (".dpskit-daycheck-results", ".dpskit-daycheck-least", ".dpskit-daycheck-item"):
            for handle in page.locator(selector).element_handles():
                page.evaluate("(el) => Reveal.slide(Reveal.getIndices(el.closest('section')).h)", handle)
                measured = page.evaluate(MEASURE)
                assert measured["below"] <= 1 and measured["right"] <= 1, measured
    finally:
        page.close()
        server.close()


def test_nothing_is_written_until_save_and_the_summary_prints_on_one_page(browser, decks, tmp_path):
    require_pdf()
    folder, content, plan, items = decks["en"]
    before, after = day_of_counts(items)
    server, page, outside = _open(browser, folder)
    try:
        downloads = []
        page.on("download", lambda download: downloads.append(download))
        _type_counts(page, "before", before)
        _type_counts(page, "after", after)
        assert sorted(p.name for p in folder.iterdir()) == ["day-check.html"] and not downloads
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
        assert page.evaluate("document.cookie") == ""
        page.evaluate("Reveal.slide(Reveal.getTotalSlides() - 1)")
        with page.expect_download() as info:
            page.get_by_role("button", name="Save the workshop summary").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == "2026-12-05-workshop-summary.html"
    finally:
        page.close()
        server.close()
    html = saved.read_text(encoding="utf-8")
    with using("en"):
        expected = render_summary(content, plan, items, before, after)
    # the page the browser saved says what Python's summary says, figure for figure
    figures = lambda text: re.findall(r'class="figure">([^<]*)<', text)  # noqa: E731
    assert figures(html) == figures(expected) and len(figures(html)) == 2 * len(items)
    assert "fewer than 5" in html and "2026-12-05" in html and plan.title in html
    assert not re.search(r"\b\d{1,2}:\d{2}\b", html)  # no time finer than the day
    from dpskit.cli import main

    with pytest.raises(SystemExit) as done:
        main(["summary-pdf", str(saved), "--paper", plan.paper])
    assert done.value.code == 0
    pdf = saved.with_suffix(".pdf")
    assert _pages(pdf) == 1 and sorted(p.name for p in saved.parent.iterdir()) == sorted([saved.name, pdf.name])


@pytest.mark.parametrize("language", ["en", "es"])
def test_summary_from_tallies_is_one_page_in_each_language(decks, language, tmp_path):
    require_pdf()
    folder, content, plan, items = decks[language]
    before, after = day_of_counts(items)
    with using(language):
        html = render_summary(content, plan, items, before, after)
    page = tmp_path / "summary.html"
    page.write_text(html, encoding="utf-8")
    pdf = summary_pdf(page, plan.paper)
    assert _pages(pdf) == 1
    text = _text(pdf)
    assert plan.title.split()[0] in text and {"en": "fewer than 5", "es": "menos de 5"}[language] in " ".join(text.split())
    art = REPO / "build" / "test-artifacts"
    art.mkdir(parents=True, exist_ok=True)
    import subprocess

    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(art / f"day-check-summary-{language}")], check=True)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_summary_of_the_six_longest_questions_still_prints_on_one_page(decks, language, paper, tmp_path):
    """Any `check:` a workshop may name: the six longest one-answer prompts of the whole bank."""
    from dataclasses import replace

    require_pdf()
    folder, content, plan, _items = decks[language]
    longest = sorted((item for item in content.quiz_items.values() if item.type in ("single", "true_false")),
                     key=lambda item: -len(item.prompt))[:6]
    before, after = day_of_counts(longest)
    with using(language):
        html = render_summary(content, replace(plan, paper=paper, title=plan.title + " & Café d'Été, ñandú"), longest, before, after)
    page = tmp_path / "summary.html"
    page.write_text(html, encoding="utf-8")
    assert _pages(summary_pdf(page, paper)) == 1


def require_pdf():
    from conftest import require_tool
    from dpskit.pdf import weasyprint_available

    require_tool("pdftoppm", "poppler-utils")
    if not weasyprint_available():
        pytest.skip("SKIPPED LOUDLY: WeasyPrint or Pango missing; the summary PDF was NOT checked")


def _pages(pdf: Path) -> int:
    from dpskit.packs import pdf_pages

    return pdf_pages(pdf)


def _text(pdf: Path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_question_a_check_may_ask_fits_its_slide(browser, decks, language, tmp_path):
    """`check:` may name any one-answer item of the bank: each one's before slide, counts typed,
    fits 1280x720 above the footer, and so do the results of the longest ones."""
    from dpskit.slidelayout import MEASURE

    _folder, content, plan, _items = decks[language]
    every = sorted((item for item in content.quiz_items.values() if item.type in ("single", "true_false")), key=lambda item: -len(item.prompt))
    with using(language):
        (tmp_path / "day-check.html").write_text(render_day_check(content, plan, every), encoding="utf-8")
    server, page, _outside = _open(browser, tmp_path)
    try:
        page.evaluate("document.querySelectorAll('.dpskit-daycheck-count').forEach((f) => { f.value = '888'; });"
                      "window.dpskitDayCheck.update()")
        too_big = []
        for selector in ('.dpskit-daycheck-item[data-moment="before"]', ".dpskit-daycheck-results", ".dpskit-daycheck-least"):
            for handle in page.locator(selector).element_handles():
                page.evaluate("(el) => Reveal.slide(Reveal.getIndices(el.closest('section')).h)", handle)
                measured = page.evaluate(MEASURE)
                if measured["below"] > 1 or measured["right"] > 1:
                    too_big.append(measured)
        assert not too_big, too_big
    finally:
        page.close()
        server.close()
