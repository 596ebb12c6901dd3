"""The real curriculum: valid, executable, complete to the standard every session must meet."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from dpskit.content import CITATION, load_content, load_valid_content, notebook_calls
from dpskit.content.standard import check_standard

REPO = Path(__file__).resolve().parents[1]
CONTENT = load_valid_content(REPO)
SESSIONS = [s.id for s in CONTENT.sessions]


def test_repository_content_is_valid():
    _, errors = load_content(REPO)
    assert errors == []


def test_every_session_meets_the_standard():
    """The standard lives in dpskit check (dpskit.content.standard): timing, phases, objectives, key
    points, slides, quiz questions, notes after every content slide, every bank item asked, a guide,
    no saved outputs. A session check passes never fails here."""
    report = check_standard(CONTENT)
    assert [str(error) for error in report.errors] == []


@pytest.mark.parametrize("session_id", SESSIONS)
def test_a_ready_session_has_nothing_left_to_write(session_id):
    session = CONTENT.session(session_id)
    if session.status == "draft":
        pytest.skip(f"{session_id} is marked draft in curriculum.yml")
    assert not [w for w in check_standard(CONTENT).warnings if session_id in w.file]


def test_every_cited_source_has_a_reviewed_date():
    cited = set()
    for session in CONTENT.sessions:
        nb = nbformat.read(session.notebook, as_version=4)
        cited |= {sid for c in nb.cells if c.cell_type == "markdown" for sid in CITATION.findall(c.source)}
    cited |= {sid for item in CONTENT.quiz_items.values() for sid in item.sources}
    assert cited and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", CONTENT.sources[sid].reviewed) for sid in cited)


@pytest.mark.slow
@pytest.mark.parametrize("session_id", SESSIONS)
def test_real_sessions_build_cleanly(repo_build, session_id):
    """Every session executes with nbclient; every export carries its parts."""
    nb = nbformat.read(repo_build / f"notebooks/{session_id}.ipynb", as_version=4)
    nbformat.validate(nb)
    slides = BeautifulSoup((repo_build / f"slides/{session_id}.slides.html").read_text(), "html.parser")
    assert len(slides.select("div.slides > section")) >= 8
    assert len(slides.select("form.dpskit-quiz")) == len(CONTENT.bank(session_id))
    guide = BeautifulSoup((repo_build / f"guide/{session_id}.guide.html").read_text(), "html.parser")
    assert len(guide.select(".dpskit-answer-key")) == len(CONTENT.bank(session_id))
    handout = (repo_build / f"handouts/{session_id}.handout.html").read_text()
    assert "not legal advice" in handout and "dpskit-facilitator-note" not in handout.split("</style>")[-1]


def _quoted(text: str) -> list[str]:
    """Quoted sentences in a text, with line wrapping folded away."""
    return [" ".join(q.split()) for q in re.findall(r"[\"“]([^\"”]{12,})[\"”]", text)]


@pytest.mark.parametrize("session_id", SESSIONS)
def test_scripts_in_sessions_come_from_the_shared_data(session_id):
    """A quoted line that starts like a script must be a script, word for word."""
    nb = nbformat.read(CONTENT.session(session_id).notebook, as_version=4)
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"] + list(CONTENT.session(session_id).meta.get("key_points", []))
    scripts = [s.say for s in CONTENT.scripts.values()]
    whole = {say.rstrip(".!?") for say in scripts}  # prose may end the quote before its full stop
    for text in texts:
        for quote in _quoted(text):
            if quote.rstrip(".!?,") in whole:
                continue
            like = [say for say in scripts if quote.startswith(" ".join(say.split()[:4]))]
            assert not like, f"{session_id}: {quote!r} differs from the script(s) {like} in data/scripts.yaml"
    used = {arg for c in nb.cells if c.cell_type == "code" for name, args, _ in notebook_calls(c.source) if name == "script" for arg in args}
    assert used <= set(CONTENT.scripts)


def test_pocket_card_scripts_are_the_shared_scripts():
    card = CONTENT.pocket_card
    assert card is not None and set(card.scripts) <= set(CONTENT.scripts)
