"""The build pipeline and the command line: atomic, cached, and clear about what went wrong."""

from __future__ import annotations


import nbformat
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from dpskit.build import build
from dpskit.cli import cli
from dpskit.execute import SessionExecutionError


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_build_writes_every_format_and_an_index(mini_build):
    pages = {
        "slides/01-mini.slides.html", "slides/01-mini.participant.slides.html", "handouts/01-mini.takehome.html",
        "handouts/01-mini.handout.html", "guide/01-mini.guide.html",
        "notebooks/01-mini.ipynb", "guide/01-mini.facilitator.ipynb", "cards/pocket-card.html", "guide/answer-key.html",
    }
    pdfs = {"slides/01-mini.slides.pdf", "handouts/01-mini.takehome.pdf", "handouts/01-mini.handout.pdf", "guide/01-mini.guide.pdf",
            "cards/pocket-card.pdf", "guide/answer-key.pdf"}
    files = {p.relative_to(mini_build).as_posix() for p in mini_build.rglob("*") if p.is_file()}
    data = {f"data/{p.relative_to(FIXTURES / 'mini/data').as_posix()}" for p in (FIXTURES / "mini/data").rglob("*") if p.is_file()}
    assert files == pages | pdfs | data | {"index.html", "curriculum.yml", ".dpskit-manifest.json"}
    index = (mini_build / "index.html").read_text()
    for link in pages | pdfs:
        assert f'href="{link}"' in index, link


def test_a_plain_build_sits_beside_the_workshop_packs(mini_root):
    """build/ holds the packs of `make workshop`; a build without a workshop must not need to replace it."""
    (mini_root / "build" / "2026-12-05-pack").mkdir(parents=True)
    (mini_root / "build" / "2026-12-05-pack" / "index.html").write_text("a pack")
    result = build(mini_root, formats=["slides"])
    assert result.out == (mini_root / "build" / "all").resolve()
    assert (mini_root / "build" / "2026-12-05-pack" / "index.html").read_text() == "a pack"


def test_failing_cell_names_session_and_cell_and_keeps_previous_build(mini_root):
    out = mini_root / "build"
    build(mini_root, out, formats=["handout"])
    before = (out / "handouts/01-mini.handout.html").read_text()
    path = mini_root / "sessions/01-mini.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(nb, path)
    with pytest.raises(SessionExecutionError) as info:
        build(mini_root, out, formats=["handout"])
    message = str(info.value)
    assert "session 01-mini" in message and "cell 3" in message and "ZeroDivisionError" in message
    assert (out / "handouts/01-mini.handout.html").read_text() == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith((".build-", ".dpskit-staging-"))], "staging folder left behind"


def test_rebuild_with_nothing_changed_executes_nothing(mini_root):
    first = build(mini_root, mini_root / "build", formats=["slides"])
    second = build(mini_root, mini_root / "build", formats=["slides"])
    assert first.executed == ["01-mini"] and second.executed == [] and second.up_to_date and not second.rendered
    bank = mini_root / "data/quizzes/01-mini.yaml"
    bank.write_text(bank.read_text().replace("FEEDBACK-RIGHT free to go.", "FEEDBACK-RIGHT you may ask."))
    third = build(mini_root, mini_root / "build", formats=["slides"])
    assert third.executed == ["01-mini"], "a change to a quiz item the session shows must invalidate the cache"
    assert "slides/01-mini.slides.html" in third.rendered
    (mini_root / "build" / "slides/01-mini.slides.html").unlink()
    fourth = build(mini_root, mini_root / "build", formats=["slides"])
    assert fourth.executed == [] and fourth.cached == ["01-mini"], "a missing output is rebuilt from the execution cache"
    assert (mini_root / "build" / "slides/01-mini.slides.html").is_file()


def test_cli_check_lists_every_error_with_file_and_line(mini_root, monkeypatch):
    bank = mini_root / "data/quizzes/01-mini.yaml"
    bank.write_text(bank.read_text().replace("correct: false\n        feedback: FEEDBACK-WRONG", "correct: true\n        feedback: FEEDBACK-WRONG")
                    .replace("sources: [miranda-1966]", "sources: [ghost]"))
    result = run("--root", str(mini_root), "check")
    assert result.exit_code == 1
    assert "2 problem(s)" in result.output
    assert "data/quizzes/01-mini.yaml:6: [items[0].options]" in result.output
    assert "data/quizzes/01-mini.yaml:31: [items[1].sources] unknown source id 'ghost'" in result.output


def test_cli_build_refuses_invalid_content_and_builds_nothing(mini_root):
    bank = mini_root / "data/quizzes/01-mini.yaml"
    bank.write_text(bank.read_text().replace("type: single", "type: essay"))
    result = run("--root", str(mini_root), "build", "--quiet")
    assert result.exit_code == 1
    assert "data/quizzes/01-mini.yaml:4: [items[0].type]" in result.output
    assert "Nothing was built" in result.output
    assert not (mini_root / "build").exists()


def test_cli_build_quiet_and_selected_formats(mini_root):
    result = run("--root", str(mini_root), "build", "-q", "-f", "handout", "-s", "01-mini", "-o", str(mini_root / "out"))
    assert result.exit_code == 0 and result.output == ""
    assert (mini_root / "out/handouts/01-mini.handout.html").is_file()
    assert not (mini_root / "out/slides").exists()


def test_cli_unknown_session_is_an_error(mini_root):
    result = run("--root", str(mini_root), "build", "-q", "-s", "99-nope")
    assert result.exit_code == 1 and "unknown session id(s): 99-nope" in result.output


def test_main_is_callable_with_arguments(mini_root):
    from dpskit.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--root", str(mini_root), "check"])
    assert info.value.code == 0


def test_participant_notebook_runs_from_the_pack_alone(mini_build, tmp_path, monkeypatch):
    """Copied to a USB stick without the source checkout, the notebook still finds its questions."""
    import shutil

    from dpskit.content import find_root, load_valid_content
    from dpskit.execute import execute_notebook

    stick = tmp_path / "usb"
    shutil.copytree(mini_build, stick)
    assert find_root(stick / "notebooks") == stick and find_root(stick / "guide") == stick
    content = load_valid_content(stick, notebooks=False)
    assert [s.id for s in content.sessions] == ["01-mini"] and "01-free-to-go" in content.quiz_items
    monkeypatch.delenv("DPSKIT_ROOT", raising=False)
    nb = execute_notebook(stick / "notebooks/01-mini.ipynb", content, session_id="01-mini")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("application/vnd.dpskit.quiz+json" in o.get("data", {}) for o in outputs) == 3
