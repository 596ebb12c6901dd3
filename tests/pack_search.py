"""Search every file of a pack (and of its zip) for text only facilitators may read.

The phrases come from the sources, not from a list: each facilitator cell of the pack's
sessions, each quiz's talking points, each scenario's facilitator prompts, each authored guide,
each session's preparation notes, plus the headings of the guide and the answer key."""

from __future__ import annotations

import base64
import html
import json
import re
import zipfile
from pathlib import Path

import nbformat
from ruamel.yaml import YAML

HEADINGS = ("Answer key", "Facilitator guide", "Facilitator note", "Talking points", "Check before you teach",
            "Run of show, notes and answer key")
MARKUP = re.compile(r"[*_`#>\[\]()|{}\"'“”‘’]")
CITATION = re.compile(r"\[@[^\]]+\]")
PAYLOAD = re.compile(r'data-(?:key|scenario)="([A-Za-z0-9+/=]+)"')


def normalize(text: str) -> str:
    return " ".join(MARKUP.sub(" ", CITATION.sub(" ", text)).lower().split())


def phrases(text: str, per_block: int = 2, words: int = 7) -> list[str]:
    """The longest sentence fragments of a block of text, normalized: specific enough that finding
    one elsewhere means the text was copied there."""
    fragments = [normalize(f) for f in re.split(r"[.!?;:\n]", CITATION.sub(" ", text))]
    fragments = [f for f in fragments if len(f.split()) >= words]
    return sorted(fragments, key=len, reverse=True)[:per_block]


def participant_visible(root: Path) -> str:
    """Everything participants are meant to read: the sessions' own text and the shared data
    (sources, timeline, glossary, scripts, pocket card; not the quiz banks and scenarios, which
    hold facilitator fields). A facilitator note that repeats a sentence of a slide or of the
    timeline is not a leak."""
    text = []
    for path in sorted((root / "sessions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        text += [cell.source for cell in nb.cells if cell.cell_type == "markdown"
                 and "facilitator" not in cell.metadata.get("tags", []) and cell.metadata.get("slideshow", {}).get("slide_type") != "notes"]
    text += [path.read_text(encoding="utf-8") for path in sorted((root / "data").glob("*.*"))]
    return normalize("\n".join(text))


def facilitator_only(root: Path, session_ids) -> dict[str, list[str]]:
    """kind -> phrases that must never reach participants."""
    found: dict[str, list[str]] = {"notes": [], "talking points": [], "scenario prompts": [], "guide": [],
                                   "preparation": [], "headings": [normalize(h) for h in HEADINGS]}
    yaml = YAML(typ="safe")
    for session_id in session_ids:
        nb = nbformat.read(root / "sessions" / f"{session_id}.ipynb", as_version=4)
        for cell in nb.cells:
            facilitator = "facilitator" in cell.metadata.get("tags", []) or cell.metadata.get("slideshow", {}).get("slide_type") == "notes"
            if facilitator and "{{" not in cell.source:
                found["notes"] += phrases(cell.source)
        for step in nb.metadata.get("dpskit", {}).get("preparation", []):
            found["preparation"] += phrases(step, 1, 6)
        bank = root / "data" / "quizzes" / f"{session_id}.yaml"
        if bank.is_file():
            for item in yaml.load(bank.read_text())["items"]:
                found["talking points"] += phrases(item.get("talking_points", ""), 1)
        guide = root / "facilitator_guides" / f"{session_id}.md"
        if guide.is_file():
            for block in guide.read_text().split("\n\n"):
                found["guide"] += phrases(block, 1, 8)
    for path in sorted((root / "data" / "scenarios").glob("*.yaml")):
        scenario = yaml.load(path.read_text())
        if scenario["session"] in session_ids:
            for node in scenario["nodes"].values():
                found["scenario prompts"] += phrases(node.get("facilitator", ""), 1)
    shared = participant_visible(root)
    return {kind: sorted({p for p in items if kind == "headings" or p not in shared}) for kind, items in found.items()}


def readable(name: str, data: bytes) -> str:
    """What a person could read in a file: text, notebook strings, page text and decoded payloads."""
    text = data.decode("utf-8", errors="ignore")
    if name.endswith(".ipynb"):
        strings: list[str] = []

        def walk(value):
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                [walk(v) for v in value.values()]
            elif isinstance(value, list):
                [walk(v) for v in value]
        walk(json.loads(text))
        text = "\n".join(strings)
    payloads = [base64.b64decode(p).decode("utf-8", errors="ignore") for p in PAYLOAD.findall(text)]
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return normalize(" ".join([text, *payloads]))


def pack_texts(folder: Path, archive: Path | None = None) -> dict[str, str]:
    """Every file of the pack, and every member of its zip, as readable text."""
    texts = {p.relative_to(folder).as_posix(): readable(p.name, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}
    if archive is not None:
        with zipfile.ZipFile(archive) as bundle:
            texts.update({f"zip:{n}": readable(n, bundle.read(n)) for n in bundle.namelist() if not n.endswith("/")})
    return texts


def leaks(texts: dict[str, str], forbidden: dict[str, list[str]]) -> list[str]:
    return [f"{kind}: {phrase!r} in {name}" for kind, items in forbidden.items() for phrase in items
            for name, text in texts.items() if phrase in text]
