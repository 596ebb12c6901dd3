"""The day-check deck and the workshop summary page.

Why one deck of its own (guide/day-check.html) rather than slides inside the first and last
session's decks: those are two files, two pages, and a count typed into one page cannot reach
another without being stored somewhere, which the kit never does. So the facilitator opens this
deck in its own tab in the morning and keeps it open: the "before" questions, the "after"
questions and the results live in one page's memory and are gone when the tab closes. It is a
notebook made here and exported by the dpskit slides exporter, so it looks, scales and is measured
(slidelayout) like every other deck. The summary is written only when the facilitator presses
"Save the workshop summary": the browser saves one HTML page where they choose; printing it (or
`dpskit day-check-pdf`) makes the one-page PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .content import Content
from .content.model import QuizItem
from .daycheck import check_items, least_moved, share
from .i18n import _, language
from .render import asset, environment

RESULTS_PER_SLIDE = 2


def messages() -> dict[str, str]:
    """The figures' wording for the page's script: the msgids dpskit.daycheck uses."""
    return {
        "fewer_answered": _("fewer than 5 answered"),
        "fewer_right": _("fewer than 5 of {answered} answered correctly"),
        "at_least": _("at least {floor} of {answered} answered correctly"),
        "percent": _("{percent}% of {answered} answered correctly"),
        "not_counted": _("not counted yet"),
        "no_compare": _("Not enough counts yet to compare before and after."),
        "many_chose": _("The wrong answer most chosen at the end: “{answer}”"),
        "summary_not_counted": _("not counted"),
        "summary_no_compare": _("not enough counts to compare"),
        "open_on_phones": _("Ask on phones"),
        "asked_on_phones": _("Asked on phones: the counts fill in as answers arrive"),
        "saved": _("Handed to your browser as {file}. Open it and print it for the one-page PDF."),
    }


def summary_filename(plan) -> str:
    return f"{plan.date}-workshop-summary.html" if plan else "workshop-summary.html"


def _slide(kind: str, **values) -> dict:
    html = environment().get_template("daycheck_slide.html.j2").render(kind=kind, **values)
    return {"cell_type": "code", "execution_count": None, "source": "", "metadata": {"slideshow": {"slide_type": "slide"}},
            "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"text/html": html}}]}


def _notes(text: str) -> dict:
    return {"cell_type": "markdown", "source": text, "metadata": {"slideshow": {"slide_type": "notes"}}}


def day_check_notebook(content: Content, plan, items: Sequence[QuizItem]):
    """The deck as a notebook: intro, the questions "before", a divider, the same "after",
    the results (bars with their figures as text) and the misconception that moved least."""
    import nbformat

    count = len(items)
    cells = [_slide("intro", count=count, css=asset("daycheck.css")),
             _notes(_("Keep this deck open in its own tab all day: the counts live only in this page and are gone when it "
                      "closes. Ask each question, count the hands for each answer and type the numbers. At the end of the "
                      "last session come back here, to the slides after this morning's questions."))]
    for moment in ("before", "after"):
        if moment == "after":
            cells.append(_slide("divider"))
        for number, item in enumerate(items, 1):
            cells.append(_slide("item", moment=moment, item=item, number=number, count=count))
            cells.append(_notes(_("Read the question and every answer aloud. Hands up for each answer in turn; type how many. "
                                  "Leave a field empty to skip; do not name or point at anyone.")))
    entries = [{"number": n, "item": item} for n, item in enumerate(items, 1)]
    pages = [entries[i:i + RESULTS_PER_SLIDE] for i in range(0, len(entries), RESULTS_PER_SLIDE)]
    for page, batch in enumerate(pages, 1):
        cells.append(_slide("results", entries=batch, page=page, pages=len(pages)))
    cells.append(_slide("least", data=_page_data(content, plan, items), js=asset("daycheck.js")))
    cells.append(_notes(_("Open a last conversation on this question: what made the wrong answer feel right? "
                          "Saving the summary writes one page with counts and percentages only.")))
    for number, cell in enumerate(cells):
        cell["id"] = f"day-check-{number}"
    title = _("Did it land? The day's check")
    return nbformat.from_dict({"nbformat": 4, "nbformat_minor": 5, "cells": cells,
                               "metadata": {"dpskit": {"id": "day-check", "title": title}}})


def _page_data(content: Content, plan, items: Sequence[QuizItem]) -> dict:
    return {
        "items": [{"id": item.id, "prompt": item.prompt, "options": [o.text for o in item.options], "correct": sorted(item.correct_indices)}
                  for item in items],
        "messages": messages(),
        "summary": render_summary(content, plan, items),
        "filename": summary_filename(plan),
    }


def render_day_check(content: Content, plan, items: Sequence[QuizItem] | None = None, template_dirs: list[str] | None = None) -> str:
    """The day-check deck for a workshop: its `check:` items, or the default from its sessions."""
    from .exporters.slides import SlidesExporter

    items = list(items) if items is not None else check_items(content, plan.sessions, plan.check)
    traits = {"extra_template_basedirs": template_dirs} if template_dirs else {}
    body, _resources = SlidesExporter(**traits).from_notebook_node(
        day_check_notebook(content, plan, items), {"dpskit": {"content": content, "executed": True}})
    return body


def facilitator_notebook(content: Content, plan, items: Sequence[QuizItem] | None = None) -> str:
    """guide/day-check.ipynb: the same check without phones or a browser deck, in the facilitator's
    JupyterLab (kept open all day: the counts live in its kernel)."""
    import nbformat

    items = list(items) if items is not None else check_items(content, plan.sessions, plan.check)
    call = "day_check({ids}, title={title!r}, date={date!r}, chapter={chapter!r}, paper={paper!r})".format(
        ids=", ".join(repr(item.id) for item in items), title=plan.title, date=plan.date, chapter=plan.chapter, paper=plan.paper)
    notebook = nbformat.v4.new_notebook(metadata={"dpskit": {"id": "day-check", "title": _("Did it land? The day's check")}})
    notebook.cells = [
        nbformat.v4.new_markdown_cell(f"# {_('Did it land?')}\n\n" + _(
            "Keep this notebook open all day: the counts live only in its kernel and are gone when it stops. Before the first "
            "session, ask each question and type the show of hands under Before; after the last, the same under After; then "
            "open the results. Nothing is written unless you press Save the workshop summary.")),
        nbformat.v4.new_code_cell("from dpskit.notebook import *\n" + call),
    ]
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"day-check-{number}"
    return nbformat.writes(notebook)


def render_summary(content: Content, plan, items: Sequence[QuizItem], before: dict[str, Sequence[int]] | None = None,
                   after: dict[str, Sequence[int]] | None = None) -> str:
    """The one-page summary; with no tallies, the empty page the deck's script fills in."""
    before, after = before or {}, after or {}

    rows = [{"id": item.id, "prompt": item.prompt,
             "before": share(item, before[item.id]) if before.get(item.id) else None,
             "after": share(item, after[item.id]) if after.get(item.id) else None} for item in items]
    moved = least_moved(items, before, after)
    least = None
    if moved is not None:
        least = {"prompt": moved.item.prompt,
                 "wrong": messages()["many_chose"].format(answer=moved.common_wrong) if moved.common_wrong else ""}
    return environment().get_template("daycheck_summary.html.j2").render(
        language=language(), curriculum=content.title, title=plan.title if plan else content.title,
        date=plan.date if plan else "", chapter=(plan.chapter if plan else ""), paper=plan.paper if plan else "letter",
        rows=rows, least=least)


def summary_pdf(html_file: Path, paper: str = "letter") -> Path:
    """The PDF beside a saved summary page, with WeasyPrint: no footer, no page numbers (one page)."""
    from .pdf import PdfJob, render_pdf

    html_file = Path(html_file)
    return render_pdf(PdfJob(html_file.read_text(encoding="utf-8"), html_file.with_suffix(".pdf"), paper=paper,
                             with_page_numbers=False))


__all__ = ["day_check_notebook", "facilitator_notebook", "messages", "render_day_check", "render_summary", "summary_filename", "summary_pdf"]
