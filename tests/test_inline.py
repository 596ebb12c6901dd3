"""Cells that are one dpskit call run in the build's process: the same outputs as a kernel's."""

from __future__ import annotations

import copy

import nbformat
import pytest

from dpskit.build import FORMATS, SOURCE_FORMATS, _exporter
from dpskit.content import load_valid_content
from dpskit.execute import execute_notebook
from dpskit.inline import can_run_inline, dpskit_call, execute_inline

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_which_cells_run_without_a_kernel():
    assert dpskit_call('quiz("02-small-lie")') == ("quiz", ["02-small-lie"], {})
    assert dpskit_call('quiz(session="02-your-rights")') == ("quiz", [], {"session": "02-your-rights"})
    for computing in ('x = quiz("a")', 'quiz(name)', 'quiz("a"); score()', 'print("hi")', 'import os', 'quiz("a"', '__import__("os")'):
        assert dpskit_call(computing) is None, computing
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from dpskit.notebook import *"),
                                         nbformat.v4.new_code_cell('script("x")'), nbformat.v4.new_code_cell("")])
    assert can_run_inline(nb)
    nb.cells.append(nbformat.v4.new_code_cell("total = 1 + 1"))
    assert not can_run_inline(nb)


def _without_widget_ids(nb):
    """Widget model ids are random on every run, and exports drop them."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    return nb


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The mini session (quizzes, a scenario, a script, the timeline, score, disclaimer),
    executed by a real kernel and in this process."""
    import shutil

    from conftest import FIXTURES

    root = tmp_path_factory.mktemp("inline") / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    content = load_valid_content(root)
    session = content.sessions[0]
    kernel = execute_notebook(session.notebook, content, session_id=session.id)
    source = nbformat.read(session.notebook, as_version=4)
    assert can_run_inline(source)
    inline = execute_inline(source, content, session_id=session.id)
    return content, session, kernel, inline


def test_inline_outputs_equal_a_kernels(both):
    _, _, kernel, inline = both
    kernel, inline = _without_widget_ids(kernel), _without_widget_ids(inline)
    assert [c.get("outputs") for c in inline.cells] == [c.get("outputs") for c in kernel.cells]
    assert any(o.get("output_type") == "execute_result" for c in inline.cells for o in c.get("outputs", []))


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in SOURCE_FORMATS])
def test_every_export_is_byte_for_byte_the_same(both, fmt):
    content, session, kernel, inline = both
    resources = {"metadata": {"name": session.id, "path": str(session.notebook.parent)},
                 "dpskit": {"content": content, "executed": True, "workshop": None}}
    exporter = _exporter(fmt)
    from_kernel, _ = exporter.from_notebook_node(copy.deepcopy(kernel), copy.deepcopy(resources))
    from_inline, _ = exporter.from_notebook_node(copy.deepcopy(inline), copy.deepcopy(resources))
    assert from_inline == from_kernel
    assert "What do you ask first when stopped?" in from_inline or fmt == "takehome"  # the quiz rendered (the take-home has none)
