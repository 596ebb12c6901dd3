"""Helpers for the live-client tests: start `dpskit participant`'s Voilà or JupyterLab server on a
free port with a sitecustomize that records every attempt to reach another host (from the server
and from every kernel it starts), and stop it with everything it started."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

# Loaded by every Python the server starts (server, kernels): PYTHONPATH points at its folder.
SITECUSTOMIZE = r'''
import os, socket

_LOG = os.environ.get("DPSKIT_NET_LOG")
_LOCAL = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "", "::", None}


def _record(kind, host):
    host = host.decode() if isinstance(host, bytes) else host
    if host in _LOCAL or (isinstance(host, str) and host.startswith("127.")):
        return
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {kind} {host}\n")


_getaddrinfo = socket.getaddrinfo
_create_connection = socket.create_connection
_connect = socket.socket.connect


def getaddrinfo(host, *args, **kwargs):
    _record("getaddrinfo", host)
    return _getaddrinfo(host, *args, **kwargs)


def create_connection(address, *args, **kwargs):
    _record("create_connection", address[0])
    return _create_connection(address, *args, **kwargs)


def connect(self, address):
    if isinstance(address, tuple):
        _record("connect", address[0])
    return _connect(self, address)


socket.getaddrinfo = getaddrinfo
socket.create_connection = create_connection
socket.socket.connect = connect
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """`dpskit participant` (Voilà, or JupyterLab with lab=True) on 127.0.0.1, watched for outside requests."""

    def __init__(self, pack: Path, *, lab: bool, log_dir: Path, language: str | None = None):
        from dpskit.participant import private_environment, server_command

        self.home = Path(tempfile.mkdtemp(prefix="dpskit-live-test-"))
        hooks = self.home / "hooks"
        hooks.mkdir()
        (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
        self.net_log = self.home / "outside-attempts.log"
        self.net_log.touch()
        self.port = free_port()
        self.token = secrets.token_hex(16) if lab else ""
        command = server_command(pack, lab=lab, port=self.port, open_browser=False)
        if lab:
            command.append(f"--IdentityProvider.token={self.token}")
        env = private_environment(self.home, language)  # as dpskit participant passes the pack's language
        env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(hooks), env.get("PYTHONPATH", "")])),
                   DPSKIT_NET_LOG=str(self.net_log))
        self.output = (log_dir / f"{'lab' if lab else 'voila'}-server.log").open("w")
        started = time.perf_counter()
        self.process = subprocess.Popen(command, env=env, stdout=self.output, stderr=subprocess.STDOUT,
                                        cwd=self.home, start_new_session=True)
        self.origin = f"http://127.0.0.1:{self.port}"
        self._wait_ready(timeout=120)
        self.start_seconds = time.perf_counter() - started

    def url(self, path: str) -> str:
        query = f"{'&' if '?' in path else '?'}token={self.token}" if self.token else ""
        return f"{self.origin}/{path.lstrip('/')}{query}"

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.output.name}")
            try:
                with urllib.request.urlopen(self.url("api/status" if self.token else ""), timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"server not ready after {timeout} s; see {self.output.name}")

    def outside_attempts(self) -> list[str]:
        return [line for line in self.net_log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        """SIGTERM to the server's process group (server and kernels), SIGKILL if it lingers."""
        import shutil

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        try:  # kernels may outlive the server by a moment
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.output.close()
        attempts = self.outside_attempts()
        shutil.rmtree(self.home, ignore_errors=True)
        self.final_attempts = attempts


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and modification time: to prove nothing was written."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))} | {".": (0, folder.stat().st_mtime_ns)}


def make_read_only(folder: Path) -> None:
    """chmod a-w everything (root ignores it; the snapshot comparison is what proves no writes)."""
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(path.stat().st_mode & ~0o222)
    folder.chmod(folder.stat().st_mode & ~0o222)


def make_writable(folder: Path) -> None:
    folder.chmod(folder.stat().st_mode | 0o200)
    for path in folder.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
