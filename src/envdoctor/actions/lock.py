"""One lock per target environment: `fix --apply`, `restore` and `create` never run two at once on
the same prefix.

The lock is an advisory `flock` on a lock file: `<prefix>/.envdoctor/lock` where envdoctor may write
in the prefix, else `$ENVDOCTOR_STATE_DIR/locks/<prefix-slug>.lock` (create, before the prefix
exists, always uses the state folder, keyed by the destination). The kernel drops the lock when its
holder ends, however it ends (a SIGKILL included), so a stale lock cannot block anyone. The holder
writes who it is (pid, verb, start time) into the file, for the message the next one gets.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from envdoctor.errors import EnvdoctorError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl


class LockBusy(EnvdoctorError):
    """Another envdoctor is changing the same environment."""


def slug(prefix: str) -> str:
    real = os.path.realpath(prefix)
    name = re.sub(r"[^A-Za-z0-9]+", "-", real).strip("-")[-60:] or "root"
    return f"{name}-{hashlib.sha256(real.encode()).hexdigest()[:8]}"


def lock_path(prefix: str, *, state: Path, in_prefix: bool) -> Path:
    """Where the lock of `prefix` lives (see the module's doc string)."""
    if in_prefix:
        return Path(prefix) / ".envdoctor" / "lock"
    return state / "locks" / f"{slug(prefix)}.lock"


def _holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0)
        data = json.loads(raw.decode("utf-8", "replace") or "{}")
    except (OSError, ValueError):
        return "another envdoctor"
    if not isinstance(data, Mapping):
        return "another envdoctor"
    verb = str(data.get("verb", "envdoctor"))[:40]
    pid = data.get("pid")
    since = str(data.get("since", ""))[:40]
    return f"`envdoctor {verb}` (pid {pid}, since {since})" if isinstance(pid, int) else "another envdoctor"


@contextmanager
def hold(path: Path, *, prefix: str, verb: str, wait: float = 0.0) -> Iterator[Path]:
    """Hold the lock at `path` (its folder must exist and be contained by the caller) for `verb`;
    LockBusy when another process holds it for longer than `wait` seconds."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise EnvdoctorError(f"cannot open the lock file {path}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            if _try_lock(fd):
                break
            else:
                if time.monotonic() >= deadline:
                    raise LockBusy(
                        f"{_holder(fd)} is changing {prefix}; nothing was done. Try again when it has "
                        f"finished (lock: {path})"
                    ) from None
                time.sleep(0.2)
        stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        info = json.dumps({"pid": os.getpid(), "verb": verb, "since": stamp, "prefix": prefix}) + "\n"
        with suppress(OSError):  # who holds it is for the message only: a full disk is no reason to stop
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.encode(), 0)
        try:
            yield path
        finally:
            with suppress(OSError):
                os.ftruncate(fd, 0)
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    else:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
