"""docs/reference.md, written from the JSON schemas that `dpskit check` validates with, so the
reference of every key of workshop.yml, curriculum.yml and the content files cannot drift from
what the tool accepts. `make docs` (python -m dpskit.content.reference) rewrites it; a test compares."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator

SCHEMAS = Path(__file__).parent / "schemas"
DOCUMENTS = [
    ("workshop.yml", "workshop", "One workshop: its day, sessions, contacts and room (`dpskit build --workshop`)."),
    ("curriculum.yml", "curriculum", "The curriculum manifest: sessions in teaching order."),
    ("session notebook metadata (`metadata.dpskit`)", "session", "Each session notebook's own metadata."),
    ("data/quizzes/&lt;session&gt;.yaml", "quiz_bank", "A session's quiz bank."),
    ("data/scenarios/&lt;id&gt;.yaml", "scenario", "A branching role-play."),
    ("data/scripts.yaml", "scripts", "The scripts people say out loud."),
    ("data/pocket_card.yaml", "pocket_card", "The wallet card."),
    ("data/sources.yaml", "sources", "Every source a claim cites."),
    ("data/disclaimer.yaml", "disclaimer", "The legal-information disclaimer."),
]


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """A `{"$ref": "#/$defs/…"}` as the schema it names, its own keys (a description) kept."""
    if "$ref" not in schema:
        return schema
    target = root
    for step in schema["$ref"].removeprefix("#/").split("/"):
        target = target[step]
    return {**target, **{key: value for key, value in schema.items() if key != "$ref"}}


def _kind(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return ", ".join(f"`{value}`" for value in schema["enum"])
    if "oneOf" in schema:
        return " or ".join(_kind(choice) for choice in schema["oneOf"])
    kind = schema.get("type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    words = {"string": "text", "integer": "whole number", "boolean": "true/false", "array": "list", "object": "mapping", "null": "empty"}
    text = " or ".join(words.get(k, k) for k in kinds if k)
    if "pattern" in schema:
        text += f" matching `{schema['pattern']}`"
    bounds = [f"{word} {schema[key]}" for key, word in (("minimum", "≥"), ("maximum", "≤"), ("minItems", "at least"), ("maxItems", "at most"),
                                                       ("minLength", "length ≥"), ("maxLength", "length ≤")) if key in schema]
    return ", ".join([text, *bounds]) if text else ", ".join(bounds)


def _rows(schema: dict[str, Any], root: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str, bool, str]]:
    """(key path, kind, required, description) for every property, depth first, in the schema's order."""
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        sub = _resolve(sub, root)
        yield path, _kind(sub), name in required, sub.get("description", "")
        if sub.get("type") == "object" or "properties" in sub:
            yield from _rows(sub, root, f"{path}.")
        for choice in sub.get("oneOf", []):  # a value written short (text) or long (a mapping)
            if "properties" in choice:
                yield from _rows(choice, root, f"{path}.")
        items = sub.get("items")
        if isinstance(items, dict) and "properties" in items:
            yield from _rows(items, root, f"{path}[].")
        extra = sub.get("additionalProperties")
        if isinstance(extra, dict) and "properties" in extra:
            yield from _rows(extra, root, f"{path}.<name>.")


def rows(name: str) -> list[tuple[str, str, bool, str]]:
    """The reference's rows for one schema (`workshop`, `curriculum`, …)."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    body = schema["items"] if schema.get("type") == "array" and isinstance(schema.get("items"), dict) else schema
    return list(_rows(body, schema))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def reference() -> str:
    lines = ["# Reference: every key dpskit reads", "",
             "Written from the JSON schemas `dpskit check` validates with (`src/dpskit/content/schemas/`);",
             "do not edit by hand: `make docs` rewrites it, and a test fails when it is out of date.", ""]
    for title, name, about in DOCUMENTS:
        lines += [f"## {title}", "", about, "", "| key | value | required | what it does |", "|---|---|---|---|"]
        lines += [f"| `{path}` | {_cell(kind)} | {'yes' if required else ''} | {_cell(text)} |" for path, kind, required, text in rows(name)]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/reference.md")
    target.write_text(reference(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
