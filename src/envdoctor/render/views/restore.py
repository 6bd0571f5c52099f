"""`envdoctor restore`: the restore points (--list), what a restore would change (--dry-run and
the confirmation), and what it did."""

from __future__ import annotations

import datetime
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from envdoctor.output import document_header
from envdoctor.render.document import (
    Block,
    Bullets,
    Column,
    Document,
    Entries,
    JsonData,
    Para,
    Span,
    Table,
    command,
    line,
)
from envdoctor.render.views.steps import run_entry

if TYPE_CHECKING:
    from pathlib import Path

    from envdoctor.actions.restore.diff import Diff
    from envdoctor.actions.restore.point import RestorePoint
    from envdoctor.actions.restore.restoring import RestoreResult
    from envdoctor.actions.restore.store import PointEntry


def human_time(iso: str, now: float | None = None) -> str:
    """`2026-12-01T21:04:05+00:00` -> `12 min ago (2026-12-01 21:04 UTC)`; unreadable: as given."""

    try:
        when = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return iso or "?"
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    seconds = (now if now is not None else time.time()) - when.timestamp()
    stamp = when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if seconds < 0:
        return stamp
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            count = int(seconds // size)
            label = f"{count} {unit}{'s' if unit == 'day' and count != 1 else ''}"
            return f"{label} ago ({stamp})"
    return f"just now ({stamp})"


def list_document(prefix: str, root: Path, entries: Sequence[PointEntry], changes: Mapping[str, list[str]]) -> Document:
    title = line(f"restore points of {prefix}", Span(f" ({root})", "dim"))
    data = {
        **document_header(),
        "prefix": prefix,
        "root": str(root),
        "points": [{**e.point.summary(), "differs_now": changes[e.id]} for e in entries if e.point],
        "invalid": [{"id": e.id, "path": str(e.path), "problem": e.problem} for e in entries if not e.point],
    }
    if not entries:
        missing = "" if root.is_dir() or not root.exists() else f" ({root} is not a folder)"
        return Document("restore", title, [Para(line("  none" + missing))], data=JsonData(data))
    rows: list[list[Any]] = []
    for entry in entries:
        if entry.point is None:
            rows.append([entry.id, "", Span("INVALID", "error"), entry.problem or "", ""])
            continue
        summary = entry.point.summary()
        differs = changes[entry.id]
        shown = ", ".join(differs[:3]) + (f" (+{len(differs) - 3} more)" if len(differs) > 3 else "")
        rows.append(
            [
                Span(str(summary["id"]), "code"),
                human_time(str(summary["created"])),
                str(summary["status"]),
                f"{summary['reason']} ({summary['distributions']} distributions)",
                Span(shown, "warning") if differs else Span("nothing (same versions)", "dim"),
            ]
        )
    columns = [
        Column("id"),
        Column("created"),
        Column("state"),
        Column("why it was made", wrap=True),
        Column("restoring it would change", wrap=True),
    ]
    return Document("restore", title, [Table(columns, rows)], data=JsonData(data))


def change_blocks(change: Diff, commands: Sequence[str], manual: Sequence[str]) -> list[Block]:
    items = [line(c) for c in change.lines()]
    items += [line(Span("not restorable: ", "warning"), u) for u in change.unrestorable]
    items += [line(Span("refused: ", "error"), e.line()) for e in change.escapes]
    items += [line(Span("would run: ", "label"), command(c)) for c in commands]
    items += [line(Span("manual: ", "label"), command(c)) for c in manual]
    return [Bullets(items)] if items else []


def dry_run_document(point: RestorePoint, change: Diff, commands: Sequence[str], manual: Sequence[str]) -> Document:
    count = len(change.lines())
    head = f"restore {point.id} (dry run; the point is verified): {count} change(s)"
    verdict = None
    if change.escapes:
        verdict = Para(
            line(f"REFUSED: {len(change.escapes)} path(s) a tool would remove lie outside the environment"), "fail"
        )
    data = {
        **document_header(),
        "point": point.summary(),
        "verified": True,
        "changes": change.lines(),
        "details": change.to_dict(),
        "commands": list(commands),
        "manual": list(manual),
        "refused": [e.line() for e in change.escapes],
    }
    return Document("restore", line(head), change_blocks(change, commands, manual), verdict, JsonData(data))


def confirm_document(
    point: RestorePoint, prefix: str, change: Diff, commands: Sequence[str], manual: Sequence[str]
) -> Document:
    return Document("restore", line(f"restore {point.id} -> {prefix}:"), change_blocks(change, commands, manual))


def result_document(point: RestorePoint, prefix: str, result: RestoreResult) -> Document:
    blocks: list[Block] = [Bullets([line(c) for c in result.before.lines()] or [line("nothing to change")])]
    ran = [run_entry(done.argv, done.ok, tail=done.tail(8)) for done in result.commands]
    if ran:
        blocks.append(Entries(ran))
    if result.removed_stray:
        blocks.append(
            Para(line(f"removed {len(result.removed_stray)} stray path(s): " + ", ".join(result.removed_stray[:5])))
        )
    remaining = result.remaining()
    if remaining:
        blocks.append(
            Bullets([line(r) for r in remaining[:40]], title=f"still different from the point ({len(remaining)}):")
        )
    verdict = Para(
        line(
            "restore: "
            + ("done (verified file by file)" if result.ok else "INCOMPLETE: the environment differs from the point")
        ),
        "ok" if result.ok else "fail",
    )
    return Document(
        "restore",
        line(f"envdoctor restore: {point.id} -> ", Span(prefix, "literal")),
        blocks,
        verdict,
        JsonData({**document_header(), **result.to_dict()}),
    )
