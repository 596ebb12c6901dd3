/* dpskit room, a participant's phone: shows the open question and sends one answer.
   Asks this server only; keeps nothing. The server's one cookie is this device's random pass for the
   room; each open question comes with this device's ballot, which counts once. */
(function () {
  "use strict";
  var script = document.currentScript;
  var msg = JSON.parse(script.getAttribute("data-messages"));
  var box = document.getElementById("question"), form = document.getElementById("vote");
  var status = document.getElementById("status"), waiting = document.getElementById("waiting");
  var shown = null, ballot = null;

  function render(poll) {
    shown = poll.id;
    document.getElementById("prompt").textContent = poll.prompt;
    var options = document.getElementById("options");
    options.textContent = "";
    poll.options.forEach(function (text, i) {
      var row = document.createElement("div"), input = document.createElement("input"), label = document.createElement("label");
      row.className = "dpskit-room-option";
      input.type = poll.multiple ? "checkbox" : "radio";
      input.name = "choice"; input.value = String(i); input.id = "choice-" + i;
      label.htmlFor = input.id; label.textContent = text;
      row.appendChild(input); row.appendChild(label); options.appendChild(row);
    });
    status.textContent = poll.multiple ? msg.several : "";
  }
  function answered(text) {
    form.hidden = true;
    status.textContent = text;
  }
  function refresh() {
    fetch("api/poll", {cache: "no-store", credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (poll) {
      if (!poll.open) {
        if (shown) { answered(msg.closed); }
        waiting.hidden = !!shown; box.hidden = !shown;
        return;
      }
      waiting.hidden = true; box.hidden = false;
      if (poll.id !== shown) { render(poll); form.hidden = false; }
      ballot = poll.ballot;
      if (poll.answered) { answered(msg.thanks); }
    }).catch(function () { status.textContent = msg.offline; });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var choices = Array.prototype.slice.call(form.querySelectorAll("input:checked")).map(function (i) { return Number(i.value); });
    if (!choices.length) { status.textContent = msg.choose; return; }
    fetch("api/vote", {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify({id: shown, ballot: ballot, choices: choices})})
      .then(function (r) { return r.json().then(function (body) { return [r.status, body]; }); })
      .then(function (result) {
        if (result[0] === 200) { answered(msg.thanks); }
        else if (result[0] === 409) { answered(msg.already); }
        else { status.textContent = msg[result[1].code] || msg.refused; }  // the phone's language, not the server's
      }).catch(function () { status.textContent = msg.offline; });
  });
  refresh();
  setInterval(refresh, 2500);
})();
