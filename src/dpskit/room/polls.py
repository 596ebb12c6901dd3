"""Live anonymous polls: one question open at a time, and for it only a count per option.

No ballot is kept: a vote adds one to the counts of the options chosen and is forgotten. The
poll's random id goes back to the voter's browser as a cookie, which is how a second vote from
the same browser is refused; nothing on the server says who voted or from where."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from ..content.model import QuizItem
from ..widgets.grading import poll_rows, poll_talking_points


class VoteRefused(ValueError):
    """The vote does not count; `status` is the HTTP status that says why."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class LivePoll:
    item: QuizItem
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    counts: list[int] = field(default_factory=list)
    ballots: int = 0
    open: bool = True

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.item.options)

    def vote(self, poll_id: str, choices: list[int]) -> None:
        if poll_id != self.id:
            raise VoteRefused(410, "this question is no longer open")
        if not self.open:
            raise VoteRefused(410, "this poll is closed")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
            raise VoteRefused(400, "choose an answer")
        if len(set(choices)) != len(choices) or any(c < 0 or c >= len(self.counts) for c in choices):
            raise VoteRefused(400, "no such answer")
        if self.item.type != "multiple" and len(choices) != 1:
            raise VoteRefused(400, "choose one answer")
        for choice in choices:
            self.counts[choice] += 1
        self.ballots += 1

    def question(self) -> dict:
        """What a participant's phone shows: the question and options, never the answer."""
        return {"id": self.id, "open": self.open, "prompt": self.item.prompt, "multiple": self.item.type == "multiple",
                "options": [option.text for option in self.item.options]}

    def results(self) -> dict:
        """What the facilitator's slide shows: counts, the right answers, and what to talk about."""
        rows = poll_rows(self.item, self.counts)
        return {
            "id": self.id, "quiz_id": self.item.id, "open": self.open, "ballots": self.ballots, "prompt": self.item.prompt,
            "rows": [{"option": r.option, "count": r.count, "share": r.share, "correct": r.correct} for r in rows],
            "points": [{"option": r.option, "count": r.count, "feedback": r.feedback} for r in poll_talking_points(rows)],
            "explanation": self.item.explanation,
        }


class Polls:
    """The room's one current poll (opening another replaces it, counts and all)."""

    def __init__(self, items: dict[str, QuizItem]):
        self.items = items
        self.current: LivePoll | None = None

    def open(self, quiz_id: str) -> LivePoll:
        if quiz_id not in self.items:
            raise KeyError(quiz_id)
        self.current = LivePoll(self.items[quiz_id])
        return self.current

    def close(self) -> LivePoll | None:
        if self.current is not None:
            self.current.open = False
        return self.current

    def vote(self, poll_id: str, choices: list[int]) -> None:
        if self.current is None:
            raise VoteRefused(410, "no question is open")
        self.current.vote(poll_id, choices)
