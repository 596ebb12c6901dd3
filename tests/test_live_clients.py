"""The default `make workshop` pack in real clients, as participants and facilitators use it:
JupyterLab (Run All on every notebook, quizzes answered, a scenario played, a room poll charted)
and Voilà in participant mode at phone width, both started by `dpskit participant` from a
read-only copy of the pack away from the checkout. Nothing may reach another host: the browser's
request log and a sitecustomize in the server (and its kernels) that records every outside
connection attempt both have to stay empty. The pack must be byte-for-byte unchanged afterwards.

Runs when Chromium, Voilà and JupyterLab are found; in CI a missing one fails. Times, request
counts and screenshots go to build/test-artifacts/live/."""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import CHROMIUM_ARGS, NO_CHROMIUM, PageLog, find_chromium, in_ci, is_local, squash
from live_support import LiveServer, make_read_only, make_writable, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "build" / "test-artifacts" / "live"
REPORT: dict[str, dict] = {"lab": {}, "voila": {}, "requests": {"browser": 0, "browser_outside": 0}, "server_outside": {}}
VOILA_SESSIONS = 2
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on screen in JupyterLab  # the first two sessions of the default pack, at 360 px


def _workshop_sessions() -> list[str]:
    from ruamel.yaml import YAML

    return list(YAML(typ="safe").load((REPO / "workshop.yml").read_text())["sessions"])


SESSIONS = _workshop_sessions()


def _need(condition: bool, message: str) -> None:
    if not condition:
        if in_ci():
            pytest.fail(f"LIVE CLIENT TESTS CANNOT RUN and CI requires them: {message}", pytrace=False)
        pytest.skip(f"LIVE CLIENT TESTS SKIPPED: {message}")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The default workshop's pack (what the notebooks need of `make workshop`), copied onto a
    'stick' away from the checkout and made read-only."""
    import importlib.util

    from dpskit.build import build

    _need(all(importlib.util.find_spec(m) for m in ("voila", "jupyterlab")),
          "voila or jupyterlab is not installed: pip install -e '.[live]'")
    out = build(REPO, tmp_path_factory.mktemp("live-build") / "pack", workshop=REPO / "workshop.yml",
                formats=["notebook", "facilitator-notebook"], pdf=False).out
    stick = tmp_path_factory.mktemp("stick") / out.name
    shutil.copytree(out, stick)
    shutil.rmtree(out)
    make_read_only(stick)
    before = snapshot(stick)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield stick
    after = snapshot(stick)
    (ARTIFACTS / "report.json").write_text(json.dumps(REPORT, indent=1))
    make_writable(stick)
    assert after == before, f"the pack changed: {sorted(set(after.items()) ^ set(before.items()))[:5]}"


@pytest.fixture(scope="module")
def chromium(playwright_driver):
    executable, how = find_chromium(playwright_driver)
    _need(executable is not None, f"{NO_CHROMIUM} ({how})")
    browser = playwright_driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _server(pack, lab: bool):
    server = LiveServer(pack, lab=lab, log_dir=ARTIFACTS)
    REPORT["lab" if lab else "voila"]["server_start_s"] = round(server.start_seconds, 2)
    try:
        yield server
    finally:
        server.stop()
        REPORT["server_outside"]["lab" if lab else "voila"] = len(server.final_attempts)
    assert server.final_attempts == [], f"the server or a kernel tried to reach other hosts: {server.final_attempts}"


@pytest.fixture(scope="module")
def lab(pack):
    yield from _server(pack, lab=True)


@pytest.fixture(scope="module")
def voila(pack):
    yield from _server(pack, lab=False)


@pytest.fixture(scope="module")
def content(pack):
    from dpskit.content import load_content

    data, errors = load_content(pack, notebooks=False)
    assert errors == []
    return data


# --------------------------------------------------------------------------- helpers


def expected_widgets(notebook: Path, content) -> tuple[list, list, list]:
    """(quiz items, scenarios, poll items) the notebook's one-line calls display, in order."""
    import nbformat

    from dpskit.content import notebook_calls

    quizzes, scenarios, polls = [], [], []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for name, args, kwargs in notebook_calls(cell.source):
            if name == "quiz":
                quizzes += [content.quiz_items[i] for i in args] + (content.bank(kwargs["session"]) if "session" in kwargs else [])
            elif name == "scenario":
                scenarios += [content.scenarios[i] for i in args]
            elif name == "poll":
                polls += [content.quiz_items[i] for i in args]
    return quizzes, scenarios, polls


