"""Wallet-size pocket cards (what to say; what to do after; who to call), scenario and timeline cards."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from .content import Content
from .exporters.context import build_date
from .i18n import _, language, using
from .render import environment

BILINGUAL = ("en", "es")  # the two sides of a bilingual card (workshop.yml `pocket_card: bilingual`)
CARDS_PER_SHEET = 8  # 2 columns x 4 rows of 85.6 x 54 mm fit both Letter and A4
TEXT_PT = (8.0, 7.5, 7.0)  # a face's text shrinks in these steps to fit, never below the last (the floor)
FLOOR_PT = TEXT_PT[-1]
SAFE_MM = 2.5  # padding inside the cut line: text never comes closer to it than this
WRITE_IN_MM = 6  # a blank contact is a line this tall to write a number on


def render_pocket_card(content: Content, contacts: dict[str, str] | None = None, paper: str = "letter", *,
                       other: Content | None = None) -> str:
    """A print-ready set of cards, each on its own sheet (8 alike to a sheet, fronts then backs for
    duplex printing): what to say, then what to do after, then who to call. A face whose words do
    not fit shrinks them down to FLOOR_PT, then moves what does not fit onto the next face (the
    limits of silence behind the scripts, contacts onto the back of the contacts card); a blank
    contact prints as a line to fill in by hand. With `other` (the same content in a second
    language), bilingual: each card carries one language on each side."""
    if content.pocket_card is None:
        raise ValueError("no data/pocket_card.yaml")
    contacts = contacts or {}
    sides = [card_face(content, contacts)] + ([card_face(other, contacts)] if other is not None else [])
    for side in sides:
        side["say_pt"], side["limits_behind"] = _fit_say(side, paper)
        side["after_pt"] = _first_fit([_face("after", {**side, "after_pt": pt}) for pt in TEXT_PT], paper)["pt"]
    if other is None:
        cards = [(_face("say", sides[0]), _face("after", sides[0]))]
    else:
        first, second = sides
        cards = [(_face("say", first), _face("say", second)), (_face("after", first), _face("after", second))]
    cards.append(_contacts_card(sides, paper))
    pages = [{"label": _("Card {card}, {side}").format(card=n, side=_("front") if kind == "front" else _("back")),
              "side": kind, "face": face} for n, card in enumerate(cards, 1) for kind, face in zip(("front", "back"), card)]
    help_text = _("Each card has its own sheet of {count} alike. Print each sheet's two pages on the two sides of one sheet of "
                  "paper, flipping on the long edge: pages 1 and 2, then 3 and 4, and so on. Cut along the dashed lines; "
                  "everyone gets one of each card. Blank lines are for contacts to fill in by hand.").format(count=CARDS_PER_SHEET)
    if other is not None:
        help_text += " " + _("Each card has {first} on one side and {second} on the other.").format(first=sides[0]["name"], second=sides[1]["name"])
    return _card_html(sides[0]["title"], pages, help_text, paper, CARDS_PER_SHEET)


def _card_html(title, pages, help_text, paper, count) -> str:
    return environment().get_template("pocket_card.html.j2").render(
        title=title, sheets=pages, help=help_text, count=count, paper=paper, language=language(), build_date=build_date(),
        safe_mm=SAFE_MM, write_in_mm=WRITE_IN_MM, max_pages=len(pages))


def _face(kind: str, side: dict, **values) -> dict:
    own = {"say": side.get("say_pt"), "after": side.get("after_pt")}.get(kind)
    return {"kind": kind, "side": side, "pt": own or values.pop("pt", TEXT_PT[0]),
            "rows": [], "notes": [], "more": False, **values}


def _fits(faces: list[dict], paper: str) -> list[bool]:
    """Whether each face's words stay inside its card, as WeasyPrint lays it out (one card each)."""
    from .pdf import PdfJob, layout, measure, weasyprint_available

    if not weasyprint_available():
        return [False] * len(faces)  # no measure: the most compact layout, and no PDF to be cut off
    pages = [{"label": str(n), "side": "front", "face": face} for n, face in enumerate(faces)]
    html = _card_html("", pages, "", paper, 1)
    fit = measure(layout(PdfJob(html, Path("probe.pdf"), paper=paper, with_page_numbers=False, margins=False)), "probe")
    cut = {int(where.split(",")[0].split()[-1]) for where in fit.clipped}
    return [n + 1 not in cut for n in range(len(faces))]


