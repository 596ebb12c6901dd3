"""The day's before-and-after check in the facilitator's notebook (guide/day-check.ipynb), for a
room without phones: type the show of hands before the first session and after the last; the
results use dpskit.daycheck's rules. The counts live in this kernel's memory only; nothing is
written until "Save the workshop summary", which writes one page (HTML and PDF) into the folder typed."""

from __future__ import annotations

import html
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Sequence

import ipywidgets as w

from ..content.model import QuizItem
from ..daycheck import least_moved, share
from ..i18n import _
from ..render import environment
from .choices import LABEL

MOMENTS = ("before", "after")


class DayCheckPanel(w.VBox):
    """Before, after and results in one place, kept open all day."""

    def __init__(self, items: Sequence[QuizItem], *, curriculum: str, title: str, date: str, chapter: str = "", paper: str = "letter",
                 **kwargs: Any):
        self.items = list(items)
        self.workshop = SimpleNamespace(title=title, date=date, chapter=chapter, paper=paper)
        self.curriculum = curriculum
        self.counters = {moment: {item.id: [w.BoundedIntText(value=0, min=0, max=999, layout=w.Layout(width="6em"))
                                            for _option in item.options] for item in self.items} for moment in MOMENTS}
        self.results = w.HTML()
        self.folder = w.Text(placeholder=_("Folder to save the summary in"), layout=w.Layout(width="28em"))
        self.save = w.Button(description=_("Save the workshop summary"), layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.save.on_click(lambda _button: self.save_summary())
        tabs = w.Tab(children=[self._moment(moment) for moment in MOMENTS] + [w.VBox([self.results, w.HBox([self.folder, self.save]), self.status])])
        for index, label in enumerate((_("Before"), _("After"), _("What the room knows now"))):
            tabs.set_title(index, label)
        for counter in self._all_counters():
            counter.observe(lambda _change: self._render(), names="value")
        super().__init__(children=[tabs], **kwargs)
        self.add_class("dpskit-daycheck-panel")
        self._render()

    def _all_counters(self):
        return [c for moment in MOMENTS for counters in self.counters[moment].values() for c in counters]

    def _moment(self, moment: str) -> w.VBox:
        rows = []
        for number, item in enumerate(self.items, 1):
            rows.append(w.HTML(f"<p><strong>{number}. {html.escape(item.prompt)}</strong></p>"))
            rows += [w.HBox([counter, w.HTML(LABEL.format(html.escape(option.text)), layout=w.Layout(flex="1 1 0%", min_width="0"))])
                     for counter, option in zip(self.counters[moment][item.id], item.options)]
        hint = w.HTML(f"<p>{html.escape(_('Read the question and every answer aloud. Hands up for each answer in turn; type how many. Leave a field empty to skip; do not name or point at anyone.'))}</p>")
        return w.VBox([hint, *rows])

    def tallies(self) -> dict[str, dict[str, list[int]]]:
        """What was typed, per moment; a question with no count at a moment is left out of it."""
        found: dict[str, dict[str, list[int]]] = {}
        for moment in MOMENTS:
            counts = {item_id: [c.value for c in counters] for item_id, counters in self.counters[moment].items()}
            found[moment] = {item_id: values for item_id, values in counts.items() if sum(values)}
        return found

    def set_counts(self, moment: str, item_id: str, *counts: int) -> None:
        for counter, count in zip(self.counters[moment][item_id], counts):
            counter.value = count

    def figures(self) -> dict[str, dict[str, str]]:
        """The label shown per question and moment (dpskit.daycheck.share)."""
        tallies = self.tallies()
        return {item.id: {moment: share(item, tallies[moment][item.id]).label if item.id in tallies[moment] else _("not counted yet")
                          for moment in MOMENTS} for item in self.items}

    def _render(self) -> None:
        tallies, figures = self.tallies(), self.figures()
        moved = least_moved(self.items, tallies["before"], tallies["after"])
        self.results.value = environment().from_string(
            "{% for item in items %}<p><strong>{{ loop.index }}. {{ item.prompt }}</strong><br>{{ before }}: {{ figures[item.id].before }}"
            "<br>{{ after }}: {{ figures[item.id].after }}</p>{% endfor %}"
            "<p><strong>{{ lead }}</strong> {{ least }}</p>").render(
            items=self.items, figures=figures, before=_("Before"), after=_("After"),
            lead=_("Moved least, for the next workshop:"),
            least=moved.item.prompt if moved else _("Not enough counts yet to compare before and after."))

    def save_summary(self) -> list[Path]:
        """The one page, as HTML and PDF, into the folder typed; nothing else is written."""
        from ..daycheck_page import render_summary, summary_filename, summary_pdf
        from ..pdf import weasyprint_available

        folder = Path(self.folder.value.strip()).expanduser()
        if not self.folder.value.strip() or not folder.is_dir():
            self.status.value = html.escape(_("Type the path of an existing folder first."))
            return []
        tallies = self.tallies()
        page = folder / summary_filename(self.workshop)
        page.write_text(render_summary(SimpleNamespace(title=self.curriculum), self.workshop, self.items, tallies["before"], tallies["after"]),
                        encoding="utf-8")
        written = [page] + ([summary_pdf(page, self.workshop.paper)] if weasyprint_available() else [])
        self.status.value = html.escape(_("Saved: {files}").format(files=", ".join(str(p) for p in written)))
        return written


__all__ = ["DayCheckPanel"]
