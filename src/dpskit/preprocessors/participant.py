"""Outputs for participants' copies: drop what only facilitators read from the data an output
carries, so a page's embedded payload cannot hand over the notes either."""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ..render import QUIZ_MIMETYPE, SCENARIO_MIMETYPE


class ParticipantOutputsPreprocessor(Preprocessor):
    """Removes quiz talking points and scenario facilitator prompts from quiz and scenario outputs."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for item in data.get(QUIZ_MIMETYPE, {}).get("items", []):
                item.pop("talking_points", None)
            for node in data.get(SCENARIO_MIMETYPE, {}).get("scenario", {}).get("nodes", {}).values():
                node.pop("facilitator", None)
        return cell, resources
