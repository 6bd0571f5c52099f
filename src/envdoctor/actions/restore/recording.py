"""Recording a restore point: the environment's distributions with their RECORDs, its conda records and explicit list,
its unowned files, written to a temporary folder and renamed onto a reserved ID.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
from collections.abc import Iterable
from pathlib import Path

from envdoctor.actions import interrupts
from envdoctor.actions.containment import Boundary
from envdoctor.actions.records import (
    INSTALLER_FILES,
    CondaRecord,
    DirectUrl,
    FileEntry,
    InvalidValue,
    read_conda_records,
    record_files,
    relative,
    requirement_args,
    tree_roots,
    walk_tree,
)
from envdoctor.actions.restore.journal import journal_event, why
from envdoctor.actions.restore.point import (
    CONDA_FILE,
    JOURNAL_FILE,
    POINT_FILE,
    REQUIREMENTS_FILE,
    PointDist,
    RestorePoint,
    _sha256,
    conda_explicit_lines,
    content_digest,
    requirements_text,
)
from envdoctor.actions.restore.store import (
    clean_stale,
    contained_root,
    fsync_dir,
    reserve_id,
)
from envdoctor.actions.uvtool import IndexOptions
from envdoctor.errors import EnvdoctorError
from envdoctor.model import Distribution, Interpreter
from envdoctor.probe.distributions import read_distributions


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
    unowned = [f for f in files if f not in owned and not installer_file(f)]
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


def installer_file(path: str) -> bool:
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
            root, bound = contained_root(target)
        else:
            bound = Boundary([root], "the restore-point folder")
        try:
            bound.make_dirs(root)
        except (OSError, EnvdoctorError) as exc:
            raise EnvdoctorError(f"cannot record a restore point in {root}: {why(exc)}; nothing was changed") from None
        clean_stale(root, bound)
        try:
            point_id = reserve_id(root)
        except OSError as exc:
            raise EnvdoctorError(f"cannot record a restore point in {root}: {why(exc)}; nothing was changed") from None
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
            bound.write_text(tmp / JOURNAL_FILE, json.dumps(journal_event("recorded")) + "\n")
            point.digest = content_digest(point.content())
            bound.write_text(tmp / POINT_FILE, json.dumps(point.to_dict(), separators=(",", ":")) + "\n")
            os.rename(tmp, point.path)  # onto the empty reserved folder: atomic
        except (OSError, EnvdoctorError) as exc:
            for leftover in (tmp, point.path):
                with contextlib.suppress(OSError, EnvdoctorError):
                    bound.remove(leftover)
            raise EnvdoctorError(f"cannot record a restore point in {root}: {why(exc)}; nothing was changed") from None
        fsync_dir(root)
    return point
