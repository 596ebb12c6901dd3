/* dpskit static scenarios: one step at a time, from file:// with no kernel and no network.
   Keeps nothing; every text is inserted with textContent. */
(function () {
  "use strict";
  if (window.dpskitScenario) { window.dpskitScenario.init(); return; }

  function decode(box) {
    var bytes = Uint8Array.from(atob(box.getAttribute("data-scenario")), function (c) { return c.charCodeAt(0); });
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }
  function button(text, className, onClick) {
    var b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function Player(box) {
    this.box = box;
    this.data = decode(box);
    this.msg = JSON.parse(box.getAttribute("data-messages"));
    this.stage = box.querySelector(".dpskit-scenario-stage");
    this.restart();
  }
  Player.prototype.restart = function () {
    this.path = [];
    this.show(this.data.scenario.start, null, false);
  };
  Player.prototype.show = function (nodeId, consequence, focus) {
    var self = this, node = this.data.scenario.nodes[nodeId], msg = this.msg;
    this.stage.textContent = "";
    if (consequence) { this.stage.appendChild(el("p", "dpskit-consequence", consequence)); }
    var situation = el("p", "dpskit-situation", node.situation);
    situation.tabIndex = -1;
    this.stage.appendChild(situation);
    if (node.ending) {
      var ending = el("div", "dpskit-ending dpskit-ending-" + node.ending);
      ending.appendChild(el("p", "dpskit-ending-kind", msg.ending + ": " + msg[node.ending]));
      var debrief = el("p");
      debrief.appendChild(el("strong", null, msg.debrief + ": "));
      debrief.appendChild(document.createTextNode(node.debrief));
      ending.appendChild(debrief);
      var lines = (node.scripts || []).filter(function (id) { return self.data.scripts[id]; });
      if (lines.length) {
        ending.appendChild(el("p", null, msg.say + ":"));
        lines.forEach(function (id) { ending.appendChild(el("blockquote", "dpskit-say", self.data.scripts[id].say)); });
      }
      ending.appendChild(el("p", null, msg.path + ":"));
      var list = el("ol", "dpskit-path");
      this.path.forEach(function (step) { list.appendChild(el("li", null, step)); });
      ending.appendChild(list);
      this.stage.appendChild(ending);
      this.stage.appendChild(button(msg.restart, "dpskit-scenario-restart", function () { self.restart(); self.focusFirst(); }));
    } else {
      this.stage.appendChild(el("p", "dpskit-scenario-prompt", node.prompt || msg.prompt));
      var choices = el("div", "dpskit-scenario-choices");
      node.choices.forEach(function (choice) {
        choices.appendChild(button(choice.text, "dpskit-scenario-choice", function () {
          self.path.push(choice.text);
          self.show(choice.next, choice.consequence, true);
        }));
      });
      this.stage.appendChild(choices);
    }
    if (focus) { situation.focus({ preventScroll: true }); }
    var slide = this.box.closest(".reveal .slides section");
    if (slide && focus) { this.stage.scrollIntoView({ block: "nearest" }); }
  };
  Player.prototype.focusFirst = function () {
    var first = this.stage.querySelector("button");
    if (first) { first.focus(); }
  };

  function init() {
    document.querySelectorAll(".dpskit-scenario[data-scenario]:not([data-ready])").forEach(function (box) {
      box.setAttribute("data-ready", "");
      var slide = box.closest(".reveal .slides section");
      if (slide) { slide.classList.add("dpskit-scroll-slide"); }  /* endings can outgrow a slide */
      box.dpskitPlayer = new Player(box);
    });
  }
  window.dpskitScenario = { init: init };
  init();
})();
