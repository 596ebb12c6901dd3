"""Validated content kept as JSON in the user's own cache folder, so an unchanged curriculum (or a
pack on a USB stick) is not parsed again by every kernel and build.

Never beside the content: a pack may be read-only or shared, and nothing is written into it.
JSON only: a cache file is data, never code (no pickle), and a stale or broken one (checksum: see
sealed.py) is ignored.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .model import Content, Disclaimer, GlossaryTerm, PocketCard, QuizItem, Script, Session, Source
from .scenario import Scenario
from .sealed import seal, unseal

FORMAT = 1


def cache_folder() -> Path:
    """$DPSKIT_CACHE_DIR (participant and room mode: a temporary folder), else $XDG_CACHE_HOME/dpskit
    (platformdirs' user cache folder for dpskit)."""
    if os.environ.get("DPSKIT_CACHE_DIR"):
        return Path(os.environ["DPSKIT_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dpskit", appauthor=False))


def _cache_file(root: Path, notebooks: bool, language: str | None = None) -> Path:
    name = hashlib.sha256(f"{root}\0{notebooks}{chr(0) + language if language else ''}".encode()).hexdigest()[:24]
    return cache_folder() / f"content-{name}.json"


def read_cached(root: Path, notebooks: bool, key: str, language: str | None = None) -> Content | None:
    """The content cached for `root` (in `language`) under `key`, or None (missing, stale or unreadable)."""
    try:
        data = unseal(_cache_file(root, notebooks, language).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return _from_dict(data["content"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # damaged: a missed shortcut, no error
        return None


def write_cached(root: Path, notebooks: bool, key: str, content: Content, language: str | None = None) -> None:
    """Keep `content` for the next load; a cache folder that cannot be written is no error."""
    target = _cache_file(root, notebooks, language)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(seal({"format": FORMAT, "key": key, "content": asdict(content)}), encoding="utf-8")
        partial.replace(target)
    except OSError:
        pass


HANDLED = {"root", "title", "license", "language", "source_max_age_months", "sessions", "sources", "quiz_items", "scripts", "glossary",
           "timeline", "disclaimer", "scenarios", "pocket_card"}


def _from_dict(data: dict[str, Any]) -> Content:
    if set(data) != HANDLED:  # Content changed shape: parse again rather than lose a field
        raise KeyError("content fields changed")
    return Content(
        root=Path(data["root"]), title=data["title"], license=data["license"], language=data["language"],
        source_max_age_months=data["source_max_age_months"],
        sessions=[Session(**{**s, "notebook": Path(s["notebook"])}) for s in data["sessions"]],
        sources={k: Source(**v) for k, v in data["sources"].items()},
        quiz_items={k: QuizItem.from_dict(v) for k, v in data["quiz_items"].items()},
        scripts={k: Script(**{**v, "sources": tuple(v["sources"])}) for k, v in data["scripts"].items()},
        glossary=[GlossaryTerm(g["term"], g["definition"], tuple(g["sources"])) for g in data["glossary"]],
        timeline=data["timeline"],
        disclaimer=Disclaimer(**data["disclaimer"]) if data["disclaimer"] else None,
        scenarios={k: Scenario.from_dict(v) for k, v in data["scenarios"].items()},
        pocket_card=PocketCard(**{**data["pocket_card"], **{f: tuple(data["pocket_card"][f]) for f in ("scripts", "after", "contacts")}})
        if data["pocket_card"] else None,
    )
