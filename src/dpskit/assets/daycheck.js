/* The day's before-and-after check in the deck kept open all day (dpskit.daycheck_page).
   The counts are whatever is typed in this page's count fields: nothing is stored, sent or
   written until "Save the workshop summary" hands the browser one page to save. The share
   rules mirror dpskit/daycheck.py (tests/test_daycheck_page.py holds both to the same figures). */
(function () {
  "use strict";
  const dataNode = document.querySelector(".dpskit-daycheck-data");
  if (!dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const M = data.messages;
  const FEWER = 5;
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));

  function shareOf(right, answered) {
    if (answered < FEWER) return {percent: null, bar: 0, label: M.fewer_answered};
    if (right > 0 && right < FEWER) return {percent: null, bar: 0, label: fill(M.fewer_right, {answered})};
    if (answered - right > 0 && answered - right < FEWER) {
      const floor = answered - FEWER + 1;
      return {percent: null, bar: Math.floor(100 * floor / answered), label: fill(M.at_least, {floor, answered})};
    }
    const percent = roundHalfEven(100 * right / answered);  /* as Python's round() */
    return {percent, bar: percent, label: fill(M.percent, {percent, answered})};
  }

  function roundHalfEven(x) {
    const low = Math.floor(x), diff = x - low;
    if (Math.abs(diff - 0.5) < 1e-9) return low % 2 === 0 ? low : low + 1;
    return Math.round(x);
  }

  /* One moment's counts for one item, per option in the order shown; null when none was typed. */
  function tally(moment, item) {
    const box = document.querySelector(`.dpskit-daycheck-item[data-moment="${moment}"][data-item="${item.id}"]`);
    if (!box) return null;
    const fields = Array.from(box.querySelectorAll(".dpskit-daycheck-count"));
    if (fields.every((field) => field.value.trim() === "")) return null;
    return fields.map((field) => {
      const n = Math.floor(Number(field.value));
      return Number.isFinite(n) && n > 0 ? Math.min(n, 999) : 0;
    });
  }

  const rightOf = (item, counts) => item.correct.reduce((sum, i) => sum + counts[i], 0);
  const total = (counts) => counts.reduce((a, b) => a + b, 0);

  function figures() {
    return data.items.map((item, order) => {
      const before = tally("before", item), after = tally("after", item);
      return {item, order, before, after,
              shares: {before: before && shareOf(rightOf(item, before), total(before)),
                       after: after && shareOf(rightOf(item, after), total(after))}};
    });
  }

  function mostChosenWrong(item, counts) {
    const wrong = counts.map((n, i) => [n, i]).filter(([, i]) => !item.correct.includes(i)).sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    if (!wrong.length || wrong[0][0] < FEWER || (wrong.length > 1 && wrong[1][0] === wrong[0][0])) return "";
    return item.options[wrong[0][1]];
  }

  function leastMoved(rows) {
    let best = null;
    for (const row of rows) {
      if (!row.before || !row.after || total(row.before) < FEWER || total(row.after) < FEWER) continue;
      const after = rightOf(row.item, row.after) / total(row.after);
      const key = [after - rightOf(row.item, row.before) / total(row.before), after, row.order];
      if (!best || key[0] < best.key[0] - 1e-12 || (Math.abs(key[0] - best.key[0]) <= 1e-12 && (key[1] < best.key[1] || (key[1] === best.key[1] && key[2] < best.key[2])))) {
        best = {key, row};
      }
    }
    if (!best) return null;
    const wrong = mostChosenWrong(best.row.item, best.row.after);
    return {prompt: best.row.item.prompt, wrong: wrong ? fill(M.many_chose, {answer: wrong}) : ""};
  }

  function update() {
    const rows = figures();
    for (const row of rows) {
      for (const moment of ["before", "after"]) {
        const share = row.shares[moment];
        document.querySelectorAll(`.dpskit-daycheck-result[data-item="${row.item.id}"] .dpskit-daycheck-row[data-moment="${moment}"]`).forEach((line) => {
          line.querySelector(".dpskit-daycheck-bar").style.width = `${share ? share.bar : 0}%`;
          line.querySelector(".dpskit-daycheck-figure").textContent = share ? share.label : M.not_counted;
        });
      }
    }
    const least = leastMoved(rows);
    document.querySelectorAll(".dpskit-daycheck-least-prompt").forEach((p) => { p.textContent = least ? least.prompt : M.no_compare; });
    document.querySelectorAll(".dpskit-daycheck-least-wrong").forEach((p) => { p.textContent = least ? least.wrong : ""; });
    return {rows, least};
  }

  /* The one page "Save" hands over: the summary template filled with this page's shares. */
  function summary() {
    const {rows, least} = update();
    const doc = new DOMParser().parseFromString(data.summary, "text/html");
    for (const row of rows) {
      for (const moment of ["before", "after"]) {
        const cell = doc.querySelector(`tr[data-item="${row.item.id}"] td[data-moment="${moment}"]`);
        if (!cell) continue;
        const share = row.shares[moment];
        cell.querySelector(".figure").textContent = share ? share.label : M.summary_not_counted;
        cell.querySelector(".bar span").style.width = `${share ? share.bar : 0}%`;
      }
    }
    doc.querySelector(".least-prompt").textContent = least ? least.prompt : M.summary_no_compare;
    doc.querySelector(".least-wrong").textContent = least ? least.wrong : "";
    return "<!DOCTYPE html>\n" + doc.documentElement.outerHTML;
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches(".dpskit-daycheck-count")) update();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".dpskit-daycheck-save");
    if (!button) return;
    const url = URL.createObjectURL(new Blob([summary()], {type: "text/html"}));
    const link = document.createElement("a");
    link.href = url;
    link.download = data.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    document.querySelectorAll(".dpskit-daycheck-saved").forEach((s) => { s.textContent = fill(M.saved, {file: data.filename}); });
  });
  /* In room mode (the room server adds its host address to the deck): each question can be asked
     on phones, and the two tallies the room counts fill the count fields as they arrive. */
  const host = document.querySelector('meta[name="dpskit-room-host"]');
  if (host) {
    const api = host.content.replace(/\/api\/poll$/, "/api/daycheck");
    const post = (body) => fetch(api + "/open", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    document.querySelectorAll(".dpskit-daycheck-item").forEach((box) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dpskit-daycheck-phones";
      button.textContent = M.open_on_phones;
      button.addEventListener("click", () => post({quiz_id: box.dataset.item, moment: box.dataset.moment})
        .then((reply) => { if (reply.ok) button.textContent = M.asked_on_phones; }));
      box.appendChild(button);
    });
    const fillFromRoom = () => fetch(api).then((reply) => (reply.ok ? reply.json() : null)).then((tallies) => {
      if (!tallies) return;
      for (const moment of ["before", "after"]) {
        for (const [quizId, counts] of Object.entries(tallies[moment] || {})) {
          const box = document.querySelector(`.dpskit-daycheck-item[data-moment="${moment}"][data-item="${quizId}"]`);
          if (!box) continue;
          box.querySelectorAll(".dpskit-daycheck-count").forEach((field, i) => { field.value = String(counts[i] || 0); });
        }
      }
      update();
    }).catch(() => {});
    fillFromRoom();
    setInterval(fillFromRoom, 2000);
  }
  window.dpskitDayCheck = {shareOf, update};
  update();
})();
