"""Branching scenarios: validation that names file, line and node; every path; every form."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from dpskit.content import load_content, load_valid_content
from dpskit.content.scenario import best_path, ending_of, paths, reachable

DOOR = "data/scenarios/door.yaml"


def edit(root: Path, old: str, new: str) -> None:
    path = root / DOOR
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def messages(root: Path) -> list[str]:
    return [str(e) for e in load_content(root)[1]]


def test_paths_all_reach_an_ending(mini_root):
    door = load_valid_content(mini_root).scenarios["door"]
    walks = list(paths(door))
    assert len(walks) == 3
    assert sorted(ending_of(door, w).id for w in walks) == ["card", "card", "searched"]
    assert reachable(door) == ["knock", "open", "card", "searched"]
    assert best_path(door) == [("knock", 1)]


def test_dangling_link_names_file_line_and_node(mini_root):
    edit(mini_root, "next: searched", "next: nowhere")
    errors = messages(mini_root)
    assert f"{DOOR}:28: [nodes.open.choices[1].next] node 'open': choice 2 leads to 'nowhere', which does not exist" in errors


def test_unreachable_node_and_ending_without_debrief(mini_root):
    edit(mini_root, "next: searched", "next: card")
    edit(mini_root, "    debrief: DEBRIEF-GOOD you gave nothing.\n", "")
    errors = messages(mini_root)
    assert any(e.startswith(f"{DOOR}:33: [nodes.searched]") and "cannot be reached from 'knock'" in e for e in errors), errors
    assert any("[nodes.card]" in e and "ending 'card' has no debrief" in e for e in errors), errors


def test_loops_need_marking_and_dead_ends_are_errors(mini_root):
    edit(mini_root, "next: card\n        best: true\n      - text: Let", "next: knock\n        best: true\n      - text: Let")
    errors = messages(mini_root)
    assert any(e.startswith(f"{DOOR}:24: [nodes.open.choices[0].next]") and "loops back to 'knock'" in e for e in errors), errors
    edit(mini_root, "next: knock\n        best: true\n      - text: Let", "next: knock\n        best: true\n        loop: true\n      - text: Let")
    assert not messages(mini_root)
    edit(mini_root, "    ending: hard\n", "")
    assert any("node 'searched' has no choices and is not an ending" in e for e in messages(mini_root))


def test_unknown_script_and_scenario_reference(mini_root):
    edit(mini_root, "scripts: [remain-silent]\n  searched", "scripts: [shout]\n  searched")
    errors = messages(mini_root)
    assert any("script id 'shout' is not in data/scripts.yaml" in e and "[nodes.card.scripts]" in e for e in errors), errors


def test_live_player_walks_every_path(mini_root, monkeypatch, dummy_comm):
    from dpskit import notebook

    monkeypatch.setenv("DPSKIT_ROOT", str(mini_root))
    notebook.content.cache_clear()
    player = notebook.scenario("door")
    for walk in paths(player.scenario):
        player.restart()
        assert "SITUATION-KNOCK" in player.situation.value and player.ending.value == ""
        for node_id, index in walk:
            assert player.node_id == node_id
            player.choices.children[index].click()
            assert player.scenario.nodes[node_id].choices[index].consequence in player.consequence.value
        assert player.node.is_ending and "DEBRIEF" in player.ending.value
        assert "I am going to remain silent" in player.ending.value
        for node_id, index in walk:
            assert player.scenario.nodes[node_id].choices[index].text in player.ending.value
        assert player.restart_button.layout.display is None
    player.restart_button.click()
    assert player.node_id == "knock" and player.taken == []
    assert "&lt;b&gt;bold" in player.title.value
    notebook.content.cache_clear()


def test_each_export_form(mini_build):
    slides = BeautifulSoup((mini_build / "slides/01-mini.slides.html").read_text(), "html.parser")
    box = slides.select_one('.dpskit-scenario[data-scenario-id="door"]')
    assert box is not None and box["data-scenario"]
    assert "SITUATION-KNOCK" not in box.get_text(), "the story unfolds from data, not page text"
    notes = " ".join(n.get_text() for n in slides.select("aside.notes"))
    assert "FACILITATOR-PROMPT-KNOCK" in notes and "Best path" in notes

    handout = BeautifulSoup((mini_build / "handouts/01-mini.handout.html").read_text(), "html.parser")
    steps = handout.select(".dpskit-scenario-print .dpskit-steps > li")
    assert [li["value"] for li in steps] == ["1", "2", "3", "4"]
    first = steps[0].get_text(" ")
    assert "A. Open the door → turn to step 2" in " ".join(first.split())
    assert "If you chose B at step 1:" in steps[2].get_text(" ") and "CONSEQUENCE-CLOSED" in steps[2].get_text(" ")
    assert "FACILITATOR-PROMPT" not in str(handout)

    guide = BeautifulSoup((mini_build / "guide/01-mini.guide.html").read_text(), "html.parser")
    scenario_map = guide.select_one(".dpskit-scenario-map")
    assert len(scenario_map.select("tbody tr")) == 4
    assert "★" in scenario_map.get_text() and "Debrief questions" in scenario_map.get_text()
    assert "FACILITATOR-PROMPT-KNOCK" in scenario_map.get_text()
