"""envdoctor verify: import each installed framework in the target environment and compute."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "exit codes: 0 every installed framework imports and computes (or none is installed); "
        "1 a framework failed; 2 usage error (no interpreter)"
    )
    group = parser.add_argument_group("which environment (default: the active one)")
    target = group.add_mutually_exclusive_group()
    target.add_argument("--python", metavar="PATH", help="the interpreter of the environment")
    target.add_argument("--prefix", metavar="DIR", help="a venv or conda prefix")
    target.add_argument("--kernel", metavar="NAME", help="the interpreter a Jupyter kernel runs (`envdoctor kernels`)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds each framework may take to import and compute (default 300)",
    )
    parser.add_argument(
        "--framework",
        action="append",
        choices=("tensorflow", "torch", "jax"),
        default=None,
        help="verify only this framework (repeatable; default: every installed one)",
    )


def run(args: argparse.Namespace) -> int:
    from envdoctor.actions.target import resolve_python
    from envdoctor.actions.verify import verify
    from envdoctor.errors import UsageError
    from envdoctor.render import formats
    from envdoctor.render.views.verify import verify_document

    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.kernel:
        from envdoctor.probe.session import kernel_target

        target, _ = kernel_target(args.kernel)
        if target.python is None:
            raise UsageError(f"{target.description}: its interpreter does not exist (see `envdoctor check --kernel`)")
        python = target.python
    else:
        python = resolve_python(args.python, args.prefix)
    report = verify(python, timeout=args.timeout, frameworks=args.framework)
    formats.show(verify_document(report), args.format)
    return 0 if report.ok else 1
