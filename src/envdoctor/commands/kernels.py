"""envdoctor kernels: the Jupyter kernel specs the user's Jupyter finds and what each one runs."""

from __future__ import annotations

import argparse
import os

from envdoctor import exitcodes
from envdoctor.errors import UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "exit codes: 0 every kernel can start; 1 a kernel is broken (error findings); 2 usage error. "
        "Kernel specs are read from their kernel.json files; no kernel is started."
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--jupyter",
        metavar="PATH",
        help="the Jupyter whose search path counts: its `jupyter` command or interpreter (default: `jupyter` on PATH)",
    )
    source.add_argument("--snapshot", metavar="FILE", help="list the kernels recorded in a snapshot JSON")
    parser.add_argument(
        "--search-path",
        choices=("auto", "jupyter-core", "envdoctor"),
        default="auto",
        help="auto (default): ask jupyter_core in the Jupyter's interpreter when it is installed there, else "
        "compute jupyter_core's order here; envdoctor: always compute it here",
    )


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `kernels --help` (62 ms, 24 modules) and completion (1.0 ms)
    from envdoctor.kernels import kernel_rows
    from envdoctor.render import formats  # lazy: kept out of `kernels --help` (13 ms, 16 modules)

    # lazy: kept out of `kernels --help` (52 ms, 20 modules) and completion (13 ms)
    from envdoctor.render.views.kernels import kernels_document

    if args.snapshot:
        # lazy: kept out of `kernels --help` (72 ms, 56 modules) and completion (14 ms)
        from envdoctor.probe.collect import load_snapshot

        session = load_snapshot(args.snapshot).session
        if not session.read:
            raise UsageError(f"{args.snapshot}: this snapshot has no session facts (taken by an older envdoctor)")
    else:
        # lazy: kept out of `kernels --help` (70 ms, 36 modules) and completion (6.4 ms)
        from envdoctor.probe.session import collect_session

        host = None
        if args.jupyter:
            host = os.path.abspath(os.path.expanduser(args.jupyter))
            if not os.path.isfile(host):
                raise UsageError(f"no Jupyter at {args.jupyter!r}")
        session = collect_session(
            jupyter_core=args.search_path != "envdoctor",
            require_jupyter_core=args.search_path == "jupyter-core",
            host=host,
            fallback_prefix=_active_prefix(),
        )
        if (
            args.search_path == "jupyter-core"
            and session.jupyter
            and not session.jupyter.path_source.startswith("jupyter_core")
        ):
            raise UsageError("--search-path jupyter-core: the Jupyter's interpreter has no working jupyter_core")
    rows = kernel_rows(session)
    formats.show(kernels_document(session, rows), args.format)
    return exitcodes.of_findings(f for r in rows for f in r.findings)


def _active_prefix() -> str:
    """The environment whose Jupyter counts when no `jupyter` is on PATH: the activated one (else
    the session falls back to the `python` on PATH)."""
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        value = os.environ.get(var, "")
        if value and os.path.isdir(value):
            return value
    return ""
