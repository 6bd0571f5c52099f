"""envdoctor check: every problem in an environment, with evidence and the exact fix."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from envdoctor.commands._common import add_target_arguments, load_snapshot_for
from envdoctor.output import emit, use_color

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase


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
    from envdoctor.rules import Rule, all_rules, get_rule

    if args.list_rules:
        from envdoctor.render.rules import rules_json, rules_markdown, rules_text

        render = {"json": rules_json, "markdown": rules_markdown}.get(args.format, rules_text)
        emit(render(all_rules(scope=None)))
        return 0
    rules: list[Rule] | None = None
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
    knowledge: list[KnowledgeBase] = []

    def prepare() -> None:  # runs while the probe runs in the target interpreter
        import envdoctor.doctor
        import envdoctor.render.findings  # noqa: F401
        from envdoctor.knowledge import KnowledgeBase

        all_rules()
        knowledge.append(KnowledgeBase.load())

    snapshot = load_snapshot_for(args, meanwhile=prepare)

    from envdoctor.doctor import diagnose, environment_summary
    from envdoctor.render.findings import findings_json, findings_markdown, findings_text

    report = diagnose(snapshot, knowledge[0], rules=rules, ignore=args.ignore)
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
