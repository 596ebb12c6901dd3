"""The take-home: two pages per session (one sheet, duplex) that people keep after the workshop.

Key points, the scripts the session teaches, what to do after an encounter, local contacts and
where to learn more. The full session text stays in the longer reader (the `handout` format).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from traitlets import default

from ..content import Content, notebook_calls
from .html import DpskitHTMLExporter


def session_scripts(nb, content: Content) -> list[dict[str, Any]]:
    """The scripts the session's cells show, in order; the pocket card's when it shows none."""
    ids = [arg for cell in nb.cells if cell.cell_type == "code"
           for name, args, _ in notebook_calls(cell.source) if name == "script" for arg in args]
    if not ids and content.pocket_card is not None:
        ids = list(content.pocket_card.scripts)
    return [asdict(content.scripts[i]) for i in dict.fromkeys(ids) if i in content.scripts]


def contact_lines(content: Content, contacts: dict[str, str]) -> list[dict[str, str]]:
    """The pocket card's contact labels with the workshop's values; blanks print as lines."""
    rows = content.pocket_card.contacts if content.pocket_card is not None else ()
    return [{"label": row["label"], "value": (contacts.get(row["key"]) or "").strip()} for row in rows]


class TakeHomeExporter(DpskitHTMLExporter):
    export_from_notebook = "dpskit take-home"

    @default("template_name")
    def _default_template_name(self):
        return "dpskit_takehome"

    @default("file_extension")
    def _file_extension_default(self):
        return ".takehome.html"

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        context = dict(resources.get("dpskit", {}))
        content = context.get("content") or self._load_content(resources, nb)
        workshop = context.get("workshop") or {}
        card = content.pocket_card
        context.update(
            content=content,
            scripts=session_scripts(nb, content),
            after=list(card.after) if card is not None else [],
            contacts=contact_lines(content, workshop.get("contacts") or {}),
        )
        resources["dpskit"] = context
        return super().from_notebook_node(nb, resources, **kw)
