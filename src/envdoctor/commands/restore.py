"""envdoctor restore: bring back a restore point recorded by `fix --apply`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from envdoctor.output import emit

if TYPE_CHECKING:
    from envdoctor.actions.restore import Diff, RestorePoint
    from envdoctor.actions.target import Target


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
    group = parser.add_argument_group("which environment (default: the active one)")
    target = group.add_mutually_exclusive_group()
    target.add_argument("--python", metavar="PATH", help="the interpreter of the environment")
    target.add_argument("--prefix", metavar="DIR", help="a venv or conda prefix")
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

    from envdoctor.actions import interrupts
    from envdoctor.actions import restore as points
    from envdoctor.actions.proc import quote
    from envdoctor.actions.target import describe, resolve_python
    from envdoctor.actions.uvtool import index_options
    from envdoctor.errors import UsageError

    python = resolve_python(args.python, args.prefix)
    target = describe(python)
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
        return 1 if change.escapes else 0

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
    return 0 if result.ok else 1


def _interrupted(points: Any, point: RestorePoint, target: Target, exc: BaseException) -> Exception:
    from envdoctor.actions import interrupts

    signum = getattr(exc, "signum", 2)
    points.journal(point, "interrupted", signal=interrupts.signal_label(signum))
    return interrupts.Interruption(
        f"interrupted by {interrupts.signal_label(signum)}; the environment is part-way back to {point.id}. "
        f"Finish with: envdoctor restore --python {target.python} --yes {point.id}",
        signum,
    )


def _list(args: argparse.Namespace, target: Target) -> int:
    import json

    from envdoctor.actions import restore as points

    entries = points.scan_points(target)
    root = points.restore_root(target)
    if args.format == "json":
        emit(
            json.dumps(
                {
                    "prefix": target.prefix,
                    "root": str(root),
                    "points": [e.point.summary() for e in entries if e.point],
                    "invalid": [
                        {"id": e.id, "path": str(e.path), "problem": e.problem} for e in entries if not e.point
                    ],
                },
                indent=2,
            )
        )
        return 0
    lines = [f"restore points of {target.prefix} ({root}):"]
    for entry in entries:
        if entry.point is None:
            lines.append(f"  {entry.id}  INVALID      {entry.problem}")
        else:
            p = entry.point.summary()
            lines.append(f"  {p['id']}  {p['status']:<12} {p['distributions']} distributions  {p['reason']}")
    if not entries:
        lines.append("  none" + ("" if root.is_dir() or not root.exists() else f" ({root} is not a folder)"))
    emit("\n".join(lines))
    return 0
