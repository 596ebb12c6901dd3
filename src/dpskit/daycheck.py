"""The day's before-and-after check: which items, and what two anonymous tallies say.

Pure functions on counts only. A tally is how many answered each option of one item at one
moment (before the first session, after the last); nothing here knows who answered, and the
before and after tallies are never paired. Any count from 1 to 4 is shown as "fewer than 5", and
a share is only given where it does not give such a count away. assets/daycheck.js mirrors
`share` for the page kept open all day (tests/test_daycheck.py holds both to the same figures)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .content import Content
from .content.model import QuizItem
from .i18n import _

FEWER_THAN = 5         # a count from 1 to FEWER_THAN - 1 is never shown
MOST_ITEMS = 6
CHECKABLE = ("single", "true_false")  # a show of hands counts one answer per person


def default_check(content: Content, session_ids: Sequence[str], most: int = MOST_ITEMS) -> list[str]:
    """The core items of the sessions, taken in turn (each session's first, then each one's
    second…) so a long day's check covers every session before it asks a second item of one."""
    per_session = [[item.id for item in content.bank(sid) if item.core and item.type in CHECKABLE] for sid in session_ids]
    chosen: list[str] = []
    for rank in range(max((len(ids) for ids in per_session), default=0)):
        chosen += [ids[rank] for ids in per_session if rank < len(ids)]
    return chosen[:most]


def check_items(content: Content, session_ids: Sequence[str], named: Sequence[str] = ()) -> list[QuizItem]:
    """The items of the day's check: the ones workshop.yml names (`check:`), else the default."""
    return [content.quiz_items[item_id] for item_id in (list(named) or default_check(content, session_ids))]


def shown_count(count: int) -> str:
    """A count as the room and the summary may see it."""
    return _("fewer than 5") if 0 < count < FEWER_THAN else str(count)


@dataclass(frozen=True)
class Share:
    """What answered correctly at one moment, as it may be shown: `percent` is None where a share
    would give away a count under 5 (or fewer than 5 answered); `bar` is the width to draw (0-100)."""
    answered: int
    percent: int | None
    bar: int
    label: str


def share(item: QuizItem, counts: Sequence[int]) -> Share:
    """The share answering `item` correctly from one tally (counts per option, in the order shown)."""
    answered = sum(counts)
    right = sum(counts[i] for i in item.correct_indices)
    return share_of(right, answered)


def share_of(right: int, answered: int) -> Share:
    if answered < FEWER_THAN:
        return Share(answered, None, 0, _("fewer than 5 answered"))
    if 0 < right < FEWER_THAN:
        return Share(answered, None, 0, _("fewer than 5 of {answered} answered correctly").format(answered=answered))
    if 0 < answered - right < FEWER_THAN:
        floor = answered - FEWER_THAN + 1
        return Share(answered, None, 100 * floor // answered,
                     _("at least {floor} of {answered} answered correctly").format(floor=floor, answered=answered))
    percent = round(100 * right / answered)
    return Share(answered, percent, percent, _("{percent}% of {answered} answered correctly").format(percent=percent, answered=answered))


@dataclass(frozen=True)
class Moved:
    item: QuizItem
    before: Share
    after: Share
    change: float          # after minus before, as a fraction of those who answered (used to rank, never shown)
    common_wrong: str      # the wrong answer most chosen after, or "" (a tie or nothing counted)


def least_moved(items: Iterable[QuizItem], before: dict[str, Sequence[int]], after: dict[str, Sequence[int]]) -> Moved | None:
    """The misconception that moved least between the two tallies — a prompt for a last
    discussion, never a grade. Only items at least 5 answered both times are compared; on a tie,
    the one fewer get right after. None when no item can be compared."""
    candidates = []
    for order, item in enumerate(items):
        b, a = before.get(item.id), after.get(item.id)
        if not b or not a or sum(b) < FEWER_THAN or sum(a) < FEWER_THAN:
            continue
        ratio_before = sum(b[i] for i in item.correct_indices) / sum(b)
        ratio_after = sum(a[i] for i in item.correct_indices) / sum(a)
        candidates.append((ratio_after - ratio_before, ratio_after, order, item, b, a))
    if not candidates:
        return None
    change, _after, _order, item, b, a = min(candidates, key=lambda c: c[:3])
    return Moved(item, share(item, b), share(item, a), change, most_chosen_wrong(item, a))


def most_chosen_wrong(item: QuizItem, counts: Sequence[int]) -> str:
    """The text of the wrong answer most chosen, if one stands out with at least 5 (counts only)."""
    wrong = sorted(((counts[i], i) for i, option in enumerate(item.options) if not option.correct), reverse=True)
    if not wrong or wrong[0][0] < FEWER_THAN or (len(wrong) > 1 and wrong[1][0] == wrong[0][0]):
        return ""
    return item.options[wrong[0][1]].text


__all__ = ["CHECKABLE", "FEWER_THAN", "Moved", "Share", "check_items", "default_check", "least_moved", "most_chosen_wrong",
           "share", "share_of", "shown_count"]
