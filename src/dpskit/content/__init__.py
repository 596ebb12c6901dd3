"""Content: the curriculum manifest, data/ tables and session metadata, validated."""

from .errors import ContentError, InvalidContent
from .loader import CITATION, find_root, load_content, load_valid_content, missing_notebooks, notebook_calls, notebook_cell_errors
from .model import Content, Disclaimer, GlossaryTerm, Option, QuizItem, Script, Session, Source

__all__ = [
    "CITATION", "Content", "ContentError", "Disclaimer", "GlossaryTerm", "InvalidContent", "Option",
    "QuizItem", "Script", "Session", "Source", "find_root", "load_content", "load_valid_content", "missing_notebooks",
    "notebook_calls", "notebook_cell_errors",
]
