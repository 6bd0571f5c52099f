"""Options and loading shared by the verbs that inspect an environment."""

from __future__ import annotations

import argparse
from collections.abc import Callable
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
        "--timeout", type=float, default=20.0, metavar="S", help="how long the interpreter may take (default 20)"
    )


def add_output_argument(parser: argparse.ArgumentParser) -> None:
    """`-o FILE` (see `envdoctor.output.write_output`)."""
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def load_snapshot_for(args: argparse.Namespace, meanwhile: Callable[[], object] | None = None) -> Snapshot:
    """The snapshot the target options name. `meanwhile` runs while the in-target probe does (the
    caller's own heavy imports), so the two overlap."""
    from envdoctor.probe.launch import ProbeRun

    if getattr(args, "snapshot", None) is None:
        if args.timeout <= 0:
            raise UsageError("--timeout must be positive")
        target, session = kernel_or_target(args)
        probe = ProbeRun.start(target.python, args.timeout) if target.python else None
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
    return collect_snapshot(target, timeout=args.timeout, machine=machine, probe=probe, session=session)


def kernel_or_target(args: argparse.Namespace) -> tuple[Target, Session | None]:
    """--kernel NAME (with the session facts read for it), else --python / --prefix / the active env."""
    from envdoctor.probe.launch import resolve_target

    if getattr(args, "kernel", None):
        from envdoctor.probe.session import kernel_target

        return kernel_target(args.kernel)
    return resolve_target(python=args.python, prefix=args.prefix), None
