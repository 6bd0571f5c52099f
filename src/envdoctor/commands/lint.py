"""`envdoctor lint FILE...`: check environment.yml / requirements*.txt / pyproject.toml /
pylock.toml before anything is installed.

Exit codes: 0 no error-severity finding; 1 errors found; 2 usage error (unreadable file).
"""

from __future__ import annotations

import argparse

from envdoctor import exitcodes


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
        choices=("environment.yml", "requirements.txt", "pyproject.toml", "pylock.toml"),
        help="file type (default: from the file name)",
    )
    from envdoctor.commands._common import add_selection_arguments

    add_selection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from envdoctor.commands._common import validate_selection
    from envdoctor.doctor import override_severity
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.lint import lint_file
    from envdoctor.model import Severity
    from envdoctor.output import emit, use_color
    from envdoctor.plan.machine import _fallback_platform
    from envdoctor.plan.platforms import normalize_platform
    from envdoctor.render.annotations import findings_concise, findings_github
    from envdoctor.render.findings import findings_json, findings_markdown, findings_text, summary_line
    from envdoctor.rules import all_rules

    validate_selection(args, scope="file")
    rules = args.selection.apply(all_rules(scope="file"))
    platform = normalize_platform(args.platform) if args.platform else _fallback_platform()
    kb = KnowledgeBase.load()
    results = []
    for path in args.files:
        findings, envfile = lint_file(path, kb, platform=platform, kind=args.kind, rules=rules)
        results.append((path, [override_severity(f, args.severity_overrides) for f in findings], envfile))
    failed = False
    documents = []
    if args.format in ("github", "text"):
        everything = [f for _, findings, _ in results for f in findings]
        failed = any(f.severity is Severity.ERROR for f in everything)
        if args.format == "github":
            emit(findings_github(everything))
            return exitcodes.of_findings(everything)
        text = "".join(findings_concise(findings, default_path=path) for path, findings, _ in results)
        if not args.quiet:
            verdict = ("FAILED: " if failed else "OK: ") + summary_line(everything, [])
            text += f"{verdict} in {len(results)} file{'s' * (len(results) != 1)} (platform {platform})\n"
        if text:
            emit(text)
        return exitcodes.of_findings(everything)
    for path, findings, _envfile in results:
        failed = failed or any(f.severity is Severity.ERROR for f in findings)
        if args.format == "json":
            documents.append(json.loads(findings_json(findings, [], file=path, platform=platform)))
        elif args.format == "markdown":
            emit(
                findings_markdown(
                    findings, [], title=f"envdoctor lint {path}", facts=[("file", path), ("platform", platform)]
                )
            )
        else:
            header = [f"envdoctor lint {path}", f"platform: {platform}"]
            emit(findings_text(findings, [], header=header, color=use_color(sys.stdout)))
    if args.format == "json":
        emit(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2))
    return exitcodes.outcome(not failed)
