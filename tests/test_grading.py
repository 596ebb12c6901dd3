"""Grading is pure: same answer, same grade, no widgets involved."""

import pytest

from dpskit.content import Option, QuizItem
from dpskit.widgets.grading import grade, summarize


def item(kind="single", correct=(0,), n=3):
    options = tuple(Option(f"option {i}", i in correct, f"feedback {i}", i) for i in range(n))
    return QuizItem("01-x", "01-s", kind, "prompt", options, "because", ("src",))


def test_single_right_and_wrong():
    assert grade(item(), [0]).correct
    wrong = grade(item(), [2])
    assert not wrong.correct and wrong.wrong == (2,) and wrong.missed == (0,)


def test_multiple_needs_exactly_the_correct_set():
    multiple = item("multiple", correct=(0, 1))
    assert grade(multiple, [1, 0]).correct
    partial = grade(multiple, [0])
    assert not partial.correct and partial.wrong == () and partial.missed == (1,)
    extra = grade(multiple, [0, 1, 2])
    assert not extra.correct and extra.wrong == (2,)


@pytest.mark.parametrize("chosen", [[], [5], [0, 1]])
def test_invalid_answers_are_rejected(chosen):
    with pytest.raises(ValueError):
        grade(item(), chosen)


def test_summary_counts_first_try_and_latest():
    summary = summarize(4, {"a": [True], "b": [False, True], "c": [False], "d": []})
    assert (summary.total, summary.answered, summary.correct, summary.first_try) == (4, 3, 2, 1)
