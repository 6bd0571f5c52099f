"""Restore points: the exact installed set of an environment, file by file, recorded before fix
changes it, verified before it is used, and verified again after it was brought back.

Where: `<prefix>/.envdoctor/restore/<ID>/` for a venv or conda prefix envdoctor can write to (the
folder must resolve inside the prefix); else `$ENVDOCTOR_STATE_DIR/restore/<prefix-slug>/<ID>/`
(default state dir: $XDG_STATE_HOME/envdoctor, i.e. ~/.local/state/envdoctor). ID is the UTC
time, `20250101T120000Z`, plus `-N` when taken; an ID is reserved by creating its folder, so two
processes never share one.

A point holds:
- `point.json`: every distribution of the environment's own site-packages with its RECORD (each
  file's hash and size), installer, location and direct URL (PEP 610, parsed and validated); the
  conda records with their files' hashes (conda-meta `paths_data`); the folders and the files no
  record owns under site-packages and bin (to find what appeared later); those found outside it
  (user site, PYTHONPATH: informational); the interpreter; the index options the user gave; and
  `digest`, the SHA-256 of all that (canonical JSON), plus the SHA-256 of the two files below;
- `requirements.txt`: the requirement lines, built from validated values only (`name==version`,
  `name @ URL`, `-e URL`), for `uv pip sync` by hand;
- `conda-explicit.txt` in a conda prefix: the `@EXPLICIT` list (URL#md5, validated);
- `journal.jsonl`: what fix did after recording it, one JSON line per event, fsynced (not covered
  by the digest: it only says what happened).

`load` refuses a point whose digest or files do not match, or whose values do not validate: a
tampered point is never used, not even for a dry run. The point is written to a temporary folder
and renamed onto its reserved ID, so it is complete or absent; it exists before anything changes.

Restoring compares the environment with the point file by file: distributions to remove, to bring
back, whose files differ from their RECORD (`--reinstall-package`), conda packages likewise, and
stray files (present now, absent then: a half-finished install). The commands run with uv (and
py-rattler or conda for conda packages); strays are removed by envdoctor, inside the environment's
site-packages / bin only; then the comparison runs again and whatever still differs is reported:
`ok` only when nothing does. Every path a tool would remove is checked first (`containment`).

Restoring a conda prefix: with conda / mamba / micromamba, `install --file conda-explicit.txt`;
without one, py-rattler, through `python -m envdoctor.actions.restore conda-explicit --prefix P
--sha256 HEX FILE`: the records of the explicit list are looked up (by URL, md5 checked) in the
same channels' repodata and the prefix is made to hold exactly them (conda packages added since
are removed, changed ones brought back; `--reinstall NAME` relinks a package pip wrote over or
whose files changed). Distributions that pip put over conda's are uninstalled first; the pip part
then goes back with uv.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib.util
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor.actions import interrupts
from envdoctor.actions.containment import Boundary, Escape, OutsideError, conda_escapes, record_escapes, refuse
from envdoctor.actions.proc import StepRun, progress, quote, read_json_lines
from envdoctor.actions.records import (
    INSTALLER_FILES,
    CondaRecord,
    DirectUrl,
    FileEntry,
    InvalidValue,
    differing,
    read_conda_records,
    read_record_rows,
    record_files,
    relative,
    requirement_args,
    requirement_line,
    tree_roots,
    valid_name,
    valid_text,
    valid_url,
    walk_tree,
)
from envdoctor.actions.uvtool import IndexOptions, uv_env, uv_pip
from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.model import Distribution, Interpreter
from envdoctor.names import canonicalize_name
from envdoctor.probe.distributions import read_distributions
from envdoctor.process import Completed, run

POINT_FILE = "point.json"
JOURNAL_FILE = "journal.jsonl"
REQUIREMENTS_FILE = "requirements.txt"
CONDA_FILE = "conda-explicit.txt"
SCHEMA = 2
_ID = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")


class InvalidPoint(UsageError):
    """A restore point that fails verification: never used."""


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("ENVDOCTOR_STATE_DIR"):
        return Path(env["ENVDOCTOR_STATE_DIR"]).expanduser().absolute()
    base = env.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base).absolute() / "envdoctor"


def _in_prefix(target: Interpreter) -> bool:
    prefix = Path(target.prefix)
    return bool(target.prefix) and (target.is_venv or target.is_conda) and os.access(prefix, os.W_OK)


def restore_root(target: Interpreter, env: Mapping[str, str] | None = None) -> Path:
    """The folder holding the target's restore points."""
    from envdoctor.actions.lock import slug

    if _in_prefix(target):
        return Path(target.prefix) / ".envdoctor" / "restore"
    return state_dir(env) / "restore" / slug(target.prefix or "/")


