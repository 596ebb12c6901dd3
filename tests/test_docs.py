"""The docs say what the tool does: the reference is the schemas', and the examples in README.md and
docs/authoring.md are run or validated."""

from __future__ import annotations

import json
from pathlib import Path

from dpskit.content.reference import reference

REPO = Path(__file__).resolve().parents[1]


def test_the_reference_is_written_from_the_schemas():
    assert (REPO / "docs/reference.md").read_text(encoding="utf-8") == reference(), "docs/reference.md is stale: run make docs"


def test_every_key_in_the_reference_says_what_it_does():
    """A key without a "description" in its schema is a blank row a maintainer has to guess."""
    rows = [line.split(" | ") for line in reference().splitlines() if line.startswith("| `")]
    assert len(rows) > 100, "the reference lists every key of every schema"
    blank = [row[0].strip("| `") for row in rows if not row[-1].strip(" |")]
    assert blank == [], f"add a description to these keys in src/dpskit/content/schemas/: {blank}"

    def undescribed(node, where):  # every property anywhere in a schema, listed in the reference or not
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and not sub.get("description"):
                    yield f"{where}: {name}"
            for value in node.values():
                yield from undescribed(value, where)
        elif isinstance(node, list):
            for value in node:
                yield from undescribed(value, where)

    missing = [key for path in sorted(SCHEMAS.glob("*.json")) for key in undescribed(json.loads(path.read_text(encoding="utf-8")), path.name)]
    assert missing == []


# --- Every YAML example validates and every id it or a one-line call names exists -----------------

import re  # noqa: E402
import shlex  # noqa: E402

import click  # noqa: E402
import pytest  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402

from dpskit.cli import cli  # noqa: E402
from dpskit.content import load_valid_content  # noqa: E402
from dpskit.content.reference import SCHEMAS  # noqa: E402
from dpskit.content.yamlio import load_yaml  # noqa: E402

DOCS = ["README.md", "docs/authoring.md"]
CONTENT = load_valid_content(REPO)


def _blocks(language: str):
    for doc in DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        for found in re.finditer(rf"```{language}\n(.*?)```", text, re.S):
            yield pytest.param(found.group(1), id=f"{doc}:{text[:found.start()].count(chr(10)) + 1}")


def _schema_and_document(data):
    """Which file an example shows, and the example as that file's whole document."""
    first = data[0] if isinstance(data, list) and data else {}
    if isinstance(data, dict) and "nodes" in data:
        return "scenario", data
    if isinstance(data, dict) and {"session", "items"} <= set(data):
        return "quiz_bank", data
    if "prompt" in first:
        return "quiz_bank", {"session": first["id"][:2] + "-example", "items": data}
    if isinstance(data, dict) and {"license", "sessions"} <= set(data):
        return "curriculum", data
    if isinstance(data, dict) and {"date", "start"} <= set(data):
        return "workshop", data
    if isinstance(data, dict) and {"scripts", "after"} <= set(data):
        return "pocket_card", data
    if "say" in first:
        return "scripts", data
    if "publisher" in first or "reviewed" in first:
        return "sources", data
    raise AssertionError(f"an example of an unknown file: {str(data)[:80]}")


def _named_ids(name: str, data) -> list[tuple[str, str]]:
    """(kind, id) for every reference to other content in an example."""
    refs: list[tuple[str, str]] = []
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    refs.extend(("source", v) for v in value)
                elif key == "scripts" and isinstance(value, list) and name != "scripts":
                    refs.extend(("script", v) for v in value)
                elif key == "session" and isinstance(value, str) and not value.endswith("-example"):
                    refs.append(("session", value))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(data)
    return refs


def _exists(kind: str, value: str) -> bool:
    return {"source": CONTENT.sources, "script": CONTENT.scripts, "session": {s.id for s in CONTENT.sessions},
            "quiz": CONTENT.quiz_items, "scenario": CONTENT.scenarios}[kind].__contains__(value)


@pytest.mark.parametrize("text", list(_blocks("yaml")))
def test_every_yaml_example_validates_and_names_real_ids(text, tmp_path):
    example = tmp_path / "example.yaml"
    example.write_text(text, encoding="utf-8")
    data = load_yaml(example).data  # as dpskit reads content: dates stay text
    name, document = _schema_and_document(data)
    schema = __import__("json").loads((SCHEMAS / f"{name}.json").read_text())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(document)]
    if name == "curriculum":  # the example shows keys, not the whole real manifest's sessions
        errors = [e for e in errors if "notebook" not in e]
    assert errors == [], f"the {name} example is not valid: {errors}"
    unknown = [f"{kind} {value!r}" for kind, value in _named_ids(name, document)
               if not _exists(kind, value) and not (kind == "session" and value.startswith("10-after-a-visit"))]
    assert unknown == [], f"the {name} example names ids that do not exist: {unknown}"


def test_every_one_line_call_in_the_docs_names_a_real_id():
    unknown = []
    for doc in DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        for call, value in re.findall(r"`(quiz|poll|script|scenario)\(\"([^\"]+)\"\)`", text):
            kind = "quiz" if call in ("quiz", "poll") else call
            if not _exists(kind, value):
                unknown.append(f"{doc}: {call}({value!r})")
    assert unknown == []


def _commands():
    for doc in DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        lines = [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()]
        lines += re.findall(r"`((?:\.venv/bin/)?dpskit [^`]+|make [^`]+)`", text)
        for line in lines:
            for command in re.split(r"\s*(?:#.*|&&|;)\s*", line):
                if command.strip():
                    yield pytest.param(command.strip(), id=f"{doc}: {command.strip()[:60]}")


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (REPO / "Makefile").read_text(), re.M))


@pytest.mark.parametrize("command", sorted(set(_commands()), key=lambda p: p.id))
def test_every_command_in_the_docs_exists_with_its_options(command):
    """`make X` is a target of the Makefile; `dpskit …` is a command whose options exist."""
    words = shlex.split(command.replace("…", "x"))
    if words[0] == "make":
        targets = [w for w in words[1:] if "=" not in w]
        assert set(targets) <= _make_targets(), f"no make target {set(targets) - _make_targets()}"
        return
    if not words[0].endswith("dpskit"):
        return
    group: click.Command = cli
    words = words[1:]
    while isinstance(group, click.Group) and words and not words[0].startswith("-"):
        assert words[0] in group.commands, f"dpskit has no command {words[0]!r}"
        group, words = group.commands[words[0]], words[1:]
    options = {flag for param in group.params for flag in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])}
    given = [w.split("=")[0] for w in words if w.startswith("-")]
    assert set(given) <= options | {"--help", "-h"}, f"dpskit {group.name} has no option {set(given) - options}"


def test_every_nbconvert_format_in_the_docs_is_an_exporter_dpskit_registers():
    from importlib.metadata import entry_points

    registered = {entry.name for entry in entry_points(group="nbconvert.exporters")}
    named = {name for doc in DOCS for name in re.findall(r"(?:`|--to )(dpskit-[a-z-]+)", (REPO / doc).read_text(encoding="utf-8"))}
    assert len(named) >= 4 and named <= registered, f"not an nbconvert exporter: {named - registered}"
