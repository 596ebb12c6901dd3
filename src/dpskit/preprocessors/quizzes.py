"""Render quiz and score outputs for one audience; drop live widget views from pages."""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Enum

from ..render import QUIZ_MIMETYPE, SCORE_MIMETYPE, render_quiz, render_score

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class QuizRenderPreprocessor(Preprocessor):
    """Replace each quiz output with the HTML of `mode`: interactive (pages), slides
    (question plus an answer fragment and talking points in the notes), worksheet (handouts,
    no answers) or answer_key (guides). Exported pages never depend on widget state."""

    enabled = Bool(True).tag(config=True)
    mode = Enum(["interactive", "slides", "worksheet", "answer_key"], "interactive",
                help="how quizzes appear in this export").tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                data = output.get("data")
                if data is None:
                    kept.append(output)
                    continue
                if QUIZ_MIMETYPE in data:
                    output["data"] = {"text/html": render_quiz(data[QUIZ_MIMETYPE], self.mode)}
                elif SCORE_MIMETYPE in data:
                    html = render_score(self.mode)
                    if not html:
                        continue
                    output["data"] = {"text/html": html}
                else:
                    data.pop(WIDGET_VIEW, None)
                    if not data:
                        continue
                kept.append(output)
            cell.outputs = kept
        return nb, resources
