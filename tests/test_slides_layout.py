"""Slides as the room sees them: every deck of the curriculum in Chromium at 1280x720, every
slide, fragment and role-play step; nothing may end below the visible slide or be clipped sideways.
Also: text large enough for the back of the room, linear navigation (→ visits every slide), and
Tab never lands on a hidden slide's controls (axe aria-hidden-focus).

Runs when a Chromium is found; in CI a missing browser fails. Numbers go to
build/test-artifacts/slides-layout.json, screenshots of the densest slides to build/test-artifacts/slides/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "build" / "test-artifacts"


def _session_ids() -> list[str]:
    from dpskit.content import load_content

    content, _ = load_content(REPO, notebooks=False)
    return [s.id for s in content.sessions]


SESSIONS = _session_ids()


def _decks(tmp_path_factory, language: str | None) -> Path:
    from dpskit.build import build

    out = tmp_path_factory.mktemp(f"slides-build-{language or 'en'}") / "build"
    return build(REPO, out, formats=["slides", "participant-slides"], pdf=False, language=language).out


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    """Every session's decks, facilitator and participant (no PDFs): what the layout depends on."""
    return _decks(tmp_path_factory, None)


@pytest.fixture(scope="module")
def spanish_decks(tmp_path_factory) -> Path:
    """The same decks in Spanish (content through the catalogues, interface in Spanish): Spanish runs longer."""
    return _decks(tmp_path_factory, "es")


DECKS_IN = {"en": "decks", "es": "spanish_decks"}  # language -> the fixture with its decks


@pytest.fixture(scope="module")
def context(browser):
    """The session's Chromium (conftest); each page here is sized 1280x720."""
    return browser


@pytest.fixture(scope="module")
def report():
    data: dict = {}
    yield data
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "slides-layout.json").write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")


def deck_path(decks: Path, session_id: str, kind: str = "") -> Path:
    return decks / "slides" / f"{session_id}{kind}.slides.html"


def open_deck(context, path: Path):
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_selector(".reveal.ready", state="attached")
    page.evaluate("Reveal.configure({transition: 'none'})")
    return page


# --------------------------------------------------------------------------- nothing below the slide


@pytest.mark.parametrize("language", DECKS_IN)
@pytest.mark.parametrize("kind", ["", ".participant"], ids=["facilitator", "participant"])
@pytest.mark.parametrize("session_id", SESSIONS)
def test_every_slide_fits_at_720p(request, context, report, session_id, kind, language):
    from dpskit.slidelayout import measure_deck

    decks = request.getfixturevalue(DECKS_IN[language])
    fit = measure_deck(context, deck_path(decks, session_id, kind))
    report.setdefault(session_id + kind + ("" if language == "en" else f".{language}"), {}).update(
        slides=fit.slides, overflowing_slides=sorted({o.number for o in fit.overflows}),
        overflows=[str(o) for o in fit.overflows])
    assert fit.slides > 5, f"{session_id}: the deck has only {fit.slides} slides"
    assert not fit.overflows, f"{session_id} ({language}): content runs off the slide at 1280x720:\n" + "\n".join(
        f"  {session_id} {o}" for o in fit.overflows)


def test_the_measure_sees_overflow(context, decks, tmp_path):
    """The check can fail: a slide with a long list, and a slide with a wide table, are named."""
    from dpskit.slidelayout import measure_deck

    html = deck_path(decks, SESSIONS[0]).read_text(encoding="utf-8")
    sections = [m.start() for m in re.finditer(r"<section\b[^>]*>\s*<section\b[^>]*>", html)]
    long_list = "<ul>" + "".join(f"<li>caveat number {i} that the room must see</li>" for i in range(20)) + "</ul>"
    wide = '<div style="overflow-x: hidden"><table><tr>' + "<td>wide_cell_without_breaks</td>" * 40 + "</tr></table></div>"
    end_of = lambda start: html.index("</section>", start)  # noqa: E731 - the first slide's inner section
    second_end = end_of(sections[1])
    third_end = end_of(sections[2])
    broken = html[:second_end] + long_list + html[second_end:third_end] + wide + html[third_end:]
    target = tmp_path / "broken.slides.html"
    target.write_text(broken, encoding="utf-8")
    fit = measure_deck(context, target)
    below = [o for o in fit.overflows if o.below > 1]
    sideways = [o for o in fit.overflows if o.right > 1]
    assert [o.number for o in below][:1] == [2], [str(o) for o in fit.overflows]
    assert "caveat number" in below[0].what
    assert 3 in [o.number for o in sideways], [str(o) for o in fit.overflows]


