"""Pocket cards: the shared scripts, blanks for missing contacts, credit-card size."""

from bs4 import BeautifulSoup

from dpskit.cards import CARDS_PER_SHEET, FLOOR_PT, SAFE_MM, WRITE_IN_MM, render_pocket_card
from dpskit.content import load_valid_content


def test_card_uses_the_shared_scripts_and_blank_lines(mini_root):
    """Two cards, each on its own sheet of 8 alike: what to say (and do after), who to call."""
    content = load_valid_content(mini_root)
    soup = BeautifulSoup(render_pocket_card(content), "html.parser")
    sheets = soup.select("section.sheet")
    assert len(sheets) == 4 and all(len(s.select(".card")) == CARDS_PER_SHEET for s in sheets)
    assert soup.select_one('meta[name="dpskit-max-pages"]')["content"] == "4"
    assert content.scripts["remain-silent"].say in soup.select(".card.front.say")[0].get_text()
    contacts = soup.select(".card.contacts")[0]
    assert len(contacts.select(".contact.blank .line")) == 2 and not contacts.select(".contact.filled")
    style = soup.style.get_text()
    assert "85.6mm" in style and "54mm" in style and f"height: {WRITE_IN_MM}mm" in style and f"padding: {SAFE_MM}mm" in style
    assert SAFE_MM >= 2 and WRITE_IN_MM >= 6 and FLOOR_PT >= 7


def test_filled_contacts_and_paper_size(mini_root):
    content = load_valid_content(mini_root)
    html = render_pocket_card(content, {"legal_hotline": "555-0100 <b>"}, paper="a4")
    soup = BeautifulSoup(html, "html.parser")
    card = soup.select(".card.contacts")[0]
    assert card.select_one(".contact.filled .value").get_text() == "555-0100 <b>"
    assert len(card.select(".contact.blank")) == 1
    assert "size: A4" in soup.style.get_text()


def test_card_labels_each_script_with_its_situation_and_carries_the_immigration_contact():
    """Street / Door / Arrest / Grand jury before the words, and the rapid-response number the
    sessions tell people to keep by the door, in both languages."""
    from pathlib import Path

    from dpskit.i18n import using

    root = Path(__file__).resolve().parents[1]
    for language in ("en", "es"):
        with using(language):
            content = load_valid_content(root, language=language)
            soup = BeautifulSoup(render_pocket_card(content), "html.parser")
        situations = [s.get_text() for s in soup.select(".card.say")[0].select(".situation")]
        assert len(situations) == len(content.pocket_card.scripts) and all(1 <= len(s.split()) <= 2 for s in situations), situations
        labels = " ".join(soup.select(".card.contacts")[0].get_text().split()) + " ".join(
            soup.select(".card.contacts")[CARDS_PER_SHEET].get_text().split())
        immigration = next(c["label"] for c in content.pocket_card.contacts if c["key"] == "immigration")
        assert immigration in labels
    assert "Grand jury" in [s["label"] for s in load_valid_content(root).pocket_card.situations]


def test_build_writes_the_card_and_links_it(mini_build):
    assert (mini_build / "cards/pocket-card.html").is_file()
    assert 'href="cards/pocket-card.html"' in (mini_build / "index.html").read_text()


def test_real_card_carries_the_limits_of_silence_and_the_scripts_guides_hand_out():
    """Issue 10: the card never prints scripts without what silence does not cover, and it
    carries the grand jury and arrest scripts that guides 04 and 05 tell facilitators to hand out."""
    from pathlib import Path

    content = load_valid_content(Path(__file__).resolve().parents[1])
    soup = BeautifulSoup(render_pocket_card(content), "html.parser")
    front = soup.select(".card.front.say")[0]
    text = " ".join(front.get_text().split())
    for script_id in ("grand-jury-lawyer", "remain-silent-arrest", "not-without-warrant"):
        assert content.scripts[script_id].say in text
    same_card = front.select_one(".limits") or soup.select(".card.back.after")[0].select_one(".limits")  # the other side
    limits = " ".join(same_card.get_text().split())
    for words in ("Never lie", "give your name", "license, registration", "stay silent about birthplace",
                  "Valid US immigration papers", "Never false papers"):
        assert words.lower() in limits.lower()


def test_a_schema_error_names_an_unknown_limits_shape(mini_root):
    from dpskit.content import load_content

    card = mini_root / "data/pocket_card.yaml"
    card.write_text(card.read_text() + "limits: not-a-list\n")
    _, errors = load_content(mini_root)
    assert any("pocket_card.yaml" in str(e) and "limits" in str(e) for e in errors), errors
