"""Branching scenarios as data, and the pure graph functions that check and walk them."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator


@dataclass(frozen=True)
class Choice:
    text: str
    consequence: str
    next: str
    best: bool = False
    loop: bool = False


@dataclass(frozen=True)
class Node:
    id: str
    situation: str
    prompt: str = ""
    facilitator: str = ""
    ending: str = ""
    debrief: str = ""
    scripts: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()

    @property
    def is_ending(self) -> bool:
        return bool(self.ending)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    session: str
    start: str
    nodes: dict[str, Node] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Scenario":
        """The inverse of `to_dict` (what an output bundle carries)."""
        nodes = {
            node_id: Node(**{**node, "scripts": tuple(node["scripts"]),
                             "choices": tuple(Choice(**choice) for choice in node["choices"])})
            for node_id, node in data["nodes"].items()
        }
        return cls(**{**data, "nodes": nodes, "sources": tuple(data["sources"])})

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Scenario":
        nodes = {
            node_id: Node(
                id=node_id,
                **{k: v for k, v in node.items() if k not in ("choices", "scripts")},
                scripts=tuple(node.get("scripts", ())),
                choices=tuple(Choice(**choice) for choice in node.get("choices", ())),
            )
            for node_id, node in data["nodes"].items()
        }
        return cls(id=data["id"], title=data["title"], session=data["session"], start=data["start"],
                   nodes=nodes, sources=tuple(data.get("sources", ())), summary=data.get("summary", ""))


def reachable(scenario: Scenario) -> list[str]:
    """Node ids reachable from the start, in breadth-first order (the printed step order)."""
    order, seen, queue = [], set(), deque([scenario.start])
    while queue:
        node_id = queue.popleft()
        if node_id in seen or node_id not in scenario.nodes:
            continue
        seen.add(node_id)
        order.append(node_id)
        queue.extend(choice.next for choice in scenario.nodes[node_id].choices)
    return order


def unmarked_loops(scenario: Scenario) -> list[tuple[str, int]]:
    """(node id, choice index) of every choice that returns to a node on its path without saying
    `loop: true`. One depth-first walk (no recursion, linear in nodes and choices): every cycle
    closes with a choice back to a node still on the walk's path, so each cycle needs one mark."""
    found: list[tuple[str, int]] = []
    on_path: set[str] = set()
    done: set[str] = set()
    if scenario.start not in scenario.nodes:
        return found
    stack = [(scenario.start, 0)]
    on_path.add(scenario.start)
    while stack:
        node_id, index = stack[-1]
        choices = scenario.nodes[node_id].choices
        if index == len(choices):
            stack.pop()
            on_path.discard(node_id)
            done.add(node_id)
            continue
        stack[-1] = (node_id, index + 1)
        target = choices[index].next
        if target in on_path:
            if not choices[index].loop:
                found.append((node_id, index))
        elif target not in done and target in scenario.nodes:
            on_path.add(target)
            stack.append((target, 0))
    return found


def trapped(scenario: Scenario) -> list[str]:
    """Reachable nodes from which no ending can be reached (a node that only loops to itself, a
    scenario without an ending): a participant who gets there can never finish."""
    leads_to: dict[str, list[str]] = {node_id: [] for node_id in scenario.nodes}
    for node_id, node in scenario.nodes.items():
        for choice in node.choices:
            if choice.next in leads_to:
                leads_to[choice.next].append(node_id)
    finishes = {node_id for node_id, node in scenario.nodes.items() if node.is_ending}
    queue = deque(finishes)
    while queue:
        for before in leads_to[queue.popleft()]:
            if before not in finishes:
                finishes.add(before)
                queue.append(before)
    return [node_id for node_id in reachable(scenario) if node_id not in finishes]


def paths(scenario: Scenario) -> Iterator[list[tuple[str, int]]]:
    """Every way through, as [(node id, choice index), ...] ending at an ending; marked loops are
    followed once."""

    def walk(node_id: str, taken: list[tuple[str, int]]) -> Iterator[list[tuple[str, int]]]:
        node = scenario.nodes[node_id]
        if node.is_ending:
            yield taken
            return
        for index, choice in enumerate(node.choices):
            if choice.loop and (node_id, index) in taken:
                continue
            yield from walk(choice.next, [*taken, (node_id, index)])

    yield from walk(scenario.start, [])


def best_path(scenario: Scenario) -> list[tuple[str, int]]:
    """The recommended way through: follow `best` choices from the start."""
    taken, node_id, seen = [], scenario.start, set()
    while node_id in scenario.nodes and not scenario.nodes[node_id].is_ending and node_id not in seen:
        seen.add(node_id)
        best = [i for i, c in enumerate(scenario.nodes[node_id].choices) if c.best]
        if not best:
            break
        taken.append((node_id, best[0]))
        node_id = scenario.nodes[node_id].choices[best[0]].next
    return taken


def ending_of(scenario: Scenario, taken: list[tuple[str, int]]) -> Node:
    node_id, index = taken[-1] if taken else (scenario.start, None)
    return scenario.nodes[scenario.nodes[node_id].choices[index].next] if taken else scenario.nodes[node_id]