# --------------------------------------------------------------------------- readable from the back


READABLE = """() => {
  const scale = document.querySelector('.reveal .slides').getBoundingClientRect().height / 720;
  const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) * scale : null;
  const first = (s) => document.querySelector(s);
  const radio = first('.reveal .dpskit-quiz input');
  return {scale, body: px(first('.reveal .slides section:not(.stack) p')),
          option: px(first('.reveal .dpskit-quiz-option label')),
          radio: radio ? radio.getBoundingClientRect().width || parseFloat(getComputedStyle(radio).width) * scale : null,
          choice: px(first('.reveal .dpskit-scenario-choice')), situation: px(first('.reveal .dpskit-situation')),
          footer: px(first('.dpskit-slide-footer')) / scale * (innerHeight / 720) };
}"""


@pytest.mark.parametrize("session_id", SESSIONS)
def test_text_reads_from_the_back(context, decks, report, session_id):
    page = open_deck(context, deck_path(decks, session_id))
    try:
        sizes = page.evaluate(READABLE)
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.wait_for_function("() => Math.abs(document.querySelector('.reveal .slides').getBoundingClientRect().height - 1080) < 40")
        footer_1080 = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.dpskit-slide-footer')).fontSize)")
    finally:
        page.close()
    report.setdefault(session_id, {})["font_px_at_720p"] = {**sizes, "footer_at_1080p": footer_1080}
    assert sizes["body"] >= 28, sizes
    if sizes["option"] is not None:
        assert sizes["option"] >= 24 and sizes["radio"] >= 24, f"quiz options/radios too small at 720p: {sizes}"
    if sizes["choice"] is not None:
        assert sizes["choice"] >= 24 and sizes["situation"] >= 24, f"scenario text too small at 720p: {sizes}"
    assert sizes["footer"] >= 14 and footer_1080 >= 1.4 * sizes["footer"], f"the footer must scale with the screen: {sizes}, {footer_1080}"


SCRIPT_SLIDES = """() => [...document.querySelectorAll('.reveal .dpskit-script')].map(f => {
  const at = Reveal.getIndices(f.closest('.slides > section')); Reveal.slide(at.h, 0);
  const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const sources = [...document.querySelectorAll('.reveal .dpskit-sources-slide li')].map(li => li.textContent);
  return {say: shown(f.querySelector('.dpskit-script-say')), cited: shown(f.querySelector('.dpskit-cited')),
          titles: [...f.querySelectorAll('.dpskit-cited a')].map(a => a.textContent),
          listed: [...f.querySelectorAll('.dpskit-cited a')].every(a => sources.some(t => t.startsWith(a.textContent)))}; })"""


@pytest.mark.parametrize("session_id", SESSIONS)
def test_a_script_slide_is_the_sentence_alone(context, decks, session_id):
    """The sentence the room says together stands alone: no lines of case citations under it; its
    sources are on the deck's Sources slide."""
    page = open_deck(context, deck_path(decks, session_id))
    try:
        scripts = page.evaluate(SCRIPT_SLIDES)
    finally:
        page.close()
    for script in scripts:
        assert script["say"] and not script["cited"], f"{session_id}: citations under a script: {script['titles']}"
        assert script["listed"], f"{session_id}: a script's sources are missing from the Sources slide: {script['titles']}"


# --------------------------------------------------------------------------- keyboard


@pytest.mark.parametrize("session_id", SESSIONS)
def test_right_arrow_visits_every_slide(context, decks, session_id):
    """A clicker sends → (or Page Down): no vertical sub-slides it would skip."""
    page = open_deck(context, deck_path(decks, session_id))
    try:
        stacks = page.eval_on_selector_all(".reveal .slides > section", "ss => ss.map(s => s.querySelectorAll(':scope > section').length)")
        assert all(n <= 1 for n in stacks), f"vertical sub-slides in {session_id}: {stacks}"
        total = page.evaluate("Reveal.getTotalSlides()")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        seen = set()
        for _ in range(4 * total + 50):
            at = page.evaluate("(() => { const i = Reveal.getIndices(); return [i.h, i.v || 0]; })()")
            seen.add(tuple(at))
            if page.evaluate("Reveal.isLastSlide() && !Reveal.availableFragments().next"):
                break
            page.keyboard.press("ArrowRight")
        assert len(seen) == total and all(v == 0 for _, v in seen), f"→ visited {len(seen)} of {total} slides"
    finally:
        page.close()


