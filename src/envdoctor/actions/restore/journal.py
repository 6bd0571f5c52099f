"""A restore point's journal: what fix did after recording the point, one fsynced JSON line per event (not covered by
the point's digest).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from envdoctor.actions import interrupts
from envdoctor.actions.proc import read_json_lines

if TYPE_CHECKING:
    from envdoctor.actions.restore.point import RestorePoint


def why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def journal_event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "time": round(time.time(), 3), **fields}


_journal_warned: set[str] = set()


def journal(point: RestorePoint, kind: str, **fields: Any) -> None:
    """Append one event to the point's journal, on disk before returning. A journal that cannot be
    written (a full disk) is said once, not fatal: the point itself is complete."""
    line = json.dumps(journal_event(kind, **fields), default=str) + "\n"
    try:
        fd = os.open(point.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        if str(point.path) not in _journal_warned:
            _journal_warned.add(str(point.path))
            interrupts.say(f"envdoctor: warning: cannot write the journal of {point.id}: {why(exc)}")


def read_journal(path: Path) -> list[dict[str, Any]]:
    return read_json_lines(path)  # a line cut short by a kill is skipped
