"""Content translations as gettext catalogues: English is the source, `locale/<lang>/` holds the
translations. One walk over the English sources yields every translatable message with a stable
context (`<file>#<id path>`); the same walk applies the translations at build time, so extraction
and application can never disagree about what a message is."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .i18n import N_

LOCALE = "locale"
SOURCE_LANGUAGE = "en"
REVIEW_HEADER = "X-Review-Status"
AWAITING_REVIEW = "community translation, awaiting review by a native-speaking trainer"
REVIEWED = "reviewed"  # what a reviewer sets X-Review-Status to

# YAML keys whose text people read. Everything else (ids, urls, dates, enums, script and source ids)
# stays as it is. A string value is one message; a list of strings is one message per item.
TRANSLATABLE_KEYS = frozenset({
    "title", "subtitle", "summary", "prompt", "text", "feedback", "explanation", "talking_points",
    "situation", "facilitator", "debrief", "consequence", "say", "when", "why", "short", "label",
    "limits", "after", "note", "objectives", "key_points", "preparation", "materials",
})
# Keys of TRANSLATABLE_KEYS that a file keeps in English: a source keeps its English title.
KEPT_IN_ENGLISH = {"data/sources.yaml": frozenset({"title"})}
# A source's note reaches the reader in the guide's "check before teaching" box: every [DATED] note, and
# the note of every secondary or unverified source the session cites (content.review).
SHOWN_ONLY_WHEN = {("data/sources.yaml", "note"):
                   lambda text, entry: text.startswith("[DATED]") or entry.get("status") in ("secondary", "unverified")}
CSV_COLUMNS = {"data/glossary.csv": ("term", ("term", "definition")),
               "data/timeline.csv": ("date", ("event", "actors"))}
SHARED_FILES = ("curriculum.yml", "data/scripts.yaml", "data/pocket_card.yaml", "data/disclaimer.yaml",
                "data/sources.yaml", "data/glossary.csv", "data/timeline.csv")

# What a translation keeps exactly as its English has it (in any order): the README's promise to
# translators, enforced by `dpskit check --language` and the build (Translator.problems).
KEPT_AS_IN_ENGLISH = (
    ("citation", re.compile(r"\[@[a-z0-9][a-z0-9-]*\]")),
    ("marker", re.compile(r"\[(?:DATED|STATE|CIRCUIT)\]")),
    ("placeholder", re.compile(r"\[\[[^\]]+\]\]")),
    ("template", re.compile(r"\{\{.*?\}\}|\{%.*?%\}")),
    ("link target", re.compile(r"\]\(\s*<?([^)\s>]+)")),
    ("link definition", re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)),
    ("URL", re.compile(r"https?://[^\s)>\]]+")),
    ("bidi control", re.compile("[\u202a-\u202e\u2066-\u2069]")),  # invisible, they reorder what follows
)


class CatalogueError(ValueError):
    """A catalogue that is not valid gettext: names the file and the line, as a content error does."""

    def __init__(self, file: str, line: int | None, message: str):
        from .content.errors import ContentError

        self.error = ContentError(file, line, "", message)
        super().__init__(str(self.error))


@dataclass(frozen=True)
class Message:
    context: str
    msgid: str
    file: str
    line: int


# ---------------------------------------------------------------- the one walk, per kind of file

def walk_yaml(rel: str, data: Any, translate: Callable[[str, str], str] | None = None,
              under: tuple = ()) -> Iterator[tuple[str, tuple]]:
    """(context, key path) of every translatable string in a parsed YAML file (or, `under` a name,
    in a notebook's metadata); with `translate`, each is replaced in place by translate(context, english)."""
    kept = KEPT_IN_ENGLISH.get(rel, frozenset())

    def visit(node: Any, names: tuple, keys: tuple, translatable: bool) -> Iterator[tuple[str, tuple]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from child(node, key, value, names, keys, key in TRANSLATABLE_KEYS and key not in kept)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from child(node, index, value, names, keys, translatable)

    def child(parent: Any, key: Any, value: Any, names: tuple, keys: tuple, translatable: bool) -> Iterator[tuple[str, tuple]]:
        if isinstance(key, int):
            has_id = isinstance(value, dict) and isinstance(value.get("id"), str)
            name = (*names[:-1], value["id"]) if has_id and names else ((value["id"],) if has_id else (*names, str(key)))
        else:
            name = (*names, str(key))
        if isinstance(value, str):
            shown = SHOWN_ONLY_WHEN.get((rel, names[-1] if isinstance(key, int) and names else key), lambda text, entry: True)
            if translatable and value.strip() and shown(value, parent) and not _fixed_text(parent, key):
                context = f"{rel}#{'/'.join(name)}"
                yield context, (*keys, key)
                if translate is not None:
                    parent[key] = translate(context, value)
        else:
            yield from visit(value, name, (*keys, key), translatable)

    yield from visit(data, under, (), False)


# A true/false question's options: the tool's own words (interface catalogue), not content.
TRUE_FALSE = (N_("True"), N_("False"))


def true_false(language: str | None) -> tuple[str, str]:
    """The options of a true/false question in `language`, as content read in it has them."""
    if not language or language == SOURCE_LANGUAGE:
        return TRUE_FALSE
    from .i18n import translation

    words = translation(language)
    return tuple(words.gettext(word) for word in TRUE_FALSE)


def _fixed_text(parent: Any, key: Any) -> bool:
    """True/False options are never content messages: the content read in a language gets the
    interface catalogue's words for them (see Translator.yaml)."""
    return key == "text" and isinstance(parent, dict) and "correct" in parent and parent.get("text") in TRUE_FALSE


def walk_notebook(rel: str, nb: Any, translate: Callable[[str, str], str] | None = None) -> Iterator[tuple[str, str]]:
    """(context, english) of each markdown cell (by cell id) and of the session metadata's text;
    code cells are never translated. With `translate`, the notebook is changed in place."""
    meta = nb.get("metadata", {}).get("dpskit")
    if isinstance(meta, dict):
        for context, keys in walk_yaml(rel, meta, None, under=("metadata",)):
            english = _get(meta, keys)
            yield context, english
            if translate is not None:
                _set(meta, keys, translate(context, english))
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if not source.strip():
            continue
        context = f"{rel}#{cell.get('id') or index}"
        yield context, source
        if translate is not None:
            cell["source"] = translate(context, source)


def _get(data: Any, keys: tuple) -> Any:
    for key in keys:
        data = data[key]
    return data


def _set(data: Any, keys: tuple, value: Any) -> None:
    _get(data, keys[:-1])[keys[-1]] = value


@dataclass
class GuideBlock:
    context: str
    english: str
    first: int  # 0-based line range [first, last) in the guide
    last: int
    prefix: str  # list marker or heading marks kept in front of the translation


def guide_blocks(rel: str, text: str) -> list[GuideBlock]:
    """A guide split into blocks as Sphinx and Jupyter Book split documents for translation: each
    heading, paragraph, list item and table row is one message, its soft line breaks joined."""
    from markdown_it import MarkdownIt

    lines = text.splitlines()
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[GuideBlock] = []
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type == "inline" and token.map and tokens[index - 1].type in ("heading_open", "paragraph_open"):
            first, last = tokens[index - 1].map
            content = token.content
        elif token.type == "tr_open" and token.map:
            first, last = token.map
            content = lines[first].strip()
        else:
            continue
        if tokens[index - 1].type == "tr_open" or not content.strip():
            continue
        head = content.split("\n", 1)[0]
        at = lines[first].find(head) if token.type == "inline" else lines[first].find(content)
        prefix = lines[first][:at] if at >= 0 else ""
        english = " ".join(part.strip() for part in content.split("\n"))
        key = _slug(english)
        seen[key] = seen.get(key, 0) + 1
        key = key if seen[key] == 1 else f"{key}~{seen[key]}"
        blocks.append(GuideBlock(f"{rel}#{key}", english, first, last, prefix))
    return blocks


def _slug(text: str, words: int = 8) -> str:
    """A block's id: its first English words, so an edit elsewhere in the guide does not move it."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:words]) or "block"


def translate_guide(rel: str, text: str, translate: Callable[[str, str], str]) -> str:
    lines = text.splitlines()
    for block in reversed(guide_blocks(rel, text)):
        translated = translate(block.context, block.english)
        if translated != block.english:
            lines[block.first:block.last] = [block.prefix + translated]
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def csv_rows(rel: str, text: str) -> Iterator[tuple[int, dict[str, str], list[tuple[str, str]]]]:
    """(line, row, [(context, column)]) for a CSV data file; rows are keyed by their id column
    (a glossary term, a timeline date, with ~2, ~3 for repeats)."""
    id_column, columns = CSV_COLUMNS[rel]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    seen: dict[str, int] = {}
    for row in reader:
        key = (row.get(id_column) or "").strip()
        seen[key] = seen.get(key, 0) + 1
        key = key if seen[key] == 1 else f"{key}~{seen[key]}"
        yield reader.line_num, row, [(f"{rel}#{key}/{column}", column) for column in columns if (row.get(column) or "").strip()]


def translate_csv(rel: str, text: str, translate: Callable[[str, str], str]) -> str:
    rows = list(csv_rows(rel, text))
    if not rows:
        return text
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=[k for k in rows[0][1] if k is not None], lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    for _, row, fields in rows:
        for context, column in fields:
            row[column] = translate(context, row[column].strip())
        writer.writerow(row)
    return out.getvalue()


# ---------------------------------------------------------------- what a translation must keep

def html_of(text: str) -> list[str]:
    """Every tag (with its attributes), comment and declaration in a message, as an HTML parser
    reads them: a translation has exactly the English's."""
    if "<" not in text:  # most messages: nothing to parse
        return []
    from html.parser import HTMLParser

    found: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append(f"<{tag}" + "".join(f" {name}={value!r}" for name, value in sorted(attrs, key=str)) + ">")

        handle_startendtag = handle_starttag

        def handle_endtag(self, tag):
            found.append(f"</{tag}>")

        def handle_comment(self, data):
            found.append(f"<!--{data}-->")

        def handle_decl(self, decl):
            found.append(f"<!{decl}>")

        handle_pi = unknown_decl = handle_decl

    parser = Tags(convert_charrefs=True)
    parser.feed(text)
    rest = parser.rawdata
    if re.match(r"</?[a-zA-Z!?]", rest[rest.find("<"):] if "<" in rest else ""):  # an unfinished tag is markup too
        found.append(rest[rest.find("<"):])
    return sorted(found)


def translation_slips(english: str, translated: str) -> list[str]:
    """What a translation lost, changed or added among its English's citations, markers, placeholders,
    links and HTML (tags with their attributes); empty when it keeps them all."""
    slips = []
    for name, pattern in (*KEPT_AS_IN_ENGLISH, ("HTML", None)):
        want, got = ((html_of(english), html_of(translated)) if pattern is None
                     else (sorted(pattern.findall(english)), sorted(pattern.findall(translated))))
        if want != got:
            visible = lambda text: "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in text)  # noqa: E731
            want, got = [visible(w) for w in want], [visible(g) for g in got]
            lost, added = [w for w in want if w not in got], [g for g in got if g not in want]
            slips.append(f"{name} " + "; ".join(filter(None, [f"lost {', '.join(lost)}" if lost else "",
                                                               f"added {', '.join(added)}" if added else ""]))
                         if lost or added else f"{name}s {want} became {got}")
    return slips


def sanitize(english: str, translated: str) -> str:
    """A translation's HTML cut down to its English's tags and attributes (nh3): whatever a check
    missed, a translation never brings a tag, an attribute or a script the English does not have."""
    if "<" not in translated:
        return translated
    import nh3
    from html.parser import HTMLParser

    allowed: dict[str, set[str]] = {}

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            allowed.setdefault(tag, set()).update(name for name, _ in attrs)

        handle_startendtag = handle_starttag

    Tags().feed(english)
    if not html_of(translated):
        return translated  # a "<" that is text ("edad < 18"): nothing to clean
    tags = set(allowed) - {"script", "style"}
    return nh3.clean(translated, tags=tags, attributes={tag: allowed[tag] for tag in tags}, link_rel=None,
                     strip_comments=True, url_schemes={"http", "https", "mailto", "tel"})


# ---------------------------------------------------------------- extraction

def catalogue_files(root: Path) -> dict[str, list[str]]:
    """Catalogue name (`sessions/<id>`, `scenarios/<id>`, `shared`) -> the English files it covers.
    A session whose notebook is not here (a copy holding only some) has none: its catalogue is
    neither counted nor rewritten, so an update never makes its notebook's translations obsolete."""
    from .content.yamlio import load_yaml

    names: dict[str, list[str]] = {}
    manifest = load_yaml(root / "curriculum.yml").data
    for entry in manifest.get("sessions", []):
        if not (root / entry["notebook"]).is_file():
            continue
        session = entry["id"]
        files = [entry["notebook"], f"data/quizzes/{session}.yaml", f"facilitator_guides/{session}.md"]
        names[f"sessions/{session}"] = [f for f in files if (root / f).is_file()]
    for path in sorted((root / "data" / "scenarios").glob("*.yaml")):
        names[f"scenarios/{path.stem}"] = [path.relative_to(root).as_posix()]
    names["shared"] = [f for f in SHARED_FILES if (root / f).is_file()]
    return names


def file_messages(root: Path, rel: str) -> list[Message]:
    """Every translatable message of one English file, in file order."""
    from .content.yamlio import load_yaml

    path = root / rel
    if rel.endswith(".ipynb"):
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        return [Message(context, english, rel, _line_of_cell(text, context.split("#", 1)[1]))
                for context, english in walk_notebook(rel, nb)]
    if rel.endswith(".md"):
        return [Message(b.context, b.english, rel, b.first + 1) for b in guide_blocks(rel, path.read_text(encoding="utf-8-sig"))]
    if rel.endswith(".csv"):
        return [Message(context, row[column].strip(), rel, line)
                for line, row, fields in csv_rows(rel, path.read_text(encoding="utf-8-sig")) for context, column in fields]
    from .content.cache import cache_folder

    doc = load_yaml(path, cache_folder() / "yaml")
    return [Message(context, _get(doc.data, keys), rel, doc.line(keys) or 1) for context, keys in walk_yaml(rel, doc.data)]


def _line_of_cell(text: str, cell_id: str) -> int:
    at = text.find(f'"id": "{cell_id}"')
    if cell_id.startswith("metadata/") or at < 0:
        at = text.find('"dpskit"')
    return text.count("\n", 0, max(at, 0)) + 1


def extract(root: Path) -> dict[str, list[Message]]:
    """Catalogue name -> its messages, from the English sources under `root`."""
    return {name: [m for rel in files for m in file_messages(root, rel)] for name, files in catalogue_files(root).items()}


# ---------------------------------------------------------------- catalogues

def catalogue_path(root: Path, language: str, name: str) -> Path:
    return root / LOCALE / language / f"{name}.po"


def _catalogue_class():
    from babel.messages.catalog import Catalog

    class ContentCatalogue(Catalog):
        """Babel's Catalog keeps only the standard headers; this one also keeps the review status."""

        review = ""

        def _get_mime_headers(self):
            headers = super()._get_mime_headers()
            name, value = headers[-1]
            return [*headers[:-1], (name, value.rstrip("\n")), (REVIEW_HEADER, f"{self.review}\n")]

        def _set_mime_headers(self, headers):
            headers = list(headers)
            super()._set_mime_headers(headers)
            for name, value in headers:
                if name.lower() == REVIEW_HEADER.lower():
                    self.review = value.strip()

        mime_headers = property(_get_mime_headers, _set_mime_headers)

    return ContentCatalogue


# What may stand before a .po line's quoted string.
PO_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural", "msgstr", *(f"msgstr[{n}]" for n in range(10))})
PO_CHARSET = re.compile(rb'"Content-Type:[^"]*charset=([^"\s\\;]+)', re.IGNORECASE)


def _po_text(path: Path, data: bytes, name: str) -> None:
    """Raise CatalogueError for what Babel would misread or crash on: an unknown charset, bytes that
    are not in the file's charset, a line that is neither a comment nor a keyword with a quoted string
    (a missing closing quote would silently lose a character)."""
    import codecs

    found = PO_CHARSET.search(data)
    charset = found.group(1).decode("ascii", "replace") if found else "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        raise CatalogueError(name, data.count(b"\n", 0, found.start()) + 1,
                             f"unknown charset {charset!r} in Content-Type (write the file in UTF-8: charset=UTF-8)") from None
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as exc:
        raise CatalogueError(name, data.count(b"\n", 0, exc.start) + 1,
                             f"bytes that are not {charset} (save the file as {charset})") from None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line.startswith("#~"):
            line = line[2:].lstrip("|").strip()
            if not line or not line.startswith(("msg", '"')):
                continue
        elif not line or line.startswith("#"):
            continue
        if not _po_line(line):
            problem = "a string without its closing quote" if line.count('"') % 2 or line.endswith('\\"') else "not gettext"
            raise CatalogueError(name, number, f"{problem}: {line[:60]!r} (each line is msgctxt, msgid or msgstr "
                                                f"and a \"quoted string\", or a \"quoted string\" continuing one)")


def _po_line(line: str) -> bool:
    """A keyword and a quoted string, or a quoted string continuing one (or, after `#~`, either):
    every quote inside escaped, the closing one there."""
    head, quote, rest = line.partition('"')
    if not quote or not rest.endswith('"') or (head.strip() and head.strip() not in PO_KEYWORDS):
        return False
    inside = rest[:-1].replace("\\\\", "").replace('\\"', "")
    return '"' not in inside and not inside.endswith("\\")


def read_catalogue(path: Path, name: str | None = None):
    """A catalogue as Babel reads it (read_po's own steps, with a catalogue that keeps the review header).
    Raises CatalogueError, naming the file (as `name`, else the path) and the line, for a file that
    is not valid gettext: nothing is ever read, or written back, from a file that did not parse."""
    from babel.messages.pofile import PoFileError, PoFileParser

    name = name or path.as_posix()
    data = path.read_bytes()
    _po_text(path, data, name)
    catalogue = _catalogue_class()()
    try:
        PoFileParser(catalogue, ignore_obsolete=False, abort_invalid=True).parse(io.BytesIO(data))
    except PoFileError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise CatalogueError(name, int(found.group(1)) if found else None, f"not a valid catalogue: {exc}") from None
    except (ValueError, LookupError, UnicodeError) as exc:  # Babel's own errors for a header it cannot use
        raise CatalogueError(name, None, f"not a valid catalogue: {exc}") from None
    return catalogue


def _new_catalogue(language: str, name: str, old: Any):
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    catalogue = _catalogue_class()(locale=language, project=f"dpskit content: {name}", version="1",
                        copyright_holder="Defend Peoples' Struggle", msgid_bugs_address="see README.md, Translating",
                        last_translator=getattr(old, "last_translator", None) or "dpskit translators",
                        creation_date=getattr(old, "creation_date", None) or now,
                        revision_date=getattr(old, "revision_date", None) or now,
                        language_team=f"{language} <dpskit translators>", fuzzy=False)
    catalogue.header_comment = (f"# {name}: dpskit content in {language}. English is the source; regenerate with\n"
                                f"# `dpskit translate update --language {language}` and translate only the msgstr.")
    return catalogue


def review_status(catalogue: Any) -> str:
    return getattr(catalogue, "review", "")


def merge(language: str, name: str, messages: list[Message], old: Any) -> Any:
    """The catalogue for `messages`, keeping every translation of `old` (a Babel catalogue or None):
    same context and English -> kept; English changed -> kept, fuzzy, previous English recorded;
    new -> empty; gone -> obsolete. Keyed by context only, never by similar-looking English."""
    from babel.messages.catalog import Message as PoMessage

    catalogue = _new_catalogue(language, name, old)
    catalogue.review = (review_status(old) if old is not None else "") or AWAITING_REVIEW
    previous: dict[str, Any] = {}
    if old is not None:
        for message in [*old.obsolete.values(), *old]:
            if message.id and message.context:
                previous[message.context] = message
    for m in messages:
        entry = PoMessage(m.msgid, "", locations=[(m.file, m.line)], context=m.context)
        was = previous.pop(m.context, None)
        if was is not None and was.string:
            comments, before = _previous_english(was)
            entry.string, entry.user_comments = was.string, comments
            if was.id != m.msgid:
                entry.flags.add("fuzzy")
                entry.previous_id = [before if "fuzzy" in was.flags and before else was.id]
            elif "fuzzy" in was.flags:
                entry.flags.add("fuzzy")
                entry.previous_id = [before] if before else []
        catalogue[m.msgid] = entry
    for context, was in previous.items():
        if was.string:  # a translation is never dropped; an empty entry has nothing to keep
            was.locations = []
            catalogue.obsolete[(was.id, context)] = was
    return catalogue


def _previous_english(message: Any) -> tuple[list[str], str]:
    """(translator comments, previous English). Babel writes a fuzzy message's previous msgid as
    `#| msgid "..."` comment lines (wrapped at spaces) but reads them back as plain comments."""
    from babel.messages.pofile import unescape

    comments = [c for c in message.user_comments if not c.startswith("|")]
    previous = " ".join(c[1:].strip() for c in message.user_comments if c.startswith("|"))
    if previous.startswith("msgid "):
        try:
            return comments, unescape(previous[len("msgid "):].strip())
        except Exception:  # a hand-edited comment that is no longer a quoted string
            pass
    return comments, ""


def write_catalogue(path: Path, catalogue: Any) -> bool:
    """Write when the text changes; True when it did."""
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalogue, width=0, include_previous=True, sort_output=False)
    data = out.getvalue()
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def update(root: Path, language: str) -> list[str]:
    """Regenerate every catalogue of `language` from the English and merge; the names written.
    Every catalogue is read before any is written: one that does not parse stops it all."""
    problem = language_problem(root, language, needs_catalogue=False)
    if problem:
        raise CatalogueError(f"language {language!r}", None, problem)
    merged = []
    for name, messages in extract(root).items():
        path = catalogue_path(root, language, name)
        old = read_catalogue(path, path.relative_to(root).as_posix()) if path.is_file() else None
        merged.append((name, path, merge(language, name, messages, old)))
    return [name for name, path, catalogue in merged if write_catalogue(path, catalogue)]


