"""Answer patterns a participant can score on without understanding: the right answer is the
longest option, true/false answers are nearly always False, the author wrote the right answer
first. Shuffling (model.shown_order) hides the last one on screen, not in the bank file or in a
translator's catalogue, so `dpskit check` warns about all three, per session and overall."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Content, QuizItem


@dataclass(frozen=True)
class Bias:
    """Counts for one bank (or the whole curriculum); the lists hold item ids."""

    single: int
    longest: tuple[str, ...]        # one-answer items whose right answer is longer than every other option
    true_false: int
    true: tuple[str, ...]           # true/false items whose answer is True
    choice: int                     # one-answer and several-answer items
    first: tuple[str, ...]          # ... whose right answer(s) the author wrote before every wrong one


def correct_is_longest(item: QuizItem) -> bool:
    right = max(len(o.text) for o in item.options if o.correct)
    return all(len(o.text) < right for o in item.options if not o.correct)


def correct_written_first(item: QuizItem) -> bool:
    """The author's order (what the bank file and the catalogue show) starts with every right answer."""
    flags = [o.correct for o in item.authored_options]
    return flags[0] and flags == sorted(flags, reverse=True)


def bias(items: Iterable[QuizItem]) -> Bias:
    items = list(items)
    single = [i for i in items if i.type == "single"]
    true_false = [i for i in items if i.type == "true_false"]
    choice = [i for i in items if i.type in ("single", "multiple")]
    return Bias(
        single=len(single), longest=tuple(i.id for i in single if correct_is_longest(i)),
        true_false=len(true_false), true=tuple(i.id for i in true_false if i.authored_options[0].correct),
        choice=len(choice), first=tuple(i.id for i in choice if correct_written_first(i)),
    )


def bias_warnings(where: str, found: Bias) -> list[str]:
    """A warning per pattern that `found` shows: more than half / fewer than a third."""
    warnings = []
    if 2 * len(found.longest) > found.single:
        warnings.append(f"{where}: the right answer is the longest option in {len(found.longest)} of {found.single} "
                        f"one-answer questions ({_ids(found.longest)}); shorten it or give the wrong answers more substance")
    if found.true_false and 3 * len(found.true) < found.true_false:
        warnings.append(f"{where}: only {len(found.true)} of {found.true_false} true/false answers are True; "
                        "write some statements that are true")
    if 2 * len(found.first) > found.choice:
        warnings.append(f"{where}: the right answer is written first in {len(found.first)} of {found.choice} choice questions "
                        f"({_ids(found.first)}); pages shuffle options, but the bank and its translation show the pattern: reorder them")
    return warnings


def _ids(ids: tuple[str, ...], shown: int = 6) -> str:
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def quiz_warnings(content: Content) -> list[str]:
    """Bias warnings for every session's bank, then for all banks together."""
    warnings = []
    banks: dict[str, list[QuizItem]] = {}
    for item in content.quiz_items.values():
        banks.setdefault(item.session, []).append(item)
    for session, items in banks.items():
        warnings += bias_warnings(f"data/quizzes/{session}.yaml", bias(items))
    return warnings + bias_warnings("all quiz banks", bias(content.quiz_items.values()))
