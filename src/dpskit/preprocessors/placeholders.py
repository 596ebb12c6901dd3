"""Fill `[[contact:legal_hotline]]`-style placeholders from workshop.yml; blanks print as lines."""

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from ..content.loader import PLACEHOLDER, WORKSHOP_FIELDS

ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def as_markdown_text(value: str) -> str:
    """A workshop value as literal text inside markdown: one line, and every ASCII punctuation mark
    a numeric character reference, which Markdown never reads as syntax (no link, image, HTML tag,
    math or autolink can form) and every renderer shows as the character itself."""
    return ASCII_PUNCTUATION.sub(lambda match: f"&#{ord(match.group())};", " ".join(value.split()))


class PlaceholderPreprocessor(Preprocessor):
    """Reads `resources["dpskit"]["workshop"]` (title, date, venue, chapter, contacts, ...)."""

    enabled = Bool(True).tag(config=True)
    blank = Unicode("________________", help="printed where a value is missing, to fill in by hand").tag(config=True)

    def preprocess(self, nb, resources):
        workshop = resources.get("dpskit", {}).get("workshop") or {}
        values = {("workshop", key): str(workshop.get(key) or "") for key in WORKSHOP_FIELDS}
        values.update({("contact", key): str(value or "") for key, value in workshop.get("contacts", {}).items()})

        def fill(match):
            value = values.get((match.group(1), match.group(2)), "").strip()
            return as_markdown_text(value) if value else self.blank

        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = PLACEHOLDER.sub(fill, cell.source)
        return nb, resources
