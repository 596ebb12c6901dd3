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
    venue_closes: str = ""            # when the room must be empty: the plan (and `end`) must finish before it
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
    leads: dict[str, str] = field(default_factory=dict)  # session id or day-item kind -> who leads it (the run sheet)
    check: list[str] = field(default_factory=list)      # the day's before-and-after check (dpskit.daycheck); [] = default
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

    @property
    def kept_back(self) -> list[str]:
        """The filled-in contacts only facilitators may see: printed for the room, blank in the participant pack."""
        return [key for key, value in self.contacts.items() if (value or "").strip() and self.shared(key) != "public"]

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
        places = [key for key in ("after", "before") if key in pause]
        if len(places) != 1:
            check.add_at(doc, ("breaks", index), "say where this item goes with one of after: or before: a session id")
        elif pause[places[0]] not in data["sessions"]:
            check.add_at(doc, ("breaks", index, places[0]), f"{pause.get('kind', 'break')} {places[0]} {pause[places[0]]!r}, which is not one of this workshop's sessions")
    for who in data.get("leads", {}):
        if who not in data["sessions"] and who not in DAY_ITEMS:
            check.add_at(doc, ("leads", who), f"leads {who!r}: name one of this workshop's sessions or a day item ({', '.join(DAY_ITEMS)})")
    _check_day_check(check, doc, data, content)
    _check_language(check, doc, data)
    for key in ("end", "venue_closes"):
        if data.get(key) and data[key] <= data["start"]:
            check.add_at(doc, (key,), f"{key} {data[key]} is not after start {data['start']}")
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


def _check_day_check(check, doc, data, content) -> None:
    """`check:` names items of this workshop's sessions a show of hands can answer (one answer each)."""
    from .daycheck import CHECKABLE

    for index, item_id in enumerate(data.get("check", [])):
        item = content.quiz_items.get(item_id)
        if item is None:
            check.add_at(doc, ("check", index), f"unknown quiz id {item_id!r}; the quiz banks are in data/quizzes/")
        elif item.session not in data["sessions"]:
            check.add_at(doc, ("check", index), f"quiz {item_id!r} is from session {item.session!r}, which is not one of this workshop's sessions")
        elif item.type not in CHECKABLE:
            check.add_at(doc, ("check", index), f"quiz {item_id!r} takes several answers ({item.type}); "
                                                f"the check counts one answer each: choose a single or true_false item")


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


# What a day holds besides sessions (the `kind:` of a `breaks:` item) and the title each gets by default.
DAY_ITEMS = {"break": N_("Break"), "meal": N_("Lunch"), "arrival": N_("Arrival and sign-in"),
             "opening": N_("Opening: welcome and the room's agreements"), "closing": N_("Closing and evaluation")}
MIN_SLACK = 15          # minutes a real room needs in hand: late starts, questions, the photocopier
MEAL_EVERY = 180        # minutes a room can go without a meal break


def agenda(workshop: Workshop, content: Content):
    """The day's schedule as a pandas DataFrame: one row per part and day item, with clock times.
    The room is welcomed once a day: by an `opening` item, else by the first session; every other
    session skips the minutes of its opening part that are its own welcome (the part's `welcome`)."""
    import pandas as pd

    def day_item(pause):
        kind = pause.get("kind", "break")
        return {"session_id": "", "session": "", "part": pause.get("title") or _(DAY_ITEMS[kind]), "phase": "", "kind": kind,
                "minutes": pause["minutes"]}

    welcomed = any(p.get("kind") == "opening" for p in workshop.breaks)
    rows = []
    for session_id in workshop.sessions:
        session = content.session(session_id)
        rows += [day_item(p) for p in workshop.breaks if p.get("before") == session_id]
        for part in session.meta.get("parts", []):
            minutes = part["minutes"]
            if part.get("welcome") and welcomed:
                minutes = max(1, minutes - part["welcome"])
            rows.append({"session_id": session_id, "session": session.title, "part": part["title"], "phase": part.get("phase", ""),
                         "kind": part["kind"], "minutes": minutes})
        welcomed = True
        rows += [day_item(p) for p in workshop.breaks if p.get("after") == session_id]
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
    day: int = 0                     # arrival, opening and closing
    longest_without_meal: int = 0    # minutes: from the start or a meal to the next meal or the end

    @property
    def over_by(self) -> int:
        return max(0, self.total - self.available) if self.available is not None else 0

    @property
    def slack(self) -> int | None:
        """Minutes left over in the time available (None when no end is set)."""
        return self.available - self.total if self.available is not None else None


def _minutes_between(start: str, end: str) -> int:
    first, last = (dt.datetime.strptime(t, "%H:%M") for t in (start, end))
    return int((last - first).total_seconds() // 60)


def summarize_agenda(frame, workshop: Workshop) -> AgendaSummary:
    by_kind = frame.groupby("kind")["minutes"].sum()
    available = _minutes_between(workshop.start, workshop.end) if workshop.end else None
    stretch = longest = 0
    for kind, minutes in zip(frame["kind"], frame["minutes"]):
        stretch = 0 if kind == "meal" else stretch + int(minutes)
        longest = max(longest, stretch)
    return AgendaSummary(
        total=int(frame["minutes"].sum()), teaching=int(by_kind.get("teaching", 0)),
        activities=int(by_kind.get("activity", 0)), breaks=int(by_kind.get("break", 0) + by_kind.get("meal", 0)),
        available=available, ends=frame["end"].iloc[-1] if len(frame) else workshop.start,
        day=int(sum(by_kind.get(k, 0) for k in ("arrival", "opening", "closing"))), longest_without_meal=longest,
    )


def agenda_warnings(summary: AgendaSummary, workshop: Workshop) -> list[str]:
    """What a real room cannot keep: running over, too little slack, no meal, past the venue's closing."""
    warnings = []
    if summary.over_by:
        warnings.append(_("The plan runs {over} minutes over the time available ({start}–{end}, {available} minutes): "
                          "it ends at {ends}. Drop a part, shorten an activity or end later.").format(
            over=summary.over_by, start=workshop.start, end=workshop.end, available=summary.available, ends=summary.ends))
    elif summary.slack is not None and summary.slack < MIN_SLACK:
        warnings.append(_("Only {slack} minutes of slack ({start}–{end}): a real room starts late and asks questions. "
                          "Keep at least {least} minutes in hand: drop a part or end later.").format(
            slack=summary.slack, start=workshop.start, end=workshop.end, least=MIN_SLACK))
    if summary.longest_without_meal > MEAL_EVERY:
        warnings.append(_("{minutes} minutes pass without a meal break: add a break with kind: meal (lunch) at least every "
                          "{every} minutes.").format(minutes=summary.longest_without_meal, every=MEAL_EVERY))
    if workshop.venue_closes:
        last = max([summary.ends] + ([workshop.end] if workshop.end else []))
        if last > workshop.venue_closes:
            warnings.append(_("The day ends at {ends}, after the venue closes ({closes}): end earlier or find a later room.").format(
                ends=last, closes=workshop.venue_closes))
    return warnings


def ends_early(summary: AgendaSummary) -> int:
    """Minutes the plan leaves unused at the end of the time available, when that is more than slack."""
    return summary.slack if summary.slack is not None and summary.slack > 2 * MIN_SLACK else 0


__all__ = ["AgendaSummary", "ContentError", "DAY_ITEMS", "Workshop", "agenda", "agenda_warnings", "ends_early", "load_workshop", "summarize_agenda"]
