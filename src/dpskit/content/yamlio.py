"""YAML loading that remembers where every key and item came from."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
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


LOADER_VERSION = 2  # cached trees from a loader with other rules (aliases, dates) are not reused


class YamlDocument:
    """Plain Python data plus a way to ask which line a key path came from."""

    def __init__(self, path: Path, tree: Any):
        self.path = path
        self._tree = tree
        self.data = _plain(tree)

    def line(self, key_path: tuple = ()) -> int | None:
        """1-based line of the deepest node on `key_path` that exists."""
        node, line = self._tree, 1
        for key in key_path:
            if isinstance(node, CommentedMap) and key in node:
                try:
                    line = node.lc.key(key)[0] + 1
                except (KeyError, TypeError):  # no position of its own (a key from a merge)
                    pass
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        return line


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


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, max(0, position)) + 1


def load_yaml(path: Path, cache: Path | None = None) -> YamlDocument:
    """Parse one content file with line numbers; every problem becomes a YamlSyntaxError naming file
    and line. ruamel's round-trip parser is slow (seconds for data/), so a parsed file is kept in
    `cache` by its bytes: an edit re-parses only the file it touched."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlSyntaxError(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None
    salt = f"{ruamel_version} {LOADER_VERSION} {path.name}".encode()
    kept = cache / f"{hashlib.sha256(salt + raw).hexdigest()[:32]}.pickle" if cache else None
    if kept is not None:
        try:
            return YamlDocument(path, pickle.loads(kept.read_bytes()))
        except Exception:  # noqa: BLE001 - a damaged cache entry is parsed again
            pass
    yaml = YAML(typ="rt")
    yaml.Composer, yaml.Constructor = _NoAliases, _DatesAsText
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except ReaderError as exc:  # a control character or other unreadable character
        raise YamlSyntaxError(path, _line_of(text, exc.position), "invalid YAML: control character "
                              f"U+{ord(exc.character) if isinstance(exc.character, str) else exc.character:04X} is not allowed; delete it") from None
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise YamlSyntaxError(path, None, f"invalid YAML: {exc}") from None
    if kept is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_bytes(pickle.dumps(tree))
            partial.replace(kept)
        except (OSError, RecursionError):
            pass  # a read-only checkout still loads, only slower
    return YamlDocument(path, tree)


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
