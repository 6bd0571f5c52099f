"""envdoctor check: every problem in an environment, with evidence and the exact fix. The
options name the source; `envdoctor.doctor.check` does the rest; this formats and emits."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from envdoctor import exitcodes
from envdoctor.commands._common import add_selection_arguments, add_target_arguments, read_options, source_from_args
from envdoctor.output import emit, use_color

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
        from envdoctor.render.rules import rules_json, rules_markdown, rules_text
        from envdoctor.rules import all_rules

        render = {"json": rules_json, "markdown": rules_markdown}.get(args.format, rules_text)
        emit(render(all_rules(scope=None)))
        return exitcodes.OK
    if args.selection.select or args.selection.ignore or args.severity_overrides:
        from envdoctor.commands._common import validate_selection

        validate_selection(args, scope="environment")
    from envdoctor import doctor

    options = read_options(args)
    source, severity = source_from_args(args), args.severity_overrides
    report = doctor.check(source, args.selection, cache=options.use_cache, severity=severity, options=options)
    _show(args, report)
    return report.exit_code


def _show(args: argparse.Namespace, report: Report) -> None:
    from envdoctor.render.findings import findings_json, findings_markdown, findings_text

    findings, skipped, env = report.findings, report.skipped, report.environment
    if args.format == "json":
        emit(findings_json(findings, skipped, environment=env))
    elif args.format == "github":
        from envdoctor.render.annotations import findings_github

        emit(findings_github(findings))
    elif args.format == "markdown":
        emit(findings_markdown(findings, skipped, title="envdoctor check", facts=_facts(env)))
    else:
        header = [
            f"envdoctor check: {env['target']}",
            f"Python {env['python'] or '?'} ({env['kind']}) at {env['prefix']} · {env['platform']} · "
            f"{env['distributions']} distributions",
            inspected_line(env),
        ]
        emit(findings_text(findings, skipped, header=header, color=use_color(sys.stdout)))


def inspected_line(env: dict[str, Any]) -> str:
    """What was inspected, in one line: the frameworks found, or that there is none."""
    frameworks = env.get("frameworks")
    if frameworks is None:  # an entry cached by an older envdoctor
        return f"{env['distributions']} distributions inspected"
    if not frameworks:
        return f"no ML framework installed here (TensorFlow, PyTorch, JAX); {env['distributions']} distributions read"
    count = len(frameworks)
    return f"{count} framework{'s' * (count != 1)} found: {', '.join(frameworks)}"


def _facts(env: dict[str, object]) -> list[tuple[str, str]]:
    keys = ("target", "python", "executable", "prefix", "kind", "platform", "distributions", "gpu_driver")
    facts = [(k, str(env[k])) for k in keys if env.get(k) not in (None, "")]
    frameworks = env.get("frameworks")
    if isinstance(frameworks, list):
        facts.append(("frameworks", ", ".join(str(f) for f in frameworks) or "none"))
    return facts
