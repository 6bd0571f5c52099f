"""Restoring a conda prefix with py-rattler: the `@EXPLICIT` list's records looked up in their channels' repodata
(md5 checked) and the prefix made to hold exactly them; `python -m envdoctor.actions.restore conda-explicit`.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from envdoctor.actions.containment import Boundary, conda_escapes, refuse
from envdoctor.actions.records import (
    InvalidValue,
    read_conda_records,
    valid_url,
)
from envdoctor.actions.restore.point import (
    _sha256,
)
from envdoctor.errors import EnvdoctorError
from envdoctor.names import canonicalize_name


def rattler_available() -> bool:
    return importlib.util.find_spec("rattler") is not None


def rattler_restore_command(
    prefix: str, explicit_file: str, reinstall: Sequence[str] = (), sha256: str = ""
) -> list[str]:
    """The command that makes a conda prefix hold exactly an explicit list, with py-rattler."""
    argv = [sys.executable, "-m", "envdoctor.actions.restore", "conda-explicit", "--prefix", prefix]
    for name in reinstall:
        argv += ["--reinstall", name]
    if sha256:
        argv += ["--sha256", sha256]
    return [*argv, explicit_file]


_DIST_INFO = re.compile(r"site-packages/([^/]+?)-[^/-]+\.(?:dist|egg)-info(?:/|$)")


def conda_owners(prefix: Path) -> dict[str, str]:
    """{distribution name (normalized): the conda package whose files hold its metadata}."""
    owners: dict[str, str] = {}
    for record in read_conda_records(str(prefix))[0]:
        for entry in record.listed:
            match = _DIST_INFO.search(entry)
            if match:
                owners.setdefault(canonicalize_name(match.group(1)), record.name)
    return owners


def parse_explicit(lines: Iterable[str]) -> list[tuple[str, str | None]]:
    """(URL, md5 or None) for each package line of an `@EXPLICIT` list; EnvdoctorError for a line
    that is not a valid package URL (whitespace, control characters, another scheme)."""
    out: list[tuple[str, str | None]] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("@"):
            continue
        url, _, digest = line.partition("#")
        try:
            valid_url(url.strip(), what="conda package URL")
        except InvalidValue as exc:
            raise EnvdoctorError(f"explicit list: {exc}") from None
        md5 = digest.strip() or None
        if md5 is not None and not re.match(r"^[0-9a-fA-F]{32}$", md5):
            raise EnvdoctorError(f"explicit list: not an md5 after {url.strip()!r}: {md5!r}")
        out.append((url.strip(), md5))
    return out


def _package_name(file_name: str) -> str:
    for ext in (".tar.bz2", ".conda"):
        if file_name.endswith(ext):
            file_name = file_name[: -len(ext)]
    return file_name.rsplit("-", 2)[0]


def install_explicit(prefix: Path, lines: Iterable[str], *, reinstall: Sequence[str] = ()) -> int:
    """Make the conda prefix hold exactly the packages of an `@EXPLICIT` list (py-rattler): each
    URL is found in its channel's repodata (md5 checked). Returns how many packages it holds.

    py-rattler unlinks every file the prefix's records list for the packages it removes or
    relinks: those records are checked first, and any path outside the prefix refuses it all."""
    # lazy: asyncio (36 ms, 52 modules) serves py-rattler's restore only, not fix's or restore's start-up
    import asyncio

    import rattler  # lazy: optional dependency (py-rattler)

    wanted = parse_explicit(lines)
    records_now, _ = read_conda_records(str(prefix))
    bound = Boundary([prefix], f"the conda prefix {prefix}")
    refuse(conda_escapes(str(prefix), [(r.file, r.listed) for r in records_now], bound), f"restore {prefix}")
    sources: list[str] = []
    subdirs: set[str] = set()
    names: set[str] = set()
    for url, _ in wanted:
        parts = url.rsplit("/", 2)
        if len(parts) != 3:
            raise EnvdoctorError(f"not a package URL in the explicit list: {url}")
        base, subdir, file_name = parts
        if base not in sources:
            sources.append(base)
        subdirs.add(subdir)
        names.add(_package_name(file_name))
    subdirs.add("noarch")
    found: dict[str, Any] = {}
    if wanted:
        result = asyncio.run(
            rattler.Gateway().query(sources, sorted(subdirs), sorted(names), recursive=False)  # type: ignore[arg-type]
        )
        for channel_records in result:
            for rec in channel_records:
                found.setdefault(_same_url(str(rec.url)), rec)
    records: list[Any] = []
    missing: list[str] = []
    for url, md5 in wanted:
        match = found.get(_same_url(url))
        if match is None:
            missing.append(url)
        elif md5 and match.md5 is not None and match.md5.hex() != md5.lower():
            raise EnvdoctorError(f"{url}: md5 {match.md5.hex()} in the channel, {md5} in the explicit list")
        else:
            records.append(match)
    if missing:
        raise EnvdoctorError("not in the channels' repodata any more: " + ", ".join(missing))
    asyncio.run(
        rattler.install(records, target_prefix=str(prefix), reinstall_packages=set(reinstall), show_progress=False)
    )
    return len(records)


def _same_url(url: str) -> str:
    return url.rstrip("/").replace("file:///", "/").replace("file://", "")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m envdoctor.actions.restore conda-explicit --prefix P [--reinstall NAME]...
    [--sha256 HEX] FILE`"""
    parser = argparse.ArgumentParser(prog="python -m envdoctor.actions.restore")
    verbs = parser.add_subparsers(dest="verb", required=True)
    explicit = verbs.add_parser("conda-explicit", help="make a conda prefix hold exactly an @EXPLICIT list")
    explicit.add_argument("--prefix", required=True)
    explicit.add_argument("--reinstall", action="append", default=[], metavar="NAME")
    explicit.add_argument("--sha256", metavar="HEX", help="refuse the file unless its content has this SHA-256")
    explicit.add_argument("file")
    args = parser.parse_args(argv)
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        if args.sha256 and _sha256(text) != args.sha256:
            raise EnvdoctorError(
                f"{args.file} was changed after it was recorded (sha256 mismatch); nothing was changed"
            )
        count = install_explicit(Path(args.prefix), text.splitlines(), reinstall=args.reinstall)
    except Exception as exc:  # rattler raises its own exception types
        print(f"envdoctor: conda-explicit: {exc}", file=sys.stderr)
        return 1
    print(f"{args.prefix}: {count} conda packages, as listed in {args.file}")
    return 0
