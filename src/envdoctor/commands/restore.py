"""envdoctor restore: bring back a restore point recorded by `fix --apply`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from envdoctor import exitcodes
from envdoctor.commands._common import add_source_arguments, live_source_from_args
from envdoctor.output import emit

if TYPE_CHECKING:
    from envdoctor.actions.restore import Diff, RestorePoint
    from envdoctor.model import Interpreter


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Restore points live in <prefix>/.envdoctor/restore/<ID>/ (venvs and conda prefixes), else "
        "in $ENVDOCTOR_STATE_DIR (default ~/.local/state/envdoctor)/restore/. A point is verified "
        "(its digest, its files) before it is used, and the environment file by file after. "
        "exit codes: 0 restored (or listed, or dry run); 1 the restore did not complete, or was "
        "refused; 2 usage error or a point that fails verification; 128+N interrupted by signal N"
    )
    parser.add_argument("id", nargs="?", metavar="ID", help="the restore point (default: the latest)")
    parser.add_argument("--list", action="store_true", help="list the restore points and their state")
    add_source_arguments(parser, live=True)
    parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask before changing the environment")
    from envdoctor.actions.uvtool import add_index_arguments

    add_index_arguments(parser)


def _plan_lines(point: RestorePoint, change: Diff, commands: list[str], manual: list[str]) -> list[str]:
    lines = [f"  {c}" for c in change.lines()]
    lines += [f"  not restorable: {u}" for u in change.unrestorable]
    lines += [f"  refused: {e.line()}" for e in change.escapes]
    lines += [f"  would run: {c}" for c in commands]
    lines += [f"  manual: {c}" for c in manual]
    return lines


def run(args: argparse.Namespace) -> int:
    import json

    from envdoctor import exitcodes
    from envdoctor.actions import interrupts
    from envdoctor.actions import restore as points
    from envdoctor.actions.proc import quote
    from envdoctor.actions.uvtool import index_options
    from envdoctor.errors import UsageError
    from envdoctor.probe.collect import describe

    target = describe(live_source_from_args(args).target().python or "")
    if args.list:
        return _list(args, target)
    point = points.find_point(target, args.id)  # verified: a tampered point stops here
    points.require_target_match(point, target)
    index = index_options(args)
    chosen_index = index if index.args() else None
    if args.dry_run:
        change = points.diff(point, target)
        commands, manual = points.restore_commands(point, target, chosen_index, change)
        shown = [quote(c) for c in commands]
        data: dict[str, Any] = {
            "point": point.summary(),
            "verified": True,
            "changes": change.lines(),
            "details": change.to_dict(),
            "commands": shown,
            "manual": manual,
            "refused": [e.line() for e in change.escapes],
        }
        if args.format == "json":
            emit(json.dumps(data, indent=2))
        else:
            count = len(change.lines())
            head = f"restore {point.id} (dry run; the point is verified): {count} change(s)"
            if change.escapes:
                head += f"; REFUSED: {len(change.escapes)} path(s) a tool would remove lie outside the environment"
            emit("\n".join([head, *_plan_lines(point, change, shown, manual)]))
        return exitcodes.outcome(not change.escapes)

    with points.locked(target, "restore"), interrupts.guarded():
        change = points.diff(point, target)
        commands, manual = points.restore_commands(point, target, chosen_index, change)
        if not change.empty and not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("restore changes the environment: add --yes (stdin is not a terminal)")
            from envdoctor.output import emit_error

            emit_error(
                "\n".join(
                    [
                        f"restore {point.id} -> {target.prefix}:",
                        *_plan_lines(point, change, [quote(c) for c in commands], manual),
                    ]
                )
            )
            answer = input(f"apply {len(change.lines())} change(s) to {target.prefix}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise UsageError("not restored: the plan was not confirmed")
        try:
            result = points.restore(point, target, index=chosen_index, quiet=args.quiet)
        except interrupts.Interrupted as exc:
            raise _interrupted(points, point, target, exc) from None
    if args.format == "json":
        emit(json.dumps(result.to_dict(), indent=2))
    else:
        lines = [f"envdoctor restore: {point.id} -> {target.prefix}"]
        lines += [f"  {c}" for c in result.before.lines()] or ["  nothing to change"]
        for done in result.commands:
            lines.append(f"  [{'ok  ' if done.ok else 'FAIL'}] {quote(done.argv)}")
            if not done.ok:
                lines += ["         " + x for x in done.tail(8).splitlines()]
        if result.removed_stray:
            lines.append(f"  removed {len(result.removed_stray)} stray path(s): " + ", ".join(result.removed_stray[:5]))
        remaining = result.remaining()
        if remaining:
            lines.append(f"  still different from the point ({len(remaining)}):")
            lines += [f"    {r}" for r in remaining[:40]]
        lines.append(
            "restore: "
            + ("done (verified file by file)" if result.ok else "INCOMPLETE: the environment differs from the point")
        )
        emit("\n".join(lines))
    return exitcodes.outcome(result.ok)


def _interrupted(points: Any, point: RestorePoint, target: Interpreter, exc: BaseException) -> Exception:
    from envdoctor.actions import interrupts

    signum = getattr(exc, "signum", 2)
    points.journal(point, "interrupted", signal=interrupts.signal_label(signum))
    return interrupts.Interruption(
        f"interrupted by {interrupts.signal_label(signum)}; the environment is part-way back to {point.id}. "
        f"Finish with: envdoctor restore --python {target.executable} --yes {point.id}",
        signum,
    )


def human_time(iso: str, now: float | None = None) -> str:
    """`2026-12-01T21:04:05+00:00` -> `12 min ago (2026-12-01 21:04 UTC)`; unreadable: as given."""
    import datetime
    import time

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


def differences_now(point: RestorePoint, current: dict[str, str]) -> list[str]:
    """What differs between the point and the environment now, by name and version (cheap: the
    file-by-file comparison is restore's and --dry-run's)."""
    then = point.pins()
    out = [f"{n} {current[n]} -> {v}" for n, v in sorted(then.items()) if n in current and current[n] != v]
    out += [f"{n} {v} (gone now)" for n, v in sorted(then.items()) if n not in current]
    out += [f"{n} {current[n]} (added since)" for n in sorted(current) if n not in then]
    return out


def _list(args: argparse.Namespace, target: Interpreter) -> int:
    import json

    from envdoctor.actions import restore as points

    entries = points.scan_points(target)
    root = points.restore_root(target)
    current = {d.name: d.version for d in points.current_dists(target)}
    changes = {e.id: differences_now(e.point, current) for e in entries if e.point}
    if args.format == "json":
        emit(
            json.dumps(
                {
                    "prefix": target.prefix,
                    "root": str(root),
                    "points": [{**e.point.summary(), "differs_now": changes[e.id]} for e in entries if e.point],
                    "invalid": [
                        {"id": e.id, "path": str(e.path), "problem": e.problem} for e in entries if not e.point
                    ],
                },
                indent=2,
            )
        )
        return exitcodes.OK
    from rich.table import Table
    from rich.text import Text

    from envdoctor.output import use_color
    from envdoctor.render.terminal import terminal_width, to_text

    title = Text(f"restore points of {target.prefix}", style="heading")
    title.append(f" ({root})", style="dim")
    if not entries:
        missing = "" if root.is_dir() or not root.exists() else f" ({root} is not a folder)"
        emit(to_text([title, Text("  none" + missing)], color=use_color(sys.stdout), width=None))
        return exitcodes.OK
    table = Table(box=None, pad_edge=True, padding=(0, 1), header_style="label")
    for column in ("id", "created", "state", "why it was made", "restoring it would change"):
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "state"))
    for entry in entries:
        if entry.point is None:
            table.add_row(entry.id, "", Text("INVALID", style="error"), entry.problem or "", "")
            continue
        summary = entry.point.summary()
        differs = changes[entry.id]
        shown = ", ".join(differs[:3]) + (f" (+{len(differs) - 3} more)" if len(differs) > 3 else "")
        table.add_row(
            summary["id"],
            human_time(str(summary["created"])),
            str(summary["status"]),
            f"{summary['reason']} ({summary['distributions']} distributions)",
            Text(shown, style="warning") if differs else Text("nothing (same versions)", style="dim"),
        )
    emit(to_text([title, table], color=use_color(sys.stdout), width=terminal_width(sys.stdout.isatty())))
    return exitcodes.OK
