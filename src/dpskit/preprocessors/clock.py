"""Clock cues in the speaker notes of a workshop's decks: the day's real times at part boundaries."""

import re

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ..i18n import _

QUIZ_CALL = re.compile(r"^\s*quiz\(", re.M)
SCENARIO_CALL = re.compile(r"^\s*scenario\(", re.M)


def _notes(text: str):
    return nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "notes"}, "tags": ["facilitator"]})


class ClockCuesPreprocessor(Preprocessor):
    """With a workshop's agenda (`resources["dpskit"]["agendas"]`), the title slide's notes get the
    session's clock, and the first quiz, each role-play and each discussion get "~11:34" for the
    part they open. Without a workshop there is no clock to give, and nothing changes."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        context = resources.get("dpskit", {})
        session_id = nb.metadata.get("dpskit", {}).get("id")
        agenda = (context.get("agendas") or {}).get(session_id)
        if not agenda:
            return nb, resources
        parts = [{"start": row[0].split("–")[0], "title": row[1], "minutes": row[4], "kind": row[3]} for row in agenda["rows"]]

        def cue(part):
            return f"~{part['start']} {part['title']} ({part['minutes']}′)"

        def first_part(word):
            return [p for p in parts if word in p["title"].lower()]

        quiz_parts, role_parts = first_part("quiz") + first_part("cuestionario"), first_part("scenario") + first_part("role-play") + \
            first_part("escenario") + first_part("dramatiz")
        discussion_parts = first_part("discussion") + first_part("discusión") + first_part("conversación")
        cells, quiz_done, titled, roles, discussions = [], False, False, iter(role_parts), iter(discussion_parts)
        for cell in nb.cells:
            cells.append(cell)
            if not titled and cell.metadata.get("slideshow", {}).get("slide_type") == "slide":
                titled = True
                cells.append(_notes(_("Clock for this session: {cues}").format(cues=" · ".join(cue(p) for p in parts))))
            elif cell.cell_type == "code" and QUIZ_CALL.search(cell.source) and quiz_parts and not quiz_done:
                quiz_done = True
                cells.append(_notes(_("Clock: {cue}").format(cue=cue(quiz_parts[0]))))
            elif cell.cell_type == "code" and SCENARIO_CALL.search(cell.source):
                part = next(roles, None)
                if part:
                    cells.append(_notes(_("Clock: {cue}").format(cue=cue(part))))
            elif "discussion" in cell.metadata.get("tags", []):
                part = next(discussions, None)
                if part:
                    cells.append(_notes(_("Clock: {cue}").format(cue=cue(part))))
        nb.cells = cells
        return nb, resources
