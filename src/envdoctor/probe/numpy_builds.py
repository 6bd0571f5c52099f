"""Record which NumPy C API each installed extension was built against (Distribution.numpy_build).

Only worth doing when NumPy 2 is installed (extensions built against NumPy 2 run on NumPy 1), and
only for distributions that use NumPy. Answers are cached with the stamps of the files they were
read from, so a repeated `check` reads no binary twice (see `annotate_numpy_builds`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from envdoctor.bounded import JSON_LIMIT, read_bytes
from envdoctor.locations import cache_dir
from envdoctor.model import Distribution, Skipped
from envdoctor.probe.distributions import read_record_extensions
from envdoctor.probe.numpy_binary import scan_distribution


def _uses_numpy(dist: Distribution) -> bool:
    # lazy: defers frameworks (17.3 ms, 2 modules) until _uses_numpy() runs (check's start-up)
    from envdoctor.frameworks import binary_family

    if binary_family(dist.name) is not None:  # the frameworks use NumPy's C API without always declaring numpy
        return True
    # lazy: keeps packaging.requirements out of check's start-up (90.1 ms, 33 modules: packaging)
    from packaging.requirements import InvalidRequirement, Requirement  # only once NumPy 2 is seen

    for text in dist.requires:
        if text.lower().startswith("numpy"):
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.name.lower() == "numpy" and (req.marker is None or "extra" not in str(req.marker)):
                return True
    return False


def _numpy_major(dists: Sequence[Distribution]) -> int | None:
    for dist in dists:
        if dist.name == "numpy" and dist.shadowed_by is None:
            match = re.match(r"\d+", dist.version)  # the major is all that is needed: no packaging import
            return int(match.group()) if match else None
    return None


def annotate_numpy_builds(
    dists: Sequence[Distribution],
    *,
    cache: Path | None = None,
    use_cache: bool = True,
    deadline: float | None = None,
    skipped: list[Skipped] | None = None,
) -> None:
    """Fill `extension_modules`, `numpy_build` and `numpy_build_path` where they matter.

    An answer is cached with the stamp (inode, size, mtime, ctime) of every file it was read from:
    the RECORD and each binary read. It is used only while all of them are unchanged, and not
    stored while one of them changed in the last RACY_SECONDS (a same-size rewrite within the
    file system's timestamp granularity would look unchanged). use_cache=False (`--no-cache`)
    neither reads nor writes the cache; `deadline` (time.monotonic()) stops the reading."""
    major = _numpy_major(dists)
    if major is None or major < 2:
        return
    cache_file = (cache or cache_dir()) / "numpy-builds.json"
    known = _load(cache_file) if use_cache else {}
    changed = False
    for dist in dists:
        if dist.shadowed_by is not None or dist.kind != "dist-info" or not _uses_numpy(dist):
            continue
        record = str(Path(dist.metadata_path) / "RECORD")
        entry = known.get(record)
        if entry is not None and _still_valid(entry):
            dist.numpy_build, dist.numpy_build_path = entry["build"], entry["path"]
            continue
        if deadline is not None and time.monotonic() > deadline:
            if skipped is not None:
                skipped.append(
                    Skipped(what=f"NumPy build of {dist.name}", reason="not read: the time limit was reached")
                )
            continue
        stamps = {record: stamp(record)}
        unread: list[str] = []
        dist.extension_modules = read_record_extensions(dist, unread)
        if unread and skipped is not None:
            skipped.extend(Skipped(what=f"NumPy build of {dist.name}", reason=r) for r in unread)
        read: list[str] = []
        found = scan_distribution(dist.location, dist.extension_modules, read=read)
        build, path = found if found else (None, None)
        stamps.update((f, stamp(f)) for f in read)
        dist.numpy_build, dist.numpy_build_path = build, path
        if use_cache and not any(_racy(s) for s in stamps.values()):
            known[record] = {"build": build, "path": path, "stamps": stamps}
            changed = True
        elif record in known:
            del known[record]
            changed = True
    if changed and use_cache:
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"format": FORMAT, "entries": known}), encoding="utf-8")
            tmp.replace(cache_file)
        except OSError:  # a read-only or full home only costs the next check a re-scan
            with contextlib.suppress(OSError):
                tmp.unlink()


FORMAT = 2
RACY_SECONDS = 2.0  # coarser than any file system's timestamps (FAT: 2 s; ext4, APFS: < 10 ms)


def stamp(path: str) -> str:
    """What `stat` says about a file: changes whenever it is written, replaced or touched."""
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _racy(value: str) -> bool:
    parts = value.split(":")
    return len(parts) == 4 and int(parts[3]) > time.time_ns() - int(RACY_SECONDS * 1e9)


def _still_valid(entry: dict[str, Any]) -> bool:
    return all(stamp(path) == value for path, value in entry["stamps"].items())


def _load(cache_file: Path) -> dict[str, dict[str, Any]]:
    """The cache's entries; a corrupt file or an entry of the wrong shape is dropped, never fatal."""
    try:
        data = json.loads(read_bytes(cache_file, JSON_LIMIT))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), dict):
        return {}
    entries: dict[str, dict[str, Any]] = {}
    for key, entry in data["entries"].items():
        if (
            isinstance(entry, dict)
            and entry.get("build") in ("1", "2", None)
            and isinstance(entry.get("path"), (str, type(None)))
            and isinstance(entry.get("stamps"), dict)
            and key in entry["stamps"]
            and all(isinstance(k, str) and isinstance(v, str) for k, v in entry["stamps"].items())
        ):
            entries[key] = entry
    return entries
