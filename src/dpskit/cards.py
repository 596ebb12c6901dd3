"""Wallet-size pocket cards: the scripts on the front, what to do after and contacts on the back."""

from __future__ import annotations

from dataclasses import asdict
from .content import Content
from .exporters.context import build_date
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
        language=content.language,
        build_date=build_date(),
    )
