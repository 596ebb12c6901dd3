"""The live scenario: one step at a time, choose, see the consequence, go on or start again."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
from traitlets import Instance, List, Unicode, observe

from ..content.scenario import Scenario
from ..render import SCENARIO_MIMETYPE, environment, render_scenario, scenario_messages
from .choices import LIVE_STYLE


# ipywidgets buttons keep their text on one line and cut it off with "…"; choices are sentences.
CHOICE_STYLE = ("<style>.dpskit-scenario-live .jupyter-button{white-space:normal;height:auto;text-align:left;"
                "line-height:1.4;padding:6px 10px;min-height:var(--jp-widgets-inline-height)}</style>")


class ScenarioPlayer(w.VBox):
    """Situation, choice buttons, consequence, and at an ending the debrief, the script
    lines and a summary of the path taken. `choose(i)` mirrors clicking choice i."""

    scenario = Instance(Scenario)
    node_id = Unicode(help="the step on screen")
    taken = List(help="[(node id, choice index), ...] chosen so far")

    def __init__(self, scenario: Scenario, payload: dict[str, Any], **kwargs: Any):
        self._payload = payload
        self._messages = scenario_messages()
        self.title = w.HTML(LIVE_STYLE + CHOICE_STYLE + environment().from_string("<h3>{{ t }}</h3>").render(t=scenario.title))
        self.consequence = w.HTML()
        self.situation = w.HTML()
        self.choices = w.VBox()
        self.ending = w.HTML()
        self.restart_button = w.Button(description=self._messages["restart"])
        self.restart_button.on_click(lambda _button: self.restart())
        super().__init__(children=[self.title, self.consequence, self.situation, self.choices, self.ending, self.restart_button], **kwargs)
        self.add_class("dpskit-scenario-live")
        self.scenario = scenario
        self.restart()

    @property
    def node(self):
        return self.scenario.nodes[self.node_id]

    def choose(self, index: int) -> None:
        choice = self.node.choices[index]
        self.taken = [*self.taken, (self.node_id, index)]
        self.node_id = choice.next

    def restart(self) -> None:
        self.taken = []
        self.node_id = self.scenario.start
        self._render()

    @observe("node_id")
    def _render(self, _change: dict[str, Any] | None = None) -> None:
        node, env = self.node, environment()
        last = self.taken[-1] if self.taken else None
        self.consequence.value = (
            env.from_string("<p class='dpskit-consequence'><em>{{ c }}</em></p>").render(
                c=self.scenario.nodes[last[0]].choices[last[1]].consequence) if last else ""
        )
        self.situation.value = env.from_string("<p class='dpskit-situation'>{{ s }}</p>{% if p %}<p><strong>{{ p }}</strong></p>{% endif %}").render(
            s=node.situation, p="" if node.is_ending else (node.prompt or self._messages["prompt"]))
        buttons = []
        for index, choice in enumerate(node.choices):
            button = w.Button(description=choice.text, layout=w.Layout(width="auto", max_width="100%"), tooltip=choice.text)
            button.on_click(lambda _button, index=index: self.choose(index))
            buttons.append(button)
        self.choices.children = buttons
        self.restart_button.layout.display = None if node.is_ending else "none"
        self.ending.value = env.get_template("scenario_ending.html.j2").render(
            node=node, messages=self._messages, scripts=self._payload["scripts"],
            path=[self.scenario.nodes[n].choices[i].text for n, i in self.taken],
        ) if node.is_ending else ""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle[SCENARIO_MIMETYPE] = self._payload
        bundle["text/html"] = render_scenario(self._payload, "interactive", standalone=True)
        bundle["text/plain"] = f"{self.scenario.title}: {self.scenario.nodes[self.scenario.start].situation}"
        return bundle
