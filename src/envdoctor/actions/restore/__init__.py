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

The modules, one job each: `point` (the format, the digest, `load`), `store` (where points live,
IDs, the lock, the listing), `journal`, `recording` (`record`), `diff`, `removals` (the
unsafe-removal checks), `restoring` (`restore`), `conda` (py-rattler's side; `__main__`).
This package exports the restore-point API that fix, restore and create use (below).
"""

from __future__ import annotations

from envdoctor.actions.restore.diff import Diff, diff
from envdoctor.actions.restore.journal import journal, read_journal
from envdoctor.actions.restore.point import (
    CONDA_FILE,
    JOURNAL_FILE,
    POINT_FILE,
    REQUIREMENTS_FILE,
    InvalidPoint,
    PointDist,
    RestorePoint,
    content_digest,
    load,
)
from envdoctor.actions.restore.recording import current_dists, record
from envdoctor.actions.restore.removals import refuse_unsafe_removals
from envdoctor.actions.restore.restoring import (
    RestoreResult,
    require_target_match,
    restore,
    restore_command,
    restore_commands,
)
from envdoctor.actions.restore.store import (
    PointEntry,
    find_point,
    list_points,
    locked,
    restore_root,
    scan_points,
    state_dir,
)

__all__ = [
    "CONDA_FILE",
    "JOURNAL_FILE",
    "POINT_FILE",
    "REQUIREMENTS_FILE",
    "Diff",
    "InvalidPoint",
    "PointDist",
    "PointEntry",
    "RestorePoint",
    "RestoreResult",
    "content_digest",
    "current_dists",
    "diff",
    "find_point",
    "journal",
    "list_points",
    "load",
    "locked",
    "read_journal",
    "record",
    "refuse_unsafe_removals",
    "require_target_match",
    "restore",
    "restore_command",
    "restore_commands",
    "restore_root",
    "scan_points",
    "state_dir",
]
