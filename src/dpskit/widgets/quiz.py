"""The live quiz: an ipywidgets composite whose grading lives in `grading`.

Its display bundle also carries the static interactive HTML and the item data, so exported
pages (no kernel) show a working quiz and exporters can re-render it as a worksheet or key.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Callable

import ipywidgets as w
from ipywidgets import CallbackDispatcher
from traitlets import Any as AnyTrait
from traitlets import Instance, Tuple, observe

from ..content.model import QuizItem, Source
from ..i18n import _
from ..render import QUIZ_MIMETYPE, environment, quiz_messages, quiz_payload, render_quiz
from .choices import LIVE_STYLE, Choices
from .grading import Grade, grade


class Quiz(w.VBox):
    """One question: prompt, options, Check, per-option feedback, explanation, Try again."""

    item = Instance(QuizItem)
    chosen = Tuple(help="indices of the options currently chosen")
    result = AnyTrait(None, allow_none=True, help="the Grade of the last check, or None")

    def __init__(self, item: QuizItem, sources: dict[str, Source] | None = None, **kwargs: Any):
        self._sources = {sid: asdict(s) for sid, s in (sources or {}).items() if sid in item.sources}
        self._answer_callbacks = CallbackDispatcher()
        self._nothing_chosen = False
        self.prompt = w.HTML(LIVE_STYLE + environment().from_string("<p class='dpskit-quiz-prompt'>{{ p }}</p>").render(p=item.prompt))
        self.hint_text = _("Choose every answer that applies.") if item.type == "multiple" else _("Choose one answer.")
        self.hint = w.HTML(environment().from_string("<p class='dpskit-quiz-hint'>{{ h }}</p>").render(h=self.hint_text))
        self.selector = Choices([o.text for o in item.options], multiple=item.type == "multiple")
        self.selector.observe(self._on_select, names="value")
        self.check_button = w.Button(description=_("Check"), button_style="primary")
        self.retry_button = w.Button(description=_("Try again"), layout=w.Layout(display="none"))
        self.feedback = w.HTML()
        self.check_button.on_click(lambda _button: self.submit())
        self.retry_button.on_click(lambda _button: self.reset())
        super().__init__(
            children=[self.prompt, self.hint, self.selector, w.HBox([self.check_button, self.retry_button]), self.feedback],
            **kwargs,
        )
        self.add_class("dpskit-quiz-live")
        self.item = item

    def on_answer(self, callback: Callable[["Quiz", Grade], None], remove: bool = False) -> None:
        """Call `callback(quiz, grade)` after every check."""
        self._answer_callbacks.register_callback(callback, remove=remove)

    def _on_select(self, _change: dict[str, Any]) -> None:
        self.chosen = self.selector.chosen

    def select(self, *indices: int) -> None:
        """Choose options by index, as a participant's clicks would."""
        self.selector.select(*indices)

    def submit(self) -> Grade | None:
        """Grade the current choice, exactly what clicking Check does."""
        if not self.chosen:
            self._nothing_chosen = True
            self._render()
            return None
        self._nothing_chosen = False
        self.result = grade(self.item, self.chosen)
        self._answer_callbacks(self, self.result)
        return self.result

    def reset(self) -> None:
        """Clear the choice and feedback, exactly what clicking Try again does."""
        self.select()
        self._nothing_chosen = False
        self.result = None
        self._render()

    @observe("result")
    def _render(self, _change: dict[str, Any] | None = None) -> None:
        graded = self.result is not None
        self.selector.disabled = graded
        self.check_button.layout.display = "none" if graded else None
        self.retry_button.layout.display = None if graded else "none"
        if graded or self._nothing_chosen:
            self.feedback.value = environment().get_template("quiz_feedback.html.j2").render(
                item=self.item, grade=self.result, messages=quiz_messages(), cited=list(self._sources.values())
            )
        else:
            self.feedback.value = ""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        payload = quiz_payload([self.item.to_dict()], self._sources)
        bundle[QUIZ_MIMETYPE] = payload
        bundle["text/html"] = render_quiz(payload, "interactive", standalone=True)
        bundle["text/plain"] = self._plain_text()
        return bundle

    def _plain_text(self) -> str:
        box = "[ ]" if self.item.type == "multiple" else "( )"
        lines = [self.item.prompt, self.hint_text] + [f"  {box} {o.text}" for o in self.item.options]
        return "\n".join(lines)
