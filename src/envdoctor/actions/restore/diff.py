"""Comparing an environment with a restore point, file by file: distributions to remove, to bring back, to reinstall,
conda packages likewise, and stray files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from envdoctor.actions.containment import Escape
from envdoctor.actions.records import (
    InvalidValue,
    differing,
    read_conda_records,
    record_files,
    valid_name,
    walk_tree,
)
from envdoctor.actions.restore.point import (
    RestorePoint,
)
from envdoctor.actions.restore.recording import (
    current_dists,
    installer_file,
)
from envdoctor.actions.restore.removals import (
    conda_removal_escapes,
    removal_escapes,
)
from envdoctor.model import Interpreter


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
        loose = [f for f in files if f not in known and not installer_file(f)]
        for folder in top:
            under = [f for f in loose if f.startswith(folder + "/")]
            if not under or any(f not in owned_now for f in under):
                stray.append(folder + "/")
        stray += [f for f in loose if not f.startswith(inside_stray) and f not in owned_now]
    missing = [f for f in point.unowned if not os.path.lexists(os.path.join(prefix, f))]
    return sorted(stray), missing
