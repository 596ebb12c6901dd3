"""One small file a facilitator edits: which sessions, when, where, and who to call.

Validated like the rest of the content; the agenda is built with pandas from the sessions'
timing and the breaks, with clock times from the start."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .content import Content, ContentError, InvalidContent
from .content.loader import CONTACT_KEYS, _Collector
from .i18n import N_, _

CONTACT_LABELS = {  # translated where shown
    "legal_hotline": N_("Legal hotline"),
    "nlg_chapter": N_("National Lawyers Guild chapter"),
    "jail_support": N_("Jail support"),
    "lawyer": N_("A lawyer we trust"),
    "chapter": N_("Organizing chapter"),
    "immigration": N_("Immigration rapid response"),
}
# Who sees a contact by default: organizations' lines go in the participant pack, people's numbers
# (a jail-support volunteer, a lawyer) are printed for the room but never put in the participant pack.
PUBLIC_BY_DEFAULT = frozenset({"legal_hotline", "nlg_chapter", "chapter", "immigration"})


@dataclass
class Workshop:
    title: str
    date: str
    start: str
    sessions: list[str]
    end: str = ""
    venue: str = ""
    chapter: str = ""
    language: str = "en"
    pocket_card: str = "single"       # bilingual: English on one side of each card, Spanish on the other
    paper: str = "letter"
    slide_notes_in_pdf: bool = True
    participants: int | None = None   # expected headcount: how many copies to print
    breaks: list[dict[str, Any]] = field(default_factory=list)
    contacts: dict[str, str] = field(default_factory=dict)
    contact_sharing: dict[str, str] = field(default_factory=dict)  # key -> public | facilitators, where workshop.yml says
    room: dict[str, int] = field(default_factory=dict)  # dpskit room: max_kernels, idle_minutes
    source: Path | None = None

    @property
    def slug(self) -> str:
        """date-title in ASCII; a title with few Latin letters (Arabic, Chinese, …) gets a short hash of
        itself, so two workshops on one date never share a folder."""
        ascii_title = unicodedata.normalize("NFKD", self.title).encode("ascii", "ignore").decode()
        words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
        if len(re.sub(r"\W", "", ascii_title)) < len(re.sub(r"\W", "", self.title)):
            words = f"{words}-{hashlib.sha256(self.title.encode()).hexdigest()[:8]}".strip("-")
        return f"{self.date}-{words}".rstrip("-")

    def shared(self, key: str) -> str:
        return self.contact_sharing.get(key) or ("public" if key in PUBLIC_BY_DEFAULT else "facilitators")

    @property
    def public_contacts(self) -> dict[str, str]:
        """The contacts the participant pack may show; the others print as lines to fill in by hand."""
        return {key: (value if self.shared(key) == "public" else "") for key, value in self.contacts.items()}

    def missing_contacts(self) -> list[str]:
        return [key for key in CONTACT_KEYS if not (self.contacts.get(key) or "").strip()]


def workshop_language(path: Path) -> str | None:
    """The `language:` a workshop file asks for, read before the content (which is read in it);
    a broken file says nothing here and is reported by load_workshop."""
    from .content.yamlio import YamlSyntaxError, load_yaml

    try:
        data = load_yaml(Path(path)).data
    except (OSError, YamlSyntaxError):
        return None
    language = data.get("language") if isinstance(data, dict) else None
    return language if isinstance(language, str) else None


def load_workshop(path: Path, content: Content) -> tuple[Workshop, list[str]]:
    """The workshop and its warnings; raises InvalidContent naming file, line and key."""
    check = _Collector(content.root)
    doc = check.load(Path(path).resolve())
    if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("paper"), str):
        doc.data["paper"] = doc.data["paper"].lower()  # "A4" and "Letter" as people write them
    if doc is None or not check.schema(doc, "workshop"):
        raise InvalidContent(check.errors)
    data = doc.data
    try:
        dt.date.fromisoformat(data["date"])
    except ValueError as exc:
        check.add_at(doc, ("date",), f"date {data['date']} is not a real date ({exc})")
    known = {s.id for s in content.sessions}
    for index, session_id in enumerate(data["sessions"]):
        if session_id not in known:
            check.add_at(doc, ("sessions", index), f"unknown session id {session_id!r}; known: {', '.join(sorted(known))}")
        elif session_id in data["sessions"][:index]:
            check.add_at(doc, ("sessions", index), f"session {session_id!r} is listed twice")
    for index, pause in enumerate(data.get("breaks", [])):
        if pause["after"] not in data["sessions"]:
            check.add_at(doc, ("breaks", index, "after"), f"break after {pause['after']!r}, which is not one of this workshop's sessions")
    _check_language(check, doc, data)
    if data.get("end") and data["end"] <= data["start"]:
        check.add_at(doc, ("end",), f"end {data['end']} is not after start {data['start']}")
    if check.errors:
        raise InvalidContent(check.errors)
    contacts = data.get("contacts", {})
    workshop = Workshop(**{**data, "contacts": {k: ((v.get("value") if isinstance(v, dict) else v) or "") for k, v in contacts.items()},
                           "contact_sharing": {k: v["share"] for k, v in contacts.items() if isinstance(v, dict) and "share" in v}},
                        source=Path(path))
    warnings = [
        _("{file}: contacts.{key} is empty; it prints as a blank line to fill in by hand").format(file=check.rel(Path(path).resolve()), key=key)
        for key in workshop.missing_contacts()
    ]
    return workshop, warnings


def _check_language(check, doc, data) -> None:
    """A language dpskit has an interface catalogue for; a bilingual card pairs English and Spanish."""
    from .cards import BILINGUAL
    from .i18n import has_catalogue

    code = data.get("language", "en")
    if not has_catalogue(code):
        check.add_at(doc, ("language",), f"no interface translation into {code!r}; dpskit speaks: {', '.join(_languages())}")
    if data.get("pocket_card") == "bilingual" and code.split("-")[0] not in BILINGUAL:
        check.add_at(doc, ("pocket_card",), f"a bilingual pocket card pairs {' and '.join(BILINGUAL)}; "
                                            f"this workshop's language is {code!r} (use pocket_card: single)")


def _languages() -> list[str]:
    from .i18n import LOCALE_DIR, SOURCE_LANGUAGE

    return [SOURCE_LANGUAGE] + sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())


def agenda(workshop: Workshop, content: Content):
    """The day's schedule as a pandas DataFrame: one row per part and break, with clock times."""
    import pandas as pd

    rows = []
    for session_id in workshop.sessions:
        session = content.session(session_id)
        for part in session.meta.get("parts", []):
            rows.append({"session_id": session_id, "session": session.title, "part": part["title"], "phase": part.get("phase", ""),
                         "kind": part["kind"], "minutes": part["minutes"]})
        for pause in workshop.breaks:
            if pause["after"] == session_id:
                rows.append({"session_id": "", "session": "", "part": pause.get("title") or _("Break"), "phase": "", "kind": "break",
                             "minutes": pause["minutes"]})
    frame = pd.DataFrame(rows, columns=["session_id", "session", "part", "phase", "kind", "minutes"])
    day = dt.datetime.fromisoformat(f"{workshop.date}T{workshop.start}")
    offsets = frame["minutes"].cumsum() - frame["minutes"]
    frame["start"] = [(day + dt.timedelta(minutes=int(m))).strftime("%H:%M") for m in offsets]
    frame["end"] = [(day + dt.timedelta(minutes=int(m))).strftime("%H:%M") for m in offsets + frame["minutes"]]
    return frame[["start", "end", "session_id", "session", "part", "phase", "kind", "minutes"]]


