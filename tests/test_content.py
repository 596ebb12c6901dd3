"""Content loading and validation: every error names the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from dpskit.content import InvalidContent, load_content, load_valid_content


def errors_for(root: Path) -> list[str]:
    _, errors = load_content(root)
    return [str(e) for e in errors]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_content_is_valid(mini_root):
    content = load_valid_content(mini_root)
    assert [s.id for s in content.sessions] == ["01-mini"]
    assert set(content.quiz_items) == {"01-free-to-go", "01-say-it", "01-true-false"}
    assert content.quiz_items["01-say-it"].correct_indices == {0, 1}  # pinned: shown as written
    assert content.sessions[0].minutes == 30
    assert content.scripts["remain-silent"].say.startswith("I am going to remain silent")


def test_single_with_two_correct_options_names_file_line_and_key(mini_root):
    bank = mini_root / "data/quizzes/01-mini.yaml"
    replace_in(bank, "correct: false\n        feedback: FEEDBACK-WRONG", "correct: true\n        feedback: FEEDBACK-WRONG")
    [error] = load_content(mini_root)[1]
    assert error.file == "data/quizzes/01-mini.yaml"
    assert error.line == 6  # the `options:` key of the first item
    assert error.key == "items[0].options"
    assert "exactly one correct option, found 2" in error.message


def test_missing_feedback_and_unknown_source_are_both_reported(mini_root):
    bank = mini_root / "data/quizzes/01-mini.yaml"
    replace_in(bank, "        feedback: FEEDBACK-WRONG argument.\n", "")
    replace_in(bank, "sources: [miranda-1966]", "sources: [no-such-source]")
    errors = errors_for(mini_root)
    assert any("data/quizzes/01-mini.yaml:10: [items[0].options[1]] 'feedback' is required" in e for e in errors), errors
    assert any("[items[1].sources]" in e and "unknown source id 'no-such-source'" in e for e in errors), errors


def test_yaml_syntax_error_names_the_line(mini_root):
    bank = mini_root / "data/quizzes/01-mini.yaml"
    replace_in(bank, "    prompt: What do you ask first when stopped?", "    prompt: [unclosed")
    [error] = load_content(mini_root)[1]
    assert error.file == "data/quizzes/01-mini.yaml"
    assert error.line is not None and 5 <= error.line <= 7
    assert "invalid YAML" in error.message


def test_true_false_needs_true_and_false(mini_root):
    replace_in(mini_root / "data/quizzes/01-mini.yaml", 'text: "True"', 'text: "Yes"')
    errors = errors_for(mini_root)
    assert any("[items[2].options]" in e and "'True' and 'False'" in e for e in errors), errors


def test_multiple_without_correct_option(mini_root):
    bank = mini_root / "data/quizzes/01-mini.yaml"
    for feedback in ("FEEDBACK-SAY", "FEEDBACK-LAWYER"):
        replace_in(bank, f"correct: true\n        feedback: {feedback}", f"correct: false\n        feedback: {feedback}")
    errors = errors_for(mini_root)
    assert any("at least one correct option" in e and "[items[1].options]" in e for e in errors), errors


def test_duplicate_ids_and_unknown_keys(mini_root):
    replace_in(mini_root / "data/quizzes/01-mini.yaml", "id: 01-say-it", "id: 01-free-to-go")
    replace_in(mini_root / "data/sources.yaml", "  kind: case\n", "  kind: case\n  colour: blue\n")
    errors = errors_for(mini_root)
    assert any("duplicate quiz id '01-free-to-go'" in e for e in errors), errors
    assert any(e.startswith("data/sources.yaml:") and "unknown key" in e and "colour" in e for e in errors), errors


def test_csv_errors_name_line_and_column(mini_root):
    with (mini_root / "data/timeline.csv").open("a") as handle:
        handle.write("June 1970,Bad date,Congress,law,nope\n")
    errors = errors_for(mini_root)
    assert "data/timeline.csv:4: [date] date 'June 1970' is not YYYY, YYYY-MM or YYYY-MM-DD" in errors
    assert any(e.startswith("data/timeline.csv:4: [sources]") and "'nope'" in e for e in errors), errors


def test_notebook_references_are_checked(mini_root):
    path = mini_root / "sessions/01-mini.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[6].source = 'quiz("01-missing")'
    nb.cells[2].source += " [@ghost-source] ![](chart.png)"
    nb.cells = [c for c in nb.cells if c.source != "disclaimer()"]
    del nb.metadata["dpskit"]["objectives"]
    nbformat.write(nb, path)
    errors = errors_for(mini_root)
    assert "sessions/01-mini.ipynb: [cells[6]] quiz id '01-missing' is not in any data/quizzes bank" in errors
    assert "sessions/01-mini.ipynb: [cells[2]] citation [@ghost-source] is not in data/sources.yaml" in errors
    assert "sessions/01-mini.ipynb: [cells[2]] image chart.png has no alt text" in errors
    assert any("never shows disclaimer()" in e for e in errors)
    assert any("[metadata.dpskit] 'objectives' is required" in e for e in errors), errors


def test_load_valid_content_raises_with_all_errors(mini_root):
    replace_in(mini_root / "data/sources.yaml", "reviewed: 2026-11-24", "reviewed: soon")
    replace_in(mini_root / "curriculum.yml", "sessions/01-mini.ipynb", "sessions/missing.ipynb")
    with pytest.raises(InvalidContent) as info:
        load_valid_content(mini_root)
    files = {e.file for e in info.value.errors}
    assert {"data/sources.yaml", "curriculum.yml"} <= files


def test_an_edit_that_breaks_a_file_validated_before_in_this_process_is_reported(mini_root):
    """The preview keeps one process: a file that passed the schema once is not trusted after an edit."""
    assert errors_for(mini_root) == []
    bank = mini_root / "data/quizzes/01-mini.yaml"
    replace_in(bank, "        feedback: FEEDBACK-WRONG argument.\n", "")
    errors = errors_for(mini_root)
    assert any("feedback" in error and "01-mini.yaml" in error for error in errors), errors


def test_loaded_content_is_shared_not_copied_by_exporters(mini_root):
    """nbconvert deep-copies resources for every export; content is read-only and must not be copied each time."""
    import copy

    content = load_valid_content(mini_root)
    assert copy.deepcopy({"dpskit": {"content": content}})["dpskit"]["content"] is content
