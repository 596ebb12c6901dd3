"""The day's before-and-after check: core items, `check:` in workshop.yml, and what two anonymous
tallies may show (counts only, "fewer than 5", the misconception that moved least)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO
from dpskit.content import InvalidContent, load_valid_content
from dpskit.daycheck import FEWER_THAN, check_items, default_check, least_moved, share, share_of, shown_count  # noqa: F401
from dpskit.workshop import load_workshop


@pytest.fixture(scope="module")
def content():
    return load_valid_content(REPO)


def test_every_session_marks_one_or_two_core_misconceptions_a_show_of_hands_can_answer(content):
    for session in content.sessions:
        core = [item for item in content.bank(session.id) if item.core]
        assert 1 <= len(core) <= 2, (session.id, [item.id for item in core])
        assert all(item.type in ("single", "true_false") for item in core)


def test_default_check_takes_each_sessions_core_items_in_turn_up_to_six(content):
    three = default_check(content, ["01-why-we-are-here", "02-your-rights", "03-when-agents-knock"])
    assert three == ["01-domestic-terrorism-crime", "02-innocent-explain", "03-must-open-door",
                     "01-material-support-advocacy", "02-silence-is-enough", "03-clear-things-up"]
    five = default_check(content, ["01-why-we-are-here", "02-your-rights", "03-when-agents-knock",
                                   "06-digital-self-defense", "08-asserting-our-rights-together"])
    assert len(five) == 6 and {item_id[:2] for item_id in five} == {"01", "02", "03", "06", "08"}
    named = check_items(content, ["02-your-rights"], ["02-small-lie", "02-miranda-remedy", "02-innocent-explain", "02-silence-is-enough"])
    assert [item.id for item in named] == ["02-small-lie", "02-miranda-remedy", "02-innocent-explain", "02-silence-is-enough"]


def _workshop(tmp_path: Path, check_lines: str) -> Path:
    text = (REPO / "workshop.yml").read_text()
    path = tmp_path / "workshop.yml"
    path.write_text(text.replace("sessions:  ", f"check:\n{check_lines}\nsessions:  ", 1))
    return path


def test_check_in_workshop_yml_is_loaded(tmp_path, content):
    path = _workshop(tmp_path, "  - 02-small-lie\n  - 01-cdt-official-name\n  - 03-i200-entry\n  - 03-opened-door")
    plan, _ = load_workshop(path, content)
    assert plan.check == ["02-small-lie", "01-cdt-official-name", "03-i200-entry", "03-opened-door"]
    plain, _ = load_workshop(REPO / "workshop.yml", content)
    assert plain.check == []


@pytest.mark.parametrize("lines, expected", [
    ("  - 02-small-lie\n  - 02-nope\n  - 03-i200-entry\n  - 03-opened-door", r"workshop\.yml:\d+: \[check\[1\]\] unknown quiz id '02-nope'"),
    ("  - 02-small-lie\n  - 06-seized-phone\n  - 03-i200-entry\n  - 03-opened-door",
     r"workshop\.yml:\d+: \[check\[1\]\] quiz '06-seized-phone' is from session '06-digital-self-defense', which is not one"),
    ("  - 02-small-lie\n  - 03-after-visit\n  - 03-i200-entry\n  - 03-opened-door",
     r"workshop\.yml:\d+: \[check\[1\]\] quiz '03-after-visit' takes several answers"),
    ("  - 02-small-lie\n  - 03-i200-entry", r"workshop\.yml:\d+: \[check\] .*(too short|non-empty|fewer than 4)"),
    ("  - 02-small-lie\n  - 02-small-lie\n  - 03-i200-entry\n  - 03-opened-door", r"workshop\.yml:\d+: \[check\] .*non-unique"),
])
def test_invalid_check_names_file_line_and_key(tmp_path, content, lines, expected):
    with pytest.raises(InvalidContent) as info:
        load_workshop(_workshop(tmp_path, lines), content)
    assert any(re.search(expected, str(e)) for e in info.value.errors), [str(e) for e in info.value.errors]


@given(st.integers(0, 200), st.integers(0, 200))
def test_a_share_never_gives_away_a_count_under_five(right, wrong):
    answered = right + wrong
    shown = share_of(right, answered)
    assert 0 <= shown.bar <= 100
    if shown.percent is not None:
        assert answered >= FEWER_THAN and right not in range(1, FEWER_THAN) and wrong not in range(1, FEWER_THAN)
        assert shown.percent == round(100 * right / answered) == shown.bar
    else:
        assert answered < FEWER_THAN or right in range(1, FEWER_THAN) or wrong in range(1, FEWER_THAN)
        assert shown.bar <= 100 * right / max(answered, 1)  # never drawn longer than the truth
    counts = {int(n) for n in re.findall(r"(?<![\d.])(\d+)(?!\d|%)", shown.label)}  # counts, not the percentage
    assert not counts & set(range(1, FEWER_THAN)) - {answered - FEWER_THAN + 1}  # "at least N of M" is a floor, not a count


def test_share_labels(content):
    item = content.quiz_items["02-silence-is-enough"]  # true/false: "False" is right
    right = next(iter(item.correct_indices))
    counts = [0, 0]
    counts[right], counts[1 - right] = 15, 10
    assert share(item, counts).label == "60% of 25 answered correctly" and share(item, counts).percent == 60
    counts[right], counts[1 - right] = 3, 22
    assert share(item, counts).label == "fewer than 5 of 25 answered correctly" and share(item, counts).bar == 0
    counts[right], counts[1 - right] = 23, 2
    assert share(item, counts).label == "at least 21 of 25 answered correctly" and share(item, counts).bar == 84
    assert share(item, [2, 1]).label == "fewer than 5 answered"
    assert [shown_count(n) for n in (0, 1, 4, 5, 25)] == ["0", "fewer than 5", "fewer than 5", "5", "25"]


def _counts(item, right: int, wrong_first: int, wrong_rest: int = 0) -> list[int]:
    counts = [0] * len(item.options)
    wrong = [i for i, o in enumerate(item.options) if not o.correct]
    counts[next(iter(item.correct_indices))] = right
    counts[wrong[0]] += wrong_first
    if len(wrong) > 1:
        counts[wrong[1]] += wrong_rest
    return counts


def test_least_moved_is_the_smallest_gain_among_items_enough_answered(content):
    items = check_items(content, ["01-why-we-are-here", "02-your-rights", "03-when-agents-knock"])
    a, b, c = items[:3]
    before = {a.id: _counts(a, 5, 20), b.id: _counts(b, 10, 15), c.id: _counts(c, 2, 1)}
    after = {a.id: _counts(a, 20, 5), b.id: _counts(b, 12, 13), c.id: _counts(c, 2, 1)}
    moved = least_moved(items, before, after)
    assert moved.item.id == b.id  # c is not compared: fewer than 5 answered
    assert moved.common_wrong == b.options[[i for i, o in enumerate(b.options) if not o.correct][0]].text
    assert (moved.before.percent, moved.after.percent) == (40, 48)
    assert least_moved(items, {c.id: _counts(c, 2, 1)}, {c.id: _counts(c, 3, 0)}) is None


def test_the_day_check_deck_is_in_the_facilitator_pack_only(mini_root):
    """A workshop whose sessions mark core items gets guide/day-check.html, linked from the
    facilitator's index; the participant pack has neither; no core item, no deck."""
    from dpskit.build import build

    plain = build(mini_root, mini_root / "build", workshop=mini_root / "workshop.yml", pdf=False)
    assert not (plain.out / "guide" / "day-check.html").exists()
    bank = mini_root / "data" / "quizzes" / "01-mini.yaml"
    bank.write_text(bank.read_text().replace("  - id: 01-true-false\n", "  - id: 01-true-false\n    core: true\n"))
    result = build(mini_root, mini_root / "build", workshop=mini_root / "workshop.yml", pdf=False)
    deck = (result.out / "guide" / "day-check.html").read_text()
    notebook = (result.out / "guide" / "day-check.ipynb").read_text()
    assert "day_check('01-true-false', title='Mini Saturday', date='2026-12-05'" in notebook
    assert 'data-item="01-true-false"' in deck and deck.count('class="dpskit-daycheck-item"') == 2  # before and after
    index = (result.out / "index.html").read_text()
    assert 'href="guide/day-check.html"' in index and 'href="guide/day-check.ipynb"' in index
    participant = result.participant
    assert not list(participant.rglob("day-check*"))
    assert "day-check" not in (participant / "index.html").read_text()


