"""`envdoctor lint FILE...`: check environment.yml / requirements*.txt / pyproject.toml /
pylock.toml before anything is installed.

Exit codes: 0 no error-severity finding; 1 errors found; 2 usage error (unreadable file).
"""

from __future__ import annotations

import argparse


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


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.lint import lint_file
    from envdoctor.model import Severity
    from envdoctor.output import emit, use_color
    from envdoctor.plan.machine import _fallback_platform
    from envdoctor.plan.platforms import normalize_platform
    from envdoctor.render.findings import findings_json, findings_markdown, findings_text

    platform = normalize_platform(args.platform) if args.platform else _fallback_platform()
    kb = KnowledgeBase.load()
    results = [(path, *lint_file(path, kb, platform=platform, kind=args.kind)) for path in args.files]
    failed = False
    documents = []
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
    return 1 if failed else 0
