"""`envdoctor lint FILE...`: check environment.yml / requirements*.txt / pyproject.toml /
pylock.toml before anything is installed.

Exit codes: 0 no error-severity finding; 1 errors found; 2 usage error (unreadable file).
"""

from __future__ import annotations

import argparse

from envdoctor import exitcodes
from envdoctor.commands._common import add_selection_arguments, validate_selection
from envdoctor.doctor import override_severity
from envdoctor.model import ENV_FILE_KINDS, Finding
from envdoctor.render import formats


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="environment.yml, requirements*.txt, pyproject.toml or pylock.toml",
    )
    parser.add_argument(
        "--platform",
        metavar="KEY",
        help="platform the file is for: linux-x86_64 | linux-aarch64 | macos-arm64 | "
        "macos-x86_64 | windows-x86_64 (default: this machine)",
    )
    parser.add_argument(
        "--type",
        dest="kind",
        choices=ENV_FILE_KINDS,
        help="file type (default: from the file name)",
    )
    add_selection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `lint --help` (48 ms, 20 modules: packaging) and completion (20 ms)
    from envdoctor.knowledge import KnowledgeBase

    # lazy: kept out of `lint --help` (56 ms, 39 modules: packaging) and completion (42 ms)
    from envdoctor.lint import lint_file

    # lazy: kept out of `lint --help` (104 ms, 69 modules: packaging) and completion (63 ms)
    from envdoctor.plan.machine import _fallback_platform

    # lazy: kept out of `lint --help` (84 ms, 69 modules: packaging) and completion (44 ms)
    from envdoctor.plan.platforms import normalize_platform

    # lazy: kept out of `lint --help` (13 ms, 5 modules) and completion (12 ms)
    from envdoctor.render.views.lint import lint_document

    # lazy: kept out of `lint --help` (37 ms, 21 modules: packaging) and completion (11 ms)
    from envdoctor.rules import all_rules

    validate_selection(args, scope="file")
    rules = args.selection.apply(all_rules(scope="file"))
    platform = normalize_platform(args.platform) if args.platform else _fallback_platform()
    kb = KnowledgeBase.load()
    results: list[tuple[str, list[Finding]]] = []
    for path in args.files:
        findings, _envfile = lint_file(path, kb, platform=platform, kind=args.kind, rules=rules)
        results.append((path, [override_severity(f, args.severity_overrides) for f in findings]))
    formats.show(lint_document(results, platform=platform, quiet=args.quiet), args.format)
    return exitcodes.of_findings(f for _, findings in results for f in findings)