def state_boundary(target: Interpreter, env: Mapping[str, str] | None = None) -> Boundary:
    """Where envdoctor's own files about `target` may be written: `<prefix>/.envdoctor`, or the
    state folder."""
    if _in_prefix(target):
        return Boundary([Path(target.prefix) / ".envdoctor"], "envdoctor's folder in the environment")
    return Boundary([state_dir(env)], "envdoctor's state folder")


def _contained_root(target: Interpreter, env: Mapping[str, str] | None = None) -> tuple[Path, Boundary]:
    """The restore-point folder, proven to resolve where it should (a `.envdoctor` symlinked out of
    the prefix is refused)."""
    root = restore_root(target, env)
    if _in_prefix(target):
        prefix_bound = Boundary([target.prefix], f"the environment {target.prefix}")
        prefix_bound.for_writing(root.parent)
        if os.path.lexists(root.parent) and os.path.islink(root.parent):
            raise OutsideError(f"refused to use {root.parent}: it is a symlink")
    bound = state_boundary(target, env)
    bound.for_writing(root)
    return root, bound


def lock_file(target: Interpreter, env: Mapping[str, str] | None = None) -> tuple[Path, Boundary]:
    """The lock file of `target` (see envdoctor.actions.lock) and the boundary it is written in."""
    from envdoctor.actions.lock import lock_path

    in_prefix = _in_prefix(target)
    path = lock_path(target.prefix, state=state_dir(env), in_prefix=in_prefix)
    if in_prefix:
        Boundary([target.prefix], f"the environment {target.prefix}").for_writing(path.parent)
    return path, state_boundary(target, env)


