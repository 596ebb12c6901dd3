"""What each output of a build depends on, down to the data item, so a rebuild redoes only
what an edit touches.

While a session executes, its notebook calls read the content through a `Recorder`, which
notes every quiz item, scenario, script, source, glossary, timeline or disclaimer read. That
list (the session's *trace*) is kept in .dpskit-cache/deps/; the next build keys the session
on its notebook, dpskit's code and the current values of exactly those items. Pages add what
they show besides the executed notebook (citations, placeholders, glossary, templates,
agenda, authored guide), read from the notebook's text. A notebook that runs in a real
kernel (one with cells that compute) is keyed on all of the data, as nothing records there.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import types
from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Iterator

import nbformat
import nbformat.reader

from . import __version__
from .content import CITATION, Content
from .content.loader import PLACEHOLDER
from .content.sealed import seal, unseal
from .i18n import language

EVERYTHING = ("*",)  # the dependency of a session nothing could record
LIBRARIES = ("nbconvert", "nbformat", "ipython", "ipywidgets", "jinja2", "mistune", "matplotlib", "pandas", "sphinx-revealjs")


def digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=plain).encode()).hexdigest()


def plain(value: Any) -> Any:
    """A JSON-able view of a content value (dataclasses, scenarios, paths)."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _files_digest(folders: list[Path]) -> str:
    hasher = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts:
                hasher.update(path.relative_to(folder.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """dpskit's own code, templates and assets, and the versions of the libraries that render."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return digest(__version__, sys.version_info[:2], versions, _files_digest([Path(__file__).parent]))


def template_dirs(root: Path) -> list[str]:
    """Where exporters look for dpskit's templates: the curriculum's own export/templates
    first (what an author edits and `dpskit preview` watches), then dpskit's."""
    from .exporters.context import template_basedirs

    own = root / "export" / "templates"
    return list(dict.fromkeys(([str(own)] if own.is_dir() else []) + template_basedirs()))


def template_digest(root: Path) -> str:
    """Every export template a page may render with. One digest for all: finding out which
    template a format uses means importing nbconvert, which costs more than a no-op build."""
    return _files_digest([Path(folder) for folder in template_dirs(root)])


class _RecordingMapping(Mapping):
    """A content dict that notes each key looked up; reading it all notes the whole dict."""

    def __init__(self, name: str, data: dict, used: set):
        self._name, self._data, self._used = name, data, used

    def __getitem__(self, key):
        self._used.add((self._name, key))
        return self._data[key]

    def __contains__(self, key):
        self._used.add((self._name, key))
        return key in self._data

    def __iter__(self) -> Iterator:
        self._used.add((self._name,))
        return iter(self._data)

    def __len__(self) -> int:
        self._used.add((self._name,))
        return len(self._data)


class Recorder:
    """Content as notebook calls see it, noting what they read in `used`."""

    def __init__(self, content: Content):
        self._content = content
        self.used: set[tuple[str, ...]] = set()

    def __getattr__(self, name: str):
        value = getattr(self._content, name)
        if isinstance(value, types.MethodType):  # e.g. bank(): read through this recorder too
            return types.MethodType(value.__func__, self)
        if isinstance(value, dict):
            return _RecordingMapping(name, value, self.used)
        self.used.add((name,))
        return value


def value_of(content: Content, dependency: tuple[str, ...]) -> Any:
    """The current value of one recorded dependency (None when it no longer exists)."""
    if dependency == EVERYTHING:
        from .catalogs import translator

        translated = translator(content.root, content.language)  # read through catalogues: they count too
        return (_files_digest([content.root / "data"]) + (content.root / "curriculum.yml").read_text(encoding="utf-8")
                + (translated.digest if translated else ""))
    field = getattr(content, dependency[0], None)
    if len(dependency) == 1:
        return plain(field)
    return plain(field.get(dependency[1])) if isinstance(field, Mapping) else None


def _markdown(nb) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


class Dependencies:
    """Keys for one build: each session's execution and each output, from traces and content."""

    def __init__(self, content: Content, cache: Path | None):
        self.content = content
        self.traces = cache / "deps" if cache else None
        self.keys: dict[str, str | None] = {}  # session id -> execution key (None: not known until executed)
        self._notebooks: dict[str, tuple[str, Any]] = {}
        self._inline = threading.Lock()  # widgets and display capture are process-wide
        self.templates = template_digest(content.root)
        from .catalogs import translator

        # a build in another language reads every text through its catalogues, and keys and
        # caches each session apart from the English one
        self.translator = translator(content.root, content.language)
        self._suffix = f".{content.language}" if self.translator else ""

    # -- sessions ---------------------------------------------------------------------------

    def source(self, session) -> tuple[str, Any]:
        """(sha of the notebook file, the notebook), read once per build."""
        if session.id not in self._notebooks:
            raw = session.notebook.read_bytes()
            # checked by the content loader already: no second schema validation here
            nb, sha = nbformat.reader.reads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()
            if self.translator is not None:  # keyed on the notebook as translated: an edited translation reruns it
                self.translator.notebook(session.notebook.relative_to(self.content.root).as_posix(), nb)
                sha = digest("translated", sha, self.content.language, nb)
            self._notebooks[session.id] = (sha, nb)
        return self._notebooks[session.id]

    def _trace_path(self, session_id: str) -> Path | None:
        return self.traces / f"{session_id}{self._suffix}.json" if self.traces else None

    def recorded_uses(self, session) -> list[tuple[str, ...]] | None:
        """What the session read when it last executed, if its notebook and dpskit are unchanged."""
        path = self._trace_path(session.id)
        try:
            trace = unseal(path.read_text()) if path else None  # a damaged trace: run the session again
        except OSError:
            return None
        if not isinstance(trace, dict) or trace.get("notebook") != self.source(session)[0] or trace.get("code") != code_digest():
            return None
        return [tuple(dep) for dep in trace.get("uses", [])]

    def _key(self, session, uses) -> str:
        values = [(dep, value_of(self.content, dep)) for dep in sorted(uses)]
        return digest("execute", self.source(session)[0], code_digest(), language(), values)

    def execution_key(self, session) -> str | None:
        if session.id not in self.keys:
            uses = self.recorded_uses(session)
            self.keys[session.id] = None if uses is None else self._key(session, uses)
        return self.keys[session.id]

    def executed(self, session, cache_dir: Path | None, *, timeout: int | None = None,
                 note: Callable[[str], None] = lambda message: None) -> tuple[Any, bool]:
        """The executed notebook and whether it came from the cache. Runs the calls in this
        process when the notebook is nothing but dpskit calls, in a kernel otherwise, and
        records what the session read. A damaged cache entry is discarded with a `note`."""
        from .execute import DEFAULT_TIMEOUT, execute_notebook
        from .inline import can_run_inline, execute_inline

        key = self.execution_key(session)
        cached = cache_dir / f"{session.id}{self._suffix}-{key[:24]}.ipynb" if cache_dir and key else None
        if cached is not None and cached.is_file():
            try:
                return nbformat.read(cached, as_version=4), True
            except Exception as exc:  # nbformat raises several unrelated types for a damaged file
                note(f"discarded a damaged cache entry {cached} ({type(exc).__name__}); executing {session.id} again")
                cached.unlink(missing_ok=True)
        nb = nbformat.from_dict(self.source(session)[1])
        if can_run_inline(nb):
            recorder = Recorder(self.content)
            with self._inline:
                nb = execute_inline(nb, recorder, session_id=session.id)
            uses = recorder.used
        else:
            nb = execute_notebook(session.notebook, self.content, session_id=session.id, timeout=timeout or DEFAULT_TIMEOUT, nb=nb)
            uses = {EVERYTHING}
        try:
            self._record(session, uses)
            if cache_dir is not None:
                self._store(cache_dir, f"{session.id}{self._suffix}", self.keys[session.id], nb)
        except OSError as exc:  # a read-only checkout or a full disk: the next build executes it again
            note(f"could not cache the executed {session.id} ({exc.strerror})")
        return nb, False

    def _record(self, session, uses) -> None:
        self.keys[session.id] = self._key(session, uses)
        path = self._trace_path(session.id)
        if path is None:
            return
        trace = {"notebook": self.source(session)[0], "code": code_digest(), "uses": sorted(map(list, uses))}
        _write_atomically(path, seal(trace))

    @staticmethod
    def _store(cache_dir: Path, session_id: str, key: str, nb) -> None:
        target = cache_dir / f"{session_id}-{key[:24]}.ipynb"
        for stale in cache_dir.glob(f"{session_id}-*.ipynb"):
            stale.unlink(missing_ok=True)
        _write_atomically(target, nbformat.writes(nb))

    # -- outputs ----------------------------------------------------------------------------

    def page_inputs(self, session, fmt: str, workshop: dict | None, agendas: dict | None) -> list:
        """What a session's page shows besides its executed notebook, read from its text."""
        from .packs import SOURCE_FORMATS

        text = _markdown(self.source(session)[1])
        workshop = workshop or {}
        content = self.content
        inputs = [
            code_digest(), language(), None if fmt in SOURCE_FORMATS else self.templates, content.title, content.license, content.language,
            plain(content.disclaimer), plain(content.glossary),
            {sid: plain(content.sources.get(sid)) for sid in sorted(set(CITATION.findall(text)))},
            {f"{kind}:{name}": (workshop.get("contacts") or {}).get(name) if kind == "contact" else workshop.get(name)
             for kind, name in sorted(set(PLACEHOLDER.findall(text)))},
        ]
        if fmt == "guide":
            authored = content.root / "facilitator_guides" / f"{session.id}.md"
            text = authored.read_text(encoding="utf-8") if authored.is_file() else None
            if text is not None and self.translator is not None:
                text = self.translator.guide(authored.relative_to(content.root).as_posix(), text)
            review = self.translator.awaiting_review(session.id) if self.translator else None
            inputs += [text, (agendas or {}).get(session.id), review]
        return inputs

    def output_key(self, session, fmt: str, rel: str, settings: dict, agendas: dict | None) -> str | None:
        """None while the session's execution key is unknown (it has not run with this notebook)."""
        from .packs import SOURCE_FORMATS

        base = self.source(session)[0] if fmt in SOURCE_FORMATS else self.execution_key(session)
        if base is None:
            return None
        workshop = settings.get("workshop") or {}
        printing = [settings.get("pdf"), workshop.get("paper"), workshop.get("slide_notes_in_pdf"),
                    (workshop.get("contacts") or {}).get("legal_hotline")] if rel.endswith(".pdf") else None
        return digest(rel, base, self.page_inputs(session, fmt, workshop, agendas), printing)

    def shared_key(self, rel: str, selected, settings: dict, timing: Any, others: dict[str, str | None]) -> str | None:
        """Pages for the whole workshop, keyed on what each lists. `others` are the keys of
        the outputs so far (the landing pages list their pages, with page counts)."""
        content, workshop = self.content, settings.get("workshop") or {}
        chosen = [s.id for s in selected]
        common = [rel, code_digest(), language(), content.title, content.license, content.language, plain(content.disclaimer),
                  workshop, settings.get("pdf"), settings.get("formats"), chosen]
        if rel.startswith("cards/pocket-card"):
            card = content.pocket_card
            other = _files_digest([content.root / "locale"]) if workshop.get("pocket_card") == "bilingual" else None
            return digest(common, plain(card), [plain(content.scripts.get(s)) for s in (card.scripts if card else ())], other)
        if rel.startswith("guide/answer-key"):
            items = [plain(item) for item in content.quiz_items.values() if item.session in chosen]
            cited = sorted({sid for item in items for sid in item["sources"]})
            return digest(common, items, {sid: plain(content.sources.get(sid)) for sid in cited})
        if rel.startswith("guide/day-check"):
            from .daycheck import check_items

            items = [plain(item) for item in check_items(content, workshop.get("sessions") or chosen, workshop.get("check") or ())]
            return digest(common, items)  # the deck's look is in code_digest (templates, assets)
        if rel.startswith("materials/scenario-cards"):
            stories = [plain(s) for s in content.scenarios.values() if s.session in chosen]
            named = sorted({sid for story in stories for node in story["nodes"].values() for sid in node["scripts"]})
            return digest(common, [s.meta for s in selected], stories, {sid: plain(content.scripts.get(sid)) for sid in named})
        if rel.startswith("materials/timeline-cards"):
            return digest(common, plain(content.timeline), plain(content.sources))
        if rel.startswith("materials/sample-"):
            return digest(common)
        if rel.startswith("worksheets/chapter-defense-plan"):
            from .defense_plan import SCRIPTS

            return digest(common, [plain(content.scripts.get(sid)) for sid in SCRIPTS])
        if rel.startswith("worksheets/family-preparedness-plan"):
            from .family_plan import SCRIPTS as FAMILY_SCRIPTS

            return digest(common, [plain(content.scripts.get(sid)) for sid in FAMILY_SCRIPTS])
        if rel == "agenda.csv":
            return digest(common, [s.meta for s in selected])
        # the landing page lists every other output (with page counts); a page this module
        # does not know may read anything besides
        listed = {other: key for other, key in others.items() if other != rel}
        if None in listed.values():
            return None
        unknown = None if rel == "index.html" else value_of(content, EVERYTHING)
        return digest(common, [s.meta for s in selected], timing, listed, unknown)


def _write_atomically(path: Path, text: str) -> None:
    """Write beside, then rename: a reader never sees half a file."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


__all__ = ["Dependencies", "Recorder", "code_digest", "template_digest", "template_dirs", "value_of", "EVERYTHING"]
