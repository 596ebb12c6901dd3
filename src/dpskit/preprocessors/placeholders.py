"""Fill `[[contact:legal_hotline]]`-style placeholders from workshop.yml; blanks print as lines."""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from ..content.loader import PLACEHOLDER, WORKSHOP_FIELDS


class PlaceholderPreprocessor(Preprocessor):
    """Reads `resources["dpskit"]["workshop"]` (title, date, venue, chapter, contacts, ...)."""

    enabled = Bool(True).tag(config=True)
    blank = Unicode("________________", help="printed where a value is missing, to fill in by hand").tag(config=True)

    def preprocess(self, nb, resources):
        workshop = resources.get("dpskit", {}).get("workshop") or {}
        values = {("workshop", key): str(workshop.get(key) or "") for key in WORKSHOP_FIELDS}
        values.update({("contact", key): str(value or "") for key, value in workshop.get("contacts", {}).items()})

        def fill(match):
            return values.get((match.group(1), match.group(2))) or self.blank

        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = PLACEHOLDER.sub(fill, cell.source)
        return nb, resources
