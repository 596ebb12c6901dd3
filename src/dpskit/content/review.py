"""What a facilitator must look up before teaching, and what `dpskit check` warns about.

Warnings, never errors: an old or unverified source, or an activity the agenda has no time for,
still builds, but the person about to teach it should know. Pure functions over loaded content.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .loader import CITATION, PLACEHOLDER, notebook_calls
from .model import Content, Session, Source

DATED_MARK = re.compile(r"\[DATED\]|changed recently", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
HEADING = re.compile(r"^#+\s*(.+?)\s*$", re.MULTILINE)
CONFIRM = re.compile(r"\b(confirm|hotline|phone number)\b", re.IGNORECASE)
SCENARIO_WORDS = ("role-play", "role play", "scenario")


@dataclass(frozen=True)
class Citation:
    """Where a source is cited for a claim: a file, and the quiz item or script when there is one."""

    path: str
    item: str = ""

    def __str__(self) -> str:
        return f"{self.path} ({self.item})" if self.item else self.path


@dataclass
class SessionReview:
    """One session's "check before you teach" list, for the top of its guide."""

    dated: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)  # cited, and not verified
    contacts: list[str] = field(default_factory=list)


@lru_cache(maxsize=32)
def _cells(notebook: Path, mtime: float) -> tuple[tuple[str, str, tuple[str, ...], str], ...]:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return tuple(
        (cell.cell_type, cell.source, tuple(cell.metadata.get("tags", [])),
         cell.metadata.get("slideshow", {}).get("slide_type", "-"))
        for cell in nb.cells
    )


def session_cells(session: Session):
    """The notebook's cells as (type, source, tags, slide type); empty when it cannot be read."""
    try:
        return _cells(session.notebook, session.notebook.stat().st_mtime)
    except Exception:  # a broken notebook is reported by load_content, not here
        return ()


def _calls(session: Session, name: str) -> list[str]:
    return [arg for kind, source, _, _ in session_cells(session) if kind == "code"
            for call, args, _ in notebook_calls(source) if call == name for arg in args]


def _rel(content: Content, path: Path) -> str:
    try:
        return path.relative_to(content.root).as_posix()
    except ValueError:
        return path.as_posix()


def session_citations(content: Content, session: Session) -> dict[str, list[Citation]]:
    """Every source a session leans on for a claim: its own text, and the quiz items, scripts
    and scenarios it shows. Source id -> where."""
    cited: dict[str, list[Citation]] = {}

    def add(source_id: str, where: Citation) -> None:
        if where not in cited.setdefault(source_id, []):
            cited[source_id].append(where)

    notebook = _rel(content, session.notebook)
    for kind, source, _, _ in session_cells(session):
        if kind == "markdown":
            for source_id in CITATION.findall(source):
                add(source_id, Citation(notebook))
    for quiz_id in _calls(session, "quiz") + _calls(session, "poll"):
        if quiz_id in content.quiz_items:
            for source_id in content.quiz_items[quiz_id].sources:
                add(source_id, Citation(f"data/quizzes/{session.id}.yaml", quiz_id))
    for script_id in _calls(session, "script"):
        if script_id in content.scripts:
            for source_id in content.scripts[script_id].sources:
                add(source_id, Citation("data/scripts.yaml", script_id))
    for scenario_id in _calls(session, "scenario"):
        scenario = content.scenarios.get(scenario_id)
        for source_id in getattr(scenario, "sources", ()) or ():
            add(source_id, Citation(f"data/scenarios/{scenario_id}.yaml"))
    return cited


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def source_age_warnings(content: Content, today: dt.date | None = None, max_age_months: int | None = None) -> list[str]:
    """Sources last reviewed longer ago than the curriculum allows (default 12 months)."""
    months = max_age_months or content.source_max_age_months
    cutoff = _months_before(today or dt.date.today(), months)
    warnings = []
    for source in content.sources.values():
        try:
            reviewed = dt.date.fromisoformat(source.reviewed)
        except ValueError:
            continue  # the schema reports malformed dates
        if reviewed < cutoff:
            warnings.append(f"data/sources.yaml: {source.id} was last reviewed on {source.reviewed}, more than "
                            f"{months} months ago; check it against the source and update `reviewed`")
    return warnings


def unverified_claim_warnings(content: Content) -> list[str]:
    """Unverified sources that a session, quiz item, script or scenario cites for a claim."""
    where: dict[str, list[Citation]] = {}
    for session in content.sessions:
        for source_id, citations in session_citations(content, session).items():
            for citation in citations:
                if citation not in where.setdefault(source_id, []):
                    where[source_id].append(citation)
    warnings = []
    for source_id, citations in where.items():
        source = content.sources.get(source_id)
        if source is not None and source.status == "unverified":
            places = ", ".join(str(c) for c in citations)
            warnings.append(f"data/sources.yaml: {source_id} is unverified but cited for a legal claim in {places}; "
                            "check it, teach the point as unverified, or leave it out")
    return warnings


def _part_covers(part: dict, words: tuple[str, ...]) -> bool:
    title = part.get("title", "").lower()
    return any(word in title for word in words)


