"""envdoctor report: a shareable record of the environment and machine, with check's findings."""

from __future__ import annotations

import argparse

from envdoctor import doctor
from envdoctor.commands._common import add_output_argument, add_target_arguments, read_options, source_from_args


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    add_output_argument(parser)
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="keep the home folder and the user name (default: replaced by ~ and <user>)",
    )


def run(args: argparse.Namespace) -> int:
    from envdoctor.render import formats  # lazy: kept out of `report --help` (11 ms, 15 modules)

    # lazy: kept out of `report --help` (50 ms, 20 modules) and completion (14 ms)
    from envdoctor.render.views.report import report_document

    shared = doctor.report(source_from_args(args), redact=not args.no_redact, options=read_options(args))
    snapshot, report, dropped = shared.snapshot, shared.report, shared.dropped
    findings = report.findings
    formats.show(
        report_document(snapshot, findings, report.skipped, report.environment, dropped=dropped),
        args.format,
        output=args.output,
    )
    return shared.exit_code
