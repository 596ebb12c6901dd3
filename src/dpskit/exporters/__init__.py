"""nbconvert exporters, registered as `nbconvert.exporters` entry points (`--to dpskit-*`)."""

from .guide import GuideExporter
from .handout import HandoutExporter
from .notebook import ParticipantNotebookExporter
from .slides import SlidesExporter

__all__ = ["GuideExporter", "HandoutExporter", "ParticipantNotebookExporter", "SlidesExporter"]
