"""Bounded reads of files that come from an environment or from the user: regular files only (a
FIFO, a device or a socket is refused before it is read, and never opened in a way that blocks),
at most `limit` bytes (one byte more is an error, never a silent cut). Stdlib only and cheap to
import: check's fast path uses it. The in-target twin is `envdoctor.probe._scan.read_bounded`.
"""

from __future__ import annotations

import json
import os
import stat
from typing import BinaryIO

KIB = 1 << 10
MIB = 1 << 20
TEXT_LIMIT = 1 * MIB  # small text files from an environment: pyvenv.cfg, version files, headers
JSON_LIMIT = 64 * MIB  # conda-meta records (a `files` list of 100,000 paths is ~10 MB), caches
SNAPSHOT_LIMIT = 16 * MIB  # a real one: ~1.3 KB per distribution (365: 0.47 MB); 16 MiB ~ 13,000
JSON_DEPTH_LIMIT = 64  # envdoctor's own documents nest 6 deep

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class Refused(OSError):
    """A file that is not read: not a regular file, or larger than the limit."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit // KIB} KiB"


def read_bytes(path: str | os.PathLike[str], limit: int = TEXT_LIMIT) -> bytes:
    """The content of the regular file `path`, at most `limit` bytes. Raises FileNotFoundError
    and other OSErrors as open() does, and `Refused` for what is not read."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"{os.fspath(path)} is {_kind(st.st_mode)}, not read")
    if st.st_size > limit:
        raise Refused(f"{os.fspath(path)} is larger than {_size(limit)}, not read")
    fd = os.open(path, _OPEN_FLAGS)  # O_NONBLOCK: a file swapped for a FIFO meanwhile cannot block
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{os.fspath(path)} is {_kind(st.st_mode)}, not read")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # /proc files say size 0: the read decides
            chunk = os.read(fd, min(MIB, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise Refused(f"{os.fspath(path)} is larger than {_size(limit)}, not read")
    return data


def read_prefix(path: str | os.PathLike[str], size: int, *, from_end: bool = False) -> bytes:
    """The first (or last) `size` bytes of the regular file `path` (a script's shebang, a
    launcher's tail); `Refused` for what is not a regular file."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{os.fspath(path)} is {_kind(st.st_mode)}, not read")
        if from_end and st.st_size > size:
            os.lseek(fd, st.st_size - size, os.SEEK_SET)
        return os.read(fd, size)
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], limit: int = TEXT_LIMIT, errors: str = "replace") -> str:
    return read_bytes(path, limit).decode("utf-8", errors=errors)


def read_stream(stream: BinaryIO, limit: int, what: str) -> bytes:
    """At most `limit` bytes of an open stream (standard input); `Refused` beyond."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"{what} is larger than {_size(limit)}, not read")
    return data


def maybe_text(path: str | os.PathLike[str], limit: int = TEXT_LIMIT) -> str | None:
    """The file's text, or None when it is absent, unreadable or refused."""
    try:
        return read_text(path, limit)
    except (OSError, ValueError):
        return None


def json_depth_ok(data: object, limit: int = JSON_DEPTH_LIMIT) -> bool:
    """Whether `data` (parsed JSON) nests at most `limit` deep; iterative, so any depth is safe."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            values: list[object] = list(item.values())
        elif isinstance(item, list):
            values = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((v, depth + 1) for v in values if type(v) is dict or type(v) is list)
    return True


def load_json(raw: bytes | str, what: str) -> object:
    """Parsed JSON, or ValueError with one line: not JSON, nested beyond any real document (a
    RecursionError in the parser), or deeper than JSON_DEPTH_LIMIT."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ValueError(f"{what}: nested too deeply to be an envdoctor document") from None
    except ValueError as exc:
        raise ValueError(f"{what}: not JSON ({str(exc)[:160]})") from None
    if not json_depth_ok(data):
        raise ValueError(f"{what}: nested more than {JSON_DEPTH_LIMIT} levels deep") from None
    return data


__all__ = [
    "JSON_LIMIT",
    "MIB",
    "SNAPSHOT_LIMIT",
    "TEXT_LIMIT",
    "Refused",
    "load_json",
    "maybe_text",
    "read_bytes",
    "read_prefix",
    "read_stream",
    "read_text",
]
