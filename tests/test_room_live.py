"""`dpskit room` on the default `make workshop` pack, as a room uses it.

Load: 50 simulated participants (aiohttp, one cookie jar and one loopback address each, as phones
on a wifi) join, get the open question, open a session's deck and answer a live poll at once;
every vote counts exactly once, a second vote is refused, and the facilitator's results show the
totals. As an attacker from one address: votes without the page's ballot, replayed ballots and a
flood of fresh passes do not drive the count; plain GETs of a notebook take no seat; seats are
bounded per device and in all, a notebook with no page goes, a reloaded page frees its kernel;
idle connections at a low open-file limit do not lock the facilitator out; killing `dpskit room`
outright takes its server and kernels with it. Real clients: a
facilitator deck and three participant browsers (one at 360 px) join, answer a poll, see the
chart and play a scenario in Voilà. Privacy: no request leaves the computer (browser and server
side), the server's log names no address, no file written during the session holds an answer,
and the room's folder is gone when it stops.

Figures (memory, response times, votes) go to build/test-artifacts/room/report.json."""

from __future__ import annotations

import asyncio
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
ORPHAN_SECONDS = 20  # a notebook with no page stops after this (the default is 60)
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
                      env=env, output=log, orphan_seconds=ORPHAN_SECONDS)
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


def _phone_address(index: int) -> str:
    """Each simulated phone has its own address, as on a wifi (Linux routes all of 127.0.0.0/8 to loopback)."""
    return f"127.0.{1 + index // 200}.{10 + index % 200}"


