"""The shared base of dpskit's HTML exports: no code, no prompts, no external assets."""

from nbconvert.exporters import HTMLExporter
from traitlets import default

from .context import ContentContextMixin, template_basedirs


class DpskitHTMLExporter(ContentContextMixin, HTMLExporter):
    """Session pages for people who never read code. Pages inline every asset they use, so
    templates never reference require.js, MathJax, mermaid or a widget manager."""

    export_from_notebook = None  # the base class is not an export target of its own

    @default("template_file")
    def _default_template_file(self):
        return "index.html.j2"

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
