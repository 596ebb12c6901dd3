"""The two packs of the default workshop: the participant pack carries no facilitator text (every
file, and inside its zip), take-homes fit one sheet duplex, the indexes link what they should."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pack_search import facilitator_only, leaks, pack_texts

REPO = Path(__file__).resolve().parents[1]


def poppler(tool: str, in_ci: bool) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"poppler-utils ({tool}) is not installed: take-home page counts were NOT checked. apt-get install poppler-utils"
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    return path


def pdfinfo_pages(path: Path, tool: str) -> tuple[int, str]:
    info = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    paper = {(612, 792): "letter", (595, 842): "a4"}.get((round(float(size[1])), round(float(size[2]))), "other")
    return int(re.search(r"Pages:\s+(\d+)", info)[1]), paper


def test_packs_sit_side_by_side_each_with_a_zip(workshop_packs):
    result, plan = workshop_packs
    facilitator, participant = result.out, result.participant
    assert participant == facilitator.with_name(facilitator.name + "-participant")
    for folder in (facilitator, participant):
        assert (folder / "index.html").is_file()
    assert result.archive == facilitator.with_name(facilitator.name + "-FACILITATOR.zip") and result.archive.is_file()
    assert participant.with_suffix(".zip").is_file() and not facilitator.with_suffix(".zip").exists()
    names = {p.relative_to(participant).as_posix() for p in participant.rglob("*") if p.is_file() and not p.name.startswith(".")}
    for session_id in plan.sessions:
        assert {f"notebooks/{session_id}.ipynb", f"slides/{session_id}.slides.html", f"handouts/{session_id}.takehome.pdf",
                f"handouts/{session_id}.handout.html"} <= names
    assert "cards/pocket-card.pdf" in names and "curriculum.yml" in names
    assert not [n for n in names if n.startswith(("guide/", "materials/")) or "facilitator" in n or n == "before-the-day.html"]
    with zipfile.ZipFile(participant.with_suffix(".zip")) as bundle:
        assert {n.split("/", 1)[1] for n in bundle.namelist()} == names - {".dpskit-manifest.json"}  # the zip leaves the build's manifest out


def test_participant_pack_has_no_facilitator_text_anywhere(workshop_packs):
    """Searches page text, notebook strings, the data copy (contract 5: packdata drops talking
    points and scenario prompts) and the encoded payloads of quizzes and scenarios, in every
    file and every zip member, for phrases only facilitators may read."""
    result, plan = workshop_packs
    forbidden = facilitator_only(REPO, plan.sessions)
    assert all(forbidden[kind] for kind in ("notes", "talking points", "guide", "headings")), forbidden
    texts = pack_texts(result.participant, result.participant.with_suffix(".zip"))
    assert any("data/quizzes/" in name for name in texts), "the notebooks' data copy is searched too"
    assert leaks(texts, forbidden) == []
    # The same search finds them in the facilitator pack, so it can fail.
    facilitator = pack_texts(result.out)
    for kind in ("notes", "talking points", "scenario prompts", "guide", "headings"):
        assert any(phrase in text for phrase in forbidden[kind] for text in facilitator.values()), kind


def test_participant_index_links_only_what_participants_get(workshop_packs):
    result, _ = workshop_packs
    soup = BeautifulSoup((result.participant / "index.html").read_text(), "html.parser")
    hrefs = [a["href"] for a in soup.select("a[href]")]
    assert hrefs and all((result.participant / href).is_file() for href in hrefs if not href.startswith(("http", "#")))
    assert not [h for h in hrefs if h.startswith(("guide/", "materials/", "before-the-day")) or "facilitator" in h]
    assert "slides/" in " ".join(hrefs) and not [h for h in hrefs if h.endswith(".slides.pdf")]


def test_slides_for_participants_have_no_speaker_notes(workshop_packs):
    result, plan = workshop_packs
    for session_id in plan.sessions:
        deck = BeautifulSoup((result.participant / f"slides/{session_id}.slides.html").read_text(), "html.parser")
        assert deck.select(".reveal .slides section") and not deck.select("aside.notes")
        assert deck.select("form.dpskit-quiz"), "questions still work in the participant deck"
        full = BeautifulSoup((result.out / f"slides/{session_id}.slides.html").read_text(), "html.parser")
        assert full.select("aside.notes")


def test_facilitator_index_shows_page_counts_copies_and_the_before_page(workshop_packs):
    result, plan = workshop_packs
    soup = BeautifulSoup((result.out / "index.html").read_text(), "html.parser")
    assert soup.select_one('a[href="before-the-day.html"]')
    rows = {tr.select_one("a")["href"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in soup.select(".dpskit-print-plan tbody tr")}
    for session_id in plan.sessions:
        label, pages, copies, sheets, how = rows[f"handouts/{session_id}.takehome.pdf"]
        assert pages == "2" and copies.startswith(str(plan.participants)) and sheets == str(plan.participants)
        assert "long edge" in how
    assert rows["cards/pocket-card.pdf"][2].startswith(str(-(-plan.participants // 8)))
    links = " ".join(a.get_text(" ", strip=True) for a in soup.select(".dpskit-index-session a"))
    assert "PDF, 2 pages" in links


def test_before_the_day_page(workshop_packs):
    result, plan = workshop_packs
    page = BeautifulSoup((result.out / "before-the-day.html").read_text(), "html.parser")
    text = page.get_text(" ", strip=True)
    assert "workshop.yml" in text and "make workshop" in text and "flip on long edge" in text
    blanks = [a["href"] for a in page.select(".dpskit-blank-pages a")]
    assert "cards/pocket-card.html" in blanks and all((result.out / b).is_file() for b in blanks)
    assert {f"slides/{s}.slides.pdf" for s in plan.sessions} <= {a["href"] for a in page.select("a[href]")}
    built = {a["href"] for a in page.select("#materials-title ~ ul a")}
    assert {"materials/timeline-cards.pdf", "materials/scenario-cards.pdf", "materials/sample-warrants.pdf"} <= built


def test_printed_materials(workshop_packs, in_ci):
    result, _ = workshop_packs
    warrants = BeautifulSoup((result.out / "materials/sample-warrants.html").read_text(), "html.parser")
    docs = warrants.select("article.doc")
    assert len(docs) == 2 and all(d.select_one(".stamp")["data-stamp"] == "SAMPLE" for d in docs)
    assert all("SAMPLE: not a real document" in d.select_one(".form").get_text() for d in docs)
    assert all(d.select(".marked .mark") and not d.select(".check") for d in docs), "the documents pairs analyse carry no answers"
    answers = warrants.select(".answers .check")
    assert len(answers) == 2 and all(len(a.select("li")) >= 3 for a in answers)
    assert "Homeland Security" in docs[1].get_text() and "Judge" in docs[0].get_text()
    timeline = BeautifulSoup((result.out / "materials/timeline-cards.html").read_text(), "html.parser")
    rows = (REPO / "data/timeline.csv").read_text().strip().count("\n")
    assert len(timeline.select("section.event")) == rows
    tool = poppler("pdfinfo", in_ci)
    for rel in ("materials/sample-warrants.pdf", "materials/timeline-cards.pdf", "materials/scenario-cards.pdf", "cards/pocket-card.pdf"):
        pages, paper = pdfinfo_pages(result.out / rel, tool)
        assert pages >= 1 and paper == "letter", rel
    assert pdfinfo_pages(result.out / "cards/pocket-card.pdf", tool)[0] == 4  # two cards, each a sheet of 8 duplex


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_takehome_prints_on_one_sheet_duplex(repo_build, paper, in_ci, tmp_path):
    """Every session of the curriculum, not just the workshop's: two pages at most on both papers."""
    from dpskit.pdf import PdfJob, render_pdf

    tool = poppler("pdfinfo", in_ci)
    takehomes = sorted(repo_build.glob("handouts/*.takehome.html"))
    assert len(takehomes) == len(list((REPO / "sessions").glob("*.ipynb")))
    counts = {}
    for html in takehomes:
        target = render_pdf(PdfJob(html.read_text(), tmp_path / f"{html.stem}.pdf", paper=paper,
                                   footer="This is legal information, not legal advice. Legal hotline: ________"))
        counts[html.name] = pdfinfo_pages(target, tool)
    assert {name: pages for name, (pages, size) in counts.items() if pages > 2 or size != paper} == {}


