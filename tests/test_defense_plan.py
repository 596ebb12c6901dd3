"""The chapter defense plan worksheet: the workshop's contacts or blank lines, the shared scripts
word for word, escaped values, and a place in both packs only when session 08 is taught."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dpskit.content import load_valid_content
from dpskit.defense_plan import render_defense_plan
from dpskit.packs import DEFENSE_PLAN, materials_for, participant_files
from dpskit.workshop import CONTACT_LABELS, Workshop

REPO = Path(__file__).resolve().parents[1]
CONTENT = load_valid_content(REPO)
SESSION = "08-asserting-our-rights-together"


def _plan(**contacts) -> Workshop:
    return Workshop(title="Plan test", date="2026-12-06", start="10:00", sessions=[SESSION],
                    chapter="<i>Local</i> chapter", contacts=contacts)


def test_contacts_print_where_known_and_as_lines_where_not():
    soup = BeautifulSoup(render_defense_plan(CONTENT, _plan(legal_hotline="555-0100 <script>alert(1)</script>")), "html.parser")
    rows = {th.get_text(strip=True): th.find_next_sibling("td") for th in soup.select("section[aria-labelledby=plan-contacts] th")}
    assert set(CONTACT_LABELS.values()) <= set(rows)
    assert rows[CONTACT_LABELS["legal_hotline"]].get_text() == "555-0100 <script>alert(1)</script>"
    assert "filled" in rows[CONTACT_LABELS["legal_hotline"]]["class"]
    blanks = [label for key, label in CONTACT_LABELS.items() if key != "legal_hotline"]
    assert all(rows[label].get_text(strip=True) == "" and "fill" in rows[label]["class"] for label in blanks)
    assert not soup.find("script"), "workshop values are text, never markup"
    assert "<i>Local</i> chapter" in soup.select_one(".head").get_text()


def test_plan_has_every_part_the_session_fills_in_and_the_scripts_word_for_word():
    soup = BeautifulSoup(render_defense_plan(CONTENT, None, "a4"), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select("article.plan h2")]
    assert headings == ["Who we call", "Phone tree", "If agents come, or someone is arrested", "Who speaks for the chapter",
                        "What we say", "Our agreements"]
    roles = [th.get_text(" ", strip=True) for th in soup.select("article.plan tbody th[scope=row], article.plan tr th[scope=row]")]
    assert {"Calls the legal hotline", "Jail support lead", "Spokesperson"} <= set(roles)
    said = [p.get_text(strip=True).strip("“”") for p in soup.select("p.say")]
    assert said == [CONTENT.scripts["hotline-report"].say, CONTENT.scripts["chapter-statement"].say]
    assert "size: A4" in str(soup.style)
    assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"].startswith("default-src 'none'")


def test_only_workshops_with_session_08_get_the_plan_and_participants_may_have_it():
    assert DEFENSE_PLAN in materials_for([CONTENT.session(SESSION)])
    assert DEFENSE_PLAN not in materials_for([CONTENT.session(s.id) for s in CONTENT.sessions if s.id != SESSION])
    files = [f"{DEFENSE_PLAN}.html", f"{DEFENSE_PLAN}.pdf", "guide/answer-key.html"]
    assert participant_files([SESSION], files) == {f"{DEFENSE_PLAN}.html": f"{DEFENSE_PLAN}.html", f"{DEFENSE_PLAN}.pdf": f"{DEFENSE_PLAN}.pdf"}


@pytest.mark.slow
def test_a_session_08_pack_prints_the_plan_with_the_workshops_contacts(tmp_path):
    from dpskit.build import build
    from dpskit.pdf import weasyprint_available

    workshop = tmp_path / "workshop.yml"
    workshop.write_text(f'title: Plan pack\ndate: 2026-12-06\nstart: "10:00"\nsessions: [{SESSION}]\n'
                        'chapter: Riverside chapter\ncontacts:\n  legal_hotline: "555-0199"\n')
    result = build(REPO, tmp_path / "build", workshop=workshop, formats=["notebook"], pdf=weasyprint_available())
    for pack in (result.out, result.participant):
        page = (pack / f"{DEFENSE_PLAN}.html").read_text()
        assert "555-0199" in page and "Riverside chapter" in page
    if weasyprint_available():
        from dpskit.packs import pdf_pages

        assert 1 <= pdf_pages(result.out / f"{DEFENSE_PLAN}.pdf") <= 3
    assert DEFENSE_PLAN in (result.out / "index.html").read_text() or DEFENSE_PLAN in (result.out / "before-the-day.html").read_text()


def test_both_landing_pages_link_the_plan_only_when_the_pack_has_it():
    from dpskit.index import shared_links

    for participant in (True, False):
        with_plan = [row for row in shared_links({f"{DEFENSE_PLAN}.html", f"{DEFENSE_PLAN}.pdf"}, {}, participant) if row]
        assert any(DEFENSE_PLAN in str(row) for row in with_plan)
        assert not any(DEFENSE_PLAN in str(row) for row in shared_links(set(), {}, participant))