@contextmanager
def locked(target: Interpreter, verb: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold `target`'s lock while changing it (LockBusy when another envdoctor holds it)."""
    from envdoctor.actions.lock import hold

    path, bound = lock_file(target)
    try:
        bound.make_dirs(path.parent)
    except OSError as exc:
        raise EnvdoctorError(f"cannot create the lock folder {path.parent}: {_why(exc)}; nothing was changed") from None
    bound.for_writing(path)
    with hold(path, prefix=target.prefix, verb=verb, wait=wait):
        yield


# ---- the point -----------------------------------------------------------------------------------


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


def current_dists(target: Interpreter) -> list[Distribution]:
    """The distributions in the environment's own site-packages (the first copy of a name)."""
    seen: set[str] = set()
    out: list[Distribution] = []
    for dist in read_distributions(target.install_dirs):
        if dist.name not in seen:
            seen.add(dist.name)
            out.append(dist)
    return out


def _direct_url(dist: Distribution) -> tuple[DirectUrl | None, str | None]:
    """(the parsed direct_url.json, or None; a problem when it exists and cannot be used)."""
    path = os.path.join(dist.metadata_path, "direct_url.json")
    if not os.path.isfile(path):
        return None, None
    try:
        with open(path, encoding="utf-8") as handle:
            return DirectUrl.parse(json.loads(handle.read(1 << 20))), None
    except (OSError, ValueError) as exc:
        return None, f"its direct_url.json cannot be used ({exc})"


def _point_dist(dist: Distribution, prefix: str) -> PointDist:
    direct, problem = _direct_url(dist)
    files = record_files(dist.metadata_path, dist.location, prefix)
    if (dist.installer or "") == "conda":  # conda records hold the hashes of conda's files
        files = [FileEntry(f.path) for f in files]
    requirement = None
    if problem is None:
        try:
            requirement = requirement_args(dist.name, dist.version, direct)
        except InvalidValue as exc:
            problem = str(exc)
    return PointDist(
        name=dist.name,
        version=dist.version,
        installer=dist.installer,
        location=dist.location,
        direct=direct,
        requirement=requirement,
        problem=problem,
        files=files,
    )


def conda_explicit_lines(records: Iterable[CondaRecord]) -> list[str]:
    """`@EXPLICIT` lines (URL#md5) from validated conda records."""
    lines = ["# envdoctor restore point: conda explicit list", "@EXPLICIT"]
    for record in records:
        if record.url:
            lines.append(f"{record.url}#{record.md5}" if record.md5 else record.url)
    return lines


def conda_explicit(prefix: Path) -> list[str] | None:
    """`@EXPLICIT` lines from conda-meta/*.json, or None outside a conda prefix."""
    if not (prefix / "conda-meta").is_dir():
        return None
    return conda_explicit_lines(_valid_conda(read_conda_records(str(prefix))[0]))


def _valid_conda(records: Iterable[CondaRecord]) -> list[CondaRecord]:
    out = []
    for record in records:
        try:
            out.append(CondaRecord.from_dict(record.to_dict()))
        except InvalidValue:
            out.append(CondaRecord(record.file, record.name, record.version, record.build, None, None, record.files))
    return out


def requirements_text(point: RestorePoint) -> str:
    lines = [f"# envdoctor restore point {point.id} of {point.prefix}"]
    lines += [requirement_line(d.requirement) for d in point.distributions if d.requirement]
    lines += [f"# not restorable: {d.name} {d.version}: {d.problem}" for d in point.distributions if d.problem]
    return "\n".join(lines) + "\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reserve_id(root: Path) -> str:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = stamp, 1
    while True:
        try:
            os.mkdir(root / candidate)  # exclusive: this process owns the ID now
            return candidate
        except FileExistsError:
            n += 1
            candidate = f"{stamp}-{n}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(root: Path, bound: Boundary) -> None:
    """Temporary folders of a writer that was killed (its pid is gone), and empty reserved IDs."""
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for child in entries:
        match = re.match(r"^\.tmp-.*-(\d+)$", child.name)
        stale = bool(match) and not _pid_alive(int(match.group(1)))  # type: ignore[union-attr]
        try:
            empty_reserved = _ID.match(child.name) and child.is_dir() and not any(child.iterdir())
        except OSError:
            empty_reserved = False
        if stale or (empty_reserved and time.time() - child.stat().st_mtime > 3600):
            with contextlib.suppress(OSError):
                bound.remove(child)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def snapshot_point(target: Interpreter, *, point_id: str, path: Path, reason: str, index: IndexOptions) -> RestorePoint:
    """What a restore point of `target` holds, in memory."""
    prefix = target.prefix
    inside = current_dists(target)
    inside_names = {d.name for d in inside}
    outside = [
        {"name": d.name, "version": d.version, "location": d.location}
        for d in read_distributions([p for p in target.sys_path if p not in target.install_dirs])
        if d.name in inside_names or d.location == target.user_site
    ]
    kind = "conda" if target.is_conda else "venv" if target.is_venv else "system"
    conda = _valid_conda(read_conda_records(prefix)[0]) if kind == "conda" else None
    dists = [_point_dist(d, prefix) for d in inside]
    roots = tree_roots(prefix, target.install_dirs)
    dirs: list[str] = []
    files: list[str] = []
    for root in roots:
        found_dirs, found_files = walk_tree(root, prefix)
        dirs += found_dirs
        files += found_files
    owned = {f.path for d in dists for f in d.files} | {f.path for r in conda or [] for f in r.files}
    unowned = [f for f in files if f not in owned and not _installer_file(f)]
    return RestorePoint(
        id=point_id,
        path=path,
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        python=target.executable,
        prefix=prefix,
        python_version=target.version,
        kind=kind,
        reason=reason,
        distributions=dists,
        outside=outside,
        conda=conda,
        conda_explicit=conda is not None,
        index=index,
        tree_roots=[r for r in (relative(prefix, x) for x in roots) if r is not None],
        tree_dirs=sorted(set(dirs)),
        unowned=unowned,
    )


def _installer_file(path: str) -> bool:
    parts = path.split("/")
    return len(parts) > 1 and parts[-2].endswith(".dist-info") and parts[-1] in INSTALLER_FILES


def record(
    target: Interpreter,
    *,
    reason: str,
    index: IndexOptions | None = None,
    root: Path | None = None,
) -> RestorePoint:
    """Write a restore point of `target`, atomically (a temporary folder renamed onto the reserved
    ID). A folder that cannot be written (a file, read-only, a full disk) raises EnvdoctorError
    with one clear line; nothing is left behind and nothing of the environment has changed."""
    with interrupts.shielded():
        if root is None:
            root, bound = _contained_root(target)
        else:
            bound = Boundary([root], "the restore-point folder")
        try:
            bound.make_dirs(root)
        except (OSError, EnvdoctorError) as exc:
            raise EnvdoctorError(f"cannot record a restore point in {root}: {_why(exc)}; nothing was changed") from None
        _clean_stale(root, bound)
        try:
            point_id = _reserve_id(root)
        except OSError as exc:
            raise EnvdoctorError(f"cannot record a restore point in {root}: {_why(exc)}; nothing was changed") from None
        point = snapshot_point(
            target, point_id=point_id, path=root / point_id, reason=reason, index=index or IndexOptions()
        )
        tmp = root / f".tmp-{point_id}-{os.urandom(4).hex()}-{os.getpid()}"
        try:
            os.mkdir(tmp)
            requirements = requirements_text(point)
            bound.write_text(tmp / REQUIREMENTS_FILE, requirements)
            point.sidecars = {REQUIREMENTS_FILE: _sha256(requirements)}
            if point.conda is not None:
                explicit = "\n".join(conda_explicit_lines(point.conda)) + "\n"
                bound.write_text(tmp / CONDA_FILE, explicit)
                point.sidecars[CONDA_FILE] = _sha256(explicit)
            bound.write_text(tmp / JOURNAL_FILE, json.dumps(_event("recorded")) + "\n")
            point.digest = content_digest(point.content())
            bound.write_text(tmp / POINT_FILE, json.dumps(point.to_dict(), separators=(",", ":")) + "\n")
            os.rename(tmp, point.path)  # onto the empty reserved folder: atomic
        except (OSError, EnvdoctorError) as exc:
            for leftover in (tmp, point.path):
                with contextlib.suppress(OSError, EnvdoctorError):
                    bound.remove(leftover)
            raise EnvdoctorError(f"cannot record a restore point in {root}: {_why(exc)}; nothing was changed") from None
        _fsync_dir(root)
    return point


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "time": round(time.time(), 3), **fields}


