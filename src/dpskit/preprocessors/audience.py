"""Which audience sees which cell: facilitator notes are speaker notes and tags at once."""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, List, Unicode


class FacilitatorTagsPreprocessor(Preprocessor):
    """Make `slide_type: notes` and the facilitator tag mean the same, whichever an author used.

    Slides need the slide type (speaker notes); TagRemovePreprocessor needs the tag.
    """

    enabled = Bool(True).tag(config=True)
    tag = Unicode("facilitator", help="the tag that marks facilitator-only cells").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        tags = cell.metadata.setdefault("tags", [])
        slideshow = cell.metadata.setdefault("slideshow", {})
        if slideshow.get("slide_type") == "notes" and self.tag not in tags:
            tags.append(self.tag)
        elif self.tag in tags:
            slideshow["slide_type"] = "notes"
        return cell, resources


class HideCodePreprocessor(Preprocessor):
    """Participants never read code: collapse every code cell's source and lock it."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
            tags = cell.metadata.setdefault("tags", [])
            if "hide-input" not in tags:  # Voilà, Jupyter Book and nbconvert all honour this tag
                tags.append("hide-input")
        return cell, resources


class ParticipantMetadataPreprocessor(Preprocessor):
    """Keep only what participants should see of the session metadata (no preparation notes)."""

    enabled = Bool(True).tag(config=True)
    keep = List(Unicode(), ["id", "title", "summary", "objectives", "key_points"],
                help="keys of metadata.dpskit kept in participant notebooks").tag(config=True)

    def preprocess(self, nb, resources):
        session = nb.metadata.get("dpskit", {})
        nb.metadata["dpskit"] = {key: value for key, value in session.items() if key in self.keep}
        if session.get("title"):  # what Voilà's page and tab say instead of the file name
            nb.metadata["title"] = session["title"]
        return nb, resources


class PollCellsPreprocessor(Preprocessor):
    """For the facilitator's notebook: after each `quiz("id")` cell, a `poll("id")` cell to
    tally the room's show of hands."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        from nbformat.v4 import new_code_cell

        from ..content import notebook_calls

        cells = []
        for cell in nb.cells:
            cells.append(cell)
            if cell.cell_type != "code":
                continue
            for name, args, _kwargs in notebook_calls(cell.source):
                if name == "quiz":
                    cells.extend(new_code_cell(f"poll({quiz_id!r})", metadata={"tags": ["facilitator", "poll"]}) for quiz_id in args)
        nb.cells = cells
        return nb, resources