@dataclass(frozen=True)
class Unfinished:
    """A message the build shows in English: where a translator finds it, and its first words."""
    state: str  # "fuzzy" or "missing"
    where: str  # locale/<language>/<name>.po:<line>, or the English file:line when the catalogue lacks it
    context: str
    english: str

    def __str__(self) -> str:
        words = " ".join(self.english.split())
        return f"{self.state:7}  {self.where}  msgctxt \"{self.context}\"  \"{words[:60]}{'…' if len(words) > 60 else ''}\""


@dataclass
class Coverage:
    name: str
    translated: int = 0
    fuzzy: int = 0
    missing: int = 0
    stale: bool = False  # the catalogue differs from what `translate update` would write
    review: str = ""
    problems: list[str] = field(default_factory=list)
    unfinished: list[Unfinished] = field(default_factory=list)  # each fuzzy or missing message, in file order

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.missing


def coverage(root: Path, language: str) -> list[Coverage]:
    """Translated / fuzzy / missing per catalogue, judged against the English as it is now: a
    translation of English that has since changed counts as fuzzy even before an update."""
    report = []
    for name, messages in extract(root).items():
        result = Coverage(name)
        path = catalogue_path(root, language, name)
        try:
            catalogue = read_catalogue(path, path.relative_to(root).as_posix()) if path.is_file() else None
        except CatalogueError as exc:
            result.problems.append(str(exc))
            catalogue = None
        by_context = {m.context: m for m in catalogue if m.id} if catalogue is not None else {}
        result.stale = catalogue is None or set(by_context) != {m.context for m in messages}
        result.review = review_status(catalogue) if catalogue is not None else ""
        po = path.relative_to(root).as_posix()
        for m in messages:
            entry = by_context.get(m.context)
            where = f"{po}:{entry.lineno}" if entry is not None and entry.lineno else f"{m.file}:{m.line}"
            if entry is None or not entry.string:
                result.missing += 1
                result.unfinished.append(Unfinished("missing", where, m.context, m.msgid))
            elif entry.id != m.msgid or "fuzzy" in entry.flags:
                result.fuzzy += 1
                result.stale = result.stale or entry.id != m.msgid
                result.unfinished.append(Unfinished("fuzzy", where, m.context, m.msgid))
            else:
                result.translated += 1
        report.append(result)
    return report


