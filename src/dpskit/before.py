"""What a facilitator does before the day: the preparation page and the SAMPLE documents
that sessions 03 and 04 hand to pairs. Every name, court and number on a sample is a blank."""

from __future__ import annotations

import re

from .content import Content
from .exporters.context import build_date
from .i18n import _, language
from .render import asset, environment


def _part(text: str, style: str = "", mark: int | None = None) -> dict:
    return {"text": text, "style": style, "mark": mark}


def warrant_samples() -> list[dict]:
    """A judicial search warrant beside an ICE administrative warrant, parts to check marked."""
    judicial = {
        "name": _("Sample judicial search warrant"),
        "form": _("Search warrant"),
        "parts": [
            _part(_("UNITED STATES DISTRICT COURT for the District of [STATE]"), "caption", 1),
            _part(_("In the matter of the search of: the residence at [NUMBER, STREET, APARTMENT, CITY]"), "", 3),
            _part(_("SEARCH AND SEIZURE WARRANT"), "title"),
            _part(_("Case number: [NUMBER]")),
            _part(_("To: any authorized law enforcement officer.")),
            _part(_("An application by a law enforcement officer gives probable cause to search the place "
                    "described above and to seize the following: [ITEMS, FOR EXAMPLE PAPER RECORDS OF A NAMED GROUP "
                    "FROM A STATED PERIOD]. The search may cover only this place and these things."), "", 4),
            _part(_("You are ordered to carry out this warrant on or before [DATE], in the daytime unless the "
                    "judge has allowed otherwise."), "", 3),
            _part(_("Date and time issued: [DATE AND TIME]. City and state: [CITY, STATE].")),
        ],
        "signed_by": _("[JUDGE'S SIGNATURE] · United States Magistrate Judge"),
        "signed_mark": 2,
        "check": [
            _("The court's name at the top: a court issued it."),
            _("A judge's signature: here, a magistrate judge."),
            _("The address and the date: is it your address, and is the date still valid?"),
            _("What it covers: only the places and things it lists. It is not an order to answer questions."),
        ],
        "caveat": _("Even a real warrant is no reason to resist or to talk: step aside, say you do not consent to "
                    "anything beyond it, stay silent, watch, and call a lawyer."),
    }
    administrative = {
        "name": _("Sample ICE administrative warrant"),
        "form": _("Styled on Form I-200"),
        "parts": [
            _part(_("U.S. DEPARTMENT OF HOMELAND SECURITY · Immigration and Customs Enforcement"), "caption", 1),
            _part(_("WARRANT FOR ARREST OF ALIEN"), "title"),
            _part(_("File number: [NUMBER]. Date: [DATE]")),
            _part(_("To: any immigration officer authorized to serve warrants.")),
            _part(_("I have found probable cause to believe that [NAME OF PERSON] may be removed from the United "
                    "States. You are ordered to arrest that person and take them into custody."), "", 3),
            _part(_("A Form I-205, Warrant of Removal/Deportation, looks much the same: it also comes from the "
                    "Department of Homeland Security and is signed by an immigration officer, not a judge.")),
        ],
        "signed_by": _("[SIGNATURE] · Supervisory Deportation Officer (an authorized immigration officer)"),
        "signed_mark": 2,
        "check": [
            _("An agency's letterhead, not a court's name: this is administrative."),
            _("Signed by an immigration officer, not a judge."),
            _("It orders an arrest; on its own, an administrative warrant (I-200 or I-205) does not authorize entering "
              "a home without consent, according to the know-your-rights organizations this session cites. Keep the door closed."),
        ],
        "caveat": _("Changed recently: check before you rely on this. ICE's practice on entering homes with "
                    "administrative warrants has been contested since 2025. Ask a local immigration legal service "
                    "what applies now."),
    }
    return [judicial, administrative]


def subpoena_samples(content: Content) -> list[dict]:
    """A federal grand-jury subpoena with the parts a witness and a lawyer look at first; what to
    say is the script people learn (data/scripts.yaml), word for word."""
    return [{
        "name": _("Sample grand jury subpoena"),
        "form": _("Subpoena to testify before a grand jury"),
        "parts": [
            _part(_("UNITED STATES DISTRICT COURT for the [DISTRICT]"), "caption", 1),
            _part(_("SUBPOENA TO TESTIFY BEFORE A GRAND JURY"), "title"),
            _part(_("To: [NAME OF PERSON]"), "", 2),
            _part(_("You are ordered to appear at the place, date and time below to testify before the court's "
                    "grand jury, and to stay until a judge or an officer of the court lets you leave.")),
            _part(_("Place: [COURTHOUSE ADDRESS], room [NUMBER]. Date and time: [DATE AND TIME]."), "", 3),
            _part(_("You must also bring: [DOCUMENTS OR RECORDS, FOR EXAMPLE A GROUP'S MEMBERSHIP LISTS]."), "", 4),
            _part(_("Name, address and telephone of the prosecutor (Assistant U.S. Attorney) who asked for this "
                    "subpoena: [NAME, ADDRESS, TELEPHONE]."), "", 5),
        ],
        "signed_by": _("[SIGNATURE] · Clerk of Court (seal of the court)"),
        "signed_mark": None,
        "check": [
            _("Issued in the name of a court: a subpoena is a court order. Don't ignore it."),
            _("Your name: this is for you. Being a witness does not mean you are charged, but you need a lawyer."),
            _("The date and place: call a lawyer the same day, long before that date."),
            _("Documents asked for: don't delete, destroy or hide anything. Your lawyer handles what is produced."),
            _("The prosecutor who asked for it: your lawyer contacts them, not you."),
        ],
        "caveat": _("If an agent hands it to you, take the paper and say only: \"{script}\"").format(
            script=content.scripts["lawyer-will-call"].say),
    }]


