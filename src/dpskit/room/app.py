"""The room server: Voilà's own application (participant notebooks, kernels that accept only
widget messages from the browser) with the room's handlers added under the same base URL
/r/<room code>/: the join page, the participant pack, the facilitator's pack behind their token,
and the poll API. Runs in its own process (`python -m dpskit.room.server`), started by `dpskit room`."""

from __future__ import annotations

import ipaddress
import json
import secrets
from functools import cached_property
from pathlib import Path

import tornado.web
from jupyter_server.base.call_context import CallContext
from traitlets import Integer, List, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.voila_identity_provider import VoilaIdentityProvider

from ..i18n import _
from ..participant import PageKernelManager
from .guard import PASS_COOKIE, GuardedHTTPServer, Guard, connection_limits, raise_open_file_limit
from .network import is_local_address, redact_all_logs
from .pages import host_page, join_page, notice_page, ROOM_ASSETS
from .polls import VoteRefused


class BoundedKernelManager(PageKernelManager):
    """At most `max_kernels` notebooks run at once, `per_device` for one device's pass (its oldest
    makes way for a new one: a reload, a second tab) and `per_address` for one address. A seat is
    reserved by the notebook page's handler (NotebookHandler) before Voilà starts the kernel;
    idle and orphaned kernels are stopped (PageKernelManager, MappingKernelManager's culler)."""

    max_kernels = Integer(30, help="most kernels at once").tag(config=True)
    per_device = Integer(2, help="most kernels for one device").tag(config=True)
    per_address = Integer(3, help="most kernels for one address").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.starting = 0  # seats reserved for kernels on their way up: a whole room may open a notebook at once
        self.owners: dict[str, tuple[str, str]] = {}  # kernel id -> (device pass, address key), in memory

    def _owned(self, index: int, owner: str) -> list[str]:
        return [k for k, who in self.owners.items() if k in self and who[index] == owner]

    async def make_way(self, device: str) -> None:
        """The device's oldest notebooks stop until it has room for one more."""
        for kernel_id in self._owned(0, device)[: max(0, len(self._owned(0, device)) - self.per_device + 1)]:
            await self.shutdown_kernel(kernel_id)

    def reserve(self, address: str) -> str | None:
        """A seat for a notebook from `address`, or why not ("busy": that address has its share; "full")."""
        self.owners = {k: who for k, who in self.owners.items() if k in self}
        if len(self._owned(1, address)) >= self.per_address:
            return "busy"
        if len(self.list_kernel_ids()) + self.starting >= self.max_kernels:
            return "full"
        self.starting += 1
        return None

    def release(self) -> None:
        self.starting -= 1

    async def start_kernel(self, *args, **kwargs):
        handler = CallContext.get(CallContext.JUPYTER_HANDLER)
        if not getattr(handler, "reserved", False):  # only NotebookHandler starts kernels; this is the backstop
            raise tornado.web.HTTPError(503, reason="The room is full")
        handler.reserved = False  # the reservation becomes the kernel
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        finally:
            self.release()
        self.owners[kernel_id] = handler.seat_owner
        return kernel_id

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        """A page may stop its own device's notebook (Voilà's unload beacon), no one else's."""
        handler = CallContext.get(CallContext.JUPYTER_HANDLER)
        room = getattr(handler, "settings", {}).get("dpskit_room") if handler is not None else None
        if room is not None and isinstance(handler, tornado.web.RequestHandler) and "/voila/render/" not in handler.request.path:
            owner = self.owners.get(kernel_id)
            if owner is not None and room.guard.device(handler.get_cookie(PASS_COOKIE)) != owner[0]:
                raise tornado.web.HTTPError(404)
        self.owners.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)


