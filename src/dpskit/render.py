"""HTML fragments for content (quizzes, scripts, score, disclaimer) in every output form.

One autoescaping Jinja environment renders every string that comes from data files, so a
prompt containing `<script>` shows as text everywhere. Exporters and the live widgets both
call these functions: the same bank renders live, static-interactive, on paper and as a key.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Literal

from .i18n import _, install_jinja

QuizMode = Literal["interactive", "slides", "worksheet", "answer_key", "backup"]
QUIZ_MIMETYPE = "application/vnd.dpskit.quiz+json"
SCORE_MIMETYPE = "application/vnd.dpskit.score+json"
SCENARIO_MIMETYPE = "application/vnd.dpskit.scenario+json"
SOURCES_MIMETYPE = "application/vnd.dpskit.sources+json"  # ids an output cites, for the sources list


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("dpskit", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_jinja(env)
    return env


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A static file shipped in dpskit/assets (CSS or JS that pages inline)."""
    return resources.files("dpskit").joinpath(f"assets/{name}").read_text(encoding="utf-8")


def quiz_payload(items: Iterable[dict[str, Any]], sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What a quiz output carries in its own mimetype so any exporter can re-render it."""
    items = list(items)
    cited = {sid for item in items for sid in item["sources"]}
    return {"items": items, "sources": {sid: sources[sid] for sid in sorted(cited) if sid in sources}}


def _answer_key(item: dict[str, Any], sources: dict[str, dict[str, Any]]) -> str:
    """The part a page must not show before checking, encoded so it is not page text."""
    secret = {
        "options": [{"key": o["key"], "correct": o["correct"], "feedback": o["feedback"]} for o in item["options"]],
        "explanation": item["explanation"],
        "sources": [
            {"title": sources[sid]["title"], "url": sources[sid]["url"]} for sid in item["sources"] if sid in sources
        ],
    }
    return base64.b64encode(json.dumps(secret, ensure_ascii=False).encode("utf-8")).decode("ascii")


def render_quiz(payload: dict[str, Any], mode: QuizMode, *, standalone: bool = False) -> str:
    """HTML for the quiz items of one output. `standalone` inlines the CSS and JS it needs."""
    sources = payload.get("sources", {})
    items = [
        {**item, "key": _answer_key(item, sources), "cited": [sources[s] for s in item["sources"] if s in sources]}
        for item in payload["items"]
    ]
    html = environment().get_template("quiz.html.j2").render(items=items, mode=mode, messages=quiz_messages())
    return with_assets(html) if standalone else html


def quiz_messages() -> dict[str, str]:
    """Translated strings the static quiz script shows; passed in, never hard-coded in JS."""
    return {
        "correct": _("Correct."),
        "incorrect": _("Not quite. Read the feedback and try again."),
        "choose": _("Choose an answer first."),
        "missed": _("There is at least one more right answer."),
        "answer": _("Answer"),
        "why": _("Why"),
        "sources": _("Sources"),
        "score": _("Your score on this page: {correct} of {total} questions right ({answered} tried). Nothing is saved or sent."),
    }


def render_score(mode: QuizMode, *, standalone: bool = False) -> str:
    if mode in ("worksheet", "answer_key", "backup"):
        return ""
    html = environment().get_template("score.html.j2").render()
    return with_assets(html) if standalone else html


def render_script(script: dict[str, Any], sources: dict[str, dict[str, Any]]) -> str:
    cited = [sources[s] for s in script["sources"] if s in sources]
    return environment().get_template("script.html.j2").render(script=script, cited=cited)


def render_disclaimer(disclaimer: dict[str, Any]) -> str:
    return environment().get_template("disclaimer.html.j2").render(disclaimer=disclaimer)


def render_table(columns: list[str], rows: list[list[Any]], caption: str) -> str:
    return environment().get_template("table.html.j2").render(columns=columns, rows=rows, caption=caption)


def scenario_payload(scenario: dict[str, Any], scripts: dict[str, dict[str, Any]], sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What a scenario output carries: the graph plus the scripts and sources it names."""
    used = {sid for node in scenario["nodes"].values() for sid in node["scripts"]}
    return {
        "scenario": scenario,
        "scripts": {sid: scripts[sid] for sid in sorted(used) if sid in scripts},
        "sources": {sid: sources[sid] for sid in scenario["sources"] if sid in sources},
    }


def render_scenario(payload: dict[str, Any], mode: QuizMode, *, standalone: bool = False) -> str:
    """A scenario as a step-by-step page (interactive, slides), numbered printed steps
    (worksheet) or the whole map with the best path and debrief (answer_key)."""
    from .content.scenario import Scenario, best_path, reachable

    scenario = Scenario.from_dict(payload["scenario"])
    order = reachable(scenario)
    steps = {node_id: number for number, node_id in enumerate(order, start=1)}
    incoming: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in order}
    for node_id in order:
        for index, choice in enumerate(scenario.nodes[node_id].choices):
            incoming[choice.next].append({"step": steps[node_id], "letter": LETTERS[index], "consequence": choice.consequence})
    secret = base64.b64encode(json.dumps(payload, ensure_ascii=False).encode("utf-8")).decode("ascii")
    html = environment().get_template("scenario.html.j2").render(
        scenario=scenario, order=order, steps=steps, incoming=incoming, letters=LETTERS, mode=mode,
        best=best_path(scenario), scripts=payload["scripts"], cited=list(payload["sources"].values()),
        data=secret, messages=scenario_messages(),
    )
    return with_assets(html) if standalone else html


LETTERS = "ABCDEFGHIJ"


def scenario_messages() -> dict[str, str]:
    return {
        "prompt": _("What do you do?"),
        "restart": _("Start again"),
        "ending": _("Ending"),
        "good": _("A strong outcome"),
        "mixed": _("A mixed outcome"),
        "hard": _("A hard outcome"),
        "debrief": _("Debrief"),
        "say": _("What to say"),
        "path": _("Your path"),
        "step": _("Step"),
    }


def page_script() -> str:
    """The inline script every interactive page carries: quizzes and scenarios."""
    return asset("quiz.js") + "\n" + asset("scenario.js")


def page_style() -> str:
    """The CSS of quizzes, scripts, scenarios and polls."""
    return asset("quiz.css") + "\n" + asset("scenario.css")


def with_assets(html: str) -> str:
    """A fragment plus the CSS and JS it needs, for outputs seen outside a dpskit page."""
    return f"<style>{page_style()}</style>{html}<script>{page_script()}</script>"
