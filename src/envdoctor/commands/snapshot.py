"""envdoctor snapshot: the environment and machine facts as JSON (for `check --snapshot`)."""

from __future__ import annotations

import argparse

from envdoctor import doctor, exitcodes
from envdoctor.commands._common import add_output_argument, add_target_arguments, read_options, source_from_args


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, snapshot=False)
    add_output_argument(parser)


def run(args: argparse.Namespace) -> int:
    from envdoctor.render import formats  # lazy: kept out of `snapshot --help` (16 ms, 15 modules)

    # lazy: kept out of `snapshot --help` (17 ms, 17 modules) and completion (11 ms)
    from envdoctor.render.views.snapshot import snapshot_document

    snapshot = doctor.snapshot(source_from_args(args), read_options(args))
    formats.show(snapshot_document(snapshot.to_dict()), args.format, output=args.output)
    return exitcodes.OK
