"""Participant handout: narrative, key points, worksheet, glossary, sources. No facilitator text."""

from traitlets import default

from .html import DpskitHTMLExporter


class HandoutExporter(DpskitHTMLExporter):
    export_from_notebook = "dpskit handout"

    @default("template_name")
    def _default_template_name(self):
        return "dpskit_handout"

    @default("file_extension")
    def _file_extension_default(self):
        return ".handout.html"
