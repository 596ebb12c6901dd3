"""`dpskit check` hears about a wall of text before CI measures it: the estimate from the slides
template's metrics, without a browser."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dpskit.content import load_content
from dpskit.content.slidefit import HEIGHT, WORD_BUDGET, estimate_slides, markdown_height

FIXTURE = Path(__file__).parent / "fixtures" / "mini"


def cells(*specs):
    """(type, source, tags, slide type) as review.session_cells gives them."""
    return [(kind, source, tuple(tags), slide) for kind, source, tags, slide in specs]


def test_words_titles_and_numbers_per_slide():
    content, _ = load_content(FIXTURE)
    session = content.sessions[0]
    long = "# Too much\n\n" + " ".join(["word"] * 90)
    slides = estimate_slides(content, session, cells(
        ("code", "from dpskit.notebook import *", [], "skip"),
        ("markdown", "# Short\n\nFive words on this slide.", [], "slide"),
        ("markdown", " ".join(["notes"] * 300), ["facilitator"], "notes"),
        ("markdown", long, [], "slide"),
        ("markdown", "# Below\n\nA sub-slide.", [], "subslide"),
    ))
    assert [(s.number, s.title) for s in slides] == [(1, "Short"), (2, "Too much"), (3, "Below")]
    assert slides[0].words == 6 and slides[0].warnings() == [], "notes cells do not count"
    assert slides[1].words == 92 > WORD_BUDGET
    (warning,) = slides[1].warnings()
    assert "slide 2 \u201cToo much\u201d" in warning and "92 words" in warning and warning.startswith("sessions/")
    assert any("subslide" in w for w in slides[2].warnings())


def test_long_lists_and_tables_likely_overflow():
    content, _ = load_content(FIXTURE)
    session = content.sessions[0]
    items = "# Caveats\n\n" + "\n".join(f"- caveat {i} with a few more words" for i in range(14))
    table = "# Table\n\n| a | b |\n|---|---|\n" + "\n".join(f"| row {i} | a cell with some words in it |" for i in range(16))
    fine = "# Fine\n\n- one\n- two\n- three"
    slides = estimate_slides(content, session, cells(*(("markdown", md, [], "slide") for md in (items, table, fine))))
    assert slides[0].overflows and slides[1].overflows and not slides[2].overflows, [s.height for s in slides]
    assert any("likely runs below the slide" in w for w in slides[0].warnings())
    assert markdown_height(fine)[0] < HEIGHT / 2


def test_check_prints_slide_warnings(tmp_path, monkeypatch):
    import shutil

    import nbformat

    from dpskit.cli import cli

    root = tmp_path / "mini"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    notebook = next((root / "sessions").glob("*.ipynb"))
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("# A wall\n\n" + " ".join(["text"] * 120),
                                                  metadata={"slideshow": {"slide_type": "slide"}}))
    nbformat.write(nb, notebook)
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert result.exit_code == 0, result.output
    assert "\u201cA wall\u201d: 122 words" in result.output
