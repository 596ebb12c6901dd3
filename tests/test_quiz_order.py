"""Quizzes that measure: options in one fixed shuffled order in every output, grading by which
option was chosen, and `dpskit check` warnings for answer patterns (longest, False, first)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dpskit.content import Content, Option, QuizItem, load_valid_content
from dpskit.content.model import shown_order
from dpskit.content.quizbias import bias, quiz_warnings

from conftest import FIXTURES, REPO

SHUFFLED = "01-say-it"  # the mini item the order tests unpin; shown_order puts its options as 0, 2, 1


def squash(text: str) -> str:
    return " ".join(text.replace("☐", "").replace("✓", "").split())


def test_the_shuffle_is_a_fixed_permutation_of_the_item_id():
    """SHA-256 of the id, not hash() (salted per process) or random (may change between versions)."""
    assert shown_order("01-say-it", 3) == [0, 2, 1]
    assert shown_order("02-innocent-explain", 4) == [3, 0, 1, 2]
    for n in range(2, 7):
        assert sorted(shown_order("08-bail-money", n)) == list(range(n))
    orders = {tuple(shown_order(f"01-item-{i}", 4)) for i in range(40)}
    assert len(orders) > 10, "different items get different orders"


def test_loader_shuffles_choice_items_and_keeps_pins_and_true_false(mini_root):
    items = load_valid_content(mini_root).quiz_items
    assert [o.key for o in items["01-free-to-go"].options] == [0, 1]  # shuffle: false
    assert [o.key for o in items["01-true-false"].options] == [0, 1]  # True before False, always
    bank = mini_root / "data/quizzes/01-mini.yaml"
    bank.write_text(re.sub(r"\n    shuffle: false[^\n]*", "", bank.read_text()))
    item = load_valid_content(mini_root).quiz_items[SHUFFLED]
    assert [o.key for o in item.options] == [0, 2, 1]
    assert [o.text for o in item.authored_options][:2] == ["Saying you will remain silent", "Asking for a lawyer <img src=x onerror=alert(2)>"]
    assert item.correct_indices == {0, 2}


def test_the_real_curriculum_shows_the_same_order_in_english_and_spanish():
    english = load_valid_content(REPO).quiz_items
    spanish = load_valid_content(REPO, language="es").quiz_items
    assert english.keys() == spanish.keys()
    for item_id, item in english.items():
        assert [o.key for o in item.options] == [o.key for o in spanish[item_id].options], item_id
    moved = [i for i in english.values() if [o.key for o in i.options] != sorted(o.key for o in i.options)]
    assert len(moved) > len([i for i in english.values() if i.type != "true_false"]) / 2


# --- the same order in every output -------------------------------------------------------------

@pytest.fixture(scope="module")
def shuffled_build(tmp_path_factory):
    """The mini curriculum with 01-say-it unpinned, built once: slides, handout, guide, answer key."""
    from dpskit.build import build

    root = tmp_path_factory.mktemp("shuffled") / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    bank = root / "data/quizzes/01-mini.yaml"
    bank.write_text(re.sub(r"\n    shuffle: false[^\n]*", "", bank.read_text()))
    return root, build(root, root / "build").out


def _texts(nodes) -> list[str]:
    return [squash(node.get_text(" ")) for node in nodes]


def test_every_output_shows_the_options_in_the_same_shuffled_order(shuffled_build, dummy_comm):
    from dpskit.render import QUIZ_MIMETYPE
    from dpskit.room.polls import LivePoll
    from dpskit.widgets import Poll, Quiz

    root, out = shuffled_build
    content = load_valid_content(root)
    for item_id in ("01-say-it", "01-free-to-go", "01-true-false"):
        item = content.quiz_items[item_id]
        expected = [squash(o.text) for o in item.options]
        if item_id == SHUFFLED:
            assert expected != [squash(o.text) for o in item.authored_options], "the sample must really be shuffled"
        quiz = Quiz(item, content.sources)
        seen = {"live widget": _texts(BeautifulSoup(row.label.value, "html.parser") for row in quiz.selector.children)}
        static = BeautifulSoup(quiz._repr_mimebundle_()["text/html"], "html.parser")
        seen["static page"] = _texts(static.select(".dpskit-quiz-option label"))
        pages = {"slides": "slides/01-mini.slides.html", "participant slides": "slides/01-mini.participant.slides.html",
                 "handout": "handouts/01-mini.handout.html", "guide": "guide/01-mini.guide.html", "answer key": "guide/answer-key.html"}
        for name, rel in pages.items():
            soup = BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")
            form = soup.select_one(f'form.dpskit-quiz[data-quiz-id="{item_id}"]')
            if form is not None:
                seen[f"{name} (quiz)"] = _texts(form.select(".dpskit-quiz-option label"))
            sheet = soup.select_one(f'.dpskit-worksheet[data-quiz-id="{item_id}"]')
            if sheet is not None:
                seen[f"{name} (worksheet)"] = _texts(sheet.select(".dpskit-worksheet-options li"))
            key = soup.select_one(f'.dpskit-answer-key[data-quiz-id="{item_id}"]')
            if key is not None:
                seen[f"{name} (key)"] = [squash(s.get_text(" ")) for s in key.select(".dpskit-answer-key-options li > strong")]
                seen[f"{name} (tally)"] = _texts(key.select("table.dpskit-tally tbody td:first-child"))
        assert {"slides (quiz)", "handout (worksheet)", "guide (key)", "answer key (key)", "answer key (tally)"} <= set(seen)
        poll = Poll(item)
        seen["facilitator poll"] = _texts(BeautifulSoup(row.children[1].value, "html.parser") for row in poll.children[1:1 + len(item.options)])
        room = LivePoll(item)
        seen["room poll (phone)"] = [squash(t) for t in room.question()["options"]]
        seen["room poll (results)"] = [squash(r["option"]) for r in room.results()["rows"]]
        for where, texts in seen.items():
            assert texts == expected, f"{item_id}: {where} shows {texts}, not {expected}"
        # a count lands on the option it was given for, in every view of the results
        wrong = next(i for i, o in enumerate(item.options) if not o.correct)
        room.vote(room.id, [wrong])
        poll.set_counts(*[int(i == wrong) for i in range(len(item.options))])
        for rows in (room.results()["rows"], [r.__dict__ for r in poll.rows]):
            assert [r["count"] for r in rows] == [int(i == wrong) for i in range(len(item.options))]
            assert not rows[wrong]["correct"] and rows[wrong]["option"] == item.options[wrong].text
        assert list(quiz._repr_mimebundle_()[QUIZ_MIMETYPE]["items"][0]["options"]) == [o.__dict__ for o in item.options]


def test_the_facilitator_deck_notes_name_the_answer(shuffled_build):
    _root, out = shuffled_build
    soup = BeautifulSoup((out / "slides/01-mini.slides.html").read_text(encoding="utf-8"), "html.parser")
    form = soup.select_one(f'form.dpskit-quiz[data-quiz-id="{SHUFFLED}"]')
    notes = squash(form.find_next("aside", class_="notes").get_text(" "))
    assert notes.startswith("Answer: Saying you will remain silent / Asking for a lawyer"), notes
    participant = (out / "slides/01-mini.participant.slides.html").read_text(encoding="utf-8")
    assert 'class="notes"' not in participant


# --- grading by identity ------------------------------------------------------------------------

def test_the_live_check_grades_the_option_chosen_not_its_place(shuffled_build, dummy_comm):
    from dpskit.widgets import Quiz

    root, _out = shuffled_build
    item = load_valid_content(root).quiz_items[SHUFFLED]
    quiz = Quiz(item)
    right = [i for i, o in enumerate(item.options) if o.correct]
    assert right == [0, 2]  # shown: silent, explaining, lawyer
    quiz.select(0, 1)  # the first two rows, which the author wrote as the two right answers
    assert not quiz.submit().correct and "FEEDBACK-EXPLAIN" in quiz.feedback.value
    quiz.reset()
    quiz.select(*right)
    assert quiz.submit().correct


def test_the_static_check_grades_by_option_even_when_rows_move(shuffled_build, browser, dummy_comm, tmp_path):
    """The page's Check reads which option an input names: reversing the rows on the page
    (or any order a view chooses) changes nothing about the grade."""
    from dpskit.widgets import Quiz

    root, _out = shuffled_build
    content = load_valid_content(root)
    static = Quiz(content.quiz_items[SHUFFLED], content.sources)._repr_mimebundle_()["text/html"]
    (tmp_path / "quiz.html").write_text(f"<!DOCTYPE html><meta charset=utf-8><body>{static}</body>", encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto((tmp_path / "quiz.html").as_uri())
        form = page.locator(f'form.dpskit-quiz[data-quiz-id="{SHUFFLED}"]')
        form.evaluate("f => { const rows = [...f.querySelectorAll('.dpskit-quiz-option')]; const parent = rows[0].parentNode;"
                      " rows.reverse().forEach(r => parent.appendChild(r)); }")
        assert squash(form.locator(".dpskit-quiz-option").nth(0).inner_text()).startswith("Asking for a lawyer")
        rows = form.locator(".dpskit-quiz-option input")
        rows.nth(0).check()
        rows.nth(1).check()  # the reversed page's first two rows: lawyer and explaining
        form.locator(".dpskit-quiz-check").click()
        assert "Not quite" in form.locator(".dpskit-quiz-feedback").inner_text()
        form.locator(".dpskit-quiz-retry").click()
        for text in ("Saying you will remain silent", "Asking for a lawyer"):
            form.locator(".dpskit-quiz-option", has_text=text).locator("input").check()
        form.locator(".dpskit-quiz-check").click()
        feedback = form.locator(".dpskit-quiz-feedback").inner_text()
        assert "Correct." in feedback and "FEEDBACK-SAY" in feedback and "FEEDBACK-LAWYER" in feedback
    finally:
        page.close()


# --- check warnings -----------------------------------------------------------------------------

def _item(item_id: str, kind: str, texts: list[str], right: set[int]) -> QuizItem:
    options = tuple(Option(text, i in right, "feedback", i) for i, text in enumerate(texts))
    return QuizItem(item_id, item_id[:3] + "s", kind, "prompt?", options, "because", ("src",))


def _content(*items: QuizItem) -> Content:
    return Content(root=Path("."), quiz_items={item.id: item for item in items})


def test_each_bias_warning_fires_on_a_synthetic_bank():
    long_first = [_item(f"01-long-{i}", "single", ["the right answer, at length", "wrong", "also wrong"], {0}) for i in range(3)]
    all_false = [_item(f"01-tf-{i}", "true_false", ["True", "False"], {1}) for i in range(3)]
    warnings = quiz_warnings(_content(*long_first, *all_false))
    assert any("data/quizzes/01-s.yaml: the right answer is the longest option in 3 of 3" in w for w in warnings), warnings
    assert any("data/quizzes/01-s.yaml: only 0 of 3 true/false answers are True" in w for w in warnings), warnings
    assert any("data/quizzes/01-s.yaml: the right answer is written first in 3 of 3" in w for w in warnings), warnings
    assert sum(w.startswith("all quiz banks:") for w in warnings) == 3
    several = _item("02-multi", "multiple", ["right", "right too", "wrong", "wrong too"], {0, 1})
    assert bias([several]).first == ("02-multi",)
    assert any("written first in 1 of 1" in w for w in quiz_warnings(_content(several)))


def test_a_balanced_bank_gets_no_bias_warning_and_thresholds_are_strict():
    items = [
        _item("01-a", "single", ["short right", "a longer wrong answer", "wrong"], {0}),
        _item("01-b", "single", ["wrong", "the right answer, longest", "wrong too"], {1}),  # longest in 1 of 2: not more than half
        _item("01-c", "true_false", ["True", "False"], {0}),
        _item("01-d", "true_false", ["True", "False"], {1}),
        _item("01-e", "true_false", ["True", "False"], {1}),  # 1 of 3 True: not fewer than a third
        _item("01-f", "multiple", ["wrong", "right", "right"], {1, 2}),
    ]
    assert quiz_warnings(_content(*items)) == []
    assert bias(items).first == ("01-a",)  # 1 of 3 choice items


def test_a_curriculum_wide_pattern_warns_even_when_each_bank_is_small():
    items = [_item(f"0{n}-x", "single", ["right but longest", "wrong"], {0}) for n in range(1, 4)]
    items += [_item(f"0{n}-y", "single", ["no", "right, longer", "nope"], {1}) for n in range(1, 4)]
    items.append(_item("04-z", "single", ["right and long", "no"], {0}))
    warnings = quiz_warnings(_content(*items))
    assert [w for w in warnings if w.startswith("data/quizzes/04")] and any(w.startswith("all quiz banks: the right answer is the longest option in 7 of 7") for w in warnings)


@pytest.mark.parametrize("language", [None, "es"])
def test_the_curriculum_quizzes_show_no_answer_pattern(language):
    assert quiz_warnings(load_valid_content(REPO, language=language)) == []


def test_dpskit_check_prints_the_quiz_warnings(mini_root):
    from click.testing import CliRunner

    from dpskit.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(mini_root), "check"])
    assert result.exit_code == 0, result.output
    assert "Warning: data/quizzes/01-mini.yaml: only 0 of 1 true/false answers are True" in result.output


@pytest.mark.parametrize("language", [None, "es"])
def test_every_real_item_renders_in_its_shuffled_order_in_every_mode(language, dummy_comm):
    """All 60 items, English and Spanish: the renderers the builds use, and both polls."""
    from dataclasses import asdict

    from dpskit.render import quiz_payload, render_quiz
    from dpskit.room.polls import LivePoll

    content = load_valid_content(REPO, language=language)
    items = list(content.quiz_items.values())
    payload = quiz_payload([item.to_dict() for item in items], {sid: asdict(s) for sid, s in content.sources.items()})
    pages = {mode: BeautifulSoup(render_quiz(payload, mode), "html.parser") for mode in ("interactive", "slides", "worksheet", "answer_key", "backup")}
    for item in items:
        expected = [squash(o.text) for o in item.options]
        seen = {
            "interactive": _texts(pages["interactive"].select(f'form[data-quiz-id="{item.id}"] label')),
            "slides": _texts(pages["slides"].select(f'form[data-quiz-id="{item.id}"] label')),
            "worksheet": _texts(pages["worksheet"].select(f'.dpskit-worksheet[data-quiz-id="{item.id}"] li')),
            "answer key": [squash(s.get_text(" ")) for s in pages["answer_key"].select(f'.dpskit-answer-key[data-quiz-id="{item.id}"] .dpskit-answer-key-options li > strong')],
            "backup": [squash(li.get_text(" ")).lstrip("– ").strip() for li in pages["backup"].select(f'.dpskit-backup-quiz[data-quiz-id="{item.id}"] li')],
            "room poll": [squash(t) for t in LivePoll(item).question()["options"]],
        }
        for where, texts in seen.items():
            assert texts == expected, f"{item.id} ({language or 'en'}): {where}"
        values = [i["value"] for i in pages["interactive"].select(f'form[data-quiz-id="{item.id}"] input')]
        assert values == [str(o.key) for o in item.options], "inputs name their option, not their place"
