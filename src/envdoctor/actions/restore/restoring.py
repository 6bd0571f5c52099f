"""Bringing a restore point back: the commands (uv, conda or py-rattler), stray files removed inside the environment,
then the comparison again: `ok` only when nothing differs.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor.actions import interrupts
from envdoctor.actions.containment import Boundary, refuse
from envdoctor.actions.proc import StepRun, progress, quote
from envdoctor.actions.records import (
    InvalidValue,
    valid_name,
)
from envdoctor.actions.restore.conda import (
    conda_owners,
    rattler_available,
    rattler_restore_command,
)
from envdoctor.actions.restore.diff import Diff, diff
from envdoctor.actions.restore.journal import journal
from envdoctor.actions.restore.point import (
    CONDA_FILE,
    RestorePoint,
)
from envdoctor.actions.restore.recording import (
    current_dists,
)
from envdoctor.actions.uvtool import IndexOptions, uv_env, uv_pip
from envdoctor.errors import UsageError
from envdoctor.model import Interpreter
from envdoctor.probe.tools import conda_tool
from envdoctor.process import Completed, run


def restore_command(python: str, point_id: str) -> str:
    """The command that brings `point_id` back in the environment of `python`, ready to paste."""
    return f"envdoctor restore --python {shlex.quote(python)} --yes {shlex.quote(point_id)}"


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
