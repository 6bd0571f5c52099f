"""Where restore points live and who may write them: the folder of a target's points (inside the prefix, else the
state dir), IDs reserved by creating their folder, stale writers' leftovers, the per-target lock, and the
listing of the points a target has.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from envdoctor.actions.containment import Boundary, OutsideError
from envdoctor.actions.lock import hold, lock_path, slug
from envdoctor.actions.restore.journal import why
from envdoctor.actions.restore.point import (
    POINT_FILE,
    POINT_ID,
    InvalidPoint,
    RestorePoint,
    load,
)
from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.model import Interpreter


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
    if _in_prefix(target):
        return Path(target.prefix) / ".envdoctor" / "restore"
    return state_dir(env) / "restore" / slug(target.prefix or "/")


def state_boundary(target: Interpreter, env: Mapping[str, str] | None = None) -> Boundary:
    """Where envdoctor's own files about `target` may be written: `<prefix>/.envdoctor`, or the
    state folder."""
    if _in_prefix(target):
        return Boundary([Path(target.prefix) / ".envdoctor"], "envdoctor's folder in the environment")
    return Boundary([state_dir(env)], "envdoctor's state folder")


def contained_root(target: Interpreter, env: Mapping[str, str] | None = None) -> tuple[Path, Boundary]:
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
    in_prefix = _in_prefix(target)
    path = lock_path(target.prefix, state=state_dir(env), in_prefix=in_prefix)
    if in_prefix:
        Boundary([target.prefix], f"the environment {target.prefix}").for_writing(path.parent)
    return path, state_boundary(target, env)


@contextmanager
def locked(target: Interpreter, verb: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold `target`'s lock while changing it (LockBusy when another envdoctor holds it)."""
    path, bound = lock_file(target)
    try:
        bound.make_dirs(path.parent)
    except OSError as exc:
        raise EnvdoctorError(f"cannot create the lock folder {path.parent}: {why(exc)}; nothing was changed") from None
    bound.for_writing(path)
    with hold(path, prefix=target.prefix, verb=verb, wait=wait):
        yield


def reserve_id(root: Path) -> str:
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


def clean_stale(root: Path, bound: Boundary) -> None:
    """Temporary folders of a writer that was killed (its pid is gone), and empty reserved IDs."""
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for child in entries:
        match = re.match(r"^\.tmp-.*-(\d+)$", child.name)
        stale = bool(match) and not _pid_alive(int(match.group(1)))  # type: ignore[union-attr]
        try:
            empty_reserved = POINT_ID.match(child.name) and child.is_dir() and not any(child.iterdir())
        except OSError:
            empty_reserved = False
        if stale or (empty_reserved and time.time() - child.stat().st_mtime > 3600):
            with contextlib.suppress(OSError):
                bound.remove(child)


def fsync_dir(path: Path) -> None:
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
    root, _ = contained_root(target)  # a folder symlinked out of the prefix is refused: its journal is written
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
