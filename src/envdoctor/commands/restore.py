"""envdoctor restore: bring back a restore point recorded by `fix --apply`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from envdoctor import exitcodes
from envdoctor.actions import interrupts
from envdoctor.actions.uvtool import add_index_arguments, index_options
from envdoctor.commands._common import add_source_arguments, live_source_from_args
from envdoctor.errors import UsageError
from envdoctor.render import formats

if TYPE_CHECKING:
    from envdoctor.actions.restore.point import RestorePoint
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
    add_index_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `restore --help` (64 ms, 44 modules) and completion (30 ms)
    from envdoctor.actions import restore as points

    # lazy: kept out of `restore --help` (4.5 ms, 8 modules) and completion (1.3 ms)
    from envdoctor.actions.proc import quote

    # lazy: kept out of `restore --help` (51 ms, 30 modules) and completion (16 ms)
    from envdoctor.probe.collect import describe

    # lazy: kept out of `restore --help` (14 ms, 7 modules) and completion (14 ms)
    from envdoctor.render.views import restore as views

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
        formats.show(views.dry_run_document(point, change, [quote(c) for c in commands], manual), args.format)
        return exitcodes.outcome(not change.escapes)

    with points.locked(target, "restore"), interrupts.guarded():
        change = points.diff(point, target)
        commands, manual = points.restore_commands(point, target, chosen_index, change)
        if not change.empty and not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("restore changes the environment: add --yes (stdin is not a terminal)")
            shown = [quote(c) for c in commands]
            formats.show(views.confirm_document(point, target.prefix, change, shown, manual), "text", stream=sys.stderr)
            answer = input(f"apply {len(change.lines())} change(s) to {target.prefix}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise UsageError("not restored: the plan was not confirmed")
        try:
            result = points.restore(point, target, index=chosen_index, quiet=args.quiet)
        except interrupts.Interrupted as exc:
            raise _interrupted(points, point, target, exc) from None
    formats.show(views.result_document(point, target.prefix, result), args.format)
    return exitcodes.outcome(result.ok)


def _interrupted(points: Any, point: RestorePoint, target: Interpreter, exc: BaseException) -> Exception:
    signum = getattr(exc, "signum", 2)
    points.journal(point, "interrupted", signal=interrupts.signal_label(signum))
    return interrupts.Interruption(
        f"interrupted by {interrupts.signal_label(signum)}; the environment is part-way back to {point.id}. "
        f"Finish with: {points.restore_command(target.executable, point.id)}",
        signum,
    )


def differences_now(point: RestorePoint, current: dict[str, str]) -> list[str]:
    """What differs between the point and the environment now, by name and version (cheap: the
    file-by-file comparison is restore's and --dry-run's)."""
    then = point.pins()
    out = [f"{n} {current[n]} -> {v}" for n, v in sorted(then.items()) if n in current and current[n] != v]
    out += [f"{n} {v} (gone now)" for n, v in sorted(then.items()) if n not in current]
    out += [f"{n} {current[n]} (added since)" for n in sorted(current) if n not in then]
    return out


def _list(args: argparse.Namespace, target: Interpreter) -> int:
    # lazy: kept out of `restore --help` (66 ms, 44 modules) and completion (36 ms)
    from envdoctor.actions import restore as points

    # lazy: kept out of `restore --help` (14 ms, 7 modules) and completion (16 ms)
    from envdoctor.render.views.restore import list_document

    entries = points.scan_points(target)
    current = {d.name: d.version for d in points.current_dists(target)}
    changes = {e.id: differences_now(e.point, current) for e in entries if e.point}
    formats.show(list_document(target.prefix, points.restore_root(target), entries, changes), args.format)
    return exitcodes.OK