_journal_warned: set[str] = set()


def journal(point: RestorePoint, kind: str, **fields: Any) -> None:
    """Append one event to the point's journal, on disk before returning. A journal that cannot be
    written (a full disk) is said once, not fatal: the point itself is complete."""
    line = json.dumps(_event(kind, **fields), default=str) + "\n"
    try:
        fd = os.open(point.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        if str(point.path) not in _journal_warned:
            _journal_warned.add(str(point.path))
            interrupts.say(f"envdoctor: warning: cannot write the journal of {point.id}: {_why(exc)}")


def read_journal(path: Path) -> list[dict[str, Any]]:
    return read_json_lines(path)  # a line cut short by a kill is skipped


# ---- loading and verifying -----------------------------------------------------------------------


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
        raise InvalidPoint(f"{path} is not a readable restore point ({_why(exc)})") from None
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
            raise InvalidPoint(f"restore point {name}: {sidecar} cannot be read ({_why(exc)})") from None
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
    if not _ID.match(point_id):
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


@dataclass
class PointEntry:
    """A restore-point folder as `restore --list` shows it: the point, or why it is not used."""

    id: str
    path: Path
    point: RestorePoint | None = None
    problem: str | None = None


def scan_points(target: Interpreter) -> list[PointEntry]:
    root = restore_root(target)
    try:
        children = sorted(root.iterdir()) if root.is_dir() else []
    except OSError:
        return []
    out: list[PointEntry] = []
    for child in children:
        if not child.is_dir() or child.name.startswith(".") or not (child / POINT_FILE).is_file():
            continue
        try:
            out.append(PointEntry(child.name, child, point=load(child)))
        except UsageError as exc:
            out.append(PointEntry(child.name, child, problem=str(exc)))
    return out


def list_points(target: Interpreter) -> list[RestorePoint]:
    """The target's verified restore points, oldest first."""
    return [e.point for e in scan_points(target) if e.point is not None]


def find_point(target: Interpreter, ident: str | None) -> RestorePoint:
    """A point by ID (or a path to one); the latest when `ident` is None or 'latest'. A point that
    fails verification is refused (InvalidPoint), never skipped for an older one."""
    if ident and os.sep in ident and Path(ident).is_dir():
        return load(Path(ident).absolute())
    root, _ = _contained_root(target)  # a folder symlinked out of the prefix is refused: its journal is written
    if root.exists() and not root.is_dir():
        raise UsageError(f"the restore-point folder {root} is not a folder")
    entries = scan_points(target)
    if not entries:
        raise UsageError(f"no restore points for {target.prefix} (in {root})")
    chosen = entries[-1] if not ident or ident == "latest" else next((e for e in entries if e.id == ident), None)
    if chosen is None:
        raise UsageError(f"no restore point {ident!r} (see `envdoctor restore --list`)")
    if chosen.point is None:
        raise InvalidPoint(f"{chosen.problem}; nothing was changed")
    return chosen.point


# ---- comparing -----------------------------------------------------------------------------------


@dataclass
class Diff:
    remove: list[str] = field(default_factory=list)  # installed now, not in the point
    change: list[tuple[str, str, str]] = field(default_factory=list)  # name, now, then
    add: list[str] = field(default_factory=list)  # in the point, missing now ("name==version")
    modified: dict[str, list[str]] = field(default_factory=dict)  # same version, files differ
    conda_remove: list[str] = field(default_factory=list)  # "name version build"
    conda_change: list[tuple[str, str, str]] = field(default_factory=list)  # name, now, then
    conda_add: list[str] = field(default_factory=list)
    conda_modified: dict[str, list[str]] = field(default_factory=dict)
    stray: list[str] = field(default_factory=list)  # prefix-relative; folders end with "/"
    missing_unowned: list[str] = field(default_factory=list)  # no record owns them: not restorable
    unrestorable: list[str] = field(default_factory=list)
    escapes: list[Escape] = field(default_factory=list)
    removal_files: dict[str, list[str]] = field(default_factory=dict)  # what each removal deletes

    @property
    def empty(self) -> bool:
        return not (
            self.remove
            or self.change
            or self.add
            or self.modified
            or self.conda_remove
            or self.conda_change
            or self.conda_add
            or self.conda_modified
            or self.stray
            or self.missing_unowned
        )

    def lines(self) -> list[str]:
        def files(key: str) -> str:
            n = len(self.removal_files.get(key, []))
            return f" ({n} file{'s' if n != 1 else ''})"

        out = [f"remove {n}{files(n)}" for n in self.remove]
        out += [f"{n} {now} -> {then}" for n, now, then in self.change]
        out += [f"add {n}" for n in self.add]
        out += [_modified_line(n, paths) for n, paths in self.modified.items()]
        out += [f"conda: remove {n}{files('conda:' + n.split()[0])}" for n in self.conda_remove]
        out += [f"conda: {n} {now} -> {then}" for n, now, then in self.conda_change]
        out += [f"conda: add {n}" for n in self.conda_add]
        out += [_modified_line(f"conda package {n}", paths) for n, paths in self.conda_modified.items()]
        out += [f"remove stray {p} (absent from the point)" for p in self.stray]
        out += [f"missing {p} (no record owns it: restore cannot bring it back)" for p in self.missing_unowned]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "remove": self.remove,
            "change": [{"name": n, "now": a, "then": b} for n, a, b in self.change],
            "add": self.add,
            "modified": self.modified,
            "conda_remove": self.conda_remove,
            "conda_change": [{"name": n, "now": a, "then": b} for n, a, b in self.conda_change],
            "conda_add": self.conda_add,
            "conda_modified": self.conda_modified,
            "stray": self.stray,
            "missing_unowned": self.missing_unowned,
            "unrestorable": self.unrestorable,
            "refused": [e.line() for e in self.escapes],
            "removals": self.removal_files,
        }


