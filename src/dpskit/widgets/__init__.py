"""Live widgets for notebooks; grading is pure functions in `grading`."""

from .grading import Grade, ScoreSummary, grade, summarize
from .poll import Poll
from .quiz import Quiz
from .scenario import ScenarioPlayer
from .score import Scoreboard, ScoreCard

__all__ = ["Grade", "Poll", "Quiz", "ScenarioPlayer", "ScoreCard", "ScoreSummary", "Scoreboard", "grade", "summarize"]
