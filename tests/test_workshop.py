"""workshop.yml: validated like content, an agenda with clock times, values where placeholders ask."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from conftest import require_tool
from dpskit.build import build
from dpskit.content import InvalidContent, load_valid_content
from dpskit.workshop import agenda, agenda_warnings, load_workshop, summarize_agenda


def load(root: Path):
    return load_workshop(root / "workshop.yml", load_valid_content(root))


def edit(root: Path, old: str, new: str) -> None:
    path = root / "workshop.yml"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))


def test_agenda_has_clock_times_totals_and_breaks(mini_root):
    plan, warnings = load(mini_root)
    frame = agenda(plan, load_valid_content(mini_root))
    assert frame[["start", "end", "part", "minutes"]].values.tolist() == [
        ["10:00", "10:10", "Opening", 10], ["10:10", "10:30", "Input", 20], ["10:30", "10:40", "Tea", 10]]
    summary = summarize_agenda(frame, plan)
    assert (summary.total, summary.teaching, summary.activities, summary.breaks, summary.ends) == (40, 20, 10, 10, "10:40")
    assert agenda_warnings(summary, plan) == []
    assert warnings == [
        "workshop.yml: contacts.nlg_chapter is empty; it prints as a blank line to fill in by hand",
        "workshop.yml: contacts.jail_support is empty; it prints as a blank line to fill in by hand",
        "workshop.yml: contacts.lawyer is empty; it prints as a blank line to fill in by hand",
        "workshop.yml: contacts.chapter is empty; it prints as a blank line to fill in by hand",
        "workshop.yml: contacts.immigration is empty; it prints as a blank line to fill in by hand",
    ]


def test_running_over_is_a_warning_not_a_crash(mini_root):
    edit(mini_root, 'end: "11:00"', 'end: "10:30"')
    plan, _ = load(mini_root)
    summary = summarize_agenda(agenda(plan, load_valid_content(mini_root)), plan)
    [warning] = agenda_warnings(summary, plan)
    assert "runs 10 minutes over" in warning and "ends at 10:40" in warning


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def real_content():
    return load_valid_content(REPO)


def plan_of(text: str, tmp_path: Path, content):
    path = tmp_path / "workshop.yml"
    path.write_text(text, encoding="utf-8")
    plan, _ = load_workshop(path, content)
    frame = agenda(plan, content)
    return plan, frame, summarize_agenda(frame, plan)


# The default day as it was: 10:00-14:54 in a 10:00-15:00 slot, a 10-minute break, a 15-minute
# "snack" at 13:12, no lunch, each session welcoming the room again.
OLD_DAY = """title: Old default
date: 2026-12-05
start: "10:00"
end: "15:00"
venue_closes: "14:45"
sessions: [01-why-we-are-here, 02-your-rights, 03-when-agents-knock]
breaks:
  - {after: 01-why-we-are-here, minutes: 10}
  - {after: 02-your-rights, minutes: 15, title: Snack break}