async def _participant(index: int, base: str, deck: str, timings: dict, cookies: list) -> int:
    import aiohttp

    jar = aiohttp.CookieJar(unsafe=True)  # the room is addressed by IP: aiohttp keeps no cookie for IPs unless told
    connector = aiohttp.TCPConnector(local_addr=(_phone_address(index), 0))
    async with aiohttp.ClientSession(cookie_jar=jar, connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        async def fetch(kind, method, url, **kwargs):
            started = time.perf_counter()
            async with session.request(method, url, **kwargs) as response:
                body = await response.read()
                timings.setdefault(kind, []).append(time.perf_counter() - started)
                cookies.extend(response.headers.getall("Set-Cookie", []))
                return response.status, body

        joined = time.perf_counter()
        for kind, path in (("join page", ""), ("join script", "room/join.js")):
            status, _ = await fetch(kind, "GET", base + path)
            assert status == 200, f"{path}: {status}"
        status, body = await fetch("question", "GET", base + "api/poll")
        timings.setdefault("first question, from joining", []).append(time.perf_counter() - joined)
        question = json.loads(body)
        assert question["open"] and not question["answered"] and question["ballot"]
        for kind, path in (("pack index", "pack/index.html"), ("session deck", deck)):
            status, _ = await fetch(kind, "GET", base + path)
            assert status == 200, f"{path}: {status}"
        choice = index % len(question["options"])
        headers = {"Content-Type": "application/json"}
        vote = json.dumps({"id": question["id"], "ballot": question["ballot"], "choices": [choice]})
        status, body = await fetch("vote", "POST", base + "api/vote", data=vote, headers=headers)
        assert status == 200, body
        status, body = await fetch("second vote", "POST", base + "api/vote", data=vote, headers=headers)
        assert status == 409 and json.loads(body)["code"] == "already", "a second vote from the same phone was not refused"
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
    # the one cookie: the device's random pass, for this room's path, script-proof, gone when the browser closes
    assert len(cookies) == PARTICIPANTS and len(set(cookies)) == PARTICIPANTS
    path = "/" + room.local_url.split("/", 3)[3]
    for cookie in cookies:
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
        assert cookie.startswith("dpskit-room=") and attributes.get("path") == f"Path={path}", cookie
        assert "httponly" in attributes and attributes.get("samesite", "").lower() == "samesite=strict", cookie
        assert not {"expires", "max-age"} & set(attributes), cookie
    assert _kernels(room.process.pid) == 0, "a phone that only joined started a notebook"
    assert rss_after < 1024, f"the room takes {rss_after} MB with {PARTICIPANTS} phones"
    REPORT["load"] = {
        "participants": PARTICIPANTS, "quiz_id": item.id, "votes_counted": results["ballots"],
        "counts": [row["count"] for row in results["rows"]], "wall_s": round(wall, 2),
        "server_rss_mb": {"before": rss_before, "after": rss_after},
        "response_times": {kind: _percentiles(values) for kind, values in timings.items()},
        "all_requests": _percentiles([t for kind, values in timings.items() if "from joining" not in kind for t in values]),
    }


async def _attacker(base: str, address: str, poll_id: str, *, fresh_passes: int, replays: int) -> dict:
    """One address on the wifi trying to drive the count: no cookie, forged and replayed ballots, fresh passes."""
    import aiohttp

    headers = {"Content-Type": "application/json"}
    outcome = Counter()
    connector = aiohttp.TCPConnector(local_addr=(address, 0), force_close=True)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as bare:
        for _ in range(replays):  # no page visit: no pass, no ballot
            async with bare.post(base + "api/vote", data=json.dumps({"id": poll_id, "ballot": "x", "choices": [0]}), headers=headers) as r:
                outcome[f"no pass {r.status}"] += 1
    for _ in range(fresh_passes):  # a new "device" each time: visit the join page, take the ballot, vote, vote again
        connector = aiohttp.TCPConnector(local_addr=(address, 0), force_close=True)
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(base) as r:
                await r.read()
            async with session.get(base + "api/poll") as r:
                ballot = (await r.json())["ballot"]
            for attempt in ("vote", "replay"):
                async with session.post(base + "api/vote", data=json.dumps({"id": poll_id, "ballot": ballot, "choices": [0]}),
                                        headers=headers) as r:
                    outcome[f"{attempt} {r.status}"] += 1
            async with session.post(base + "api/vote", data="[" * 100_000 + "]" * 100_000, headers=headers) as r:
                outcome[f"nested {r.status}"] += 1
    return dict(outcome)


def test_a_script_on_the_wifi_cannot_drive_the_count(room, content):
    """50 votes from one address flipped a poll when the cookie could be left out; now a vote needs
    the ballot this device's poll page got, counts once, and an address gets few passes and votes."""
    item = next(i for i in content.quiz_items.values() if i.type == "single")
    opened = _host(room, "open", {"quiz_id": item.id})
    POLL_IDS.append(opened["id"])
    with ThreadPoolExecutor(1) as thread:
        outcome = thread.submit(asyncio.run, _attacker(room.local_url, "127.0.0.250", opened["id"], fresh_passes=25, replays=25)).result()
    results = _host(room, "close")
    REPORT["attacker votes"] = {"attempts": outcome, "counted": results["ballots"]}
    assert outcome["no pass 403"] == 25
    assert not outcome.get("replay 200") and outcome.get("replay 409"), outcome
    assert 1 <= results["ballots"] <= 6, (results["ballots"], outcome)  # one address: a handful of devices, not 50
    assert outcome.get("nested 400") and not any(k.startswith("nested 5") for k in outcome), outcome  # a clean 4xx


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
    plays a whole day with 25 phones; test_nothing_is_kept_and_no_address_is_logged checks these polls too).
    Six phones, each on its own address, take the join page's pass and answer both with their poll page's ballot."""
    item = next(i for i in content.quiz_items.values() if i.core)
    wrong = next(n for n, option in enumerate(item.options) if not option.correct)
    right = next(iter(item.correct_indices))
    phones = [(address, _pass(room, address)) for address in (f"127.0.7.{10 + n}" for n in range(6))]
    ballots = {}
    for moment, choice in (("before", wrong), ("after", right)):
        request = urllib.request.Request(room.host_url + "api/daycheck/open", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"quiz_id": item.id, "moment": moment}).encode())
        with urllib.request.urlopen(request, timeout=30) as response:
            opened = json.loads(response.read())
        POLL_IDS.append(opened["id"])
        for address, device in phones:
            status, _, body = _request(room, address, "api/poll", device)
            question = json.loads(body)
            assert status == 200 and question["id"] == opened["id"] and question["ballot"] and not question["answered"]
            ballots[moment, address] = question["ballot"]
            vote = json.dumps({"id": opened["id"], "ballot": question["ballot"], "choices": [choice]})
            assert _request(room, address, "api/vote", device, "POST", vote, "application/json")[0] == 200
            assert _request(room, address, "api/vote", device, "POST", vote, "application/json")[0] == 409  # once per ballot
    for address, _device in phones:  # the same phone's before and after ballots differ: nothing pairs them
        assert ballots["before", address] != ballots["after", address]
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

        phone = phones[0]  # the phone at 360 px opens the session: its slides by default, no kernel
        phone.goto(room.join_url)
        title = json.loads((room.participant / "notebooks" / f"{session.id}.ipynb").read_text())["metadata"]["dpskit"]["title"]
        phone.get_by_role("link", name=title).click()
        phone.wait_for_selector(".reveal.ready")
        assert phone.url.endswith(f"pack/slides/{session.id}.slides.html") and phone.locator("form.dpskit-quiz").count()
        assert _kernels(room.process.pid) == 0
        phone.go_back()  # and the live notebook when asked for, where it plays a scenario in Voilà
        phone.locator("li", has_text=title).locator("a.dpskit-room-notebook").click()
        player = phone.locator(".dpskit-scenario-live").first
        player.wait_for(timeout=180_000)
        player.scroll_into_view_if_needed()
        scenario = expected_widgets(room.participant / "notebooks" / f"{session.id}.ipynb", content)[1][0]
        _play_to_an_ending(phone, player, scenario)
        player.screenshot(path=str(ARTIFACTS / "phone-360-scenario.png"))
        cookies = {cookie["name"] for context in contexts for cookie in context.cookies()}
        assert cookies <= {"dpskit-room", "_xsrf"}, cookies  # the device's pass, and Voilà's form check for its notebook
    finally:
        for context in contexts:
            context.close()
    outside = [url for url in requests if not is_local(url, room.local_url.split("/r/")[0])]
    REPORT["browser"] = {"requests": len(requests), "outside": len(outside), "page_errors": errors}
    assert outside == [], outside[:5]
    assert errors == []
    assert room.net_log.read_text() == "", "the room server or a kernel tried to reach another host"


def _request(room, address: str, path: str, cookie: str = "", method: str = "GET", form: str | None = None,
             content_type: str = "application/x-www-form-urlencoded") -> tuple[int, dict, str]:
    """One request from `address` (a phone on the wifi), redirects not followed."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", room.port, timeout=180, source_address=(address, 0))
    headers = {"Cookie": cookie} if cookie else {}
    if form is not None:
        headers["Content-Type"] = content_type
    try:
        connection.request(method, room.local_url.split(f":{room.port}", 1)[1] + path, body=form, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def _pass(room, address: str) -> str:
    """What a phone's browser gets from the join page: the room's pass, as a Cookie header."""
    status, headers, _ = _request(room, address, "")
    assert status == 200 and headers.get("set-cookie", "").startswith("dpskit-room="), headers
    return headers["set-cookie"].split(";")[0]


def _wait_for_kernels(room, most: int, timeout: float) -> float:
    started = time.monotonic()
    while _kernels(room.process.pid) > most:
        assert time.monotonic() - started < timeout, f"{_kernels(room.process.pid)} kernels still running after {timeout:.0f} s"
        time.sleep(0.5)
    return time.monotonic() - started


def test_notebook_seats_are_bounded(room):
    """34 plain GETs of a notebook once took all 30 seats for 20 minutes. Now: a notebook needs the
    join page's pass, a device holds at most 2 (its oldest makes way) and an address 3, SEATS in all;
    one more is told the room is full in the pack's language with where to go instead; a notebook
    whose page never connects stops within ORPHAN_SECONDS (a minute by default)."""
    from dpskit.packs import output_path

    session = next(p.stem for p in (room.participant / "notebooks").glob("*.ipynb"))
    notebook = "voila/render/" + output_path("notebook", session).as_posix()
    _wait_for_kernels(room, 0, timeout=ORPHAN_SECONDS + 60)  # the browser test's notebook has gone with its page

    for _ in range(34):  # a script: no page visit, no seat
        status, headers, _ = _request(room, "127.0.0.240", notebook)
        assert status in (301, 302, 303) and headers["location"] == room.local_url.split(f":{room.port}", 1)[1]
    assert _kernels(room.process.pid) == 0

    def open_notebook(index: int):
        address = f"127.0.3.{10 + index}"
        started = time.perf_counter()
        status, _, page = _request(room, address, notebook, _pass(room, address))
        return status, page, time.perf_counter() - started

    with ThreadPoolExecutor(SEATS + 1) as pool:
        outcomes = list(pool.map(open_notebook, range(SEATS + 1)))
    statuses = sorted(status for status, _, _ in outcomes)
    assert statuses == [200] * SEATS + [503], statuses
    assert _kernels(room.process.pid) == SEATS
    full = next(page for status, page, _ in outcomes if status == 503)
    assert "<h1>The room is full</h1>" in full and "503" not in full
    assert f'href="{room.local_url.split(f":{room.port}", 1)[1]}pack/slides/{session}.slides.html"' in full
    assert f"pack/handouts/{session}.takehome.html" in full
    REPORT["notebooks"] = {"seats": SEATS, "render_s": [round(s, 2) for status, _, s in outcomes if status == 200],
                           "server_rss_mb_with_kernels": _rss_mb(room.process.pid)}

    freed = _wait_for_kernels(room, 0, timeout=ORPHAN_SECONDS + 30)  # no page ever connected to them
    REPORT["notebooks"]["never_connected_freed_after_s"] = round(freed, 1)

    device = _pass(room, "127.0.4.10")
    for _ in range(3):  # one device opening notebook after notebook keeps two
        status, _, page = _request(room, "127.0.4.10", notebook, device)
        assert status == 200
    assert _kernels(room.process.pid) == 2
    assert _request(room, "127.0.4.10", notebook, _pass(room, "127.0.4.10"))[0] == 200  # a second device there: 3
    other = _pass(room, "127.0.4.10")
    status, _, page_full = _request(room, "127.0.4.10", notebook, other)  # an address holds 3 at most
    assert status == 429 and "This device has enough notebooks open" in page_full
    kernel = re.search(r'kernelId": "([0-9a-f-]+)"', page).group(1)  # another device cannot stop this device's notebook
    stop = f"voila/api/shutdown/{kernel}"
    assert _request(room, "127.0.4.11", stop, f"{_pass(room, '127.0.4.11')}; _xsrf=x", "POST", "_xsrf=x")[0] == 404
    assert _kernels(room.process.pid) == 3
    assert _request(room, "127.0.4.10", stop, f"{device}; _xsrf=x", "POST", "_xsrf=x")[0] == 204  # its own page can
    _wait_for_kernels(room, 2, timeout=10)
    _wait_for_kernels(room, 0, timeout=ORPHAN_SECONDS + 30)


@pytest.mark.browser
def test_a_reloaded_or_closed_notebook_page_frees_its_kernel(room, chromium):
    """Reload, back and a closed tab each left a kernel (~140 MB) until the 20-minute cull: Voilà's
    page could not send its unload request without the _xsrf cookie. Five reloads hold one kernel."""
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    context.set_default_timeout(120_000)
    counts = []
    try:
        _wait_for_kernels(room, 0, timeout=ORPHAN_SECONDS + 60)
        page = context.new_page()
        page.goto(room.join_url)
        page.locator("a.dpskit-room-notebook").first.click()
        page.wait_for_selector(".jupyter-widgets")
        for _ in range(5):
            page.reload()
            page.wait_for_selector(".jupyter-widgets")
            _wait_for_kernels(room, 1, timeout=10)
            counts.append(_kernels(room.process.pid))
        page.goto(room.join_url)  # back to the room's page
        away = _wait_for_kernels(room, 0, timeout=10)
        page.go_back()
        page.wait_for_selector(".jupyter-widgets")
        page.close(run_before_unload=True)  # the tab closed
        closed = _wait_for_kernels(room, 0, timeout=10)
    finally:
        context.close()
    REPORT["reloads"] = {"kernels_after_each_reload": counts, "freed_after_leaving_s": round(away, 1), "freed_after_closing_s": round(closed, 1)}
    assert counts == [1] * 5


LOW_FILE_LIMIT = """
import os, resource
if os.environ.get("DPSKIT_TEST_NOFILE"):
    limit = int(os.environ["DPSKIT_TEST_NOFILE"])
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
"""


def _hold_connections(port: int, addresses: list[str], each: int) -> list:
    import socket

    held = []
    for address in addresses:
        for _ in range(each):
            connection = socket.socket()
            connection.bind((address, 0))
            connection.connect(("127.0.0.1", port))
            held.append(connection)
    return held


def _answers(room, address: str, path: str) -> int | None:
    try:
        return _request(room, address, path)[0]
    except OSError:  # closed at once: over the limit
        return None


def test_idle_connections_do_not_lock_the_facilitator_out(packs, tmp_path):
    """1,100 idle connections at `ulimit -n 1024` locked the facilitator out and wrote 144 MB of
    "Too many open files" in 20 s. With 256 files (the hard limit too, so the room cannot raise it):
    connections are capped in all and per address, the laptop keeps a slot, and the log says it once."""
    import resource

    from dpskit.room import Room, RoomSettings

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2048:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))  # this test's own client sockets
    (tmp_path / "sitecustomize.py").write_text(LOW_FILE_LIMIT)
    log_path = tmp_path / "room.log"
    with log_path.open("w") as log:
        room = Room(packs[0], host="127.0.0.1", port=free_port(), settings=RoomSettings(max_kernels=2), output=log,
                    env={"PYTHONPATH": str(tmp_path), "DPSKIT_TEST_NOFILE": "256"})
        held = []
        try:
            room.wait_ready()
            one = _hold_connections(room.port, ["127.0.6.10"], 60)  # one address: 48 at most
            held += one
            served = 0
            for connection in one:
                try:
                    connection.sendall(f"GET /r/{room.code}/api/poll HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                    served += connection.recv(64).startswith(b"HTTP/1.1 200")
                except OSError:
                    pass
            assert 0 < served <= 48, served
            held += _hold_connections(room.port, [f"127.0.5.{10 + i}" for i in range(10)], 40)  # 400 idle connections
            time.sleep(1)
            assert _answers(room, "127.0.5.99", "") is None, "a phone got in past the cap"
            started = time.perf_counter()
            assert _answers(room, "127.0.0.1", f"host/{room.token}/api/poll") == 200, "the facilitator is locked out"
            facilitator_s = time.perf_counter() - started
            for connection in held:
                connection.close()
            held = []
            deadline = time.monotonic() + 20
            while _answers(room, "127.0.5.99", "") != 200:
                assert time.monotonic() < deadline, "phones still refused after the idle connections closed"
                time.sleep(0.5)
        finally:
            for connection in held:
                connection.close()
            room.stop()
    text = log_path.read_text()
    REPORT["connections"] = {"open_files": 256, "facilitator_s": round(facilitator_s, 2), "log_bytes": len(text)}
    assert text.count("at its limit of open connections") == 1 and "Too many open files" not in text
    assert len(text) < 20_000


def test_a_room_dies_with_dpskit_room_even_when_killed_outright(packs, tmp_path):
    """kill -9 of `dpskit room` (or the OOM killer) left the server serving with its temporary
    folder, and the next room silently took another port. Now the server and its kernels go, the
    folder with them, and a room still on the port is named."""
    import signal
    import subprocess
    import sys

    import psutil

    from dpskit.room import Room

    port = free_port()
    log = tmp_path / "cli.log"
    cli = subprocess.Popen([str(Path(sys.executable).with_name("dpskit")), "room", str(packs[0]), "--host=127.0.0.1", f"--port={port}"],
                           stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not re.search(r"Participants join at (\S+)", log.read_text()):
            assert cli.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        server = psutil.Process(cli.pid).children()[0]
        home = Path(server.cwd())
        with pytest.raises(RuntimeError, match=rf"port {port} is taken by a dpskit room left running \(process {server.pid}\)"):
            Room(packs[0], host="127.0.0.1", port=port)
        join = re.search(r"Participants join at (\S+)", log.read_text()).group(1)
        fake = type("R", (), {"port": port, "local_url": join})
        assert _request(fake, "127.0.0.1", "voila/render/" + next((packs[1] / "notebooks").glob("*.ipynb")).relative_to(packs[1]).as_posix(),
                        _pass(fake, "127.0.0.1"))[0] == 200
        started = [server, *server.children(recursive=True)]
        assert len(started) == 2 and home.is_dir()
        cli.send_signal(signal.SIGKILL)
        cli.wait(timeout=10)
        gone, alive = psutil.wait_procs(started, timeout=30)
        assert alive == [], f"still running after kill -9 of dpskit room: {alive}"
        assert not home.exists(), "the room's temporary folder outlived it"
        assert _answers(fake, "127.0.0.1", "") is None
    finally:
        if cli.poll() is None:
            cli.kill()


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
    from dpskit.room.network import KERNEL_ID

    # nothing per request (4xx lines named the room code and kernel ids) or per participant (Voilà's
    # "not trusted", the kernel's "plain text" warning for each notebook)
    assert f"/r/{room.code}/" not in log and not KERNEL_ID.search(log), log[:2000]
    assert "not trusted" not in log and "plain text" not in log, log[:2000]
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