FOCUSABLE_ELSEWHERE = """() => { const current = Reveal.getCurrentSlide();
  return [...document.querySelectorAll('.reveal .slides section:not(.stack)')].filter(s => s !== current)
    .flatMap(s => [...s.querySelectorAll('input, button, a[href], select, textarea, [tabindex]')])
    .filter(el => !el.closest('[inert]') && el.getClientRects().length > 0).map(el => el.outerHTML.slice(0, 80)); }"""


@pytest.mark.parametrize("language", DECKS_IN)
@pytest.mark.parametrize("session_id", SESSIONS)
def test_tab_stays_on_the_current_slide(request, context, report, session_id, language):
    from axe_playwright_python.sync_playwright import Axe

    decks = request.getfixturevalue(DECKS_IN[language])
    page = open_deck(context, deck_path(decks, session_id))
    try:
        results = Axe().run(page, options={"runOnly": ["aria-hidden-focus"]})
        cases = sum(len(v["nodes"]) for v in results.response["violations"])
        report.setdefault(session_id + ("" if language == "en" else f".{language}"), {})["axe_aria_hidden_focus"] = cases
        assert cases == 0, f"{session_id}: axe aria-hidden-focus on {cases} element(s)"
        for h in range(page.evaluate("Reveal.getTotalSlides()")):
            page.evaluate(f"Reveal.slide({h}, 0)")
            reachable = page.evaluate(FOCUSABLE_ELSEWHERE)
            assert not reachable, f"{session_id} slide {h + 1}: Tab can reach controls of other slides: {reachable[:3]}"
        quiz_slide = page.evaluate("""() => { const f = document.querySelector('form.dpskit-quiz');
            if (!f) return null; const at = Reveal.getIndices(f.closest('section')); Reveal.slide(at.h, 0); return at.h; }""")
        if quiz_slide is None:
            return
        escaped = []
        for _ in range(25):
            page.keyboard.press("Tab")
            escaped += page.evaluate("""() => { const a = document.activeElement, s = a && a.closest('.reveal .slides section:not(.stack)');
                return s && s !== Reveal.getCurrentSlide() ? [a.outerHTML.slice(0, 80)] : []; }""")
        assert not escaped, f"{session_id}: Tab reached controls of a hidden slide: {escaped[:3]}"
    finally:
        page.close()


def test_subslides_become_slides():
    """An author's `subslide` still shows as a slide of its own on the → path."""
    from nbformat.v4 import new_markdown_cell, new_notebook

    from dpskit.exporters.slides import linear_slides

    nb = new_notebook(cells=[
        new_markdown_cell("# one", metadata={"slideshow": {"slide_type": "slide"}}),
        new_markdown_cell("# two", metadata={"slideshow": {"slide_type": "subslide"}}),
    ])
    flat = linear_slides(nb)
    assert [c.metadata.slideshow.slide_type for c in flat.cells] == ["slide", "slide"]
    assert nb.cells[1].metadata.slideshow.slide_type == "subslide", "the author's notebook is left alone"


# --------------------------------------------------------------------------- the clicker


AT = "(() => { const i = Reveal.getIndices(); return [i.h, i.f === undefined ? -1 : i.f]; })()"
CHECKED = "(id) => [...document.querySelectorAll(`#${id} input`)].map(i => i.checked)"


