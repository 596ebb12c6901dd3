"""Plain `jupyter nbconvert --to dpskit-*` run by an author on a session notebook: a content problem
is one line in `dpskit check`'s words and exit status 1, not a traceback; what it writes beside the
notebook never reaches git."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dpskit.content import load_content

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = "sessions/01-mini.ipynb"


def nbconvert(root: Path, to: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", to, NOTEBOOK],
                          cwd=root, capture_output=True, text=True, timeout=300)


def said(result: subprocess.CompletedProcess) -> list[str]:
    """Everything nbconvert printed besides its own "Converting notebook …" line."""
    return [line for line in result.stderr.splitlines() if not line.startswith("[NbConvertApp] Converting notebook")]


def check_says(root: Path) -> list[str]:
    """The problems `dpskit check` lists for this content, one line each."""
    return [f"[NbConvertApp] ERROR | {error}" for error in load_content(root)[1]]


def test_a_broken_quiz_bank_is_one_line_naming_file_line_and_key(mini_root: Path):
    bank = mini_root / "data/quizzes/01-mini.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("    type: single\n", "    type: single\n    shufle: false\n", 1),
                    encoding="utf-8")
    result = nbconvert(mini_root, "dpskit-slides")
    assert result.returncode == 1, result.stderr
    assert said(result) == check_says(mini_root)
    assert len(said(result)) == 1 and "data/quizzes/01-mini.yaml:5: [items[0].shufle] unknown key 'shufle'" in said(result)[0]
    assert sorted(p.name for p in (mini_root / "sessions").iterdir()) == ["01-mini.ipynb"], "nothing is written"


def test_a_misspelt_quiz_id_in_a_cell_is_one_line_before_anything_runs(mini_root: Path):
    notebook = mini_root / NOTEBOOK
    notebook.write_text(notebook.read_text(encoding="utf-8").replace('quiz(\\"01-say-it\\")', 'quiz(\\"01-sayit\\")'), encoding="utf-8")
    result = nbconvert(mini_root, "dpskit-handout")
    assert result.returncode == 1, result.stderr
    assert said(result) == check_says(mini_root)
    assert len(said(result)) == 1 and said(result)[0].startswith("[NbConvertApp] ERROR | sessions/01-mini.ipynb: [cells[")
    assert "quiz id '01-sayit' is not in any data/quizzes bank" in said(result)[0]


def test_jupyter_nbconvert_knows_our_exporters_and_what_they_write_stays_out_of_git(mini_root: Path):
    """nbconvert writes next to the notebook (sessions/); the project's .gitignore keeps only the
    session notebooks there, and a notebook export gets nbconvert's `.nbconvert` suffix instead of
    replacing its source."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shutil.copy(REPO / ".gitignore", mini_root / ".gitignore")
    git = lambda *args: subprocess.run(["git", *args], cwd=mini_root, capture_output=True, text=True, check=True).stdout  # noqa: E731
    git("init", "-q")
    git("add", "-A")
    source = (mini_root / NOTEBOOK).read_bytes()
    for to in ("dpskit-slides", "dpskit-notebook"):
        result = nbconvert(mini_root, to)
        assert result.returncode == 0, result.stderr
    html = (mini_root / "sessions/01-mini.slides.html").read_text(encoding="utf-8")
    assert 'class="dpskit-quiz"' in html and "NOTES-FACILITATOR-ONE" in html
    written = sorted(p.name for p in (mini_root / "sessions").iterdir())
    assert written == ["01-mini.ipynb", "01-mini.nbconvert.ipynb", "01-mini.slides.html"]
    assert (mini_root / NOTEBOOK).read_bytes() == source
    untracked = [line for line in git("status", "--porcelain", "--untracked-files=all").splitlines() if line.startswith("??")]
    assert untracked == []
