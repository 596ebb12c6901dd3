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