def test_clicker_keys_drive_the_deck_after_a_mouse_click(context, decks):
    """A facilitator clicks a quiz option with the mouse, then reaches for the clicker: PageDown,
    PageUp, Space and the arrows move the deck, "b" and "." black it out, and the choice stays as
    it was. A keyboard still answers (the option's number, Enter), and a text field keeps its keys."""
    page = open_deck(context, deck_path(decks, SESSIONS[0]))
    try:
        form_id = page.evaluate("""() => { const f = document.querySelector('form.dpskit-quiz[data-type="single"]');
            const at = Reveal.getIndices(f.closest('section')); Reveal.slide(at.h, 0, -1); return f.id; }""")
        start = page.evaluate(AT)
        option = page.locator(f"#{form_id} .dpskit-quiz-option label").first

        def after_click(key: str) -> list:
            page.evaluate(f"Reveal.slide({start[0]}, 0, {start[1]})")
            option.click()
            assert page.evaluate("document.activeElement.type") == "radio", "the click should leave focus on the option"
            before = page.evaluate(CHECKED, form_id)
            page.keyboard.press(key)
            assert page.evaluate(CHECKED, form_id) == before, f"{key} after a click changed the chosen answer"
            return page.evaluate(AT)

        def with_nothing_focused(key: str) -> list:
            page.evaluate(f"Reveal.slide({start[0]}, 0, {start[1]}); document.activeElement.blur()")
            page.keyboard.press(key)
            return page.evaluate(AT)

        assert after_click("PageDown") == [start[0], 0], "PageDown after a mouse click did not show the answer"
        assert after_click("PageUp")[0] == start[0] - 1, "PageUp after a mouse click did not go back"
        for key in ("Space", "ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"):
            wanted = with_nothing_focused(key)
            assert after_click(key) == wanted, f"{key} after a mouse click should do what it does with nothing focused ({wanted})"
        for key in ("b", "."):
            after_click(key)
            assert page.evaluate("Reveal.isPaused()"), f"{key} after a mouse click did not black out the screen"
            page.keyboard.press(key)
            assert not page.evaluate("Reveal.isPaused()"), f"{key} again did not bring the slide back"

        page.evaluate(f"Reveal.slide({start[0]}, 0, {start[1]})")
        page.locator(f"#{form_id} input").first.focus()
        page.keyboard.press("2")
        assert page.evaluate(CHECKED, form_id)[:2] == [False, True], "the number 2 should choose the second option"
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate(f"document.getElementById('{form_id}').matches('.dpskit-right, .dpskit-wrong')"), "Enter on Check did not check"
        assert page.evaluate(AT) == start, "answering by keyboard moved the deck"
        page.keyboard.press("PageDown")
        assert page.evaluate(AT) == [start[0], 0], "after Check the clicker should show the answer"

        page.evaluate("""() => { const input = document.createElement('input'); input.type = 'text'; input.id = 'typed';
            Reveal.getCurrentSlide().appendChild(input); input.focus(); }""")
        page.keyboard.type("b. ")
        assert page.evaluate("document.getElementById('typed').value") == "b. " and not page.evaluate("Reveal.isPaused()")
        assert page.evaluate(AT) == [start[0], 0], "keys typed into a text field moved the deck"
    finally:
        page.close()


def test_clicker_keys_drive_the_deck_after_a_role_play_choice(context, decks):
    deck = next(deck_path(decks, s) for s in SESSIONS if "data-scenario=" in deck_path(decks, s).read_text(encoding="utf-8"))
    page = open_deck(context, deck)
    try:
        h = page.evaluate("""() => { const box = document.querySelector('.dpskit-scenario[data-scenario]');
            const at = Reveal.getIndices(box.closest('section')); Reveal.slide(at.h, 0, -1); return at.h; }""")
        page.locator(".present .dpskit-scenario-choice").first.click()
        page.keyboard.press("PageDown")
        assert page.evaluate(AT) != [h, -1], "PageDown after a role-play choice did not move the deck"
        page.keyboard.press("PageUp")
        assert page.evaluate(AT) == [h, -1], "PageUp did not come back to the role-play"
    finally:
        page.close()


def test_the_timeline_chart_reads_from_the_back(context, decks):
    """Session 01's chart at 1280x720: its event numbers print at 24 px or more, one column each,
    and the slide has nothing else competing for the room's eyes."""
    from dpskit.notebook import TIMELINE_DPI, TIMELINE_NUMBER_PT

    page = open_deck(context, deck_path(decks, "01-why-we-are-here"))
    try:
        chart = page.evaluate("""() => { const img = document.querySelector('.reveal img.dpskit-timeline-chart');
            const at = Reveal.getIndices(img.closest('.slides > section')); Reveal.slide(at.h, 0);
            const r = img.getBoundingClientRect();
            return {shown: r.width, natural: img.naturalWidth, bottom: r.bottom, alt: img.alt}; }""")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "timeline-chart-720p.png"))
    finally:
        page.close()
    number_px = TIMELINE_NUMBER_PT * TIMELINE_DPI / 72 * chart["shown"] / chart["natural"]
    assert number_px >= 24, f"the chart's numbers print {number_px:.1f} px at 720p: {chart}"
    assert "each number matches" in chart["alt"]


def test_before_the_day_links_the_reader_for_the_timeline_table():
    from dpskit.before import session_materials
    from dpskit.content import load_valid_content

    session = load_valid_content(REPO).session("01-why-we-are-here")
    files = {"handouts/01-why-we-are-here.handout.pdf", "materials/timeline-cards.pdf", "handouts/01-why-we-are-here.takehome.pdf"}
    links = {row["text"]: row["pdf"] for row in session_materials(session, files)}
    table = next(text for text in links if "timeline table and the sources" in text)
    cards = next(text for text in links if text.startswith("Timeline cards"))
    assert links[table] == "handouts/01-why-we-are-here.handout.pdf" and links[cards] == "materials/timeline-cards.pdf"


