"""Load curriculum.yml, data/ and session metadata, collecting every error on the way."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from .errors import ContentError, InvalidContent
from .model import Content, Disclaimer, GlossaryTerm, Option, PocketCard, QuizItem, Script, Session, Source, shown_order
from .scenario import Scenario, reachable, trapped, unmarked_loops
from .cache import cache_folder
from .yamlio import YamlDocument, YamlSyntaxError, load_yaml

MANIFEST = "curriculum.yml"
CITATION = re.compile(r"\[@([a-z0-9][a-z0-9-]*)\]")
MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)[^)]*\)")
HTML_IMAGE = re.compile(r"<img\b(?P<attrs>[^>]*)>", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\[\[(contact|workshop):([a-z_]+)\]\]")
CONTACT_KEYS = ("legal_hotline", "nlg_chapter", "jail_support", "lawyer", "chapter", "immigration")
WORKSHOP_FIELDS = ("title", "date", "start", "end", "venue", "chapter")
TIMELINE_CATEGORIES = {"surveillance", "prosecution", "law", "policy", "campus", "court"}
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# every URL an author's markdown can hold: images and links, reference definitions, autolinks, HTML attributes
URL_IN_MARKDOWN = re.compile(
    r"(?P<image>!?)\[[^\]]*\]\(\s*<?(?P<url>(?:[^()\s>]|\([^()\s]*\))*)|^ {0,3}\[[^\]]+\]:\s*<?(?P<ref>[^\s>]+)"
    r"|<(?P<auto>[a-z][a-z0-9+.-]{1,31}:[^\s<>]*)>|\b(?P<attr>src|href|srcset|poster|action|formaction|data|background)\s*=\s*[\"']?(?P<value>[^\"'\s>]+)",
    re.IGNORECASE | re.MULTILINE)
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Embeddings, overrides and isolates (Trojan Source): invisible, they reorder what prints after them,
# so "555-0100" can print as "0010-555" on a card. Marks such as U+200F, which do not reorder, are fine.
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds curriculum.yml."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / MANIFEST).is_file():
            return folder
    raise FileNotFoundError(f"no {MANIFEST} found in {start} or any parent folder")


@lru_cache(maxsize=None)
def _schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files("dpskit.content").joinpath(f"schemas/{name}.json").read_text())


def _key_path(path: Iterable[Any]) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


# (schema, file digest) pairs that validated in this process: a preview that rebuilds after every
# save validates only the file that changed.
_SCHEMA_PASSED: set[tuple[str, str]] = set()


class _Collector:
    """Turns schema and cross-reference problems into ContentErrors with lines."""

    def __init__(self, root: Path, translator: Any = None):
        self.root = root
        self.translator = translator  # dpskit.catalogs.Translator: content read in another language
        self.errors: list[ContentError] = []
        self.broken_quiz_prefixes: set[str] = set()  # banks already reported: don't cascade into notebooks
        self.broken_scenarios: set[str] = set()
        self.broken_sources: set[str] = set()  # ids of entries already reported: references to them are not errors too
        self.sources_read = False  # an unreadable sources.yaml is reported once, not at every reference
        self.scripts_read = False  # the same for scripts.yaml

    def unknown_source(self, content: Content, source_id: str) -> bool:
        return self.sources_read and source_id not in content.sources and source_id not in self.broken_sources

    def _refuse_bidi_controls(self, doc: YamlDocument) -> None:
        def visit(node: Any, keys: tuple) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    visit(value, (*keys, key))
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    visit(value, (*keys, index))
            elif isinstance(node, str) and BIDI_CONTROL.search(node):
                code = ord(BIDI_CONTROL.search(node).group())
                self.add_at(doc, keys, f"holds an invisible bidi control character (U+{code:04X}) that reorders the "
                                       "text printed after it; retype the value without it")

        visit(doc.data, ())

    def unknown_script(self, content: Content, script_id: str) -> bool:
        return self.scripts_read and script_id not in content.scripts

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def add(self, path: Path, line: int | None, key: str, message: str) -> None:
        self.errors.append(ContentError(self.rel(path), line, key, message))

    def add_at(self, doc: YamlDocument, key_path: tuple, message: str) -> None:
        self.add(doc.path, doc.line(key_path), _key_path(key_path), message)

    def schema(self, doc: YamlDocument, schema_name: str) -> bool:
        from jsonschema import Draft202012Validator

        if doc.digest and (schema_name, doc.digest) in _SCHEMA_PASSED:
            return True
        validator = Draft202012Validator(_schema(schema_name))
        ok = True
        for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
            ok = False
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = set(error.schema.get("properties", {}))
                for extra in sorted(set(error.instance) - allowed):  # point at the unknown key's own line
                    known = ", ".join(sorted(allowed))
                    self.add_at(doc, (*error.absolute_path, extra), f"unknown key {extra!r} (allowed: {known})")
                continue
            self.add_at(doc, tuple(error.absolute_path), _schema_message(error))
        if ok and doc.digest:
            _SCHEMA_PASSED.add((schema_name, doc.digest))
        return ok

    def load(self, path: Path) -> YamlDocument | None:
        if not path.is_file():
            self.add(path, None, "", "file is missing")
            return None
        try:
            doc = load_yaml(path, cache_folder() / "yaml")
            self._refuse_bidi_controls(doc)
            if self.translator is not None:
                self.translator.yaml(self.rel(path), doc.data)
                doc.digest = f"{doc.digest}:{self.translator.digest}" if doc.digest else ""  # what its checks are keyed on
            return doc
        except YamlSyntaxError as exc:
            self.add(path, exc.line, "", exc.message)
            return None


def _schema_message(error: Any) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    return error.message


def load_content(root: Path | None = None, *, notebooks: bool = True, language: str | None = None,
                 required: Iterable[str] | None = None) -> tuple[Content, list[ContentError]]:
    """Load all content under `root`; return it with every error found (empty when valid). With a
    `language`, every text is read through that language's catalogues (dpskit.catalogs).
    `required`: the sessions whose notebooks must be here when `notebooks` are read (default: every
    one; a maintainer's copy may hold only some, and a build asks for those it builds: `missing_notebooks`)."""
    from ..catalogs import translator

    root = find_root(root) if root is None or not (Path(root) / MANIFEST).is_file() else Path(root).resolve()
    problem = _language_error(root, language)
    if problem is not None:
        return Content(root=root), [problem]
    check = _Collector(root, translator(root, language))
    check.errors += check.translator.problems if check.translator is not None else []
    content = Content(root=root)
    _load_manifest(check, content)
    content.language = language or content.language
    _load_sources(check, content)
    _load_disclaimer(check, content)
    _load_scripts(check, content)
    _load_quizzes(check, content)
    _load_glossary(check, content)
    _load_timeline(check, content)
    _load_scenarios(check, content)
    _load_pocket_card(check, content)
    if notebooks:
        for session in content.sessions:
            _check_notebook(check, content, session)
        check.errors += missing_notebooks(content, required)
    _check_guides(check, content)
    return content, check.errors


def missing_notebooks(content: Content, required: Iterable[str] | None = None) -> list[ContentError]:
    """An error at its line of curriculum.yml for each session of `required` (default: every one)
    whose notebook is not here."""
    wanted = None if required is None else set(required)
    errors = []
    for index, session in enumerate(content.sessions):
        path = Path(session.notebook)
        if (wanted is None or session.id in wanted) and not path.is_file():
            shown = path.relative_to(content.root) if path.is_relative_to(content.root) else path
            errors.append(ContentError(MANIFEST, session.line, f"sessions[{index}].notebook", f"notebook {shown.as_posix()} does not exist"))
    return errors


def load_valid_content(root: Path | None = None, *, notebooks: bool = True, language: str | None = None,
                       required: Iterable[str] | None = None) -> Content:
    """Valid content or InvalidContent with every error (`required` as for load_content). Content
    that passed once is kept as JSON in the user's cache folder (by a hash of every input file), so
    an unchanged rebuild or a notebook kernel does not parse it all again; nothing is written beside
    the content."""
    import hashlib

    from .cache import read_cached, write_cached

    root = find_root(root) if root is None or not (Path(root) / MANIFEST).is_file() else Path(root).resolve()
    problem = _language_error(root, language)
    if problem is not None:  # before any work: a path as a language would walk the disk
        raise InvalidContent([problem])
    inputs = [root / MANIFEST, *sorted((root / "data").rglob("*")), *sorted((root / "sessions").glob("*.ipynb")),
              *sorted(Path(__file__).parent.rglob("*.py")), *sorted(Path(__file__).parent.rglob("*.json"))]
    from ..catalogs import translator

    translated = translator(root, language)
    from ..catalogs import true_false

    digest = hashlib.sha256(f"{notebooks} {language} {translated.digest if translated else ''} {true_false(language)}".encode())
    for path in inputs:
        if path.is_file():
            digest.update(path.as_posix().encode() + path.read_bytes())
    content, errors = read_cached(root, notebooks, digest.hexdigest(), language), []
    if content is None:  # kept whichever notebooks are here; which ones a caller needs is asked below
        content, errors = load_content(root, notebooks=notebooks, language=language, required=())
        if not errors:
            write_cached(root, notebooks, digest.hexdigest(), content, language)
    errors += missing_notebooks(content, required) if notebooks else []
    if errors:
        raise InvalidContent(errors)
    return content


def _language_error(root: Path, language: str | None) -> ContentError | None:
    from ..catalogs import language_problem

    problem = language_problem(root, language)
    return ContentError(f"language {language!r}", None, "", problem) if problem else None


def _resolve_sources(check: _Collector, content: Content, path: Path, line: int | None, key: str, ids: Iterable[str]) -> None:
    for source_id in ids:
        if check.unknown_source(content, source_id):
            check.add(path, line, key, f"unknown source id {source_id!r} (not in data/sources.yaml)")


def _load_manifest(check: _Collector, content: Content) -> None:
    doc = check.load(content.root / MANIFEST)
    if doc is None or not check.schema(doc, "curriculum"):
        return
    data = doc.data
    content.title, content.license = data["title"], data["license"]
    content.language = data.get("language", "en")
    content.source_max_age_months = data.get("source_max_age_months", content.source_max_age_months)
    seen: set[str] = set()
    for index, entry in enumerate(data["sessions"]):
        if entry["id"] in seen:
            check.add_at(doc, ("sessions", index, "id"), f"duplicate session id {entry['id']!r}")
        seen.add(entry["id"])
        content.sessions.append(Session(id=entry["id"], notebook=content.root / entry["notebook"], status=entry.get("status", "ready"),
                                        line=doc.line(("sessions", index, "notebook"))))


def _load_sources(check: _Collector, content: Content) -> None:
    """Every valid entry is loaded even when others are not, so one bad entry is reported once, where it is."""
    from jsonschema import Draft202012Validator

    doc = check.load(content.root / "data" / "sources.yaml")
    if doc is None or (not check.schema(doc, "sources") and not isinstance(doc.data, list)):
        return
    check.sources_read = True
    item = Draft202012Validator(_schema("sources")["items"])
    for index, entry in enumerate(doc.data):
        if not item.is_valid(entry):  # reported by the schema check above
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                check.broken_sources.add(entry["id"])
            continue
        if entry["id"] in content.sources:
            check.add_at(doc, (index, "id"), f"duplicate source id {entry['id']!r}")
        _check_reviewed(check, doc, (index, "reviewed"), entry["reviewed"])
        content.sources[entry["id"]] = Source(**entry)


def _check_reviewed(check: _Collector, doc: YamlDocument, at: tuple, value: str) -> None:
    """A review date is a real day, not in the future and not before the campaign's sources exist."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        check.add_at(doc, at, f"reviewed {value!r} is not a real date (YYYY-MM-DD)")
        return
    if day > dt.date.today():
        check.add_at(doc, at, f"reviewed {value} is in the future; give the day someone last checked the source")
    elif day.year < 1990:
        check.add_at(doc, at, f"reviewed {value} is implausibly early; give the day someone last checked the source")


def _load_disclaimer(check: _Collector, content: Content) -> None:
    doc = check.load(content.root / "data" / "disclaimer.yaml")
    if doc is not None and check.schema(doc, "disclaimer"):
        _check_reviewed(check, doc, ("reviewed",), doc.data["reviewed"])
        content.disclaimer = Disclaimer(**doc.data)


def _load_scripts(check: _Collector, content: Content) -> None:
    doc = check.load(content.root / "data" / "scripts.yaml")
    if doc is None or not check.schema(doc, "scripts"):
        return
    check.scripts_read = True
    for index, entry in enumerate(doc.data):
        if entry["id"] in content.scripts:
            check.add_at(doc, (index, "id"), f"duplicate script id {entry['id']!r}")
        _resolve_sources(check, content, doc.path, doc.line((index, "sources")), _key_path((index, "sources")), entry["sources"])
        content.scripts[entry["id"]] = Script(**{**entry, "sources": tuple(entry["sources"])})


def _load_quizzes(check: _Collector, content: Content) -> None:
    from jsonschema import Draft202012Validator

    session_ids = {session.id for session in content.sessions}
    item_schema = Draft202012Validator(_schema("quiz_bank")["properties"]["items"]["items"])
    for path in sorted((content.root / "data" / "quizzes").glob("*.yaml")):
        doc = check.load(path)
        bank_valid = doc is not None and check.schema(doc, "quiz_bank")
        if not bank_valid:
            check.broken_quiz_prefixes.add(path.stem[:3])
            if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get("items"), list):
                continue
        session_id = str(doc.data.get("session", path.stem))
        if session_id != path.stem:
            check.add_at(doc, ("session",), f"session {session_id!r} does not match the file name {path.stem!r}")
        if session_id not in session_ids:
            check.add_at(doc, ("session",), f"session {session_id!r} is not in {MANIFEST}")
        for index, entry in enumerate(doc.data["items"]):
            if not bank_valid and not item_schema.is_valid(entry):
                continue  # reported by the bank's schema check above
            _load_quiz_item(check, content, doc, ("items", index), entry, session_id)


def _load_quiz_item(check: _Collector, content: Content, doc: YamlDocument, at: tuple, entry: dict, session_id: str) -> None:
    if entry["id"] in content.quiz_items:
        check.add_at(doc, (*at, "id"), f"duplicate quiz id {entry['id']!r}")
    if not entry["id"].startswith(session_id[:3]):
        check.add_at(doc, (*at, "id"), f"quiz id {entry['id']!r} should start with {session_id[:3]!r}")
    from ..catalogs import true_false

    for message in _option_rule_errors(entry, true_false(content.language)):
        check.add_at(doc, (*at, "options"), message)
    if entry.get("core") and entry["type"] == "multiple":
        check.add_at(doc, (*at, "core"), "a core item is asked in the day's check by a show of hands, one answer each: "
                                         "make it single or true_false, or drop core")
    _resolve_sources(check, content, doc.path, doc.line((*at, "sources")), _key_path((*at, "sources")), entry["sources"])
    options = [Option(**option, key=index) for index, option in enumerate(entry["options"])]
    shuffle = entry.get("shuffle", True) and entry["type"] != "true_false"  # True before False, always
    order = shown_order(entry["id"], len(options)) if shuffle else range(len(options))
    content.quiz_items[entry["id"]] = QuizItem(
        id=entry["id"], session=session_id, type=entry["type"], prompt=entry["prompt"],
        options=tuple(options[i] for i in order), explanation=entry["explanation"],
        sources=tuple(entry["sources"]), talking_points=entry.get("talking_points", ""), shuffle=shuffle,
        core=entry.get("core", False),
    )


def _option_rule_errors(entry: dict[str, Any], true_false: tuple[str, str] = ("True", "False")) -> list[str]:
    correct = sum(1 for option in entry["options"] if option["correct"])
    kind = entry["type"]
    if kind == "single" and correct != 1:
        return [f"a 'single' question needs exactly one correct option, found {correct}"]
    if kind == "multiple" and correct < 1:
        return ["a 'multiple' question needs at least one correct option, found 0"]
    if kind == "true_false":
        texts = [option["text"] for option in entry["options"]]
        if texts not in (["True", "False"], list(true_false)) or correct != 1:  # the tool's words, English or the content's language
            return [f"a 'true_false' question has exactly the options {true_false[0]!r} and {true_false[1]!r}, one of them correct"]
    return []


def _read_csv(check: _Collector, path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        check.add(path, None, "", "file is missing")
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's byte-order mark is not part of the first column's name
    except UnicodeDecodeError as exc:
        check.add(path, raw.count(b"\n", 0, exc.start) + 1, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        return []
    if check.translator is not None:
        text = check.translator.csv(check.rel(path), text)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            check.add(path, 1, "header", f"missing column(s): {', '.join(missing)}")
            return []
        rows = []
        for row in reader:
            line = reader.line_num
            for column in columns:
                if not (row.get(column) or "").strip():
                    check.add(path, line, column, "empty value")
            rows.append((line, {column: (row.get(column) or "").strip() for column in columns}))
    except csv.Error as exc:
        check.add(path, reader.line_num + 1, "", f"not readable as CSV: {exc}")
        return []
    return rows


def _ids(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _load_glossary(check: _Collector, content: Content) -> None:
    path = content.root / "data" / "glossary.csv"
    seen: set[str] = set()
    for line, row in _read_csv(check, path, ["term", "definition", "sources"]):
        if row["term"].lower() in seen:
            check.add(path, line, "term", f"duplicate term {row['term']!r}")
        seen.add(row["term"].lower())
        _resolve_sources(check, content, path, line, "sources", _ids(row["sources"]))
        content.glossary.append(GlossaryTerm(row["term"], row["definition"], _ids(row["sources"])))


def _load_timeline(check: _Collector, content: Content) -> None:
    path = content.root / "data" / "timeline.csv"
    for line, row in _read_csv(check, path, ["date", "event", "actors", "category", "sources"]):
        if not PARTIAL_DATE.match(row["date"]):
            check.add(path, line, "date", f"date {row['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        if row["category"] not in TIMELINE_CATEGORIES:
            check.add(path, line, "category", f"category {row['category']!r} is not one of {sorted(TIMELINE_CATEGORIES)}")
        _resolve_sources(check, content, path, line, "sources", _ids(row["sources"]))
        content.timeline.append(row)


def _load_scenarios(check: _Collector, content: Content) -> None:
    session_ids = {session.id for session in content.sessions}
    for path in sorted((content.root / "data" / "scenarios").glob("*.yaml")):
        doc = check.load(path)
        if doc is None or not check.schema(doc, "scenario"):
            check.broken_scenarios.add(path.stem)
            continue
        data = doc.data
        links_ok = data["start"] in data["nodes"]
        if data["id"] != path.stem:
            check.add_at(doc, ("id",), f"id {data['id']!r} does not match the file name {path.stem!r}")
        if data["session"] not in session_ids:
            check.add_at(doc, ("session",), f"session {data['session']!r} is not in {MANIFEST}")
        _resolve_sources(check, content, path, doc.line(("sources",)), "sources", data["sources"])
        nodes = data["nodes"]
        if data["start"] not in nodes:
            check.add_at(doc, ("start",), f"start node {data['start']!r} does not exist")
        for node_id, node in nodes.items():
            at = ("nodes", node_id)
            if "ending" in node:
                if node.get("choices"):
                    check.add_at(doc, (*at, "choices"), f"node {node_id!r} is an ending and cannot have choices")
                if not node.get("debrief"):
                    check.add_at(doc, at, f"ending {node_id!r} has no debrief")
            elif not node.get("choices"):
                check.add_at(doc, at, f"node {node_id!r} has no choices and is not an ending (add choices or ending + debrief)")
            for script_id in node.get("scripts", []):
                if check.unknown_script(content, script_id):
                    check.add_at(doc, (*at, "scripts"), f"node {node_id!r}: script id {script_id!r} is not in data/scripts.yaml")
            for index, choice in enumerate(node.get("choices", [])):
                if choice["next"] not in nodes:
                    links_ok = False
                    check.add_at(doc, (*at, "choices", index, "next"), f"node {node_id!r}: choice {index + 1} leads to {choice['next']!r}, which does not exist")
        if not links_ok:  # the graph checks below need every link to resolve
            check.broken_scenarios.add(data["id"])
            continue
        scenario = Scenario.from_data(data)
        reached = set(reachable(scenario))
        for node_id in nodes:
            if node_id not in reached:
                check.add_at(doc, ("nodes", node_id), f"node {node_id!r} cannot be reached from {data['start']!r}")
        for node_id, index in unmarked_loops(scenario):
            check.add_at(doc, ("nodes", node_id, "choices", index, "next"),
                         f"node {node_id!r}: choice {index + 1} loops back to {scenario.nodes[node_id].choices[index].next!r}; mark it `loop: true` if that is intended")
        for node_id in trapped(scenario):
            check.add_at(doc, ("nodes", node_id), f"node {node_id!r} never leads to an ending: every way on from it loops back; "
                         "add a choice that moves on, or make it an ending")
        content.scenarios[data["id"]] = scenario


def _load_pocket_card(check: _Collector, content: Content) -> None:
    path = content.root / "data" / "pocket_card.yaml"
    if not path.is_file():
        return  # optional: a curriculum without a card builds none
    doc = check.load(path)
    if doc is None or not check.schema(doc, "pocket_card"):
        return
    for index, script_id in enumerate(doc.data["scripts"]):
        if check.unknown_script(content, script_id):
            check.add_at(doc, ("scripts", index), f"script id {script_id!r} is not in data/scripts.yaml")
    for index, situation in enumerate(doc.data.get("situations", ())):
        if situation["script"] not in doc.data["scripts"]:
            check.add_at(doc, ("situations", index, "script"), f"script id {situation['script']!r} is not one of the card's scripts")
    content.pocket_card = PocketCard(
        title=doc.data["title"], scripts=tuple(doc.data["scripts"]), after=tuple(doc.data["after"]),
        contacts=tuple(doc.data["contacts"]), limits=tuple(doc.data.get("limits", ())),
        situations=tuple(doc.data.get("situations", ())),
    )


def outside_urls(markdown: str) -> list[tuple[int, str]]:
    """(line, problem) for what would make a page reach outside itself or run script: an image or
    embedded file from anywhere but a data: URL, and a link that is not http(s), mailto or tel."""
    import html

    problems = []
    for match in URL_IN_MARKDOWN.finditer(markdown):
        url = match["url"] if match["url"] is not None else match["ref"] or match["auto"] or match["value"] or ""
        plain = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()  # browsers ignore these inside a scheme
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", plain)
        line = markdown.count("\n", 0, match.start()) + 1
        loads = match["image"] or (match["attr"] or "").lower() in {"src", "srcset", "poster", "data", "background"}
        if loads and (plain.startswith("//") or (scheme and scheme[1] not in {"data", "attachment"})):
            problems.append((line, f"{url} would be loaded from outside the page (pages and PDFs load nothing from "
                                   "other hosts); put the image in the notebook or leave it out"))
        elif not loads and scheme and scheme[1] not in LINK_SCHEMES:
            problems.append((line, f"link {url} uses {scheme[1]}:; only http(s), mailto and tel links are allowed"))
    return problems


def _check_guides(check: _Collector, content: Content) -> None:
    for path in sorted((content.root / "facilitator_guides").glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            check.add(path, None, "", f"not readable as UTF-8 text: {exc}")
            continue
        if check.translator is not None:
            text = check.translator.guide(check.rel(path), text)
        for line, message in outside_urls(text):
            check.add(path, line, "", message)


def notebook_calls(source: str) -> list[tuple[str, list[str], dict[str, str]]]:
    """The one-line calls a code cell makes: (name, string args, string keyword args)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            kwargs = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant) and k.arg}
            calls.append((node.func.id, args, kwargs))
    return calls


