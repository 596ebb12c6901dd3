"""reveal.js deck with speaker notes, one self-contained file that works from a USB stick."""

import copy
import re

from nbconvert.exporters import SlidesExporter as NbconvertSlidesExporter
from traitlets import Bool, default

from .context import SessionPageMixin
from .reveal import reveal_assets


def linear_slides(nb):
    """Every `subslide` becomes a `slide`: a clicker and the right arrow then visit every slide
    (reveal.js puts sub-slides below, reached only with the down arrow)."""
    if not any(c.metadata.get("slideshow", {}).get("slide_type") == "subslide" for c in nb.cells):
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") == "subslide":
            cell.metadata.slideshow.slide_type = "slide"
    return nb


SCRIPT_WHY = re.compile(r'<span class="dpskit-script-why">(.*?)</span>', re.DOTALL)


def script_reasons_to_notes(nb):
    """A script slide shows what to say and when; its longer "why" goes to the speaker notes."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if isinstance(html, str) and 'class="dpskit-script-why"' in html:
                reasons = SCRIPT_WHY.findall(html)
                output["data"]["text/html"] = SCRIPT_WHY.sub("", html) + "".join(
                    f'<aside class="notes"><p>{reason}</p></aside>' for reason in reasons)
    return nb


class SlidesExporter(SessionPageMixin, NbconvertSlidesExporter):
    """Facilitator notes become speaker notes (press `s`); quizzes become question slides
    with the answer as a fragment and talking points in the notes. Code never appears."""

    export_from_notebook = "dpskit slides"

    @default("template_name")
    def _default_template_name(self):
        return "dpskit_slides"

    @default("reveal_theme")
    def _default_reveal_theme(self):
        return "white"

    @default("reveal_transition")
    def _default_reveal_transition(self):
        return "none"

    @default("reveal_width")
    def _default_reveal_width(self):
        return "1280"  # 16:9 at 720p: template sizes are projector pixels

    @default("reveal_height")
    def _default_reveal_height(self):
        return "720"

    def from_notebook_node(self, nb, resources=None, **kw):
        return super().from_notebook_node(linear_slides(nb), resources, **kw)

    def _preprocess(self, nb, resources):
        nb, resources = super()._preprocess(nb, resources)
        return script_reasons_to_notes(nb), resources

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        resources["dpskit"]["reveal"] = reveal_assets(self.reveal_theme)
        return resources


class SlidesPrintExporter(SlidesExporter):
    """The deck as plain pages for a PDF backup: one slide per page, notes if asked."""

    export_from_notebook = None  # an intermediate for PDFs, not a format of its own
    with_notes = Bool(False, help="print each slide's speaker notes under it").tag(config=True)

    @default("template_name")
    def _default_template_name(self):
        return "dpskit_slides_print"

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        resources["dpskit"]["with_notes"] = self.with_notes
        return resources

    def _preprocess(self, nb, resources):
        nb, resources = super()._preprocess(nb, resources)
        return without_empty_slides(nb), resources


def _shows_something(cell) -> bool:
    kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
    if kind in ("notes", "skip"):
        return False
    if cell.cell_type == "markdown":
        return bool(cell.source.strip())
    return any(o.get("data") or o.get("text") for o in cell.get("outputs", []))


def without_empty_slides(nb):
    """A slide with nothing to print (the score, which only counts clicks) would be a blank page.
    Whole slides go (their cells carry reveal's start and end marks), so the rest stays balanced."""
    slides, current = [], []
    for cell in nb.cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide") and current:
            slides.append(current)
            current = []
        current.append(cell)
    slides.append(current)
    nb.cells = [cell for cells in slides if any(map(_shows_something, cells)) for cell in cells]
    return nb