def languages(root: Path) -> list[str]:
    """The languages shipped as content catalogues (folders under locale/)."""
    folder = root / LOCALE
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and is_language_code(p.name)) if folder.is_dir() else []


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def is_language_code(code: str) -> bool:
    """A language Babel (CLDR) knows, written as a code such as es or pt-BR: never a path."""
    from babel import Locale, UnknownLocaleError

    if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
        return False
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def language_folder(root: Path, language: str) -> Path | None:
    """locale/<language>/, or the language's without its region (es for es-MX); None when neither exists."""
    if not is_language_code(language):
        return None
    for candidate in dict.fromkeys([language, language.replace("-", "_"), language.replace("_", "-"), re.split("[-_]", language)[0]]):
        if (Path(root) / LOCALE / candidate).is_dir():
            return Path(root) / LOCALE / candidate
    return None


def language_problem(root: Path, language: str | None, *, needs_catalogue: bool = True) -> str | None:
    """Why `language` cannot be read or built (None when it can): a known code, with catalogues under
    locale/ unless it is English. Asked before any work, so a typo never builds English labelled fr."""
    if language is None:
        return None
    if not is_language_code(language):
        return "is not a language code such as es or pt-BR"
    if not needs_catalogue or re.split("[-_]", language)[0] == SOURCE_LANGUAGE or language_folder(root, language):
        return None
    shipped = languages(Path(root))
    return (f"has no translation under {LOCALE}/ (there: {', '.join([SOURCE_LANGUAGE, *shipped])}); "
            f"start one with dpskit translate update --language {language}")