def _modified_line(name: str, paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return f"reinstall {name}: {len(paths)} file(s) differ from the point ({shown})"


def target_boundary(target: Interpreter) -> Boundary:
    """What tools may remove in `target`: its prefix and its own site-packages."""
    return Boundary([target.prefix, *target.install_dirs], f"the environment {target.prefix}")


def removal_escapes(target: Interpreter, names: Iterable[str] | None = None) -> list[Escape]:
    """Files that uninstalling the distributions `names` (all of the environment's own when None)
    would remove outside the environment, by their RECORD."""
    bound = target_boundary(target)
    wanted = set(names) if names is not None else None
    out: list[Escape] = []
    for dist in current_dists(target):
        if wanted is not None and dist.name not in wanted:
            continue
        rows = [row[0] for row in read_record_rows(dist.metadata_path)]
        out += record_escapes(dist.location, rows, f"{dist.name} {dist.version} (RECORD)", bound)
    return out


def conda_removal_escapes(target: Interpreter, names: Iterable[str] | None = None) -> list[Escape]:
    """Files that unlinking the conda packages `names` (all when None) would remove outside the
    prefix, by their conda-meta records."""
    records, _ = read_conda_records(target.prefix)
    wanted = set(names) if names is not None else None
    chosen = [(r.file, r.listed) for r in records if wanted is None or r.name in wanted]
    return conda_escapes(target.prefix, chosen, target_boundary(target))


def refuse_unsafe_removals(target: Interpreter, action: str) -> None:
    """Before a tool may remove anything in `target`: every path it could remove is inside."""
    refuse(removal_escapes(target) + (conda_removal_escapes(target) if target.is_conda else []), action)


def diff(point: RestorePoint, target: Interpreter) -> Diff:
    """The environment against the point, file by file."""
    prefix = target.prefix
    result = Diff()
    current = {d.name: d for d in current_dists(target)}
    then = point.pins()
    result.remove = sorted(n for n in current if n not in then)
    result.change = sorted(
        (n, current[n].version, then[n]) for n in current if n in then and current[n].version != then[n]
    )
    result.add = sorted(f"{n}=={then[n]}" for n in then if n not in current)
    for dist in point.distributions:
        now = current.get(dist.name)
        if now is not None and now.version == dist.version:
            changed = list(differing(prefix, dist.files))
            if changed:
                result.modified[dist.name] = changed
        if dist.problem and (now is None or now.version != dist.version or dist.name in result.modified):
            result.unrestorable.append(f"{dist.name} {dist.version}: {dist.problem}")
    for name in result.remove + [c[0] for c in result.change]:
        installed = current[name]
        result.removal_files[name] = [f.path for f in record_files(installed.metadata_path, installed.location, prefix)]
        try:
            valid_name(name)
        except InvalidValue as exc:
            result.unrestorable.append(f"cannot uninstall {name!r}: {exc}")
    conda_touch: list[str] = []
    if point.conda is not None:
        records, problems = read_conda_records(prefix)
        result.unrestorable += problems
        now_conda = {r.name: r for r in records}
        then_conda = {r.name: r for r in point.conda}
        for name, rec in sorted(now_conda.items()):
            if name not in then_conda:
                result.conda_remove.append(rec.key)
                result.removal_files[f"conda:{name}"] = [f.path for f in rec.files]
                conda_touch.append(name)
            elif (rec.version, rec.build) != (then_conda[name].version, then_conda[name].build):
                old = then_conda[name]
                result.conda_change.append((name, f"{rec.version} {rec.build}", f"{old.version} {old.build}"))
                conda_touch.append(name)
        for name, rec in sorted(then_conda.items()):
            if name not in now_conda:
                result.conda_add.append(rec.key)
            elif (rec.version, rec.build) == (now_conda[name].version, now_conda[name].build):
                changed = list(differing(prefix, rec.files))
                if changed:
                    result.conda_modified[name] = changed
                    conda_touch.append(name)
            if (name not in now_conda or name in conda_touch) and not rec.url:
                result.unrestorable.append(f"conda package {rec.key}: its record has no usable URL")
    owned_now = {
        f.path
        for d in current.values()
        if point.dist(d.name) is None or point.pins()[d.name] != d.version
        for f in record_files(d.metadata_path, d.location, prefix)
    }
    result.stray, result.missing_unowned = _tree_changes(point, target, owned_now)
    touched = result.remove + [c[0] for c in result.change] + list(result.modified)
    result.escapes = removal_escapes(target, touched)
    if conda_touch:
        result.escapes += conda_removal_escapes(target, conda_touch)
    return result


def _tree_changes(point: RestorePoint, target: Interpreter, owned_now: set[str]) -> tuple[list[str], list[str]]:
    """(stray paths now, files no record owns that are gone) under the point's tree roots. Files
    of distributions the restore removes or replaces (`owned_now`) are the tools' to remove: not
    strays."""
    prefix = target.prefix
    known_dirs = set(point.tree_dirs)
    known = {f.path for d in point.distributions for f in d.files} | set(point.unowned)
    known |= {f.path for r in point.conda or [] for f in r.files}
    stray: list[str] = []
    for root in point.tree_roots:
        dirs, files = walk_tree(os.path.join(prefix, root), prefix)
        stray_dirs = [d for d in dirs if d not in known_dirs]
        top = [d for d in stray_dirs if not any(d.startswith(s + "/") for s in stray_dirs if s != d)]
        inside_stray = tuple(d + "/" for d in top)
        loose = [f for f in files if f not in known and not _installer_file(f)]
        for folder in top:
            under = [f for f in loose if f.startswith(folder + "/")]
            if not under or any(f not in owned_now for f in under):
                stray.append(folder + "/")
        stray += [f for f in loose if not f.startswith(inside_stray) and f not in owned_now]
    missing = [f for f in point.unowned if not os.path.lexists(os.path.join(prefix, f))]
    return sorted(stray), missing


# ---- restoring -----------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    point: RestorePoint
    commands: list[Completed] = field(default_factory=list)
    ok: bool = False
    before: Diff = field(default_factory=Diff)
    after: Diff = field(default_factory=Diff)
    manual: list[str] = field(default_factory=list)
    removed_stray: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "point": self.point.summary(),
            "ok": self.ok,
            "changes": self.before.lines(),
            "remaining": self.remaining(),
            "commands": [StepRun.of(c, tail=10).to_dict() for c in self.commands],
            "manual": list(self.manual),
            "removed_stray": self.removed_stray,
        }

    def remaining(self) -> list[str]:
        """What still differs from the point, what cannot be brought back, and what is left to do."""
        return (
            self.after.lines()
            + [f"not restorable: {u}" for u in self.after.unrestorable]
            + [f"manual: {m}" for m in self.manual]
        )


