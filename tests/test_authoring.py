"""A new maintainer's path: scaffold a session, a quiz item and a scenario, check, build, and the session
standard that `dpskit check` and the tests share (dpskit.content.standard)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpskit.cli import cli
from dpskit.content import load_content
from dpskit.content.standard import check_standard

REPO = Path(__file__).resolve().parents[1]
CONTENT_PARTS = ("curriculum.yml", "data", "sessions", "facilitator_guides", "locale", "workshop.yml")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real content, as a maintainer's checkout holds it."""
    for part in CONTENT_PARTS:
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, tmp_path / part)
    return tmp_path


def dpskit(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(project), *args], catch_exceptions=False)


def standard_errors(project: Path) -> list[str]:
    content, errors = load_content(project)
    assert errors == []
    return [str(e) for e in check_standard(content).errors]


def test_a_new_session_quiz_and_scenario_pass_check_and_build(project: Path, tmp_path: Path):
    made = dpskit(project, "new", "session", "10-after-a-visit", "--title", "After a visit")
    assert made.exit_code == 0, made.output
    for path in ("sessions/10-after-a-visit.ipynb", "data/quizzes/10-after-a-visit.yaml",
                 "facilitator_guides/10-after-a-visit.md", "locale/es/sessions/10-after-a-visit.po"):
        assert (project / path).is_file(), path
    assert "10-after-a-visit" in (project / "curriculum.yml").read_text()

    checked = dpskit(project, "check")
    assert checked.exit_code == 0, checked.output
    assert "draft, still to write: slides" in checked.output  # what is left is listed, as warnings
    assert standard_errors(project) == []  # the tests' view of the standard agrees with check

    assert dpskit(project, "new", "quiz", "10-after-a-visit", "who-to-call").exit_code == 0
    assert dpskit(project, "new", "scenario", "morning-call", "--session", "10-after-a-visit").exit_code == 0
    notebook = json.loads((project / "sessions/10-after-a-visit.ipynb").read_text())
    calls = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert calls[-3:] == ['quiz("10-who-to-call")', 'scenario("morning-call")', "disclaimer()"]
    checked = dpskit(project, "check")
    assert checked.exit_code == 0, checked.output
    assert "10-who-to-call" in checked.output and "cites no source" in checked.output

    built = dpskit(project, "build", "-s", "10-after-a-visit", "--no-pdf", "--out", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output
    deck = (tmp_path / "out/slides/10-after-a-visit.slides.html").read_text()
    assert "After a visit" in deck and "10-who-to-call" in deck

    # The same session marked ready: what was a warning is now an error, in check and in the tests alike.
    manifest = project / "curriculum.yml"
    manifest.write_text(manifest.read_text().replace("    status: draft\n", ""))
    checked = dpskit(project, "check")
    assert checked.exit_code == 1
    errors = standard_errors(project)
    assert errors and all(e in checked.output for e in errors)
    assert any("slides: " in e for e in errors) and any("cites no source" in e for e in errors)


@pytest.mark.parametrize("args, message", [
    (("new", "session", "9-bad", "--title", "X"), "two digits"),
    (("new", "session", "02-your-rights", "--title", "X"), "already in curriculum.yml"),
    (("new", "session", "02-again", "--title", "X"), "number 02 is taken"),
    (("new", "quiz", "99-nope", "x"), "no session '99-nope'"),
    (("new", "quiz", "02-your-rights", "02-show-id-everywhere"), "already in data/quizzes/02-your-rights.yaml"),
    (("new", "scenario", "street-stop", "--session", "02-your-rights"), "already exists"),
])
def test_scaffold_refusals_are_one_line(project: Path, args, message):
    result = CliRunner().invoke(cli, ["--root", str(project), *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_check_refuses_saved_outputs_and_strip_clears_them(project: Path):
    path = project / "sessions/02-your-rights.ipynb"
    notebook = json.loads(path.read_text())
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code" and "quiz(" in "".join(c["source"]))
    code["execution_count"] = 7
    code["outputs"] = [{"output_type": "error", "ename": "KeyError", "evalue": "x", "traceback": []}]
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    checked = dpskit(project, "check")
    assert checked.exit_code == 1 and "saved with outputs" in checked.output and "dpskit strip" in checked.output
    stripped = dpskit(project, "strip")
    assert stripped.exit_code == 0 and "Cleared 1 of" in stripped.output
    assert path.read_bytes() == (REPO / "sessions/02-your-rights.ipynb").read_bytes()  # byte for byte the committed file
    assert dpskit(project, "check").exit_code == 0


@pytest.mark.parametrize("breakage, expected", [
    (lambda meta, cells: meta["objectives"].__delitem__(slice(2, None)), "objectives: 2 of at least 3"),
    (lambda meta, cells: meta["parts"][0].__setitem__("minutes", 90), "minutes; a session takes 60-100"),
    (lambda meta, cells: meta["parts"][0].pop("phase"), "names no ADIDS phase"),
    (lambda meta, cells: cells.pop(next(i for i, c in enumerate(cells) if c["metadata"].get("slideshow", {}).get("slide_type") == "notes")),
     "a content slide without facilitator notes"),
    (lambda meta, cells: cells.remove(next(c for c in cells if "quiz(" in "".join(c["source"]))), "never asked"),
])
def test_each_rule_of_the_standard_can_fail(project: Path, breakage, expected):
    path = project / "sessions/03-when-agents-knock.ipynb"
    notebook = json.loads(path.read_text())
    breakage(notebook["metadata"]["dpskit"], notebook["cells"])
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    errors = standard_errors(project)
    assert any(expected in e and "03-when-agents-knock" in e for e in errors), errors


def test_a_missing_guide_is_a_standard_error(project: Path):
    (project / "facilitator_guides/05-protest-and-arrest.md").unlink()
    assert any("facilitator_guides/05-protest-and-arrest.md is missing" in e for e in standard_errors(project))


def test_a_kernel_names_a_typo_and_asks_for_a_restart_after_an_edit(project: Path):
    """Run in its own interpreter, as a notebook kernel is: content() is read once and kept."""
    program = f"""
import os
os.environ["DPSKIT_ROOT"] = {str(project)!r}
from dpskit import notebook
notebook.content()
try:
    notebook.quiz("02-show-id-everywher")
except LookupError as error:
    print("TYPO:", error)
from dpskit.scaffold import new_quiz
new_quiz(notebook.content().root, "02-your-rights", "added-later")
try:
    notebook.quiz("02-added-later")
except LookupError as error:
    print("CHANGED:", error)
"""
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "TYPO: no '02-show-id-everywher' in data/quizzes/02-*.yaml. Did you mean: 02-show-id-everywhere?" in out.stdout
    assert "CHANGED: the content changed since this notebook started: restart the kernel" in out.stdout


def test_make_lab_saves_a_session_as_git_wants_it(project: Path):
    """Jupyter Server's own contents manager with the pre-save hook `make lab` sets: a notebook run
    in Lab (outputs, counts, Lab's language_info) is written back byte for byte as committed."""
    contents = pytest.importorskip("jupyter_server.services.contents.filemanager")
    manager = contents.FileContentsManager(root_dir=str(project), pre_save_hook="dpskit.scaffold.lab_pre_save")
    model = manager.get("sessions/02-your-rights.ipynb")
    notebook = model["content"]
    code = next(c for c in notebook.cells if c.cell_type == "code" and "quiz(" in c.source)
    code.execution_count = 3
    code.outputs = [{"output_type": "stream", "name": "stdout", "text": "an answer someone chose"}]
    code.metadata["execution"] = {"iopub.status.idle": "2026-12-07T10:00:00Z"}
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7", "codemirror_mode": {"name": "ipython"}}
    manager.save({"type": "notebook", "format": "json", "content": notebook}, "sessions/02-your-rights.ipynb")
    saved = (project / "sessions/02-your-rights.ipynb").read_text()
    assert "an answer someone chose" not in saved and "3.11.7" not in saved
    assert json.loads(saved) == json.loads((REPO / "sessions/02-your-rights.ipynb").read_text())


def test_build_takes_sessions_with_commas_says_what_comes_along_and_where_to_look(project: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    built = dpskit(project, "build", "-s", "01-why-we-are-here,02-your-rights", "--formats", "slides", "--no-pdf", "--out", "deck")
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (tmp_path / "deck/slides").iterdir()) == ["01-why-we-are-here.slides.html", "02-your-rights.slides.html"]
    assert "Written with them, as in every pack: cards, index.html, materials" in built.output
    assert built.output.rstrip().endswith("Open deck/index.html")
    again = dpskit(project, "build", "-s", "01-why-we-are-here", "-s", "02-your-rights", "--formats", "slides", "--no-pdf", "--out", "deck")
    assert "Up to date" in again.output and again.output.rstrip().endswith("Open deck/index.html")


@pytest.mark.parametrize("edit, hint", [
    (lambda text: text.replace("title: A police stop on the street", "title: Stopped: a police stop on the street"),
     'must be quoted: title: "Stopped: a police stop on the street"'),
    (lambda text: text.replace("\nstart: approach", "\n\tstart: approach"), "never tabs"),
])
def test_the_usual_yaml_mistakes_get_a_hint(project: Path, edit, hint):
    path = project / "data/scenarios/street-stop.yaml"
    path.write_text(edit(path.read_text()))
    checked = CliRunner().invoke(cli, ["--root", str(project), "check"])
    assert checked.exit_code == 1 and "data/scenarios/street-stop.yaml:" in checked.output and hint in checked.output


def test_a_citation_written_into_quiz_feedback_is_refused(project: Path):
    path = project / "data/quizzes/02-your-rights.yaml"
    text = path.read_text()
    path.write_text(text.replace("explanation: >-\n", "explanation: >-\n      As the Court held [@miranda-1966].\n", 1))
    checked = dpskit(project, "check")
    assert checked.exit_code == 1 and "[@miranda-1966] in a quiz text prints as it is" in checked.output


def test_the_pdf_stage_shows_its_progress(project: Path, tmp_path: Path):
    from dpskit.pdf import weasyprint_available

    if not weasyprint_available():
        pytest.skip("SKIPPED LOUDLY: WeasyPrint or Pango is not installed; the PDF progress was NOT checked")
    built = dpskit(project, "build", "-s", "09-when-ice-detains-someone", "--formats", "takehome", "--out", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output
    line = next(line for line in built.output.splitlines() if line.startswith("PDFs: "))
    assert line.rstrip().split()[-2] == "3/3", line  # the take-home, the pocket card and the family plan, each counted


def test_out_takes_an_empty_folder_just_made_in_the_project_but_never_one_with_content(project: Path):
    (project / "deck").mkdir()
    built = dpskit(project, "build", "-s", "02-your-rights", "--formats", "slides", "--no-pdf", "--out", str(project / "deck"))
    assert built.exit_code == 0, built.output
    assert (project / "deck/slides/02-your-rights.slides.html").is_file()
    assert not [p.name for p in project.iterdir() if "dpskit-lock" in p.name], "no lock file left beside the output"
    refused = CliRunner().invoke(cli, ["--root", str(project), "build", "-s", "02-your-rights", "--no-pdf", "--out", str(project / "data" / "x")])
    assert refused.exit_code == 1 and "inside the project's own data/ folder" in refused.output


ONE = "03-when-agents-knock"
ONE_WORKSHOP = f"""title: One session
date: 2026-12-05
start: "10:00"
language: en
sessions:
  - {ONE}
"""


@pytest.fixture
def one_notebook(project: Path) -> Path:
    """A maintainer's copy of the project holding one session notebook of curriculum.yml, to work on that session."""
    for notebook in (project / "sessions").glob("*.ipynb"):
        if notebook.stem != ONE:
            notebook.unlink()
    return project


def absent_lines(project: Path) -> list[str]:
    """The error dpskit check gives for each notebook curriculum.yml lists but the copy lacks."""
    from dpskit.content.yamlio import load_yaml

    manifest = load_yaml(project / "curriculum.yml")
    return [f"curriculum.yml:{manifest.line(('sessions', i, 'notebook'))}: [sessions[{i}].notebook] notebook {entry['notebook']} does not exist"
            for i, entry in enumerate(manifest.data["sessions"]) if entry["id"] != ONE]


def test_a_copy_holding_one_notebook_builds_that_session_and_a_workshop_of_it(one_notebook: Path, tmp_path: Path):
    from dpskit.content import load_valid_content

    content = load_valid_content(one_notebook, required=[ONE])
    title, prompt = content.session(ONE).title, content.quiz_items["03-must-open-door"].prompt
    built = dpskit(one_notebook, "build", "-s", ONE, "--formats", "slides", "--formats", "guide", "--no-pdf", "--out", str(tmp_path / "one"))
    assert built.exit_code == 0, built.output
    assert "8 of the 9 notebooks curriculum.yml lists are not here; this build does not need them" in built.output
    deck = (tmp_path / f"one/slides/{ONE}.slides.html").read_text()
    assert title in deck and prompt[:40] in deck
    assert title in (tmp_path / f"one/guide/{ONE}.guide.html").read_text()
    assert [p.name for p in (tmp_path / "one/slides").iterdir()] == [f"{ONE}.slides.html"]

    (one_notebook / "one.yml").write_text(ONE_WORKSHOP)
    pack = dpskit(one_notebook, "build", "--workshop", str(one_notebook / "one.yml"), "--no-pdf", "--out", str(tmp_path / "day"))
    assert pack.exit_code == 0, pack.output
    assert title in (tmp_path / "day/index.html").read_text() and title in (tmp_path / "day/agenda.csv").read_text()
    assert prompt[:40] in (tmp_path / f"day/slides/{ONE}.slides.html").read_text()
    handed_out = tmp_path / "day-participant"
    assert json.loads((handed_out / f"notebooks/{ONE}.ipynb").read_text())["metadata"]["dpskit"]["title"] == title
    assert f"notebook: notebooks/{ONE}.ipynb" in (handed_out / "curriculum.yml").read_text()


def test_a_build_asking_for_a_notebook_the_copy_lacks_fails_at_its_curriculum_line(one_notebook: Path, tmp_path: Path):
    missing = absent_lines(one_notebook)[0]  # 01-why-we-are-here
    refused = dpskit(one_notebook, "build", "-s", f"{ONE},01-why-we-are-here", "--no-pdf", "--out", str(tmp_path / "out"))
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert [line.strip() for line in refused.output.splitlines() if "does not exist" in line] == [missing]
    assert "Nothing was built." in refused.output and not (tmp_path / "out").exists()
    (one_notebook / "two.yml").write_text(ONE_WORKSHOP + "  - 01-why-we-are-here\n")
    refused = dpskit(one_notebook, "build", "--workshop", str(one_notebook / "two.yml"), "--no-pdf", "--out", str(tmp_path / "out"))
    assert refused.exit_code == 1 and [line.strip() for line in refused.output.splitlines() if "does not exist" in line] == [missing]


def test_check_in_a_copy_names_each_missing_notebook_and_still_checks_the_session_it_holds(one_notebook: Path):
    from dpskit.content import InvalidContent, load_content, load_valid_content

    content, errors = load_content(one_notebook)
    assert sorted(str(e) for e in errors) == sorted(absent_lines(one_notebook))  # nothing cascades from them
    assert content.bank("01-why-we-are-here") and any(s.session == "02-your-rights" for s in content.scenarios.values())
    assert load_valid_content(one_notebook, required=()).session(ONE).title  # kept in the cache, which must not hide them:
    with pytest.raises(InvalidContent) as info:
        load_valid_content(one_notebook)
    assert len(info.value.errors) == 8
    assert load_valid_content(one_notebook, notebooks=False).quiz_items  # the data a notebook kernel reads in the copy

    checked = dpskit(one_notebook, "check")
    assert checked.exit_code == 1 and all(line in checked.output for line in absent_lines(one_notebook)), checked.output
    path = one_notebook / f"sessions/{ONE}.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"] = [c for c in notebook["cells"] if "".join(c["source"]) != 'quiz("03-must-open-door")']
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    checked = dpskit(one_notebook, "check")
    assert checked.exit_code == 1 and all(line in checked.output for line in absent_lines(one_notebook))
    assert f"sessions/{ONE}.ipynb: [cells] quiz items in data/quizzes/{ONE}.yaml never asked: 03-must-open-door" in checked.output


def test_the_translation_of_a_copy_speaks_only_of_the_sessions_it_holds(one_notebook: Path, tmp_path: Path):
    absent = one_notebook / "locale/es/sessions/01-why-we-are-here.po"
    before = absent.read_bytes()
    status = dpskit(one_notebook, "translate", "status", "--language", "es")
    assert status.exit_code == 0, status.output
    assert f"sessions/{ONE}" in status.output and "sessions/01-why-we-are-here" not in status.output and "stale" not in status.output
    updated = dpskit(one_notebook, "translate", "update", "--language", "es")
    assert updated.exit_code == 0 and "(all up to date)" in updated.output, updated.output
    assert absent.read_bytes() == before  # its notebook's translations are not made obsolete
    checked = dpskit(one_notebook, "check", "--language", "es")
    assert checked.exit_code == 1 and "locale/es/sessions/01" not in checked.output

    built = dpskit(one_notebook, "build", "-s", ONE, "--language", "es", "--formats", "slides", "--no-pdf", "--out", str(tmp_path / "es"))
    assert built.exit_code == 0 and "stay in English" not in built.output, built.output
    from dpskit.content import load_valid_content

    title = load_valid_content(one_notebook, language="es", required=[ONE]).session(ONE).title
    assert title != load_valid_content(one_notebook, required=[ONE]).session(ONE).title
    assert title in (tmp_path / f"es/slides/{ONE}.slides.html").read_text()
