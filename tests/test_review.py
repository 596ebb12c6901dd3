"""`dpskit check` warnings about old and unverified sources and activities without time, and
the "check before you teach" box at the top of every guide."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from dpskit.cli import cli
from dpskit.content import load_content
from dpskit.content.review import (check_before_teaching, source_age_warnings, uncovered_activity_warnings,
                                   unverified_claim_warnings)



def replace_in(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1))


def _content(root):
    content, errors = load_content(root)
    assert errors == []
    return content


def test_sources_older_than_the_allowed_age_are_named(mini_root):
    content = _content(mini_root)
    assert source_age_warnings(content, today=dt.date(2027, 11, 24)) == []
    old = source_age_warnings(content, today=dt.date(2027, 11, 25))
    assert len(old) == 2 and all("more than 12 months ago" in w for w in old)
    assert any("miranda-1966" in w and "2026-11-24" in w for w in old)
    assert source_age_warnings(content, today=dt.date(2027, 1, 1), max_age_months=1) != []


def test_the_allowed_age_comes_from_curriculum_yml_or_the_command_line(mini_root):
    replace_in(mini_root / "data/sources.yaml", "reviewed: 2026-11-24", "reviewed: 2019-01-31")
    runner = CliRunner()
    default = runner.invoke(cli, ["--root", str(mini_root), "check"])
    assert default.exit_code == 0 and "miranda-1966 was last reviewed on 2019-01-31" in default.output
    lenient = runner.invoke(cli, ["--root", str(mini_root), "check", "--source-age", "1200"])
    assert lenient.exit_code == 0 and "last reviewed" not in lenient.output
    manifest = mini_root / "curriculum.yml"
    manifest.write_text(manifest.read_text() + "source_max_age_months: 1200\n")
    assert "last reviewed" not in runner.invoke(cli, ["--root", str(mini_root), "check"]).output
    manifest.write_text(manifest.read_text().replace("source_max_age_months: 1200", "source_max_age_months: 0"))
    _, errors = load_content(mini_root)
    assert any("source_max_age_months" in str(e) for e in errors)


def test_every_source_needs_an_honest_status(mini_root):
    replace_in(mini_root / "data/sources.yaml", "  status: verified\n", "")
    _, errors = load_content(mini_root)
    assert any("status" in str(e) and "required" in str(e) for e in errors), errors
    replace_in(mini_root / "data/sources.yaml", "  status: verified\n", "  status: checked-ish\n")
    _, errors = load_content(mini_root)
    assert any("checked-ish" in str(e) for e in errors), errors


def test_unverified_sources_cited_for_a_claim_are_named_with_where(mini_root):
    assert unverified_claim_warnings(_content(mini_root)) == []
    replace_in(mini_root / "data/sources.yaml", "  status: verified\n", "  status: unverified\n")  # miranda
    warnings = unverified_claim_warnings(_content(mini_root))
    assert len(warnings) == 1 and "miranda-1966 is unverified" in warnings[0]
    assert "sessions/01-mini.ipynb" in warnings[0] and "data/quizzes/01-mini.yaml (01-" in warnings[0]
    replace_in(mini_root / "data/sources.yaml", "  status: unverified\n", "  status: secondary\n")
    assert unverified_claim_warnings(_content(mini_root)) == []


def test_activities_without_an_agenda_part_are_named(mini_root):
    warnings = uncovered_activity_warnings(_content(mini_root))
    assert any("the quiz has no agenda part" in w for w in warnings)
    assert any("scenario 'door' has no agenda part" in w for w in warnings)
    assert any("has no agenda part of its own (1 discussions, 0 discussion part(s))" in w for w in warnings)
    notebook = mini_root / "sessions/01-mini.ipynb"
    replace_in(notebook, '"title": "Input"', '"title": "Input"}, {"kind": "activity", "minutes": 10, "phase": "Activity", '
                                            '"title": "Check yourself: quiz"}, {"kind": "activity", "minutes": 10, '
                                            '"phase": "Activity", "title": "Role-play: the door"}, {"kind": "activity", '
                                            '"minutes": 5, "phase": "Discussion", "title": "Talk it over"')
    assert uncovered_activity_warnings(_content(mini_root)) == []


def test_two_discussions_in_one_slot_warn_about_the_second(mini_root):
    notebook = mini_root / "sessions/01-mini.ipynb"
    replace_in(notebook, '"title": "Input"', '"title": "Input"}, {"kind": "activity", "minutes": 5, "phase": "Discussion", '
                                            '"title": "Discussion: both"')
    text = notebook.read_text()
    cut = text.index('"What would you say? DISCUSSION-PROMPT"')
    notebook.write_text(text[:cut] + '"## Discussion: second\\n", ' + text[cut:])
    content = _content(mini_root)
    assert not any("DISCUSSION" in w for w in uncovered_activity_warnings(content))
    import json
    nb = json.loads(notebook.read_text())
    extra = dict(nb["cells"][9])
    extra["id"] = "extra-discussion"
    extra["source"] = "## Discussion: a third one\n\nAnother prompt."
    nb["cells"].insert(10, extra)
    notebook.write_text(json.dumps(nb))
    warnings = uncovered_activity_warnings(_content(mini_root))
    assert sum("agenda part of its own" in w for w in warnings) == 1
    assert any("'Discussion: a third one' has no agenda part of its own (2 discussions, 1 discussion part(s))" in w
               for w in warnings), warnings


def test_check_before_teaching_lists_dated_claims_unchecked_sources_and_contacts(mini_root):
    notebook = mini_root / "sessions/01-mini.ipynb"
    replace_in(notebook, "NARRATIVE-STOPS brief detention", "*Changed recently:* NARRATIVE-STOPS brief detention")
    replace_in(notebook, "NOTES-FACILITATOR-ONE pause", "[DATED] DATED-NOTE check the rule. NOTES-FACILITATOR-ONE pause")
    replace_in(notebook, "NARRATIVE-SILENCE You", "Call [[contact:legal_hotline]]. NARRATIVE-SILENCE You")
    replace_in(notebook, '"PREP-ONE"', '"Confirm the hotline number on the NLG website"')
    sources = mini_root / "data/sources.yaml"
    sources.write_text(sources.read_text().replace("  status: verified\n", "  status: secondary\n  note: \"[DATED] SOURCE-DATED-NOTE\"\n", 1))
    review = check_before_teaching(_content(mini_root), "01-mini")
    assert any(claim.startswith("Stops: NARRATIVE-STOPS") for claim in review.dated), review.dated
    assert any("DATED-NOTE check the rule" in claim for claim in review.dated)
    assert any("SOURCE-DATED-NOTE" in claim for claim in review.dated)
    assert [s.id for s in review.sources] == ["miranda-1966"]
    assert review.contacts == ["Legal hotline (workshop.yml contacts.legal_hotline)", "Confirm the hotline number on the NLG website"]


def test_every_real_guide_topic_is_listed_for_sessions_04_and_05():
    from pathlib import Path

    content = _content(Path(__file__).resolve().parents[1])
    for session_id in ("04-subpoenas-and-grand-juries", "05-protest-and-arrest"):
        review = check_before_teaching(content, session_id)
        assert review.sources and all(s.status in ("unverified", "secondary") for s in review.sources)
        assert review.contacts, session_id


def test_the_guide_opens_with_the_check_before_teaching_box(mini_build):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((mini_build / "guide/01-mini.guide.html").read_text(), "html.parser")
    box = soup.select_one("main > #check-before-teaching")
    assert box is not None and box.find_previous_sibling() is None, "the box comes first in the guide"
    assert box.h2.get_text() == "Check before you teach"
    assert [h.get_text() for h in box.select("h3")] == [
        "Claims that change over time", "Sources nobody has checked against the primary text", "Contacts to confirm"]
    assert "checked against its primary text" in box.get_text()  # the mini sources are all verified
