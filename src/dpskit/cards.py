"""Wallet-size pocket cards: the scripts on the front, what to do after and contacts on the back."""

from __future__ import annotations

from dataclasses import asdict
from .content import Content
from .exporters.context import build_date
from .i18n import _, language, using
from .render import environment

BILINGUAL = ("en", "es")  # the two sides of a bilingual card (workshop.yml `pocket_card: bilingual`)
CARDS_PER_SHEET = 8  # 2 columns x 4 rows of 85.6 x 54 mm fit both Letter and A4


def render_pocket_card(content: Content, contacts: dict[str, str] | None = None, paper: str = "letter", *,
                       other: Content | None = None) -> str:
    """A print-ready sheet: a page of fronts, then a page of backs mirrored for duplex printing.
    Contacts without a value print as a line to fill in by hand. With `other` (the same content in
    a second language), bilingual: two cards, the scripts and what to do after, each with this
    language on one side and the other language on the back (four pages, two sheets)."""
    if content.pocket_card is None:
        raise ValueError("no data/pocket_card.yaml")
    faces = [card_face(content, contacts or {})] + ([card_face(other, contacts or {})] if other is not None else [])
    if other is None:
        sheets = [{"label": _("Fronts"), "side": "front", "face": faces[0]}, {"label": _("Backs"), "side": "back", "face": faces[0]}]
        help_text = _("Print page 1 (fronts) and page 2 (backs) on the two sides of one sheet, flipping on the long edge. "
                      "Every card on a sheet is the same, so fronts and backs line up. Cut along the dashed lines. "
                      "Blank lines are for contacts to fill in by hand.")
    else:
        sheets = [{"label": _("Card {card}, side {side}: {language}").format(card=card, side=side, language=face["name"]),
                   "side": kind, "face": face}
                  for card, kind in ((1, "front"), (2, "back")) for side, face in zip("AB", faces)]
        help_text = _("Two cards for each person, each with {first} on one side and {second} on the other: print pages 1 "
                      "and 2 on the two sides of one sheet and pages 3 and 4 on another, flipping on the long edge. Cut "
                      "along the dashed lines. Blank lines are for contacts to fill in by hand.").format(
            first=faces[0]["name"], second=faces[1]["name"])
    return environment().get_template("pocket_card.html.j2").render(
        title=faces[0]["title"], sheets=sheets, help=help_text, count=CARDS_PER_SHEET, paper=paper,
        language=language(), build_date=build_date(),
    )


def second_language(language: str) -> str:
    """The other side of a bilingual card for a pack in `language` (one of BILINGUAL)."""
    return next(code for code in BILINGUAL if code != language.split("-")[0])


def card_face(content: Content, contacts: dict[str, str]) -> dict:
    """Everything one side of a card prints, in the content's language: its words and the labels
    around them (a bilingual sheet holds two languages, so the labels are looked up per side)."""
    from babel import Locale

    card = content.pocket_card
    name = Locale.parse(content.language.replace("-", "_")).get_display_name(language().replace("-", "_"))  # in the page's language
    with using(content.language):
        return {
            "language": content.language, "name": name,
            "title": card.title, "limits": card.limits, "after": card.after,
            "scripts": [asdict(content.scripts[s]) for s in card.scripts],
            "contacts": [{**c, "value": (contacts.get(c["key"]) or "").strip()} for c in card.contacts],
            "disclaimer": content.disclaimer.short if content.disclaimer else "",
            "labels": {"after": _("After any encounter"), "limits": _("What silence does not cover")},
        }


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
