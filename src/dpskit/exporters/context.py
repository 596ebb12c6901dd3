"""What every dpskit export knows besides the notebook: content, session, glossary, agenda."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from traitlets import Unicode, default
from traitlets.config import LoggingConfigurable

from ..content import Content, InvalidContent, find_root, load_valid_content, notebook_cell_errors
from ..i18n import N_, _, install_jinja, language
from ..render import asset, environment, page_script, page_style

TEMPLATE_DIR_IN_CHECKOUT = Path(__file__).resolve().parents[3] / "export" / "templates"


def template_basedirs() -> list[str]:
    """The checkout's export/templates when running from source; installed copies otherwise."""
    return [str(TEMPLATE_DIR_IN_CHECKOUT)] if TEMPLATE_DIR_IN_CHECKOUT.is_dir() else []


def build_date() -> str:
    """The only time an export mentions: the build's date (SOURCE_DATE_EPOCH when set)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch else dt.date.today()
    return day.isoformat()


def glossary_used(nb, content: Content) -> list:
    """Glossary terms that appear in the participant-visible text of a session."""
    text = " ".join(
        cell.source for cell in nb.cells
        if cell.cell_type == "markdown" and "facilitator" not in cell.metadata.get("tags", [])
    )
    plain = _alphabetical(text)  # "citaciones" is the plural of "citación": accents and case do not count
    used = [term for term in content.glossary
            if any(re.search(rf"(?<!\w){_words(_alphabetical(name))}(?:e?s)?(?!\w)", plain) for name in _term_names(term.term))]
    return sorted(used, key=lambda term: _alphabetical(term.term))


def _term_names(term: str) -> list[str]:
    """How a glossary term shows in running text: itself (or plural), the words before a
    parenthesis ("Citación (subpoena)" is found as "citaciones"), and an acronym in one ("JTTF")."""
    names = [term]
    head, _, inside = term.partition(" (")
    if inside:
        names.append(head)
        inside = inside.rstrip(")")
        if re.fullmatch(r"[A-Z][A-Z0-9-]+", inside):
            names.append(inside)
    return names


def _words(name: str) -> str:
    """A pattern for a name's words, whatever spacing or line break is between them."""
    return r"\s+".join(map(re.escape, name.split()))


def _alphabetical(text: str) -> str:
    """A sort key for any Latin-script language: accents and case do not count (Órden with Orden)."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def agenda_frame(parts: list[dict[str, Any]]):
    """A session's parts with a running clock from 0:00 (no workshop start time), with pandas."""
    import pandas as pd

    frame = pd.DataFrame(parts, columns=["title", "phase", "kind", "minutes"]).fillna({"phase": ""})
    ends = frame["minutes"].cumsum()
    frame["start"] = (ends - frame["minutes"]).map(clock)
    frame["end"] = ends.map(clock)
    return frame.rename(columns={"title": "part"})


def clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


# An agenda part's kind and ADIDS phase as shown (the data keeps these English names).
AGENDA_WORDS = {"teaching": N_("teaching"), "activity": N_("activity"), "break": N_("break"),
                "Activity": N_("Activity"), "Discussion": N_("Discussion"), "Input": N_("Input"),
                "Deepening": N_("Deepening"), "Synthesis": N_("Synthesis")}


def agenda_word(word: str) -> str:
    return _(AGENDA_WORDS[word]) if word in AGENDA_WORDS else word


def agenda_rows(frame) -> dict[str, Any]:
    """The guide's agenda table from a frame with start, end, part, phase, kind, minutes."""
    by_kind = frame.groupby("kind")["minutes"].sum()
    return {
        "columns": [_("Clock"), _("Part"), _("ADIDS phase"), _("Kind"), _("Minutes")],
        "rows": [[f"{r.start}–{r.end}", r.part, agenda_word(r.phase), agenda_word(r.kind), int(r.minutes)] for r in frame.itertuples()],
        "teaching": int(by_kind.get("teaching", 0)),
        "activities": int(by_kind.get("activity", 0)),
        "total": int(frame["minutes"].sum()),
    }