def test_a_core_item_with_several_answers_is_an_error(mini_root):
    bank = mini_root / "data" / "quizzes" / "01-mini.yaml"
    bank.write_text(bank.read_text().replace("  - id: 01-say-it\n", "  - id: 01-say-it\n    core: true\n"))
    with pytest.raises(InvalidContent) as info:
        load_valid_content(mini_root)
    assert any(re.match(r"data/quizzes/01-mini\.yaml:\d+: \[items\[1\]\.core\] a core item is asked", str(e)) for e in info.value.errors), \
        [str(e) for e in info.value.errors]


def test_the_facilitator_notebook_takes_the_show_of_hands_and_saves_only_on_demand(tmp_path, dummy_comm, monkeypatch):
    """Without room mode or a browser deck: guide/day-check.ipynb's one call, counts typed into the
    widget, the same figures as everywhere, and one page (HTML + PDF) only when Save is pressed."""
    from dpskit.daycheck_page import facilitator_notebook
    from dpskit.i18n import using
    from dpskit.notebook import displayed_here
    from dpskit.pdf import weasyprint_available
    from test_daycheck_page import day_of_counts

    monkeypatch.chdir(tmp_path)
    with using("en"):
        content = load_valid_content(REPO)
        plan, _ = load_workshop(REPO / "workshop.yml", content)
        import nbformat

        notebook = nbformat.reads(facilitator_notebook(content, plan), as_version=4)
        imports, call = notebook.cells[1].source.splitlines()
        assert imports == "from dpskit.notebook import *" and call.startswith("day_check('01-domestic-terrorism-crime', ")
        namespace: dict = {}
        with displayed_here(content):
            exec(imports, namespace)
            panel = eval(call, namespace)
        items = panel.items
        assert [item.id for item in items] == default_check(content, plan.sessions)
        before, after = day_of_counts(items)
        for moment, tallies in (("before", before), ("after", after)):
            for item_id, counts in tallies.items():
                panel.set_counts(moment, item_id, *counts)
        assert panel.tallies() == {"before": before, "after": after}
        figures = panel.figures()
        for item in items:
            assert figures[item.id] == {"before": share(item, before[item.id]).label, "after": share(item, after[item.id]).label}
        assert figures[items[3].id]["before"] == "fewer than 5 answered"
        assert items[2].prompt in panel.results.value.split("Moved least")[1]
        assert list(tmp_path.iterdir()) == []  # nothing written while counting
        assert panel.save_summary() == [] and list(tmp_path.iterdir()) == []  # no folder typed: nothing
        chosen = tmp_path / "chosen"
        chosen.mkdir()
        panel.folder.value = str(chosen)
        panel.save.click()
    names = sorted(p.name for p in chosen.iterdir())
    assert names[0] == "2026-12-05-workshop-summary.html"
    assert names[1:] == (["2026-12-05-workshop-summary.pdf"] if weasyprint_available() else [])
    page = (chosen / names[0]).read_text()
    assert "80% of 25 answered correctly" in page and "fewer than 5" in page and plan.title in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chosen"]
