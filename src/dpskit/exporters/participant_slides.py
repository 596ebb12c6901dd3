"""The deck participants may keep: the same slides without speaker notes or facilitator prompts."""

from traitlets import default
from traitlets.config import Config

from .slides import SlidesExporter


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

    @property
    def default_config(self):
        # Set here, not in conf.json: a parent template's conf.json wins over its child's.
        config = Config({"AudienceOutputPreprocessor": {"mode": "interactive"}})
        config.merge(super().default_config)
        return config
