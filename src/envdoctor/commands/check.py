"""envdoctor check: every problem in an environment, with evidence and the exact fix. The
options name the source; `envdoctor.doctor.check` does the rest; this formats and emits."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from envdoctor import __version__, exitcodes
from envdoctor.commands._common import (
    add_selection_arguments,
    add_target_arguments,
    read_options,
    source_from_args,
    validate_selection,
)
from envdoctor.output import emit
from envdoctor.render import formats

if TYPE_CHECKING:
    from envdoctor.doctor import Report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit codes: 0 no error-severity finding; 1 errors found; 2 usage error / nothing inspected"
    add_target_arguments(parser)
    parser.add_argument("--list-rules", action="store_true", help="list every rule with its docs and exit")
    add_selection_arguments(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="run every rule even if this environment is unchanged since a cached check (also ENVDOCTOR_NO_CACHE=1)",
    )


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        # lazy: kept out of a cached `check`, `check --help` (33 ms, 5 modules) and completion (11 ms)
        from envdoctor.render.views.check import rules_document

        # lazy: kept out of a cached `check`, `check --help` (57 ms, 22 modules: packaging) and completion (10 ms)
        from envdoctor.rules import all_rules

        formats.show(rules_document(all_rules(scope=None)), args.format)
        return exitcodes.OK
    if args.selection.select or args.selection.ignore or args.severity_overrides:
        validate_selection(args, scope="environment")
    from envdoctor import doctor  # lazy: kept out of `check --help` (2.9 ms, 7 modules)

    options = read_options(args)
    source, severity = source_from_args(args), args.severity_overrides
    report = doctor.check(
        source,
        args.selection,
        cache=options.use_cache,
        severity=severity,
        options=options,
        while_probing=lambda: formats.prepare(args.format),  # rich's imports (~50 ms) overlap the probe
    )
    _show(args, report)
    return report.exit_code


def _show(args: argparse.Namespace, report: Report) -> None:
    """Render and write the answer; a cached answer shown the same way before is written as it was
    then (checkcache.rendered: no formatter to import)."""
    import json  # lazy: kept out of `check --help` (1.8 ms, 5 modules)

    from envdoctor import checkcache  # lazy: kept out of `check --help` (11 ms, 17 modules) and completion (4.7 ms)

    options = formats.options_for(sys.stdout)
    variant = json.dumps(
        [__version__, args.format, options.color, options.width, report.environment, os.path.expanduser("~")],
        default=str,
    )
    if report.cached and report.cache_key is not None:  # a fresh answer's outputs were just cleared
        text = checkcache.rendered(report.cache_key, variant)
        if text is not None:
            emit(text)
            return
    # lazy: kept out of a cached `check`, `check --help` (32 ms, 5 modules) and completion (11 ms)
    from envdoctor.render.views.check import check_document

    text = formats.render(check_document(report.findings, report.skipped, report.environment), args.format, options)
    emit(text)
    if report.cache_key is not None:
        checkcache.store_rendered(report.cache_key, variant, text)
