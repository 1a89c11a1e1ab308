"""Atomic file writes: readers see the old file or the new one, never a mixture.

The bytes go to a temporary file ``.NAME.PID.XXXX.tmp`` in the same directory, which is
flushed, synced and renamed over the target (:func:`os.replace`). A save killed midway
leaves only that temporary file, which the next save to the same path removes.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["atomic_write_bytes", "remove_stale_temporaries"]


def _write_all(fh: Any, data: bytes) -> None:
    """Write ``data`` in 1 MiB chunks (a separate function so a test can make it fail
    midway, as a full disk or a killed process would)."""
    view = memoryview(data)
    for start in range(0, len(view), 1 << 20):
        fh.write(view[start : start + (1 << 20)])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_stale_temporaries(path: str | os.PathLike[str], max_age_s: float = 3600.0) -> list[Path]:
    """Delete the temporary files that killed saves to ``path`` left behind.

    :func:`atomic_write_bytes` names them ``.NAME.PID.XXXX.tmp``; one whose process no
    longer exists is removed (one without a process id, from older versions, once it is
    ``max_age_s`` old). Called by every save.

    Returns
    -------
    list of Path
        The files removed.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    prefix = f".{path.name}."
    removed: list[Path] = []
    try:
        candidates = [f for f in directory.iterdir() if f.name.startswith(prefix)]
    except OSError:
        return removed
    for f in candidates:
        if not f.name.endswith(".tmp") or not f.is_file():
            continue
        tag = f.name[len(prefix) :].split(".", 1)[0]
        try:
            stale = (
                not _alive(int(tag))
                if tag.isdigit()
                else (time.time() - f.stat().st_mtime > max_age_s)
            )
            if stale:
                f.unlink()
                removed.append(f)
        except OSError:
            continue
    return removed


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never
    a mixture: write a temporary file in the same directory, fsync it, rename it over
    ``path`` (:func:`os.replace` is atomic on POSIX and Windows)."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise FileNotFoundError(
            f"{path}: the directory {directory} does not exist; create it first."
        )
    remove_stale_temporaries(path)
    # The writer's process id in the name lets a later save tell a killed save's file
    # (process gone) from one still being written by another process.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_all(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a model file is not a secret
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable (POSIX); harmless where unsupported
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
    return path