@dataclass(frozen=True)
class AgendaSummary:
    total: int
    teaching: int
    activities: int
    breaks: int
    available: int | None
    ends: str

    @property
    def over_by(self) -> int:
        return max(0, self.total - self.available) if self.available is not None else 0


def summarize_agenda(frame, workshop: Workshop) -> AgendaSummary:
    by_kind = frame.groupby("kind")["minutes"].sum()
    available = None
    if workshop.end:
        start, end = (dt.datetime.strptime(t, "%H:%M") for t in (workshop.start, workshop.end))
        available = int((end - start).total_seconds() // 60)
    return AgendaSummary(
        total=int(frame["minutes"].sum()), teaching=int(by_kind.get("teaching", 0)),
        activities=int(by_kind.get("activity", 0)), breaks=int(by_kind.get("break", 0)),
        available=available, ends=frame["end"].iloc[-1] if len(frame) else workshop.start,
    )


def agenda_warnings(summary: AgendaSummary, workshop: Workshop) -> list[str]:
    if summary.over_by:
        return [_("The plan runs {over} minutes over the time available ({start}–{end}, {available} minutes): "
                  "it ends at {ends}. Drop a part, shorten an activity or end later.").format(
            over=summary.over_by, start=workshop.start, end=workshop.end, available=summary.available, ends=summary.ends)]
    return []


__all__ = ["AgendaSummary", "ContentError", "Workshop", "agenda", "agenda_warnings", "load_workshop", "summarize_agenda"]
