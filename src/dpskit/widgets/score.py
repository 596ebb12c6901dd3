"""The running score of one notebook: kept in memory only, never saved or sent."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import ipywidgets as w

from ..i18n import _
from ..render import SCORE_MIMETYPE, render_score
from .grading import Grade, ScoreSummary, summarize
from .quiz import Quiz


class Scoreboard:
    """Collects every check of every quiz shown in this kernel."""

    def __init__(self) -> None:
        self.question_ids: list[str] = []
        self.attempts: dict[str, list[bool]] = defaultdict(list)
        self.cards: list[ScoreCard] = []

    def track(self, quiz: Quiz) -> Quiz:
        if quiz.item.id not in self.question_ids:
            self.question_ids.append(quiz.item.id)
        quiz.on_answer(self.record)
        return quiz

    def record(self, quiz: Quiz, result: Grade) -> None:
        self.attempts[quiz.item.id].append(result.correct)
        for card in self.cards:
            card.refresh()

    def summary(self) -> ScoreSummary:
        return summarize(len(self.question_ids), self.attempts)


class ScoreCard(w.HTML):
    """Shows the scoreboard and refreshes on every check."""

    def __init__(self, board: Scoreboard, **kwargs: Any):
        super().__init__(**kwargs)
        self.board = board
        board.cards.append(self)
        self.refresh()

    def refresh(self) -> None:
        s = self.board.summary()
        if s.answered == 0:
            text = _("No questions checked yet. Your score stays in this notebook and is never saved or sent.")
        else:
            text = _("{correct} of {total} questions right now, {first_try} on the first try ({answered} tried).").format(
                correct=s.correct, total=s.total, first_try=s.first_try, answered=s.answered
            )
        self.value = f"<div class='dpskit-score'>{text}</div>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle[SCORE_MIMETYPE] = {}
        bundle["text/html"] = render_score("interactive", standalone=True)
        bundle["text/plain"] = _("Your score appears here as you check answers.")
        return bundle