def test_participant_index_shows_only_public_contacts(tmp_path):
    """Issue 22 (14): a jail-support volunteer's personal number is for the facilitators; organizations'
    lines are public unless workshop.yml says otherwise, in either direction."""
    from dpskit.content import load_valid_content
    from dpskit.index import render_index
    from dpskit.packs import archives
    from dpskit.workshop import agenda, load_workshop

    content = load_valid_content(REPO)
    workshop = tmp_path / "w.yml"
    workshop.write_text(
        "title: T\ndate: 2026-12-05\nstart: '10:00'\nsessions: [01-why-we-are-here]\ncontacts:\n"
        "  legal_hotline: Hotline (555) 010-2345\n  jail_support: Ana O'Connor-Núñez (555) 010-7788\n"
        "  lawyer: {value: Public Defender & Co. (555) 010-9911, share: public}\n"
        "  chapter: {value: Secret chapter line (555) 010-3030, share: facilitators}\n", encoding="utf-8")
    plan, _ = load_workshop(workshop, content)
    session = content.sessions[:1]
    frame = agenda(plan, content)
    facilitator = render_index(content, session, set(), plan=plan, frame=frame, participant=False)
    participant = render_index(content, session, set(), plan=plan, frame=frame, participant=True)
    assert "010-7788" in facilitator and "010-3030" in facilitator
    assert "010-7788" not in participant and "010-3030" not in participant
    assert "010-2345" in participant and "Public Defender &amp; Co." in participant
    facilitator_zip, participant_zip = archives(tmp_path / "2026-12-05-t")
    assert facilitator_zip.name == "2026-12-05-t-FACILITATOR.zip" and participant_zip.name == "2026-12-05-t-participant.zip"


