"""`dpskit room` on the default `make workshop` pack, as a room uses it.

Load: 50 simulated participants (aiohttp, one cookie jar each) join, open a session's deck and
answer a live poll at once; every vote counts exactly once, a second vote is refused, and the
facilitator's results show the totals. The notebook seats are bounded. Real clients: a
facilitator deck and three participant browsers (one at 360 px) join, answer a poll, see the
chart and play a scenario in Voilà. Privacy: no request leaves the computer (browser and server
side), the server's log names no address, no file written during the session holds an answer,
and the room's folder is gone when it stops.

Figures (memory, response times, votes) go to build/test-artifacts/room/report.json."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import statistics
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from browser_support import CHROMIUM_ARGS, NO_CHROMIUM, find_chromium, in_ci, is_local, squash
from live_support import SITECUSTOMIZE, free_port, snapshot

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "build" / "test-artifacts" / "room"
PARTICIPANTS = 50
SEATS = 3  # notebook kernels in this test's room (the default is 30)
REPORT: dict = {}
POLL_IDS: list[str] = []  # to look for on disk afterwards


def _need(condition: bool, message: str) -> None:
    if not condition:
        if in_ci():
            pytest.fail(f"ROOM TESTS CANNOT RUN and CI requires them: {message}", pytrace=False)
        pytest.skip(f"ROOM TESTS SKIPPED: {message}")


@pytest.fixture(scope="module")
def packs(workshop_packs):
    result, _ = workshop_packs
    return result.out, result.participant


@pytest.fixture(scope="module")
def room(packs, tmp_path_factory):
    """The room server on 127.0.0.1, with the outside-request recorder in it and its kernels."""
    import importlib.util

    _need(all(importlib.util.find_spec(m) for m in ("voila", "segno", "psutil", "aiohttp")),
          "voila, segno, psutil or aiohttp is not installed: pip install -e '.[live,test]'")
    from dpskit.room import Room, RoomSettings

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    hooks = tmp_path_factory.mktemp("room-hooks")
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    net_log = hooks / "outside-attempts.log"
    net_log.touch()
    before = {pack: snapshot(pack) for pack in packs}
    started = time.time()
    log_path = ARTIFACTS / "room-server.log"
    with log_path.open("w") as log:
        env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH", "")])), "DPSKIT_NET_LOG": str(net_log)}
        server = Room(packs[0], host="127.0.0.1", port=free_port(), settings=RoomSettings(max_kernels=SEATS, idle_minutes=5),
                      env=env, output=log)
        server.wait_ready()
        server.net_log, server.log_path, server.started, server.packs_before = net_log, log_path, started, before
        try:
            yield server
        finally:
            server.stop()
            (ARTIFACTS / "report.json").write_text(json.dumps(REPORT, indent=1))


@pytest.fixture(scope="module")
def content(packs):
    from dpskit.content import load_content

    data, errors = load_content(packs[0], notebooks=False)
    assert errors == []
    return data


def _host(room, action: str | None = None, body: dict | None = None) -> dict:
    url = room.host_url + "api/poll" + (f"/{action}" if action else "")
    data = json.dumps(body or {}).encode() if action else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST" if action else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(1000 * statistics.median(ordered), 1), "p95_ms": round(1000 * pick(0.95), 1),
            "p99_ms": round(1000 * pick(0.99), 1), "max_ms": round(1000 * ordered[-1], 1)}


def _rss_mb(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    return round(sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20, 1)


def _kernels(pid: int) -> int:
    import psutil

    return len(psutil.Process(pid).children())


# --------------------------------------------------------------------------- load


async def _participant(index: int, base: str, deck: str, timings: dict, cookies: list) -> int:
    import aiohttp

    jar = aiohttp.CookieJar(unsafe=True)  # the room is addressed by IP: aiohttp keeps no cookie for IPs unless told
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=120)) as session:
        async def fetch(kind, method, url, **kwargs):
            started = time.perf_counter()
            async with session.request(method, url, **kwargs) as response:
                body = await response.read()
                timings.setdefault(kind, []).append(time.perf_counter() - started)
                cookies.extend(response.headers.getall("Set-Cookie", []))
                return response.status, body

        for kind, path in (("join page", ""), ("join script", "room/join.js"), ("pack index", "pack/index.html"), ("session deck", deck)):
            status, _ = await fetch(kind, "GET", base + path)
            assert status == 200, f"{path}: {status}"
        status, body = await fetch("question", "GET", base + "api/poll")
        question = json.loads(body)
        assert question["open"] and not question["answered"]
        choice = index % len(question["options"])
        headers = {"Content-Type": "application/json"}
        status, body = await fetch("vote", "POST", base + "api/vote", data=json.dumps({"id": question["id"], "choices": [choice]}), headers=headers)
        assert status == 200, body
        status, _ = await fetch("second vote", "POST", base + "api/vote", data=json.dumps({"id": question["id"], "choices": [choice]}), headers=headers)
        assert status == 409, "a second vote from the same browser was not refused"
        status, body = await fetch("question", "GET", base + "api/poll")
        assert json.loads(body)["answered"]
        return choice


def test_fifty_participants_join_and_vote_at_once(room, content):
    session_id = content.sessions[1].id
    item = next(i for i in content.bank(session_id) if i.type == "single")
    opened = _host(room, "open", {"quiz_id": item.id})
    POLL_IDS.append(opened["id"])
    assert opened["open"] and opened["ballots"] == 0
    rss_before = _rss_mb(room.process.pid)
    timings: dict[str, list[float]] = {}
    cookies: list[str] = []

    async def everyone():
        return await asyncio.gather(*(_participant(i, room.local_url, f"pack/slides/{session_id}.slides.html", timings, cookies)
                                      for i in range(PARTICIPANTS)))

    started = time.perf_counter()
    with ThreadPoolExecutor(1) as thread:  # the session's Playwright driver may own this thread's event loop
        choices = thread.submit(asyncio.run, everyone()).result()
    wall = time.perf_counter() - started
    rss_after = _rss_mb(room.process.pid)
    results = _host(room)
    expected = Counter(choices)
    assert results["ballots"] == PARTICIPANTS
    assert [row["count"] for row in results["rows"]] == [expected[i] for i in range(len(item.options))]
    assert [row["correct"] for row in results["rows"]] == [o.correct for o in item.options]
    assert results["explanation"] == item.explanation
    closed = _host(room, "close")
    assert not closed["open"] and closed["ballots"] == PARTICIPANTS
    # the one cookie: the poll's id, for this room's path, gone when the browser closes
    assert cookies and all(c.startswith(f"dpskit-poll={opened['id']};") for c in cookies), cookies[:3]
    assert not any(re.search(r"expires|max-age", c, re.I) for c in cookies)
    REPORT["load"] = {
        "participants": PARTICIPANTS, "quiz_id": item.id, "votes_counted": results["ballots"],
        "counts": [row["count"] for row in results["rows"]], "wall_s": round(wall, 2),
        "server_rss_mb": {"before": rss_before, "after": rss_after},
        "response_times": {kind: _percentiles(values) for kind, values in timings.items()},
        "all_requests": _percentiles([t for values in timings.values() for t in values]),
    }


def test_facilitator_endpoints_need_the_token(room):
    wrong = room.host_url.replace(room.token, "x" * len(room.token))
    for url in (wrong + "api/poll", wrong + "api/daycheck", wrong + "index.html", wrong):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code == 404
    with urllib.request.urlopen(room.local_url, timeout=10) as response:
        join = response.read().decode()
    with urllib.request.urlopen(room.local_url + "pack/index.html", timeout=10) as response:
        pack_index = response.read().decode()
    assert room.token not in join and room.token not in pack_index
    for path in ("pack/../" + room.facilitator.name + "/index.html", "pack/%2e%2e/x"):
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(room.local_url + path, timeout=10)


def test_the_days_check_on_the_real_room(room, content):
    """The day's check through the room's own server: a before and an after poll of one core
    question, two separate tallies, and the index's list of wrong answers (test_daycheck_room
    plays a whole day with 25 phones; test_nothing_is_kept_and_no_address_is_logged checks these polls too)."""
    item = next(i for i in content.quiz_items.values() if i.core)
    wrong = next(n for n, option in enumerate(item.options) if not option.correct)
    right = next(iter(item.correct_indices))
    for moment, choice in (("before", wrong), ("after", right)):
        request = urllib.request.Request(room.host_url + "api/daycheck/open", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"quiz_id": item.id, "moment": moment}).encode())
        with urllib.request.urlopen(request, timeout=30) as response:
            opened = json.loads(response.read())
        POLL_IDS.append(opened["id"])
        for _phone in range(6):
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            vote = urllib.request.Request(room.local_url + "api/vote", method="POST", headers={"Content-Type": "application/json"},
                                          data=json.dumps({"id": opened["id"], "choices": [choice]}).encode())
            with opener.open(vote, timeout=30) as response:
                assert response.status == 200
    with urllib.request.urlopen(room.host_url + "api/daycheck", timeout=30) as response:
        tallies = json.loads(response.read())
    assert tallies["before"][item.id][wrong] == 6 == sum(tallies["before"][item.id])
    assert tallies["after"][item.id][right] == 6 == sum(tallies["after"][item.id])
    with urllib.request.urlopen(room.host_url, timeout=30) as response:
        index = response.read().decode()
    assert "dpskit-room-day" in index and f'data-item="{item.id}"' in index


# --------------------------------------------------------------------------- real clients


@pytest.fixture(scope="module")
def chromium(playwright_driver):
    executable, how = find_chromium(playwright_driver)
    _need(executable is not None, f"{NO_CHROMIUM} ({how})")
    browser = playwright_driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.mark.browser
def test_a_facilitator_and_three_phones_poll_and_play(room, content, chromium):
    from test_live_clients import expected_widgets

    requests: list[str] = []
    errors: list[str] = []
    contexts = []

    def open_page(width: int, height: int):
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(60_000)  # a busy CI machine: Voilà and the widgets take their time
        context.on("request", lambda request: requests.append(request.url))
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    session = next(s for s in content.sessions
                   if expected_widgets(room.participant / "notebooks" / f"{s.id}.ipynb", content)[1])  # one with a scenario
    try:
        host = open_page(1280, 720)
        host.goto(room.host_url + f"slides/{session.id}.slides.html")
        host.wait_for_selector(".reveal.ready")
        join = host.locator(".reveal .slides > section").first
        assert "dpskit-join-slide" in join.get_attribute("class") and join.is_visible()
        assert room.join_url in squash(join.inner_text()) and join.locator("svg").bounding_box()["width"] > 300
        host.screenshot(path=str(ARTIFACTS / "join-slide.png"))
        where = host.evaluate("""() => { const form = document.querySelector('.reveal .slides form.dpskit-quiz[data-quiz-id]');
                                         const at = Reveal.getIndices(form.closest('section')); Reveal.slide(at.h, at.v || 0);
                                         return form.getAttribute('data-quiz-id'); }""")
        item = content.quiz_items[where]
        slide = host.locator("section.present", has=host.locator("form.dpskit-quiz")).last
        slide.get_by_role("button", name="Open a live poll on phones").click()
        host.wait_for_function("() => document.querySelector('section.present .dpskit-room-count')")
        POLL_IDS.append(_host(room)["id"])

        phones = [open_page(360, 740), open_page(390, 844), open_page(1024, 768)]
        chosen = [i % len(item.options) for i in (0, 1, 1)]
        for phone, choice in zip(phones, chosen):
            phone.goto(room.join_url)
            phone.locator("#question").wait_for(state="visible")
            assert squash(phone.locator("#prompt").inner_text()) == squash(item.prompt)
            phone.locator(f"#choice-{choice}").check()
            phone.get_by_role("button", name="Send my answer").click()
            phone.wait_for_function("() => /counted/.test(document.getElementById('status').textContent)")
        assert phones[0].evaluate("document.documentElement.scrollWidth") <= 361, "the join page scrolls sideways at 360 px"
        phones[0].screenshot(path=str(ARTIFACTS / "phone-360-answered.png"), full_page=True)
        phones[0].reload()  # the same browser cannot vote twice
        phones[0].wait_for_function("() => /already|counted/.test(document.getElementById('status').textContent)")

        host.wait_for_function("() => /^3 answers/.test(document.querySelector('section.present .dpskit-room-count').textContent)", timeout=30_000)
        expected = [chosen.count(i) for i in range(len(item.options))]
        assert [int(n) for n in slide.locator(".dpskit-room-n").all_inner_texts()] == expected
        assert slide.locator(".dpskit-room-correct").count() == 0, "the answer shows before the poll closes"
        slide.get_by_role("button", name="Close the poll and show the answer").click()
        host.wait_for_function("() => document.querySelector('section.present .dpskit-room-points')")
        marked = [squash(t).removeprefix("✓ ") for t in slide.locator(".dpskit-room-correct .dpskit-room-label").all_inner_texts()]
        assert marked == [squash(o.text) for o in item.options if o.correct]
        assert squash(item.explanation)[:60] in squash(slide.inner_text())
        host.screenshot(path=str(ARTIFACTS / "poll-chart.png"))
        overflow = host.evaluate("""() => { const s = document.querySelector('section.present .dpskit-room-poll');
                                            return s.getBoundingClientRect().bottom - window.innerHeight; }""")
        assert overflow <= 0, f"the closed poll runs {overflow:.0f} px off the 1280x720 slide"
        assert [row["count"] for row in _host(room)["rows"]] == expected

        phone = phones[0]  # the phone at 360 px opens the session and plays a scenario in Voilà
        phone.goto(room.join_url)
        title = json.loads((room.participant / "notebooks" / f"{session.id}.ipynb").read_text())["metadata"]["dpskit"]["title"]
        phone.get_by_role("link", name=title).click()
        player = phone.locator(".dpskit-scenario-live").first
        player.wait_for(timeout=180_000)
        player.scroll_into_view_if_needed()
        scenario = expected_widgets(room.participant / "notebooks" / f"{session.id}.ipynb", content)[1][0]
        _play_to_an_ending(phone, player, scenario)
        player.screenshot(path=str(ARTIFACTS / "phone-360-scenario.png"))
        cookies = {cookie["name"] for context in contexts for cookie in context.cookies()}
        assert cookies <= {"dpskit-poll"}, cookies
    finally:
        for context in contexts:
            context.close()
    outside = [url for url in requests if not is_local(url, room.local_url.split("/r/")[0])]
    REPORT["browser"] = {"requests": len(requests), "outside": len(outside), "page_errors": errors}
    assert outside == [], outside[:5]
    assert errors == []
    assert room.net_log.read_text() == "", "the room server or a kernel tried to reach another host"


def test_notebook_seats_are_bounded(room):
    """SEATS notebooks open at once; one more participant is told the room is full (503).
    (After the browser test: these kernels keep their seats until culled.)"""
    from dpskit.packs import output_path

    notebook = output_path("notebook", next(p.stem for p in (room.participant / "notebooks").glob("*.ipynb"))).as_posix()

    def open_notebook(_):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(room.local_url + f"voila/render/{notebook}", timeout=180) as response:
                page = response.read().decode()
                return response.status, re.search(r'kernelId": "([0-9a-f-]+)"', page).group(1), time.perf_counter() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), time.perf_counter() - started

    kernels_before = _kernels(room.process.pid)  # the browser test's notebook may still hold its seat
    with ThreadPoolExecutor(SEATS + 1) as pool:
        outcomes = list(pool.map(open_notebook, range(SEATS + 1)))
    statuses = sorted(status for status, _, _ in outcomes)
    assert statuses == [200] * (SEATS - kernels_before) + [503] * (kernels_before + 1), (kernels_before, statuses)
    assert _kernels(room.process.pid) == SEATS
    assert all("The room is full" in body for status, body, _ in outcomes if status == 503)
    REPORT["notebooks"] = {"seats": SEATS, "render_s": [round(s, 2) for status, _, s in outcomes if status == 200],
                           "server_rss_mb_with_kernels": _rss_mb(room.process.pid)}




def _play_to_an_ending(page, player, scenario) -> None:
    """Follow the best choice (else the first) until an ending is on screen."""
    node_id = scenario.start
    while not scenario.nodes[node_id].is_ending:
        node = scenario.nodes[node_id]
        index = next((i for i, c in enumerate(node.choices) if c.best and not c.loop), 0)
        player.get_by_role("button", name=squash(node.choices[index].text), exact=True).first.click()
        node_id = node.choices[index].next
        target = squash(scenario.nodes[node_id].situation)[:50]
        page.wait_for_function("([p, t]) => p.innerText.replace(/\\s+/g, ' ').includes(t)", arg=[player.element_handle(), target])
    from dpskit.render import scenario_messages

    assert player.get_by_role("button", name=scenario_messages()["restart"]).is_visible()


# --------------------------------------------------------------------------- privacy, last: stops the room


def _recent_files(folder: Path, since: float):
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(("proc", "sys"))]
        for name in files:
            path = Path(top, name)
            try:
                info = path.lstat()
            except OSError:
                continue
            if info.st_mtime >= since and path.is_file() and info.st_size < 5_000_000:
                yield path


def test_nothing_is_kept_and_no_address_is_logged(room, packs):
    import socket
    import tempfile

    from dpskit.room.network import IPV4, IPV6

    with socket.create_connection(("127.0.0.1", room.port), timeout=10) as raw:  # something tornado would log with the address
        raw.sendall(b"NONSENSE\r\n\r\n")
        raw.recv(1024)
    for path in ("no/such/page", "host/wrong-token/api/poll", "api/poll?<script>"):
        try:
            urllib.request.urlopen(room.local_url + path, timeout=10)
        except urllib.error.HTTPError:
            pass
    home = room.home
    room.stop()
    assert not home.exists(), "the room's temporary folder outlived it"
    assert room.net_log.read_text() == ""
    log = room.log_path.read_text()
    addresses = [m.group(0) for pattern in (IPV4, IPV6) for m in pattern.finditer(log) if _is_address(m.group(0))]
    assert addresses == [] and "127.0.0.1" not in log, addresses[:5]
    assert room.token not in log
    for pack, before in room.packs_before.items():
        assert snapshot(pack) == before, f"{pack} changed during the room"
    assert POLL_IDS, "no poll ran"
    kept = []
    for folder in {*packs, Path(tempfile.gettempdir()), Path.home()}:
        for path in _recent_files(folder, room.started):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if any(poll_id.encode() in data for poll_id in POLL_IDS):
                kept.append(str(path))
    assert kept == [], f"files written during the room hold a poll: {kept[:5]}"
    REPORT["privacy"] = {"log_lines": len(log.splitlines()), "addresses_in_log": 0, "files_with_answers": 0}


def _is_address(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
