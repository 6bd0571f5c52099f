"""envdoctor report: a shareable record of the environment and machine, with check's findings."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from envdoctor.commands._common import add_output_argument, add_target_arguments, load_snapshot_for

if TYPE_CHECKING:
    from envdoctor.model import Snapshot

# set by the shell that ran envdoctor: they describe the reported environment only when they name it
ACTIVATION_VARIABLES = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CONDA_SHLVL")


def configure(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    add_output_argument(parser)
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="keep the home folder and the user name (default: replaced by ~ and <user>)",
    )


def _real(path: str) -> str:
    """realpath, or the text itself where it cannot be a path here (a NUL from a snapshot)."""
    try:
        return os.path.realpath(path)
    except ValueError:
        return path


def own_environment(snapshot: Snapshot) -> list[str]:
    """Drop the caller's activation variables that point at another environment than the reported
    one (envdoctor run from one venv about another); returns the names dropped."""
    prefix = _real(snapshot.interpreter.prefix) if snapshot.interpreter.prefix else ""
    env = snapshot.interpreter.env
    dropped = []
    for name in ACTIVATION_VARIABLES:
        value = env.get(name)
        if value is None:
            continue
        names_target = name in ("VIRTUAL_ENV", "CONDA_PREFIX") and prefix and _real(value) == prefix
        if name in ("VIRTUAL_ENV", "CONDA_PREFIX") and names_target:
            continue
        if name in ("CONDA_DEFAULT_ENV", "CONDA_SHLVL") and _real(env.get("CONDA_PREFIX", "")) == prefix:
            continue
        del env[name]
        dropped.append(name)
    if dropped:
        from envdoctor.probe.session import forget_activation

        forget_activation(snapshot.session, dropped)
    return dropped


def run(args: argparse.Namespace) -> int:
    from envdoctor.doctor import diagnose, environment_summary
    from envdoctor.render import formats
    from envdoctor.render.views.report import report_document

    snapshot = load_snapshot_for(args)
    dropped = own_environment(snapshot)
    report = diagnose(snapshot)
    findings = report.findings
    if not args.no_redact:  # the diagnosis saw the real paths; what is shown does not
        from envdoctor.model import Finding, Snapshot, from_dict
        from envdoctor.render.redact import identities, redact_data

        people = identities([snapshot.interpreter.user_site])
        snapshot = Snapshot.from_dict(redact_data(snapshot.to_dict(), people))
        findings = [from_dict(Finding, redact_data(f.to_dict(), people)) for f in findings]
    env = environment_summary(snapshot)
    formats.show(
        report_document(snapshot, findings, report.skipped, env, dropped=dropped), args.format, output=args.output
    )
    return 0
