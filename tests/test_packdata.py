"""What a pack carries for its notebooks: exactly its sessions' data, loadable from the pack alone
(read-only, away from the checkout), with no facilitator-only fields in the participant copy,
and notebooks that run top to bottom from it without writing anything into it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from live_support import make_read_only, make_writable, snapshot

REPO = Path(__file__).resolve().parents[1]


def _workshop(tmp_path: Path, sessions: list[str]) -> Path:
    text = (REPO / "workshop.yml").read_text()
    head, _, rest = text.partition("sessions:")
    body = "sessions:\n" + "".join(f"  - {s}\n" for s in sessions)
    tail = rest[rest.index("\nbreaks:"):] if sessions == ["01-why-we-are-here", "02-your-rights", "03-when-agents-knock"] else "\n"
    path = tmp_path / "workshop.yml"
    path.write_text(head + body + tail)
    return path


@pytest.fixture(scope="module")
def repo_content():
    from dpskit.content import load_valid_content

    return load_valid_content(REPO, notebooks=False)


def test_participant_copy_has_only_its_sessions_and_no_facilitator_fields(repo_content, tmp_path):
    from dpskit.content import load_content
    from dpskit.packdata import write_pack_data

    chosen = ["02-your-rights"]
    (tmp_path / "notebooks").mkdir()
    shutil.copyfile(REPO / "sessions/02-your-rights.ipynb", tmp_path / "notebooks/02-your-rights.ipynb")
    write_pack_data(repo_content, chosen, tmp_path, notebooks={"02-your-rights": "notebooks/02-your-rights.ipynb"}, participant=True)
    assert sorted(p.name for p in (tmp_path / "data/quizzes").iterdir()) == ["02-your-rights.yaml"]
    scenarios = {p.stem for p in (tmp_path / "data/scenarios").iterdir()}
    assert scenarios == {s.id for s in repo_content.scenarios.values() if s.session in chosen} and scenarios
    text = "\n".join(p.read_text() for p in (tmp_path / "data").rglob("*.yaml"))
    assert "talking_points" not in text and "facilitator:" not in text
    pack, errors = load_content(tmp_path, notebooks=False)
    assert errors == [] and [s.id for s in pack.sessions] == chosen
    assert set(pack.quiz_items) == {i.id for i in repo_content.bank("02-your-rights")}
    item = next(iter(pack.quiz_items.values()))
    assert item.options == repo_content.quiz_items[item.id].options and item.talking_points == ""


def test_facilitator_copy_keeps_talking_points(repo_content, tmp_path):
    from dpskit.packdata import write_pack_data

    (tmp_path / "notebooks").mkdir()
    shutil.copyfile(REPO / "sessions/02-your-rights.ipynb", tmp_path / "notebooks/02-your-rights.ipynb")
    write_pack_data(repo_content, ["02-your-rights"], tmp_path, notebooks={"02-your-rights": "notebooks/02-your-rights.ipynb"}, participant=False)
    assert (tmp_path / "data/quizzes/02-your-rights.yaml").read_bytes() == (REPO / "data/quizzes/02-your-rights.yaml").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("sessions", [["03-when-agents-knock"], ["01-why-we-are-here", "02-your-rights", "03-when-agents-knock"]],
                         ids=["one-session", "example-workshop"])
def test_pack_notebooks_run_from_a_read_only_stick(sessions, tmp_path, monkeypatch):
    """Built from a workshop file, copied away from the checkout, made read-only: every notebook
    (participant and facilitator) runs top to bottom, and the pack is unchanged afterwards."""
    import nbformat
    from nbclient import NotebookClient

    from dpskit.build import build

    out = build(REPO, tmp_path / "build", workshop=_workshop(tmp_path, sessions),
                formats=["notebook", "facilitator-notebook"], pdf=False).out
    stick = tmp_path / "stick" / out.name
    shutil.copytree(out, stick)
    shutil.rmtree(out)
    assert sorted(p.stem for p in (stick / "data/quizzes").iterdir()) == sorted(sessions)
    make_read_only(stick)
    before = snapshot(stick)
    monkeypatch.delenv("DPSKIT_ROOT", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        notebooks = sorted(stick.glob("notebooks/*.ipynb")) + sorted(stick.glob("guide/*.facilitator.ipynb"))
        assert len(notebooks) == 2 * len(sessions)
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=180, store_widget_state=False, resources={"metadata": {"path": str(path.parent)}}).execute()
            errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
            assert errors == [], f"{path.name}: {errors[:1]}"
            shown = sum("application/vnd.dpskit.quiz+json" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
            assert shown > 0, f"{path.name} showed no quiz"
        assert snapshot(stick) == before, "running the notebooks wrote into the pack"
        assert not list(stick.rglob(".dpskit-cache")) and not list(stick.rglob("*.pickle"))
    finally:
        make_writable(stick)
