"""Where a build may write: only into a folder it made itself, one build at a time.

A build renders into a hidden staging folder beside the output and swaps it in when everything
worked. The swap deletes the previous output, so it is allowed only for a folder that carries
dpskit's manifest (or does not exist, or is empty), never for the project's own folders or the
user's files."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MANIFEST = ".dpskit-manifest.json"
STAGING = ".dpskit-staging-"
OUTPUT_FOLDER = "build"  # the one folder of a project that holds outputs


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


def umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_target(out: Path, root: Path, *, companion_of: Path | None = None) -> None:
    """Refuse an output folder that is not ours to replace. `companion_of`: the pack this folder is
    written beside (the participant pack), which vouches for it when it predates manifests."""
    out, root = out.resolve(), root.resolve()
    if out == root or root.is_relative_to(out):
        raise OutputError(f"{out} holds the project itself; a build replaces its output folder, so choose an empty or new "
                          f"folder (default: {root / OUTPUT_FOLDER}/…)")
    if out.is_relative_to(root):
        top = root / out.relative_to(root).parts[0]
        if top.name != OUTPUT_FOLDER and top.is_dir() and not (top / MANIFEST).is_file():
            raise OutputError(f"{out} is inside the project's own {top.name}/ folder; write builds to {root / OUTPUT_FOLDER}/ "
                              "or a folder outside the project")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder")
    vouched = companion_of is not None and is_ours(companion_of)
    if out.is_dir() and not is_ours(out) and not vouched and any(out.iterdir()):
        packs = sorted(child.name for child in out.iterdir() if child.is_dir() and is_ours(child))
        if packs:
            raise OutputError(f"{out} holds other builds ({', '.join(packs)}), which a build here would replace; "
                              f"give this one a folder of its own, e.g. --out {out / 'all'}")
        raise OutputError(f"{out} is not empty and was not made by dpskit (no {MANIFEST}); a build replaces its whole "
                          "output folder, so choose an empty or new folder")


def is_ours(folder: Path) -> bool:
    try:
        return isinstance(json.loads((folder / MANIFEST).read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """One build at a time into `out`; the lock goes with the process, even after kill -9."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.parent / f".{out.name}.dpskit-lock"
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise OutputError(f"another build is running into {out}; wait for it to finish") from None
            raise
        yield
    finally:
        handle.close()


def staging_folder(out: Path) -> Path:
    """A fresh hidden folder beside `out` (same file system: the swap is a rename), after removing
    what builds killed before us left there. Call it holding `locked(out)`."""
    older = re.compile(rf"\.{re.escape(out.name)}-(old-\d+|[a-z0-9_]{{8}})")  # what earlier builds left behind
    for stale in out.parent.iterdir():
        if stale.name.startswith((f"{STAGING}{out.name}~", f"{STAGING}{out.name}.zip~", f"{STAGING}{out.name}-FACILITATOR.zip~")) or (
                stale.is_dir() and older.fullmatch(stale.name)):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{out.name}~", dir=out.parent))
    staging.chmod(0o777 & ~umask())
    (staging / ".gitignore").write_text("*\n")  # git status shows nothing of a build in progress
    return staging


def replace(staging: Path, out: Path) -> None:
    """Swap the finished build in; the old output is removed only after the new one is in place."""
    (staging / ".gitignore").unlink(missing_ok=True)
    previous = None
    if out.exists():
        previous = out.with_name(f"{STAGING}{out.name}~old-{os.getpid()}")
        out.rename(previous)
    staging.rename(out)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def archive_is_current(archive: Path, key: str) -> bool:
    try:
        with zipfile.ZipFile(archive) as bundle:
            return bundle.comment == key.encode()
    except (OSError, zipfile.BadZipFile):
        return False


def write_zip(folder: Path, archive: Path, key: str) -> Path:
    """The whole pack in one file, its key in the zip comment; written beside it, then moved into place,
    so an interrupted build never leaves a zip that looks current."""
    mode = 0o666 & ~umask()
    partial = archive.with_name(f"{STAGING}{archive.name}~{os.getpid()}")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.name != MANIFEST:
                    info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", date_time=(2026, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = (0o100000 | mode) << 16
                    bundle.writestr(info, path.read_bytes())
            bundle.comment = key.encode()
        partial.chmod(mode)
        partial.replace(archive)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return archive
