"""Each exporter on the fixture session: who sees what, checked in the produced files."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

FACILITATOR_ONLY = ["NOTES-FACILITATOR-ONE", "NOTES-UNTAGGED", "TALKING-POINTS", "AUTHORED-GUIDE-TEXT", "PREP-ONE"]
ANSWERS = ["FEEDBACK-RIGHT", "FEEDBACK-WRONG", "EXPLANATION-SECRET", "EXPLANATION-SAY", "FEEDBACK-TF-FALSE"]


def page(build: Path, relative: str) -> BeautifulSoup:
    return BeautifulSoup((build / relative).read_text(encoding="utf-8"), "html.parser")


def visible_text(soup: BeautifulSoup) -> str:
    """What a reader can see: text outside scripts, styles and speaker notes."""
    soup = BeautifulSoup(str(soup), "html.parser")
    for node in soup(["script", "style", "aside"]):
        if node.name != "aside" or "notes" in (node.get("class") or []):
            node.decompose()
    return soup.get_text(" ")


def test_slides_have_speaker_notes_and_no_code(mini_build):
    soup = page(mini_build, "slides/01-mini.slides.html")
    notes = " ".join(n.get_text() for n in soup.select("aside.notes"))
    assert "NOTES-FACILITATOR-ONE" in notes and "NOTES-UNTAGGED" in notes and "TALKING-POINTS" in notes
    assert "from dpskit.notebook import" not in soup.get_text() and 'quiz("' not in soup.get_text()
    sections = soup.select("div.slides > section")
    assert len(sections) >= 10
    assert soup.select("[data-answer-for]"), "quiz slides reveal the answer as a fragment"
    assert all("fragment" in f["class"] for f in soup.select("[data-answer-for]"))


def test_handout_has_no_facilitator_text_and_no_answers(mini_build):
    soup = page(mini_build, "handouts/01-mini.handout.html")
    text = soup.get_text(" ")
    for marker in FACILITATOR_ONLY + ANSWERS + ["TITLE-SLIDE-TEXT"]:
        assert marker not in str(soup), marker
    assert "NARRATIVE-SILENCE" in text and "KEYPOINT-ONE" in text
    assert len(soup.select(".dpskit-worksheet")) == 3
    assert [dt.get_text() for dt in soup.select(".dpskit-glossary dt")] == ["Terry stop"]
    sources = [a.get_text() for a in soup.select(".dpskit-sources a")]
    assert sources == ["Miranda v. Arizona, 384 U.S. 436 (1966)", "Terry v. Ohio, 392 U.S. 1 (1968)"]
    assert "Legal information, not legal advice" in soup.select_one("footer").get_text()


def test_answer_key_only_in_the_guide(mini_build):
    guide = page(mini_build, "guide/01-mini.guide.html")
    text = guide.get_text(" ")
    for marker in ANSWERS + ["NOTES-FACILITATOR-ONE", "NOTES-UNTAGGED", "AUTHORED-GUIDE-TEXT", "PREP-ONE", "MATERIAL-ONE", "OBJECTIVE-ONE"]:
        assert marker in text, marker
    assert len(guide.select(".dpskit-answer-key")) == 3
    correct = [li.get_text(" ") for li in guide.select(".dpskit-answer-key .dpskit-correct")]
    assert any("Am I free to go?" in c for c in correct)
    rows = [[td.get_text() for td in tr.select("td")] for tr in guide.select("table.dpskit-agenda tbody tr")]
    assert rows == [["0:00–0:10", "Opening", "Activity", "activity", "10"], ["0:10–0:30", "Input", "Input", "teaching", "20"]]
    assert "DISCUSSION-PROMPT" in guide.select_one("#discussion").get_text()
    for relative in ("slides/01-mini.slides.html", "handouts/01-mini.handout.html"):
        assert "AUTHORED-GUIDE-TEXT" not in (mini_build / relative).read_text()


def test_static_quiz_hides_answers_until_checked(mini_build):
    for relative in ("slides/01-mini.slides.html",):
        soup = page(mini_build, relative)
        text = visible_text(soup)
        for marker in ANSWERS:
            assert marker not in text, (relative, marker)
        form = soup.select_one('form.dpskit-quiz[data-quiz-id="01-free-to-go"]')
        key = json.loads(base64.b64decode(form["data-key"]))
        assert [o["correct"] for o in key["options"]] == [True, False]
        assert key["options"][1]["feedback"].startswith("FEEDBACK-WRONG")
        labels = {label["for"] for label in form.select("label")}
        assert labels == {i["id"] for i in form.select("input")}
        assert form.select_one("[aria-live]") is not None
        assert not soup.select("noscript")


def test_data_strings_are_escaped_in_every_export(mini_build):
    for relative in ("slides/01-mini.slides.html", "handouts/01-mini.handout.html", "guide/01-mini.guide.html"):
        html = (mini_build / relative).read_text()
        assert "<script>alert(1)</script>" not in html, relative
        assert "<img src=x onerror" not in html, relative
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, relative


def test_participant_notebook(mini_build):
    nb = nbformat.read(mini_build / "notebooks/01-mini.ipynb", as_version=4)
    nbformat.validate(nb)
    raw = json.dumps(nb)
    for marker in FACILITATOR_ONLY + ANSWERS:
        assert marker not in raw, marker
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.metadata.jupyter.source_hidden and not c.outputs and c.execution_count is None for c in code)
    assert nb.cells[-1].metadata.tags == ["dpskit-sources"] and "Terry v. Ohio" in nb.cells[-1].source


def test_exports_name_no_outside_host_in_loaded_resources(mini_build):
    for path in mini_build.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(), "html.parser")
        loaded = [t.get("src") for t in soup.select("script[src], img[src], iframe[src]")]
        loaded += [t.get("href") for t in soup.select("link[href]")]
        assert not [u for u in loaded if u and not u.startswith("data:")], path
        for style in soup.select("style"):
            assert not re.search(r"@import|url\((?!['\"]?data:)", style.get_text()), path


def test_exports_carry_no_builder_details(mini_build):
    import getpass
    import socket

    for path in mini_build.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".ipynb", ".csv"}:
            text = path.read_text(encoding="utf-8")
            assert str(mini_build.parent) not in text and str(Path.home()) + "/" not in text, path
            host = socket.gethostname()
            assert len(host) < 4 or host not in text, path
            assert '"execution_count": 1' not in text and "connection_file" not in text, path
    nb = json.loads((mini_build / "notebooks/01-mini.ipynb").read_text())
    assert set(nb["metadata"]) <= {"dpskit", "kernelspec", "language_info", "title", "authors"}
    assert getpass.getuser()  # the user name itself may be a common word; paths above are the real check
