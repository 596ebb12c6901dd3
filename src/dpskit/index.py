"""The landing page that links every session's files; self-contained like every export."""

from __future__ import annotations

from pathlib import Path

from .content import Content
from .exporters.context import agenda_table, build_date
from .render import asset, environment


def write_index(folder: Path, content: Content, sessions, formats, card: str | None = None) -> Path:
    from .build import output_path

    entries = [
        {
            "session": session,
            "minutes": agenda_table(session.meta.get("parts", []))["total"] if session.meta.get("parts") else 0,
            "links": {fmt: output_path(fmt, session.id).as_posix() for fmt in formats},
        }
        for session in sessions
    ]
    html = environment().get_template("index.html.j2").render(
        content=content, entries=entries, card=card, page_css=asset("page.css"), build_date=build_date(),
    )
    target = folder / "index.html"
    target.write_text(html, encoding="utf-8")
    return target
