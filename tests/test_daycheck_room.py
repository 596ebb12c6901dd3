"""A whole day in room mode: 25 phones answer the before check, two ordinary polls and the after
check; the facilitator's deck (served by the room's own handlers, in Chromium) shows the end
slide's figures. Each phone gets the room's pass from the join page and a ballot from its poll
page, as real phones do. No vote can be tied to a phone across checks and nothing is written to
disk until "Save the workshop summary"."""

from __future__ import annotations

import asyncio
import functools
import http.client
import http.cookiejar
import json
import os
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import REPO
from dpskit.daycheck import least_moved, share
from dpskit.i18n import using
from dpskit.slidelayout import MEASURE
from test_daycheck_page import _shown, day_of_counts

PHONES = 25
TOKEN = "facilitator-token-for-tests"


class Room:
    """The room's handlers (join page, votes, host polls, the day check, the facilitator's pages)
    on 127.0.0.1 in a thread, without Voilà's notebooks: what a day check needs. The room's guard
    is the real one (passes, ballots' key, limits per address) on the day's clock: the test plays
    a day in seconds, so each question the facilitator asks moves that clock on a minute."""

    def __init__(self, pack: Path, content):
        import tornado.httpserver
        import tornado.netutil

        from dpskit.room.app import RoomApp, RoomApplication
        from dpskit.room.daycheck import DayCheck, RememberingPolls
        from dpskit.room.guard import Guard
        from dpskit.room.pages import join_page

        self.sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = self.sockets[0].getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        base = "/r/testroom/"
        guard = Guard()
        self.minutes = 0.0
        def on_the_days_clock(take):
            return lambda key, now=None: take(key, self.minutes * 60)

        for limit in (guard.passes, guard.votes):
            limit.take = on_the_days_clock(limit.take)
        room = SimpleNamespace(base_url=base, host_token=TOKEN, guard=guard, polls=RememberingPolls(dict(content.quiz_items), sign=guard.sign),
                               day_check=DayCheck(), content=content, join_url=f"{self.origin}{base}", root_dir=str(pack),
                               facilitator_pack=str(pack), sessions=lambda: [],  # no notebooks: Voilà's route is there, unused
                               voila_configuration=None, template_paths=[], config=None)
        room.host_api = f"{base}host/{TOKEN}/api/poll"
        room.join_html = join_page(room)
        self.state = room
        handlers = RoomApp.room_handlers(room)
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            server = tornado.httpserver.HTTPServer(RoomApplication(handlers, log_function=lambda handler: None))
            server.add_sockets(self.sockets)
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)
        self.base = f"{self.origin}{base}"

    def host(self, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(f"{self.base}host/{TOKEN}/{path}", method="POST" if body is not None else "GET",
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.load(reply)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class _FromAddress(urllib.request.HTTPHandler):
    """Requests from one loopback address, as one phone on the wifi (Linux routes all of 127.0.0.0/8)."""

    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def http_open(self, request):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), request)


class Phone:
    """One participant's browser on its own address: its own cookie jar, nothing else. It opens the
    join page (which gives it the room's pass), then answers with the ballot its poll page got."""

    def __init__(self, room: Room, number: int):
        self.room, self.jar = room, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _FromAddress(f"127.0.3.{10 + number}"))
        with self.opener.open(room.base, timeout=10) as reply:
            assert reply.status == 200 and "<html" in reply.read().decode()
        assert set(self.cookies()) == {"dpskit-room"}, self.cookies()
        self.ballots: dict[str, str] = {}  # poll id -> the ballot this phone's page got (kept by the test, not the room)

    def question(self) -> dict:
        with self.opener.open(f"{self.room.base}api/poll", timeout=10) as reply:
            return json.load(reply)

    def vote(self, choice: int, ballot: str | None = None) -> int:
        poll = self.question()
        if poll.get("ballot"):
            self.ballots[poll["id"]] = poll["ballot"]
        request = urllib.request.Request(f"{self.room.base}api/vote", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"id": poll["id"], "ballot": ballot or poll["ballot"], "choices": [choice]}).encode())
        try:
            with self.opener.open(request, timeout=10) as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code

    def cookies(self) -> dict[str, str]:
        return {cookie.name: cookie.value for cookie in self.jar}


def _room_votes(phones, counts: list[int]) -> None:
    """The phones answer one open question so the room's counts come out as `counts`."""
    phone = iter(phones)
    for option, n in enumerate(counts):
        for _ in range(n):
            assert next(phone).vote(option) == 200


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    from dpskit.content import load_valid_content
    from dpskit.daycheck import check_items
    from dpskit.daycheck_page import render_day_check
    from dpskit.workshop import load_workshop

    with using("en"):
        content = load_valid_content(REPO)
        plan, _ = load_workshop(REPO / "workshop.yml", content)
        items = check_items(content, plan.sessions, plan.check)
        pack = tmp_path_factory.mktemp("facilitator-pack")
        (pack / "guide").mkdir()
        (pack / "guide" / "day-check.html").write_text(render_day_check(content, plan), encoding="utf-8")
        (pack / "index.html").write_text('<!DOCTYPE html><html lang="en"><body><main id="main"><h1>Pack</h1></main></body></html>')
    return pack, content, plan, items