def test_participant_pack_prints_no_contact_kept_for_facilitators(tmp_path):
    """Issue 22 (14): the participant pack's own take-homes, readers, pocket cards, worksheets,
    notebooks and slides (HTML and PDF text, and its zip) print only public contacts; the facilitator
    pack prints them all for the room, and its zip carries no participant copies."""
    pytest.importorskip("pypdf")
    from pypdf import PdfReader

    from dpskit.build import build
    from dpskit.pdf import weasyprint_available

    if not weasyprint_available():
        from conftest import missing

        missing("WeasyPrint/pango is not installed: participant PDFs were NOT checked for private contacts")
    workshop = tmp_path / "w.yml"
    workshop.write_text(
        "title: Contacts\ndate: 2026-12-05\nstart: '10:00'\nsessions: [09-when-ice-detains-someone]\ncontacts:\n"
        "  legal_hotline: {value: Hotline kept back (555) 010-2345, share: facilitators}\n"
        "  jail_support: Ana O'Connor-Núñez (555) 010-7788\n  lawyer: Lawyer & Co. (555) 010-9911\n"
        "  immigration: Rapid response (555) 010-4444\n", encoding="utf-8")
    formats = ["notebook", "participant-slides", "takehome", "handout"]
    result = build(REPO, tmp_path / "pack", workshop=workshop, formats=formats, pdf=True)
    private = ("010-2345", "010-7788", "010-9911")

    def texts(folder: Path) -> dict[str, str]:
        found = {}
        for path in folder.rglob("*"):
            if path.is_file():
                rel = path.relative_to(folder).as_posix()
                found[rel] = (" ".join(page.extract_text() for page in PdfReader(path).pages) if path.suffix == ".pdf"
                              else path.read_text(encoding="utf-8", errors="ignore"))
        return found

    handed_out = texts(result.participant)
    for rel in ("cards/pocket-card.pdf", "handouts/09-when-ice-detains-someone.takehome.pdf",
                "worksheets/family-preparedness-plan.pdf", "notebooks/09-when-ice-detains-someone.ipynb",
                "slides/09-when-ice-detains-someone.slides.html"):
        assert rel in handed_out
    assert [(rel, number) for rel, text in handed_out.items() for number in private if number in text] == []
    assert "010-4444" in handed_out["cards/pocket-card.pdf"] and "010-4444" in handed_out["handouts/09-when-ice-detains-someone.takehome.pdf"]
    with zipfile.ZipFile(result.participant.with_suffix(".zip")) as bundle:
        assert [n for n in bundle.namelist() for number in private if number.encode() in bundle.read(n)] == []

    printed = texts(result.out)
    for number in private[1:]:
        assert number in printed["cards/pocket-card.pdf"]
    assert "010-2345" in printed["handouts/09-when-ice-detains-someone.takehome.pdf"]
    with zipfile.ZipFile(result.archive) as bundle:
        assert not [n for n in bundle.namelist() if "/.participant/" in n]
    said = BeautifulSoup((result.out / "before-the-day.html").read_text(encoding="utf-8"), "html.parser").get_text(" ")
    kept = " ".join(said.split()).split("which workshop.yml keeps them out of:")[1].split(".")[0]
    assert [label for label in ("Legal hotline", "Jail support", "A lawyer we trust", "Immigration") if label in kept] == \
        ["Legal hotline", "Jail support", "A lawyer we trust"]

    again = build(REPO, tmp_path / "pack", workshop=workshop, formats=formats, pdf=True)
    assert again.up_to_date, again.rendered