def agenda_table(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return agenda_rows(agenda_frame(parts))


class ContentContextMixin(LoggingConfigurable):
    """Adds `resources["dpskit"]`: the content, this session and the shared page assets.

    `dpskit build` passes the already loaded content (and `executed=True`); run from
    `jupyter nbconvert`, content is found from the notebook's folder upward.
    """

    content_root = Unicode("", help="folder holding curriculum.yml; default: search from the notebook upward").tag(config=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        context = dict(resources.get("dpskit", {}))
        content = context.get("content") or self._load_content(resources, nb)
        session = dict(nb.metadata.get("dpskit", {}))
        context.update(
            content=content,
            sources=content.sources,
            session=session,
            disclaimer=content.disclaimer,
            curriculum_title=content.title,
            license=content.license,
            language=language(),
            glossary=glossary_used(nb, content),
            agenda=context.get("agendas", {}).get(session.get("id")) or (agenda_table(session["parts"]) if session.get("parts") else None),
            build_date=context.get("build_date") or build_date(),
            room_agreement=environment().get_template("room_agreement.html.j2").render(),
            quiz_css=page_style(),
            quiz_js=page_script(),
            page_css=asset("page.css"),
        )
        resources["dpskit"] = context
        return self._export(nb, resources, **kw)

    def _export(self, nb, resources, **kw):
        return super().from_notebook_node(nb, resources, **kw)

    @default("optimistic_validation")
    def _default_optimistic_validation(self):
        return True  # validate once after all preprocessors, not after each one

    def _create_environment(self):
        """nbconvert's Jinja environment plus gettext, so template strings can be translated,
        and a bytecode cache, so a new process does not compile the templates again."""
        from jinja2 import FileSystemBytecodeCache

        environment = super()._create_environment()
        environment.bytecode_cache = FileSystemBytecodeCache()
        install_jinja(environment)
        return environment

    def _load_content(self, resources, nb) -> Content:
        """Outside `dpskit build` (plain `jupyter nbconvert`, a Jupyter server's export): the content
        above the notebook, and the notebook's cells checked against it before anything runs, with
        `dpskit check`'s messages. Under `jupyter nbconvert` a problem is one line, not a traceback."""
        metadata = resources.get("metadata", {})
        start = Path(self.content_root or metadata.get("path") or Path.cwd())
        try:
            content = load_valid_content(find_root(start), notebooks=False)
            notebook = Path(metadata.get("path") or Path.cwd()).resolve() / f"{metadata.get('name') or 'notebook'}.ipynb"
            errors = notebook_cell_errors(content, notebook, nb)
            if errors:
                raise InvalidContent(errors)
        except (InvalidContent, FileNotFoundError) as exc:
            _exit_under_nbconvert(exc)
            raise
        return content


def _exit_under_nbconvert(exc: Exception) -> None:
    """In the `jupyter nbconvert` command, which logs an exporter's exception with its whole
    traceback: log each problem on one line and exit with status 1, nothing written. Anywhere
    else (a Jupyter server's "Save and Export As", a test) the exception goes to the caller."""
    from nbconvert.nbconvertapp import NbConvertApp

    if not NbConvertApp.initialized():
        return
    app = NbConvertApp.instance()
    for problem in getattr(exc, "errors", None) or [exc]:
        app.log.error("%s", problem)
    app.exit(1)


class SessionPageMixin(ContentContextMixin):
    """Defaults every dpskit page shares: no code, no prompts, images inlined, our templates."""

    def _export(self, nb, resources, **kw):
        """HTMLExporter's rendering without its BeautifulSoup pass over the finished page, which
        gives images without alt text a stock one and makes code and output areas tab stops.
        Here `dpskit check` requires alt text, pages show no code, scrolling regions carry their
        own tabindex, and parsing every page a second time cost an eighth of a build."""
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    @default("exclude_input")
    def _default_exclude_input(self):
        return True

    @default("exclude_input_prompt")
    def _default_exclude_input_prompt(self):
        return True

    @default("exclude_output_prompt")
    def _default_exclude_output_prompt(self):
        return True

    @default("embed_images")
    def _default_embed_images(self):
        return True

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return template_basedirs()
