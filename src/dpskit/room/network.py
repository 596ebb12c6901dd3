"""Which addresses belong to the room, which address to print, and logs that name no one."""

from __future__ import annotations

import ipaddress
import logging
import re


def is_local_address(address: str | None) -> bool:
    """Loopback, private (RFC 1918, IPv6 unique local) or link-local: the room's own network.
    Anything else, or something that is not an address at all, is outside."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])  # fe80::1%wlan0
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_private or ip.is_link_local) and not ip.is_unspecified and not ip.is_multicast


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses on local networks (wifi, hotspot, cable), loopback last.
    Read from the interfaces (psutil); nothing is sent anywhere to find them."""
    import psutil

    found = []
    for name, addresses in psutil.net_if_addrs().items():
        for address in addresses:
            if address.family.name == "AF_INET" and is_local_address(address.address):
                found.append((address.address.startswith("127."), not name.startswith(("wl", "en", "eth")), address.address))
    return [address for *_, address in sorted(found)] or ["127.0.0.1"]


IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]{0,4})(?:%\w+)?(?![\w:.])")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """The text without IP addresses or the given secrets (the facilitator's token)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<token>")
    return IPV4.sub(_if_address, IPV6.sub(_if_address, text))


def _if_address(match: re.Match) -> str:
    try:
        ipaddress.ip_address(match.group(0))
    except ValueError:
        return match.group(0)  # a clock time, a version number
    return "<address>"


KERNEL_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


class Redact(logging.Filter):
    """On every log handler: tornado and Jupyter name the client's address in warnings
    ("400 GET /x (192.168.1.7)", "Malformed HTTP message from ..."); the room's log never does.
    A record about one request or one participant's kernel (it names a path under `drop`, the
    room's address, or a kernel id) is not logged at all."""

    def __init__(self, secrets: tuple[str, ...] = (), drop: tuple[str, ...] = ()):
        super().__init__()
        self.secrets, self.drop = secrets, tuple(d for d in drop if d)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.drop and (any(d in message for d in self.drop) or KERNEL_ID.search(message)):
            return False
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = redact(message, self.secrets), ()
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def redact_all_logs(secrets: tuple[str, ...] = (), drop: tuple[str, ...] = ()) -> None:
    """Put the filter on every handler that exists now (call after the app set up its logging),
    and give the root logger one, so tornado's messages never reach Python's unfiltered last resort."""
    import sys

    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        root.addHandler(handler)
    loggers = [root] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    handlers = [handler for logger in loggers for handler in getattr(logger, "handlers", [])]
    for handler in handlers + [logging.lastResort]:
            if not any(isinstance(f, Redact) for f in handler.filters):
                handler.addFilter(Redact(secrets, drop))
