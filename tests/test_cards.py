"""Pocket cards: the shared scripts, blanks for missing contacts, credit-card size."""

from bs4 import BeautifulSoup

from dpskit.cards import CARDS_PER_SHEET, render_pocket_card
from dpskit.content import load_valid_content


def test_card_uses_the_shared_scripts_and_blank_lines(mini_root):
    content = load_valid_content(mini_root)
    soup = BeautifulSoup(render_pocket_card(content), "html.parser")
    fronts = soup.select(".card.front")
    assert len(fronts) == CARDS_PER_SHEET == len(soup.select(".card.back"))
    assert content.scripts["remain-silent"].say in fronts[0].get_text()
    values = soup.select(".card.back")[0].select(".contact .value")
    assert [v.get_text() for v in values] == ["", ""] and not any("filled" in v["class"] for v in values)
    assert "85.6mm" in soup.style.get_text() and "54mm" in soup.style.get_text()


def test_filled_contacts_and_paper_size(mini_root):
    content = load_valid_content(mini_root)
    html = render_pocket_card(content, {"legal_hotline": "555-0100 <b>"}, paper="a4")
    soup = BeautifulSoup(html, "html.parser")
    first = soup.select(".card.back")[0].select(".contact .value")
    assert first[0].get_text() == "555-0100 <b>" and "filled" in first[0]["class"]
    assert first[1].get_text() == ""
    assert "size: A4" in soup.style.get_text()


def test_build_writes_the_card_and_links_it(mini_build):
    assert (mini_build / "cards/pocket-card.html").is_file()
    assert 'href="cards/pocket-card.html"' in (mini_build / "index.html").read_text()


def test_real_card_carries_the_limits_of_silence_and_the_scripts_guides_hand_out():
    """Issue 10: the card never prints scripts without what silence does not cover, and it
    carries the grand jury and arrest scripts that guides 04 and 05 tell facilitators to hand out."""
    from pathlib import Path

    content = load_valid_content(Path(__file__).resolve().parents[1])
    front = BeautifulSoup(render_pocket_card(content), "html.parser").select(".card.front")[0]
    text = " ".join(front.get_text().split())
    for script_id in ("grand-jury-lawyer", "remain-silent-arrest", "not-without-warrant"):
        assert content.scripts[script_id].say in text
    limits = " ".join(front.select_one(".limits").get_text().split())
    for words in ("Never lie", "give your name", "license, registration", "stay silent about birthplace",
                  "Valid US immigration papers", "Never false papers"):
        assert words.lower() in limits.lower()


def test_a_schema_error_names_an_unknown_limits_shape(mini_root):
    from dpskit.content import load_content

    card = mini_root / "data/pocket_card.yaml"
    card.write_text(card.read_text() + "limits: not-a-list\n")
    _, errors = load_content(mini_root)
    assert any("pocket_card.yaml" in str(e) and "limits" in str(e) for e in errors), errors