def new_page(chromium, width: int, origin: str):
    """A page in a fresh context; the log sees the requests of every tab the page opens."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    log = PageLog()
    page.context.on("request", lambda request: log.requests.append(request.url))
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    return page, log


def check_requests(log: PageLog, origin: str) -> None:
    outside = [url for url in log.requests if not is_local(url, origin)]
    REPORT["requests"]["browser"] += len(log.requests)
    REPORT["requests"]["browser_outside"] += len(outside)
    assert outside == [], f"requests to other hosts: {outside[:5]}"


LAYOUT_JS = """quiz => {
  const rows = [...quiz.querySelectorAll('.dpskit-choice')];
  const problems = [];
  const boxes = rows.map(r => r.querySelector('.dpskit-choice-text').getBoundingClientRect());
  rows.forEach((row, i) => {
    const text = row.querySelector('.dpskit-choice-text');
    const holder = text.closest('.widget-html');
    const control = row.querySelector('input').getBoundingClientRect();
    if (holder.scrollHeight > holder.clientHeight + 1 || holder.scrollWidth > holder.clientWidth + 1)
      problems.push(`option ${i} is cut off (${holder.scrollWidth}x${holder.scrollHeight} in ${holder.clientWidth}x${holder.clientHeight})`);
    if (boxes[i].right > quiz.getBoundingClientRect().right + 1) problems.push(`option ${i} runs past the quiz`);
    if (control.width < 24 || control.height < 24)  // WCAG 2.2 target size, for a finger on a phone
      problems.push(`option ${i}'s control is ${control.width}x${control.height} px, under 24x24`);
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
        problems.push(`options ${i} and ${j} overlap`);
    }
  });
  return {problems, texts: rows.map(r => r.querySelector('.dpskit-choice-text').innerText)};
}"""


def check_quiz_layout(quiz_locator, item) -> None:
    result = quiz_locator.evaluate(LAYOUT_JS)
    assert result["problems"] == [], f"{item.id}: {result['problems']}"
    assert [squash(t) for t in result["texts"]] == [squash(o.text) for o in item.options], f"{item.id}: option text differs"


def tap_words(page, row) -> None:
    """A finger on an option's words, not on its control: the whole row chooses it."""
    box = row.locator(".dpskit-choice-text").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def answer_wrong_then_right(page, quiz, item) -> None:
    """Choose a wrong answer by tapping its words, check, read its feedback; try again with the
    right one, the first by keyboard (Space on the focused control), any others by tapping the row."""
    correct = sorted(item.correct_indices)
    wrong = next(i for i in range(len(item.options)) if i not in correct)
    rows = quiz.locator(".dpskit-choice")
    tap_words(page, rows.nth(wrong))
    assert rows.nth(wrong).locator("input").is_checked(), f"{item.id}: a tap on the option's words chose nothing"
    quiz.get_by_role("button", name="Check").click()
    feedback = squash(item.options[wrong].feedback)
    page.wait_for_function("([q, t]) => q.innerText.replace(/\\s+/g, ' ').includes(t)", arg=[quiz.element_handle(), feedback[:60]], timeout=30_000)
    quiz.get_by_role("button", name="Try again").click()
    for number, index in enumerate(correct if item.type == "multiple" else correct[:1]):
        if number == 0:  # once the kernel has enabled the options again
            from playwright.sync_api import expect

            control = rows.nth(index).locator("input")
            expect(control).to_be_enabled(timeout=30_000)
            control.focus()
            page.keyboard.press("Space")
        else:
            box = rows.nth(index).bounding_box()
            page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] / 2)  # the row's far end
        assert rows.nth(index).locator("input").is_checked(), f"{item.id}: option {index} was not chosen"
    quiz.get_by_role("button", name="Check").click()
    explanation = squash(item.explanation)
    page.wait_for_function("([q, t]) => q.innerText.replace(/\\s+/g, ' ').includes(t)", arg=[quiz.element_handle(), explanation[:60]], timeout=30_000)
    assert squash(item.options[correct[0]].feedback)[:60] in squash(quiz.inner_text())


def play_to_an_ending(page, player, scenario) -> str:
    """Follow the best choice (else the first) until an ending; return the ending's node id."""
    node_id = scenario.start
    for _ in range(40):
        node = scenario.nodes[node_id]
        if node.is_ending:
            break
        index = next((i for i, c in enumerate(node.choices) if c.best and not c.loop), 0)
        player.get_by_role("button", name=squash(node.choices[index].text), exact=True).first.click()
        node_id = node.choices[index].next
        target = squash(scenario.nodes[node_id].situation)[:50]
        page.wait_for_function("([p, t]) => p.innerText.replace(/\\s+/g, ' ').includes(t)", arg=[player.element_handle(), target], timeout=30_000)
    node = scenario.nodes[node_id]
    assert node.is_ending, f"{scenario.id}: no ending reached"
    assert squash(node.debrief)[:50] in squash(player.inner_text())
    from dpskit.render import scenario_messages

    assert player.get_by_role("button", name=scenario_messages()["restart"]).is_visible()
    return node_id


