"""Will this slide fit? An estimate without a browser, from the slides template's metrics
(export/templates/dpskit_slides: a 1280x720 slide, 32 px body text), so authors hear about a
wall of text from `dpskit check` before CI measures it in Chromium (dpskit.slidelayout).

Counts what the room sees: markdown of the slide and the quiz, scenario, script or disclaimer a
code cell shows; speaker-notes cells (slide_type notes, or tagged facilitator) do not count."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .loader import notebook_calls
from .model import Content, Session

WORD_BUDGET = 60  # contract 3: words of markdown on a content slide
# Template metrics in slide pixels: a slide is 1280x720; the slide's padding leaves this much.
WIDTH, HEIGHT = 1232, 656
BODY = 32                      # --r-main-font-size
CHAR = 0.5                     # average glyph width of the system sans at a given size, in ems
LINE = 1.3
BLOCKS = {                     # font px, space after, indent px
    "h1": (57.6, 30, 0), "h2": (43.2, 24, 0), "h3": (35.2, 20, 0), "p": (BODY, 20, 0),
    "li": (BODY, 6, 60), "blockquote": (BODY, 20, 80), "td": (25.6, 8, 0),
}
UNKNOWN_OUTPUT = 240           # a chart or table the estimate cannot see
CITATION = re.compile(r"\s*\[@[^\]]+\]")
SLIDE_STARTS = ("slide", "subslide")


@dataclass(frozen=True)
class SlideEstimate:
    session: str
    path: str
    number: int             # 1-based, as the deck numbers it
    title: str
    words: int
    height: int             # estimated px of content
    subslide: bool = False

    @property
    def overflows(self) -> bool:
        return self.height > HEIGHT

    def warnings(self) -> list[str]:
        where = f"{self.path}: slide {self.number} \u201c{self.title}\u201d"
        found = []
        if self.subslide:
            found.append(f"{where}: is a subslide; use slide (decks are linear, a clicker never visits sub-slides)")
        if self.words > WORD_BUDGET:
            found.append(f"{where}: {self.words} words, over the ~{WORD_BUDGET}-word budget; move detail into its notes cell")
        if self.overflows:
            found.append(f"{where}: likely runs below the slide at 1280x720 (about {self.height} px of content, "
                         f"{HEIGHT} px fit); split it or move text into notes (`dpskit check --layout` measures it)")
        return found


def _lines(text: str, font: float, width: float) -> int:
    per_line = max(1, int(width / (font * CHAR)))
    return max(1, math.ceil(len(text) / per_line))


def _block(text: str, kind: str, width: float = WIDTH) -> float:
    font, after, indent = BLOCKS[kind]
    return _lines(text, font, width - indent) * font * LINE + after


def markdown_height(source: str) -> tuple[float, str]:
    """Estimated height of a markdown cell, and its first heading."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(CITATION.sub(" [1]", source))
    height, title, stack, row = 0.0, "", [], []
    for token in tokens:
        if token.type.endswith("_open"):
            stack.append(token.tag)
            if token.tag == "tr":
                row = []
        elif token.type.endswith("_close"):
            stack.pop()
            if token.tag == "tr" and row:
                width = WIDTH / len(row)
                height += max(_lines(cell, BLOCKS["td"][0], width - 16) for cell in row) * BLOCKS["td"][0] * 1.2 + BLOCKS["td"][1]
        elif token.type == "inline":
            text = re.sub(r"\s+", " ", "".join(t.content for t in token.children or [] if t.type in ("text", "code_inline")))
            if "td" in stack or "th" in stack:
                row.append(text)
            elif stack and stack[-1] in ("h1", "h2", "h3", "h4"):
                height += _block(text, stack[-1] if stack[-1] != "h4" else "h3")
                title = title or text
            else:
                kind = "li" if "li" in stack else "blockquote" if "blockquote" in stack else "p"
                height += _block(text, kind, WIDTH - 60 * max(0, stack.count("ul") + stack.count("ol") - 1))
    return height, title


