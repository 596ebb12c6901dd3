"""Answer options as rows that wrap: a bare radio or checkbox beside an HTML label; a tap anywhere
on the row (the text included) chooses it, and the control is 24x24 px.

ipywidgets' RadioButtons give every option a fixed-height row (long labels overlap the next
one) and Checkbox(description=...) cuts long labels off with "…". Here the label is an HTML
widget that wraps to any width, 360 px included, and the control beside it has no text.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

import ipywidgets as w
from traitlets import Any as AnyTrait
from traitlets import Bool, observe

# Inline so the row reads the same in JupyterLab, Voilà and classic Notebook with no extra CSS.
# Widget HTML keeps a one-line 28 px line height; sentences read better closer together. A
# <style> inside widget HTML applies in JupyterLab and Voilà alike.
# A phone needs targets of 24x24 CSS px at least (WCAG 2.2, 2.5.8) and the option's text to
# select it: the control's own <label> reaches over the whole row with a ::after (the control's
# widget, a positioned Lumino node, is made static so the row is what the ::after fills).
LIVE_STYLE = ("<style>.dpskit-quiz-live .widget-html-content,.dpskit-scenario-live .widget-html-content,"
              ".dpskit-poll-live .widget-html-content{line-height:1.45;white-space:normal}"
              ".dpskit-quiz-live .dpskit-choice{position:relative;min-height:28px}"
              ".dpskit-quiz-live .dpskit-choice>.dpskit-choice-control{position:static;overflow:visible}"
              ".dpskit-quiz-live .dpskit-choice label::after{content:'';position:absolute;inset:0;z-index:1;cursor:pointer}"
              ".dpskit-quiz-live .dpskit-choice label{height:auto;min-height:24px;margin:0;display:flex;align-items:center}"
              ".dpskit-quiz-live .dpskit-choice input[type=radio],.dpskit-quiz-live .dpskit-choice input[type=checkbox]"
              "{width:24px;height:24px;min-width:24px;margin:0;flex:none}</style>")
LABEL = ('<div class="dpskit-choice-text" style="white-space:normal;line-height:1.45;'
         'padding:4px 0;overflow-wrap:anywhere">{}</div>')


class Choice(w.HBox):
    """One option: `value` is True while it is chosen; `disabled` once the answer is checked."""

    value = Bool(False)
    disabled = Bool(False)

    def __init__(self, text: str, multiple: bool, **kwargs: Any):
        fixed = w.Layout(width="auto", flex="0 0 auto", margin="2px 8px 0 0")
        if multiple:
            self.control = w.Checkbox(value=False, indent=False, layout=fixed)
            self.control.observe(lambda change: setattr(self, "value", bool(change["new"])), names="value")
        else:  # one radio with no label: the HTML beside it is the label
            self.control = w.RadioButtons(options=[("", 0)], value=None, layout=fixed)
            self.control.observe(lambda change: setattr(self, "value", change["new"] is not None), names="value")
        self.control.add_class("dpskit-choice-control")
        self.label = w.HTML(LABEL.format(html.escape(text)), layout=w.Layout(flex="1 1 0%", min_width="0", width="auto"))
        super().__init__(children=[self.control, self.label],
                         layout=w.Layout(align_items="flex-start", width="100%", max_width="48em"), **kwargs)
        self.add_class("dpskit-choice")
        self._multiple = multiple

    @observe("value")
    def _to_control(self, change: dict[str, Any]) -> None:
        self.control.value = change["new"] if self._multiple else (0 if change["new"] else None)

    @observe("disabled")
    def _disable(self, change: dict[str, Any]) -> None:
        self.control.disabled = change["new"]


class Choices(w.VBox):
    """A question's options. `value` is the chosen index (or None) for one-answer questions and a
    tuple of indices for questions with several answers; `chosen` is always a tuple."""

    value = AnyTrait(None, allow_none=True)
    disabled = Bool(False)

    def __init__(self, texts: Sequence[str], multiple: bool, **kwargs: Any):
        self.multiple = multiple
        rows = [Choice(text, multiple) for text in texts]
        super().__init__(children=rows, **kwargs)
        self.value = () if multiple else None
        for index, row in enumerate(rows):
            row.observe(lambda change, i=index: self._row_changed(i, change["new"]), names="value")
        self.add_class("dpskit-choices")

    @property
    def chosen(self) -> tuple[int, ...]:
        return tuple(i for i, row in enumerate(self.children) if row.value)

    def select(self, *indices: int) -> None:
        """Choose exactly these options (for one-answer questions, the first one)."""
        self.value = tuple(indices) if self.multiple else (indices[0] if indices else None)

    @observe("value")
    def _to_rows(self, change: dict[str, Any]) -> None:
        wanted = set(change["new"] or ()) if self.multiple else ({change["new"]} if change["new"] is not None else set())
        for index, row in enumerate(self.children):
            row.value = index in wanted

    def _row_changed(self, index: int, chosen: bool) -> None:
        if self.multiple:
            self.value = self.chosen
        elif chosen:
            self.value = index  # one answer: the rows' radios are separate, so clear the others here
        elif self.value == index:
            self.value = None

    @observe("disabled")
    def _disable(self, change: dict[str, Any]) -> None:
        for row in self.children:
            row.disabled = change["new"]
