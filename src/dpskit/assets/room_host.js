/* dpskit room, the facilitator's deck: a live poll on every question slide. The bars fill as
   phones answer; the right answer and what to say about common wrong answers show once the poll
   is closed, so the projector does not give the answer away. Talks to this server only. */
(function () {
  "use strict";
  var api = document.querySelector('meta[name="dpskit-room-host"]').getAttribute("content");
  var msg = JSON.parse(document.querySelector('meta[name="dpskit-room-messages"]').getAttribute("content"));
  var timer = null, live = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function post(action, body) {
    return fetch(api + "/" + action, {method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body || {})}).then(function (r) { return r.json(); });
  }
  function draw(panel, result) {
    var chart = panel.querySelector(".dpskit-room-chart");
    chart.textContent = "";
    var most = Math.max.apply(null, result.rows.map(function (r) { return r.count; }).concat([1]));
    var closed = !result.open;
    chart.appendChild(el("p", "dpskit-room-count", msg.answers.replace("{n}", result.ballots) + (closed ? " · " + msg.closed : "")));
    result.rows.forEach(function (row) {
      var line = el("div", "dpskit-room-row" + (closed && row.correct ? " dpskit-room-correct" : ""));
      line.appendChild(el("span", "dpskit-room-label", (closed && row.correct ? "✓ " : "") + row.option));
      var bar = el("span", "dpskit-room-bar");
      bar.style.width = Math.round(100 * row.count / most) + "%";
      line.appendChild(bar);
      line.appendChild(el("span", "dpskit-room-n", String(row.count)));
      chart.appendChild(line);
    });
    if (closed) {
      var points = el("div", "dpskit-room-points");
      if (result.points.length) {
        points.appendChild(el("p", null, msg.talk));
        var list = el("ul");
        result.points.forEach(function (p) { list.appendChild(el("li", null, p.option + " (" + p.count + "): " + p.feedback)); });
        points.appendChild(list);
      } else {
        points.appendChild(el("p", null, msg.got_it));
      }
      points.appendChild(el("p", null, result.explanation));
      chart.appendChild(points);
    }
  }
  function watch(panel) {
    clearInterval(timer);
    timer = setInterval(function () {
      fetch(api, {cache: "no-store", credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (result) {
        if (live === panel && result.id) { draw(panel, result); }
      });
    }, 1000);
  }
  document.querySelectorAll(".reveal .slides form.dpskit-quiz[data-quiz-id]").forEach(function (form) {
    var panel = el("div", "dpskit-room-poll");
    var button = el("button", "dpskit-room-toggle", msg.open);
    button.type = "button";
    panel.appendChild(button);
    panel.appendChild(el("div", "dpskit-room-chart"));
    panel.setAttribute("aria-live", "polite");
    form.parentNode.insertBefore(panel, form.nextSibling);
    var slide = form.closest("section");
    button.addEventListener("click", function () {
      if (live === panel && panel.classList.contains("dpskit-room-open")) {
        post("close").then(function (result) { panel.classList.remove("dpskit-room-open"); button.textContent = msg.reopen; draw(panel, result); clearInterval(timer); });
        return;
      }
      post("open", {quiz_id: form.getAttribute("data-quiz-id")}).then(function (result) {
        document.querySelectorAll(".dpskit-room-open").forEach(function (other) { other.classList.remove("dpskit-room-open"); other.querySelector("button").textContent = msg.reopen; });
        live = panel;
        panel.classList.add("dpskit-room-open");
        if (slide) { slide.classList.add("dpskit-room-polling"); }
        button.textContent = msg.close;
        draw(panel, result);
        watch(panel);
      });
    });
  });
})();
