"""Where a build may write: only into a folder it made itself, one build at a time.

A build renders into a hidden staging folder beside the output and swaps it in when everything
worked. The swap deletes the previous output, so it is allowed only for a folder that carries
dpskit's manifest (or does not exist, or is empty), never for the project's own folders or the
user's files. The lock beside the output is also the build's journal: it names every staging
folder and partial zip the build makes, so the next build removes what a killed one left (and
nothing else), and it is removed when the build ends."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from contextvars import ContextVar
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


def check_target(out: Path, root: Path) -> None:
    """Refuse an output folder that is not ours to replace: only one with dpskit's manifest in it
    (or an empty or new one) is. The participant pack beside a pack is checked on its own too."""
    out, root = out.resolve(), root.resolve()
    if out == root or root.is_relative_to(out):
        raise OutputError(f"{out} holds the project itself; a build replaces its output folder, so choose an empty or new "
                          f"folder (default: {root / OUTPUT_FOLDER}/…)")
    if out.is_relative_to(root):
        top = root / out.relative_to(root).parts[0]
        just_made = out == top and top.is_dir() and not any(top.iterdir())  # an empty folder the user made for this build
        if top.name != OUTPUT_FOLDER and top.is_dir() and not (top / MANIFEST).is_file() and not just_made:
            raise OutputError(f"{out} is inside the project's own {top.name}/ folder; write builds to {root / OUTPUT_FOLDER}/ "
                              "or a folder outside the project")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder")
    if out.is_dir() and not is_ours(out) and any(out.iterdir()):
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


def fingerprint(path: Path, known: object = None) -> list:
    """[size, mtime_ns, sha256] of a file this build wrote; `known` (an earlier fingerprint) spares
    hashing a file whose size and modification time it already gives."""
    stat = path.stat()
    if isinstance(known, list) and len(known) == 3 and known[:2] == [stat.st_size, stat.st_mtime_ns]:
        return known
    return [stat.st_size, stat.st_mtime_ns, _sha256(path)]


def intact(path: Path, recorded: object) -> bool:
    """Whether the file is still what the build wrote: same size and modification time (cheap), or
    else the same bytes (a copy or a touch is no damage; an emptied, cut or edited file is)."""
    if not isinstance(recorded, list) or len(recorded) != 3:
        return False
    try:
        stat = path.stat()
        return stat.st_size == recorded[0] and (stat.st_mtime_ns == recorded[1] or _sha256(path) == recorded[2])
    except OSError:
        return False


def _sha256(path: Path) -> str:
    import hashlib

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def files_of(folder: Path) -> list[str]:
    """Every file of a pack (relative paths), its manifest and the staging folder's .gitignore aside."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.name != MANIFEST and p != folder / ".gitignore")


def read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_journal: ContextVar = ContextVar("dpskit_build_journal", default=None)


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.dpskit-lock"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """One build at a time into `out`; the lock goes with the process, even after kill -9. Taking it
    removes what the journal names (a killed build's staging and partial zips); the lock file is
    removed when the build ends."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(out)
    while True:
        handle = open(path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise OutputError(f"another build is running into {out}; wait for it to finish") from None
            raise
        try:
            if os.fstat(handle.fileno()).st_ino == path.stat().st_ino:
                break  # still the lock file (the build before may have removed it while we opened it)
        except FileNotFoundError:
            pass
        handle.close()
    token = _journal.set((handle, out.parent))
    try:
        _remove_journaled(handle, out.parent)
        yield
    finally:
        _journal.reset(token)
        path.unlink(missing_ok=True)
        handle.close()


def _remove_journaled(handle, folder: Path) -> None:
    handle.seek(0)
    for name in handle.read().splitlines():
        stale = folder / name
        if name.startswith(STAGING) and "/" not in name and (stale.exists() or stale.is_symlink()):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() and not stale.is_symlink() else stale.unlink(missing_ok=True)
    handle.truncate(0)
    handle.flush()


def journaled(path: Path) -> Path:
    """Note `path` (beside the output) in the running build's journal before it is created."""
    active = _journal.get()
    if active is not None and path.parent == active[1]:
        handle = active[0]
        handle.write(path.name + "\n")
        handle.flush()
    return path


def staging_folder(out: Path) -> Path:
    """A fresh hidden folder beside `out` (same file system: the swap is a rename), named in the
    build's journal. Call it holding `locked(out)` (or the lock of the pack it goes beside)."""
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{out.name}~", dir=out.parent))
    journaled(staging)
    staging.chmod(0o777 & ~umask())
    (staging / ".gitignore").write_text("*\n")  # git status shows nothing of a build in progress
    return staging


def replace(staging: Path, out: Path) -> None:
    """Swap the finished build in; the old output is removed only after the new one is in place."""
    (staging / ".gitignore").unlink(missing_ok=True)
    previous = None
    if out.exists():
        previous = journaled(out.with_name(f"{STAGING}{out.name}~old-{os.getpid()}"))
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


def write_zip(folder: Path, archive: Path, key: str, leave_out: str | None = None) -> Path:
    """The whole pack in one file (but its `leave_out` folder), its key in the zip comment; written beside
    it, then moved into place, so an interrupted build never leaves a zip that looks current."""
    mode = 0o666 & ~umask()
    partial = journaled(archive.with_name(f"{STAGING}{archive.name}~{os.getpid()}"))
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.name != MANIFEST and not (leave_out and path.is_relative_to(folder / leave_out)):
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
