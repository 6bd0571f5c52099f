"""envdoctor fix: turn check's findings into a fix plan; apply it (with a restore point) with --apply."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING

from envdoctor import doctor
from envdoctor.actions.interrupts import Interruption, signal_label
from envdoctor.actions.uvtool import add_index_arguments, index_options
from envdoctor.commands._common import add_source_arguments, live_source_from_args
from envdoctor.errors import Terminated, UsageError
from envdoctor.render import formats

if TYPE_CHECKING:
    from envdoctor.actions.fix import FixReport


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Without --apply nothing changes. --apply records a restore point first (see `envdoctor "
        "restore`), runs the plan, re-runs check and verify, and rolls back when the result is "
        "worse. exit codes: 0 no error left and every framework verifies; 1 problems remain (or "
        "rolled back); 2 usage error"
    )
    add_source_arguments(parser, live=True)
    parser.add_argument("--apply", action="store_true", help="apply the plan (after a restore point)")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask before applying")
    parser.add_argument("--no-verify", action="store_true", help="skip verify before and after applying")
    parser.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="S",
        help="time limit for inspecting the environment, as for check (default 20)",
    )
    parser.add_argument(
        "--verify-timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds each framework may take in the after-verify, as verify --timeout (default 300)",
    )
    add_index_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `fix --help` (48 ms, 31 modules: packaging) and completion (32 ms)
    from envdoctor.actions.fixplan import FixPlan

    # lazy: kept out of `fix --help` (58 ms, 44 modules) and completion (47 ms)
    from envdoctor.render.views.fix import fix_document, plan_document

    if args.timeout <= 0 or args.verify_timeout <= 0:
        raise UsageError("timeouts must be positive")
    source = live_source_from_args(args)
    index = index_options(args)

    def confirm(plan: FixPlan) -> bool:
        if args.yes:
            return True
        if not sys.stdin.isatty():
            raise UsageError("--apply changes the environment: add --yes (stdin is not a terminal)")
        formats.show(plan_document(plan), "text", stream=sys.stderr)
        answer = input(f"apply {len(plan.actionable)} step(s) to {plan.python}? [y/N] ")
        return answer.strip().lower() in ("y", "yes")

    report = doctor.fix(
        source,
        apply=args.apply,
        index=index,
        timeout=args.timeout,
        verify_timeout=args.verify_timeout,
        verify_frameworks=not args.no_verify,
        confirm=confirm,
        quiet=args.quiet,
    )
    try:
        formats.show(fix_document(report), args.format)
    except (KeyboardInterrupt, Terminated) as exc:  # the change is finished: say so, leave it
        raise _after_the_change(report, exc) from None
    return report.exit_code


def _after_the_change(report: FixReport, exc: BaseException) -> Interruption:
    """A signal while the finished report is shown: the fix stays as applied (or rolled back)."""
    # lazy: kept out of `fix --help` (64 ms, 39 modules) and completion (33 ms)
    from envdoctor.actions.restore import restore_command

    signum = exc.signum if isinstance(exc, Terminated) else int(signal.SIGINT)
    label = signal_label(signum)
    point = report.point
    if point is None:
        return Interruption(f"interrupted by {label}; nothing was changed", signum)
    if report.rolled_back:
        return Interruption(f"interrupted by {label} after the fix was rolled back to restore point {point.id}", signum)
    return Interruption(
        f"interrupted by {label} after the fix was applied; restore point {point.id} undoes it: "
        + restore_command(report.python, point.id),
        signum,
    )
