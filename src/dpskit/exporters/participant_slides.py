"""The deck participants may keep: the same slides without speaker notes or facilitator prompts."""

import re

from traitlets import default
from traitlets.config import Config

from .slides import SlidesExporter

NOTES = re.compile(r'<aside class="notes">.*?</aside>', re.DOTALL)


def without_notes(nb):
    """Speaker notes that outputs carry (a script's "why" on the facilitator's deck) are dropped:
    participants read those reasons in the take-home and the reader."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if isinstance(html, str) and 'class="notes"' in html:
                output["data"]["text/html"] = NOTES.sub("", html)
    return nb


class ParticipantSlidesExporter(SlidesExporter):
    """The dpskit_slides_participant template (only a conf.json) reuses the deck template and
    adds preprocessors: facilitator cells removed, output payloads without notes; and quizzes
    render to answer, not as slides with speaker notes."""

    export_from_notebook = "dpskit participant slides"

    @default("template_name")
    def _default_template_name(self):
        return "dpskit_slides_participant"

    @default("file_extension")
    def _file_extension_default(self):
        return ".participant.slides.html"

    def _preprocess(self, nb, resources):
        nb, resources = super()._preprocess(nb, resources)
        return without_notes(nb), resources

    @property
    def default_config(self):
        # Set here, not in conf.json: a parent template's conf.json wins over its child's.
        config = Config({"AudienceOutputPreprocessor": {"mode": "interactive"}})
        config.merge(super().default_config)
        return config