# --------------------------------------------------------------------------- care and safety first


@pytest.fixture(scope="module", params=["workshop.yml", "workshop.es.yml"], ids=["en", "es"])
def day_decks(request, tmp_path_factory):
    """The example workshop's decks and guides (no PDFs), in its language."""
    from dpskit.build import build

    out = tmp_path_factory.mktemp("day") / "build"
    return build(REPO, out, formats=["slides", "participant-slides", "guide"], pdf=False, workshop=REPO / request.param).out


def test_the_day_opens_with_the_room_agreement_and_guides_with_care(context, day_decks):
    from bs4 import BeautifulSoup

    from dpskit.slidelayout import measure_deck

    decks = sorted((day_decks / "slides").glob("*.slides.html"))
    first, *others = [d for d in decks if ".participant." not in d.name]
    html = BeautifulSoup(first.read_text(encoding="utf-8"), "html.parser")
    slide = html.select(".reveal .slides > section")[0]
    assert "dpskit-agreement-slide" in slide.get("class", []), "the day's first deck opens with the room's agreement"
    assert len(slide.select("ul.dpskit-room-agreement li")) == 5 and not slide.select_one("aside.notes"), "participant decks carry no notes"
    assert all("dpskit-agreement-slide" not in d.read_text(encoding="utf-8") for d in others), "one agreement a day"
    fit = measure_deck(context, first)
    assert not [o for o in fit.overflows if o.number == 1], [str(o) for o in fit.overflows]
    # clock cues: the session's clock on its title slide, "~11:34 ..." where the quiz part starts
    notes = lambda section: " ".join(" ".join(a.get_text(" ") for a in section.select("aside.notes")).split())  # noqa: E731 - reveal joins them
    title_notes = notes(html.select(".reveal .slides > section")[1])
    assert re.search(r"(Clock for this session|Reloj de esta sesión): ~10:25 ", title_notes), title_notes[:200]
    quiz_slide = next(s for s in html.select(".reveal .slides > section") if s.select_one("form.dpskit-quiz"))
    assert re.search(r"(Clock|Reloj): ~1[01]:\d\d .*\(\d+′\)", notes(quiz_slide)), "a clock cue where the quiz part starts"
    participant = next(d for d in decks if ".participant." in d.name and d.name.startswith("01"))
    assert "~10:25" not in participant.read_text(encoding="utf-8"), "clock cues are speaker notes"
    for guide in sorted((day_decks / "guide").glob("*.guide.html")):
        page = BeautifulSoup(guide.read_text(encoding="utf-8"), "html.parser")
        sections = [s.get("id") for s in page.select("main section[id]") if s.get("id") != "check-before-teaching"]
        assert sections[:2] == ["care", "agenda"], f"{guide.name}: care and safety should open the guide: {sections}"
        care = page.select_one("#care")
        assert len(care.select("ul.dpskit-room-agreement li")) == 5 and len(care.select("h3")) >= 5, guide.name
        assert not page.select_one("#guide").find(string=lambda t: "Care for participants" in t or "cuidado de" in t.lower()[:30]), \
            f"{guide.name}: the care notes still sit at the end"


@pytest.mark.parametrize("language", DECKS_IN)
def test_a_session_stands_alone_and_says_what_it_leans_on(request, language):
    """Taught alone, a session does not call itself "Session 8 of the workshop series"; its title
    slide's notes say which earlier sessions it leans on (or that it needs none)."""
    from bs4 import BeautifulSoup

    decks = request.getfixturevalue(DECKS_IN[language])
    for session_id in SESSIONS:
        page = BeautifulSoup(deck_path(decks, session_id).read_text(encoding="utf-8"), "html.parser")
        title = page.select(".reveal .slides > section")[0]
        text = " ".join(title.get_text(" ").split())
        assert not re.search(r"(Session|Sesión) \d (of the workshop series|de la serie|del taller)", text), f"{session_id}: {text[:200]}"
        notes = " ".join(n.get_text(" ") for n in title.select("aside.notes"))
        leans = re.findall(r"\b0[1-8]\b", notes)
        own = ("stands on its own", "needs no other", "se sostiene sola", "no necesita ninguna otra")
        assert any(phrase in notes for phrase in own) or (leans and all(n < session_id[:2] for n in leans)), \
            f"{session_id} ({language}): the title notes should say which earlier sessions it leans on"
