"""Room polls: counts in, chart data and the answer to talk about out; nothing stored."""

import pytest

from dpskit.content import load_valid_content
from dpskit.widgets.grading import poll_rows, poll_talking_points


@pytest.fixture
def item(mini_root):
    return load_valid_content(mini_root).quiz_items["01-say-it"]


def test_counts_become_shares_with_the_right_answers_marked(item):
    rows = poll_rows(item, [6, 3, 11])
    assert [r.count for r in rows] == [6, 3, 11]
    assert [round(r.share, 2) for r in rows] == [0.3, 0.15, 0.55]
    assert [r.correct for r in rows] == [True, True, False]


def test_talking_points_are_the_wrong_answers_many_chose(item):
    points = poll_talking_points(poll_rows(item, [6, 3, 11]))
    assert [p.option for p in points] == ["Explaining yourself"]
    assert points[0].feedback.startswith("FEEDBACK-EXPLAIN")
    assert poll_talking_points(poll_rows(item, [18, 1, 1])) == []


def test_bad_counts_are_rejected(item):
    with pytest.raises(ValueError):
        poll_rows(item, [1, 2])
    with pytest.raises(ValueError):
        poll_rows(item, [1, -2, 3])


def test_poll_widget_draws_chart_and_points(item, dummy_comm):
    from dpskit.widgets import Poll
    from dpskit.widgets.poll import poll_frame

    poll = Poll(item)
    assert poll.chart.layout.display == "none" and poll.points.value == ""
    poll.set_counts(6, 3, 11)
    assert poll.chart_png.startswith(b"\x89PNG") and 'alt="Bar chart of hands raised per answer.' in poll.chart.value
    assert "Explaining yourself" in poll.points.value and "FEEDBACK-EXPLAIN" in poll.points.value
    frame = poll_frame(poll.rows)
    assert frame["count"].tolist() == [6, 3, 11] and frame["correct"].tolist() == [True, True, False]
    poll.counters[2].value = 0
    assert "Most of the room got it" in poll.points.value


def test_facilitator_notebook_has_a_poll_after_every_question(mini_build):
    import nbformat

    nb = nbformat.read(mini_build / "guide/01-mini.facilitator.ipynb", as_version=4)
    sources = [c.source for c in nb.cells]
    for quiz_id in ("01-free-to-go", "01-say-it", "01-true-false"):
        assert sources[sources.index(f'quiz("{quiz_id}")') + 1] == f"poll('{quiz_id}')"
    assert any("NOTES-FACILITATOR-ONE" in s for s in sources)
    assert all(not c.outputs for c in nb.cells if c.cell_type == "code")
