"""Pack layout: where every output goes, and which of them the participant pack may carry.

`dpskit build --workshop` writes the facilitator pack build/<slug>/ with everything, and the
participant pack build/<slug>-participant/, a copy of an allowlist of its files that is safe to
hand out: no guide, answer key, facilitator notebook, speaker notes or preparation page.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

# format name -> (exporter import path, output folder, file suffix)
FORMATS: dict[str, tuple[str, str, str]] = {
    "slides": ("dpskit.exporters:SlidesExporter", "slides", ".slides.html"),
    "participant-slides": ("dpskit.exporters:ParticipantSlidesExporter", "slides", ".participant.slides.html"),
    "takehome": ("dpskit.exporters:TakeHomeExporter", "handouts", ".takehome.html"),
    "handout": ("dpskit.exporters:HandoutExporter", "handouts", ".handout.html"),
    "guide": ("dpskit.exporters:GuideExporter", "guide", ".guide.html"),
    "notebook": ("dpskit.exporters:ParticipantNotebookExporter", "notebooks", ".ipynb"),
    "facilitator-notebook": ("dpskit.exporters:FacilitatorNotebookExporter", "guide", ".facilitator.ipynb"),
}
SOURCE_FORMATS = {"notebook", "facilitator-notebook"}  # exported from the source notebook, not the executed one
PDF_OF = {
    "takehome": "handouts/{id}.takehome.pdf",
    "handout": "handouts/{id}.handout.pdf",
    "guide": "guide/{id}.guide.pdf",
    "slides": "slides/{id}.slides.pdf",
}
PARTICIPANT_SUFFIX = "-participant"
FACILITATOR_ZIP_SUFFIX = "-FACILITATOR.zip"  # the zip not to hand out says so in its name
POCKET_CARD = "cards/pocket-card"
DEFENSE_PLAN = "worksheets/chapter-defense-plan"
FAMILY_PLAN = "worksheets/family-preparedness-plan"
# Participant-pack copies of the pages that print the workshop's contacts, rendered with only the
# public ones when workshop.yml gives a facilitators-only contact; kept in the facilitator pack (out of
# its zip) so the fine-grained rebuild keeps them current like every other output.
FOR_PARTICIPANTS = ".participant"
PRINTS_CONTACTS = ("takehome", "handout")  # session formats that also go in the participant pack
SHARED_WITH_CONTACTS = (POCKET_CARD, DEFENSE_PLAN, FAMILY_PLAN)
PARTICIPANT_FORMATS = frozenset({"notebook", "participant-slides"})  # only participants get them: public contacts only


def output_path(fmt: str, session_id: str) -> Path:
    _, folder, suffix = FORMATS[fmt]
    return Path(folder) / f"{session_id}{suffix}"


def participant_dir(out: Path) -> Path:
    return out.with_name(out.name + PARTICIPANT_SUFFIX)


def archives(out: Path) -> tuple[Path, Path]:
    """The facilitator pack's zip and the participant pack's, named so nobody hands out the wrong one."""
    return out.with_name(out.name + FACILITATOR_ZIP_SUFFIX), participant_dir(out).with_suffix(".zip")


def participant_contacts(plan) -> dict[str, str]:
    """The contacts the participant pack may show: those workshop.yml marks public (by default the
    organizations' lines); a person's number stays with the facilitators."""
    return plan.public_contacts if plan is not None else {}


def participant_files(session_ids, files) -> dict[str, str]:
    """Facilitator-pack path -> participant-pack path, for the files participants may have.
    An allowlist: anything not named here (guides, the answer key, decks with notes, the
    preparation page, materials for facilitators) stays out."""
    names: dict[str, str] = {}
    for session_id in session_ids:
        names[output_path("notebook", session_id).as_posix()] = output_path("notebook", session_id).as_posix()
        names[output_path("participant-slides", session_id).as_posix()] = output_path("slides", session_id).as_posix()
        for fmt in ("takehome", "handout"):
            for rel in (output_path(fmt, session_id).as_posix(), PDF_OF[fmt].format(id=session_id)):
                names[rel] = rel
    for suffix in (".html", ".pdf"):
        names[POCKET_CARD + suffix] = POCKET_CARD + suffix
        names[DEFENSE_PLAN + suffix] = DEFENSE_PLAN + suffix  # participants fill it in together
        names[FAMILY_PLAN + suffix] = FAMILY_PLAN + suffix  # each family finishes it at home
    present = set(files)
    return {(own if (own := f"{FOR_PARTICIPANTS}/{source}") in present else source): target
            for source, target in names.items() if source in present}


def participant_copy(rel: str) -> str:
    """Where the participant pack's own render of a page that prints contacts goes."""
    return f"{FOR_PARTICIPANTS}/{rel}"


def write_participant_pack(facilitator: Path, staging: Path, names: dict[str, str], *,
                           index_html: str, write_data: Callable[[Path], None]) -> None:
    """Copy the allowed files (hard links when possible) into `staging`, with the pack's own
    index and the data its notebooks need."""
    for source, target in sorted(names.items()):
        path = staging / target
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(facilitator / source, path)
        except OSError:
            shutil.copy2(facilitator / source, path)
    (staging / "index.html").write_text(index_html, encoding="utf-8")
    write_data(staging)


# Printable materials the sessions ask for: file (without suffix) -> words in a session's
# `materials` that call for it. Built only when a chosen session asks.
MATERIALS = {
    "materials/timeline-cards": ("timeline",),
    "materials/scenario-cards": ("scenario",),
    "materials/sample-warrants": ("warrant",),
    "materials/sample-subpoena": ("subpoena",),
    "worksheets/chapter-defense-plan": ("chapter defense plan",),
    "worksheets/family-preparedness-plan": ("family preparedness plan",),
}


def asked_for(session, words, english=str) -> bool:
    """`english` maps a translated materials line back to its English, where the words are."""
    return any(word in english(thing).lower() for thing in session.meta.get("materials", []) for word in words)


def materials_for(sessions, english=str) -> list[str]:
    """The printable materials this workshop's sessions ask for, in a stable order."""
    return [rel for rel, words in MATERIALS.items() if any(asked_for(s, words, english) for s in sessions)]


def pdf_pages(path: Path) -> int:
    """Pages of a PDF this build wrote (WeasyPrint compresses its page objects into streams)."""
    import re
    import zlib

    data = path.read_bytes()
    texts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            texts.append(zlib.decompressobj().decompress(data[match.end():match.end() + 200_000]))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", text)) for text in texts)


def sheets(pages: int, duplex: bool) -> int:
    return -(-pages // 2) if duplex else pages


def print_plan(sessions, pages: dict[str, int], participants: int | None, files) -> list[dict]:
    """What to print for the room, how many and how: one row per PDF a facilitator prints.
    `copies` is None when the workshop gives no headcount."""
    from .i18n import _

    files = set(files)
    pairs = -(-participants // 2) if participants else None

    def row(rel, label, copies, per, how, duplex=True, optional=False):
        if rel not in files:
            return None
        n = pages.get(rel, 0)
        each = sheets(n, duplex)
        return {"href": rel, "label": label, "pages": n, "sheets_each": each, "copies": copies, "per": per, "how": how,
                "sheets": each * copies if copies is not None else None, "optional": optional}

    duplex = _("both sides, flip on the long edge")
    rows = []
    for session in sessions:
        rows.append(row(PDF_OF["takehome"].format(id=session.id), _("Take-home: {title}").format(title=session.title),
                        participants, _("one per participant"), duplex))
    rows += [
        row(POCKET_CARD + ".pdf", _("Pocket cards (8 to a sheet)"), -(-participants // 8) if participants else None,
            _("one sheet per 8 participants"), _("both sides, flip on the long edge; cut on the dashed lines")),
        row("materials/scenario-cards.pdf", _("Scenario cards"), pairs, _("one set per pair"), _("one side; cut"), duplex=False),
        row("materials/sample-warrants.pdf", _("SAMPLE warrants (judicial and ICE administrative)"), pairs,
            _("one set per pair"), _("one side; the last page holds the answers: print it once, for you"), duplex=False),
        row("materials/sample-subpoena.pdf", _("SAMPLE grand jury subpoena"), pairs, _("one per pair"),
            _("one side; the last page holds the answers: print it once, for you"), duplex=False),
        row("materials/timeline-cards.pdf", _("Timeline cards"), 1, _("one set for the room"), _("one side; cut"), duplex=False),
        row(DEFENSE_PLAN + ".pdf", _("Chapter defense plan"), -(-participants // 4) + 1 if participants else None,
            _("one per small group, and a master copy"), duplex),
        row(FAMILY_PLAN + ".pdf", _("Family preparedness plan"), participants, _("one per participant"), duplex),
    ]
    for session in sessions:
        rows.append(row(PDF_OF["handout"].format(id=session.id), _("Reader (optional): {title}").format(title=session.title),
                        0, _("only for those who ask; or share the file"), duplex, optional=True))
    return [r for r in rows if r is not None]
