"""Change an existing conda prefix with py-rattler, on a machine without conda / mamba / micromamba.

    python -m envdoctor.actions.rattlerfix install --prefix P [--channel C]... [--force-reinstall] SPEC...
    python -m envdoctor.actions.rattlerfix remove --prefix P NAME...

This is the command `check` / `fix` print for a conda-owned package there (as `create` builds conda
environments with py-rattler when no conda is installed). install: solves SPECs together with every
package already in the prefix (their current builds preferred, so nothing else moves unless it
must), then links the result; remove: links the prefix's records without NAMEs. Runs in its own
process and leaves with os._exit (py-rattler 0.28's runtime threads crash the interpreter's exit).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from envdoctor.actions.rattlerenv import rattler_channels, virtual_packages


def installed_records(prefix: Path) -> list[Any]:
    import rattler  # lazy: optional dependency (py-rattler)

    return [rattler.PrefixRecord.from_path(path) for path in sorted((prefix / "conda-meta").glob("*.json"))]


def install(prefix: Path, channels: Sequence[str], specs: Sequence[str], *, force_reinstall: bool = False) -> int:
    """Solve `specs` with the prefix's other packages kept; returns how many packages it holds."""
    import rattler  # lazy: optional dependency (py-rattler)

    current = installed_records(prefix)
    wanted = [rattler.MatchSpec(s, strict=False) for s in specs]
    named = {str(m.name.normalized) for m in wanted if m.name is not None}
    keep = [rattler.MatchSpec(r.name.normalized) for r in current if r.name.normalized not in named]
    sources = rattler_channels(list(channels)) if channels else sorted({str(r.channel) for r in current if r.channel})
    records = asyncio.run(
        rattler.solve(
            sources=sources,
            specs=[*wanted, *keep],
            locked_packages=current,
            virtual_packages=virtual_packages(),
        )
    )
    asyncio.run(
        rattler.install(
            records,
            target_prefix=str(prefix),
            installed_packages=current,
            reinstall_packages=named if force_reinstall else None,
            show_progress=False,
        )
    )
    return len(records)


def remove(prefix: Path, names: Sequence[str]) -> int:
    """Unlink `names` (their files and records) and keep everything else as it is."""
    import rattler  # lazy: optional dependency (py-rattler)

    current = installed_records(prefix)
    dropped = {n.lower() for n in names}
    missing = dropped - {r.name.normalized for r in current}
    if missing:
        raise ValueError(f"not installed in {prefix}: {', '.join(sorted(missing))}")
    keep = [r for r in current if r.name.normalized not in dropped]
    asyncio.run(rattler.install(keep, target_prefix=str(prefix), installed_packages=current, show_progress=False))
    return len(keep)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m envdoctor.actions.rattlerfix")
    verbs = parser.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("install", help="install match specs into a conda prefix")
    add.add_argument("--prefix", required=True)
    add.add_argument("--channel", action="append", default=[])
    add.add_argument("--force-reinstall", action="store_true")
    add.add_argument("--no-deps", action="store_true", help="accepted for conda's spelling; dependencies are solved")
    add.add_argument("specs", nargs="+")
    drop = verbs.add_parser("remove", help="remove packages from a conda prefix")
    drop.add_argument("--prefix", required=True)
    drop.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    prefix = Path(args.prefix)
    if not (prefix / "conda-meta").is_dir():
        print(f"envdoctor: {prefix} is not a conda prefix (no conda-meta)", file=sys.stderr)
        return 2
    try:
        if args.verb == "install":
            count = install(prefix, args.channel, args.specs, force_reinstall=args.force_reinstall)
        else:
            count = remove(prefix, args.names)
    except Exception as exc:  # rattler raises its own exception types
        print(f"envdoctor: rattler {args.verb}: {exc}", file=sys.stderr)
        return 1
    print(f"{prefix}: {count} conda packages")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
