"""nbconvert preprocessors: small, configurable by traitlets, each doing one thing."""

from .audience import (
    FacilitatorTagsPreprocessor,
    HideCodePreprocessor,
    ParticipantMetadataPreprocessor,
    PollCellsPreprocessor,
)
from .citations import CitationPreprocessor
from .clock import ClockCuesPreprocessor
from .execute import ExecuteOncePreprocessor
from .privacy import PrivacyPreprocessor
from .outputs import AudienceOutputPreprocessor
from .participant import ParticipantOutputsPreprocessor
from .placeholders import PlaceholderPreprocessor

__all__ = [
    "CitationPreprocessor", "ClockCuesPreprocessor", "ExecuteOncePreprocessor", "FacilitatorTagsPreprocessor", "HideCodePreprocessor",
    "ParticipantMetadataPreprocessor", "ParticipantOutputsPreprocessor", "PlaceholderPreprocessor", "PollCellsPreprocessor", "PrivacyPreprocessor", "AudienceOutputPreprocessor",
]