def restore_commands(
    point: RestorePoint, target: Interpreter, index: IndexOptions | None = None, changes: Diff | None = None
) -> tuple[list[list[str]], list[str]]:
    """(commands to run, commands the user must run) to bring `target` back to `point`."""
    index = index if index is not None else point.index
    changes = changes if changes is not None else diff(point, target)
    commands: list[list[str]] = []
    manual: list[str] = []
    conda_names = {d.name for d in point.distributions if (d.installer or "") == "conda"}
    if point.kind == "conda" and point.conda_explicit:
        from envdoctor.actions.create import conda_tool

        tool = conda_tool()
        explicit_file = str(point.path / CONDA_FILE)
        conda_cmd = [tool or "conda", "install", "--yes", "--prefix", target.prefix, "--file", explicit_file]
        conda_changes = changes.conda_remove or changes.conda_change or changes.conda_add or changes.conda_modified
        current = {d.name: d for d in current_dists(target)}
        then = point.pins()
        # conda's files that pip wrote over: pip's copy out, conda's relinked
        overwritten = sorted(
            n for n in conda_names if n in current and current[n].installer != "conda" and current[n].version != then[n]
        )
        changed = {n for n in conda_names if n not in current or current[n].version != then[n]}
        changed |= {n for n in changes.modified if n in conda_names}
        if tool and (conda_changes or changed):
            commands.append(conda_cmd)
        elif conda_changes or changed:
            if rattler_available():
                if overwritten:
                    commands.append(uv_pip("uninstall", target.executable, *overwritten))
                owners = conda_owners(Path(target.prefix))
                reinstall = sorted({owners.get(n, n) for n in changed} | set(changes.conda_modified))
                digest = point.sidecars.get(CONDA_FILE, "")
                commands.append(rattler_restore_command(target.prefix, explicit_file, reinstall, digest))
            else:
                manual.append(quote(conda_cmd))
    installed_by_conda = {d.name for d in current_dists(target) if (d.installer or "") == "conda"}
    removable = [n for n in changes.remove if n not in conda_names | installed_by_conda and _uv_safe(n)]
    if removable:
        commands.append(uv_pip("uninstall", target.executable, *removable))
    wanted = {c[0] for c in changes.change} | {a.split("==")[0] for a in changes.add}
    fresh: list[str] = []
    again: list[str] = []
    for dist in point.distributions:
        if dist.name in conda_names or dist.requirement is None:
            continue
        if dist.name in wanted:
            fresh += dist.requirement
        elif dist.name in changes.modified:
            again += ["--reinstall-package", dist.name, *dist.requirement]
    if fresh:
        commands.append(uv_pip("install", target.executable, "--no-deps", *fresh, index=index))
    if again:
        # same version, files changed in place: uv hardlinks from its cache, so the cached copy may
        # have changed with them; --no-cache fetches the distribution again
        commands.append(uv_pip("install", target.executable, "--no-deps", "--no-cache", *again, index=index))
    return commands, manual


