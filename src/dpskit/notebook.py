"""What session notebooks call, one line per cell: quiz, score, script, timeline, disclaimer.

Content is found from the notebook's folder upward (curriculum.yml), or from DPSKIT_ROOT.
The widgets speak the content's `language:` (a pack's curriculum.yml records the build's), or
DPSKIT_LANGUAGE when a build runs the notebook in a kernel.
Nothing a participant does is stored or sent: the score lives in this kernel's memory.
"""

from __future__ import annotations

import base64
import html
import io
import os
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from .content import Content, find_root, load_valid_content
from .i18n import _, set_language
from .render import SOURCES_MIMETYPE, render_disclaimer, render_script, render_table

__all__ = ["quiz", "score", "script", "scenario", "poll", "day_check", "timeline", "disclaimer"]


@lru_cache(maxsize=1)
def content() -> Content:
    """The content this kernel reads; from here on its widgets speak the content's language."""
    root = Path(os.environ["DPSKIT_ROOT"]) if os.environ.get("DPSKIT_ROOT") else find_root()
    language = os.environ.get("DPSKIT_LANGUAGE") or None  # a build's kernel: read the content through its catalogues
    data = load_valid_content(root, notebooks=False, language=language)  # data only: also works from a pack's copy
    set_language(language or data.language)
    return data


# Set while the build runs a session's calls in its own process (see dpskit.inline):
# (the content to use, the list every display goes to).
_here: ContextVar[tuple[Content, list] | None] = ContextVar("dpskit_displayed_here", default=None)


@contextmanager
def displayed_here(data: Content):
    """Run notebook calls in this process, without a kernel: they read `data` and every
    object they display is appended, in order, to the list this yields."""
    shown: list = []
    token = _here.set((data, shown))
    _scoreboard.cache_clear()
    try:
        yield shown
    finally:
        _here.reset(token)
        _scoreboard.cache_clear()


def _current() -> Content:
    here = _here.get()
    return here[0] if here else content()


@lru_cache(maxsize=1)
def _scoreboard():
    from .widgets import Scoreboard

    return Scoreboard()


class Rendered:
    """A display object with HTML for pages and plain text for terminals."""

    def __init__(self, html: str, text: str, extra: dict[str, Any] | None = None, metadata: dict[str, Any] | None = None):
        self.html, self.text, self.extra, self.metadata = html, text, extra or {}, metadata or {}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        return {**self.extra, "text/html": self.html, "text/plain": self.text}, self.metadata


def _display(obj: Any) -> None:
    from IPython.display import display

    here = _here.get()
    if here:
        here[1].append(obj)
        return

    display(obj)


def _lookup(data: Content, table: str, key: str, where: str) -> Any:
    """data.<table>[key], or an error a maintainer can act on: the content changed since this kernel
    read it (restart), or the id is not there (the closest ids, and the file to look in)."""
    from difflib import get_close_matches

    found = getattr(data, table)
    if key in found:
        return found[key]
    fresh = None
    if _here.get() is None:  # a kernel: has the content on disk changed since content() read it?
        try:
            fresh = load_valid_content(data.root, notebooks=False, language=os.environ.get("DPSKIT_LANGUAGE") or None)
        except Exception:  # noqa: BLE001 - content mid-edit: the plain message below still helps
            fresh = None
    if fresh is not None and key in getattr(fresh, table):
        raise LookupError(_("the content changed since this notebook started: restart the kernel "
                            "(Kernel > Restart Kernel and Run All) to see {key!r}").format(key=key))
    close = get_close_matches(key, list(found), n=3)
    hint = _(" Did you mean: {ids}?").format(ids=", ".join(close)) if close else ""
    raise LookupError(_("no {key!r} in {where}.").format(key=key, where=where) + hint)


def quiz(*ids: str, session: str | None = None) -> None:
    """Show quiz items by id, or a whole session's bank with `session=`."""
    from .widgets import Quiz

    data = _current()
    items = [_lookup(data, "quiz_items", i, f"data/quizzes/{i[:2]}-*.yaml") for i in ids] + (data.bank(session) if session else [])
    if not items:
        raise ValueError(_("quiz() needs at least one quiz id or a session"))
    for item in items:
        _display(_scoreboard().track(Quiz(item, _sources_of(data, item.sources))))


def score():
    """The running score of every quiz checked in this notebook."""
    from .widgets import ScoreCard

    _current()  # a kernel learns its language from the content before the card says anything
    return ScoreCard(_scoreboard())


def _sources_of(data: Content, ids) -> dict[str, Any]:
    """Only the sources an output cites: the build records exactly what each session reads."""
    return {sid: data.sources[sid] for sid in ids if sid in data.sources}


def _sources_dict(data: Content, ids) -> dict[str, dict[str, Any]]:
    return {sid: asdict(source) for sid, source in _sources_of(data, ids).items()}


def script(*ids: str) -> None:
    """Show scripts to say out loud, from data/scripts.yaml."""
    data = _current()
    for script_id in ids:
        item = _lookup(data, "scripts", script_id, "data/scripts.yaml")
        _display(Rendered(render_script(asdict(item), _sources_dict(data, item.sources)), f"“{item.say}”  ({item.when})",
                          extra={SOURCES_MIMETYPE: {"ids": list(item.sources)}}))


