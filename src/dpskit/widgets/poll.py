"""Room polls for facilitators: type the show-of-hands counts, see a chart and talking points.

No participant device is involved and nothing is stored."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import ipywidgets as w
from traitlets import Instance, observe

from ..content.model import QuizItem
from ..i18n import _
from ..render import environment
from .choices import LABEL
from .grading import PollRow, poll_rows, poll_talking_points


def poll_frame(rows: list[PollRow]):
    """The counts as a pandas DataFrame (option, count, share, correct)."""
    import pandas as pd

    return pd.DataFrame([{"option": r.option, "count": r.count, "share": r.share, "correct": r.correct} for r in rows])


def poll_chart_png(item: QuizItem, rows: list[PollRow]) -> bytes:
    """A horizontal bar chart with the right answer marked."""
    from matplotlib.figure import Figure

    frame = poll_frame(rows)
    fig = Figure(figsize=(8, 0.6 * len(frame) + 1.2), dpi=100)
    ax = fig.add_subplot()
    colors = ["#1d5e2d" if correct else "#9aa3b8" for correct in frame["correct"]]
    labels = [("✓ " if r.correct else "") + (r.option if len(r.option) <= 48 else r.option[:47] + "…") for r in rows]
    ax.barh(range(len(frame)), frame["count"], color=colors)
    ax.set_yticks(range(len(frame)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(_("hands raised"))
    for y, count in enumerate(frame["count"]):
        ax.annotate(str(count), (count, y), xytext=(4, 0), textcoords="offset points", va="center")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def poll_chart_alt(rows: list[PollRow]) -> str:
    """What the chart shows, in words, for its alt text."""
    counts = "; ".join(f"{r.option}: {r.count}" + (f" ({_('right answer')})" if r.correct else "") for r in rows)
    return _("Bar chart of hands raised per answer. {counts}").format(counts=counts)


class Poll(w.VBox):
    """The question, one count box per option, the chart and what to say about wrong answers."""

    item = Instance(QuizItem)

    def __init__(self, item: QuizItem, **kwargs: Any):
        self.counters = [w.BoundedIntText(value=0, min=0, max=10_000, description="", layout=w.Layout(width="6em")) for _ in item.options]
        rows = [w.HBox([counter, w.HTML(LABEL.format(html.escape(option.text)), layout=w.Layout(flex="1 1 0%", min_width="0"))])
                for counter, option in zip(self.counters, item.options)]
        self.chart = w.HTML()  # an <img> with alt text: ipywidgets' Image has no alt
        self.points = w.HTML()
        prompt = w.HTML(environment().from_string("<p><strong>{{ p }}</strong></p><p>{{ hint }}</p>").render(
            p=item.prompt, hint=_("Ask for a show of hands for each answer and type the counts. Nothing is saved.")))
        super().__init__(children=[prompt, *rows, self.chart, self.points], **kwargs)
        self.add_class("dpskit-poll-live")
        for counter in self.counters:
            counter.observe(self._render, names="value")
        self.item = item

    @property
    def counts(self) -> list[int]:
        return [counter.value for counter in self.counters]

    def set_counts(self, *counts: int) -> None:
        """Enter all counts at once (one redraw), as a facilitator typing them would."""
        for counter in self.counters:
            counter.unobserve(self._render, names="value")
        try:
            for counter, count in zip(self.counters, counts):
                counter.value = count
        finally:
            for counter in self.counters:
                counter.observe(self._render, names="value")
        self._render()

    @observe("item")
    def _render(self, _change: dict[str, Any] | None = None) -> None:
        rows = poll_rows(self.item, self.counts)
        self.rows = rows
        if sum(self.counts) == 0:
            self.chart_png = b""
            self.chart.layout.display = "none"
            self.points.value = ""
            return
        self.chart.layout.display = None
        self.chart_png = poll_chart_png(self.item, rows)
        self.chart.value = '<img src="data:image/png;base64,{}" alt="{}" style="max-width:100%;height:auto">'.format(
            base64.b64encode(self.chart_png).decode("ascii"), html.escape(poll_chart_alt(rows), quote=True))
        self.points.value = environment().get_template("poll_points.html.j2").render(
            points=poll_talking_points(rows), explanation=self.item.explanation, talking=self.item.talking_points)
