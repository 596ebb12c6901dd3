"""Live widgets for notebooks; grading is pure functions in `grading`."""

from .grading import Grade, ScoreSummary, grade, summarize
from .quiz import Quiz
from .score import Scoreboard, ScoreCard

__all__ = ["Grade", "Quiz", "ScoreCard", "ScoreSummary", "Scoreboard", "grade", "summarize"]
