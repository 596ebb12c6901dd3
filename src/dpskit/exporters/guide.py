"""Facilitator guide: agenda, objectives, preparation, notes in order, answer key, authored guide."""

from pathlib import Path

from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets import default

from ..content.review import check_before_teaching
from ..preprocessors.citations import dollars_not_math
from .html import DpskitHTMLExporter


class GuideExporter(DpskitHTMLExporter):
    export_from_notebook = "dpskit facilitator guide"

    @default("template_name")
    def _default_template_name(self):
        return "dpskit_guide"

    @default("file_extension")
    def _file_extension_default(self):
        return ".guide.html"

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        context = dict(resources.get("dpskit", {}))
        content = context.get("content") or self._load_content(resources, nb)
        context["content"] = content
        session_id = nb.metadata.get("dpskit", {}).get("id", "")
        authored = Path(content.root) / "facilitator_guides" / f"{session_id}.md"
        context["check_before_teaching"] = check_before_teaching(content, session_id) if session_id else None
        rest, care = _care_split(content, authored) if authored.is_file() else ("", "")
        context["authored_guide"] = markdown2html_mistune(dollars_not_math(rest)) if rest else ""
        context["care_guide"] = markdown2html_mistune(dollars_not_math(care)) if care else ""
        context["translation_awaiting_review"] = _awaiting_review(content, session_id)
        resources["dpskit"] = context
        return super().from_notebook_node(nb, resources, **kw)


# The authored guide's sections a facilitator needs before the room arrives, not after 30 pages.
CARE_SECTIONS = ("Care for participants who have lived these encounters", "If someone discloses an active legal matter")


def _sections(markdown: str) -> list[str]:
    parts, current = [], []
    for line in markdown.splitlines(keepends=True):
        if line.startswith("## ") and current:
            parts.append("".join(current))
            current = []
        current.append(line)
    return parts + (["".join(current)] if current else [])


def _care_split(content, path: Path) -> tuple[str, str]:
    """(the rest, the care sections) of the authored guide in the build's language. Sections are
    found by their English headings; a translation keeps the sections' order."""
    english = _sections(path.read_text(encoding="utf-8"))
    translated = _sections(_authored(content, path))
    if len(translated) != len(english):
        return "".join(translated), ""
    care = {i for i, section in enumerate(english) if section.split("\n", 1)[0].removeprefix("## ").strip() in CARE_SECTIONS}
    return ("".join(t for i, t in enumerate(translated) if i not in care),
            "".join(t.replace("## ", "### ", 1) for i, t in enumerate(translated) if i in care))


def _authored(content, path: Path) -> str:
    """The authored guide in the build's language (its blocks through the catalogues)."""
    from ..catalogs import translator

    text = path.read_text(encoding="utf-8")
    translated = translator(Path(content.root), content.language)
    return translated.guide(path.relative_to(content.root).as_posix(), text) if translated else text


def _awaiting_review(content, session_id: str) -> bool:
    from ..catalogs import translator

    translated = translator(Path(content.root), content.language)
    return bool(translated and translated.awaiting_review(session_id))
