"""What keeps one phone, or one script on the wifi, from taking more than its share of the room:
a pass each device gets by opening the join page, rate limits per address, and a cap on
connections that keeps a slot for the facilitator's own laptop.

Nothing here says who anyone is: the pass is a random value in a cookie that ends with the
browser session, addresses are kept only as keyed hashes (the key is random and dies with the
room), and all of it lives in memory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
import weakref

from tornado.httpserver import HTTPServer

PASS_COOKIE = "dpskit-room"


class Buckets:
    """A token bucket per address: `capacity` at once, then one more every `every` seconds."""

    def __init__(self, capacity: int, every: float):
        self.capacity, self.every = capacity, every
        self.levels: dict[str, tuple[float, float]] = {}

    def take(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        level, since = self.levels.get(key, (self.capacity, now))
        level = min(self.capacity, level + (now - since) / self.every)
        if len(self.levels) > 4096:  # forget the addresses that are back to full
            self.levels = {k: v for k, v in self.levels.items() if v[0] + (now - v[1]) / self.every < self.capacity}
        if level < 1:
            self.levels[key] = (level, now)
            return False
        self.levels[key] = (level - 1, now)
        return True


class Guard:
    """The room's passes, ballots' key and rate limits. `secret` is random per room."""

    def __init__(self, secret: bytes | None = None):
        self.secret = secret or secrets.token_bytes(32)
        self.passes = Buckets(capacity=6, every=60)      # new devices per address: a phone needs one
        self.votes = Buckets(capacity=6, every=10)       # answers per address
        self.seats = Buckets(capacity=10, every=6)       # notebooks started per address (a reload starts one)

    def sign(self, *parts: str) -> str:
        digest = hmac.new(self.secret, "\0".join(parts).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")

    def address_key(self, address: str | None) -> str:
        """The address as a keyed hash: enough to count per address, useless to anyone reading memory."""
        return self.sign("address", address or "")

    def new_pass(self) -> str:
        device = secrets.token_urlsafe(12)
        return f"{device}.{self.sign('pass', device)}"

    def device(self, value: str | None) -> str | None:
        """The device behind a pass cookie the room issued, or None."""
        device, _, signature = (value or "").partition(".")
        if device and signature and hmac.compare_digest(signature, self.sign("pass", device)):
            return device
        return None


def raise_open_file_limit() -> int:
    """The soft limit on open files raised to the hard one (a laptop's default 1024 is less than a
    busy room needs); returns the soft limit now in force."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard if hard != resource.RLIM_INFINITY else 1 << 16, 1 << 16)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


class GuardedHTTPServer(HTTPServer):
    """Tornado's HTTP server with a ceiling: at most `max_connections` open connections (requests
    and websockets), `per_address` from any one address; the laptop itself (the facilitator) keeps
    `facilitator_slots` more. A connection over the limit is closed at once, and the overload is
    logged once, not per connection, with no address."""

    def initialize(self, *args, max_connections: int = 512, per_address: int = 48, facilitator_slots: int = 16, **kwargs):
        super().initialize(*args, **kwargs)
        self.max_connections, self.per_address, self.facilitator_slots = max_connections, per_address, facilitator_slots
        self.streams: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # open stream -> its address
        self.overloaded = False

    def handle_stream(self, stream, address) -> None:
        remote = address[0] if isinstance(address, tuple) else None
        try:
            own = remote is not None and stream.socket.getsockname()[0] == remote  # a browser on this laptop
        except OSError:
            own = False
        live = [a for s, a in list(self.streams.items()) if not s.closed()]
        limit = self.max_connections + (self.facilitator_slots if own else 0)
        if len(live) >= limit or (not own and live.count(remote) >= self.per_address):
            if not self.overloaded:
                self.overloaded = True
                logging.getLogger("dpskit.room").warning(
                    "The room is at its limit of open connections (%d, %d per device): it refuses new ones until "
                    "others close. This is said once.", self.max_connections, self.per_address)
            stream.close()
            return
        self.streams[stream] = remote
        super().handle_stream(stream, address)


def connection_limits(open_files: int, max_kernels: int) -> dict:
    """How many connections the room can hold with `open_files` descriptors, after the server's
    own files and every kernel's sockets and pipes (about 16 each), and the facilitator's slots."""
    spare = open_files - 64 - 16 * max_kernels - 16
    return {"max_connections": max(16, spare), "per_address": 48, "facilitator_slots": 16}
