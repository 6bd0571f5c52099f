"""The unsafe-removal checks: every path uv or conda would remove from a target, refused when it lies outside the
target's own folders.
"""

from __future__ import annotations

from collections.abc import Iterable

from envdoctor.actions.containment import Boundary, Escape, conda_escapes, record_escapes, refuse
from envdoctor.actions.records import (
    read_conda_records,
    read_record_rows,
)
from envdoctor.actions.restore.recording import (
    current_dists,
)
from envdoctor.model import Interpreter


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
