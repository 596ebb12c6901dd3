"""What the room adds to pages as it serves them: the join page, and on the facilitator's pages
the join QR code (first slide of every deck, top of the index) and the live-poll controls on
question slides. Files on disk are never changed; decks opened from the file system stay as built."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache

from ..i18n import _
from ..preview import CONTENT, IS_CSP, META
from ..render import asset, environment, page_style

ROOM_ASSETS = {"join.js": lambda: asset("room_join.js")}
SLIDES_START = '<div class="slides">'

HOST_CSS = """
.reveal .dpskit-join { display: flex; gap: 40px; align-items: center; }
.reveal .dpskit-join-qr svg { width: 420px; height: 420px; display: block; }
.reveal .dpskit-join-url { font-size: 1.1em; word-break: break-all; }
.reveal .dpskit-room-poll { font-size: 0.75em; margin-top: 0.2em; } /* 24 px: the room reads it */
.reveal .dpskit-room-toggle { font-size: 0.9em; padding: 0.1em 0.6em; }
.reveal section.dpskit-room-polling form.dpskit-quiz :is(.dpskit-quiz-option, .dpskit-quiz-hint, .dpskit-quiz-actions) { display: none; }
.dpskit-room-row { display: grid; grid-template-columns: 50% 1fr 3em; gap: 0.4em; align-items: center; margin: 0.1em 0; line-height: 1.2; }
.dpskit-room-bar { display: block; height: 0.9em; background: #9aa3b8; min-width: 2px; }
.dpskit-room-correct .dpskit-room-bar { background: #1d5e2d; }
.dpskit-room-correct .dpskit-room-label { font-weight: bold; }
.reveal .dpskit-room-points { font-size: 0.85em; } /* what the facilitator says; the bars are for the room */
.reveal .dpskit-room-count, .reveal .dpskit-room-points p, .reveal .dpskit-room-points li { margin: 0.1em 0; line-height: 1.2; }
.dpskit-join-qr svg { width: 100%; height: auto; }
"""


@lru_cache(maxsize=8)
def qr_svg(url: str) -> str:
    """The join address as an inline SVG QR code (segno), black on white, quiet zone included."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True)


def join_page(room) -> str:
    """The page a phone opens. Sessions open as the participant pack's slides (quizzes and role-plays
    work there without a kernel); a live notebook, which takes one of the laptop's notebook seats,
    only when asked for."""
    sessions = [{"title": s.title, "href": f"pack/{s.slides_path}" if s.slides_path else f"voila/render/{s.notebook_path}",
                 "notebook": f"voila/render/{s.notebook_path}" if s.slides_path else None} for s in room.sessions()]
    return environment().get_template("room_join.html.j2").render(
        language=room.content.language, title=room.content.title, sessions=sessions, api="api/",
        messages=phone_messages(), page_css=asset("page.css") + page_style())


def phone_messages() -> dict:
    """What the join page says, by the code the server answers with (never the server's English)."""
    return {"thanks": _("Thank you: your answer is counted."), "already": _("You have already answered this question."),
            "closed": _("This question is closed."), "choose": _("Choose an answer first."),
            "several": _("Choose every answer that applies."),
            "offline": _("Cannot reach the room's server. Are you on the room's wifi?"),
            "reload": _("Your answer could not be counted: reload this page and answer again."),
            "slow": _("Too many answers from this device at once: wait a minute and try again."),
            "refused": _("Your answer could not be counted.")}


def notice_page(language: str, heading: str, paragraphs: list[str], links: list[dict] | None = None) -> str:
    """A short page for a phone: the room is full, open the join page first, outside the network."""
    return environment().get_template("room_notice.html.j2").render(
        language=language, heading=heading, paragraphs=paragraphs, links=links or [], page_css=asset("page.css") + page_style())


def host_messages() -> dict:
    return {"open": _("Open a live poll on phones"), "close": _("Close the poll and show the answer"),
            "reopen": _("Open a new live poll"), "answers": _("{n} answers"), "closed": _("poll closed"),
            "talk": _("Many chose a wrong answer. Talk about:"), "got_it": _("Most of the room got it.")}


def host_page(page: str, room, *, index: bool = False) -> str:
    """A facilitator pack page as the room serves it. Decks get the join slide first, poll buttons
    on question slides and a policy that lets them talk to this server ('self') and nothing else.
    The pack's index gets the join box at the top of its main content; other pages are sent as built."""
    url, qr = room.join_url, qr_svg(room.join_url)
    slides = page.find(SLIDES_START, max(page.find("<body"), 0))
    if slides >= 0 and "Reveal.initialize" in page:
        slide = environment().get_template("room_join_slide.html.j2").render(url=url, qr=qr)
        slides += len(SLIDES_START)
        page = page[:slides] + slide + page[slides:]
        head_ends = page.find("</head>")
        page = META.sub(_connect_self, page[:head_ends]) + page[head_ends:]
        head = (f'<meta name="dpskit-room-host" content="{html.escape(room.host_api, quote=True)}">'
                f'<meta name="dpskit-room-messages" content="{html.escape(json.dumps(host_messages()), quote=True)}">'
                f"<style>{HOST_CSS}</style>")
        page = page.replace("</head>", head + "</head>", 1)
        at = page.rfind("</body>")
        return page[:at] + f"<script>{asset('room_host.js')}</script>" + page[at:]
    if not index:
        return page
    from .daycheck import day_box

    box = environment().get_template("room_join_box.html.j2").render(url=url, qr=qr) + day_box(room)
    return re.sub(r'(<main\b[^>]*>)', lambda m: m.group(1) + box, page, count=1)


def _connect_self(meta: re.Match) -> str:
    """The deck's own policy plus connections to this server, and nowhere else."""
    tag = meta.group(0)
    if not IS_CSP.search(tag):
        return tag

    def widen(content: re.Match) -> str:
        directives = [d.strip() for d in html.unescape(content.group(2)).split(";") if d.strip() and not d.strip().startswith("connect-src")]
        policy = "; ".join(directives + ["connect-src 'self'"])
        return content.group(1) + html.escape(policy, quote=False).replace("\"", "&quot;") + content.group(3)

    return CONTENT.sub(widen, tag, count=1)
