"""Installed distributions as `Distribution`s, from the metadata records that `_scan` reads
(in the target interpreter as part of the probe, or here when the interpreter cannot run)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from envdoctor.bounded import read_text
from envdoctor.model import Distribution, Skipped
from envdoctor.names import canonicalize_name
from envdoctor.probe._scan import _SIDE_FILES, parse_headers, scan_entries
from envdoctor.stamps import Stamps

_EXTENSION_SUFFIXES = (".so", ".pyd", ".dylib")
_RECORD_LIMIT = 64 * 1024 * 1024  # a RECORD larger than this is not read


def _split_folder_name(stem: str) -> tuple[str, str]:
    """ "foo_bar-1.2.3" -> ("foo_bar", "1.2.3"); egg names may carry "-py3.11" after."""
    name, _, rest = stem.partition("-")
    version = rest.split("-py")[0] if rest else ""
    return name, version


def _egg_requires(text: str) -> list[str]:
    """requires.txt sections ([extra], [:marker], [extra:marker]) -> Requires-Dist strings."""
    result: list[str] = []
    extra = ""
    marker = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].partition(":")
            continue
        conditions = []
        if marker:
            conditions.append(f"({marker})" if " or " in marker else marker)
        if extra:
            conditions.append(f'extra == "{extra}"')
        result.append(f"{line}; {' and '.join(conditions)}" if conditions else line)
    return result


def from_record(record: dict[str, Any]) -> Distribution:
    """One metadata record (see `_scan.read_metadata_folder`) as a Distribution."""
    meta = str(record["meta"])
    is_egg = bool(record.get("egg"))
    base = os.path.basename(meta)
    stem_of = os.path.basename(os.path.dirname(meta)) if base == "EGG-INFO" else base
    folder_name, folder_version = _split_folder_name(os.path.splitext(stem_of)[0])
    problems = [str(p) for p in record.get("problems") or []]
    headers: dict[str, list[str]] = record.get("headers") or {}
    display = (headers.get("name") or [folder_name])[0] or folder_name
    version = (headers.get("version") or [folder_version])[0] or folder_version
    if record.get("headers") is not None and ("name" not in headers or "version" not in headers):
        problems.append(f"{meta}: metadata lacks Name or Version (taken from the folder name)")
    dist = Distribution(
        name=canonicalize_name(display),
        version=version,
        display_name=display,
        location=str(record["location"]),
        metadata_path=meta,
        kind="egg-info" if is_egg else "dist-info",
        metadata_is_file=bool(record.get("file")),
        requires=list(headers.get("requires-dist", [])),
        requires_python=next(iter(headers.get("requires-python", [])), None),
        problems=problems,
    )
    if is_egg:
        if record.get("requires.txt"):
            dist.requires = _egg_requires(record["requires.txt"])
    else:
        installer = record.get("INSTALLER")
        dist.installer = (installer.strip() or None) if installer else None
        if record.get("WHEEL"):
            dist.wheel_tags = parse_headers(record["WHEEL"]).get("tag", [])
        direct = record.get("direct_url.json")
        dist.direct_url = direct.strip() if direct else None
    top = record.get("top_level.txt")
    if top:
        dist.top_level = [t.strip() for t in top.splitlines() if t.strip()]
    dist.namespace_packages = [str(n) for n in record.get("namespaces") or []]
    return dist


def _malformed(record: object) -> str | None:
    """Why a record (as the probe printed it: a target may print anything) cannot be used."""
    if not isinstance(record, dict):
        return f"a {type(record).__name__}, not a record"
    for key in ("meta", "location"):
        if not isinstance(record.get(key), str):
            return f"no {key!r}"
    headers = record.get("headers")
    if headers is not None and not (
        isinstance(headers, dict)
        and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in headers.values())
    ):
        return "headers of the wrong shape"
    for key in ("problems", "namespaces"):
        value = record.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            return f"{key!r} of the wrong shape"
    for key in _SIDE_FILES:
        if not isinstance(record.get(key), (str, type(None))):
            return f"{key!r} of the wrong shape"
    return None


def from_records(records: Sequence[object], unlisted: Iterable[object], skipped: list[Skipped]) -> list[Distribution]:
    """Distributions in sys.path order; later copies of a name are marked `shadowed_by` the first
    (the one Python and pip use). `unlisted`: (entry, reason) pairs the scan could not list.
    Records of the wrong shape become `skipped` entries, never exceptions."""
    for item in unlisted:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            skipped.append(Skipped(what=str(item[0]), reason=str(item[1])))
    found = []
    for record in records:
        why = _malformed(record)
        if why is not None:
            what = record.get("meta") if isinstance(record, dict) else None
            skipped.append(
                Skipped(what=str(what or "a metadata record")[:300], reason=f"malformed probe output: {why}")
            )
            continue
        found.append(from_record(record))  # type: ignore[arg-type]  # checked by _malformed
    winners: dict[str, Distribution] = {}
    for dist in found:
        winner = winners.setdefault(dist.name, dist)
        if winner is not dist:
            dist.shadowed_by = winner.metadata_path
    return found


# Every file of a metadata folder that `_scan` or the NumPy-build reader looks at.
_STAMPED = ("METADATA", "PKG-INFO", "RECORD", *_SIDE_FILES)


def metadata_signature(entries: Iterable[str], stamps: Stamps | None = None) -> bytes:
    """What the metadata on sys.path looks like to `stat`: each entry folder, each metadata
    folder, every file of it that is read (METADATA / PKG-INFO, INSTALLER, WHEEL, direct_url.json,
    top_level.txt, requires.txt, RECORD) and each other folder there (a package folder gaining or
    losing its __init__.py decides what is a namespace package). Any install, removal, reinstall
    or in-place edit changes it. One scandir per folder, one stat per file that is there; tuples
    and one repr at the end (the f-string per file cost as much as the system calls)."""
    stamps = stamps or Stamps()
    racy_after = stamps.racy_after
    rows: list[tuple[object, ...]] = []

    def stamp(path: str, name: str) -> None:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            rows.append((name,))
            return
        if st.st_ctime_ns > racy_after or st.st_mtime_ns > racy_after:
            stamps.of(path)  # records its digest
        rows.append((name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))

    for entry in entries:
        stamp(entry, entry)
        metas: list[tuple[str, str, bool]] = []
        if entry.endswith(".egg"):
            metas.append(("EGG-INFO", os.path.join(entry, "EGG-INFO"), True))
        try:
            with os.scandir(entry) as listing:
                found = sorted((e.name, e.path, _is_dir(e)) for e in listing)
        except (OSError, ValueError):
            continue
        for name, path, is_dir in found:
            if name.endswith((".dist-info", ".egg-info")):
                metas.append((name, path, is_dir))
            elif is_dir and name != "__pycache__":
                stamp(path, name + "/")
        for name, path, is_dir in metas:
            stamp(path, name)
            if not is_dir:
                continue
            try:
                with os.scandir(path) as listing:
                    present = sorted((e.name, e) for e in listing if e.name in _STAMPED_SET)
            except (OSError, ValueError):
                rows.append((name, "-"))
                continue
            for file_name, e in present:
                try:
                    st = e.stat()
                except OSError:
                    rows.append((file_name,))
                    continue
                if st.st_ctime_ns > racy_after or st.st_mtime_ns > racy_after:
                    stamps.of(e.path)
                rows.append((file_name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return repr(rows).encode("utf-8", errors="surrogateescape")


_STAMPED_SET = frozenset(_STAMPED)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def scan_path(entries: Iterable[str], skipped: list[Skipped], *, deadline: float | None = None) -> list[Distribution]:
    """Every distribution on the sys.path `entries`, read in this process (until `deadline`, a
    time.monotonic() value)."""
    records, unlisted = scan_entries(list(entries), deadline)
    return from_records(records, unlisted, skipped)


def read_distributions(entries: Iterable[str]) -> list[Distribution]:
    """Every distribution in the folders `entries`, in order (a later copy of a name is marked
    `shadowed_by` the first), read here with the scan the probe runs: what actions read of an
    environment before and after they change it."""
    return scan_path(entries, [])


def read_record_extensions(dist: Distribution, problems: list[str] | None = None) -> list[str]:
    """Compiled extension files a dist-info's RECORD lists (relative to its location). Why a
    RECORD that is there was not read (not a regular file, too large, unreadable) goes into
    `problems`."""
    record = Path(dist.metadata_path) / "RECORD"
    try:
        text = read_text(record, _RECORD_LIMIT)
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        if problems is not None:
            problems.append(f"{record}: {getattr(exc, 'strerror', None) or exc}")
        return []
    result = []
    for line in text.splitlines():
        rel = line.split(",", 1)[0]
        base = rel.rsplit("/", 1)[-1]
        if base.endswith(_EXTENSION_SUFFIXES) or ".so." in base:
            result.append(rel)
    return result
