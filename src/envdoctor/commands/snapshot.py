"""envdoctor snapshot: the environment and machine facts as JSON (for `check --snapshot`)."""

from __future__ import annotations

import argparse
import json

from envdoctor.commands._common import add_output_argument, add_target_arguments, read_options, source_from_args
from envdoctor.output import write_output


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, snapshot=False)
    add_output_argument(parser)


def run(args: argparse.Namespace) -> int:
    from envdoctor.errors import UsageError

    if args.format != "json" and args.format != "text":
        raise UsageError("snapshot is JSON only; use `envdoctor report --format markdown` for Markdown")
    from envdoctor import doctor, exitcodes

    snapshot = doctor.snapshot(source_from_args(args), read_options(args))
    text = json.dumps(snapshot.to_dict(), indent=2) + "\n"
    write_output(text, args.output)
    return exitcodes.OK
