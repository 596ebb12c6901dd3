"""Render dpskit's own outputs (quizzes, scenarios, score) for one audience; drop widget views."""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Enum

from ..render import QUIZ_MIMETYPE, SCENARIO_MIMETYPE, SCORE_MIMETYPE, render_quiz, render_scenario, render_score

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class AudienceOutputPreprocessor(Preprocessor):
    """Replace each quiz and scenario output with the HTML of `mode`:
    interactive (pages), slides (plus answer fragments and speaker notes), worksheet
    (handouts: no answers; scenarios as numbered steps), answer_key (guides: answers,
    scenario maps) or backup (the slides PDF: question and answer, talking points in notes;
    a scenario's first step, its best path in notes). Exported pages never depend on stored widget state."""

    enabled = Bool(True).tag(config=True)
    mode = Enum(["interactive", "slides", "worksheet", "answer_key", "backup"], "interactive",
                help="how quizzes and scenarios appear in this export").tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [output for output in map(self._render, cell.get("outputs", [])) if output is not None]
        return nb, resources

    def _render(self, output):
        data = output.get("data")
        if data is None:
            return output
        if QUIZ_MIMETYPE in data:
            output["data"] = {"text/html": render_quiz(data[QUIZ_MIMETYPE], self.mode)}
        elif SCENARIO_MIMETYPE in data:
            output["data"] = {"text/html": render_scenario(data[SCENARIO_MIMETYPE], self.mode)}
        elif SCORE_MIMETYPE in data:
            html = render_score(self.mode)
            if not html:
                return None
            output["data"] = {"text/html": html}
        else:
            data.pop(WIDGET_VIEW, None)
            if not data:
                return None
        return output
