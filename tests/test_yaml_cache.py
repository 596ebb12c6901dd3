"""The parse cache behind the content loader: JSON in the user's cache folder, never code, never in
the folder it reads (a pack on a shared stick must not be able to run anything in a kernel)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from dpskit.content.yamlio import load_yaml

SRC = Path(__file__).resolve().parents[1] / "src"

BANK = """\
items:
  - id: door
    prompt: Who is at the door?
    options:
      - text: An agent
        correct: true
"""


def test_a_cached_parse_gives_the_same_data_and_lines(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(BANK)
    cache = tmp_path / "cache"
    fresh = load_yaml(path, cache)
    [kept] = cache.glob("*.json")
    assert json.loads(kept.read_text())["payload"]["data"] == fresh.data
    again = load_yaml(path, cache)
    assert again.data == fresh.data
    for key_path in [(), ("items",), ("items", 0, "prompt"), ("items", 0, "options", 0, "correct"), ("items", 0, "nope")]:
        assert again.line(key_path) == fresh.line(key_path)
    assert fresh.line(("items", 0, "options", 0, "correct")) == 6


def test_a_damaged_cache_entry_is_parsed_again(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(BANK)
    cache = tmp_path / "cache"
    load_yaml(path, cache)
    [kept] = cache.glob("*.json")
    kept.write_bytes(b"\x80\x04not json")
    assert load_yaml(path, cache).data["items"][0]["id"] == "door"


def test_loading_content_writes_nothing_beside_it(mini_root, tmp_path, monkeypatch):
    from dpskit.content import load_valid_content

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    before = sorted(p.relative_to(mini_root) for p in mini_root.rglob("*"))
    load_valid_content(mini_root)
    assert sorted(p.relative_to(mini_root) for p in mini_root.rglob("*")) == before
    assert list((tmp_path / "user-cache").rglob("*.json")), "the parse cache belongs in the user's cache folder"


def test_no_module_unpickles_anything():
    uses = re.compile(r"^\s*(import|from)\s+(c?pickle|dill|marshal|shelve)\b", re.M)
    offenders = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if uses.search(p.read_text())]
    assert offenders == []
