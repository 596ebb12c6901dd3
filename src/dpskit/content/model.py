"""Typed views of validated content, shared by widgets, exporters and the build."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    kind: str
    reviewed: str
    status: str = "unverified"  # verified | secondary | unverified: who could check what, see sources.json
    scope: str = ""
    note: str = ""
    editions: dict = field(default_factory=dict, compare=False, hash=False)  # language -> {title, url, confirmed}


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str
    key: int  # its position in the bank file: which option it is, wherever it is shown


def shown_order(item_id: str, count: int) -> list[int]:
    """The authored positions of an item's options in the order everyone sees them: a shuffle
    seeded by the item id alone (SHA-256, not hash()), so every run, language, Python version and
    output (live widget, page, slides, worksheet, key, polls) shows the same order, and the order
    an author happened to write (right answer first) tells a participant nothing."""
    return sorted(range(count), key=lambda i: hashlib.sha256(f"{item_id}/{i}".encode()).digest())


@dataclass(frozen=True)
class QuizItem:
    id: str
    session: str
    type: str
    prompt: str
    options: tuple[Option, ...]  # in the order shown, see `shown_order`; `Option.key` is the authored position
    explanation: str
    sources: tuple[str, ...]
    talking_points: str = ""
    shuffle: bool = True  # false: shown as authored ("all of the above"); true/false items never shuffle
    core: bool = False  # a core misconception of its session: the day's before-and-after check asks it

    @property
    def correct_indices(self) -> frozenset[int]:
        return frozenset(i for i, option in enumerate(self.options) if option.correct)

    @property
    def authored_options(self) -> tuple[Option, ...]:
        return tuple(sorted(self.options, key=lambda option: option.key))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "QuizItem":
        options = tuple(Option(**option) for option in data["options"])
        return cls(**{**data, "options": options, "sources": tuple(data["sources"])})


@dataclass(frozen=True)
class Script:
    id: str
    say: str
    when: str
    sources: tuple[str, ...]
    why: str = ""


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    definition: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Disclaimer:
    short: str
    text: str
    reviewed: str
    status: str = ""


@dataclass(frozen=True)
class PocketCard:
    title: str
    scripts: tuple[str, ...]
    after: tuple[str, ...]
    contacts: tuple[dict[str, str], ...]
    limits: tuple[str, ...] = ()
    situations: tuple[dict[str, str], ...] = ()  # {script, label}: "Door", "Arrest" before a script


@dataclass
class Session:
    id: str
    notebook: Path
    meta: dict[str, Any] = field(default_factory=dict)
    status: str = "ready"  # curriculum.yml: "draft" while a session is being written (dpskit.content.standard)
    line: int | None = None  # where curriculum.yml names its notebook: a copy may lack it (loader.missing_notebooks)

    @property
    def title(self) -> str:
        return self.meta.get("title", self.id)

    @property
    def minutes(self) -> int:
        return sum(part["minutes"] for part in self.meta.get("parts", []))


@dataclass
class Content:
    """Everything under data/ plus the curriculum manifest, loaded and cross-checked."""

    root: Path
    title: str = ""
    license: str = ""
    language: str = "en"
    source_max_age_months: int = 12
    sessions: list[Session] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    quiz_items: dict[str, QuizItem] = field(default_factory=dict)
    scripts: dict[str, Script] = field(default_factory=dict)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    timeline: list[dict[str, str]] = field(default_factory=list)
    disclaimer: Disclaimer | None = None
    scenarios: dict[str, Any] = field(default_factory=dict)  # id -> content.scenario.Scenario
    pocket_card: PocketCard | None = None

    def __deepcopy__(self, memo: dict) -> "Content":
        """Loaded content is shared read-only: nbconvert deep-copies the resources for every
        export, and copying every quiz bank and source each time was a third of a render."""
        return self

    def session(self, session_id: str) -> Session:
        for session in self.sessions:
            if session.id == session_id:
                return session
        raise KeyError(session_id)

    def bank(self, session_id: str) -> list[QuizItem]:
        return [item for item in self.quiz_items.values() if item.session == session_id]
