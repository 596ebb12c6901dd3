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
        content = context.get("content") or self._load_content(resources)
        context["content"] = content
        session_id = nb.metadata.get("dpskit", {}).get("id", "")
        authored = Path(content.root) / "facilitator_guides" / f"{session_id}.md"
        context["check_before_teaching"] = check_before_teaching(content, session_id) if session_id else None
        context["authored_guide"] = markdown2html_mistune(dollars_not_math(_authored(content, authored))) if authored.is_file() else ""
        context["translation_awaiting_review"] = _awaiting_review(content, session_id)
        resources["dpskit"] = context
        return super().from_notebook_node(nb, resources, **kw)


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