# ---------------------------------------------------------------- applying translations at build time

class Translator:
    """One language's catalogues as the build uses them: a message is used only when it is
    translated, not fuzzy, and translates exactly the English the source has now; anything else
    falls back to English (`dpskit check --language` and the build's warnings count those)."""

    def __init__(self, root: Path, language: str, folder: Path | None = None):
        import hashlib

        from .content.errors import ContentError

        self.root, self.language = root, language
        self._entries: dict[str, tuple[str, str]] = {}
        self.reviews: dict[str, str] = {}  # catalogue name -> its X-Review-Status
        self.problems: list[ContentError] = []  # catalogues that do not parse, translations that break the rule
        hasher = hashlib.sha256(language.encode())
        folder = folder or root / LOCALE / language
        for path in sorted(folder.rglob("*.po")):
            rel = path.relative_to(root).as_posix()
            hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
            try:
                catalogue = read_catalogue(path, rel)
            except CatalogueError as exc:
                self.problems.append(exc.error)
                continue
            self.reviews[path.relative_to(folder).with_suffix("").as_posix()] = review_status(catalogue)
            for message in catalogue:
                if message.id and message.context and message.string and "fuzzy" not in message.flags:
                    slips = translation_slips(message.id, message.string)
                    if slips:  # never used: the build refuses, as check does
                        self.problems.append(ContentError(rel, message.lineno, message.context,
                                                          "the translation must keep the English's " + "; ".join(slips)))
                        continue
                    self._entries[message.context] = (message.id, sanitize(message.id, message.string))
        self.digest = hasher.hexdigest()
        self._english = {string: english for english, string in self._entries.values()}

    def english(self, text: str) -> str:
        """The English a translated text came from (the text itself otherwise): code that looks for
        words in content, such as which printed materials a session asks for, reads the English."""
        return self._english.get(text, text)

    def awaiting_review(self, session_id: str) -> bool:
        """Whether a session's translation (its own catalogue or the shared one) is not reviewed yet."""
        return any(self.reviews.get(name, "") != REVIEWED for name in (f"sessions/{session_id}", "shared"))

    def text(self, context: str, english: str) -> str:
        entry = self._entries.get(context)
        return entry[1] if entry is not None and entry[0] == english else english

    def yaml(self, rel: str, data: Any) -> Any:
        for _ in walk_yaml(rel, data, self.text):
            pass
        items = data.get("items") if rel.startswith("data/quizzes/") and isinstance(data, dict) else None
        words = dict(zip(TRUE_FALSE, true_false(self.language)))
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("type") == "true_false" and isinstance(item.get("options"), list):
                for option in item["options"]:
                    if isinstance(option, dict) and option.get("text") in words:
                        option["text"] = words[option["text"]]
        return data

    def notebook(self, rel: str, nb: Any) -> Any:
        for _ in walk_notebook(rel, nb, self.text):
            pass
        return nb

    def csv(self, rel: str, text: str) -> str:
        return translate_csv(rel, text, self.text) if rel in CSV_COLUMNS else text

    def guide(self, rel: str, text: str) -> str:
        return translate_guide(rel, text, self.text)

    def file_text(self, rel: str, text: str) -> str:
        """A data file's text in this language (the pack's copy): YAML keeps its comments and layout."""
        if rel.endswith(".csv"):
            return self.csv(rel, text)
        if rel.endswith((".yaml", ".yml")):
            from ruamel.yaml import YAML

            yaml = YAML()
            yaml.width = 4096
            data = yaml.load(text)
            self.yaml(rel, data)
            out = io.StringIO()
            yaml.dump(data, out)
            return out.getvalue()
        return text


