"""A restore point's format: its files, `PointDist` / `RestorePoint`, the digest that covers them, and
`load`, which refuses a point whose digest, files or values do not verify (`InvalidPoint`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor.actions.records import (
    CondaRecord,
    DirectUrl,
    FileEntry,
    InvalidValue,
    requirement_args,
    requirement_line,
    valid_text,
    valid_url,
)
from envdoctor.actions.restore.journal import read_journal, why
from envdoctor.actions.uvtool import IndexOptions
from envdoctor.errors import UsageError

POINT_FILE = "point.json"


JOURNAL_FILE = "journal.jsonl"


REQUIREMENTS_FILE = "requirements.txt"


CONDA_FILE = "conda-explicit.txt"


SCHEMA = 2


POINT_ID = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")


class InvalidPoint(UsageError):
    """A restore point that fails verification: never used."""


@dataclass
class PointDist:
    name: str  # normalized
    version: str
    installer: str | None = None
    location: str = ""
    direct: DirectUrl | None = None
    requirement: list[str] | None = None  # argv items that bring it back (None: it cannot be)
    problem: str | None = None  # why it cannot be brought back
    files: list[FileEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "installer": self.installer,
            "location": self.location,
            "direct_url": self.direct.to_dict() if self.direct else None,
            "requirement": self.requirement,
            "problem": self.problem,
            "files": [f.to_list() for f in self.files],
        }

    @classmethod
    def from_dict(cls, data: object) -> PointDist:
        if not isinstance(data, Mapping):
            raise InvalidValue("a distribution that is not an object")
        name = valid_text(data.get("name"), what="distribution name")
        version = valid_text(data.get("version"), what="version")
        direct = DirectUrl.parse(data["direct_url"]) if data.get("direct_url") is not None else None
        dist = cls(
            name=name,
            version=version,
            installer=str(data["installer"]) if isinstance(data.get("installer"), str) else None,
            location=str(data.get("location") or ""),
            direct=direct,
            problem=str(data["problem"]) if isinstance(data.get("problem"), str) else None,
            files=[FileEntry.from_list(f) for f in data.get("files") or []],
        )
        stored = data.get("requirement")
        if stored is not None:
            # regenerated from the validated parts: a stored line is never used as it stands
            if requirement_args(name, version, direct) != stored:
                raise InvalidValue(f"{name}: its requirement {stored!r} is not what its name, version and URL give")
            dist.requirement = list(stored)
        return dist


@dataclass
class RestorePoint:
    id: str
    path: Path
    created: str = ""
    python: str = ""
    prefix: str = ""
    python_version: str = ""
    kind: str = "venv"  # "venv" | "conda" | "system"
    reason: str = ""
    distributions: list[PointDist] = field(default_factory=list)
    outside: list[dict[str, str]] = field(default_factory=list)
    conda: list[CondaRecord] | None = None
    conda_explicit: bool = False
    index: IndexOptions = field(default_factory=IndexOptions)
    tree_roots: list[str] = field(default_factory=list)  # prefix-relative
    tree_dirs: list[str] = field(default_factory=list)
    unowned: list[str] = field(default_factory=list)  # files no record owns
    sidecars: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    digest: str = ""

    @property
    def requirements(self) -> Path:
        return self.path / REQUIREMENTS_FILE

    @property
    def journal(self) -> Path:
        return self.path / JOURNAL_FILE

    def pins(self) -> dict[str, str]:
        return {d.name: d.version for d in self.distributions}

    def dist(self, name: str) -> PointDist | None:
        return next((d for d in self.distributions if d.name == name), None)

    def status(self) -> str:
        """recorded | applying | interrupted | applied | rolled-back | failed | restored | ..."""
        events = read_journal(self.journal)
        state = "recorded"
        open_step = False
        for event in events:
            kind = event.get("event")
            if kind == "start":
                open_step, state = True, "applying"
            elif kind == "end":
                open_step = False
            elif kind in ("result", "restore"):
                state = str(event.get("state", state))
                open_step = False
            elif kind == "interrupted":
                state = "interrupted"
        if state == "applying" or open_step:
            return "interrupted"
        return state

    def content(self) -> dict[str, Any]:
        """Everything the digest covers."""
        return {
            "schema": SCHEMA,
            "id": self.id,
            "created": self.created,
            "python": self.python,
            "prefix": self.prefix,
            "python_version": self.python_version,
            "kind": self.kind,
            "reason": self.reason,
            "distributions": [d.to_dict() for d in self.distributions],
            "outside": self.outside,
            "conda": [r.to_dict() for r in self.conda] if self.conda is not None else None,
            "conda_explicit": self.conda_explicit,
            "index": self.index.to_dict(),
            "tree": {"roots": self.tree_roots, "dirs": self.tree_dirs, "unowned": self.unowned},
            "sidecars": self.sidecars,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.content(), "digest": self.digest}

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": str(self.path),
            "created": self.created,
            "status": self.status(),
            "reason": self.reason,
            "distributions": len(self.distributions),
            "python": self.python,
        }


def content_digest(content: Mapping[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(canonical.encode("ascii")).hexdigest()


def conda_explicit_lines(records: Iterable[CondaRecord]) -> list[str]:
    """`@EXPLICIT` lines (URL#md5) from validated conda records."""
    lines = ["# envdoctor restore point: conda explicit list", "@EXPLICIT"]
    for record in records:
        if record.url:
            lines.append(f"{record.url}#{record.md5}" if record.md5 else record.url)
    return lines


def requirements_text(point: RestorePoint) -> str:
    lines = [f"# envdoctor restore point {point.id} of {point.prefix}"]
    lines += [requirement_line(d.requirement) for d in point.distributions if d.requirement]
    lines += [f"# not restorable: {d.name} {d.version}: {d.problem}" for d in point.distributions if d.problem]
    return "\n".join(lines) + "\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_limited(path: Path, limit: int = 256 << 20) -> str:
    with open(path, encoding="utf-8") as handle:
        text = handle.read(limit + 1)
    if len(text) > limit:
        raise ValueError(f"{path.name} is larger than {limit >> 20} MB")
    return text


def load(path: Path) -> RestorePoint:
    """The point in `path`, verified: its digest, its files' hashes, every value it holds.
    InvalidPoint (exit 2) when any check fails."""
    name = path.name
    try:
        data = json.loads(_read_limited(path / POINT_FILE))
    except (OSError, ValueError) as exc:
        raise InvalidPoint(f"{path} is not a readable restore point ({why(exc)})") from None
    if not isinstance(data, dict):
        raise InvalidPoint(f"{path} is not a restore point")
    if data.get("schema") != SCHEMA or not data.get("digest"):
        raise InvalidPoint(
            f"restore point {name} has no digest (written by an older envdoctor): it cannot be verified, "
            f"so it is not used; {path / REQUIREMENTS_FILE} can still be read by hand"
        )
    stored = data.pop("digest")
    if content_digest(data) != stored:
        raise InvalidPoint(f"restore point {name} was changed after it was written (point.json digest mismatch)")
    try:
        point = _from_content(path, data, stored)
    except (InvalidValue, KeyError, TypeError) as exc:
        raise InvalidPoint(f"restore point {name} holds a value envdoctor will not use: {exc}") from None
    for sidecar, expected in point.sidecars.items():
        try:
            text = _read_limited(path / sidecar)
        except (OSError, ValueError) as exc:
            raise InvalidPoint(f"restore point {name}: {sidecar} cannot be read ({why(exc)})") from None
        if _sha256(text) != expected:
            raise InvalidPoint(f"restore point {name}: {sidecar} was changed after it was written (sha256 mismatch)")
    if point.sidecars.get(REQUIREMENTS_FILE) != _sha256(requirements_text(point)):
        raise InvalidPoint(f"restore point {name}: {REQUIREMENTS_FILE} is not what its distributions give")
    if point.conda is not None and point.sidecars.get(CONDA_FILE) != _sha256(
        "\n".join(conda_explicit_lines(point.conda)) + "\n"
    ):
        raise InvalidPoint(f"restore point {name}: {CONDA_FILE} is not what its conda records give")
    return point


def _from_content(path: Path, data: Mapping[str, Any], digest: str) -> RestorePoint:
    point_id = valid_text(data.get("id"), what="restore point ID")
    if not POINT_ID.match(point_id):
        raise InvalidValue(f"not a restore point ID: {point_id!r}")
    kind = data.get("kind")
    if kind not in ("venv", "conda", "system"):
        raise InvalidValue(f"not an environment kind: {kind!r}")
    tree = data.get("tree") or {}
    conda = data.get("conda")
    sidecars = data.get("sidecars") or {}
    if not isinstance(sidecars, dict) or set(sidecars) - {REQUIREMENTS_FILE, CONDA_FILE}:
        raise InvalidValue("unknown files in the point")
    return RestorePoint(
        id=point_id,
        path=path,
        created=str(data.get("created", "")),
        python=valid_text(data.get("python"), what="interpreter path"),
        prefix=valid_text(data.get("prefix"), what="prefix"),
        python_version=str(data.get("python_version", "")),
        kind=kind,
        reason=str(data.get("reason", "")),
        distributions=[PointDist.from_dict(d) for d in data.get("distributions") or []],
        outside=[
            {k: str(v) for k, v in d.items() if k in ("name", "version", "location")}
            for d in data.get("outside") or []
            if isinstance(d, dict)
        ],
        conda=[CondaRecord.from_dict(r) for r in conda] if isinstance(conda, list) else None,
        conda_explicit=bool(data.get("conda_explicit")),
        index=_valid_index(data.get("index") or {}),
        tree_roots=[_rel(p) for p in tree.get("roots") or []],
        tree_dirs=[_rel(p) for p in tree.get("dirs") or []],
        unowned=[_rel(p) for p in tree.get("unowned") or []],
        sidecars={str(k): str(v) for k, v in sidecars.items()},
        digest=digest,
    )


def _rel(path: object) -> str:
    return FileEntry.from_list([path, None, None]).path


def _valid_index(data: object) -> IndexOptions:
    """The index options recorded with the point (the user's own, from fix's command line)."""
    if not isinstance(data, Mapping):
        raise InvalidValue("index options that are not an object")
    index = IndexOptions.from_dict(data)
    if index.index_url:
        valid_url(index.index_url, what="index URL")
    for url in index.extra_index_urls:
        valid_url(url, what="extra index URL")
    for link in index.find_links:
        if not os.path.isabs(link):
            valid_url(link, what="find-links location")
        else:
            valid_text(link, what="find-links folder")
    return index
