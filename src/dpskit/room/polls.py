"""Live anonymous polls: one question open at a time, and for it only a count per option.

No vote is kept: a vote adds one to the counts of the options chosen and is forgotten. A vote
counts only with a ballot: the poll page of a device that opened the join page gets one per
question (a keyed hash of the poll and the device's random pass), and each ballot counts once.
The poll remembers which ballots were used, not what they chose; nothing says who voted or from where."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from ..content.model import QuizItem
from ..widgets.grading import poll_rows, poll_talking_points


class VoteRefused(ValueError):
    """The vote does not count; `status` is the HTTP status, `code` the phone's message that says why."""

    def __init__(self, status: int, reason: str, code: str = "refused"):
        super().__init__(reason)
        self.status, self.reason, self.code = status, reason, code


@dataclass
class LivePoll:
    item: QuizItem
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    counts: list[int] = field(default_factory=list)
    ballots: int = 0
    open: bool = True
    used: set = field(default_factory=set)  # ballots that have voted (random values, tied to no answer)

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.item.options)

    def vote(self, poll_id: str, choices: list[int], ballot: str = "") -> None:
        if poll_id != self.id:
            raise VoteRefused(410, "this question is no longer open", "closed")
        if not self.open:
            raise VoteRefused(410, "this poll is closed", "closed")
        if ballot in self.used:
            raise VoteRefused(409, "this ballot has already been used", "already")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
            raise VoteRefused(400, "choose an answer", "choose")
        if len(set(choices)) != len(choices) or any(c < 0 or c >= len(self.counts) for c in choices):
            raise VoteRefused(400, "no such answer", "choose")
        if self.item.type != "multiple" and len(choices) != 1:
            raise VoteRefused(400, "choose one answer", "choose")
        for choice in choices:
            self.counts[choice] += 1
        self.ballots += 1
        self.used.add(ballot)

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
    """The room's one current poll (opening another replaces it, counts and all). `sign` makes a
    ballot from the poll's id and a device's pass (the room's keyed hash)."""

    def __init__(self, items: dict[str, QuizItem], sign=None):
        self.items = items
        self.current: LivePoll | None = None
        self.sign = sign or _random_key_sign()

    def ballot(self, device: str) -> str | None:
        """The open poll's ballot for `device`: the same on every reload, one vote."""
        if self.current is None or not self.current.open:
            return None
        return self.sign("ballot", self.current.id, device)

    def answered(self, device: str) -> bool:
        ballot = self.ballot(device)
        return ballot is not None and ballot in self.current.used

    def open(self, quiz_id: str) -> LivePoll:
        if quiz_id not in self.items:
            raise KeyError(quiz_id)
        self.current = LivePoll(self.items[quiz_id])
        return self.current

    def close(self) -> LivePoll | None:
        if self.current is not None:
            self.current.open = False
        return self.current

    def vote(self, poll_id: str, choices: list[int], *, ballot: str, device: str) -> None:
        """Counts the vote if `ballot` is the one this poll issued to `device`, once."""
        if self.current is None:
            raise VoteRefused(410, "no question is open", "closed")
        expected = self.sign("ballot", poll_id, device) if poll_id == self.current.id else None
        if expected is None or not isinstance(ballot, str) or not secrets.compare_digest(ballot.encode(), expected.encode()):
            if poll_id != self.current.id:
                raise VoteRefused(410, "this question is no longer open", "closed")
            raise VoteRefused(403, "no ballot from this device's poll page", "reload")
        self.current.vote(poll_id, choices, ballot)


def _random_key_sign():
    from .guard import Guard

    return Guard().sign
