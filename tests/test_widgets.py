"""The live quiz and score, driven like a participant would, with no browser and no kernel."""

from __future__ import annotations

import pytest

from dpskit.content import load_valid_content
from dpskit.render import QUIZ_MIMETYPE


@pytest.fixture
def content(mini_root):
    return load_valid_content(mini_root)


@pytest.fixture
def quiz_for(content, dummy_comm):
    from dpskit.widgets import Quiz

    return lambda item_id: Quiz(content.quiz_items[item_id], content.sources)


def test_wrong_then_right_shows_each_options_own_feedback(quiz_for):
    quiz = quiz_for("01-free-to-go")
    quiz.selector.value = 1
    quiz.check_button.click()
    assert quiz.result is not None and not quiz.result.correct
    assert "FEEDBACK-WRONG" in quiz.feedback.value
    assert "EXPLANATION-SECRET" not in quiz.feedback.value
    assert quiz.selector.disabled and quiz.retry_button.layout.display is None
    quiz.retry_button.click()
    assert quiz.result is None and quiz.feedback.value == "" and quiz.selector.value is None
    quiz.selector.value = 0
    quiz.check_button.click()
    assert quiz.result.correct
    assert "FEEDBACK-RIGHT" in quiz.feedback.value and "EXPLANATION-SECRET" in quiz.feedback.value
    assert "Terry v. Ohio" in quiz.feedback.value


def test_check_with_nothing_chosen_asks_for_an_answer(quiz_for):
    quiz = quiz_for("01-free-to-go")
    assert quiz.submit() is None
    assert "Choose an answer first" in quiz.feedback.value


def test_multiple_choice_with_checkboxes(quiz_for):
    quiz = quiz_for("01-say-it")
    quiz.selector.children[0].value = True
    assert quiz.chosen == (0,)
    partial = quiz.submit()
    assert not partial.correct and partial.missed == (1,)
    assert "at least one more right answer" in quiz.feedback.value
    quiz.reset()
    quiz.select(0, 1)
    assert quiz.submit().correct


def test_strings_from_data_are_escaped_in_the_live_widget(quiz_for):
    quiz = quiz_for("01-say-it")
    assert "<script>" not in quiz.prompt.value and "&lt;script&gt;" in quiz.prompt.value
    quiz.select(1)
    quiz.submit()
    assert "<img" not in quiz.feedback.value and "&lt;img src=x onerror=alert(2)&gt;" in quiz.feedback.value


def test_display_bundle_has_static_html_and_data_but_no_widget_state(quiz_for):
    bundle = quiz_for("01-free-to-go")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle[QUIZ_MIMETYPE]["items"][0]["id"] == "01-free-to-go"
    assert 'class="dpskit-quiz"' in bundle["text/html"]
    assert "What do you ask first" in bundle["text/plain"]


def test_score_tracks_every_check(content, dummy_comm):
    from dpskit.widgets import Quiz, Scoreboard, ScoreCard

    board = Scoreboard()
    first, second = (board.track(Quiz(content.quiz_items[i], content.sources)) for i in ("01-free-to-go", "01-true-false"))
    card = ScoreCard(board)
    assert "No questions checked yet" in card.value
    first.select(1); first.submit(); first.reset(); first.select(0); first.submit()
    second.select(1); second.submit()
    summary = board.summary()
    assert (summary.total, summary.answered, summary.correct, summary.first_try) == (2, 2, 2, 1)
    assert "2 of 2 questions right now, 1 on the first try" in card.value


def test_notebook_api_displays_one_widget_per_item(mini_root, monkeypatch, dummy_comm):
    from dpskit import notebook
    from dpskit.widgets import Quiz

    monkeypatch.setenv("DPSKIT_ROOT", str(mini_root))
    notebook.content.cache_clear()
    shown = []
    monkeypatch.setattr(notebook, "_display", shown.append)
    notebook.quiz(session="01-mini")
    assert [q.item.id for q in shown] == ["01-free-to-go", "01-say-it", "01-true-false"]
    assert all(isinstance(q, Quiz) for q in shown)
    notebook.content.cache_clear()


def test_live_widget_static_quiz_and_worksheet_show_the_same_options(quiz_for):
    """Options as wrapping rows in the live widget; the same words in the page and on paper."""
    from bs4 import BeautifulSoup

    from dpskit.render import render_quiz
    from dpskit.widgets.choices import Choice

    def text(html: str) -> str:
        return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())

    for item_id in ("01-free-to-go", "01-say-it"):
        quiz = quiz_for(item_id)
        assert all(isinstance(row, Choice) and not row.control.description for row in quiz.selector.children)
        bundle = quiz._repr_mimebundle_()
        static = BeautifulSoup(bundle["text/html"], "html.parser")
        sheet = BeautifulSoup(render_quiz(bundle[QUIZ_MIMETYPE], "worksheet"), "html.parser")
        live = [text(row.label.value) for row in quiz.selector.children]
        assert live == [o.text for o in quiz.item.options]
        assert live == [" ".join(label.get_text(" ").split()) for label in static.select(".dpskit-quiz-option label")]
        assert live == [" ".join(li.get_text(" ").replace("☐", "").split()) for li in sheet.select(".dpskit-worksheet-options li")]
        assert text(quiz.hint.value) == " ".join(static.select_one(".dpskit-quiz-hint").get_text(" ").split())


def test_one_answer_rows_behave_like_one_radio_group(quiz_for):
    quiz = quiz_for("01-free-to-go")
    rows = quiz.selector.children
    rows[0].control.value = 0          # a click on the first radio
    rows[1].control.value = 0          # then on the second: the first is cleared
    assert quiz.chosen == (1,) and rows[0].control.value is None and quiz.selector.value == 1
    quiz.submit()
    assert all(row.control.disabled for row in rows)


# What a phone needs of a quiz option (WCAG 2.2 target size): the control is 24x24 CSS px at
# least, and a tap anywhere on the row, its words included, chooses it. offsetWidth is in CSS px
# before a deck scales itself to the screen.
TARGETS = """form => [...form.querySelectorAll('.dpskit-quiz-option')].map(row => {
  const input = row.querySelector('input'), text = row.querySelector('label').getBoundingClientRect(),
        box = row.getBoundingClientRect();
  return {w: input.offsetWidth, h: input.offsetHeight, text: [text.x + text.width / 2, text.y + text.height / 2],
          end: [box.right - 2, box.y + box.height / 2]};
})"""


def _tap(page, point) -> None:
    page.mouse.click(*point)


def test_a_tap_on_a_static_quiz_options_words_or_row_chooses_it_at_360_px(browser, mini_build):
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto((mini_build / "slides/01-mini.participant.slides.html").as_uri())
        page.wait_for_selector(".reveal.ready", state="attached")
        forms = page.locator("form.dpskit-quiz")
        assert forms.count() >= 2
        for index in range(forms.count()):
            form = forms.nth(index)
            page.evaluate("f => Reveal.slide(...Object.values(Reveal.getIndices(f.closest('section'))))", form.element_handle())
            page.wait_for_timeout(50)
            rows = form.evaluate(TARGETS)
            assert all(row["w"] >= 24 and row["h"] >= 24 for row in rows), rows
            inputs = form.locator("input")
            _tap(page, rows[-1]["text"])
            assert inputs.nth(len(rows) - 1).is_checked(), "a tap on the words chooses the option"
            _tap(page, rows[0]["end"])
            assert inputs.nth(0).is_checked(), "a tap at the end of the row chooses it"
            if form.get_attribute("data-type") != "multiple":
                assert not inputs.nth(len(rows) - 1).is_checked()
    finally:
        page.close()