"""


def test_a_day_a_room_cannot_keep_is_warned(tmp_path, real_content):
    plan, frame, summary = plan_of(OLD_DAY, tmp_path, real_content)
    assert (summary.total, summary.ends, summary.slack) == (288, "14:48", 12), "294 minutes less the second and third welcomes"
    warnings = agenda_warnings(summary, plan)
    assert len(warnings) == 3, warnings
    assert "Only 12 minutes of slack" in warnings[0]
    assert "288 minutes pass without a meal break" in warnings[1]
    assert "ends at 15:00, after the venue closes (14:45)" in warnings[2]
    welcomes = frame[frame["part"].str.startswith("Welcome")]
    assert welcomes["minutes"].tolist() == [8, 4, 3], "with no day opening, only the first session welcomes the room in full"


def test_the_example_workshops_are_days_a_room_can_keep(real_content):
    for name in ("workshop.yml", "workshop.es.yml"):
        plan, warnings = load_workshop(REPO / name, real_content)
        frame = agenda(plan, real_content)
        summary = summarize_agenda(frame, plan)
        assert agenda_warnings(summary, plan) == [], name
        assert summary.slack >= 15 and summary.longest_without_meal <= 180
        kinds = frame["kind"].tolist()
        assert kinds[:2] == ["arrival", "opening"] and kinds[-1] == "closing", f"{name}: {kinds}"
        lunch = frame[frame["kind"] == "meal"].iloc[0]
        assert lunch["minutes"] >= 30 and "11:30" <= lunch["start"] <= "13:00", f"{name}: lunch at {lunch['start']}"
        firsts = frame[frame["session_id"] != ""].groupby("session_id", sort=False).head(1)["minutes"].tolist()
        assert firsts == [4, 4, 3], f"{name}: one welcome a day (the opening), each session's own welcome skipped: {firsts}"


def test_day_items_go_before_or_after_any_session(tmp_path, real_content):
    text = OLD_DAY.replace('end: "15:00"', 'end: "17:00"').replace('venue_closes: "14:45"', 'venue_closes: "17:30"') + \
        "  - {before: 02-your-rights, minutes: 40, kind: meal}\n  - {before: 01-why-we-are-here, minutes: 20, kind: arrival}\n"
    plan, frame, summary = plan_of(text, tmp_path, real_content)
    assert frame.iloc[0][["start", "part", "kind"]].tolist() == ["10:00", "Arrival and sign-in", "arrival"]
    lunch = frame[frame["kind"] == "meal"].iloc[0]
    assert frame.iloc[lunch.name + 1]["session_id"] == "02-your-rights" and frame.iloc[lunch.name - 1]["kind"] == "break"
    assert summary.breaks == 65 and summary.day == 20
    [warning] = agenda_warnings(summary, plan)
    assert warning.startswith("183 minutes pass without a meal break"), "lunch, then 02, the snack break and 03 without food"
    both = OLD_DAY + "  - {after: 01-why-we-are-here, before: 02-your-rights, minutes: 5}\n"
    with pytest.raises(InvalidContent) as info:
        plan_of(both, tmp_path, real_content)
    assert "[breaks[2]] say where this item goes with one of after: or before:" in str(info.value.errors[0])


def test_a_plan_that_ends_early_says_so(tmp_path, real_content):
    from dpskit.workshop import ends_early

    text = OLD_DAY.replace('end: "15:00"', 'end: "15:32"').replace('venue_closes: "14:45"', 'venue_closes: "16:00"')
    plan, frame, summary = plan_of(text, tmp_path, real_content)
    assert ends_early(summary) == 44, "15:32 - 14:48"


@pytest.mark.parametrize("old, new, expected", [
    ("sessions: [01-mini]", "sessions: [01-mini, 09-nope]", "workshop.yml:8: [sessions[1]] unknown session id '09-nope'"),
    ('start: "10:00"', 'start: "10h"', "workshop.yml:3: [start] '10h' does not match"),
    ("venue: VENUE-HALL", "venue: VENUE-HALL\nparking: yes", "workshop.yml:6: [parking] unknown key 'parking' (allowed: breaks, chapter"),
    ("  - after: 01-mini", "  - after: 02-other", "workshop.yml:10: [breaks[0].after] break after '02-other'"),
])
def test_invalid_workshop_names_file_line_and_key(mini_root, old, new, expected):
    edit(mini_root, old, new)
    with pytest.raises(InvalidContent) as info:
        load(mini_root)
    assert any(str(e).startswith(expected) for e in info.value.errors), [str(e) for e in info.value.errors]


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    import shutil

    from conftest import FIXTURES

    root = tmp_path_factory.mktemp("pack") / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    nb_path = root / "sessions/01-mini.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("After: call [[contact:legal_hotline]] or [[contact:lawyer]] at [[workshop:venue]]."))
    nbformat.write(nb, nb_path)
    return build(root, workshop=root / "workshop.yml")


def test_pack_layout_agenda_and_zip(pack):
    out = pack.out
    assert out.name == "2026-12-05-mini-saturday" and out.parent.name == "build"
    for folder in ("slides", "handouts", "guide", "notebooks", "cards"):
        assert (out / folder).is_dir(), folder
    index = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    rows = [[td.get_text() for td in tr.select("td")] for tr in index.select("table.dpskit-agenda tbody tr")]
    assert rows[0][:3] == ["10:00–10:10", "Mini session", "Opening"] and rows[-1][:3] == ["10:30–10:40", "", "Tea"]
    assert "555-0100" in index.get_text() and "VENUE-HALL" in index.get_text()
    assert (out / "agenda.csv").read_text().splitlines()[0] == "start,end,session,part,phase,kind,minutes"
    with zipfile.ZipFile(pack.archive) as bundle:
        names = set(bundle.namelist())
    assert f"{out.name}/index.html" in names and f"{out.name}/handouts/01-mini.handout.pdf" in names
    assert any("contacts" in w for w in pack.warnings)


def test_values_flow_into_placeholders_and_blanks_stay_lines(pack):
    handout = (pack.out / "handouts/01-mini.handout.html").read_text()
    assert "call 555-0100 or ________________ at VENUE-HALL" in handout
    guide = BeautifulSoup((pack.out / "guide/01-mini.guide.html").read_text(), "html.parser")
    first_row = [td.get_text() for td in guide.select("table.dpskit-agenda tbody tr")[0].select("td")]
    assert first_row[0] == "10:00–10:10", "the guide's agenda uses the workshop's clock"
    card = (pack.out / "cards/pocket-card.html").read_text()
    assert "555-0100" in card and "size: A4" in card


def pdf_text(path: Path) -> str:
    """The PDF's text with pypdf (no system tool needed)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def pdf_pages(path: Path):
    from pypdf import PdfReader

    return PdfReader(str(path)).pages


