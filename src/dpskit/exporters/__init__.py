"""nbconvert exporters, registered as `nbconvert.exporters` entry points (`--to dpskit-*`)."""

from .guide import GuideExporter
from .handout import HandoutExporter
from .notebook import FacilitatorNotebookExporter, ParticipantNotebookExporter
from .slides import SlidesExporter, SlidesPrintExporter

__all__ = ["FacilitatorNotebookExporter", "GuideExporter", "HandoutExporter", "ParticipantNotebookExporter", "SlidesExporter", "SlidesPrintExporter"]
