"""The room server's process: `python -m dpskit.room.server FACILITATOR PARTICIPANT ...`.
The room code and the facilitator's token come in the environment (DPSKIT_ROOM_CODE,
DPSKIT_ROOM_TOKEN), not on the command line, which every user of the computer can list."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from ..participant import TEMPLATE, kernel_transport, voila_language


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dpskit.room.server")
    parser.add_argument("facilitator")
    parser.add_argument("participant")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--join-url", required=True)
    parser.add_argument("--max-kernels", type=int, default=30)
    parser.add_argument("--idle-minutes", type=int, default=20)
    parser.add_argument("--runtime", required=True, help="temporary folder for connection files")
    parser.add_argument("--orphan-seconds", type=int, default=60, help="a notebook with no page open stops after this")
    parser.add_argument("--allow-network", action="append", default=[], help="a network beyond the private ones")
    args = parser.parse_args(argv)

    from .app import RoomApp

    code, token = os.environ.pop("DPSKIT_ROOM_CODE"), os.environ.pop("DPSKIT_ROOM_TOKEN")  # kernels need neither
    try:
        _launch(RoomApp, args, code, token)
    finally:  # also when `dpskit room` was killed outright and this got its parent-death signal
        remove_room_folder(Path(args.runtime))


def remove_room_folder(runtime: Path) -> None:
    """Remove the temporary folder `dpskit room` made (`dpskit-room-…`, holding `runtime/`), and
    nothing else: given any other --runtime (a mistake, a test), only what is inside runtime/ goes."""
    runtime = runtime.resolve()
    home = runtime.parent
    if runtime.name == "runtime" and home.name.startswith("dpskit-room-") and home != Path(home.anchor):
        shutil.rmtree(home, ignore_errors=True)
    elif runtime.is_dir() and runtime != Path(runtime.anchor):
        for child in runtime.iterdir():
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() and not child.is_symlink() else child.unlink(missing_ok=True)


def _launch(RoomApp, args, code: str, token: str) -> None:
    RoomApp.launch_instance(argv=[
        args.participant, f"--template={TEMPLATE}", f"--port={args.port}", f"--Voila.ip={args.host}", "--no-browser",
        "--Voila.port_retries=0", "--show_tracebacks=False", f"--Voila.base_url=/r/{code}/",
        f"--Voila.connection_dir_root={args.runtime}",
        "--VoilaConfiguration.multi_kernel_manager_class=dpskit.room.app.BoundedKernelManager",
        *kernel_transport(Path(args.runtime)),  # files in the room's temporary folder where their names fit
        "--Voila.identity_provider_class=dpskit.room.app.CookielessIdentity",
        f"--BoundedKernelManager.max_kernels={args.max_kernels}", f"--RoomApp.max_kernels={args.max_kernels}",
        *(f"--RoomApp.allowed_networks={network}" for network in args.allow_network),
        f"--PageKernelManager.orphan_seconds={args.orphan_seconds}",
        f"--MappingKernelManager.cull_idle_timeout={args.idle_minutes * 60}", "--MappingKernelManager.cull_interval=60",
        f"--RoomApp.facilitator_pack={args.facilitator}", f"--RoomApp.join_url={args.join_url}",
        *voila_language(args.participant),  # the list and session pages say the pack's language
    ], room_code=code, host_token=token)


if __name__ == "__main__":
    main()
