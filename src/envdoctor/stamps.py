"""File stamps: what tells a cached result that the files it was made from changed.

A fact about files (read by the probe, compared by the result cache in envdoctor.checkcache), so it
sits below both.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time

from envdoctor.bounded import JSON_LIMIT, read_bytes

RACY_SECONDS = 2.0  # coarser than any file system's timestamps (FAT: 2 s; ext4, APFS, NTFS: < 10 ms)


class Stamps:
    """Stamps of the files a result depends on, taken at one moment; `racy` holds the content
    digest of each file (or folder listing) changed within RACY_SECONDS of that moment."""

    def __init__(self) -> None:
        self.racy_after = time.time_ns() - int(RACY_SECONDS * 1e9)
        self.racy: dict[str, str] = {}

    def of(self, path: str | os.PathLike[str]) -> str:
        """inode:size:mtime:ctime of `path` ("-" when absent)."""
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return "-"
        if st.st_ctime_ns > self.racy_after or st.st_mtime_ns > self.racy_after:
            self.racy[os.fspath(path)] = content_digest(path)
        return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def content_digest(path: str | os.PathLike[str]) -> str:
    """sha256 of a regular file's content or of a folder's sorted listing; "-" when unreadable."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            data = "\n".join(sorted(os.listdir(path))).encode("utf-8", "surrogateescape")
        elif stat.S_ISREG(st.st_mode):
            data = read_bytes(path, JSON_LIMIT)
        else:
            return f"mode {st.st_mode:o}"
    except (OSError, ValueError):
        return "-"
    return hashlib.sha256(data).hexdigest()


def file_stamp(path: str | os.PathLike[str], stamps: Stamps | None = None) -> bytes:
    """A file's path and stamp: changes whenever the file is written, replaced or touched."""
    return f"{os.fspath(path)}|{(stamps or Stamps()).of(path)}".encode("utf-8", "surrogateescape")
