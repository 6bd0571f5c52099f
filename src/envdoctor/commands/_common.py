"""Options and loading shared by the verbs that inspect an environment."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from envdoctor.errors import UsageError
from envdoctor.output import deprecated
from envdoctor.probe.sources import (
    SOURCES,
    EnvironmentSource,
    LiveSource,
    ReadOptions,
    live_source_for,
    source_for,
)


def add_source_arguments(
    parser: argparse.ArgumentParser,
    *,
    live: bool = False,
    exclude: Sequence[str] = (),
    title: str = "which environment (default: the active one)",
) -> tuple[argparse._ArgumentGroup, argparse._MutuallyExclusiveGroup]:
    """One option per environment source (envdoctor.probe.sources.SOURCES), mutually exclusive;
    live: only the sources that name an interpreter that runs (fix, restore, verify). Returns the
    group and its mutually exclusive part, for the verb's own options."""
    group = parser.add_argument_group(title)
    options = group.add_mutually_exclusive_group()
    for kind in SOURCES:
        if (kind.live or not live) and kind.option not in exclude:
            options.add_argument(kind.option, metavar=kind.metavar, help=kind.help)
    return group, options


def add_target_arguments(parser: argparse.ArgumentParser, *, snapshot: bool = True) -> None:
    """The verbs that read an environment (check, snapshot, report): its source, another
    machine's facts, and the time limit for the whole read."""
    group, _ = add_source_arguments(parser, exclude=() if snapshot else ("--snapshot",))
    group.add_argument("--machine", metavar="FILE", help="machine facts JSON (another machine's OS, CPU, GPU, driver)")
    group.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="S",
        help="time limit for inspecting the environment: the interpreter's probe and every read (default 20)",
    )


def source_from_args(args: argparse.Namespace) -> EnvironmentSource:
    """The environment the source options name, else the active one."""
    return source_for(vars(args))


def live_source_from_args(args: argparse.Namespace) -> LiveSource:
    """The interpreter the source options name (fix, restore, verify), else the active one's."""
    return live_source_for(vars(args))


def read_options(args: argparse.Namespace) -> ReadOptions:
    """--timeout (the whole read), --machine FILE, --no-cache (or ENVDOCTOR_NO_CACHE=1: no cache is
    read or written, the NumPy-build cache included)."""
    timeout = getattr(args, "timeout", None)
    if timeout is not None and timeout <= 0:
        raise UsageError("--timeout must be positive")
    machine = None
    if getattr(args, "machine", None):
        # lazy: kept out of `check --help` (55 ms, 40 modules) and completion (16 ms)
        from envdoctor.probe.collect import load_machine

        machine = load_machine(args.machine)
    no_cache = getattr(args, "no_cache", False) or bool(os.environ.get("ENVDOCTOR_NO_CACHE"))
    return ReadOptions(timeout=timeout or 20.0, machine=machine, use_cache=not no_cache)


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
    # lazy: kept out of `check --help` (58 ms, 22 modules: packaging) and completion (11 ms)
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
