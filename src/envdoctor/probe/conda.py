"""Read a conda prefix: conda-meta/*.json records and conda-meta/history."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from envdoctor.model import Conda, CondaHistoryEntry, CondaRecord, Skipped

_DIST_DIR = re.compile(r"site-packages/([^/]+\.(?:dist|egg)-info)(?:/|$)")


def is_conda_prefix(prefix: Path) -> bool:
    return (prefix / "conda-meta").is_dir()


def is_base_prefix(prefix: Path) -> bool:
    """The base (root) environment of a conda installation holds `condabin` or `envs/` + conda."""
    return (prefix / "condabin").is_dir() or (
        (prefix / "envs").is_dir() and any((prefix / p).exists() for p in ("bin/conda", "Scripts/conda.exe"))
    )


def _record(path: Path, skipped: list[Skipped]) -> CondaRecord | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        skipped.append(Skipped(what=str(path), reason=f"unreadable conda record: {exc}"))
        return None
    if not isinstance(data, dict) or "name" not in data:
        skipped.append(Skipped(what=str(path), reason="conda record without a name"))
        return None
    dists: list[str] = []
    for entry in data.get("files") or []:
        if isinstance(entry, str) and ("dist-info/" in entry or "egg-info" in entry):
            match = _DIST_DIR.search(entry)
            if match and match.group(1) not in dists:
                dists.append(match.group(1))
    channel = str(data.get("channel") or data.get("schannel") or "")
    return CondaRecord(
        name=str(data["name"]),
        version=str(data.get("version", "")),
        build=str(data.get("build", "")),
        build_number=int(data.get("build_number") or 0),
        channel=channel,
        subdir=str(data.get("subdir", "")),
        depends=[str(d) for d in data.get("depends") or []],
        constrains=[str(d) for d in data.get("constrains") or []],
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


def read_conda(prefix: Path, skipped: list[Skipped]) -> Conda | None:
    meta = prefix / "conda-meta"
    if not meta.is_dir():
        return None
    records: list[CondaRecord] = []
    try:
        names = sorted(n for n in os.listdir(meta) if n.endswith(".json"))
    except OSError as exc:
        skipped.append(Skipped(what=str(meta), reason=f"cannot list: {exc.strerror or exc}"))
        names = []
    for name in names:
        record = _record(meta / name, skipped)
        if record:
            records.append(record)
    history: list[CondaHistoryEntry] = []
    try:
        history = parse_history((meta / "history").read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        pass
    except OSError as exc:
        skipped.append(Skipped(what=str(meta / "history"), reason=f"cannot read: {exc.strerror or exc}"))
    return Conda(prefix=str(prefix), is_base=is_base_prefix(prefix), records=records, history=history)
