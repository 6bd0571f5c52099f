"""envdoctor snapshot: the environment and machine facts as JSON (for `check --snapshot`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from envdoctor.commands._common import add_target_arguments, load_snapshot_for
from envdoctor.output import emit


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, snapshot=False)
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    from envdoctor.errors import UsageError

    if args.format != "json" and args.format != "text":
        raise UsageError("snapshot is JSON only; use `envdoctor report --format markdown` for Markdown")
    snapshot = load_snapshot_for(args)
    text = json.dumps(snapshot.to_dict(), indent=2) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        emit(text)
    return 0
