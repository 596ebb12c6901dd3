"""The day's check on phones: the before and after questions are ordinary live polls (one at a
time, one ballot per device per poll, counts only), opened from the day-check deck.

What is kept is a pointer from (moment, question) to the last poll opened for it, so the deck
can read two separate tallies: before and after. A phone's cookie holds only the room's pass,
the same all day; its ballot is a keyed hash of the poll's random id and that pass, so its
before and after ballots differ, and a poll keeps its counts and the ballots used, never which
ballot chose what, so nothing can pair a phone's answer in the morning with its answer at the
end. Nothing is written: the deck fills its count fields from these tallies and "Save the
workshop summary" is the browser's, as without the room. All of it is gone when the room closes."""

from __future__ import annotations

import tornado.web

from ..daycheck import shown_count
from ..render import environment
from .app import HostMixin, RoomHandler
from .polls import LivePoll, Polls

MOMENTS = ("before", "after")


class DayCheck:
    """The room's two anonymous tallies of the day's check."""

    def __init__(self) -> None:
        self.polls: dict[tuple[str, str], LivePoll] = {}

    def open(self, polls, quiz_id: str, moment: str) -> LivePoll:
        """Open `quiz_id` as the room's current poll, counted as `moment` (a reopened question starts again)."""
        if moment not in MOMENTS:
            raise ValueError(moment)
        poll = polls.open(quiz_id)
        self.polls[(moment, quiz_id)] = poll
        return poll

    def tallies(self) -> dict[str, dict[str, list[int]]]:
        """{"before": {quiz id: counts per option as shown}, "after": {…}}: counts only."""
        return {moment: {quiz_id: list(poll.counts) for (m, quiz_id), poll in self.polls.items() if m == moment}
                for moment in MOMENTS}


class HostDayCheckHandler(HostMixin, RoomHandler):
    """GET: the two tallies; POST open {quiz_id, moment}: ask the phones (behind the token)."""

    def get(self, token: str, action: str | None = None) -> None:
        self.check_token(token)
        if action is not None:
            raise tornado.web.HTTPError(405)
        self.reply(self.room.day_check.tallies())

    def post(self, token: str, action: str) -> None:
        self.check_token(token)
        body = self.json_body()
        moment = str(body.get("moment", ""))
        if moment not in MOMENTS:
            raise tornado.web.HTTPError(400, reason="moment is before or after")
        try:
            poll = self.room.day_check.open(self.room.polls, str(body.get("quiz_id", "")), moment)
        except KeyError:
            raise tornado.web.HTTPError(404, reason="no such question in this pack") from None
        self.reply({**poll.results(), "moment": moment})


class RememberingPolls(Polls):
    """The room's polls, plus the last poll of each question opened today (its counts, nothing
    more), for the facilitator's index. In memory only: gone when the room closes."""

    def __init__(self, items, sign=None) -> None:
        super().__init__(items, sign=sign)
        self.today: dict[str, LivePoll] = {}

    def open(self, quiz_id: str) -> LivePoll:
        poll = super().open(quiz_id)
        self.today.pop(quiz_id, None)
        self.today[quiz_id] = poll  # in the order last asked
        return poll


def wrong_answers_today(polls: RememberingPolls, content, most: int = 2) -> list[dict]:
    """Per question asked with answers so far: the wrong answers chosen most (a count of 1 to 4 as
    "fewer than 5"), the role-plays of its session and its talking points, to take it up again."""
    found = []
    for poll in polls.today.values():
        if not poll.ballots:
            continue
        item = poll.item
        wrong = sorted(((count, index) for index, count in enumerate(poll.counts) if count and not item.options[index].correct),
                       key=lambda pair: (-pair[0], pair[1]))[:most]
        scenarios = [story.title for story in content.scenarios.values() if story.session == item.session]
        found.append({"id": item.id, "prompt": item.prompt, "talking": item.talking_points, "scenarios": scenarios,
                      "wrong": [{"text": item.options[index].text, "count": shown_count(count)} for count, index in wrong]})
    return found


def day_box(room) -> str:
    """The facilitator's index box (the room serves it behind the token); '' before the room polls."""
    polls = getattr(room, "polls", None)
    if not isinstance(polls, RememberingPolls):
        return ""
    return environment().get_template("room_day_box.html.j2").render(polls=wrong_answers_today(polls, room.content))


def day_check_handlers(base: str, room) -> list:
    """The routes `RoomApp.room_handlers` adds, behind the facilitator's token."""
    host = base + r"host/([A-Za-z0-9_-]+)/"
    return [(host + r"api/daycheck", HostDayCheckHandler, {"room": room}),
            (host + r"api/daycheck/(open)", HostDayCheckHandler, {"room": room})]


__all__ = ["DayCheck", "HostDayCheckHandler", "MOMENTS", "RememberingPolls", "day_box", "day_check_handlers", "wrong_answers_today"]