def _kept(*roots) -> set[str]:
    """Every string the room holds in memory under `roots` (its guard, polls and day check)."""
    found, seen, todo = set(), set(), list(roots)
    while todo:
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, (str, bytes)):
            found.add(value if isinstance(value, str) else value.hex())
        elif isinstance(value, dict):
            todo += [*value.keys(), *value.values()]
        elif isinstance(value, (list, tuple, set, frozenset)):
            todo += list(value)
        elif hasattr(value, "__self__"):  # a bound method (the polls' sign is the guard's)
            todo.append(value.__self__)
        elif hasattr(value, "__dict__"):
            todo += list(vars(value).values())
    return found


def _files(*folders: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for folder in folders for p in folder.rglob("*") if p.is_file()}


def test_a_whole_day_on_25_phones(browser, day, tmp_path, monkeypatch):
    pack, content, plan, items = day
    monkeypatch.chdir(tmp_path)  # the room's working folder: nothing may appear in it either
    before, after = day_of_counts(items)
    room = Room(pack, content)
    written_before = _files(pack, tmp_path)
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    try:
        page.goto(f"{room.base}host/{TOKEN}/guide/day-check.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        phones = [Phone(room, n) for n in range(PHONES)]
        passes = {phone: phone.cookies()["dpskit-room"] for phone in phones}
        assert len(set(passes.values())) == PHONES  # one pass per device, the same all day

        def ask(moment: str, tallies: dict[str, list[int]]):
            for item in items:
                box = page.locator(f'.dpskit-daycheck-item[data-moment="{moment}"][data-item="{item.id}"]')
                page.evaluate("(el) => Reveal.slide(Reveal.getIndices(el.closest('section')).h)", box.element_handle())
                measured = page.evaluate(MEASURE)  # the slide with the room's button still fits 1280x720
                assert measured["below"] <= 1 and measured["right"] <= 1, measured
                room.minutes += 1  # a question a minute, as in a room
                box.get_by_role("button", name="Ask on phones").click()
                deadline = time.monotonic() + 10
                while phones[0].question().get("prompt") != item.prompt and time.monotonic() < deadline:
                    time.sleep(0.05)
                question = phones[0].question()
                assert question["open"] and question["prompt"] == item.prompt and "correct" not in json.dumps(question)
                assert question["ballot"] and not question["answered"]
                if moment == "after":  # a morning ballot does not count in the evening: a ballot is for one poll
                    morning = room.state.day_check.polls[("before", item.id)]
                    assert question["ballot"] != phones[0].ballots[morning.id]
                    assert phones[0].vote(0, ballot=phones[0].ballots[morning.id]) == 403
                _room_votes(phones, tallies[item.id])
                answered = sum(tallies[item.id])
                again = phones[items.index(item) % answered]
                assert again.question()["answered"] and again.vote(0) == 409  # one ballot per phone per check question
                assert all(phone.question()["answered"] == (n < answered) for n, phone in enumerate(phones))
                # the room counted exactly the ballots the phones' pages got, each once
                poll = room.state.day_check.polls[(moment, item.id)]
                assert poll.used == {phone.ballots[poll.id] for phone in phones[:answered]}
                assert poll.ballots == answered == len(poll.used)

        ask("before", before)
        # two ordinary polls during the day, from the facilitator's question slides
        others = [i for i in content.quiz_items.values() if i.session in plan.sessions and i not in items][:2]
        for other in others:
            room.minutes += 1
            room.host("api/poll/open", {"quiz_id": other.id})
            for n, phone in enumerate(phones):
                assert phone.vote(n % len(other.options)) == 200
        ask("after", after)

        # across the day, the facilitator's index (behind the token) lists the wrong answers chosen most
        index = page.context.new_page()
        index.goto(f"{room.base}host/{TOKEN}/")
        box = index.locator(".dpskit-room-day")
        for other in others:
            entry = box.locator(f'.dpskit-room-day-poll[data-item="{other.id}"]')
            assert other.prompt in entry.inner_text()
            wrong = [o.text for n, o in enumerate(other.options) if not o.correct]
            assert any(text in entry.inner_text() for text in wrong)
        # the after poll of item 5 (4 wrong hands) replaced its morning poll: the latest counts, a small one hidden
        fifth = box.locator(f'.dpskit-room-day-poll[data-item="{items[4].id}"]').inner_text()
        assert ": fewer than 5" in fifth and ": 4" not in fifth and ": 20" not in fifth
        assert TOKEN not in index.content().split("<body", 1)[1].replace(f"host/{TOKEN}/", "")
        index.close()

        # the room kept two anonymous tallies, exactly the counts the phones gave
        assert room.host("api/daycheck") == {"before": before, "after": after}
        # nothing pairs a phone's morning answer with its evening one. A phone's only cookie is its
        # pass, the same all day; the room keeps per poll its counts and the set of ballots used
        # (keyed hashes of the poll's id and a pass), never which ballot chose what, and no pass.
        check = room.state.day_check.polls
        for poll in check.values():
            assert set(vars(poll)) == {"item", "id", "counts", "ballots", "open", "used"}  # no voter, no choice per ballot
            assert isinstance(poll.used, set) and sum(poll.counts) == poll.ballots == len(poll.used)
        assert set(vars(room.state.day_check)) == {"polls"}
        assert set(vars(room.state.guard)) == {"secret", "passes", "votes", "seats"}
        before_ids = {poll.id for (m, _i), poll in check.items() if m == "before"}
        after_ids = {poll.id for (m, _i), poll in check.items() if m == "after"}
        before_ballots = set().union(*(poll.used for (m, _i), poll in check.items() if m == "before"))
        after_ballots = set().union(*(poll.used for (m, _i), poll in check.items() if m == "after"))
        assert not before_ids & after_ids and not before_ballots & after_ballots
        for phone in phones:  # the same device's before and after ballots share nothing visible
            mine = {m: {phone.ballots[poll.id] for (mm, _i), poll in check.items() if mm == m and poll.id in phone.ballots} for m in ("before", "after")}
            assert mine["before"] and mine["after"] and not mine["before"] & mine["after"]
            assert phone.cookies() == {"dpskit-room": passes[phone]}  # answering left nothing in the phone's cookies
        devices = {room.state.guard.device(value) for value in passes.values()}
        assert None not in devices and len(devices) == PHONES
        kept = _kept(room.state.guard, room.state.polls, room.state.day_check)
        assert before_ballots | after_ballots <= kept  # the walk does see what the room keeps
        assert not any(secret in value for secret in devices | set(passes.values()) for value in kept), "the room keeps a device's pass"

        # the deck filled its count fields from the room; the end slide's figures
        page.wait_for_function(f"""() => document.querySelector('.dpskit-daycheck-item[data-moment="after"][data-item="{items[-1].id}"] input').value !== ''""")
        page.wait_for_timeout(2500)  # one more refresh of the tallies
        for item in items:
            for moment, tallies in (("before", before), ("after", after)):
                assert _shown(page, item.id, moment)[0] == share(item, tallies[item.id]).label
        assert "fewer than 5" in _shown(page, items[0].id, "before")[0]
        assert _shown(page, items[3].id, "before")[0] == "fewer than 5 answered"
        assert _shown(page, items[0].id, "after")[0] == "80% of 25 answered correctly"
        least = least_moved(items, before, after)
        assert page.locator(".dpskit-daycheck-least-prompt").inner_text() == least.item.prompt == items[2].prompt

        # nothing was written anywhere until the facilitator saves
        assert _files(pack, tmp_path) == written_before and not downloads
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
        page.evaluate("Reveal.slide(Reveal.getTotalSlides() - 1)")
        with page.expect_download() as info:
            page.get_by_role("button", name="Save the workshop summary").click()
        saved = tmp_path / "chosen-folder" / info.value.suggested_filename
        info.value.save_as(saved)
        html = saved.read_text(encoding="utf-8")
        assert "80% of 25 answered correctly" in html and "fewer than 5" in html and "dpskit-room" not in html
        assert not any(value in html for value in before_ids | after_ids | before_ballots | after_ballots | set(passes.values()))
    finally:
        page.close()
        room.close()
    # the room's tallies lived in its memory only: closing it leaves no file behind
    assert set(_files(pack, tmp_path)) - set(written_before) == {str(saved)}


def test_only_the_facilitator_opens_check_questions(day):
    pack, content, plan, items = day
    room = Room(pack, content)
    try:
        for path, body in (("api/daycheck", None), ("api/daycheck/open", {"quiz_id": items[0].id, "moment": "before"})):
            request = urllib.request.Request(room.base + f"host/wrong-token/{path}", method="POST" if body else "GET",
                                             data=json.dumps(body).encode() if body else None, headers={"Content-Type": "application/json"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 404
        with pytest.raises(urllib.error.HTTPError) as refused:
            room.host("api/daycheck/open", {"quiz_id": items[0].id, "moment": "during"})
        assert refused.value.code == 400
        assert room.host("api/daycheck") == {"before": {}, "after": {}}
    finally:
        room.close()
