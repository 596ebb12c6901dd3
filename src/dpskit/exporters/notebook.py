"""Notebooks to hand out: the participant's (no facilitator cells) and the facilitator's (with polls)."""

from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor
from traitlets import default

from ..preprocessors import (
    CitationPreprocessor,
    FacilitatorTagsPreprocessor,
    HideCodePreprocessor,
    ParticipantMetadataPreprocessor,
    PlaceholderPreprocessor,
    PollCellsPreprocessor,
    PrivacyPreprocessor,
)
from .context import ContentContextMixin


class ParticipantNotebookExporter(ContentContextMixin, NotebookExporter):
    """Opens cleanly in JupyterLab: participants run it and see only narrative and widgets."""

    export_from_notebook = "dpskit participant notebook"

    @default("file_extension")
    def _file_extension_default(self):
        return ".ipynb"

    @default("preprocessors")
    def _default_preprocessors(self):
        return [
            FacilitatorTagsPreprocessor(),
            TagRemovePreprocessor(enabled=True, remove_cell_tags={"facilitator"}),
            ClearOutputPreprocessor(enabled=True),
            PlaceholderPreprocessor(),
            CitationPreprocessor(append_sources_cell=True),
            HideCodePreprocessor(),
            ParticipantMetadataPreprocessor(),
            PrivacyPreprocessor(),
        ]


class FacilitatorNotebookExporter(ContentContextMixin, NotebookExporter):
    """The whole session with facilitator notes, plus a room poll after every question."""

    export_from_notebook = "dpskit facilitator notebook"

    @default("file_extension")
    def _file_extension_default(self):
        return ".facilitator.ipynb"

    @default("preprocessors")
    def _default_preprocessors(self):
        return [
            ClearOutputPreprocessor(enabled=True),
            PollCellsPreprocessor(),
            PlaceholderPreprocessor(),
            CitationPreprocessor(append_sources_cell=True),
            HideCodePreprocessor(),
            PrivacyPreprocessor(),
        ]
