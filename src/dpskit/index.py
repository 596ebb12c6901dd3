"""Pages that span sessions: the landing pages of both packs (with the day's agenda and what
to print), the before-the-day page and the combined answer key."""

from __future__ import annotations

from dataclasses import asdict

from .content import Content
from .exporters.context import build_date
from .i18n import _, language
from .packs import DEFENSE_PLAN, FAMILY_PLAN, PDF_OF, POCKET_CARD, output_path, participant_contacts
from .render import asset, environment, page_style, quiz_payload, render_quiz

BEFORE_THE_DAY = "before-the-day.html"
ANSWER_KEY = "guide/answer-key"
DAY_CHECK = "guide/day-check"  # the day's before-and-after check (dpskit.daycheck_page)


def _labels(participant: bool) -> dict[str, str]:
    if participant:
        return {"slides": _("Slides"), "takehome": _("Take-home (two pages: keep it)"),
                "handout": _("Reader: the full text, a worksheet and every source (optional)"),
                "notebook": _("Notebook (JupyterLab)")}
    return {
        "slides": _("Slides with speaker notes (press S)"), "takehome": _("Take-home (two pages: print one per person)"),
        "handout": _("Reader: full text, worksheet and sources (optional)"), "guide": _("Facilitator guide"),
        "notebook": _("Participant notebook (JupyterLab)"),
        "facilitator-notebook": _("Facilitator notebook with room polls (JupyterLab)"),
        "participant-slides": _("Slides without notes, to share"),
    }


def _link(href: str, label: str, files: set[str], pages: dict[str, int], pdf: str | None = None) -> dict | None:
    if href not in files:
        return None
    pdf = pdf if pdf in files else None
    return {"href": href, "label": label, "pdf": pdf, "pages": pages.get(pdf) if pdf else None}


def session_links(session_id: str, files: set[str], pages: dict[str, int], participant: bool) -> list[dict]:
    """Links to what the pack holds for one session; in the participant pack, `slides/` is the
    deck without notes (packs.participant_files renames it)."""
    links = []
    for fmt, label in _labels(participant).items():
        href = output_path(fmt, session_id).as_posix()
        pdf = PDF_OF[fmt].format(id=session_id) if fmt in PDF_OF else None
        links.append(_link(href, label, files, pages, pdf))
    return [link for link in links if link]


def shared_links(files: set[str], pages: dict[str, int], participant: bool) -> list[dict]:
    rows = [_link(POCKET_CARD + ".html", _("Pocket cards with the scripts to say out loud (print both sides, cut)"), files, pages, POCKET_CARD + ".pdf"),
            _link(DEFENSE_PLAN + ".html", _("Chapter defense plan to fill in together (session 8)"), files, pages, DEFENSE_PLAN + ".pdf"),
            _link(FAMILY_PLAN + ".html", _("Family preparedness plan to start in the room and finish at home (session 9)"), files, pages,
                  FAMILY_PLAN + ".pdf")]
    if not participant:
        rows += [
            _link("run-sheet.html", _("Run sheet: the day on one page, for the facilitators' table"), files, pages, "run-sheet.pdf"),
            _link(DAY_CHECK + ".html", _("Did it land? The day's before-and-after check: open it in its own tab before the first "
                                         "session and keep it open all day (counts only, kept in that page)"), files, pages),
            _link(DAY_CHECK + ".ipynb", _("The same check in JupyterLab, for a show of hands typed in the facilitator notebook"), files, pages),
            _link(ANSWER_KEY + ".html", _("Answer key for every question"), files, pages, ANSWER_KEY + ".pdf"),
            _link("materials/scenario-cards.html", _("Scenario cards for the role-plays"), files, pages, "materials/scenario-cards.pdf"),
            _link("materials/sample-warrants.html", _("SAMPLE warrants: judicial and ICE administrative"), files, pages, "materials/sample-warrants.pdf"),
            _link("materials/sample-subpoena.html", _("SAMPLE grand jury subpoena"), files, pages, "materials/sample-subpoena.pdf"),
            _link("materials/timeline-cards.html", _("Timeline cards for the timeline walk"), files, pages, "materials/timeline-cards.pdf"),
        ]
    return [row for row in rows if row]


def render_index(content: Content, sessions, files, *, pages=None, participant: bool = False, plan=None, frame=None,
                 warnings=(), plan_rows=(), participant_pack: str | None = None) -> str:
    """A pack's landing page, linking only what is in `files` (paths inside that pack)."""
    from .exporters.context import agenda_table

    files, pages = set(files), dict(pages or {})
    entries = [{
        "session": session,
        "minutes": agenda_table(session.meta["parts"])["total"] if session.meta.get("parts") else 0,
        "links": session_links(session.id, files, pages, participant),
    } for session in sessions]
    summary = contact_labels = None
    if plan is not None:
        from .workshop import CONTACT_LABELS, ends_early, summarize_agenda

        summary, contact_labels = summarize_agenda(frame, plan), CONTACT_LABELS
    from .exporters.context import agenda_word

    return environment().get_template("index.html.j2").render(
        content=content, language=language(), agenda_word=agenda_word, entries=entries, shared=shared_links(files, pages, participant), participant=participant,
        plan=plan, agenda=[] if frame is None else frame.to_dict("records"), summary=summary,
        ends_early=ends_early(summary) if summary else 0,
        contact_labels=contact_labels or {}, warnings=list(warnings), plan_rows=list(plan_rows),
        contacts=(participant_contacts(plan) if participant else plan.contacts) if plan is not None else {},
        participants=plan.participants if plan else None, participant_pack=participant_pack,
        before=BEFORE_THE_DAY if BEFORE_THE_DAY in files else None,
        page_css=asset("page.css") + page_style(), build_date=build_date(),
    )


def render_answer_key(content: Content, sessions) -> str:
    """Every question of the chosen sessions with answers, feedback and sources, in one page."""
    sources = {sid: asdict(s) for sid, s in content.sources.items()}
    banks = [
        {"session": session, "html": render_quiz(quiz_payload([i.to_dict() for i in content.bank(session.id)], sources), "answer_key")}
        for session in sessions if content.bank(session.id)
    ]
    return environment().get_template("answer_key.html.j2").render(
        content=content, language=language(), banks=banks, page_css=asset("page.css"), quiz_css=page_style(), build_date=build_date(),
    )
