/* dpskit static quizzes: work from file:// with no kernel and no network.
   Keeps nothing: no cookies, no storage, no requests. Answers live base64-encoded in
   data-key until a participant checks, and are inserted as text, never as HTML. */
(function () {
  "use strict";
  if (window.dpskitQuiz) { window.dpskitQuiz.init(); return; }
  var attempts = {};

  function decode(form) {
    var bytes = Uint8Array.from(atob(form.getAttribute("data-key")), function (c) { return c.charCodeAt(0); });
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }
  function messages(form) { return JSON.parse(form.getAttribute("data-messages") || "{}"); }
  function inputs(form) { return Array.prototype.slice.call(form.querySelectorAll("input")); }
  function labelText(form, index) {
    var label = form.querySelector('label[for="' + form.id + "-" + index + '"]');
    return label ? label.textContent : "";
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }
  // On a deck the answer cites by number, as the slides do: the titles are on the Sources slide.
  function deckNumbers(key) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".reveal .dpskit-sources-slide li"));
    var numbers = key.sources.map(function (source) {
      var item = items.filter(function (li) { return li.textContent.indexOf(source.title + ".") === 0; })[0];
      return item ? item.value : null;
    });
    return numbers.length && numbers.every(function (n) { return n; }) ? numbers : null;
  }
  function sourcesList(key, msg, onDeck) {
    var p = el("p", "dpskit-cited"), numbers = onDeck ? deckNumbers(key) : null;
    p.appendChild(el("strong", null, msg.sources + ": "));
    if (numbers) {
      numbers.forEach(function (n, i) { p.appendChild(el("span", null, (i ? " " : "") + "[" + n + "]")).title = key.sources[i].title; });
      return p;
    }
    key.sources.forEach(function (source, i) {
      if (i) { p.appendChild(document.createTextNode("; ")); }
      var a = el("a", null, source.title);
      if (/^https?:\/\//.test(source.url)) { a.setAttribute("href", source.url); }
      p.appendChild(a);
    });
    return p;
  }
  function explanation(form, key, msg, withAnswer) {
    var box = el("div", "dpskit-quiz-explanation");
    if (withAnswer) {
      var right = key.options.map(function (o, i) { return o.correct ? labelText(form, i) : null; })
        .filter(function (t) { return t !== null; });
      var answer = el("p", "dpskit-quiz-right-answer");
      answer.appendChild(el("strong", null, msg.answer + ": "));
      answer.appendChild(document.createTextNode(right.join(" / ")));
      box.appendChild(answer);
    }
    var why = el("p");
    why.appendChild(el("strong", null, msg.why + ": "));
    why.appendChild(document.createTextNode(key.explanation));
    box.appendChild(why);
    box.appendChild(sourcesList(key, msg, withAnswer && !!slideOf(form)));
    return box;
  }
  function updateScore() {
    var ids = Object.keys(attempts);
    var total = document.querySelectorAll("form.dpskit-quiz").length;
    var correct = ids.filter(function (id) { var a = attempts[id]; return a[a.length - 1]; }).length;
    document.querySelectorAll(".dpskit-score").forEach(function (box) {
      var msg = messages(document.querySelector("form.dpskit-quiz") || box);
      box.textContent = (msg.score || "{correct}/{total}").replace("{correct}", correct)
        .replace("{total}", total).replace("{answered}", ids.length);
    });
  }
  function check(form) {
    var msg = messages(form), key = decode(form), feedback = form.querySelector(".dpskit-quiz-feedback");
    // An input's value names its option (its place in the bank file), not where it sits on screen.
    var shown = key.options.map(function (o) { return String(o.key); });
    var chosen = inputs(form).filter(function (i) { return i.checked; }).map(function (i) { return shown.indexOf(i.value); });
    feedback.textContent = "";
    if (!chosen.length) { feedback.appendChild(el("p", "dpskit-quiz-verdict", msg.choose)); return; }
    var right = chosen.every(function (i) { return key.options[i].correct; }) &&
      key.options.every(function (o, i) { return !o.correct || chosen.indexOf(i) >= 0; });
    var missed = chosen.every(function (i) { return key.options[i].correct; }) && !right;
    form.classList.toggle("dpskit-right", right);
    form.classList.toggle("dpskit-wrong", !right);
    feedback.appendChild(el("p", "dpskit-quiz-verdict", right ? msg.correct : msg.incorrect));
    var list = el("ul", "dpskit-quiz-option-feedback");
    chosen.forEach(function (i) {
      var item = el("li", key.options[i].correct ? "dpskit-correct" : "dpskit-incorrect");
      item.appendChild(el("strong", null, labelText(form, i) + (/[.!?:]$/.test(labelText(form, i)) ? " " : ": ")));
      item.appendChild(document.createTextNode(key.options[i].feedback));
      list.appendChild(item);
    });
    feedback.appendChild(list);
    markChosen(form, key, chosen);
    if (missed) { feedback.appendChild(el("p", null, msg.missed)); }
    if (right) { feedback.appendChild(explanation(form, key, msg, false)); }
    inputs(form).forEach(function (i) { i.disabled = true; });
    form.querySelector(".dpskit-quiz-check").hidden = true;
    var retry = form.querySelector(".dpskit-quiz-retry");
    retry.hidden = false;
    retry.focus();
    bringIntoView(feedback);
    (attempts[form.getAttribute("data-quiz-id")] = attempts[form.getAttribute("data-quiz-id")] || []).push(right);
    updateScore();
  }
  // The options stay in view after Check (a room discusses the wrong answer it chose): each
  // chosen option carries a right/wrong mark; the others are left unmarked until the answer.
  function markChosen(form, key, chosen) {
    chosen.forEach(function (i) {
      var row = inputs(form)[i].closest(".dpskit-quiz-option");
      if (!row) { return; }
      row.classList.add(key.options[i].correct ? "dpskit-chosen-right" : "dpskit-chosen-wrong");
      row.appendChild(el("span", "dpskit-chosen-mark", key.options[i].correct ? "\u2713" : "\u2717")).setAttribute("aria-hidden", "true");
    });
  }
  function unmark(form) {
    form.querySelectorAll(".dpskit-chosen-mark").forEach(function (mark) { mark.remove(); });
    form.querySelectorAll(".dpskit-quiz-option").forEach(function (row) { row.classList.remove("dpskit-chosen-right", "dpskit-chosen-wrong"); });
  }
  // On a deck, a quiz slide scrolls (see the slides template) and what was just revealed is
  // brought into view, so the room sees feedback and answers that run past the slide's height.
  function slideOf(node) { return node.closest(".reveal .slides section"); }
  function bringIntoView(node) { if (slideOf(node)) { node.scrollIntoView({ block: "nearest" }); } }
  function retry(form) {
    inputs(form).forEach(function (i) { i.disabled = false; i.checked = false; });
    form.classList.remove("dpskit-right", "dpskit-wrong");
    unmark(form);
    form.querySelector(".dpskit-quiz-feedback").textContent = "";
    form.querySelector(".dpskit-quiz-retry").hidden = true;
    form.querySelector(".dpskit-quiz-check").hidden = false;
    inputs(form)[0].focus();
  }
  function revealAnswer(fragment) {
    var form = document.getElementById(fragment.getAttribute("data-answer-for"));
    if (form && !fragment.hasChildNodes()) {
      var key = decode(form);
      fragment.appendChild(explanation(form, key, messages(form), true));
      key.options.forEach(function (o, i) {  // the right options marked where the room reads them
        var row = o.correct && inputs(form)[i].closest(".dpskit-quiz-option");
        if (row) { row.classList.add("dpskit-answer-right"); row.appendChild(el("span", "dpskit-answer-mark", "\u2713")); }
      });
    }
    bringIntoView(fragment);
  }
  function init() {
    document.querySelectorAll("form.dpskit-quiz:not([data-ready])").forEach(function (form) {
      form.setAttribute("data-ready", "");
      if (slideOf(form)) { slideOf(form).classList.add("dpskit-scroll-slide"); }
      form.addEventListener("submit", function (event) { event.preventDefault(); check(form); });
      form.querySelector(".dpskit-quiz-retry").addEventListener("click", function () { retry(form); });
      // On a page, Space and Enter inside a quiz belong to its buttons and inputs. On a deck the
      // presenter keys belong to the deck (see presenterKeys); Enter still checks.
      form.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || (event.key === " " && !slideOf(form))) { event.stopPropagation(); }
      });
    });
  }
  // A clicker sends PageDown/PageUp (some Space or arrows, and "b" or "." for a black screen).
  // reveal.js ignores every key while an <input> has focus, and an option keeps focus after a
  // mouse click: so on a deck these keys leave the quiz control and go to the deck. A keyboard
  // chooses an option with its number (1-9) or Enter, and Tab reaches Check.
  var PRESENTER_KEYS = ["PageDown", "PageUp", " ", "ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp", "b", "B", ".", "v"];
  function choose(input) {
    if (input.disabled) { return; }
    input.checked = input.type === "checkbox" ? !input.checked : true;
    input.focus();
  }
  function presenterKeys(event) {
    var control = event.target, form = control && control.closest ? control.closest("form.dpskit-quiz") : null;
    if (!form || !slideOf(form) || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var option = /^(radio|checkbox)$/.test(control.type || "") ? control : null;
    if (PRESENTER_KEYS.indexOf(event.key) >= 0) {
      control.blur();  // reveal's own handler, later on the document, now sees no focused input
    } else if (/^[1-9]$/.test(event.key) && inputs(form)[Number(event.key) - 1]) {
      event.preventDefault();
      choose(inputs(form)[Number(event.key) - 1]);
    } else if (event.key === "Enter" && option) {
      event.preventDefault();  // Enter on an option chooses it; on Check it checks
      choose(option);
    }
  }
  function watchSlides() {
    if (!window.Reveal || !window.Reveal.on) { return; }
    window.Reveal.on("fragmentshown", function (event) {
      var fragments = event.fragments || [event.fragment];
      fragments.forEach(function (f) { if (f.hasAttribute("data-answer-for")) { revealAnswer(f); } });
    });
  }
  document.addEventListener("keydown", presenterKeys, true);
  window.dpskitQuiz = { init: init, watchSlides: watchSlides };
  init();
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", watchSlides); } else { watchSlides(); }
})();
