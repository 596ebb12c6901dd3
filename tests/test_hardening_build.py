"""Issue 20, builds: no build loses a file of the user's, leaves files of its own beside the output,
or calls a damaged pack "up to date"; what an interrupted build says is true."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpskit.build import build
from dpskit.cli import cli
from dpskit.output import MANIFEST, OutputError, lock_path


def run(*args: str, root: Path):
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"a traceback instead of a message: {result.output}") from result.exception
    return result


def beside(out: Path) -> list[str]:
    """What is in the output's folder, other than the project's own files."""
    return sorted(p.name for p in out.parent.iterdir() if p.name not in {"curriculum.yml", "sessions", "data", "workshop.yml",
                                                                        "locale", "facilitator_guides", ".dpskit-cache"})


WORKSHOP = {"formats": ["handout"], "pdf": False}


def test_a_participant_folder_of_the_users_files_is_never_replaced(mini_root, tmp_path):
    """`X-participant/` beside an --out X that dpskit built without a workshop is the user's, not dpskit's."""
    out = tmp_path / "talk"
    build(mini_root, out, **WORKSHOP)  # no workshop: no participant pack
    mine = tmp_path / "talk-participant"
    (mine / "letters").mkdir(parents=True)
    (mine / "letters" / "to-my-lawyer.txt").write_text("years of notes")
    with pytest.raises(OutputError, match="talk-participant is not empty and was not made by dpskit"):
        build(mini_root, out, workshop=mini_root / "workshop.yml", **WORKSHOP)
    result = run("build", "--out", str(out), "--workshop", str(mini_root / "workshop.yml"), "-f", "handout", "--no-pdf", "-q",
                 root=mini_root)
    assert result.exit_code == 1 and "talk-participant is not empty" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert (mine / "letters" / "to-my-lawyer.txt").read_text() == "years of notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini", "talk", "talk-participant"]


def test_hidden_folders_that_look_like_leftovers_are_kept(mini_root, tmp_path):
    out = tmp_path / "talk"
    build(mini_root, out, **WORKSHOP)
    kept = [tmp_path / name for name in (".talk-archive1", ".talk-old-2024", ".talk-abc123xy", ".talk-old-12")]
    for folder in kept:
        folder.mkdir()
        (folder / "keep.txt").write_text("mine")
    from test_hardening import add_cell

    add_cell(mini_root, "A CHANGE", kind="markdown")  # a real rebuild: staging, swap, clean-up
    assert not build(mini_root, out, **WORKSHOP).up_to_date
    assert all((folder / "keep.txt").read_text() == "mine" for folder in kept)


def _killed_mid_build(out: Path) -> None:
    """A build killed with SIGKILL while its staging folder and a partial zip exist (journal written)."""
    code = f"""if True:
        import os, signal
        from pathlib import Path
        from dpskit.output import journaled, locked, staging_folder
        out = Path({str(out)!r})
        with locked(out):
            (staging_folder(out) / "index.html").write_text("half")
            journaled(out.parent / (".dpskit-staging-" + out.name + ".zip~" + str(os.getpid()))).write_bytes(b"PK half")
            os.kill(os.getpid(), signal.SIGKILL)"""
    assert subprocess.run([sys.executable, "-c", code]).returncode == -signal.SIGKILL


def test_leftovers_of_a_killed_build_go_even_when_nothing_is_to_do(mini_root):
    options = {**WORKSHOP, "workshop": mini_root / "workshop.yml"}
    first = build(mini_root, **options)
    clean = beside(first.out)
    assert not [name for name in clean if "dpskit-lock" in name or "staging" in name], clean
    _killed_mid_build(first.out)
    assert len(beside(first.out)) == len(clean) + 3  # staging, partial zip, lock
    again = build(mini_root, **options)
    assert again.up_to_date
    assert beside(first.out) == clean, "a killed build's staging, partial zip or lock file was left"


def test_no_lock_file_is_left_after_a_failed_build(mini_root, tmp_path):
    out = tmp_path / "talk"
    build(mini_root, out, **WORKSHOP)
    from test_hardening import add_cell

    add_cell(mini_root, "raise RuntimeError('boom')")
    result = run("build", "--out", str(out), "-f", "handout", "--no-pdf", "-q", root=mini_root)
    assert result.exit_code == 1 and "The previous build was left untouched." in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini", "talk"]


def test_ctrl_c_in_the_participant_stage_says_what_was_replaced(mini_root, monkeypatch):
    options = ["--workshop", str(mini_root / "workshop.yml"), "-f", "handout", "--no-pdf", "-q"]
    assert run("build", *options, root=mini_root).exit_code == 0
    [pack] = [p for p in (mini_root / "build").iterdir() if p.is_dir() and not p.name.endswith("-participant")]
    before = beside(pack)
    participant_manifest = (pack.parent / f"{pack.name}-participant" / MANIFEST).read_text()
    from test_hardening import add_cell

    add_cell(mini_root, "A CHANGE", kind="markdown")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("dpskit.packs.write_participant_pack", interrupted)
    result = run("build", *options, root=mini_root)
    assert result.exit_code == 130, result.output
    assert "left untouched" not in result.output
    assert f"{pack} was replaced by this build, but its participant pack and .zip files were not brought up to date" in result.output
    assert "A CHANGE" in (pack / "handouts/01-mini.handout.html").read_text()
    assert (pack.parent / f"{pack.name}-participant" / MANIFEST).read_text() == participant_manifest
    assert beside(pack) == before, "staging or lock left beside the packs"


def test_an_interrupted_first_build_does_not_speak_of_a_previous_one(mini_root, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("dpskit.build._render_landing", interrupted)
    out = tmp_path / "talk"
    result = run("build", "--out", str(out), "-f", "handout", "--no-pdf", "-q", root=mini_root)
    assert result.exit_code == 130 and "previous build was left untouched" not in result.output
    assert "nothing was written (there was no previous build)" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini"]
    failed = run("build", "--out", str(out), "-f", "nope", "-q", root=mini_root)
    assert "left untouched" not in failed.output


def test_a_damaged_but_well_formed_cache_is_ignored_and_rebuilt(mini_root, tmp_path, monkeypatch):
    """Every JSON file a build keeps (dependency traces, the YAML and content caches) replaced by valid
    JSON of the wrong shape: the build works, and the next one is up to date again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "talk"
    build(mini_root, out, **WORKSHOP)
    kept = [p for p in [*(mini_root / ".dpskit-cache").rglob("*.json"), *(tmp_path / "cache").rglob("*.json")]]
    assert kept, "no JSON cache to damage: the test would prove nothing"
    for shape in ([1, 2], {"uses": [1, [2]], "format": 1, "key": 5, "content": [], "data": 3, "lines": "x"}, "text", None):
        for path in kept:
            path.write_text(json.dumps(shape))
        from test_hardening import add_cell

        add_cell(mini_root, f"SHAPE {shape!r}", kind="markdown")
        result = run("build", "--out", str(out), "-f", "handout", "--no-pdf", "-q", root=mini_root)
        assert result.exit_code == 0, f"{shape!r}: {result.output}"
        assert f"SHAPE {shape!r}" in (out / "handouts/01-mini.handout.html").read_text()
    assert build(mini_root, out, **WORKSHOP).up_to_date


