"""The data a pack carries so its notebooks run from the pack alone (a USB stick, a read-only
share): a curriculum.yml listing the pack's sessions and the data/ those sessions use.

Quiz banks and scenarios of sessions the workshop did not choose stay out (the loader rejects a
bank whose session is not in the manifest). The participant copy also drops what only a
facilitator should read: quiz talking points and scenario facilitator notes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable, Mapping

from .content import Content

MANIFEST = "curriculum.yml"
# Per data kind, the keys only a facilitator reads (the loader treats all of them as optional).
FACILITATOR_ONLY = {"quizzes": "talking_points", "scenarios": "facilitator"}


def write_pack_data(content: Content, session_ids: Iterable[str], pack: Path, *,
                    notebooks: Mapping[str, str], participant: bool) -> list[Path]:
    """Write `pack`/curriculum.yml and `pack`/data/ for `session_ids`; return the files written.

    `notebooks` maps each session id to its notebook's path inside the pack (the manifest must
    point at files that exist there). Only copies and filters the build's own inputs."""
    from .catalogs import translator

    chosen = list(dict.fromkeys(session_ids))
    source, target = content.root / "data", Path(pack) / "data"
    translated = translator(content.root, content.language)  # the pack's data in the pack's language
    written: list[Path] = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or _excluded(path.relative_to(source), chosen, content):
            continue
        rel = path.relative_to(source)
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        key = FACILITATOR_ONLY.get(rel.parts[0]) if len(rel.parts) > 1 and participant else None
        text = None
        if translated is not None and path.suffix in (".yaml", ".csv"):
            text = translated.file_text(path.relative_to(content.root).as_posix(), path.read_text(encoding="utf-8"))
        if key and path.suffix == ".yaml":
            _write_without(text if text is not None else path.read_text(encoding="utf-8"), out, key)
        elif text is not None:
            out.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(path, out)
        written.append(out)
    written.append(_write_manifest(content, chosen, Path(pack), notebooks))
    return written


def _excluded(rel: Path, chosen: list[str], content: Content) -> bool:
    """A bank or scenario that belongs to a session outside the pack."""
    if len(rel.parts) != 2 or rel.suffix != ".yaml":
        return False
    if rel.parts[0] == "quizzes":
        return rel.stem not in chosen
    if rel.parts[0] == "scenarios":
        scenario = content.scenarios.get(rel.stem)
        return scenario is None or scenario.session not in chosen
    return False


def _write_without(text: str, out: Path, key: str) -> None:
    """Round-trip the YAML (comments and layout kept) with every `key` removed, at any depth."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    data = yaml.load(text)
    _drop(data, key)
    with out.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


def _drop(node, key: str) -> None:
    if isinstance(node, dict):
        node.pop(key, None)
        for value in node.values():
            _drop(value, key)
    elif isinstance(node, list):
        for value in node:
            _drop(value, key)


def _write_manifest(content: Content, chosen: list[str], pack: Path, notebooks: Mapping[str, str]) -> Path:
    from ruamel.yaml import YAML

    from .i18n import language

    manifest = {  # the build's language: the pack's notebooks speak it (see dpskit.notebook)
        "title": content.title, "license": content.license, "language": language(),
        "sessions": [{"id": sid, "notebook": notebooks[sid]} for sid in chosen],
    }
    out = pack / MANIFEST
    with out.open("w", encoding="utf-8") as handle:
        handle.write("# Written by dpskit build for the notebooks in this pack; edit the source curriculum instead.\n")
        YAML(typ="safe", pure=True).dump(manifest, handle)
    return out