def scenario(scenario_id: str):
    """A branching role-play from data/scenarios, one step at a time."""
    from .render import scenario_payload
    from .widgets import ScenarioPlayer

    data = _current()
    story = _lookup(data, "scenarios", scenario_id, "data/scenarios/")
    named = {sid for node in story.nodes.values() for sid in node.scripts}
    scripts = {sid: asdict(data.scripts[sid]) for sid in sorted(named) if sid in data.scripts}
    return ScenarioPlayer(story, scenario_payload(story.to_dict(), scripts, _sources_dict(data, story.sources)))


def poll(quiz_id: str):
    """A show-of-hands poll on a quiz question, for the facilitator: counts in, chart out."""
    from .widgets import Poll

    return Poll(_lookup(_current(), "quiz_items", quiz_id, f"data/quizzes/{quiz_id[:2]}-*.yaml"))


def day_check(*ids: str, title: str = "", date: str = "", chapter: str = "", paper: str = "letter"):
    """The day's before-and-after check for the facilitator (show of hands): counts in, the room's
    results and a one-page summary out, kept in this kernel's memory only (dpskit.widgets.daycheck)."""
    from .widgets.daycheck import DayCheckPanel

    data = _current()
    items = [_lookup(data, "quiz_items", i, f"data/quizzes/{i[:2]}-*.yaml") for i in ids]
    return DayCheckPanel(items, curriculum=data.title, title=title or data.title, date=date, chapter=chapter, paper=paper)


def disclaimer() -> Rendered:
    """Legal information, not legal advice; every session shows this."""
    notice = _current().disclaimer
    return Rendered(render_disclaimer(asdict(notice)), f"{notice.short}\n{notice.text}")


def timeline(chart: bool = True, table: bool = True) -> None:
    """The chart and table of data/timeline.csv: the long pattern session 01 discusses.
    A slide shows the chart alone; the table, too long for a slide, goes in a cell the deck skips."""
    data = _current()
    frame = timeline_frame(data)
    if chart:
        _display_timeline_chart(frame)
    if table:
        rows = [[n, r.date, r.event, r.actors, r.category, r.source_titles] for n, r in frame.iterrows()]
        columns = ["#", _("Date"), _("Event"), _("Public bodies"), _("Category"), _("Sources")]
        _display(Rendered(render_table(columns, rows, _("Timeline of events")), _("Timeline of events")))


def _display_timeline_chart(frame) -> None:
    png = _timeline_png(frame)
    alt = _("Timeline chart of {n} events from {first} to {last}, by category; each number matches a row of the table below.").format(
        n=len(frame), first=frame["year"].min(), last=frame["year"].max()
    )
    _display(Rendered(
        f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}" class="dpskit-timeline-chart">',
        alt,
        extra={"image/png": png},
        metadata={"image/png": {"alt": alt}},
    ))


def timeline_frame(data: Content):
    """The timeline as a pandas DataFrame sorted by date, numbered from 1."""
    import pandas as pd

    frame = pd.DataFrame(data.timeline)
    frame["when"] = frame["date"].map(_partial_date)
    frame = frame.sort_values("when", kind="stable").reset_index(drop=True)
    frame.index = frame.index + 1
    frame["year"] = frame["when"].dt.year
    frame["source_titles"] = frame["sources"].map(
        lambda ids: "; ".join(data.sources[s.strip()].title for s in ids.split(";") if s.strip() in data.sources)
    )
    return frame


def _partial_date(text: str):
    """YYYY, YYYY-MM or YYYY-MM-DD as a timestamp (missing parts count as the first)."""
    import pandas as pd

    year, month, day = (list(map(int, text.split("-"))) + [1, 1])[:3]
    return pd.Timestamp(year, month, day)


TIMELINE_NUMBER_PT, TIMELINE_DPI = 19, 100


def _timeline_png(frame) -> str:
    """Drawn for a 1280x720 slide seen from the back of a room: events evenly spaced in date order
    (one column each, the year under it), so no two numbers ever overlap, however close the dates;
    the lanes' names, in their colors, are the key. The image fills the slide's width at about
    0.92 px per figure pixel: 19 pt numbers and lane names print 24 px, the years 23 px."""
    from matplotlib.figure import Figure

    categories = sorted(frame["category"].unique())
    colors = ["#3d4f7d", "#b35c00", "#1d5e2d", "#7a2e6b", "#4a4a4a", "#8a3b00"]
    fig = Figure(figsize=(12.4, 5.9), dpi=TIMELINE_DPI)
    ax = fig.add_subplot()
    lanes = {category: lane for lane, category in enumerate(categories)}
    columns = range(len(frame))
    ax.scatter(columns, [lanes[c] for c in frame["category"]], s=220, zorder=3,
               color=[colors[lanes[c] % len(colors)] for c in frame["category"]])
    for column, (number, category) in zip(columns, zip(frame.index, frame["category"])):
        ax.annotate(str(number), (column, lanes[category]), textcoords="offset points", xytext=(0, 9), ha="center",
                    va="bottom", fontsize=TIMELINE_NUMBER_PT, fontweight="bold")
    ax.set_xticks(list(columns), [str(y) for y in frame["year"]], fontsize=18, rotation=90)
    ax.set_xlim(-0.7, len(frame) - 0.3)
    ax.set_yticks(range(len(categories)), [c.capitalize() for c in categories], fontsize=19)
    for label, color in zip(ax.get_yticklabels(), colors):
        label.set_color(color)
        label.set_fontweight("bold")
    ax.set_ylim(-0.6, len(categories) - 0.1)
    ax.grid(axis="x", color="#e4e4e4", zorder=0)
    ax.set_title(_("Surveillance, prosecutions and policy, {first}–{last}").format(first=frame["year"].min(), last=frame["year"].max()),
                 fontsize=18, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")
