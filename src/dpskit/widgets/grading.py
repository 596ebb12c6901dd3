"""Grading as pure functions: no widgets, no I/O, easy to test and to reuse in any renderer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..content.model import QuizItem


@dataclass(frozen=True)
class Grade:
    item_id: str
    chosen: tuple[int, ...]
    correct: bool
    wrong: tuple[int, ...]    # chosen options that are not correct
    missed: tuple[int, ...]   # correct options that were not chosen


def grade(item: QuizItem, chosen: Iterable[int]) -> Grade:
    """Grade one attempt; a 'multiple' answer is right only when it is exactly the correct set."""
    picked = tuple(sorted(set(chosen)))
    if not picked:
        raise ValueError("nothing chosen")
    if any(i < 0 or i >= len(item.options) for i in picked):
        raise ValueError(f"option index out of range for {item.id}: {picked}")
    if item.type != "multiple" and len(picked) != 1:
        raise ValueError(f"{item.id} takes exactly one answer")
    correct = item.correct_indices
    wrong = tuple(i for i in picked if i not in correct)
    missed = tuple(sorted(correct - set(picked)))
    return Grade(item.id, picked, not wrong and not missed, wrong, missed)


@dataclass(frozen=True)
class ScoreSummary:
    total: int             # questions in the notebook
    answered: int          # questions tried at least once
    correct: int           # questions whose latest attempt is right
    first_try: int         # questions right on the first attempt


def summarize(total: int, attempts: Mapping[str, Sequence[bool]]) -> ScoreSummary:
    """Summarize attempts per question (each a list of right/wrong in order)."""
    tried = {item_id: results for item_id, results in attempts.items() if results}
    return ScoreSummary(
        total=total,
        answered=len(tried),
        correct=sum(1 for results in tried.values() if results[-1]),
        first_try=sum(1 for results in tried.values() if results[0]),
    )


@dataclass(frozen=True)
class PollRow:
    option: str
    count: int
    share: float
    correct: bool
    feedback: str


def poll_rows(item: QuizItem, counts: Sequence[int]) -> list[PollRow]:
    """Show-of-hands counts per option, with shares; nothing about who raised a hand."""
    if len(counts) != len(item.options) or any(c < 0 for c in counts):
        raise ValueError(f"{item.id}: need one count of 0 or more per option")
    total = sum(counts)
    return [
        PollRow(o.text, int(c), (c / total) if total else 0.0, o.correct, o.feedback)
        for o, c in zip(item.options, counts)
    ]


def poll_talking_points(rows: Sequence[PollRow], threshold: float = 0.15) -> list[PollRow]:
    """Wrong answers chosen by at least `threshold` of the room, most chosen first."""
    return sorted((r for r in rows if not r.correct and r.count and r.share >= threshold), key=lambda r: -r.count)