def uncovered_activity_warnings(content: Content) -> list[str]:
    """Activities with no time in the agenda. The rule: a quiz needs a part whose title says
    "quiz"; a scenario needs a part whose title says "role-play" or "scenario" or names the
    scenario; each discussion needs its own part (phase Discussion, or "discussion" in the
    title), matched to discussions in order."""
    warnings = []
    for session in content.sessions:
        parts = session.meta.get("parts", [])
        notebook = _rel(content, session.notebook)
        if _calls(session, "quiz") and not any(_part_covers(p, ("quiz",)) for p in parts):
            warnings.append(f"{notebook}: the quiz has no agenda part (add a part whose title says \"quiz\")")
        for scenario_id in dict.fromkeys(_calls(session, "scenario")):
            scenario = content.scenarios.get(scenario_id)
            title = (getattr(scenario, "title", "") or scenario_id).lower()
            if not any(_part_covers(p, SCENARIO_WORDS + (title, scenario_id)) for p in parts):
                warnings.append(f"{notebook}: scenario {scenario_id!r} has no agenda part "
                                "(add a part whose title says \"role-play\" or names the scenario)")
        discussions = [HEADING.search(source) for kind, source, tags, _ in session_cells(session)
                       if kind == "markdown" and "discussion" in tags]
        slots = [p for p in parts if p.get("phase") == "Discussion" or _part_covers(p, ("discussion",))]
        for heading in discussions[len(slots):]:
            name = heading.group(1) if heading else "a discussion"
            warnings.append(f"{notebook}: {name!r} has no agenda part of its own ({len(discussions)} discussions, "
                            f"{len(slots)} discussion part(s)); give it time or cut it")
    return warnings


def review_warnings(content: Content, today: dt.date | None = None, max_age_months: int | None = None) -> list[str]:
    """Everything `dpskit check` warns about after the content is valid."""
    return (source_age_warnings(content, today, max_age_months) + unverified_claim_warnings(content)
            + uncovered_activity_warnings(content))


def _blocks(source: str) -> list[str]:
    """Paragraphs, with each list item on its own, so a dated bullet doesn't drag its list along."""
    return [item for paragraph in re.split(r"\n\s*\n", source) for item in LIST_ITEM.split(paragraph) if item.strip()]


def _first_sentences(text: str, limit: int = 220) -> str:
    text = " ".join(re.sub(rf"(?:{DATED_MARK.pattern})\s*[:.,]?", "", text.replace("*", ""), flags=re.IGNORECASE).split())
    text = re.sub(r"^[\s:.,;-]+", "", text).strip()
    text = re.sub(r"\s*\[@[a-z0-9-]+\]", "", text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind("; "))
    return (cut[: stop + 1] if stop > 80 else cut.rsplit(" ", 1)[0] + " …").strip()


def _cells_in_language(content: Content, session: Session):
    """session_cells, with the markdown read through the content's catalogues in a translated build."""
    from ..catalogs import translator

    translated = translator(content.root, content.language)
    if translated is None:
        return session_cells(session)
    import nbformat

    nb = translated.notebook(_rel(content, session.notebook), nbformat.read(session.notebook, as_version=4))
    return tuple((cell.cell_type, cell.source, tuple(cell.metadata.get("tags", [])),
                  cell.metadata.get("slideshow", {}).get("slide_type", "-")) for cell in nb.cells)


def check_before_teaching(content: Content, session_id: str) -> SessionReview:
    """Dated claims in the session, the unverified and secondary sources it cites, and the
    contacts to confirm, in teaching order: the box at the top of the session's guide."""
    session = content.session(session_id)
    review = SessionReview()
    slide_title = ""
    for kind, source, tags, slide_type in _cells_in_language(content, session):
        if kind != "markdown":
            continue
        heading = HEADING.search(source)
        if slide_type == "slide" and heading:
            slide_title = heading.group(1).replace("*", "")
        for paragraph in _blocks(source):
            if DATED_MARK.search(paragraph) and not HEADING.fullmatch(paragraph.strip()):
                claim = _first_sentences(paragraph)
                entry = f"{slide_title}: {claim}" if slide_title and not claim.startswith(slide_title) else claim
                if entry not in review.dated:
                    review.dated.append(entry)
        for placeholder_kind, key in PLACEHOLDER.findall(source):
            if placeholder_kind == "contact" and key not in review.contacts:
                review.contacts.append(key)
    labels = {c["key"]: c["label"] for c in (content.pocket_card.contacts if content.pocket_card else ())}
    review.contacts = [f"{labels.get(key, key.replace('_', ' ').capitalize())} (workshop.yml contacts.{key})"
                       for key in review.contacts]
    review.contacts += [step for step in session.meta.get("preparation", []) if CONFIRM.search(step)]
    cited = session_citations(content, session)
    order = {"unverified": 0, "secondary": 1}
    review.sources = sorted((content.sources[sid] for sid in cited if sid in content.sources
                             and content.sources[sid].status in order),
                            key=lambda s: (order[s.status], s.title))
    for source in (content.sources[sid] for sid in cited if sid in content.sources):
        if source.note.startswith("[DATED]"):
            claim = f"{source.title}: {_first_sentences(source.note)}"
            if claim not in review.dated:
                review.dated.append(claim)
    return review
