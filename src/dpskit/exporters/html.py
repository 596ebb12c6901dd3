"""The shared base of dpskit's HTML exports: no code, no prompts, no external assets."""

from nbconvert.exporters import HTMLExporter
from traitlets import default

from .context import SessionPageMixin


class DpskitHTMLExporter(SessionPageMixin, HTMLExporter):
    """Session pages for people who never read code. Pages inline every asset they use, so
    templates never reference require.js, MathJax, mermaid or a widget manager."""

    export_from_notebook = None  # the base class is not an export target of its own

    @default("template_file")
    def _default_template_file(self):
        return "index.html.j2"
