"""`dpskit room <facilitator pack>`: the workshop on the room's own network.

One server on the facilitator's laptop, reachable over the venue wifi or the laptop's hotspot
(no internet needed): participants open its address (a QR code on the first slide of every deck)
and get the participant pack (its slides, with quizzes and role-plays, and take-homes) and, when
asked for, its notebooks live in Voilà; the facilitator opens live anonymous polls from question slides. Only counts per option are kept, in memory; nothing is logged about
who asked; requests from outside the local network are refused; everything is gone when the
server stops. The server runs in its own process with the participant mode's private, temporary
Jupyter environment."""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..packs import participant_dir
from .network import is_local_address, lan_addresses

__all__ = ["Room", "RoomSettings", "is_local_address", "room_packs", "serve"]


@dataclass(frozen=True)
class RoomSettings:
    """`room:` in workshop.yml."""

    max_kernels: int = 30     # notebooks running at once; a laptop with 8 GB holds about 30
    idle_minutes: int = 20    # a notebook nobody used for this long is stopped

    @classmethod
    def of(cls, workshop) -> "RoomSettings":
        return cls(**(getattr(workshop, "room", None) or {}))


def room_packs(pack: Path) -> tuple[Path, Path]:
    """(facilitator pack, participant pack beside it), or a FileNotFoundError saying what to give."""
    pack = Path(pack).resolve()
    if pack.name.endswith("-participant"):
        raise FileNotFoundError(f"{pack} is the participant pack: give the facilitator pack beside it, "
                                f"{pack.with_name(pack.name.removesuffix('-participant'))}")
    participant = participant_dir(pack)
    if not (pack / "index.html").is_file() or not (participant / "index.html").is_file():
        raise FileNotFoundError(f"{pack} is not a workshop pack with its participant pack beside it: run make workshop "
                                "(dpskit build --workshop workshop.yml) first")
    if not (participant / "notebooks").is_dir() or not (pack / "curriculum.yml").is_file():
        raise FileNotFoundError(f"{pack} has no notebooks: build the workshop with the notebook formats (the default)")
    return pack, participant


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_holder(port: int) -> str:
    """Which program listens on `port`, in words (psutil; empty if it cannot tell)."""
    try:
        import psutil

        for connection in psutil.net_connections(kind="tcp"):
            if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port and connection.pid:
                process = psutil.Process(connection.pid)
                command = " ".join(process.cmdline())
                what = "a dpskit room left running" if "dpskit.room.server" in command else \
                    "a Voilà or Jupyter server" if ("voila" in command or "jupyter" in command) else process.name()
                return f"{what} (process {connection.pid})"
    except Exception:  # no permission to look, or it went away
        pass
    return ""


def allowed_network(text: str):
    """A network the facilitator allows beyond the private ones (venue wifi with public addresses):
    a network, never a large part of the internet (at least /16 for IPv4, /48 for IPv6)."""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError(f"--allow-network {text}: not a network; give one like 203.0.113.0/24") from None
    if network.prefixlen < (16 if network.version == 4 else 48):
        raise ValueError(f"--allow-network {text}: too wide; give the venue wifi's own network (at least /16 for IPv4, /48 for IPv6)")
    return network