@pytest.mark.parametrize("damage", ["emptied", "truncated", "edited"])
def test_a_damaged_pack_file_is_rebuilt(mini_root, damage):
    """Outputs are checked against the manifest's fingerprints: a damaged file in the facilitator
    pack, its data or the participant pack is written again; never "Up to date"."""
    options = {**WORKSHOP, "formats": ["handout", "notebook"], "workshop": mini_root / "workshop.yml"}
    first = build(mini_root, **options)
    targets = [first.out / "handouts/01-mini.handout.html", first.out / "curriculum.yml",
               first.participant / "handouts/01-mini.handout.html", first.participant / "notebooks/01-mini.ipynb"]
    for target in targets:
        good = target.read_bytes()
        if damage == "emptied":
            target.write_bytes(b"")
        elif damage == "truncated":
            target.write_bytes(good[: len(good) // 2])
        else:  # same size, a few bytes changed
            target.write_bytes(good[:100] + b"X" * 5 + good[105:])
        result = run("build", "--workshop", str(mini_root / "workshop.yml"), "-f", "handout", "-f", "notebook", "--no-pdf",
                     root=mini_root)
        assert result.exit_code == 0 and "Up to date" not in result.output, f"{target.name}: {result.output}"
        assert _without_cell_ids(target.read_bytes()) == _without_cell_ids(good), f"{target} was not rebuilt"
    assert build(mini_root, **options).up_to_date


def _without_cell_ids(data: bytes) -> bytes:
    """A participant notebook is made afresh with new random cell ids (nbformat); the rest must match."""
    import re

    return re.sub(rb'"id": "[0-9a-f-]+"', b'"id": ""', data)


def test_a_touched_or_copied_pack_is_still_up_to_date(mini_root):
    """A file with the same bytes but another modification time (a copy, a touch) is no damage."""
    import os

    options = {**WORKSHOP, "workshop": mini_root / "workshop.yml"}
    first = build(mini_root, **options)
    page = first.out / "handouts/01-mini.handout.html"
    os.utime(page, ns=(1, 1))
    assert build(mini_root, **options).up_to_date


def test_no_cache_rebuilds_everything(mini_root):
    options = {**WORKSHOP, "workshop": mini_root / "workshop.yml"}
    build(mini_root, **options)
    again = build(mini_root, use_cache=False, **options)
    assert not again.up_to_date and again.executed == ["01-mini"] and "handouts/01-mini.handout.html" in again.rendered
    result = run("build", "--workshop", str(mini_root / "workshop.yml"), "-f", "handout", "--no-pdf", "--no-cache", root=mini_root)
    assert result.exit_code == 0 and "Up to date" not in result.output
