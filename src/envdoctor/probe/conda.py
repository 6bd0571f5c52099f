"""Read a conda prefix: conda-meta/*.json records and conda-meta/history."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from envdoctor.bounded import JSON_LIMIT, load_json, read_bytes, read_text
from envdoctor.model import Conda, CondaHistoryEntry, CondaRecord, Skipped

_DIST_DIR = re.compile(r"site-packages/([^/]+\.(?:dist|egg)-info)(?:/|$)")


def is_conda_prefix(prefix: Path) -> bool:
    return (prefix / "conda-meta").is_dir()


def is_base_prefix(prefix: Path) -> bool:
    """The base (root) environment of a conda installation holds `condabin` or `envs/` + conda."""
    return (prefix / "condabin").is_dir() or (
        (prefix / "envs").is_dir() and any((prefix / p).exists() for p in ("bin/conda", "Scripts/conda.exe"))
    )


def _strings(value: object) -> list[str]:
    return [str(v) for v in value if isinstance(v, (str, int, float))] if isinstance(value, list) else []


def _record(path: Path, skipped: list[Skipped]) -> CondaRecord | None:
    try:
        data = load_json(read_bytes(path, JSON_LIMIT), str(path))
    except (OSError, ValueError) as exc:
        skipped.append(Skipped(what=str(path), reason=f"unreadable conda record: {exc}"))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
        skipped.append(Skipped(what=str(path), reason="conda record without a name"))
        return None
    dists: list[str] = []
    files = data.get("files")
    for entry in files if isinstance(files, list) else []:
        if isinstance(entry, str) and ("dist-info/" in entry or "egg-info" in entry):
            match = _DIST_DIR.search(entry)
            if match and match.group(1) not in dists:
                dists.append(match.group(1))
    channel = str(data.get("channel") or data.get("schannel") or "")
    raw_number = data.get("build_number") or 0
    try:
        build_number = int(raw_number) if isinstance(raw_number, (int, str)) else 0
    except ValueError:
        build_number = 0
        skipped.append(
            Skipped(what=str(path), reason=f"build_number {str(raw_number)[:40]!r} is not a number (read as 0)")
        )
    return CondaRecord(
        name=str(data["name"]),
        version=str(data.get("version", "")),
        build=str(data.get("build", "")),
        build_number=build_number,
        channel=channel,
        subdir=str(data.get("subdir", "")),
        depends=_strings(data.get("depends")),
        constrains=_strings(data.get("constrains")),
        python_dists=dists,
        requested_spec=str(data.get("requested_spec") or ""),
        path=str(path),
    )


def parse_history(text: str) -> list[CondaHistoryEntry]:
    entries: list[CondaHistoryEntry] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("==>") and line.endswith("<=="):
            entries.append(CondaHistoryEntry(date=line[3:-3].strip()))
        elif entries and line.startswith("# cmd:"):
            entries[-1].command = line[len("# cmd:") :].strip()
        elif entries and re.match(r"# (update|install|remove|neutered) specs:", line):
            specs = line.split(":", 1)[1].strip()
            entries[-1].specs.extend(s.strip().strip("'\"") for s in specs.strip("[]").split(",") if s.strip())
    return entries


def read_conda(prefix: Path, skipped: list[Skipped], *, deadline: float | None = None) -> Conda | None:
    """The prefix's conda records and history (until `deadline`, a time.monotonic() value)."""
    meta = prefix / "conda-meta"
    if not meta.is_dir():
        return None
    records: list[CondaRecord] = []
    try:
        names = sorted(n for n in os.listdir(meta) if n.endswith(".json"))
    except OSError as exc:
        skipped.append(Skipped(what=str(meta), reason=f"cannot list: {exc.strerror or exc}"))
        names = []
    for i, name in enumerate(names):
        if deadline is not None and time.monotonic() > deadline:
            skipped.append(
                Skipped(what=str(meta), reason=f"{len(names) - i} records not read: the time limit was reached")
            )
            break
        record = _record(meta / name, skipped)
        if record:
            records.append(record)
    history: list[CondaHistoryEntry] = []
    try:
        history = parse_history(read_text(meta / "history", JSON_LIMIT))
    except FileNotFoundError:
        pass
    except OSError as exc:
        skipped.append(Skipped(what=str(meta / "history"), reason=f"cannot read: {exc.strerror or exc}"))
    return Conda(prefix=str(prefix), is_base=is_base_prefix(prefix), records=records, history=history)