class Room:
    """The room server process; `stop()` ends it, its kernels and its temporary folder."""

    def __init__(self, pack: Path, *, host: str = "0.0.0.0", port: int = 8866, settings: RoomSettings = RoomSettings(),
                 env: dict[str, str] | None = None, output=None, allow_networks: tuple[str, ...] = (), orphan_seconds: int = 60):
        from ..participant import dies_with_parent, private_environment

        if not 0 <= port <= 65535:
            raise ValueError(f"--port {port}: give a number from 1 to 65535")
        host = "127.0.0.1" if host == "localhost" else host
        try:  # an address literal, never a name to look up
            with socket.socket(socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET) as probe:
                probe.bind((host, 0))
        except (OSError, ValueError):
            raise ValueError(f"--host {host}: not an address of this computer (give 0.0.0.0 or one of {', '.join(lan_addresses())})") from None
        networks = [str(allowed_network(n)) for n in allow_networks]
        self.facilitator, self.participant = room_packs(pack)
        self.code, self.token = secrets.token_urlsafe(6), secrets.token_urlsafe(18)
        self.moved_from = None
        if not _port_free(host, port):
            holder = port_holder(port)
            if "dpskit room" in holder or "Voilà" in holder:  # a room that outlived its terminal still serves its pack
                raise RuntimeError(f"port {port} is taken by {holder}: stop it (kill {holder.rsplit(' ', 1)[-1].rstrip(')')}) "
                                   "or choose another --port")
            self.moved_from = (port, holder or "another program")
            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        self.host, self.port = host, port
        address = lan_addresses()[0] if host in ("0.0.0.0", "") else host
        self.join_url = f"http://{address}:{port}/r/{self.code}/"
        self.host_url = f"{self.join_url}host/{self.token}/"
        self.local_url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/r/{self.code}/"
        self.home = Path(tempfile.mkdtemp(prefix="dpskit-room-"))
        (self.home / "runtime").mkdir()
        environment = {**private_environment(self.home), **(env or {}), "DPSKIT_ROOM_CODE": self.code, "DPSKIT_ROOM_TOKEN": self.token}
        command = [sys.executable, "-m", "dpskit.room.server", str(self.facilitator), str(self.participant),
                   f"--host={host}", f"--port={port}", f"--join-url={self.join_url}", f"--max-kernels={settings.max_kernels}",
                   f"--idle-minutes={settings.idle_minutes}", f"--runtime={self.home / 'runtime'}",
                   f"--orphan-seconds={orphan_seconds}", *(f"--allow-network={n}" for n in networks)]
        # Its own session (Ctrl-C is handled here, which stops it and its kernels), and it dies with
        # this process even when this one is killed outright.
        self.process = subprocess.Popen(command, env=environment, cwd=self.home, stdout=output, stderr=subprocess.STDOUT if output else None,
                                        start_new_session=True, preexec_fn=dies_with_parent(os.getpid()))

    def wait_ready(self, timeout: float = 120) -> "Room":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the room server stopped (exit code {self.process.returncode})")
            try:
                with urllib.request.urlopen(self.local_url + "api/poll", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"the room server did not answer within {timeout:.0f} s")

    def stop(self) -> int | None:
        """SIGTERM to the server and its kernels, SIGKILL if they linger; the temporary folder goes."""
        from ..participant import stop_group

        try:
            return stop_group(self.process)
        finally:
            shutil.rmtree(self.home, ignore_errors=True)


def terminal_qr(url: str) -> str:
    import io

    import segno

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()


def serve(pack: Path, *, host: str = "0.0.0.0", port: int = 8866, settings: RoomSettings = RoomSettings(), say=print,
          allow_networks: tuple[str, ...] = ()) -> int:
    """Run the room until Ctrl-C; print where to join and the facilitator's address."""
    room = Room(pack, host=host, port=port, settings=settings, allow_networks=allow_networks)
    try:
        if room.moved_from:
            say(f"Port {room.moved_from[0]} is taken by {room.moved_from[1]}: the room uses port {room.port}.")
        room.wait_ready()
        say(terminal_qr(room.join_url))
        say(f"Participants join at {room.join_url}  (room's wifi or this laptop's hotspot)")
        say(f"Facilitator (keep this address to yourself; it opens polls): {room.host_url}")
        minutes = f"{settings.idle_minutes} minute{'s' if settings.idle_minutes != 1 else ''}"
        say(f"Phones get the pack's pages; up to {settings.max_kernels} live notebooks at once, each stopped when its page "
            f"closes or after {minutes} unused. Nothing is saved. Ctrl-C closes the room.")
        say("The notebooks run as built, with no code shown (Jupyter calls them 'not trusted' because they were not "
            "opened on this laptop before; that is expected).")
        if allow_networks:
            say(f"Besides private networks, the room accepts devices on {', '.join(allow_networks)}.")
        return room.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        room.stop()