SAMPLES = {
    "warrants": (lambda content: warrant_samples(), lambda: _("SAMPLE warrants: judicial and administrative"),
                 lambda: _("For the warrant check in pairs (session 03): print both pages one-sided, one set per pair. "
                           "Numbered marks show the parts to check; the list under each document says what to look for.")),
    "subpoena": (subpoena_samples, lambda: _("SAMPLE grand jury subpoena"),
                 lambda: _("For session 04: print one-sided, one per pair or one to hold up. Numbered marks show the "
                           "parts to check.")),
}


def render_samples(content: Content, kind: str, paper: str = "letter") -> str:
    documents, title, help_text = SAMPLES[kind]
    return environment().get_template("samples.html.j2").render(
        content=content, paper=paper, language=language(), documents=documents(content), title=title(), help=help_text())


# Words in a session's `materials` -> the file in this pack that provides it.
PROVIDED_BY = (
    ("timeline table and the sources", "handouts/{id}.handout"),  # the reader holds the table; the cards come next
    ("timeline", "materials/timeline-cards"),
    ("scenario", "materials/scenario-cards"),
    ("warrant", "materials/sample-warrants"),
    ("subpoena", "materials/sample-subpoena"),
    ("chapter defense plan", "worksheets/chapter-defense-plan"),
    ("family preparedness plan", "worksheets/family-preparedness-plan"),
    ("pocket card", "cards/pocket-card"),
    ("handout", "handouts/{id}.takehome"),
    ("slides", "slides/{id}.slides"),
)


def session_materials(session, files: set[str], english=str) -> list[dict]:
    """Each thing a session asks for, with the built file that provides it when there is one
    (`english` maps a translated line back to the English the words are in)."""
    rows = []
    for thing in session.meta.get("materials", []):
        href = next((rel.format(id=session.id) for word, rel in PROVIDED_BY if word in english(thing).lower()
                     and rel.format(id=session.id) + ".pdf" in files), None)
        rows.append({"text": thing, "pdf": f"{href}.pdf" if href else None, "html": f"{href}.html" if href and f"{href}.html" in files else None})
    return rows


BLANK = re.compile(r'________|class="[^"]*\bdpskit-blank\b')


def pages_with_blanks(htmls: dict[str, str]) -> list[str]:
    """Pages of the pack that still print a blank line for a missing contact or value."""
    return sorted(rel for rel, text in htmls.items() if BLANK.search(text))


def render_before_the_day(content: Content, sessions, plan, files, plan_rows, blanks: list[str]) -> str:
    from .catalogs import in_english
    from .workshop import CONTACT_LABELS

    files, english = set(files), in_english(content)
    return environment().get_template("before_the_day.html.j2").render(
        content=content, plan=plan, language=language(), contact_labels=CONTACT_LABELS, blanks=blanks, plan_rows=plan_rows,
        kept_back=[_(label) for key, label in CONTACT_LABELS.items() if key in plan.kept_back],
        participants=plan.participants, prefix="",
        sessions=[{"session": s, "materials": session_materials(s, files, english),
                   "backup": f"slides/{s.id}.slides.pdf" if f"slides/{s.id}.slides.pdf" in files else None} for s in sessions],
        workshop_file=plan.source.name if plan.source else "workshop.yml",
        page_css=asset("page.css"), build_date=build_date(),
    )


RUN_SHEET = "run-sheet"
# Words in a part's (English) title: the room may relive an encounter here, so the guide's care notes apply.
CARE_WORDS = ("scenario", "role-play", "practice", "discussion", "circle", "opening", "disclos", "what pressure")


def run_sheet_rows(content: Content, plan, frame) -> list[dict]:
    """The day on one page: each part and day item with its clock time, who leads, what it uses
    (the session's quiz or role-play) and whether the guide's care notes apply."""
    from .catalogs import in_english

    english = in_english(content)
    rows, current = [], None
    for row in frame.to_dict("records"):
        if row["session_id"] and row["session_id"] != current:
            current = row["session_id"]
            session = content.session(current)
            rows.append({"kind": "session", "start": row["start"], "what": session.title,
                         "leads": (plan.leads or {}).get(current, ""), "uses": "; ".join(session.meta.get("materials", []))})
        if not row["session_id"]:
            current = None
            rows.append({"kind": "day", "start": row["start"], "end": row["end"], "what": row["part"],
                         "leads": (plan.leads or {}).get(row["kind"], ""), "uses": "", "care": False})
            continue
        title = english(row["part"]).lower()
        uses = []
        if "quiz" in title:
            uses.append(_("Quiz: {n} questions").format(n=len(content.bank(row["session_id"]))))
        uses += [_("Role-play: {title}").format(title=s.title) for s in content.scenarios.values()
                 if s.session == row["session_id"] and ("scenario" in title or "role-play" in title or english(s.title).lower() in title)]
        rows.append({"kind": "part", "start": row["start"], "end": row["end"], "what": row["part"], "minutes": row["minutes"],
                     "uses": "; ".join(uses), "care": any(word in title for word in CARE_WORDS), "leads": ""})
    return rows


def render_run_sheet(content: Content, plan, frame, paper: str = "letter") -> str:
    """One page for the facilitators' table: clock times, what happens, who leads, what it uses, care."""
    from .workshop import summarize_agenda

    return environment().get_template("run_sheet.html.j2").render(
        content=content, plan=plan, language=language(), paper=paper, rows=run_sheet_rows(content, plan, frame),
        summary=summarize_agenda(frame, plan), page_css=asset("page.css"), build_date=build_date())
