"""YAML loading that remembers where every key and item came from."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import __version__ as ruamel_version
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from .sealed import seal, unseal


LOADER_VERSION = 2  # cached trees from a loader with other rules (aliases, dates) are not reused


class YamlDocument:
    """Plain Python data plus a way to ask which line a key path came from."""

    def __init__(self, path: Path, data: Any, lines: Any, digest: str = ""):
        self.path = path
        self.data = data
        self._lines = lines
        self.digest = digest  # of the file's bytes: what a result about this document may be keyed on

    @classmethod
    def parsed(cls, path: Path, tree: Any) -> "YamlDocument":
        return cls(path, _plain(tree), _lines(tree))

    def line(self, key_path: tuple = ()) -> int | None:
        """1-based line of the deepest node on `key_path` that exists."""
        node, line = self._lines, 1
        for key in key_path:
            if node and "map" in node:
                entry = next((e for e in node["map"] if e[0] == key), None)
                if entry is None:
                    break
                line = entry[1] or line  # a key from a merge has no position of its own
                node = entry[2]
            elif node and "seq" in node and isinstance(key, int) and key < len(node["seq"]):
                line, node = node["seq"][key]
            else:
                break
        return line


def _lines(node: Any) -> Any:
    """Where each key and item of a round-trip tree starts, as plain JSON-able data
    ({"map": [[key, line, sub]]}, {"seq": [[line, sub]]}, None for a scalar)."""
    if isinstance(node, CommentedMap):
        entries = []
        for key in node:
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                line = None
            entries.append([key, line, _lines(node[key])])
        return {"map": entries}
    if isinstance(node, CommentedSeq):
        return {"seq": [[node.lc.item(i)[0] + 1, _lines(item)] for i, item in enumerate(node)]}
    return None


class YamlSyntaxError(Exception):
    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


class _NoAliases(Composer):
    """Content never needs anchors and aliases, and a few lines of nested aliases expand to
    billions of nodes (an "alias bomb"): refuse every alias where it is used."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            raise ComposerError(None, None, f"alias *{event.anchor}: dpskit content does not use YAML aliases or merge keys (<<); "
                                "write the values out", event.start_mark)
        return super().compose_node(parent, index)


class _DatesAsText(RoundTripConstructor):
    """Dates stay the text they were written as: the schemas and checks judge them and report an
    impossible date (2026-02-30) with its file and line instead of failing to construct it."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", _DatesAsText.construct_yaml_str)


def _hint(problem: str, text: str, line: int | None) -> str:
    """What usually causes the parser's complaint, in an author's words."""
    here = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    if "'\\t'" in problem or "\t" in here[: len(here) - len(here.lstrip())]:
        return " (YAML indents with spaces, never tabs: replace the tab at the start of this line with spaces)"
    if "mapping values are not allowed" in problem:
        key, _, value = here.strip().lstrip("- ").partition(": ")
        example = f'{key}: "{value.strip()}"' if value else 'key: "text: with a colon"'
        return f" (a text holding \": \" must be quoted: {example[:90]})"
    return ""


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, max(0, position)) + 1


def load_yaml(path: Path, cache: Path | None = None) -> YamlDocument:
    """Parse one content file with line numbers; every problem becomes a YamlSyntaxError naming file
    and line. ruamel's round-trip parser is slow (seconds for data/), so a parsed file is kept in
    `cache` (the user's own cache folder, never a pack) by its bytes, as JSON: an edit re-parses
    only the file it touched, and a cache file is data, never code."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlSyntaxError(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None
    salt = f"{ruamel_version} {LOADER_VERSION} {path.name}".encode()
    digest = hashlib.sha256(salt + raw).hexdigest()[:32]
    kept = cache / f"{digest}.json" if cache else None
    if kept is not None:
        try:
            cached = unseal(kept.read_text(encoding="utf-8"))
            if isinstance(cached, dict):
                return YamlDocument(path, cached["data"], cached["lines"], digest)
        except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: parse again
            pass
    yaml = YAML(typ="rt")
    yaml.Composer, yaml.Constructor = _NoAliases, _DatesAsText
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = f"{exc.problem or exc.context}"
        raise YamlSyntaxError(path, line, f"invalid YAML: {problem}{_hint(problem, text, line)}") from None
    except ReaderError as exc:  # a control character or other unreadable character
        raise YamlSyntaxError(path, _line_of(text, exc.position), "invalid YAML: control character "
                              f"U+{ord(exc.character) if isinstance(exc.character, str) else exc.character:04X} is not allowed; delete it") from None
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise YamlSyntaxError(path, None, f"invalid YAML: {exc}") from None
    document = YamlDocument.parsed(path, tree)
    document.digest = digest
    if kept is not None:
        _keep(kept, document)
    return document


def _keep(kept: Path, document: YamlDocument) -> None:
    """Store a parsed file only when JSON gives back exactly the same data (keys that are not
    text, say, would come back changed)."""
    try:
        text = json.dumps({"data": document.data, "lines": document._lines})
        if json.loads(text) != {"data": document.data, "lines": document._lines}:
            return
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_text(seal(json.loads(text)), encoding="utf-8")
        partial.replace(kept)
    except (OSError, TypeError, ValueError, RecursionError):
        pass  # no cache folder to write: still loads, only slower


def _plain(node: Any) -> Any:
    """ruamel's round-trip types to plain dict/list/str; dates become ISO strings."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, (dt.date, dt.datetime)):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    if isinstance(node, TaggedScalar):  # `!!python/...` and other tags: only their text is data
        return str(node.value)
    return node
