"""`dpskit new`: a session, a quiz item or a scenario that passes `dpskit check` from the first minute.

A new session is marked `status: draft` in curriculum.yml, so the session standard
(dpskit.content.standard) lists what is still to write as warnings; it builds at once. Files are
written as text in the shape the existing content has (notebooks as JSON with one-space indent,
YAML appended, never re-serialized), so a maintainer's diff shows only what was added.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from .content.loader import MANIFEST

SESSION_ID = re.compile(r"^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$")
ITEM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ScaffoldError(ValueError):
    """A `dpskit new` request that cannot be carried out; the message says what to change."""


def _cell(cell_type: str, source: str, slide_type: str, tags: list[str] | None = None, prefix: str = "") -> dict:
    metadata: dict = {"slideshow": {"slide_type": slide_type}}
    if tags:
        metadata["tags"] = tags
    cell = {"cell_type": cell_type, "id": f"{prefix}{uuid.uuid4().hex[:8]}", "metadata": metadata, "source": source}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _notes(text: str, prefix: str) -> dict:
    return _cell("markdown", text, "notes", ["facilitator"], prefix)


def session_notebook(session_id: str, title: str) -> dict:
    """A draft session: metadata with ADIDS parts, a title and an agenda slide with notes, a first
    quiz question and the disclaimer. Every text says what to write in its place."""
    prefix = f"s{session_id[:2]}-"
    first_quiz = f"{session_id[:2]}-first-question"
    cells = [
        _cell("code", "from dpskit.notebook import *", "skip", ["setup"], prefix),
        _cell("markdown", f"# {title}\n\n**Defend Peoples' Struggle: know and assert your rights**", "slide", ["handout-skip"], prefix),
        _notes("Welcome people and repeat the room agreements: anyone can pass, what's shared stays here, and\n"
               "this is legal information, not legal advice. (Write what the facilitator says here.)", prefix),
        _cell("markdown", "## What we will do today\n\n1. Write the first objective in plain words.", "slide", None, prefix),
        _notes("Read the objectives aloud. (Write the facilitator's words for this slide.)", prefix),
        _cell("markdown", "## Opening\n\nAn activity in the first 15 minutes: a question people answer from experience.", "slide", None, prefix),
        _notes("How to run the opening, what to listen for, and how long it takes.", prefix),
        _cell("code", f'quiz("{first_quiz}")', "slide", None, prefix),
        _cell("code", "disclaimer()", "slide", None, prefix),
    ]
    meta = {
        "id": session_id,
        "title": title,
        "summary": "One paragraph: who this session is for and what they leave able to do.",
        "objectives": ["Write each objective as something a participant can do by the end"],
        "key_points": ["Write each key point as a sentence a participant takes home"],
        "preparation": [],
        "materials": [],
        "parts": [
            {"title": "Opening", "phase": "Activity", "kind": "activity", "minutes": 10},
            {"title": "Input", "phase": "Input", "kind": "teaching", "minutes": 15},
            {"title": "Quiz and practice", "phase": "Deepening", "kind": "activity", "minutes": 25},
            {"title": "Closing", "phase": "Synthesis", "kind": "activity", "minutes": 10},
        ],
    }
    return {
        "cells": cells,
        "metadata": {
            "dpskit": meta,
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def quiz_item_yaml(item_id: str) -> str:
    """One single-choice item in the bank's YAML shape, to be written over by the author."""
    return f"""
  - id: {item_id}
    type: single
    prompt: Write the question as a situation a participant could meet. What is true?
    options:
      - text: A tempting belief people really hold (a wrong answer).
        correct: false
        feedback: >-
          Why people believe it, and what is true instead.
      - text: The correct answer, no longer than the others.
        correct: true
        feedback: >-
          Why this is right, in one or two sentences.
      - text: Another belief people really hold (a wrong answer).
        correct: false
        feedback: >-
          Why people believe it, and what is true instead.
    explanation: >-
      The law or fact behind the answer, with what varies by state or has changed recently.
    talking_points: What the facilitator draws out after the vote.
    sources: []
"""


