"""envdoctor verify: import each installed framework in the target environment and compute."""

from __future__ import annotations

import argparse

from envdoctor import doctor, frameworks
from envdoctor.commands._common import add_source_arguments, live_source_from_args
from envdoctor.errors import UsageError
from envdoctor.render import formats


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "exit codes: 0 every installed framework imports and computes (or none is installed); "
        "1 a framework failed; 2 usage error (no interpreter)"
    )
    add_source_arguments(parser, live=True)
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds each framework may take to import and compute (default 300)",
    )
    parser.add_argument(
        "--framework",
        action="append",
        choices=frameworks.families(),
        default=None,
        help="verify only this framework (repeatable; default: every installed one)",
    )


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `verify --help` (10 ms, 3 modules) and completion (11 ms)
    from envdoctor.render.views.verify import verify_document

    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    report = doctor.verify(live_source_from_args(args), timeout=args.timeout, frameworks=args.framework)
    formats.show(verify_document(report), args.format)
    return report.exit_code