def no_error_outputs(page) -> None:
    errors = page.locator('[data-mime-type="application/vnd.jupyter.stderr"], [data-mime-type="application/vnd.jupyter.error"]')
    texts = [squash(t)[:200] for t in errors.all_inner_texts()]
    assert texts == [], f"error output: {texts}"
    assert page.get_by_text("Error displaying widget").count() == 0


def wait_idle(page) -> None:
    page.wait_for_function("() => /\\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')", timeout=180_000)


def run_all_in_lab(page, lab, path: str, ready: str, count: int) -> tuple[float, float]:
    """Open a notebook in JupyterLab and Run All from the menu, until `count` elements match
    `ready` and the kernel is idle again; (page load s, Run All s)."""
    started = time.perf_counter()
    page.goto(lab.url(f"lab/tree/{path}?reset"), timeout=120_000)  # reset: no tabs from earlier tests
    page.locator(f"{PANEL} .jp-MarkdownCell").first.wait_for(timeout=120_000)
    loaded = time.perf_counter() - started
    wait_idle(page)
    started = time.perf_counter()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
    page.locator(f"{PANEL} {ready}").nth(count - 1).wait_for(state="attached", timeout=300_000)
    wait_idle(page)
    return loaded, time.perf_counter() - started


# --------------------------------------------------------------------------- JupyterLab


@pytest.mark.parametrize("session_id", SESSIONS)
def test_lab_runs_every_notebook_of_the_default_pack(chromium, lab, pack, content, session_id):
    notebook = pack / "notebooks" / f"{session_id}.ipynb"
    quizzes, scenarios, _ = expected_widgets(notebook, content)
    page, log = new_page(chromium, 1280, lab.origin)
    try:
        loaded, ran = run_all_in_lab(page, lab, f"notebooks/{session_id}.ipynb", ".dpskit-quiz-live", len(quizzes))
        panel = page.locator(PANEL)
        live = panel.locator(".dpskit-quiz-live")
        REPORT["lab"][session_id] = {"page_load_s": round(loaded, 2), "run_all_s": round(ran, 2)}
        no_error_outputs(page)
        assert live.count() == len(quizzes)
        assert panel.locator(".dpskit-scenario-live").count() == len(scenarios)
        code = panel.locator(".jp-CodeCell .jp-InputArea")
        assert all(not code.nth(i).is_visible() for i in range(code.count())), "code is visible"
        for index, item in enumerate(quizzes):
            check_quiz_layout(live.nth(index), item)
        first = next(i for i, item in enumerate(quizzes) if item.type != "multiple")
        live.nth(first).scroll_into_view_if_needed()
        answer_wrong_then_right(page, live.nth(first), quizzes[first])
        if scenarios:
            player = panel.locator(".dpskit-scenario-live").first
            player.scroll_into_view_if_needed()
            play_to_an_ending(page, player, scenarios[0])
        if session_id == SESSIONS[0]:
            live.nth(first).scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"lab-{session_id}.png"))
        check_requests(log, lab.origin)
        assert lab.outside_attempts() == []
    finally:
        page.context.close()


def test_lab_facilitator_notebook_polls_the_room(chromium, lab, pack, content):
    session_id = SESSIONS[1]
    notebook = pack / "guide" / f"{session_id}.facilitator.ipynb"
    _, _, polls = expected_widgets(notebook, content)
    assert polls, "the facilitator notebook has no poll"
    page, log = new_page(chromium, 1280, lab.origin)
    try:
        run_all_in_lab(page, lab, f"guide/{session_id}.facilitator.ipynb", ".dpskit-poll-live", len(polls))
        poll = page.locator(f"{PANEL} .dpskit-poll-live").first
        no_error_outputs(page)
        item = polls[0]
        counts = [3 + 2 * i for i in range(len(item.options))]
        poll.scroll_into_view_if_needed()
        boxes = poll.locator("input[type=number]")
        assert boxes.count() == len(item.options)
        for i, count in enumerate(counts):
            boxes.nth(i).fill(str(count))
            boxes.nth(i).press("Enter")
        chart = poll.locator("img[alt^='Bar chart']")
        chart.wait_for(timeout=60_000)
        page.wait_for_function("([p, n]) => (p.querySelector('img[alt]')?.alt || '').includes(n)",
                               arg=[poll.element_handle(), f"{item.options[-1].text}: {counts[-1]}"], timeout=60_000)
        alt = chart.get_attribute("alt")
        for option, count in zip(item.options, counts):
            assert f"{option.text}: {count}" in alt
        assert chart.bounding_box()["height"] > 50
        chart.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"lab-poll-{session_id}.png"))
        check_requests(log, lab.origin)
    finally:
        page.context.close()


