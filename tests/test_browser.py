"""The real exports in a real Chromium, from a USB stick (file://) and from a local server:
nothing leaves the page's own origin, quizzes work by mouse and by keyboard and keep nothing,
every slide and fragment is reachable, the speaker view shows the notes, and axe finds no
serious or critical accessibility problem.

Runs when a Chromium is found (see browser_support.find_chromium); in CI a missing browser fails.
Screenshots and a JSON report go to build/test-artifacts/."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from browser_support import (
    PageLog,
    StaticServer,
    answer_texts,
    is_local,
    quiz_key,
    squash,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "build" / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SCREENSHOT_HEIGHT = 8000  # px of a long page kept in its full-page screenshot
ORIGINS = ("file", "http")
SEEN = {"requests": 0, "non_local": 0}  # every request checked by assert_clean, all tests together


def _session_ids() -> list[str]:
    """The real curriculum's sessions, known at collection time without building anything."""
    from dpskit.content import load_content

    content, _ = load_content(REPO, notebooks=False)
    return [s.id for s in content.sessions]


def _pages(session_ids: list[str]) -> list[str]:
    """index.html plus every HTML format of every session (slides, handout, guide, ...)."""
    from dpskit.build import FORMATS, output_path

    html = [fmt for fmt, (_, _, suffix) in FORMATS.items() if suffix.endswith(".html")]
    return ["index.html"] + [output_path(fmt, sid).as_posix() for sid in session_ids for fmt in html]


def _workshop_sessions(name: str) -> list[str]:
    from ruamel.yaml import YAML

    return list(YAML(typ="safe").load((REPO / name).read_text(encoding="utf-8"))["sessions"])


SESSIONS = _session_ids()
PAGES = _pages(SESSIONS)
# Facilitator decks: answer fragments and speaker notes (participant decks have neither, by design).
DECKS = [p for p in PAGES if p.endswith(".slides.html") and ".participant." not in p]
# The same checks on the Spanish pack of workshop.es.yml: (pack, page) pairs, "en" being the full build.
PACK_PAGES = [("en", p) for p in PAGES] + [("es", p) for p in _pages(_workshop_sessions("workshop.es.yml"))]


def page_name(relative: str, pack: str = "en") -> str:
    name = Path(relative).name.removesuffix(".html")
    return name if pack == "en" else f"{pack}-{name}"


PACK_PAGE_IDS = [page_name(relative, pack) for pack, relative in PACK_PAGES]


def kind_of(relative: str) -> str:
    """A page's kind: its format's suffix (.slides.html, .takehome.html, ...) or its own name."""
    name = Path(relative).name
    return name.split(".", 1)[1] if "." in name.removesuffix(".html") else name


def every_origin_once(pages: list, page_id=page_name) -> list:
    """pytest params (page..., origin): every page over http:// (the room's server), and from file://
    (a USB stick) the first page of each kind in each pack. What a page does once loaded is the same
    code whichever way it came; how it loads is not, and test_page_loads_offline_and_quietly loads
    every page both ways."""
    params, seen = [], set()
    for page in pages:
        pack, relative = page if isinstance(page, tuple) else ("en", page)
        values = page if isinstance(page, tuple) else (page,)
        name = page_id(relative, pack) if isinstance(page, tuple) else page_id(relative)
        params.append(pytest.param(*values, "http", id=f"{name}-http"))
        if (pack, kind_of(relative)) not in seen:
            seen.add((pack, kind_of(relative)))
            params.append(pytest.param(*values, "file", id=f"{name}-file"))
    return params


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def server(repo_build):
    served = StaticServer(repo_build)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture(scope="session")
def spanish_server(spanish_packs):
    served = StaticServer(spanish_packs[0].out)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def pack_of(request):
    """pack ("en", "es") -> (its folder, its local server); only the packs a test asks for are built."""
    def get(pack: str):
        if pack == "en":
            return request.getfixturevalue("repo_build"), request.getfixturevalue("server")
        return request.getfixturevalue("spanish_packs")[0].out, request.getfixturevalue("spanish_server")
    return get


