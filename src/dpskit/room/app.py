"""The room server: Voilà's own application (participant notebooks, kernels that accept only
widget messages from the browser) with the room's handlers added under the same base URL
/r/<room code>/: the join page, the participant pack, the facilitator's pack behind their token,
and the poll API. Runs in its own process (`python -m dpskit.room.server`), started by `dpskit room`."""

from __future__ import annotations

import json
import secrets
from functools import cached_property
from pathlib import Path

import tornado.web
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer, Unicode
from voila.app import Voila
from voila.voila_identity_provider import VoilaIdentityProvider

from .network import is_local_address, redact_all_logs
from .pages import host_page, join_page, ROOM_ASSETS
from .polls import VoteRefused

VOTED_COOKIE = "dpskit-poll"


class BoundedKernelManager(AsyncMappingKernelManager):
    """At most `max_kernels` notebooks run at once; idle ones are culled (MappingKernelManager's
    own culler, configured by `dpskit room`). One more participant gets a clear 503."""

    max_kernels = Integer(30, help="most kernels at once").tag(config=True)
    _starting = 0  # kernels on their way up count too: a whole room may open a notebook at once

    async def start_kernel(self, *args, **kwargs):
        if len(self.list_kernel_ids()) + self._starting >= self.max_kernels:
            raise tornado.web.HTTPError(503, reason="The room is full: every notebook seat is taken. "
                                        "Use the slides or the take-home, or try again in a few minutes.")
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1


class CookielessIdentity(VoilaIdentityProvider):
    """Jupyter Server remembers an anonymous visitor with a random name in a 30-day cookie; the
    room sets no cookie but the poll's: every request is simply anonymous."""

    def set_login_cookie(self, handler, user) -> None:
        pass


def no_request_log(handler) -> None:
    """Tornado's access log names every client's address and path: the room logs no request."""


class RoomApplication(tornado.web.Application):
    """Refuses every request from outside the local network, before any handler runs."""

    def find_handler(self, request, **kwargs):
        if not is_local_address(request.remote_ip):
            return self.get_handler_delegate(request, tornado.web.ErrorHandler, {"status_code": 403})
        return super().find_handler(request, **kwargs)


