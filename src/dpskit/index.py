"""Pages that span sessions: the landing page (with the day's agenda) and the combined answer key."""

from __future__ import annotations

from dataclasses import asdict

from .content import Content
from .exporters.context import build_date
from .render import asset, environment, page_style, quiz_payload, render_quiz


def render_index(content: Content, sessions, formats, *, pdf: bool, card: bool, plan=None, frame=None, warnings=()) -> str:
    from .build import PDF_OF, output_path
    from .exporters.context import agenda_table

    entries = []
    for session in sessions:
        links = {fmt: output_path(fmt, session.id).as_posix() for fmt in formats}
        pdfs = {fmt: PDF_OF[fmt].format(id=session.id) for fmt in formats if pdf and fmt in PDF_OF}
        minutes = agenda_table(session.meta["parts"])["total"] if session.meta.get("parts") else 0
        entries.append({"session": session, "minutes": minutes, "links": links, "pdfs": pdfs})
    summary = None
    if plan is not None:
        from .workshop import CONTACT_LABELS, summarize_agenda

        summary = summarize_agenda(frame, plan)
    return environment().get_template("index.html.j2").render(
        content=content, entries=entries, card=card, pdf=pdf, has_guide="guide" in formats,
        plan=plan, agenda=[] if frame is None else frame.to_dict("records"), summary=summary,
        contact_labels=CONTACT_LABELS if plan is not None else {}, warnings=list(warnings),
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
        content=content, banks=banks, page_css=asset("page.css"), quiz_css=page_style(), build_date=build_date(),
    )