def scenario_yaml(scenario_id: str, session_id: str) -> str:
    return f"""id: {scenario_id}
title: Write the title of the role-play
session: {session_id}
summary: >-
  Two sentences: where the participant is and what happens.
sources: []
start: start
nodes:
  start:
    situation: >-
      What the participant sees and hears at the start.
    facilitator: >-
      What to ask the room before anyone chooses.
    choices:
      - text: The choice that protects people best.
        consequence: >-
          What follows, and why it is the safer choice.
        next: good-ending
        best: true
      - text: A choice people often make under stress.
        consequence: >-
          What follows, without blaming the person who chose it.
        next: hard-ending
  good-ending:
    situation: >-
      How it ends when people use their rights.
    ending: good
    debrief: >-
      What the group should take from this ending.
  hard-ending:
    situation: >-
      How it ends when the pressure worked.
    ending: hard
    debrief: >-
      What could have gone differently, and what to do now.
"""


GUIDE = """## Look up before teaching: what varies where you teach

- What a facilitator must check locally before this session ([STATE], [DATED]).

## Before the session

- What to print, bring and prepare.

## Timing tips

- Where the session tends to run long, and what to shorten.

## Facilitation tips

- How to run each activity.

## Care for participants who have lived these encounters

- What to watch for, and how to make room for it.

## Debrief questions

- Questions for the end of the session.
"""


def _insert_manifest_entry(root: Path, session_id: str) -> None:
    """Add the session to curriculum.yml in number order, as `status: draft`, keeping the file's text."""
    manifest = root / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    entry = [f"  - id: {session_id}\n", f"    notebook: sessions/{session_id}.ipynb\n", "    status: draft\n"]
    at = len(lines)
    for index, line in enumerate(lines):
        found = re.match(r"\s*- id: (\S+)", line)
        if found and found.group(1) > session_id:
            at = index
            break
    if at == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    manifest.write_text("".join(lines[:at] + entry + lines[at:]), encoding="utf-8")


def _read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_notebook(path: Path, notebook: dict) -> None:
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _insert_call_cell(path: Path, call: str, session_id: str) -> int:
    """Put a one-line call slide before the session's score() or disclaimer() cell; its index."""
    notebook = _read_notebook(path)
    cells = notebook["cells"]
    closing = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and "".join(c["source"]).strip() in ("score()", "disclaimer()")]
    at = closing[0] if closing else len(cells)
    cells.insert(at, _cell("code", call, "slide", None, f"s{session_id[:2]}-"))
    _write_notebook(path, notebook)
    return at


def _catalogue_languages(root: Path) -> list[str]:
    locale = root / "locale"
    return sorted(p.name for p in locale.iterdir() if p.is_dir()) if locale.is_dir() else []


def _update_catalogues(root: Path) -> list[str]:
    """New English comes into every language's catalogues as empty entries to translate."""
    from .catalogs import update

    return [f"locale/{language}/{name}.po" for language in _catalogue_languages(root) for name in update(root, language)]


def _session_ids(root: Path) -> list[str]:
    from .content.yamlio import load_yaml

    return [entry["id"] for entry in load_yaml(root / MANIFEST).data.get("sessions", [])]


def new_session(root: Path, session_id: str, title: str) -> list[str]:
    """Scaffold a draft session; the files written and updated, relative to root."""
    if not SESSION_ID.match(session_id):
        raise ScaffoldError(f"session id {session_id!r}: two digits, a dash and lowercase words, like 10-after-a-visit")
    if session_id in _session_ids(root):
        raise ScaffoldError(f"session {session_id!r} is already in {MANIFEST}")
    if any(other[:3] == session_id[:3] for other in _session_ids(root)):
        raise ScaffoldError(f"number {session_id[:2]} is taken in {MANIFEST}: quiz ids start with it, so choose another")
    if not title.strip():
        raise ScaffoldError("--title is empty: give the session's title as participants will read it")
    targets = {
        "notebook": root / "sessions" / f"{session_id}.ipynb",
        "bank": root / "data" / "quizzes" / f"{session_id}.yaml",
        "guide": root / "facilitator_guides" / f"{session_id}.md",
    }
    existing = [p.relative_to(root).as_posix() for p in targets.values() if p.exists()]
    if existing:
        raise ScaffoldError(f"{', '.join(existing)} already exist(s); move it away or choose another id")
    _write_notebook(targets["notebook"], session_notebook(session_id, title))
    targets["bank"].write_text(f"session: {session_id}\nitems:{quiz_item_yaml(f'{session_id[:2]}-first-question')}", encoding="utf-8")
    targets["guide"].write_text(GUIDE, encoding="utf-8")
    _insert_manifest_entry(root, session_id)
    written = [p.relative_to(root).as_posix() for p in targets.values()] + [MANIFEST]
    return written + _update_catalogues(root)