_translators: dict[tuple[str, str], tuple[tuple, Translator]] = {}


def translator(root: Path, language: str | None) -> Translator | None:
    """The catalogues of `language` under `root`/locale/, or None when there is nothing to translate
    (English, or no catalogues: a pack's own data is already in its language). Re-read when a
    catalogue file changes."""
    if not language or language == SOURCE_LANGUAGE:
        return None
    folder = language_folder(Path(root), language)
    if folder is None:
        return None
    stamp = tuple((p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*.po")))
    kept = _translators.get((str(root), language))
    if kept is None or kept[0] != stamp:
        kept = (stamp, Translator(Path(root), language, folder))
        _translators[(str(root), language)] = kept
    return kept[1]


def in_english(content) -> Callable[[str], str]:
    """For a content read in another language: text -> the English it translates (see Translator.english)."""
    translated = translator(Path(content.root), content.language)
    return translated.english if translated else str


def fallback_warnings(root: Path, language: str | None, session_ids: list[str]) -> list[str]:
    """One line per catalogue of the chosen sessions whose fuzzy or missing strings stay English."""
    if translator(root, language) is None:
        return []
    from .content.cache import cache_folder
    from .content.yamlio import load_yaml

    wanted = {"shared", *(f"sessions/{sid}" for sid in session_ids)}
    for path in sorted((Path(root) / "data" / "scenarios").glob("*.yaml")):
        if load_yaml(path, cache_folder() / "yaml").data.get("session") in session_ids:
            wanted.add(f"scenarios/{path.stem}")
    warnings = []
    for c in coverage(root, language):
        if c.name in wanted:
            if c.fuzzy or c.missing:
                warnings.append(f"{language}: {c.fuzzy + c.missing} of {c.total} strings of {c.name} stay in English "
                                f"({c.fuzzy} fuzzy, {c.missing} missing); see dpskit check --language {language}")
    return warnings