def _check_notebook(check: _Collector, content: Content, session: Session) -> None:
    import nbformat
    from jsonschema import Draft202012Validator

    path = session.notebook
    if not path.is_file():
        return
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for broken JSON
        check.add(path, None, "", f"not a readable notebook: {exc}")
        return
    if check.translator is not None:
        check.translator.notebook(check.rel(path), nb)
    meta = nb.metadata.get("dpskit")
    if meta is None:
        check.add(path, None, "metadata.dpskit", "session metadata is missing")
        return
    for error in Draft202012Validator(_schema("session")).iter_errors(meta):
        check.add(path, None, _key_path(("metadata", "dpskit", *error.absolute_path)), _schema_message(error))
    session.meta = dict(meta)
    if meta.get("id") != session.id:
        check.add(path, None, "metadata.dpskit.id", f"id {meta.get('id')!r} does not match {MANIFEST} ({session.id!r})")
    if not _check_cells(check, content, path, nb.cells):
        check.add(path, None, "cells", "the session never shows disclaimer() (legal information, not legal advice)")


def notebook_cell_errors(content: Content, path: Path, nb: Any) -> list[ContentError]:
    """What `dpskit check` says about a notebook's cells (the ids its calls name, citations,
    placeholders, links, alt text) against content already valid: an export outside `dpskit build`
    checks the notebook it was given before running it."""
    check = _Collector(content.root)
    check.sources_read = check.scripts_read = True
    _check_cells(check, content, Path(path), nb.cells)
    return check.errors