def _session_of(root: Path, session_id: str) -> Path:
    if session_id not in _session_ids(root):
        raise ScaffoldError(f"no session {session_id!r} in {MANIFEST}; known: {', '.join(_session_ids(root))}")
    return root / "sessions" / f"{session_id}.ipynb"


def new_quiz(root: Path, session_id: str, item_id: str) -> list[str]:
    """Append a quiz item to a session's bank and ask it in the notebook before the closing slides."""
    notebook = _session_of(root, session_id)
    full_id = item_id if item_id.startswith(session_id[:3]) else f"{session_id[:3]}{item_id}"
    if not ITEM_ID.match(full_id[3:]):
        raise ScaffoldError(f"quiz id {item_id!r}: lowercase words joined by dashes, like door-knock")
    bank = root / "data" / "quizzes" / f"{session_id}.yaml"
    from .content.yamlio import load_yaml

    if bank.is_file():
        data = load_yaml(bank).data
        if any(entry.get("id") == full_id for entry in data.get("items", [])):
            raise ScaffoldError(f"quiz id {full_id!r} is already in {bank.relative_to(root)}")
        if list(data)[-1] != "items":
            raise ScaffoldError(f"{bank.relative_to(root)}: `items:` must be the last key to append to it")
        text = bank.read_text(encoding="utf-8")
        bank.write_text(text + ("" if text.endswith("\n") else "\n") + quiz_item_yaml(full_id), encoding="utf-8")
    else:
        bank.write_text(f"session: {session_id}\nitems:{quiz_item_yaml(full_id)}", encoding="utf-8")
    at = _insert_call_cell(notebook, f'quiz("{full_id}")', session_id)
    return [f"{bank.relative_to(root)} (item {full_id})", f"{notebook.relative_to(root)} (cell {at})"] + _update_catalogues(root)


def new_scenario(root: Path, scenario_id: str, session_id: str) -> list[str]:
    """A two-ending role-play in data/scenarios/, played in the session before its closing slides."""
    notebook = _session_of(root, session_id)
    if not ITEM_ID.match(scenario_id):
        raise ScaffoldError(f"scenario id {scenario_id!r}: lowercase words joined by dashes, like door-knock")
    path = root / "data" / "scenarios" / f"{scenario_id}.yaml"
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(root)} already exists")
    path.write_text(scenario_yaml(scenario_id, session_id), encoding="utf-8")
    at = _insert_call_cell(notebook, f'scenario("{scenario_id}")', session_id)
    return [path.relative_to(root).as_posix(), f"{notebook.relative_to(root)} (cell {at})"] + _update_catalogues(root)


def _clear_outputs(notebook: dict) -> None:
    """What running a notebook adds to its code cells: outputs, counts and run metadata."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            for key in ("execution", "collapsed", "scrolled"):
                cell.get("metadata", {}).pop(key, None)


def strip_outputs(paths: list[Path]) -> list[Path]:
    """Clear what running added to each notebook, keeping the file's own JSON layout; the files changed."""
    changed = []
    for path in paths:
        notebook = _read_notebook(path)
        _clear_outputs(notebook)
        if notebook != _read_notebook(path):
            _write_notebook(path, notebook)
            changed.append(path)
    return changed


def lab_pre_save(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """Jupyter's pre-save hook for `make lab`: a session notebook is saved as git wants it, with no
    outputs, no execution counts and the kernel metadata it had (Lab rewrites language_info)."""
    if model.get("type") != "notebook" or not path.startswith("sessions/"):
        return
    notebook = model["content"]
    _clear_outputs(notebook)
    notebook.setdefault("metadata", {}).update(
        kernelspec={"display_name": "Python 3", "language": "python", "name": "python3"}, language_info={"name": "python"})