def _first_fit(candidates: list[dict], paper: str) -> dict:
    fits = _fits(candidates, paper)
    return next((c for c, ok in zip(candidates, fits) if ok), candidates[-1])


def _fit_say(side: dict, paper: str) -> tuple[float, bool]:
    """The scripts with the limits of silence under them at the largest size that fits; else the
    limits go behind, at the top of the after face (same card, other side)."""
    candidates = [_face("say", {**side, "say_pt": pt, "limits_behind": behind}) for behind in (False, True) for pt in TEXT_PT]
    chosen = _first_fit(candidates, paper)
    return chosen["pt"], chosen["side"]["limits_behind"]


def _contacts_card(sides: list[dict], paper: str) -> tuple[dict, dict]:
    """Who to call: every contact on the front if they fit (the disclaimer too, else behind); long
    values shrink to the floor, then the last contacts go on the back, by design."""
    side = sides[0]
    rows = _contact_rows(sides)
    candidates = []
    for on_front in range(len(rows), 0, -1):
        for note_front in ((True, False) if on_front == len(rows) else (False,)):
            for pt in TEXT_PT:
                candidates.append((on_front, note_front, pt))
    faces = [_face("contacts", side, rows=rows[:n], notes=sides if note else [], pt=pt) for n, note, pt in candidates]
    fits = _fits(faces, paper)
    n, note, pt = next((c for c, ok in zip(candidates, fits) if ok), candidates[-1])
    back = _face("contacts", side, rows=rows[n:], notes=[] if note else sides, pt=pt, more=True)
    return _face("contacts", side, rows=rows[:n], notes=sides if note else [], pt=pt), back


def _contact_rows(sides: list[dict]) -> list[dict]:
    """One row per contact: its label in each language of the card, and the workshop's value."""
    rows = []
    for index, contact in enumerate(sides[0]["contacts"]):
        labels = list(dict.fromkeys(side["contacts"][index]["label"] for side in sides if index < len(side["contacts"])))
        rows.append({"labels": labels, "value": contact["value"], "lines": [line for line in contact["value"].splitlines() if line.strip()]})
    return rows


def second_language(language: str) -> str:
    """The other side of a bilingual card for a pack in `language` (one of BILINGUAL)."""
    return next(code for code in BILINGUAL if code != language.split("-")[0])


def card_face(content: Content, contacts: dict[str, str]) -> dict:
    """Everything one language of a card prints: its words and the labels around them (a
    bilingual card holds two languages, so the labels are looked up per side)."""
    from babel import Locale

    card = content.pocket_card
    name = Locale.parse(content.language.replace("-", "_")).get_display_name(language().replace("-", "_"))  # in the page's language
    situations = {s["script"]: s["label"] for s in card.situations}
    with using(content.language):
        return {
            "language": content.language, "name": name,
            "title": card.title, "limits": card.limits, "after": card.after,
            "scripts": [{**asdict(content.scripts[s]), "situation": situations.get(s, "")} for s in card.scripts],
            "contacts": [{**c, "value": (contacts.get(c["key"]) or "").strip()} for c in card.contacts],
            "disclaimer": content.disclaimer.short if content.disclaimer else "",
            "labels": {"after": _("After any encounter"), "limits": _("What silence does not cover"),
                       "contacts": _("Who to call"), "more": _("Who to call (continued)")},
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