def _check_cells(check: _Collector, content: Content, path: Path, cells: list) -> bool:
    """Check every cell; whether one shows the disclaimer."""
    has_disclaimer = False
    for index, cell in enumerate(cells):
        key = f"cells[{index}]"
        if cell.cell_type == "markdown":
            for line, message in outside_urls(cell.source):
                check.add(path, None, key, f"line {line} of the cell: {message}")
            for source_id in CITATION.findall(cell.source):
                if check.unknown_source(content, source_id):
                    check.add(path, None, key, f"citation [@{source_id}] is not in data/sources.yaml")
            for kind, name in PLACEHOLDER.findall(cell.source):
                allowed = CONTACT_KEYS if kind == "contact" else WORKSHOP_FIELDS
                if name not in allowed:
                    check.add(path, None, key, f"placeholder [[{kind}:{name}]] is unknown; use one of {', '.join(allowed)}")
            for image in MARKDOWN_IMAGE.finditer(cell.source):
                if not image["alt"].strip():
                    check.add(path, None, key, f"image {image['src']} has no alt text")
            for image in HTML_IMAGE.finditer(cell.source):
                if not re.search(r"\balt\s*=\s*[\"'][^\"']+", image["attrs"]):
                    check.add(path, None, key, "an <img> has no alt text")
        elif cell.cell_type == "code":
            for name, args, kwargs in notebook_calls(cell.source):
                if name == "quiz":
                    for quiz_id in args:
                        if quiz_id not in content.quiz_items and quiz_id[:3] not in check.broken_quiz_prefixes:
                            check.add(path, None, key, f"quiz id {quiz_id!r} is not in any data/quizzes bank")
                    if "session" in kwargs and not content.bank(kwargs["session"]):
                        check.add(path, None, key, f"no quiz bank for session {kwargs['session']!r}")
                elif name == "script":
                    for script_id in args:
                        if check.unknown_script(content, script_id):
                            check.add(path, None, key, f"script id {script_id!r} is not in data/scripts.yaml")
                elif name == "scenario":
                    for scenario_id in args:
                        if scenario_id not in content.scenarios and scenario_id not in check.broken_scenarios:
                            check.add(path, None, key, f"scenario id {scenario_id!r} is not in data/scenarios")
                elif name == "poll":
                    for quiz_id in args:
                        if quiz_id not in content.quiz_items and quiz_id[:3] not in check.broken_quiz_prefixes:
                            check.add(path, None, key, f"poll id {quiz_id!r} is not in any data/quizzes bank")
                elif name == "disclaimer":
                    has_disclaimer = True
    return has_disclaimer