def test_pdfs_have_size_pages_footer_and_the_right_audience(pack):
    out = pack.out
    handout = out / "handouts/01-mini.handout.pdf"
    pages = pdf_pages(handout)
    width, height = (float(v) * 25.4 / 72 for v in pages[0].mediabox[2:])
    assert (round(width), round(height)) == (210, 297), "A4 from workshop.yml"
    text = pdf_text(handout)
    assert "NARRATIVE-SILENCE" in text and "Legal hotline: 555-0100" in text
    assert re.search(r"\b1\s*/\s*\d+\b", text), "page numbers"
    for marker in ("NOTES-FACILITATOR-ONE", "FEEDBACK-RIGHT", "EXPLANATION-SECRET", "AUTHORED-GUIDE-TEXT"):
        assert marker not in text, marker
    guide_text = pdf_text(out / "guide/01-mini.guide.pdf")
    assert "NOTES-FACILITATOR-ONE" in guide_text and "FEEDBACK-RIGHT" in guide_text
    key_text = pdf_text(out / "guide/answer-key.pdf")
    assert "EXPLANATION-SECRET" in key_text and "Mini session" in key_text
    slides = pdf_pages(out / "slides/01-mini.slides.pdf")
    w, h = (float(v) for v in slides[0].mediabox[2:])
    assert w > h and len(slides) >= 8, "one landscape page per slide"
    assert "NOTES-FACILITATOR-ONE" in pdf_text(out / "slides/01-mini.slides.pdf"), "the backup deck carries the notes"
    cards = pdf_pages(out / "cards/pocket-card.pdf")
    assert len(cards) == 4 and "I am going to remain silent" in pdf_text(out / "cards/pocket-card.pdf")


def test_first_pages_render_to_png(pack):
    require_tool("pdftoppm", "poppler-utils")
    artifacts = Path(__file__).resolve().parents[1] / "build" / "test-artifacts" / "pdf"
    artifacts.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(pack.out.rglob("*.pdf")):
        prefix = artifacts / pdf.stem.replace(".", "-")
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
        [png] = list(artifacts.glob(f"{prefix.name}*.png"))
        assert png.stat().st_size > 1000


def test_backup_slides_without_notes(mini_root):
    edit(mini_root, "paper: a4", "paper: a4\nslide_notes_in_pdf: false")
    result = build(mini_root, workshop=mini_root / "workshop.yml", formats=["slides"])
    text = pdf_text(result.out / "slides/01-mini.slides.pdf")
    assert "NARRATIVE-SILENCE" in text and "NOTES-FACILITATOR-ONE" not in text