def _quiz_height(content: Content, quiz_id: str) -> float:
    """The question box and, after the fragment, its answer: prompt, options, explanation."""
    item = content.quiz_items.get(quiz_id)
    if item is None:
        return 0
    option, answer = 27.2, 24
    correct = " ".join(o.text for o in item.options if o.correct)
    return (40 + _lines(item.prompt, 30, WIDTH - 40) * 30 * 1.2 + 16
            + sum(_lines(o.text, option, WIDTH - 90) * option * LINE + 8 for o in item.options)
            + _lines(correct, answer, WIDTH) * answer * LINE + _lines(item.explanation, answer, WIDTH) * answer * LINE
            + 2 * answer * LINE)


def _scenario_height(content: Content, scenario_id: str) -> float:
    """The first step as the room sees it: title, summary, situation and the choices."""
    scenario = content.scenarios.get(scenario_id)
    if scenario is None:
        return 0
    node, size = scenario.nodes[scenario.start], 27.2
    return (50 + _lines(scenario.summary, 25, WIDTH) * 25 * 1.2 + _lines(node.situation, size, WIDTH - 40) * size * LINE
            + size * LINE + sum(_lines(c.text, size, WIDTH - 80) * size * LINE + 20 for c in node.choices) + 40)


def _code_height(content: Content, source: str) -> float:
    height = 0.0
    for name, args, _ in notebook_calls(source):
        if name == "quiz":
            height += sum(_quiz_height(content, a) for a in args) if args else UNKNOWN_OUTPUT
        elif name == "scenario":
            height += sum(_scenario_height(content, a) for a in args)
        elif name == "script":
            height += sum(_block(content.scripts[a].say, "h3") + 2 * _block(content.scripts[a].when, "p")
                          for a in args if a in content.scripts)
        elif name == "disclaimer" and content.disclaimer is not None:
            height += _lines(content.disclaimer.text, 24, WIDTH - 40) * 24 * LINE + 40
        elif name in ("score",):
            height += 120
        elif name not in ("import",):
            height += UNKNOWN_OUTPUT
    return height


def estimate_slides(content: Content, session: Session, cells) -> list[SlideEstimate]:
    """One estimate per slide of a session; `cells` as (type, source, tags, slide type)."""
    from pathlib import Path

    path = Path(session.notebook)
    path = path.relative_to(content.root).as_posix() if path.is_relative_to(content.root) else str(path)
    slides: list[dict] = []
    for cell_type, source, tags, slide_type in cells:
        if slide_type in ("skip", "notes") or "facilitator" in tags:
            continue
        if slide_type in SLIDE_STARTS or not slides:
            slides.append({"words": 0, "height": 0.0, "title": "", "subslide": slide_type == "subslide"})
        slide = slides[-1]
        if cell_type == "markdown":
            height, title = markdown_height(source)
            slide["height"] += height
            slide["title"] = slide["title"] or title
            slide["words"] += len(re.findall(r"[\w'’-]+", CITATION.sub("", re.sub(r"<[^>]+>|\([^)]*\)\]?|[#*_`>|]", " ", source))))
        elif cell_type == "code":
            slide["height"] += _code_height(content, source)
            if not slide["title"]:
                for name, args, _ in notebook_calls(source):
                    if name == "quiz" and args and args[0] in content.quiz_items:
                        slide["title"] = content.quiz_items[args[0]].prompt[:50]
                    elif name == "scenario" and args and args[0] in content.scenarios:
                        slide["title"] = content.scenarios[args[0]].title
                    elif name in ("script", "disclaimer", "score", "timeline"):
                        slide["title"] = f"{name}()"
    return [SlideEstimate(session.id, path, n, s["title"] or "(untitled)", s["words"], round(s["height"]), s["subslide"])
            for n, s in enumerate(slides, start=1)]


def slide_warnings(content: Content) -> list[str]:
    """Every slide over the word budget or likely to overflow, in every session."""
    from .review import session_cells

    return [w for session in content.sessions for slide in estimate_slides(content, session, session_cells(session))
            for w in slide.warnings()]
