"""nbconvert exporters, registered as `nbconvert.exporters` entry points (`--to dpskit-*`)."""

from .guide import GuideExporter
from .handout import HandoutExporter
from .notebook import FacilitatorNotebookExporter, ParticipantNotebookExporter
from .participant_slides import ParticipantSlidesExporter
from .slides import SlidesExporter, SlidesPrintExporter
from .takehome import TakeHomeExporter

__all__ = ["FacilitatorNotebookExporter", "GuideExporter", "HandoutExporter", "ParticipantNotebookExporter", "ParticipantSlidesExporter", "SlidesExporter", "SlidesPrintExporter", "TakeHomeExporter"]
