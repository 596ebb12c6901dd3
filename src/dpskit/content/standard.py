"""The session standard: what every session must have before it is taught, checked by `dpskit check`.

The test suite calls this module rather than restating the rules, so a session that passes
`dpskit check` never fails a session test. A session marked `status: draft` in curriculum.yml
(what `dpskit new session` writes) meets the same rules as warnings: "still to write", not errors.
Saved outputs are an error in every session: they leak a participant's answers into git.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from .errors import ContentError
from .loader import CITATION, notebook_calls
from .model import Content, Session

MINUTES = (60, 100)
MIN_OBJECTIVES = 3
MIN_KEY_POINTS = 3
MIN_SLIDES = 8
MIN_QUIZ_ITEMS = 6
STRIP_HINT = "clear them with `dpskit strip` (or Kernel > Restart and Clear Outputs, then save)"


@dataclass(frozen=True)
class StandardReport:
    errors: list[ContentError]
    warnings: list[ContentError]  # what a draft session still has to write


def _slide_kind(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _slides_without_notes(cells) -> list[int]:
    """Content slides (markdown) not followed by a notes cell before the next slide."""
    missing, current, has_notes = [], None, True
    for index, cell in enumerate(cells):
        kind = _slide_kind(cell)
        if kind in ("slide", "subslide"):
            if current is not None and not has_notes:
                missing.append(current)
            current, has_notes = (index if cell.cell_type == "markdown" else None), False
        elif kind == "notes":
            has_notes = True
    if current is not None and not has_notes:
        missing.append(current)
    return missing


def _cell_key(cells, index: int) -> str:
    cell_id = cells[index].get("id")
    return f"cells[{index}]" + (f" (id {cell_id})" if cell_id else "")


def _shortfalls(content: Content, session: Session, cells) -> list[tuple[str, str]]:
    """(key, message) for each rule of the standard the session does not meet yet."""
    meta = session.meta
    found: list[tuple[str, str]] = []
    low, high = MINUTES
    if not low <= session.minutes <= high:
        found.append(("metadata.dpskit.parts", f"the parts add up to {session.minutes} minutes; a session takes {low}-{high}"))
    for index, part in enumerate(meta.get("parts", [])):
        if not part.get("phase"):
            found.append((f"metadata.dpskit.parts[{index}].phase",
                          f"part {part.get('title', index)!r} names no ADIDS phase (Activity, Discussion, Input, Deepening, Synthesis)"))
    for key, least in (("objectives", MIN_OBJECTIVES), ("key_points", MIN_KEY_POINTS)):
        if len(meta.get(key, [])) < least:
            found.append((f"metadata.dpskit.{key}", f"{key.replace('_', ' ')}: {len(meta.get(key, []))} of at least {least}"))
    slides = sum(1 for cell in cells if _slide_kind(cell) == "slide")
    if slides < MIN_SLIDES:
        found.append(("cells", f"slides: {slides} of at least {MIN_SLIDES}"))
    quizzes = [arg for cell in cells if cell.cell_type == "code"
               for name, args, _ in notebook_calls(cell.source) if name == "quiz" for arg in args]
    if len(quizzes) < MIN_QUIZ_ITEMS:
        found.append(("cells", f"quiz questions: {len(quizzes)} of at least {MIN_QUIZ_ITEMS}"))
    for item in content.bank(session.id):
        if not item.sources:
            found.append(("", f"quiz item {item.id} in data/quizzes/{session.id}.yaml cites no source (sources: [id from data/sources.yaml])"))
    for scenario_id, story in sorted(content.scenarios.items()):
        if story.session == session.id and not story.sources:
            found.append(("", f"scenario data/scenarios/{scenario_id}.yaml cites no source"))
    unused = sorted({item.id for item in content.bank(session.id)} - set(quizzes))
    if unused:
        found.append(("cells", f"quiz items in data/quizzes/{session.id}.yaml never asked: {', '.join(unused)} "
                               f"(add a cell quiz(\"{unused[0]}\") where it belongs)"))
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and len(cell.source.strip().splitlines()) > 1:
            found.append((_cell_key(cells, index), "a code cell holds one line, like quiz(\"id\"): split or move the rest"))
    for index in _slides_without_notes(cells):
        found.append((_cell_key(cells, index), "a content slide without facilitator notes: add a markdown cell after it "
                                               "with Slide Type \"Notes\" and the tag facilitator"))
    if not (content.root / "facilitator_guides" / f"{session.id}.md").is_file():
        found.append(("", f"facilitator_guides/{session.id}.md is missing (dpskit new session writes one to fill in)"))
    return found


def _saved_outputs(cells) -> list[int]:
    return [index for index, cell in enumerate(cells)
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


def _texts(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def _citations_in_data(content: Content) -> list[ContentError]:
    """[@id] is notebook markdown's citation; quiz items cite through `sources:`, where the views
    number and link them. In an item's text it would print raw in the answer key."""
    errors = []
    for item in content.quiz_items.values():
        cited = sorted({found for text in _texts(asdict(item)) for found in CITATION.findall(text)})
        if cited:
            errors.append(ContentError(f"data/quizzes/{item.session}.yaml", None, item.id,
                                       f"[@{cited[0]}] in a quiz text prints as it is; list the id under the item's sources: instead"))
    return errors


def check_standard(content: Content) -> StandardReport:
    """Every session against the standard: errors for sessions ready to teach, warnings for drafts."""
    import nbformat

    errors: list[ContentError] = _citations_in_data(content)
    warnings: list[ContentError] = []
    for session in content.sessions:
        if not session.notebook.is_file():
            continue
        rel = Path(session.notebook).relative_to(content.root).as_posix()
        cells = nbformat.read(session.notebook, as_version=4).cells
        saved = _saved_outputs(cells)
        if saved:
            errors.append(ContentError(rel, None, _cell_key(cells, saved[0]),
                                       f"{len(saved)} code cell(s) saved with outputs or execution counts; {STRIP_HINT}"))
        draft = session.status == "draft"
        for key, message in _shortfalls(content, session, cells):
            if draft:
                warnings.append(ContentError(rel, None, key, f"draft, still to write: {message}"))
            else:
                errors.append(ContentError(rel, None, key, message))
    return StandardReport(errors, warnings)