def test_lab_server_fetches_no_news_updates_or_extensions(lab):
    """What the news prompt and the extension manager would make the server fetch."""
    for path in ("lab/api/news", "lab/api/update", "lab/api/extensions?query=dpskit&page=1&per_page=10"):
        try:
            with urllib.request.urlopen(lab.url(path), timeout=30) as response:
                response.read()
        except OSError:
            pass  # a refused or missing endpoint is fine; an outside connection is not
    assert lab.outside_attempts() == []


# --------------------------------------------------------------------------- Voilà


@pytest.mark.parametrize("session_id", SESSIONS[:VOILA_SESSIONS])
def test_voila_participant_mode_at_phone_width(chromium, voila, pack, content, session_id):
    notebook = pack / "notebooks" / f"{session_id}.ipynb"
    quizzes, scenarios, _ = expected_widgets(notebook, content)
    page, log = new_page(chromium, 360, voila.origin)
    try:
        page.goto(voila.url(""), timeout=120_000)  # where `dpskit participant` opens the browser: the list
        listed = page.locator(f'a.dpskit-session[href$="/{session_id}.ipynb"]')  # dpskit's list, by session title
        listed.first.wait_for(timeout=120_000)
        assert page.locator("a.dpskit-session").count() == len(list((pack / "notebooks").glob("*.ipynb")))
        started = time.perf_counter()
        listed.first.click()  # one tap opens the session in this tab (Back returns to the list)
        page.wait_for_url(f"**/voila/render/{session_id}.ipynb", timeout=60_000)
        live = page.locator(".dpskit-quiz-live")
        live.first.wait_for(timeout=180_000)
        REPORT["voila"][session_id] = {"first_quiz_s": round(time.perf_counter() - started, 2)}
        live.nth(len(quizzes) - 1).wait_for(timeout=180_000)
        page.wait_for_function("() => !document.querySelector('#loading') || getComputedStyle(document.querySelector('#loading')).display === 'none'", timeout=180_000)
        REPORT["voila"][session_id]["all_rendered_s"] = round(time.perf_counter() - started, 2)
        no_error_outputs(page)
        assert live.count() == len(quizzes)
        assert page.locator(".dpskit-scenario-live").count() == len(scenarios)
        assert page.locator(".jp-CodeCell .jp-InputArea:visible, .cm-editor:visible, .jp-InputPrompt:visible, "
                            ".jp-OutputPrompt:visible").count() == 0, "code or prompts visible"
        assert not re.search(r"\b(quiz|scenario|disclaimer|timeline|script)\(", page.inner_text("body")), "code visible"
        assert page.evaluate("document.documentElement.scrollWidth") <= 361, "the page scrolls sideways at 360 px"
        for index, item in enumerate(quizzes):
            check_quiz_layout(live.nth(index), item)
        longest = max(range(len(quizzes)), key=lambda i: max(len(o.text) for o in quizzes[i].options))
        live.nth(longest).scroll_into_view_if_needed()
        live.nth(longest).screenshot(path=str(ARTIFACTS / f"voila-quiz-360-{session_id}.png"))
        first = next(i for i, item in enumerate(quizzes) if item.type != "multiple")
        live.nth(first).scroll_into_view_if_needed()
        answer_wrong_then_right(page, live.nth(first), quizzes[first])
        several = [i for i, item in enumerate(quizzes) if item.type == "multiple"]
        if several:
            live.nth(several[0]).scroll_into_view_if_needed()
            answer_wrong_then_right(page, live.nth(several[0]), quizzes[several[0]])
        if scenarios:
            player = page.locator(".dpskit-scenario-live").first
            player.scroll_into_view_if_needed()
            play_to_an_ending(page, player, scenarios[0])
            player.screenshot(path=str(ARTIFACTS / f"voila-scenario-360-{session_id}.png"))
        page.screenshot(path=str(ARTIFACTS / f"voila-{session_id}.png"))
        check_requests(log, voila.origin)
        assert voila.outside_attempts() == []
    finally:
        page.context.close()
