"""envdoctor create: build a planned environment (uv for pip; conda/mamba/micromamba or py-rattler
for conda), then verify it."""

from __future__ import annotations

import argparse
import sys

from envdoctor import exitcodes
from envdoctor.actions.uvtool import add_index_arguments, index_options
from envdoctor.commands._common import add_file_argument
from envdoctor.errors import UsageError
from envdoctor.render import formats


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "--name NAME creates $ENVDOCTOR_ENVS_DIR/NAME (default ~/.local/share/envdoctor/envs/NAME). "
        "An existing non-empty destination is never deleted: --force replaces only an environment "
        "envdoctor created there (marked in .envdoctor/created.json), --move-aside renames any folder. "
        "exit codes: 0 created and verified; 1 a step or verify failed; 2 usage error; "
        "3 could not resolve (index unreachable, a resolver failed)"
    )
    parser.add_argument("specs", nargs="*", metavar="SPEC", help="requirements, e.g. tensorflow==2.15.*")
    source = parser.add_mutually_exclusive_group()
    add_file_argument(source, repeat=False, metavar="environment.yml", help="an environment.yml to build")
    source.add_argument(
        "--plan",
        metavar="FILE",
        help="a plan: `plan --format json` output, requirements.txt, pylock.toml or environment.yml",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--name", help="create it in envdoctor's envs folder under this name")
    where.add_argument("--prefix", metavar="DIR", help="create it at this path")
    python = parser.add_mutually_exclusive_group()
    python.add_argument(
        "--python",
        metavar="PATH|NAME|X.Y",
        help="the interpreter to build from: a path, a command on PATH or a version found on this machine",
    )
    python.add_argument("--python-version", metavar="X.Y", help="the Python version (an interpreter on this machine)")
    parser.add_argument("--manager", choices=("pip", "conda"), help="default: conda when the file has conda packages")
    parser.add_argument(
        "-c",
        "--channel",
        action="append",
        default=[],
        metavar="CHANNEL",
        help="conda channel (name, URL or local folder), searched before the file's (repeatable; as conda -c)",
    )
    parser.add_argument(
        "--allow-python-downloads",
        action="store_true",
        help="let uv download the interpreter when none is installed (off by default)",
    )
    parser.add_argument("--no-plan", action="store_true", help="give SPECs to uv as they are, without `plan`")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an environment envdoctor created at the destination (nothing else is ever removed)",
    )
    parser.add_argument(
        "--move-aside",
        action="store_true",
        help="move an existing folder at the destination aside (renamed NAME.aside-TIME, kept whole), build there",
    )
    parser.add_argument("--no-verify", action="store_true", help="skip verify after building")
    parser.add_argument(
        "--verify-timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds each framework may take in the after-verify, as verify --timeout (default 300)",
    )
    add_index_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `create --help` (99 ms, 70 modules) and completion (40 ms)
    from envdoctor.actions.create import create, destination

    # lazy: kept out of `create --help` (10 ms, 11 modules) and completion (2.2 ms)
    from envdoctor.actions.envfile import from_file, from_specs
    from envdoctor.probe.interpreters import valid_version  # lazy: kept out of `create --help` (12 ms, 14 modules)

    # lazy: kept out of `create --help` (10 ms, 5 modules) and completion (13 ms)
    from envdoctor.render.views.create import create_document

    if args.python_version and not valid_version(args.python_version):
        raise UsageError(f"--python-version {args.python_version!r}: expected a version such as 3.11")
    if args.python and not valid_version(args.python):
        # lazy: kept out of `create --help` (11 ms, 14 modules)
        from envdoctor.probe.interpreters import resolve_python_request

        found = resolve_python_request(args.python)
        if found is None:
            raise UsageError(f"no interpreter found for --python {args.python!r}")
        args.python = found[0]
    python = args.python or args.python_version
    given = sum(bool(x) for x in (args.specs, args.file, args.plan))
    if given != 1:
        raise UsageError("give SPEC..., -f environment.yml or --plan FILE (exactly one)")
    dest = destination(args.name, args.prefix)
    if args.specs:
        # lazy: kept out of `create --help` (95 ms, 74 modules: packaging) and completion (44 ms)
        from envdoctor.plan.model import ResolveOptions

        spec = from_specs(
            list(args.specs),
            python=_version(python),
            use_plan=not args.no_plan,
            manager=args.manager or "pip",
            resolve_options=ResolveOptions.from_index(index_options(args)),
        )
    else:
        spec = from_file(args.file or args.plan, as_plan=bool(args.plan))
    if args.manager:
        spec.manager = args.manager
    if args.channel:
        spec.channels = [*args.channel, *(c for c in spec.channels if c not in args.channel)]
    if spec.manager == "conda" and spec.source == "specs":  # unplanned SPECs are conda match specs
        spec.conda, spec.pip, spec.pinned = list(spec.pip), [], False
    if spec.manager == "pip" and spec.conda:
        raise UsageError(
            f"the pip manager cannot install conda packages: {', '.join(spec.conda)} (use --manager conda)"
        )
    result = create(
        spec,
        dest,
        python=python,
        allow_python_downloads=args.allow_python_downloads,
        index=index_options(args),
        force=args.force,
        move_aside=args.move_aside,
        verify=not args.no_verify,
        verify_timeout=args.verify_timeout,
        quiet=args.quiet or (formats.machine_readable(args.format) and not sys.stderr.isatty()),
    )
    formats.show(create_document(result), args.format)
    return exitcodes.outcome(result.ok)


def _version(python: str | None) -> str | None:
    """The version plan needs: as given, or the version of the interpreter `--python` named."""
    # lazy: kept out of `create --help` (12 ms, 14 modules)
    from envdoctor.probe.interpreters import valid_version, version_of

    if python is None or valid_version(python):
        return python
    return version_of(python)
