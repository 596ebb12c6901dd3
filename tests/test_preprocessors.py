"""Preprocessors on small in-memory notebooks: each does one thing, configured by traits."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dpskit.content import Source
from dpskit.preprocessors import (
    AudienceOutputPreprocessor,
    CitationPreprocessor,
    FacilitatorTagsPreprocessor,
    PlaceholderPreprocessor,
    PollCellsPreprocessor,
    PrivacyPreprocessor,
)
from dpskit.render import QUIZ_MIMETYPE, SOURCES_MIMETYPE

SOURCES = {
    sid: Source(sid, f"Title {sid}", "Court", f"https://example.org/{sid}", "case", "2026-11-24")
    for sid in ("a-case", "b-law", "c-page")
}


def resources(**extra):
    return {"dpskit": {"sources": SOURCES, **extra}, "metadata": {"path": os.getcwd()}}


def test_facilitator_tag_and_notes_slide_type_mean_the_same():
    nb = new_notebook(cells=[
        new_markdown_cell("a", metadata={"slideshow": {"slide_type": "notes"}}),
        new_markdown_cell("b", metadata={"tags": ["facilitator"]}),
        new_markdown_cell("c"),
    ])
    nb, _ = FacilitatorTagsPreprocessor().preprocess(nb, {})
    assert [c.metadata.get("tags") for c in nb.cells] == [["facilitator"], ["facilitator"], []]
    assert [c.metadata["slideshow"].get("slide_type") for c in nb.cells] == ["notes", "notes", None]


def test_citations_are_numbered_in_order_and_outputs_add_their_sources():
    nb = new_notebook(cells=[
        new_markdown_cell("First [@b-law], then [@a-case] and [@b-law] again."),
        new_code_cell("script('x')", outputs=[new_output("display_data", data={"text/html": "<p>x</p>", SOURCES_MIMETYPE: {"ids": ["c-page"]}})]),
    ])
    nb, res = CitationPreprocessor().preprocess(nb, resources())
    assert nb.cells[0].source == (
        'First [\\[1\\]](#source-b-law "Title b-law"), then [\\[2\\]](#source-a-case "Title a-case") '
        'and [\\[1\\]](#source-b-law "Title b-law") again.')
    assert [(e["number"], e["source"].id) for e in res["dpskit"]["cited"]] == [(1, "b-law"), (2, "a-case"), (None, "c-page")]


def test_dollar_signs_never_start_math():
    """Guide 08 printed a raw markdown link: "$75 million" paired with the `$` in a cited source's title."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    res = resources()
    res["dpskit"]["sources"] = {**SOURCES, "b-law": Source(**{**vars(SOURCES["b-law"]), "title": "Funds raised $75 million"})}
    nb = new_notebook(cells=[new_markdown_cell("About 70 funds raised roughly $75 million [@b-law], and \\$5 stays $5.")])
    nb, _ = CitationPreprocessor().preprocess(nb, res)
    html_out = markdown2html_mistune(nb.cells[0].source)
    assert "[\\[" not in html_out and "](#" not in html_out, html_out
    assert 'roughly $75 million <a href="#source-b-law" title="Funds raised $75 million">[1]</a>, and $5 stays $5.' in html_out, html_out


def test_citations_without_links_for_slides_and_a_sources_cell_for_notebooks():
    nb = new_notebook(cells=[new_markdown_cell("Claim [@a-case].")])
    nb, _ = CitationPreprocessor(link=False, append_sources_cell=True).preprocess(nb, resources())
    assert nb.cells[0].source == "Claim \\[1\\]."
    assert "[Title a-case](https://example.org/a-case)" in nb.cells[-1].source


@pytest.mark.parametrize("mode, present, absent", [
    ("worksheet", "dpskit-worksheet", "FEEDBACK-X"),
    ("answer_key", "FEEDBACK-X", "<form"),
    ("interactive", "<form", "FEEDBACK-X"),
])
def test_quiz_outputs_render_for_the_audience_and_drop_widget_views(mode, present, absent):
    item = {"id": "01-x", "session": "01-s", "type": "single", "prompt": "P?", "explanation": "E",
            "sources": ["a-case"], "talking_points": "",
            "options": [{"key": 0, "text": "yes", "correct": True, "feedback": "FEEDBACK-X"},
                        {"key": 1, "text": "no", "correct": False, "feedback": "F2"}]}  # key: the option as written
    widget = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb = new_notebook(cells=[new_code_cell("quiz('01-x')", outputs=[
        new_output("display_data", data={QUIZ_MIMETYPE: {"items": [item], "sources": {}}, "text/plain": "P?",
                                         "application/vnd.jupyter.widget-view+json": widget}),
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json": widget}),
    ])], metadata={"widgets": {"state": {}}})
    nb, _ = AudienceOutputPreprocessor(mode=mode).preprocess(nb, {})
    [output] = nb.cells[0].outputs
    assert list(output["data"]) == ["text/html"]
    assert present in output["data"]["text/html"] and absent not in output["data"]["text/html"]
    assert "widgets" not in nb.metadata


def test_privacy_drops_counts_timings_and_paths():
    home = str(Path.home())
    nb = new_notebook(cells=[new_code_cell("1/0", execution_count=3, metadata={"execution": {"iopub.status.busy": "2026"}}, outputs=[
        new_output("error", ename="E", evalue="v", traceback=[f"File {home}/secret/x.py", f"cwd {os.getcwd()}/y"]),
        new_output("execute_result", data={"text/plain": "1"}, execution_count=3),
    ])], metadata={"kernelspec": {"name": "python3", "display_name": "P"}, "language_info": {"name": "python", "version": "3.11.7"},
                   "widgets": {}, "papermill": {"input_path": home}})
    nb, _ = PrivacyPreprocessor().preprocess(nb, {"metadata": {"path": os.getcwd()}})
    cell = nb.cells[0]
    assert cell.execution_count is None and "execution" not in cell.metadata
    assert home not in str(cell.outputs) and os.getcwd() not in str(cell.outputs)
    assert cell.outputs[1]["execution_count"] is None
    assert set(nb.metadata) == {"kernelspec", "language_info"} and nb.metadata["language_info"] == {"name": "python"}


def test_placeholders_fill_from_the_workshop_and_blank_otherwise():
    nb = new_notebook(cells=[new_markdown_cell("Call [[contact:legal_hotline]] or [[contact:lawyer]] at [[workshop:venue]].")])
    workshop = {"venue": "Hall", "contacts": {"legal_hotline": "555-0100", "lawyer": ""}}
    nb, _ = PlaceholderPreprocessor().preprocess(nb, {"dpskit": {"workshop": workshop}})
    assert html.unescape(nb.cells[0].source) == "Call 555-0100 or ________________ at Hall."
    assert "555&#45;0100" in nb.cells[0].source, "values are character references: never Markdown or HTML"


def test_poll_cells_follow_each_quiz():
    nb = new_notebook(cells=[new_code_cell('quiz("01-a", "01-b")'), new_markdown_cell("x"), new_code_cell('score()')])
    nb, _ = PollCellsPreprocessor().preprocess(nb, {})
    assert [c.source for c in nb.cells] == ['quiz("01-a", "01-b")', "poll('01-a')", "poll('01-b')", "x", "score()"]
    assert nb.cells[1].metadata["tags"] == ["facilitator", "poll"]
