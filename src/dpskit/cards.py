"""Wallet-size pocket cards: the scripts on the front, what to do after and contacts on the back."""

from __future__ import annotations

from dataclasses import asdict
from .content import Content
from .exporters.context import build_date
from .i18n import language
from .render import environment

CARDS_PER_SHEET = 8  # 2 columns x 4 rows of 85.6 x 54 mm fit both Letter and A4


def render_pocket_card(content: Content, contacts: dict[str, str] | None = None, paper: str = "letter") -> str:
    """A print-ready sheet: a page of fronts, then a page of backs mirrored for duplex printing.
    Contacts without a value print as a line to fill in by hand."""
    card = content.pocket_card
    if card is None:
        raise ValueError("no data/pocket_card.yaml")
    contacts = contacts or {}
    return environment().get_template("pocket_card.html.j2").render(
        card=card,
        scripts=[asdict(content.scripts[s]) for s in card.scripts],
        contacts=[{**c, "value": (contacts.get(c["key"]) or "").strip()} for c in card.contacts],
        disclaimer=content.disclaimer,
        count=CARDS_PER_SHEET,
        paper=paper,
        language=language(),
        build_date=build_date(),
    )


def _page(template: str, content: Content, paper: str, **values) -> str:
    return environment().get_template(template).render(
        content=content, paper=paper, language=language(), disclaimer=content.disclaimer, build_date=build_date(), **values)


def scenario_cards(content: Content, session_ids) -> list[dict]:
    """One card per role-play of the chosen sessions: the opening situation and its choices,
    never the facilitator prompts or which choice is best."""
    cards = []
    for session_id in session_ids:
        for scenario in (s for s in content.scenarios.values() if s.session == session_id):
            start = scenario.nodes[scenario.start]
            script_ids = dict.fromkeys(s for node in scenario.nodes.values() for s in node.scripts)
            cards.append({
                "session": content.session(session_id).title, "title": scenario.title, "summary": scenario.summary,
                "situation": start.situation, "prompt": start.prompt, "choices": [c.text for c in start.choices],
                "scripts": [content.scripts[s].say for s in script_ids if s in content.scripts],
            })
    return cards


def render_scenario_cards(content: Content, session_ids, paper: str = "letter") -> str:
    """Role-play cards for pair practice, four to a sheet (print one side, cut)."""
    return _page("scenario_cards.html.j2", content, paper, cards=scenario_cards(content, list(session_ids)))


def render_timeline_cards(content: Content, paper: str = "letter") -> str:
    """One card per row of data/timeline.csv, in date order, for the timeline walk."""
    from .notebook import timeline_frame

    frame = timeline_frame(content)
    rows = [{"number": n, "date": r.date, "event": r.event, "actors": r.actors, "category": r.category} for n, r in frame.iterrows()]
    return _page("timeline_cards.html.j2", content, paper, cards=rows)
