"""Room mode without a server: poll counting, the local-network rule, log redaction, the
workshop key, and what the room adds to the facilitator's pages."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from dpskit.content import load_valid_content
from dpskit.room.network import Redact, is_local_address, redact
from dpskit.room.polls import LivePoll, Polls, VoteRefused


@pytest.fixture
def items(mini_root):
    return load_valid_content(mini_root).quiz_items


def test_votes_are_counts_and_nothing_else(items):
    polls = Polls(items)
    poll = polls.open("01-say-it")
    for device, choice in enumerate((0, 2, 2, 1, 2)):
        polls.vote(poll.id, [choice], ballot=polls.ballot(f"device-{device}"), device=f"device-{device}")
    assert poll.counts == [1, 1, 3] and poll.ballots == 5
    assert set(vars(poll)) == {"item", "id", "counts", "ballots", "open", "used"}  # no voter, no address, no time
    assert len(poll.used) == 5 and not any("device" in ballot for ballot in poll.used)  # ballots are keyed hashes
    results = poll.results()
    assert [r["count"] for r in results["rows"]] == [1, 1, 3] and [r["correct"] for r in results["rows"]] == [True, True, False]
    assert results["points"][0]["option"] == "Explaining yourself" and results["points"][0]["feedback"].startswith("FEEDBACK-EXPLAIN")
    question = poll.question()
    assert "correct" not in str(question) and question["options"] == [o.text for o in items["01-say-it"].options]


def test_a_vote_counts_once_and_only_with_this_devices_ballot(items):
    polls = Polls(items)
    poll = polls.open("01-say-it")
    mine, theirs = polls.ballot("phone-a"), polls.ballot("phone-b")
    assert mine == polls.ballot("phone-a") and mine != theirs  # the same on every reload, different per device
    for ballot in (None, "", "made-up", theirs, 7):
        with pytest.raises(VoteRefused) as refused:
            polls.vote(poll.id, [0], ballot=ballot, device="phone-a")
        assert (refused.value.status, refused.value.code) == (403, "reload")
    assert not polls.answered("phone-a")
    polls.vote(poll.id, [0], ballot=mine, device="phone-a")
    assert polls.answered("phone-a") and not polls.answered("phone-b")
    with pytest.raises(VoteRefused) as refused:
        polls.vote(poll.id, [1], ballot=mine, device="phone-a")
    assert (refused.value.status, refused.value.code) == (409, "already") and poll.counts == [1, 0, 0]
    assert Polls(items).sign("ballot", poll.id, "phone-a") != mine  # another room's key makes other ballots


def test_bad_or_late_votes_are_refused(items):
    polls = Polls(items)
    with pytest.raises(VoteRefused):
        polls.vote("nothing-open", [0], ballot="x", device="d")
    first = polls.open("01-free-to-go")
    assert items["01-free-to-go"].type == "single"
    for bad in ([], [len(first.counts)], [-1], [0, 1], ["0"], [True], None, [0, 0]):
        with pytest.raises(VoteRefused) as refused:
            polls.vote(first.id, bad, ballot=polls.ballot("d"), device="d")
        assert refused.value.status == 400 and refused.value.code == "choose"
    old_ballot = polls.ballot("d")
    second = polls.open("01-say-it")
    with pytest.raises(VoteRefused) as refused:
        polls.vote(first.id, [0], ballot=old_ballot, device="d")
    assert refused.value.status == 410 and set(first.counts) == {0}
    polls.close()
    with pytest.raises(VoteRefused):
        polls.vote(second.id, [0], ballot=polls.sign("ballot", second.id, "d"), device="d")
    assert second.ballots == 0 and polls.ballot("d") is None


def test_passes_and_rate_limits():
    from dpskit.room.guard import Buckets, Guard

    guard = Guard()
    issued = guard.new_pass()
    device = guard.device(issued)
    assert device and issued.startswith(device + ".")
    for forged in (device, device + ".", device + ".AAAAAAAAAAAAAAAAAAAAAA", Guard().new_pass(), "", None, "."):
        assert guard.device(forged) is None
    assert guard.address_key("192.168.1.7") != guard.address_key("192.168.1.8") and "192" not in guard.address_key("192.168.1.7")
    buckets = Buckets(capacity=3, every=10)
    assert [buckets.take("a", now=0) for _ in range(5)] == [True, True, True, False, False]
    assert buckets.take("b", now=0)  # another address has its own
    assert not buckets.take("a", now=5) and buckets.take("a", now=16) and not buckets.take("a", now=16)


def test_connection_limits_leave_room_for_kernels_and_the_facilitator():
    from dpskit.room.guard import connection_limits

    limits = connection_limits(1024, 30)
    assert limits["max_connections"] + limits["facilitator_slots"] + 16 * 30 + 64 <= 1024
    assert connection_limits(100, 30)["max_connections"] == 16  # never none at all


def test_multiple_answer_questions_count_every_option_chosen(items):
    multiple = next(item for item in items.values() if item.type == "multiple")
    poll = LivePoll(multiple)
    poll.vote(poll.id, [0, 1])
    assert poll.ballots == 1 and poll.counts[:2] == [1, 1]


def test_the_facilitator_may_allow_a_public_wifi_network_and_only_a_network():
    from types import SimpleNamespace

    pytest.importorskip("voila")
    from dpskit.room import allowed_network
    from dpskit.room.app import RoomApp

    assert str(allowed_network("203.0.113.77/24")) == "203.0.113.0/24"
    for bad in ("0.0.0.0/0", "8.0.0.0/8", "2001:db8::/32", "campus", "203.0.113.0/33"):
        with pytest.raises(ValueError, match="--allow-network"):
            allowed_network(bad)
    room = SimpleNamespace(networks=[allowed_network("203.0.113.0/24")])
    assert RoomApp.allows(room, "203.0.113.9") and RoomApp.allows(room, "192.168.1.4")
    assert not RoomApp.allows(room, "203.0.114.9") and not RoomApp.allows(room, "8.8.8.8") and not RoomApp.allows(room, "x")


@pytest.mark.parametrize("address, local", [
    ("127.0.0.1", True), ("::1", True), ("192.168.1.20", True), ("10.0.0.7", True), ("172.16.5.4", True),
    ("169.254.10.1", True), ("fe80::1%wlan0", True), ("fd00::5", True), ("::ffff:192.168.0.9", True),
    ("8.8.8.8", False), ("172.32.0.1", False), ("2001:4860:4860::8888", False), ("::ffff:8.8.8.8", False),
    ("0.0.0.0", False), ("", False), (None, False), ("not-an-address", False), ("224.0.0.1", False),
])
def test_only_the_local_network_is_local(address, local):
    assert is_local_address(address) is local


def test_logs_name_no_address_and_no_token():
    text = "400 GET /r/abc/host/SECRET/api/poll (192.168.1.7) Malformed HTTP message from ::ffff:10.0.0.2 at 06:12:33 v1.2.3"
    assert redact(text, ("SECRET",)) == "400 GET /r/abc/host/<token>/api/poll (<address>) Malformed HTTP message from <address> at 06:12:33 v1.2.3"
    record = logging.LogRecord("tornado.access", logging.WARNING, __file__, 1, "%d %s (%s)", (404, "GET /x", "fe80::1"), None)
    Redact(("SECRET",)).filter(record)
    assert record.getMessage() == "404 GET /x (<address>)"


def test_the_room_logs_nothing_per_request_or_per_participant():
    room = Redact(("SECRET",), drop=("/r/abc/", "is not trusted"))

    def kept(message, *args):
        return room.filter(logging.LogRecord("tornado.general", logging.WARNING, __file__, 1, message, args, None))

    assert not kept("%d %s (%s)", 403, "POST /r/abc/voila/api/shutdown/x", "127.0.0.1")
    assert not kept("Kernel started: 0990308b-b8ee-4126-8163-491160441f9e")
    assert not kept("Notebook notebooks/01.ipynb is not trusted")
    assert kept("The room is at its limit of open connections (144, 48 per device)")


def test_the_room_key_is_validated(mini_root, tmp_path):
    from dpskit.content import InvalidContent
    from dpskit.room import RoomSettings
    from dpskit.workshop import load_workshop

    content = load_valid_content(mini_root)
    base = "title: T\ndate: 2026-12-05\nstart: '10:00'\nsessions: [01-mini]\n"
    good = tmp_path / "good.yml"
    good.write_text(base + "room:\n  max_kernels: 12\n")
    plan, _ = load_workshop(good, content)
    assert RoomSettings.of(plan) == RoomSettings(max_kernels=12, idle_minutes=20)
    assert RoomSettings.of(load_workshop(_write(tmp_path, base), content)[0]) == RoomSettings()
    bad = tmp_path / "bad.yml"
    bad.write_text(base + "room:\n  max_kernels: 0\n  seats: 3\n")
    with pytest.raises(InvalidContent) as errors:
        load_workshop(bad, content)
    assert "bad.yml" in str(errors.value.errors[0]) and "room" in " ".join(map(str, errors.value.errors))


def _write(folder, text):
    path = folder / "plain.yml"
    path.write_text(text)
    return path


def test_requests_from_outside_are_refused_before_any_handler():
    pytest.importorskip("voila")
    import tornado.web
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from dpskit.room.app import OutsideHandler, RoomApplication

    class Hello(tornado.web.RequestHandler):
        def get(self):
            self.write("hello")

    app = RoomApplication([(r"/r/x/", Hello)])

    def route(address):
        request = HTTPServerRequest(start_line=RequestStartLine("GET", "/r/x/", "HTTP/1.1"), headers=HTTPHeaders({"Host": "192.168.1.20:8866", "X-Real-IP": "192.168.1.5", "X-Forwarded-For": "10.0.0.1"}))
        request.remote_ip = address
        return app.find_handler(request)

    assert route("192.168.1.9").handler_class is Hello
    refused = route("8.8.8.8")  # forwarded-for headers are not trusted (xheaders is off)
    assert refused.handler_class is OutsideHandler


def test_a_phone_from_outside_is_told_why_in_the_packs_language():
    pytest.importorskip("voila")
    from types import SimpleNamespace

    import tornado.web
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from dpskit.i18n import using
    from dpskit.room.app import OutsideHandler

    room = SimpleNamespace(content=SimpleNamespace(language="es"))
    request = HTTPServerRequest(start_line=RequestStartLine("GET", "/r/x/", "HTTP/1.1"), headers=HTTPHeaders({"Host": "h"}),
                                connection=SimpleNamespace(set_close_callback=lambda _: None, write_headers=lambda *a, **k: None,
                                                           finish=lambda: None, write=lambda *a, **k: None))
    request.remote_ip = "198.51.100.23"
    written = []
    handler = OutsideHandler(tornado.web.Application(), request, room=room)
    handler.flush = lambda *a, **k: written.append(b"".join(handler._write_buffer))
    with using("es"):
        handler.prepare()
    page = written[0].decode()
    assert handler.get_status() == 403 and 'lang="es"' in page
    assert "198.51.100.23" in page and "--allow-network" in page and "198.51.100.0/24" in page
    assert "This room" not in page, "the refusal is in English on a Spanish pack"


def test_facilitator_pages_get_the_join_slide_and_poll_controls(mini_build):
    pytest.importorskip("segno")
    from types import SimpleNamespace

    from dpskit.room.pages import host_page

    room = SimpleNamespace(join_url="http://192.168.1.20:8866/r/abc/", host_api="/r/abc/host/T0KEN/api/poll")
    deck = (mini_build / "slides/01-mini.slides.html").read_text()
    served = host_page(deck, room)
    first = served.index('<div class="slides">') + len('<div class="slides">')
    assert served[first:].lstrip().startswith('<section class="dpskit-join-slide"')
    assert "http://192.168.1.20:8866/r/abc/" in served and "<svg" in served
    csp = next(tag for tag in re.findall(r"<meta\b[^>]*>", served) if "Content-Security-Policy" in tag)
    policy = re.search(r'content="([^"]*)"', csp).group(1)
    assert "connect-src 'self'" in policy and "http" not in policy
    assert 'name="dpskit-room-host" content="/r/abc/host/T0KEN/api/poll"' in served and "dpskit-room-toggle" in served
    index = host_page((mini_build / "index.html").read_text(), room, index=True)
    guide = (mini_build / "guide/01-mini.guide.html").read_text()
    assert host_page(guide, room) == guide
    assert "dpskit-room-box" in index and "<svg" in index and "T0KEN" not in index
    assert "dpskit-join-slide" not in deck and "connect-src" not in deck  # the file itself is as built


def test_the_room_needs_the_facilitator_pack_with_its_participant_pack(tmp_path):
    from dpskit.room import room_packs

    facilitator, participant = tmp_path / "2026-12-05-w", tmp_path / "2026-12-05-w-participant"
    for folder in (facilitator, participant / "notebooks"):
        folder.mkdir(parents=True)
    (facilitator / "index.html").write_text("x")
    (facilitator / "curriculum.yml").write_text("x")
    with pytest.raises(FileNotFoundError, match="participant pack beside it"):
        room_packs(facilitator)
    (participant / "index.html").write_text("x")
    assert room_packs(facilitator) == (facilitator.resolve(), participant.resolve())
    with pytest.raises(FileNotFoundError, match="give the facilitator pack"):
        room_packs(participant)


def test_every_refusal_a_phone_can_get_is_in_its_language():
    """The join page shows the message for the server's code, never the server's English text."""
    import ast
    import inspect

    import dpskit.room.app as app
    import dpskit.room.polls as polls
    from dpskit.i18n import using
    from dpskit.room.pages import phone_messages

    codes = set()
    for module in (polls, app):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "VoteRefused" and len(node.args) == 3:
                codes.add(node.args[2].value)
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                if "code" in keys and isinstance(node.values[keys.index("code")], ast.Constant):
                    codes.add(node.values[keys.index("code")].value)
    assert codes >= {"closed", "already", "choose", "reload", "slow"}, codes
    english = phone_messages()
    with using("es"):
        spanish = phone_messages()
    assert codes <= set(english) and all(spanish[code] != english[code] for code in codes | {"refused"})
    assert "msg[result[1].code] || msg.refused" in (Path(app.__file__).parents[1] / "assets" / "room_join.js").read_text()


@pytest.mark.parametrize("option, message", [
    ("--port=99999", "99999"), ("--host=999.1.1.1", "--host 999.1.1.1: not an address of this computer"),
    ("--host=room.example", "not an address of this computer"), ("--allow-network=0.0.0.0/0", "too wide"),
])
def test_bad_room_options_are_one_line(tmp_path, option, message):
    from click.testing import CliRunner

    from dpskit.cli import cli

    result = CliRunner().invoke(cli, ["room", str(tmp_path), option])
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output, result.output
    assert [line for line in result.output.splitlines() if line.startswith("Error:")] == [
        next(line for line in result.output.splitlines() if message in line)], result.output  # click's usage lines aside


def test_room_without_the_live_extra_is_one_line(tmp_path):
    import subprocess
    import sys

    code = "import sys; sys.modules['voila'] = None\nfrom dpskit.cli import cli\ncli(['room', sys.argv[1]])"
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.strip() == "Error: voila is not installed: pip install 'dpskit[live]'", result.stderr


def test_the_room_server_removes_only_its_own_folder(tmp_path):
    """The server removes the `dpskit-room-…` folder it was given on exit, and never the parent of
    another --runtime: a test once passed --runtime /tmp and its exit removed what it could of /."""
    from dpskit.room.server import remove_room_folder

    own = tmp_path / "dpskit-room-abc123"
    (own / "runtime" / "voila_x").mkdir(parents=True)
    remove_room_folder(own / "runtime")
    assert not own.exists()
    other = tmp_path / "somewhere"
    (other / "keep.txt").parent.mkdir(parents=True)
    (other / "keep.txt").write_text("a user's file")
    (other / "runtime" / "voila_y").mkdir(parents=True)
    remove_room_folder(other / "runtime")
    assert (other / "keep.txt").read_text() == "a user's file" and (other / "runtime").is_dir()
    assert not any((other / "runtime").iterdir())
    bare = tmp_path / "bare"
    (bare / "sibling").mkdir(parents=True)
    (bare / "work").mkdir()
    remove_room_folder(bare / "work")  # not named runtime: its parent and siblings stay
    assert (bare / "sibling").is_dir()