class NotebookHandler(TornadoVoilaHandler):
    """Voilà's notebook page behind the room's rules: a notebook needs the pass the join page gives
    (a plain script gets the join page instead), each device and address gets a bounded share of
    the seats, and a full room says so in the pack's language, with where to go instead."""

    reserved = False
    seat_owner = None

    async def prepare(self):
        await super().prepare()
        if self._finished:
            return
        room = self.settings["dpskit_room"]
        device = room.guard.device(self.get_cookie(PASS_COOKIE))
        if device is None:
            return self.redirect(room.base_url)
        address = room.guard.address_key(self.request.remote_ip)
        manager = self.kernel_manager
        await manager.make_way(device)
        refused = manager.reserve(address) if room.guard.seats.take(address) else "busy"
        if refused:
            return self.notice(503 if refused == "full" else 429, refused)
        self.reserved, self.seat_owner = True, (device, address)

    def on_finish(self) -> None:
        if self.reserved:  # the render failed before its kernel started
            self.reserved = False
            self.kernel_manager.release()
        super().on_finish()

    def notice(self, status: int, why: str) -> None:
        room = self.settings["dpskit_room"]
        session = Path(self.path_args[0] if self.path_args else "").stem
        links = [{"href": f"{room.base_url}pack/slides/{session}.slides.html", "text": _("This session's slides: its quizzes and role-plays work there")},
                 {"href": f"{room.base_url}pack/handouts/{session}.takehome.html", "text": _("This session's take-home")},
                 {"href": room.base_url, "text": _("Back to the room's page")}]
        links = [link for link in links if not link["href"].startswith(f"{room.base_url}pack/")
                 or (Path(room.root_dir) / link["href"].removeprefix(f"{room.base_url}pack/")).is_file()]
        if why == "full":
            heading = _("The room is full")
            text = [_("Every notebook seat on the facilitator's laptop is taken. Use the slides or the take-home, "
                      "or try again in a few minutes.")]
        else:
            heading = _("This device has enough notebooks open")
            text = [_("Close a notebook you no longer use, wait a minute, then try again.")]
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(notice_page(room.content.language, heading, text, links))


class CookielessIdentity(VoilaIdentityProvider):
    """Jupyter Server remembers an anonymous visitor with a random name in a 30-day cookie; the
    room sets no cookie but the poll's: every request is simply anonymous."""

    def set_login_cookie(self, handler, user) -> None:
        pass


def no_request_log(handler) -> None:
    """Tornado's access log names every client's address and path: the room logs no request."""


class RoomApplication(tornado.web.Application):
    """Refuses every request from outside the room's networks, before any handler runs, and
    listens through a server that caps connections and their idle time."""

    def find_handler(self, request, **kwargs):
        room = self.settings.get("dpskit_room")
        if not (room.allows(request.remote_ip) if room is not None else is_local_address(request.remote_ip)):
            return self.get_handler_delegate(request, OutsideHandler, {"room": room} if room is not None else {})
        return super().find_handler(request, **kwargs)

    def listen(self, port: int, address: str | None = None, **kwargs):
        room = self.settings["dpskit_room"]
        server = GuardedHTTPServer(self, idle_connection_timeout=30, body_timeout=30, max_body_size=1 << 20,
                                   **connection_limits(raise_open_file_limit(), room.max_kernels))
        server.listen(port, address or "")
        return server


class OutsideHandler(tornado.web.RequestHandler):
    """What a phone from outside the room's networks sees: why, in the pack's language, and what the
    facilitator can do about it. The page names the phone's own address, for the facilitator."""

    def initialize(self, room=None):
        self.room = room

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Cache-Control", "no-store")
        if self.room is None:
            return self.finish()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(notice_page(self.room.content.language, _("This room is for its own network"), [
            _("This room accepts only devices on the workshop's own network, and this device's address ({address}) "
              "is outside it.").format(address=self.request.remote_ip),
            _("Check that you are on the room's wifi. If the venue's wifi gives public addresses, the facilitator can "
              "allow it: dpskit room --allow-network <the wifi's network, e.g. {example}>.").format(
                example=_example_network(self.request.remote_ip))]))


