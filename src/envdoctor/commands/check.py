"""envdoctor check: every problem in an environment, with evidence and the exact fix."""

from __future__ import annotations

import argparse
import sys

from envdoctor.commands._common import add_target_arguments, load_snapshot_for
from envdoctor.output import emit, use_color


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit codes: 0 no error-severity finding; 1 errors found; 2 usage error / nothing inspected"
    add_target_arguments(parser)
    parser.add_argument("--list-rules", action="store_true", help="list every rule with its docs and exit")
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="CODE", help="skip a rule (code or name); repeatable"
    )
    parser.add_argument(
        "--select", action="append", default=[], metavar="CODE", help="run only these rules; repeatable"
    )


def run(args: argparse.Namespace) -> int:
    from envdoctor.errors import UsageError
    from envdoctor.rules import all_rules, get_rule

    if args.list_rules:
        from envdoctor.render.rules import rules_json, rules_markdown, rules_text

        rules = all_rules(scope=None)
        render = {"json": rules_json, "markdown": rules_markdown}.get(args.format, rules_text)
        emit(render(rules))
        return 0
    rules = None
    if args.select:
        rules = []
        for code in args.select:
            found = get_rule(code)
            if found is None:
                raise UsageError(f"unknown rule {code!r} (see `envdoctor check --list-rules`)")
            rules.append(found)
    for code in args.ignore:
        if get_rule(code) is None:
            raise UsageError(f"unknown rule {code!r} (see `envdoctor check --list-rules`)")
    snapshot = load_snapshot_for(args)

    from envdoctor.doctor import diagnose, environment_summary
    from envdoctor.render.findings import findings_json, findings_markdown, findings_text

    report = diagnose(snapshot, rules=rules, ignore=args.ignore)
    env = environment_summary(snapshot)
    if args.format == "json":
        emit(findings_json(report.findings, report.skipped, environment=env))
    elif args.format == "markdown":
        emit(findings_markdown(report.findings, report.skipped, title="envdoctor check", facts=_facts(env)))
    else:
        header = [
            f"envdoctor check: {env['target']}",
            f"Python {env['python'] or '?'} ({env['kind']}) at {env['prefix']} · {env['platform']} · "
            f"{env['distributions']} distributions",
        ]
        emit(findings_text(report.findings, report.skipped, header=header, color=use_color(sys.stdout)))
    if not snapshot.interpreter.probed and not snapshot.distributions:
        return 2  # nothing could be inspected
    return report.exit_code


def _facts(env: dict[str, object]) -> list[tuple[str, str]]:
    keys = ("target", "python", "executable", "prefix", "kind", "platform", "distributions", "gpu_driver")
    return [(k, str(env[k])) for k in keys if env.get(k) not in (None, "")]
