"""The participant notebook: no facilitator cells, code hidden, outputs cleared."""

from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor
from traitlets import default

from ..preprocessors import (
    CitationPreprocessor,
    FacilitatorTagsPreprocessor,
    HideCodePreprocessor,
    ParticipantMetadataPreprocessor,
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
            CitationPreprocessor(append_sources_cell=True),
            HideCodePreprocessor(),
            ParticipantMetadataPreprocessor(),
            PrivacyPreprocessor(),
        ]