class RoomHandler(tornado.web.RequestHandler):
    """No caching, no referrer, and JSON in and out."""

    def initialize(self, room: "RoomApp"):
        self.room = room

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Content-Type-Options", "nosniff")

    def compute_etag(self):
        return None

    def json_body(self) -> dict:
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            raise tornado.web.HTTPError(415)  # forms from other pages cannot post here without a preflight
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400) from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400)
        return body

    def reply(self, data: dict, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": self._reason}))


class JoinHandler(RoomHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; "
                        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
        self.finish(self.room.join_html)


class AssetHandler(RoomHandler):
    def get(self, name: str) -> None:
        if name not in ROOM_ASSETS:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.finish(ROOM_ASSETS[name]())


class QuestionHandler(RoomHandler):
    """A participant's phone asks for the open question every few seconds."""

    def get(self) -> None:
        poll = self.room.polls.current
        if poll is None:
            return self.reply({"open": False})
        self.reply({**poll.question(), "answered": self.get_cookie(VOTED_COOKIE) == poll.id})


class VoteHandler(RoomHandler):
    def post(self) -> None:
        body = self.json_body()
        poll_id = str(body.get("id", ""))
        if self.get_cookie(VOTED_COOKIE) == poll_id:
            return self.reply({"error": "you have already answered this question"}, 409)
        try:
            self.room.polls.vote(poll_id, body.get("choices"))
        except VoteRefused as refused:
            return self.reply({"error": refused.reason}, refused.status)
        # The one cookie: the poll's random id, the same for everyone, gone when the browser closes.
        self.set_cookie(VOTED_COOKIE, poll_id, path=self.room.base_url, httponly=True, samesite="Strict")
        self.reply({"counted": True})


class HostMixin:
    def check_token(self, token: str) -> None:
        if not secrets.compare_digest(token.encode(), self.room.host_token.encode()):
            raise tornado.web.HTTPError(404)


class HostPollHandler(HostMixin, RoomHandler):
    """The facilitator opens, watches and closes polls."""

    def get(self, token: str, action: str | None = None) -> None:
        self.check_token(token)
        if action is not None:
            raise tornado.web.HTTPError(405)
        poll = self.room.polls.current
        self.reply(poll.results() if poll else {"open": False, "id": None})

    def post(self, token: str, action: str) -> None:
        self.check_token(token)
        body = self.json_body()
        if action == "open":
            try:
                poll = self.room.polls.open(str(body.get("quiz_id", "")))
            except KeyError:
                raise tornado.web.HTTPError(404, reason="no such question in this pack") from None
        else:
            poll = self.room.polls.close()
        self.reply(poll.results() if poll else {"open": False, "id": None})


class PackHandler(RoomHandler, tornado.web.StaticFileHandler):
    """The participant pack, as files."""

    def initialize(self, room: "RoomApp", path: str):
        RoomHandler.initialize(self, room)
        tornado.web.StaticFileHandler.initialize(self, path=path, default_filename="index.html")

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")


class HostFilesHandler(HostMixin, PackHandler):
    """The facilitator pack behind the token; HTML pages get the join slide and poll controls."""

    async def get(self, token: str, path: str, include_body: bool = True) -> None:
        self.check_token(token)
        if path == "" or path.endswith("/"):
            path += "index.html"
        if not path.endswith(".html"):
            return await super().get(path, include_body)
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is None:
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(host_page(Path(absolute).read_text(encoding="utf-8"), self.room, index=self.path == "index.html"))


class RoomApp(Voila):
    """Voilà plus the room. The facilitator's token and the room code come from the environment
    (never the command line, which other users of the computer can read)."""

    name = "dpskit-room"
    facilitator_pack = Unicode(config=True, help="the facilitator pack folder")
    room_code = Unicode(config=True)
    host_token = Unicode(config=True)
    join_url = Unicode(config=True, help="the address participants type")

    @cached_property
    def join_html(self) -> str:
        return join_page(self)

    @property
    def host_api(self) -> str:
        return f"{self.base_url}host/{self.host_token}/api/poll"

    def sessions(self) -> list:
        """The pack's sessions whose notebook the participant pack holds, for the join page."""
        from types import SimpleNamespace

        from ..packs import output_path

        sessions = []
        for session in self.content.sessions:
            rel = output_path("notebook", session.id).as_posix()
            if (Path(self.root_dir) / rel).is_file():  # the pack's data has no titles; the notebook does
                meta = json.loads((Path(self.root_dir) / rel).read_text(encoding="utf-8"))["metadata"].get("dpskit", {})
                sessions.append(SimpleNamespace(title=meta.get("title") or session.id, notebook_path=rel))
        return sessions

    def init_settings(self):
        settings = super().init_settings()
        settings["log_function"] = no_request_log
        return settings

    def start(self):
        import tempfile

        from ..content import load_content
        from ..i18n import set_language

        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        content, errors = load_content(Path(self.facilitator_pack), notebooks=False)
        if errors:
            raise SystemExit(f"{self.facilitator_pack}: the pack's data has problems: {errors[0]}")
        self.content = content
        set_language(content.language)  # the join page, the join slide and the poll buttons speak the pack's language
        from .daycheck import DayCheck, RememberingPolls

        self.polls = RememberingPolls(dict(content.quiz_items))  # Polls that also list today's questions for the index
        self.day_check = DayCheck()  # the day's before and after tallies: two anonymous counts, in memory
        self.app = RoomApplication(**self.init_settings())
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.room_handlers())  # first: they win over Voilà's directory page
        self.app.add_handlers(".*$", self.init_handlers())
        redact_all_logs((self.host_token,))
        self.listen()

    def room_handlers(self) -> list:
        from .daycheck import day_check_handlers

        base, room = self.base_url, {"room": self}
        host = base + r"host/([A-Za-z0-9_-]+)/"
        return day_check_handlers(base, self) + [
            (base, JoinHandler, room),
            (base + r"room/(\w+\.js)", AssetHandler, room),
            (base + r"api/poll", QuestionHandler, room),
            (base + r"api/vote", VoteHandler, room),
            (host + r"api/poll", HostPollHandler, room),
            (host + r"api/poll/(open|close)", HostPollHandler, room),
            (base + r"pack/(.*)", PackHandler, {**room, "path": self.root_dir}),
            (host + r"(.*)", HostFilesHandler, {**room, "path": self.facilitator_pack}),
        ]