def _uv_safe(name: str) -> bool:
    try:
        valid_name(name)
        return True
    except InvalidValue:
        return False


def remove_strays(point: RestorePoint, target: Interpreter, paths: Sequence[str]) -> list[str]:
    """Remove what appeared under the point's tree roots since it was recorded (a half-finished
    install), each path proven inside those roots first. Returns what was removed."""
    roots = [os.path.join(target.prefix, r) for r in point.tree_roots]
    if not roots:
        return []
    bound = Boundary(roots, "the environment's site-packages and bin")
    removed = []
    for path in paths:
        if bound.remove(os.path.join(target.prefix, path.rstrip("/"))):
            removed.append(path)
    return removed


def restore(
    point: RestorePoint,
    target: Interpreter,
    *,
    index: IndexOptions | None = None,
    quiet: bool = False,
) -> RestoreResult:
    """Bring `target` back to `point`, then verify it file by file; the journal records it.
    OutsideError (nothing changed) when a tool would remove anything outside the environment."""
    result = RestoreResult(point=point, before=diff(point, target))
    refuse(result.before.escapes, f"restore {point.id}")
    commands, result.manual = restore_commands(point, target, index, result.before)
    journal(point, "restore-start", commands=[quote(c) for c in commands])
    if result.before.stray:  # first: a half-finished install's files may be what fills the disk
        if not quiet:
            progress(f"restore: removing {len(result.before.stray)} stray path(s) absent from the point")
        result.removed_stray = remove_strays(point, target, result.before.stray)
    ok = True
    for argv in commands:
        interrupts.check()
        if not quiet:
            progress(f"restore: {quote(argv)}")
        done = run(argv, env=uv_env())
        result.commands.append(done)
        if not done.ok:
            ok = False
            break
    interrupts.check()
    strays = diff(point, target).stray if ok else []
    if strays:
        if not quiet:
            progress(f"restore: removing {len(strays)} stray path(s) absent from the point")
        result.removed_stray += remove_strays(point, target, strays)
    result.after = diff(point, target)
    result.ok = ok and result.after.empty and not result.manual
    journal(
        point,
        "restore",
        state="restored" if result.ok else "restore-failed",
        remaining=result.remaining()[:50],
    )
    return result


def require_target_match(point: RestorePoint, target: Interpreter) -> None:
    if point.prefix and os.path.realpath(point.prefix) != os.path.realpath(target.prefix):
        raise UsageError(
            f"restore point {point.id} is for {point.prefix}, not {target.prefix} (use --python {point.python})"
        )


def rattler_available() -> bool:
    return importlib.util.find_spec("rattler") is not None


def rattler_restore_command(
    prefix: str, explicit_file: str, reinstall: Sequence[str] = (), sha256: str = ""
) -> list[str]:
    """The command that makes a conda prefix hold exactly an explicit list, with py-rattler."""
    argv = [sys.executable, "-m", "envdoctor.actions.restore", "conda-explicit", "--prefix", prefix]
    for name in reinstall:
        argv += ["--reinstall", name]
    if sha256:
        argv += ["--sha256", sha256]
    return [*argv, explicit_file]


_DIST_INFO = re.compile(r"site-packages/([^/]+?)-[^/-]+\.(?:dist|egg)-info(?:/|$)")


