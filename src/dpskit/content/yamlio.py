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
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError


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
                line = node.lc.key(key)[0] + 1
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


def load_yaml(path: Path, cache: Path | None = None) -> YamlDocument:
    """Parse with line numbers. ruamel's round-trip parser is slow (seconds for data/), so a
    parsed file is kept in `cache` by its bytes: an edit re-parses only the file it touched."""
    text = path.read_text(encoding="utf-8")
    kept = cache / f"{hashlib.sha256(f'{ruamel_version} {path.name}'.encode() + text.encode()).hexdigest()[:32]}.pickle" if cache else None
    if kept is not None:
        try:
            tree = pickle.loads(kept.read_bytes())
            return YamlDocument(path, tree)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
            pass
    yaml = YAML(typ="rt")
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(path, line, f"invalid YAML: {exc.problem or exc.context}") from exc
    if kept is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_bytes(pickle.dumps(tree))
            partial.replace(kept)
        except OSError:
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
    return node
