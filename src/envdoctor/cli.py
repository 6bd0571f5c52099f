"""Command-line entry point. Each verb lives in envdoctor.commands.<verb> with
`configure(parser)` and `run(args) -> int`; they are imported only when used, to start fast.

Exit codes (envdoctor.exitcodes): 0 no error-severity finding; 1 errors found (or the verb failed);
2 usage error, bad input or nothing could be inspected; 130 interrupted (SIGINT); 143 / 129 stopped
by SIGTERM / SIGHUP.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence

from envdoctor import exitcodes
from envdoctor._version import __version__
from envdoctor.errors import EnvdoctorError, Terminated, UsageError
from envdoctor.render.outputformat import OutputFormat

# verb -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "find every problem in an environment, with evidence and the exact fix"),
    "snapshot": ("snapshot", "write the environment and machine facts as JSON"),
    "report": ("report", "a shareable Markdown or JSON record of the environment, for bug reports"),
    "explain": ("explain", "name the cause of an install or import error log"),
    "run": ("run", "run a command and explain its failure"),
    "plan": ("plan", "a compatible, fully pinned environment for this machine"),
    "lint": ("lint", "check an environment file before anything is installed"),
    "create": ("create", "build a planned environment"),
    "fix": ("fix", "turn check's findings into a fix plan, and apply it with --apply"),
    "restore": ("restore", "bring back a restore point recorded by fix --apply"),
    "verify": ("verify", "import each framework and run a tiny computation"),
    "kb": ("kb", "show or refresh the compatibility knowledge base"),
    "kernels": ("kernels", "the Jupyter kernels: the interpreter each runs, its environment and frameworks"),
    "fleet": ("fleet", "every node of a cluster (Ray, or snapshots from any launcher) side by side, with the skew"),
    "completion": ("completion", "print the shell completion script (bash, zsh, fish)"),
}

# A verb's document renders in every format (envdoctor.render.formats); this is the one list of
# what each verb offers (--output-format's choices; the first is the default).
FORMATS = (OutputFormat.TEXT.value, OutputFormat.JSON.value, OutputFormat.MARKDOWN.value)
# verbs whose output formats differ from FORMATS
VERB_FORMATS: dict[str, tuple[str, ...]] = {
    "check": (*FORMATS, OutputFormat.GITHUB.value),
    "lint": (*FORMATS, OutputFormat.GITHUB.value),
    "report": (OutputFormat.MARKDOWN.value, OutputFormat.TEXT.value, OutputFormat.JSON.value),  # for bug reports
    "snapshot": (OutputFormat.JSON.value,),  # the input of `check --snapshot`; `report` is the readable one
    "fleet": (*FORMATS, OutputFormat.HTML.value),
}


def formats_for(verb: str) -> tuple[str, ...]:
    return VERB_FORMATS.get(verb, FORMATS)


def add_common_arguments(parser: argparse.ArgumentParser, verb: str) -> None:
    """The options every verb has (uv / ruff habits)."""
    formats = formats_for(verb)
    parser.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=formats,
        default=None,
        help=f"output format (default: {formats[0]}, or output-format from the configuration file)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the result: no progress or headers")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="say more: the steps taken and their timings (repeatable)"
    )
    parser.add_argument("-V", "--version", action="version", version=f"envdoctor {__version__}")
    parser.add_argument(
        "--config", metavar="FILE", help="configuration file (default: envdoctor.toml or pyproject.toml, found upwards)"
    )
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")


def build_parser(verbs: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="envdoctor",
        description="Diagnose and fix TensorFlow / PyTorch / JAX environments.",
        epilog="exit codes: 0 no errors found; 1 errors found; 2 usage error or nothing inspected",
    )
    parser.add_argument("-V", "--version", action="version", version=f"envdoctor {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for verb, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(verb, help=help_text, description=help_text)
        add_common_arguments(sub, verb)
        if verbs is None or verb in verbs:
            _module(module_name).configure(sub)
    return parser


def _module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"envdoctor.commands.{name}")


def main(argv: Sequence[str] | None = None) -> int:
    if "_ARGCOMPLETE" in os.environ:  # a completion script asks: answer from the full parser
        # lazy: keeps argcomplete out of every verb's start-up; only a completing shell asks (24.8 ms, 22 modules)
        import argcomplete

        argcomplete.autocomplete(build_parser())
    args_list = list(sys.argv[1:] if argv is None else argv)
    verb = next((a for a in args_list if not a.startswith("-")), None)
    # Configure only the verb in use: importing every command module would slow `check` down.
    parser = build_parser([verb] if verb in COMMANDS else [])
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        if isinstance(exc.code, int) and exc.code != 0:
            return exc.code
        return exitcodes.OK if exc.code == 0 else exitcodes.USAGE
    if not args.command:
        parser.print_help()
        return exitcodes.USAGE
    with _signals_end_the_verb():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """The verb, and every way it can end as one line on stderr (never a traceback)."""
    verb = args.command
    try:
        apply_config(args)
        return int(_module(COMMANDS[verb][0]).run(args))
    except UsageError as exc:
        _last_words(f"envdoctor {verb}: error: {exc}")  # a terminal gone after a hang-up: no traceback
        return exitcodes.USAGE
    except EnvdoctorError as exc:
        _last_words(f"envdoctor {verb}: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _last_words(f"envdoctor {verb}: interrupted")
        return exitcodes.signalled(signal.SIGINT)
    except Terminated as exc:
        _last_words(f"envdoctor {verb}: stopped by {exc.name}")
        return exitcodes.signalled(exc.signum)
    except BrokenPipeError:
        _quiet_stdout()
        return exitcodes.OK
    except OSError as exc:  # a full disk or a closed terminal while writing, a vanished file
        _quiet_stdout()
        where = f": {exc.filename}" if exc.filename else ""
        _last_words(f"envdoctor {verb}: error: {exc.strerror or exc}{where}")
        return exitcodes.USAGE
    except Exception as exc:  # a bug: one line, unless asked for the traceback
        if os.environ.get("ENVDOCTOR_DEBUG"):
            raise
        _last_words(
            f"envdoctor {verb}: internal error: {type(exc).__name__}: {str(exc)[:300]} "
            "(a bug in envdoctor; ENVDOCTOR_DEBUG=1 shows the traceback)"
        )
        return exitcodes.FAILED


def _last_words(message: str) -> None:
    # lazy: keeps output out of --help's start-up (1.1 ms)
    from envdoctor.output import emit_error

    with contextlib.suppress(OSError):
        emit_error(message)


def _quiet_stdout() -> None:
    """Send what stdout still buffers to /dev/null: its flush at exit would fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def _signals_end_the_verb() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Terminated in the main thread, as SIGINT raises KeyboardInterrupt:
    the verb's cleanup runs and it ends with one line instead of dying mid-write."""
    import threading  # lazy: keeps threading out of --help's and check --help's start-up (0.9 ms, 2 modules)

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(OSError, ValueError):
                previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(number, old)