def conda_owners(prefix: Path) -> dict[str, str]:
    """{distribution name (normalized): the conda package whose files hold its metadata}."""
    owners: dict[str, str] = {}
    for record in read_conda_records(str(prefix))[0]:
        for entry in record.listed:
            match = _DIST_INFO.search(entry)
            if match:
                owners.setdefault(canonicalize_name(match.group(1)), record.name)
    return owners


def parse_explicit(lines: Iterable[str]) -> list[tuple[str, str | None]]:
    """(URL, md5 or None) for each package line of an `@EXPLICIT` list; EnvdoctorError for a line
    that is not a valid package URL (whitespace, control characters, another scheme)."""
    out: list[tuple[str, str | None]] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("@"):
            continue
        url, _, digest = line.partition("#")
        try:
            valid_url(url.strip(), what="conda package URL")
        except InvalidValue as exc:
            raise EnvdoctorError(f"explicit list: {exc}") from None
        md5 = digest.strip() or None
        if md5 is not None and not re.match(r"^[0-9a-fA-F]{32}$", md5):
            raise EnvdoctorError(f"explicit list: not an md5 after {url.strip()!r}: {md5!r}")
        out.append((url.strip(), md5))
    return out


def _package_name(file_name: str) -> str:
    for ext in (".tar.bz2", ".conda"):
        if file_name.endswith(ext):
            file_name = file_name[: -len(ext)]
    return file_name.rsplit("-", 2)[0]


def install_explicit(prefix: Path, lines: Iterable[str], *, reinstall: Sequence[str] = ()) -> int:
    """Make the conda prefix hold exactly the packages of an `@EXPLICIT` list (py-rattler): each
    URL is found in its channel's repodata (md5 checked). Returns how many packages it holds.

    py-rattler unlinks every file the prefix's records list for the packages it removes or
    relinks: those records are checked first, and any path outside the prefix refuses it all."""
    import asyncio

    import rattler

    wanted = parse_explicit(lines)
    records_now, _ = read_conda_records(str(prefix))
    bound = Boundary([prefix], f"the conda prefix {prefix}")
    refuse(conda_escapes(str(prefix), [(r.file, r.listed) for r in records_now], bound), f"restore {prefix}")
    sources: list[str] = []
    subdirs: set[str] = set()
    names: set[str] = set()
    for url, _ in wanted:
        parts = url.rsplit("/", 2)
        if len(parts) != 3:
            raise EnvdoctorError(f"not a package URL in the explicit list: {url}")
        base, subdir, file_name = parts
        if base not in sources:
            sources.append(base)
        subdirs.add(subdir)
        names.add(_package_name(file_name))
    subdirs.add("noarch")
    found: dict[str, Any] = {}
    if wanted:
        result = asyncio.run(
            rattler.Gateway().query(sources, sorted(subdirs), sorted(names), recursive=False)  # type: ignore[arg-type]
        )
        for channel_records in result:
            for rec in channel_records:
                found.setdefault(_same_url(str(rec.url)), rec)
    records: list[Any] = []
    missing: list[str] = []
    for url, md5 in wanted:
        match = found.get(_same_url(url))
        if match is None:
            missing.append(url)
        elif md5 and match.md5 is not None and match.md5.hex() != md5.lower():
            raise EnvdoctorError(f"{url}: md5 {match.md5.hex()} in the channel, {md5} in the explicit list")
        else:
            records.append(match)
    if missing:
        raise EnvdoctorError("not in the channels' repodata any more: " + ", ".join(missing))
    asyncio.run(
        rattler.install(records, target_prefix=str(prefix), reinstall_packages=set(reinstall), show_progress=False)
    )
    return len(records)


def _same_url(url: str) -> str:
    return url.rstrip("/").replace("file:///", "/").replace("file://", "")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m envdoctor.actions.restore conda-explicit --prefix P [--reinstall NAME]...
    [--sha256 HEX] FILE`"""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m envdoctor.actions.restore")
    verbs = parser.add_subparsers(dest="verb", required=True)
    explicit = verbs.add_parser("conda-explicit", help="make a conda prefix hold exactly an @EXPLICIT list")
    explicit.add_argument("--prefix", required=True)
    explicit.add_argument("--reinstall", action="append", default=[], metavar="NAME")
    explicit.add_argument("--sha256", metavar="HEX", help="refuse the file unless its content has this SHA-256")
    explicit.add_argument("file")
    args = parser.parse_args(argv)
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        if args.sha256 and _sha256(text) != args.sha256:
            raise EnvdoctorError(
                f"{args.file} was changed after it was recorded (sha256 mismatch); nothing was changed"
            )
        count = install_explicit(Path(args.prefix), text.splitlines(), reinstall=args.reinstall)
    except Exception as exc:  # rattler raises its own exception types
        print(f"envdoctor: conda-explicit: {exc}", file=sys.stderr)
        return 1
    print(f"{args.prefix}: {count} conda packages, as listed in {args.file}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # py-rattler 0.28's runtime threads crash the interpreter's own exit now and then
