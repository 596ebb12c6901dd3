"""Rebuild only what an edit touches: each session is keyed on the data items it used."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from dpskit.build import build
from dpskit.packs import SOURCE_FORMATS, output_path
from dpskit.content import load_valid_content, notebook_calls
from dpskit.deps import Recorder

FORMATS = ["slides", "handout", "guide", "notebook"]


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every output the build keys (its manifest) with inode, mtime and bytes: a re-rendered
    file is a new file, a reused one is the same inode."""
    rels = [rel for rel, entry in json.loads((folder / ".dpskit-manifest.json").read_text()).items() if "key" in entry]
    return {rel: ((folder / rel).stat().st_ino, (folder / rel).stat().st_mtime_ns, (folder / rel).read_bytes()) for rel in rels}


def changed(before, after) -> set[str]:
    return {rel for rel in after if before.get(rel) != after[rel]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sessions_using_script(root: Path, script_id: str) -> set[str]:
    """Worked out from the sources, independently of the build: script() calls and scenarios."""
    content = load_valid_content(root)
    users = set()
    for session in content.sessions:
        nb = nbformat.read(session.notebook, as_version=4)
        for cell in nb.cells:
            for name, args, _ in notebook_calls(cell.source) if cell.cell_type == "code" else []:
                if (name == "script" and script_id in args) or (
                        name == "scenario" and any(script_id in node.scripts for node in content.scenarios[args[0]].nodes.values())):
                    users.add(session.id)
    return users


@pytest.fixture(scope="module")
def curriculum(tmp_path_factory) -> Path:
    """A writable copy of the real curriculum, with its own export templates, built once."""
    root = tmp_path_factory.mktemp("deps") / "repo"
    root.mkdir()
    for name in ("curriculum.yml", "sessions", "data", "facilitator_guides", "export"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    first = build(root, root / "build", formats=FORMATS, pdf=False)
    assert sorted(first.executed) == sorted(s.id for s in load_valid_content(root).sessions)
    return root


def test_a_quiz_item_edit_reruns_only_the_session_that_shows_it(curriculum):
    out = curriculum / "build"
    before = snapshot(out)
    edit(curriculum / "data/quizzes/02-your-rights.yaml", "feedback: >-\n          ", "feedback: >-\n          EDITED-FEEDBACK ")
    result = build(curriculum, out, formats=FORMATS, pdf=False)
    after = snapshot(out)
    assert result.executed == ["02-your-rights"] and result.cached == []
    session_pages = {"slides/02-your-rights.slides.html", "handouts/02-your-rights.handout.html", "guide/02-your-rights.guide.html"}
    listing = {"guide/answer-key.html", "index.html"}  # the pages that list it
    assert set(result.rendered) == session_pages | listing
    assert changed(before, after) == session_pages | listing, "everything else keeps its bytes and its inode"
    assert "EDITED-FEEDBACK" in (out / "guide/answer-key.html").read_text()
    assert "EDITED-FEEDBACK" in (out / "guide/02-your-rights.guide.html").read_text()
    again = build(curriculum, out, formats=FORMATS, pdf=False)
    assert again.up_to_date and snapshot(out) == after


def test_a_template_edit_rerenders_without_executing(curriculum):
    out = curriculum / "build"
    build(curriculum, out, formats=FORMATS, pdf=False)
    before = snapshot(out)
    template = curriculum / "export/templates/dpskit_slides/index.html.j2"
    template.write_text(template.read_text() + "\n{# edited #}\n")
    result = build(curriculum, out, formats=FORMATS, pdf=False)
    sessions = [s.id for s in load_valid_content(curriculum).sessions]
    assert result.executed == [] and sorted(result.cached) == sorted(sessions)
    pages = [output_path(fmt, s).as_posix() for s in sessions for fmt in FORMATS if fmt not in SOURCE_FORMATS]
    assert sorted(result.rendered) == sorted(pages + ["index.html"]), "every page, no notebook, nothing executed"
    assert changed(before, snapshot(out)) <= set(result.rendered)


def test_a_script_edit_rerenders_the_sessions_and_the_card_that_print_it(curriculum):
    out = curriculum / "build"
    build(curriculum, out, formats=FORMATS, pdf=False)
    users = sessions_using_script(curriculum, "dont-sign")
    assert users and users != {s.id for s in load_valid_content(curriculum).sessions}
    edit(curriculum / "data/scripts.yaml", "say: I will not sign anything without a lawyer.", "say: EDITED-SAY I will not sign anything.")
    result = build(curriculum, out, formats=FORMATS, pdf=False)
    assert set(result.executed) == users
    assert "cards/pocket-card.html" in result.rendered
    assert "worksheets/family-preparedness-plan.html" in result.rendered  # it prints the script too
    pages = {rel.split("/")[1].split(".")[0] for rel in result.rendered
             if rel.count("/") == 1 and not rel.startswith(("cards/", "materials/", "guide/answer", "worksheets/"))}
    assert pages == users
    assert "EDITED-SAY" in (out / "cards/pocket-card.html").read_text()
    assert "EDITED-SAY" in (out / "worksheets/family-preparedness-plan.html").read_text()


def test_a_new_glossary_term_rerenders_pages_but_executes_nothing(curriculum):
    out = curriculum / "build"
    build(curriculum, out, formats=FORMATS, pdf=False)
    glossary = curriculum / "data/glossary.csv"
    glossary.write_text(glossary.read_text() + "Zzyzx,A word no session uses.,us-const-amend-5\n")
    result = build(curriculum, out, formats=FORMATS, pdf=False)
    assert result.executed == []


def test_recorder_notes_exactly_the_items_a_call_reads(mini_root, dummy_comm):
    from dpskit import notebook

    content = load_valid_content(mini_root)
    recorder = Recorder(content)
    with notebook.displayed_here(recorder) as shown:
        notebook.quiz("01-free-to-go")
    assert len(shown) == 1
    assert recorder.used == {("quiz_items", "01-free-to-go"), ("sources", "terry-1968")}


def test_a_damaged_cache_entry_is_executed_again(mini_root):
    out = mini_root / "build"
    build(mini_root, out, formats=["handout"], pdf=False)
    (out / "handouts/01-mini.handout.html").unlink()
    for entry in (mini_root / ".dpskit-cache/executed").glob("*.ipynb"):
        entry.write_text("{not json")
    result = build(mini_root, out, formats=["handout"], pdf=False)
    assert result.executed == ["01-mini"] and (out / "handouts/01-mini.handout.html").is_file()
    trace = json.loads((mini_root / ".dpskit-cache/deps/01-mini.json").read_text())["payload"]
    assert ["quiz_items", "01-free-to-go"] in trace["uses"] and ["timeline"] in trace["uses"]


def test_a_pdf_rendered_before_from_the_same_html_is_copied_not_rendered(tmp_path):
    """Issue 24 (13): PDFs are most of a full build; an output whose key changed but whose HTML and
    print settings did not (a code update, an edit the page does not show) is copied from the cache.
    Other HTML, paper or footer is rendered; a damaged cache entry is rendered again."""
    from dpskit.pdf import PdfJob, job_key, render_pdfs, weasyprint_available

    if not weasyprint_available():
        from conftest import missing

        missing("WeasyPrint/pango is not installed: the PDF cache was NOT checked")
    cache = tmp_path / "cache"
    html = "<h1>Take-home</h1><p>Ask for a lawyer.</p>"
    first = PdfJob(html, tmp_path / "a" / "one.pdf", footer="Legal hotline: ________")
    assert len(render_pdfs([first], cache=cache)) == 1
    again = PdfJob(html, tmp_path / "b" / "one.pdf", footer="Legal hotline: ________")
    written = []
    assert render_pdfs([again], on_done=written.append, cache=cache) == []  # nothing rendered
    assert written == [again.target] and again.target.read_bytes() == first.target.read_bytes()
    changed = [PdfJob(html + "<p>More.</p>", tmp_path / "c" / "1.pdf"), PdfJob(html, tmp_path / "c" / "2.pdf", paper="a4"),
               PdfJob(html, tmp_path / "c" / "3.pdf", footer="Legal hotline: (555) 010-2345")]
    assert len(render_pdfs(changed, cache=cache)) == 3
    kept = cache / f"{job_key(first)}.pdf"
    kept.write_bytes(kept.read_bytes()[:200])  # cut short
    assert len(render_pdfs([PdfJob(html, tmp_path / "d" / "one.pdf", footer="Legal hotline: ________")], cache=cache)) == 1
    assert b"%%EOF" in kept.read_bytes()[-32:]  # and kept whole again
