"""Options and loading shared by the verbs that inspect an environment."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from envdoctor.errors import UsageError
from envdoctor.model import Snapshot

if TYPE_CHECKING:
    from envdoctor.model import Session
    from envdoctor.probe.launch import Target


def add_target_arguments(parser: argparse.ArgumentParser, *, snapshot: bool = True) -> None:
    group = parser.add_argument_group("which environment (default: the active one)")
    target = group.add_mutually_exclusive_group()
    target.add_argument("--python", metavar="PATH", help="the interpreter of the environment")
    target.add_argument("--prefix", metavar="DIR", help="a venv or conda prefix")
    target.add_argument("--kernel", metavar="NAME", help="the environment a Jupyter kernel runs (`envdoctor kernels`)")
    if snapshot:
        target.add_argument("--snapshot", metavar="FILE", help="a snapshot JSON from `envdoctor snapshot` ('-': stdin)")
    group.add_argument("--machine", metavar="FILE", help="machine facts JSON (another machine's OS, CPU, GPU, driver)")
    group.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="S",
        help="time limit for inspecting the environment: the interpreter's probe and every read (default 20)",
    )


class _FileOption(argparse.Action):
    """`--file FILE` whose old short form `-f` still works this release, with a deprecation line:
    pip users read `-f` as `--find-links`, which it will become."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        if option_string == "-f":
            from envdoctor.output import deprecated

            deprecated("-f FILE", "--file FILE", "-f will mean --find-links in the next release, as in pip")
        if self.nargs is None and self.default is not None and isinstance(self.default, list):
            current = list(getattr(namespace, self.dest, None) or [])
            setattr(namespace, self.dest, [*current, values])
        else:
            setattr(namespace, self.dest, values)


def add_file_argument(
    parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup,
    *,
    repeat: bool,
    help: str,
    metavar: str = "FILE",
) -> None:
    parser.add_argument("--file", "-f", action=_FileOption, default=[] if repeat else None, metavar=metavar, help=help)


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """ruff's --select / --ignore: comma lists, codes, code prefixes (ED4), rule names, ALL."""
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="run only these rules: codes, prefixes (ED4) or names, comma-separated; repeatable",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="skip these rules (codes, prefixes or names, comma-separated); repeatable",
    )


def validate_selection(args: argparse.Namespace, *, scope: str) -> None:
    """Unknown selectors, and per-rule options for rules that do not exist, are usage errors."""
    from envdoctor.rules import all_rules, get_rule

    rules = all_rules(scope=scope)
    where = f"the selection (configuration: {args.config_path})" if args.config_path else ""
    args.selection.validate(rules, where=where)
    for key in args.severity_overrides:
        if get_rule(key) is None:
            raise UsageError(f"{args.config_path}: rules.{key}: no rule has this code or name")


def add_output_argument(parser: argparse.ArgumentParser) -> None:
    """`-o FILE` (see `envdoctor.output.write_output`)."""
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def load_snapshot_for(args: argparse.Namespace, meanwhile: Callable[[], object] | None = None) -> Snapshot:
    """The snapshot the target options name. `meanwhile` runs while the in-target probe does (the
    caller's own heavy imports), so the two overlap."""
    import time

    from envdoctor.probe.launch import ProbeRun, probe_timeout

    deadline = time.monotonic() + (getattr(args, "timeout", None) or 0.0)  # --timeout: the whole read
    if getattr(args, "snapshot", None) is None:
        if args.timeout <= 0:
            raise UsageError("--timeout must be positive")
        target, session = kernel_or_target(args)
        probe = ProbeRun.start(target.python, probe_timeout(args.timeout)) if target.python else None
    if meanwhile is not None:
        meanwhile()
    from envdoctor.probe.collect import collect_snapshot, load_machine, load_snapshot

    machine = load_machine(args.machine) if getattr(args, "machine", None) else None
    if getattr(args, "snapshot", None):
        snap = load_snapshot(args.snapshot)
        if machine is not None:
            snap.machine = machine
        return snap
    if session is not None and target.python is None:
        from envdoctor.probe.session import missing_kernel_snapshot

        return missing_kernel_snapshot(target, session)
    remaining = max(0.0, deadline - time.monotonic())
    return collect_snapshot(target, timeout=remaining, machine=machine, probe=probe, session=session)


def kernel_or_target(args: argparse.Namespace) -> tuple[Target, Session | None]:
    """--kernel NAME (with the session facts read for it), else --python / --prefix / the active env."""
    from envdoctor.probe.launch import resolve_target

    if getattr(args, "kernel", None):
        from envdoctor.probe.session import kernel_target

        return kernel_target(args.kernel)
    return resolve_target(python=args.python, prefix=args.prefix), None
