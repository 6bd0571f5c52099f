"""envdoctor explain [FILE|-]: the cause of an install or import error log.

Exit codes: 0 a cause was found; 1 no known cause ("unknown"); 2 bad input (missing file, ...).
Fixes are tailored to an environment only when asked: --snapshot FILE, or --env (probe the active
environment), --python PATH / --prefix DIR (probe that one). A pasted log may come from another
machine, so the active environment is not probed by default.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from envdoctor import exitcodes
from envdoctor.commands._common import add_source_arguments
from envdoctor.errors import UsageError
from envdoctor.output import emit_error
from envdoctor.probe.sources import SOURCES, EnvironmentSource, InterpreterSource, read_snapshot, source_for
from envdoctor.probe.target import python_target

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource
    from envdoctor.model import Snapshot


def add_tailoring_arguments(parser: argparse.ArgumentParser, *, default_env: bool) -> None:
    _, target = add_source_arguments(parser, title="tailor the fixes to an environment")
    # The same pair on explain and run; only the default differs (a pasted log may come from another
    # machine; a command run here ran in this environment).
    target.add_argument(
        "--env",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="tailor to the active environment (or, for run, the interpreter the command ran); "
        f"default: {'on' if default_env else 'off'}",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "exit codes: 0 cause found; 1 unknown (no known cause in the log); 2 bad input. "
        "Fixes are tailored with --snapshot, --env, --python or --prefix."
    )
    parser.add_argument("file", nargs="?", default="-", metavar="FILE", help="the log ('-' or nothing: stdin)")
    parser.add_argument("--list-causes", action="store_true", help="list every cause id with what it means and exit")
    add_tailoring_arguments(parser, default_env=False)


def tailoring(
    args: argparse.Namespace, *, probe_default: bool, failing: str | None = None
) -> tuple[Snapshot | None, KnowledgeSource | None]:
    """(snapshot, kb) for tailoring; never raises for a failed probe (the diagnosis still stands).
    The environment: the one the source options name when given, else `failing` (the interpreter
    that failed: `run`'s command), else (with --env, or by default for `run`) the active one."""
    snapshot = None
    named = any(getattr(args, kind.dest, None) for kind in SOURCES)
    env_choice = getattr(args, "env", None)
    wanted = named or (probe_default if env_choice is None else bool(env_choice))
    if wanted:
        try:
            failed: EnvironmentSource | None = InterpreterSource(python_target(failing)) if failing else None
            snapshot = read_snapshot(source_for(vars(args)) if named or failed is None else failed)
        except Exception as exc:  # tailoring is optional; say why and go on
            if named and not getattr(args, "python", None) and not getattr(args, "prefix", None):
                raise  # a snapshot file or kernel the user named: bad input, said as such
            emit_error(f"envdoctor: could not inspect the environment ({exc}); fixes are not tailored")
    kb: KnowledgeSource | None = None
    try:
        # lazy: kept out of `explain --help` (48 ms, 39 modules: packaging) and completion (19 ms)
        from envdoctor.knowledge import KnowledgeBase

        kb = KnowledgeBase.load()
    except Exception:
        kb = None
    return snapshot, kb


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `explain --help` (52 ms, 23 modules) and completion (6.1 ms)
    from envdoctor.explain import explain_stream
    from envdoctor.render import formats  # lazy: kept out of `explain --help` (10 ms, 15 modules)

    # lazy: kept out of `explain --help` (21 ms, 17 modules) and completion (8.3 ms)
    from envdoctor.render.views.explain import causes_document, explanation_document

    if args.list_causes:
        formats.show(causes_document(), args.format)
        return exitcodes.OK

    if args.file in ("-", None):
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no log given: pass a FILE, or pipe the log into `envdoctor explain -`")
        stream = sys.stdin.buffer
        snapshot, kb = tailoring(args, probe_default=False)
        result = explain_stream(stream, snapshot=snapshot, kb=kb)
    else:
        try:
            handle = open(args.file, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise UsageError(f"log file {args.file!r} does not exist") from None
        except IsADirectoryError:
            raise UsageError(f"{args.file!r} is a directory, not a log file") from None
        except OSError as exc:
            raise UsageError(f"cannot read {args.file!r}: {exc.strerror or exc}") from None
        with handle:
            snapshot, kb = tailoring(args, probe_default=False)
            try:
                result = explain_stream(handle, snapshot=snapshot, kb=kb)
            except OSError as exc:
                raise UsageError(f"cannot read {args.file!r}: {exc.strerror or exc}") from None
    formats.show(explanation_document(result), args.format)
    return exitcodes.outcome(result.found)