@pytest.fixture(scope="session")
def report():
    """Numbers for the closing note, written to build/test-artifacts/browser-report.json."""
    data: dict = {"pages": {}, "axe": {}, "decks": {}, "quizzes": {}, "speaker_view": {}}
    yield data
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data["totals"] = {
        "page_loads": len(data["pages"]),
        "requests": sum(entry["requests"] for entry in data["pages"].values()),
        "non_local_requests": sum(entry["non_local"] for entry in data["pages"].values()),
        "requests_checked_in_all_tests": SEEN["requests"],
        "non_local_in_all_tests": SEEN["non_local"],
    }
    (ARTIFACTS / "browser-report.json").write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    lines = []
    for name, violations in sorted(data["axe"].items()):
        lines.append(f"{name}: {len(violations)} violation rule(s)")
        lines += [f"  {v['id']} ({v['impact']}): {v['nodes']} node(s) - {v['help']}" for v in violations]
    (ARTIFACTS / "axe-summary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def url_for(origin: str, relative: str, build: Path, server: StaticServer) -> str:
    return (build / relative).as_uri() if origin == "file" else server.url(relative)


def origin_of(origin: str, server: StaticServer) -> str:
    return "file" if origin == "file" else server.origin


def open_page(context, url: str, *, log: PageLog | None = None):
    page = context.new_page()
    log = (log or PageLog()).watch(page)
    page.goto(url, wait_until="load")
    if page.locator(".reveal").count():
        page.wait_for_selector(".reveal.ready", state="attached")
    return page, log


def assert_clean(log: PageLog, origin: str, what: str) -> None:
    outside = [u for u in log.requests if not is_local(u, origin)]
    SEEN["requests"] += len(log.requests)
    SEEN["non_local"] += len(outside)
    assert not outside, f"{what} asked for something outside its own origin: {outside}"
    assert not log.failed, f"{what}: failed requests {log.failed}"
    assert not log.console_errors, f"{what}: console errors {log.console_errors}"
    assert not log.page_errors, f"{what}: page errors {log.page_errors}"


# --------------------------------------------------------------------------- the build itself


@pytest.mark.parametrize("pack", ["en", "es"])
def test_every_built_page_is_checked(browser, pack_of, report, pack):
    """PAGES is known before the build (index + each HTML format of each session); any other HTML
    page the build writes gets the same checks here, so no page escapes the browser."""
    folder, server = pack_of(pack)
    pages = {relative for of, relative in PACK_PAGES if of == pack}
    built = {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}
    assert not pages - built, f"expected pages missing from the build: {sorted(pages - built)}"
    report.setdefault("other_pages", {})[pack] = others = sorted(built - pages)
    for relative in others:
        for origin in ORIGINS:
            check_load(browser, server, folder, report, relative, origin, pack)
        check_quizzes(browser, server, folder, report, relative, "http", pack)  # the same code from file:// (above)
        check_axe(browser, folder, report, relative, pack)


def test_the_harness_sees_and_blocks_outside_requests(browser, tmp_path):
    """A page that does reach out: the listener must see it, flag it, and the browser must not get there."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>leaky</title>'
        '<link rel="stylesheet" href="https://cdnjs.cloudflare.com/ajax/libs/x.css"></head>'
        '<body><img alt="" src="https://unpkg.com/x.png"><img alt="" src="data:,"></body></html>',
        encoding="utf-8",
    )
    page, log = open_page(browser, leaky.as_uri())
    try:
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    outside = sorted(u for u in log.requests if not is_local(u, "file"))
    assert outside == ["https://cdnjs.cloudflare.com/ajax/libs/x.css", "https://unpkg.com/x.png"]
    assert len(log.failed) == 2 and all("ERR_NAME_NOT_RESOLVED" in f for f in log.failed), log.failed
    assert not is_local("http://127.0.0.1:1/x", "http://127.0.0.1:2") and is_local("data:,x", "file")


# --------------------------------------------------------------------------- every page, both origins


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("pack,relative", PACK_PAGES, ids=PACK_PAGE_IDS)
def test_page_loads_offline_and_quietly(browser, pack_of, report, pack, relative, origin):
    folder, server = pack_of(pack)
    check_load(browser, server, folder, report, relative, origin, pack)


def check_load(browser, server, repo_build, report, relative, origin, pack="en"):
    name = page_name(relative, pack)
    if relative.endswith(".slides.html"):
        report["decks"][name] = (repo_build / relative).stat().st_size
    page, log = open_page(browser, url_for(origin, relative, repo_build, server))
    try:
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # whole page from file:// (what a reviewer wants), first screen from http (full pages cost ~1.5 s each)
        full = origin == "file" and not relative.endswith(".slides.html")
        # a guide runs to 40 printed pages: its first 8,000 px show the reviewer enough, and a
        # screenshot of the whole length takes longer than the timeout on a busy 2-core machine
        tall = full and page.evaluate("document.documentElement.scrollHeight") > SCREENSHOT_HEIGHT
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": SCREENSHOT_HEIGHT} if tall else None
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{origin}.png"), full_page=full, clip=clip)
        assert page.title(), f"{relative} has no <title>"
        want = "en" if pack == "en" else pack
        assert page.evaluate("document.documentElement.lang") == want, f"{relative} ({pack}): <html lang> is not {want!r}"
        expected = origin_of(origin, server)
        report["pages"][f"{name}-{origin}"] = {
            "requests": len(log.requests),
            "non_local": sum(not is_local(u, expected) for u in log.requests),
            "urls": sorted(set(log.requests)),
        }
        assert log.requests, "the page itself is a request: the listener saw nothing"
        assert_clean(log, expected, relative)
    finally:
        page.close()


# --------------------------------------------------------------------------- quizzes


def visible_text(page) -> str:
    return squash(page.evaluate("document.body.innerText"))


def no_transitions(page) -> None:
    """Quiz checks jump between slides a lot; the deck's slide animation only adds waiting there."""
    page.evaluate("() => window.Reveal && Reveal.configure({ transition: 'none' })")


def show_quiz(page, form_id: str) -> None:
    """On a deck, make the quiz's slide the current one (all its fragments hidden)."""
    if not page.locator(".reveal").count():
        return
    page.evaluate(
        """(id) => { const section = document.getElementById(id).closest('section');
                     const at = Reveal.getIndices(section); Reveal.slide(at.h, at.v || 0, -1); }""",
        form_id,
    )
    page.wait_for_function(
        "(id) => document.getElementById(id).closest('section').classList.contains('present')", arg=form_id
    )
    page.locator(f"#{form_id}").wait_for(state="visible")


def feedback_text(form) -> str:
    return squash(form.locator(".dpskit-quiz-feedback").inner_text())


def assert_hidden_answers(page, key: dict, what: str) -> None:
    text = visible_text(page)
    for secret in answer_texts(key):
        assert squash(secret) not in text, f"{what}: answer text visible before checking: {secret!r}"


def assert_wrong_feedback(form, key: dict, wrong: int, what: str) -> None:
    shown = feedback_text(form)
    assert squash(key["options"][wrong]["feedback"]) in shown, f"{what}: the wrong option's feedback is missing"
    assert squash(key["explanation"]) not in shown, f"{what}: explanation shown after a wrong answer"
    for i, option in enumerate(key["options"]):
        if i != wrong and option["correct"] and squash(option["feedback"]) not in squash(key["options"][wrong]["feedback"]):
            assert squash(option["feedback"]) not in shown, f"{what}: a right option's feedback leaked after a wrong answer"
    assert form.evaluate("f => f.classList.contains('dpskit-wrong')")


def assert_right_feedback(form, key: dict, what: str) -> None:
    """The right options' feedback; on a page also why and the sources (on a deck they come with
    the answer fragment, the next click, which test_every_slide_and_answer_fragment_is_reachable reads)."""
    shown = feedback_text(form)
    for option in key["options"]:
        if option["correct"]:
            assert squash(option["feedback"]) in shown, f"{what}: a right option's feedback is missing"
    if not form.evaluate("f => !!f.closest('.reveal')"):
        assert squash(key["explanation"]) in shown, f"{what}: explanation missing after the right answer"
        for source in key.get("sources", []):
            assert squash(source["title"]) in shown, f"{what}: source {source['title']!r} missing"
    assert form.evaluate("f => f.classList.contains('dpskit-right')")


def assert_options_marked(form, key: dict, chosen: set[int], what: str) -> None:
    """After Check every option is still on screen; the chosen ones carry a right or wrong mark."""
    rows = form.locator(".dpskit-quiz-option")
    for i in range(rows.count()):
        assert rows.nth(i).is_visible(), f"{what}: option {i + 1} hidden after Check"
        mark = rows.nth(i).evaluate("r => r.classList.contains('dpskit-chosen-right') ? 'right' : r.classList.contains('dpskit-chosen-wrong') ? 'wrong' : ''")
        wanted = ("right" if key["options"][i]["correct"] else "wrong") if i in chosen else ""
        assert mark == wanted, f"{what}: option {i + 1} marked {mark!r}, wanted {wanted!r}"


ON_SCREEN = """(el) => { const r = el.getBoundingClientRect();
    if (r.height === 0 || r.top < -1 || r.bottom > innerHeight + 1 || r.left < -1 || r.right > innerWidth + 1) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 40));
    return !!hit && el.contains(hit); }"""


def wait_on_screen(page, selector: str, what: str) -> None:
    """Inside the viewport and not clipped away (hit-testing finds it): what the room actually sees."""
    try:
        page.wait_for_function(f"(s) => ({ON_SCREEN})(document.querySelector(s))", arg=selector, timeout=3_000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; report where the element was instead
        box = page.evaluate("(s) => JSON.stringify(document.querySelector(s).getBoundingClientRect())", selector)
        pytest.fail(f"{what}: not on screen (box {box}, viewport {page.viewport_size})")


def feedback_region_is_live(form) -> None:
    region = form.locator(".dpskit-quiz-feedback")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") in ("polite", "assertive")


def quiz_by_mouse(page, form_id: str, key: dict, kind: str) -> None:
    form = page.locator(f"#{form_id}")
    what = f"{form_id} (mouse)"
    options = form.locator("input")
    wrong = next(i for i, o in enumerate(key["options"]) if not o["correct"])
    options.nth(wrong).click()
    form.locator(".dpskit-quiz-check").click()
    assert_wrong_feedback(form, key, wrong, what)
    assert_options_marked(form, key, {wrong}, what)
    form.locator(".dpskit-quiz-retry").click()
    assert feedback_text(form) == "", f"{what}: Try again leaves the old feedback"
    assert not any(options.nth(i).is_checked() for i in range(options.count()))
    for i, option in enumerate(key["options"]):
        if option["correct"]:
            options.nth(i).click()
            if kind != "multiple":
                break
    form.locator(".dpskit-quiz-check").click()
    assert_right_feedback(form, key, what)
    if page.locator(".reveal").count():
        wait_on_screen(page, f"#{form_id} .dpskit-quiz-feedback", f"{what}: the feedback after Check")


def active(page) -> str:
    return page.evaluate(
        """() => { const a = document.activeElement;
                   return a ? (a.className || a.tagName) + (a.id ? '#' + a.id : '') : ''; }"""
    )


def choose_by_keyboard(page, form, key: dict, kind: str, chosen: set[int]) -> None:
    """Focus the first input, then only keys: Space/arrows for radios, Space/Tab for checkboxes,
    Tab to the Check button. On a deck, where Space and arrows belong to the clicker, an option's
    number chooses it."""
    form.locator("input").first.focus()
    if form.evaluate("f => !!f.closest('.reveal')"):
        for i in sorted(chosen):
            page.keyboard.press(str(i + 1))
        for _ in range(len(key["options"]) + 1):  # Tab on from the chosen option to Check
            page.keyboard.press("Tab")
            if "dpskit-quiz-check" in active(page):
                break
    elif kind == "multiple":
        for i in range(len(key["options"])):
            if i in chosen:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
    else:
        (target,) = chosen
        page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
    assert "dpskit-quiz-check" in active(page), f"Tab did not reach Check (focus on {active(page)})"
    checked = {i for i in range(len(key["options"])) if form.locator("input").nth(i).is_checked()}
    assert checked == chosen, f"keyboard chose {checked}, wanted {chosen}"


def quiz_by_keyboard(page, form_id: str, key: dict, kind: str) -> None:
    form = page.locator(f"#{form_id}")
    what = f"{form_id} (keyboard)"
    slide_before = page.evaluate("window.Reveal ? JSON.stringify(Reveal.getIndices()) : ''")
    wrong = next(i for i, o in enumerate(key["options"]) if not o["correct"])
    choose_by_keyboard(page, form, key, kind, {wrong})
    page.keyboard.press("Enter")
    assert_wrong_feedback(form, key, wrong, what)
    assert "dpskit-quiz-retry" in active(page), "after checking, focus should be on Try again"
    page.keyboard.press("Enter")
    assert feedback_text(form) == "", f"{what}: Try again leaves the old feedback"
    right = {i for i, o in enumerate(key["options"]) if o["correct"]}
    if kind != "multiple":
        right = {min(right)}
    choose_by_keyboard(page, form, key, kind, right)
    page.keyboard.press("Enter" if slide_before else "Space")  # on a deck Space is the clicker's "next"
    assert_right_feedback(form, key, what)
    slide_after = page.evaluate("window.Reveal ? JSON.stringify(Reveal.getIndices()) : ''")
    assert slide_after == slide_before, f"{what}: answering by keyboard moved the deck {slide_before} -> {slide_after}"


@pytest.mark.parametrize("pack,relative,origin", every_origin_once(PACK_PAGES))
def test_quizzes_by_mouse_and_keyboard_keep_nothing(browser, pack_of, report, pack, relative, origin):
    folder, server = pack_of(pack)
    check_quizzes(browser, server, folder, report, relative, origin, pack)


STORED = "() => [document.cookie, JSON.stringify(Object.entries(localStorage)), sessionStorage.length]"


def check_quizzes(browser, server, repo_build, report, relative, origin, pack="en"):
    page, log = open_page(browser, url_for(origin, relative, repo_build, server))
    try:
        # reveal's own speaker view may have remembered its layout for this origin; we only ask
        # that answering questions adds nothing
        stored_before = page.evaluate(STORED)
        forms = page.eval_on_selector_all(
            "form.dpskit-quiz", "fs => fs.map(f => [f.id, f.dataset.type, f.dataset.key])"
        )
        if not forms:
            assert relative not in DECKS, "every real deck has quizzes"
            assert page.locator("[data-key]").count() == 0, "an answer key without a quiz form"
            assert_clean(log, origin_of(origin, server), relative)
            return
        keys = {form_id: quiz_key(data_key) for form_id, _, data_key in forms}
        no_transitions(page)
        for form_id, kind, _ in forms:
            show_quiz(page, form_id)
            feedback_region_is_live(page.locator(f"#{form_id}"))
            assert_hidden_answers(page, keys[form_id], form_id)
            quiz_by_mouse(page, form_id, keys[form_id], kind)
            if kind == "multiple" or form_id == forms[0][0]:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{page_name(relative, pack)}-{form_id}-{origin}.png"))
        page.reload(wait_until="load")
        if page.locator(".reveal").count():
            page.wait_for_selector(".reveal.ready", state="attached")
        no_transitions(page)
        for form_id, kind, _ in forms:
            show_quiz(page, form_id)
            assert_hidden_answers(page, keys[form_id], form_id)
            quiz_by_keyboard(page, form_id, keys[form_id], kind)
        stored = page.evaluate(STORED)
        assert stored == stored_before and stored[0] == "" and stored[2] == 0, (
            f"the quizzes stored something: cookie/localStorage/sessionStorage = {stored} (before: {stored_before})")
        assert_clean(log, origin_of(origin, server), relative)
        report["quizzes"][f"{page_name(relative, pack)}-{origin}"] = [kind for _, kind, _ in forms]
    finally:
        page.close()


# --------------------------------------------------------------------------- slides


@pytest.mark.parametrize("relative", DECKS, ids=page_name)
def test_every_slide_and_answer_fragment_is_reachable(browser, repo_build, relative):
    page, log = open_page(browser, (repo_build / relative).as_uri())
    try:
        answers = page.locator("[data-answer-for]")
        assert answers.count() > 0
        assert all(answers.nth(i).inner_text().strip() == "" for i in range(answers.count())), "answers shown too early"
        keys = {
            form_id: quiz_key(data_key)
            for form_id, data_key in page.eval_on_selector_all(
                "form.dpskit-quiz", "fs => fs.map(f => [f.id, f.dataset.key])"
            )
        }
        expected = page.eval_on_selector_all("[data-answer-for]", "fs => fs.map(f => f.dataset.answerFor)")
        assert sorted(expected) == sorted(keys), "every quiz on a slide has its answer fragment"
        total = page.evaluate("Reveal.getTotalSlides()")
        visited, filled = set(), {}
        for _ in range(10 * total + 100):
            state = page.evaluate(
                """() => { const i = Reveal.getIndices();
                    const shown = [...Reveal.getCurrentSlide().querySelectorAll('.fragment.visible[data-answer-for]')]
                        .map(f => f.dataset.answerFor);
                    return {at: i.h + '/' + (i.v || 0), last: Reveal.isLastSlide(),
                            more: Reveal.availableFragments().next, shown}; }"""
            )
            visited.add(state["at"])
            for form_id in state["shown"]:
                if form_id not in filled:  # just shown: wait for the fade-in, then read what a viewer sees
                    fragment = page.locator(f'[data-answer-for="{form_id}"]')
                    fragment.wait_for(state="visible")
                    wait_on_screen(page, f'[data-answer-for="{form_id}"]', f"{form_id}: the answer fragment")
                    page.wait_for_function(
                        "(id) => document.querySelector(`[data-answer-for='${id}']`).innerText.trim() !== ''", arg=form_id
                    )
                    filled[form_id] = squash(fragment.inner_text())
            if state["last"] and not state["more"]:
                break
            page.evaluate("Reveal.next()")
        else:
            pytest.fail("Reveal.next() never reached the end of the deck")
        # reveal.js counts every <section> under .slides as a slide: one inside slide content
        # inflates the total ("12/38" on the last slide) without being reachable.
        nested = page.eval_on_selector_all(".slides > section > section section", "ss => ss.map(s => s.className || s.id)")
        assert not nested, f"<section> inside slide content counts as a slide for reveal.js: {nested}"
        assert len(visited) == total, f"visited {len(visited)} slides, deck has {total}"
        assert sorted(filled) == sorted(expected), "an answer fragment was never shown"
        for form_id, key in keys.items():
            assert squash(key["explanation"]) in filled[form_id], f"{form_id}: the answer fragment did not fill in"
            marked = page.eval_on_selector_all(f"#{form_id} .dpskit-quiz-option", "rs => rs.map(r => !!r.querySelector('.dpskit-answer-mark') && getComputedStyle(r.querySelector('.dpskit-answer-mark')).display !== 'none')")
            assert marked == [bool(o["correct"]) for o in key["options"]], f"{form_id}: the answer marks {marked}, not the right options"
        assert_clean(log, "file", relative)
    finally:
        page.close()


@pytest.mark.parametrize("relative,origin", every_origin_once(DECKS))
def test_speaker_view_shows_the_notes(browser, server, repo_build, report, relative, origin):
    everything = PageLog()
    listener = lambda request: everything.requests.append(request.url)  # noqa: E731
    browser.on("request", listener)
    page, log = open_page(browser, url_for(origin, relative, repo_build, server))
    speaker = None
    try:
        target = page.evaluate(
            """() => { const aside = [...document.querySelectorAll('.slides section aside.notes')]
                         .find(a => a.textContent.trim().length > 20 && Reveal.getIndices(a.closest('section')).h > 0);
                       const section = aside.closest('section');
                       const at = Reveal.getIndices(section); Reveal.slide(at.h, at.v || 0);
                       return {notes: aside.textContent, at: at.h + '/' + (at.v || 0)}; }"""
        )
        page.evaluate("document.activeElement && document.activeElement.blur()")  # keys go to the deck
        with browser.expect_page() as opened:
            page.keyboard.press("s")
        speaker = opened.value
        speaker_log = PageLog().watch(speaker)
        notes = squash(target["notes"])
        speaker.wait_for_function(
            "(want) => { const v = document.querySelector('.speaker-controls-notes .value');"
            " return v && v.innerText.replace(/\\s+/g, ' ').trim() === want; }",
            arg=notes,
            timeout=15_000,
        )
        current = speaker.locator("#current-slide iframe").element_handle().content_frame()
        current.wait_for_selector(".reveal.ready", state="attached")
        current.wait_for_function(
            "(at) => { const i = Reveal.getIndices(); return i.h + '/' + (i.v || 0) === at; }", arg=target["at"]
        )
        report["speaker_view"][f"{page_name(relative)}-{origin}"] = {"slide": target["at"], "notes_chars": len(notes)}
        time.sleep(0.3)  # let the preview iframes settle so their errors (if any) are seen
        expected = origin_of(origin, server)
        assert any("receiver" in u for u in everything.requests), "the speaker view's previews never loaded the deck"
        assert_clean(everything, expected, f"{relative} with its speaker view")  # deck, popup and its iframes
        errors = log.console_errors + log.page_errors + speaker_log.console_errors + speaker_log.page_errors
        assert not errors and not log.failed and not speaker_log.failed, (errors, log.failed, speaker_log.failed)
    finally:
        browser.remove_listener("request", listener)
        if speaker:
            speaker.close()
        page.close()


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("pack,relative", PACK_PAGES, ids=PACK_PAGE_IDS)
def test_no_serious_accessibility_problems(browser, pack_of, report, pack, relative):
    check_axe(browser, pack_of(pack)[0], report, relative, pack)


def check_axe(browser, repo_build, report, relative, pack="en"):
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(browser, (repo_build / relative).as_uri())
    try:
        results = Axe().run(page)
    finally:
        page.close()
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
    ]
    report["axe"][page_name(relative, pack)] = violations
    print(f"axe {page_name(relative, pack)}: " + (", ".join(f"{v['id']} ({v['impact']}) x{v['nodes']}" for v in violations) or "no violations"))
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe: serious/critical violations on {relative}: {json.dumps(serious, indent=1)}"


# --------------------------------------------------------------------------- scenarios (role-play)


def scenario_payload(data: str) -> dict:
    import base64

    return json.loads(base64.b64decode(data).decode("utf-8"))


def walks(scenario: dict) -> list[list[int]]:
    """Every path as choice indices, from the graph the page carries."""
    found: list[list[int]] = []

    def walk(node_id: str, taken: list[int]) -> None:
        node = scenario["nodes"][node_id]
        if node.get("ending"):
            found.append(taken)
            return
        for index, choice in enumerate(node["choices"]):
            walk(choice["next"], [*taken, index])

    walk(scenario["start"], [])
    return found


def show_scenario(page, box_id: str) -> None:
    if page.locator(".reveal").count():
        page.evaluate(
            """(id) => { const at = Reveal.getIndices(document.getElementById(id).closest('section'));
                         Reveal.slide(at.h, at.v || 0); }""", box_id)
    page.locator(f"#{box_id} .dpskit-scenario-stage").wait_for(state="visible")


def assert_ending(box, scenario: dict, taken: list[int], what: str) -> None:
    node_id = scenario["start"]
    texts = []
    for index in taken:
        choice = scenario["nodes"][node_id]["choices"][index]
        texts.append(choice["text"])
        node_id = choice["next"]
    ending = scenario["nodes"][node_id]
    shown = squash(box.locator(".dpskit-scenario-stage").inner_text())
    assert squash(ending["situation"]) in shown and squash(ending["debrief"]) in shown, f"{what}: ending not shown"
    path = [squash(li) for li in box.locator(".dpskit-path li").all_inner_texts()]
    assert path == [squash(t) for t in texts], f"{what}: path summary {path} != {texts}"


def _decks_with_scenarios() -> list[str]:
    """Decks whose session shows a scenario, known from the notebooks before any build."""
    import nbformat

    from dpskit.content import load_content, notebook_calls

    content, _ = load_content(REPO, notebooks=False)
    with_scenarios = {
        s.id for s in content.sessions
        if any(name == "scenario" for c in nbformat.read(s.notebook, as_version=4).cells if c.cell_type == "code"
               for name, _, _ in notebook_calls(c.source))
    }
    return [d for d in DECKS if Path(d).name.removesuffix(".slides.html") in with_scenarios]


SCENARIO_DECKS = _decks_with_scenarios()


@pytest.mark.parametrize("relative,origin", every_origin_once(SCENARIO_DECKS))
def test_scenarios_by_mouse_and_keyboard(browser, server, repo_build, relative, origin):
    """Every path of every scenario by mouse; the best path again by keyboard only. Nothing leaves."""
    page, log = open_page(browser, url_for(origin, relative, repo_build, server))
    try:
        no_transitions(page)
        stored_before = page.evaluate(STORED)
        boxes = page.locator(".dpskit-scenario[data-scenario]")
        assert boxes.count(), f"{relative}: its session calls scenario() but the deck has none"
        for n in range(boxes.count()):
            box = boxes.nth(n)
            box_id = box.get_attribute("id")
            payload = scenario_payload(box.get_attribute("data-scenario"))
            scenario = payload["scenario"]
            show_scenario(page, box_id)
            what = f"{relative} {scenario['id']}"
            for taken in walks(scenario):
                for index in taken:
                    box.locator(".dpskit-scenario-choice").nth(index).click()
                assert_ending(box, scenario, taken, what)
                box.locator(".dpskit-scenario-restart").click()
                assert squash(scenario["nodes"][scenario["start"]]["situation"]) in squash(box.inner_text())
            best = []
            node_id = scenario["start"]
            while not scenario["nodes"][node_id].get("ending"):
                choices = scenario["nodes"][node_id]["choices"]
                index = next((i for i, c in enumerate(choices) if c.get("best")), 0)
                best.append(index)
                node_id = choices[index]["next"]
            box.locator(".dpskit-scenario-choice").first.focus()
            for index in best:
                target = squash(box.locator(".dpskit-scenario-choice").nth(index).inner_text())
                for _ in range(12):
                    if squash(page.evaluate("document.activeElement.innerText || ''")) == target:
                        break
                    page.keyboard.press("Tab")
                else:
                    pytest.fail(f"{what}: could not reach {target!r} with Tab")
                page.keyboard.press("Enter")
            assert_ending(box, scenario, best, what + " (keyboard)")
            assert scenario["nodes"][node_id]["ending"] == "good", f"{what}: the best path should end well"
        assert page.evaluate(STORED) == stored_before, "playing a scenario must store nothing"
        assert_clean(log, origin_of(origin, server), relative)
    finally:
        page.close()