def _example_network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "203.0.113.0/24"
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 64}", strict=False))


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
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's stack
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
    """The join page; a device without the room's pass gets one (a random value in a cookie that ends
    with the browser session): votes and notebooks need it. Passes per address are rate-limited."""

    def get(self) -> None:
        guard = self.room.guard
        if guard.device(self.get_cookie(PASS_COOKIE)) is None and guard.passes.take(guard.address_key(self.request.remote_ip)):
            self.set_cookie(PASS_COOKIE, guard.new_pass(), path=self.room.base_url, httponly=True, samesite="Strict")
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
    """A participant's phone asks for the open question every few seconds, and gets its ballot for it."""

    def get(self) -> None:
        poll = self.room.polls.current
        if poll is None:
            return self.reply({"open": False})
        device = self.room.guard.device(self.get_cookie(PASS_COOKIE))
        ballot = self.room.polls.ballot(device) if device else None
        self.reply({**poll.question(), "ballot": ballot, "answered": bool(device) and self.room.polls.answered(device)})


class VoteHandler(RoomHandler):
    """One vote per ballot, a ballot only for a device that opened the join page, and a bounded
    number of votes per address: a script cannot drive the count."""

    def post(self) -> None:
        guard = self.room.guard
        device = guard.device(self.get_cookie(PASS_COOKIE))
        if device is None:
            return self.reply({"error": "open the room's page first", "code": "reload"}, 403)
        if not guard.votes.take(guard.address_key(self.request.remote_ip)):
            return self.reply({"error": "too many votes from this address", "code": "slow"}, 429)
        body = self.json_body()
        try:
            self.room.polls.vote(str(body.get("id", "")), body.get("choices"), ballot=body.get("ballot"), device=device)
        except VoteRefused as refused:
            return self.reply({"error": refused.reason, "code": refused.code}, refused.status)
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
    allowed_networks = List(Unicode(), config=True, help="networks beyond the private ones whose devices may join")
    max_kernels = Integer(30, config=True)

    def allows(self, address: str | None) -> bool:
        """Loopback, private and link-local addresses, and the networks the facilitator allowed."""
        if is_local_address(address):
            return True
        try:
            ip = ipaddress.ip_address((address or "").split("%")[0])
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    @cached_property
    def networks(self) -> list:
        return [ipaddress.ip_network(n, strict=False) for n in self.allowed_networks]

    @cached_property
    def guard(self) -> Guard:
        return Guard()

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
            slides = output_path("slides", session.id).as_posix()
            if (Path(self.root_dir) / rel).is_file():  # the pack's data has no titles; the notebook does
                meta = json.loads((Path(self.root_dir) / rel).read_text(encoding="utf-8"))["metadata"].get("dpskit", {})
                sessions.append(SimpleNamespace(title=meta.get("title") or session.id, notebook_path=rel,
                                                slides_path=slides if (Path(self.root_dir) / slides).is_file() else None))
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

        self.polls = RememberingPolls(dict(content.quiz_items), sign=self.guard.sign)  # Polls that also list today's questions for the index
        self.day_check = DayCheck()  # the day's before and after tallies: two anonymous counts, in memory
        self.app = RoomApplication(**self.init_settings(), dpskit_room=self)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.room_handlers())  # first: they win over Voilà's directory page
        self.app.add_handlers(".*$", self.init_handlers())
        # Nothing per request or per participant: Voilà's "is not trusted" is said once, by `dpskit room`.
        redact_all_logs((self.host_token,), drop=(self.base_url, "is not trusted"))
        self.listen()

    def room_handlers(self) -> list:
        from .daycheck import day_check_handlers

        base, room = self.base_url, {"room": self}
        host = base + r"host/([A-Za-z0-9_-]+)/"
        return day_check_handlers(base, self) + [
            (base, JoinHandler, room),
            (base + r"voila/render/(.*)", NotebookHandler, {"voila_configuration": self.voila_configuration,
                                                             "template_paths": self.template_paths, "config": self.config}),
            (base + r"room/(\w+\.js)", AssetHandler, room),
            (base + r"api/poll", QuestionHandler, room),
            (base + r"api/vote", VoteHandler, room),
            (host + r"api/poll", HostPollHandler, room),
            (host + r"api/poll/(open|close)", HostPollHandler, room),
            (base + r"pack/(.*)", PackHandler, {**room, "path": self.root_dir}),
            (host + r"(.*)", HostFilesHandler, {**room, "path": self.facilitator_pack}),
        ]