def test_cli_check_validates_a_workshop(mini_root):
    from click.testing import CliRunner

    from dpskit.cli import cli

    ok = CliRunner().invoke(cli, ["--root", str(mini_root), "check", "--workshop", str(mini_root / "workshop.yml")])
    assert ok.exit_code == 0 and "OK: workshop.yml: 1 session, 10:00–10:40, 40 minutes." in ok.output
    assert "contacts.lawyer is empty" in ok.output
    edit(mini_root, "sessions: [01-mini]", "sessions: [01-mini, 09-nope]")
    bad = CliRunner().invoke(cli, ["--root", str(mini_root), "check", "--workshop", str(mini_root / "workshop.yml")])
    assert bad.exit_code == 1 and "workshop.yml:8: [sessions[1]] unknown session id '09-nope'" in bad.output


def test_the_pack_has_a_run_sheet_for_facilitators_only(pack):
    out = pack.out
    sheet = BeautifulSoup((out / "run-sheet.html").read_text(), "html.parser")
    times = [td.get_text() for td in sheet.select("td.dpskit-run-time")]
    assert times[:3] == ["10:00", "10:00", "10:10"] and times[-1] == "10:30–10:40", times
    assert len(pdf_pages(out / "run-sheet.pdf")) == 1
    index = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    assert index.select_one('a[href="run-sheet.html"]') and index.select_one('a[href="run-sheet.pdf"]')
    assert not any(p.name.startswith("run-sheet") for p in pack.participant.rglob("*")), "the run sheet is the facilitators'"


@pytest.mark.parametrize("name, language", [("workshop.yml", "en"), ("workshop.es.yml", "es")])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_run_sheet_is_one_page(tmp_path, name, language, paper):
    """The example day on one page, in English and Spanish, Letter and A4: clock times, what happens,
    who leads, materials, the quiz and role-play of each part, and where the care notes apply."""
    require_tool("pdftoppm", "poppler-utils")
    from dpskit.before import render_run_sheet
    from dpskit.i18n import using
    from dpskit.pdf import PdfJob, render_pdf

    with using(language):
        content = load_valid_content(REPO, language=None if language == "en" else language)
        plan, _ = load_workshop(REPO / name, content)
        frame = agenda(plan, content)
        html = render_run_sheet(content, plan, frame, paper)
        pdf = render_pdf(PdfJob(html, tmp_path / "run-sheet.pdf", paper=paper, with_page_numbers=False, margins=False))
    pages = pdf_pages(pdf)
    assert len(pages) == 1, f"{name} {paper}: the run sheet takes {len(pages)} pages"
    text = " ".join(pdf_text(pdf).split())
    for start, part in frame[["start", "part"]].itertuples(index=False):
        assert start in text and " ".join(part.split())[:25] in text, f"{start} {part} missing from the run sheet"
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select(".dpskit-run-blank")) == 3, "a line for who leads each session"
    assert sum("Quiz" in td.get_text() or "Cuestionario" in td.get_text() for td in soup.select("td")) >= 3
    assert len([td for td in soup.select("td.dpskit-run-care") if td.get_text().strip()]) >= 6
    artifacts = REPO / "build" / "test-artifacts" / "run-sheets"
    artifacts.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(artifacts / f"{language}-{paper}")], check=True)


def test_small_words_are_right(mini_root):
    """"1 session", not "1 sessions"; a score slide stands on its own slide ("this session's
    questions", not "the questions above"); guide 01 gives advice, not a changelog."""
    from click.testing import CliRunner

    from dpskit.cli import cli
    from dpskit.render import render_score

    result = CliRunner().invoke(cli, ["--root", str(mini_root), "check", "--workshop", str(mini_root / "workshop.yml")])
    assert "OK: workshop.yml: 1 session, 10:00" in result.output, result.output
    assert "questions above" not in render_score("slides")
    assert "old version" not in (REPO / "facilitator_guides/01-why-we-are-here.md").read_text(encoding="utf-8")