def apply_config(args: argparse.Namespace) -> None:
    """Fill what the command line left unset from the configuration file, then the defaults;
    `args.selection` and `args.severity_overrides` are what check and lint use."""
    from envdoctor import output  # lazy: keeps output out of --help's start-up (1.1 ms)

    # lazy: keeps config out of --help's and check --help's start-up (15.9 ms, 22 modules)
    from envdoctor.config import resolve_config

    output.set_verbosity(-1 if args.quiet else args.verbose)
    config = resolve_config(args.config, isolated=args.isolated)
    formats = formats_for(args.command)
    if args.format is None:
        args.format = config.output_format if config.output_format in formats else formats[0]
    if hasattr(args, "select"):
        # lazy: keeps selection out of the verbs without --select (explain, completion...) (2.0 ms)
        from envdoctor.selection import Selection

        # ruff's precedence: --select replaces the file's selection, --ignore adds to its ignores
        args.selection = Selection.parse(args.select or config.select, [*config.ignore, *args.ignore])
        args.severity_overrides = config.severity_overrides()
        args.config_path = config.path


def entry() -> None:
    """The console script and `python -m envdoctor`: main(), then exit.

    py-rattler 0.28 can crash while the interpreter finalises after its async calls (SIGSEGV /
    SIGABRT in a few percent of runs), turning a finished, printed result into exit code 134/139.
    When it was loaded, flush and leave without finalising."""
    code = main()
    try:
        sys.stdout.flush()
    except OSError:  # a full disk or a closed pipe: said already (or nothing to say)
        _quiet_stdout()
    if "rattler" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)
