"""nbconvert exporters, registered as `nbconvert.exporters` entry points (`--to dpskit-*`).

Imported on first use: pages that only need `exporters.context` (build date, agenda) and a
build with nothing to render never pay for importing nbconvert."""

from importlib import import_module

_WHERE = {
    "FacilitatorNotebookExporter": "notebook", "GuideExporter": "guide", "HandoutExporter": "handout",
    "ParticipantNotebookExporter": "notebook", "ParticipantSlidesExporter": "participant_slides",
    "SlidesExporter": "slides", "SlidesPrintExporter": "slides", "TakeHomeExporter": "takehome",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)


def __dir__() -> list[str]:
    return __all__
