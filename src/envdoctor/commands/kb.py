"""envdoctor kb: show or refresh the compatibility knowledge base.

envdoctor kb show                      # what the knowledge base covers, and from where
envdoctor kb show tensorflow           # every final release: Pythons, platforms, CUDA, ...
envdoctor kb show tensorflow 2.18.0    # one release in full (requirements, extras, driver)
envdoctor kb show tensorflow --matrix  # releases x Python per platform, CUDA, drivers, NumPy
envdoctor kb refresh [--package torch] # rebuild from the package index into the user cache
envdoctor kb html -o site [--serve]    # the static compatibility explorer (no network at view time)
envdoctor kb serve site                # serve a built explorer on 127.0.0.1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from envdoctor import exitcodes
from envdoctor.cli import formats_for
from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.names import canonicalize_name
from envdoctor.output import emit
from envdoctor.render import formats

PLATFORM_KEYS = ("linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64", "windows-x86_64")

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="kb_command", metavar="ACTION")
    show = sub.add_parser("show", help="the knowledge about a package (or what is covered)")
    show.add_argument("package", nargs="?", help="e.g. tensorflow, torch, jaxlib")
    show.add_argument("version", nargs="?", help="one release in full")
    show.add_argument("--all", action="store_true", help="text: also list yanked and sdist-only releases")
    show.add_argument(
        "--matrix",
        action="store_true",
        help="tensorflow / torch / jax: releases x Python per platform, x CUDA / cuDNN, drivers, NumPy ABI",
    )
    show.add_argument("--platform", action="append", default=None, metavar="KEY", help="--matrix: only this platform")
    html = sub.add_parser("html", help="write the static compatibility explorer (a folder to open or host)")
    html.add_argument(
        "-o", "--output", default="envdoctor-explorer", metavar="DIR", help="default: ./envdoctor-explorer"
    )
    html.add_argument("--serve", action="store_true", help="then serve it on 127.0.0.1 (Ctrl-C stops)")
    html.add_argument("--port", type=int, default=8000, metavar="N", help="with --serve (0: any free port)")
    serve = sub.add_parser("serve", help="serve a built explorer on 127.0.0.1 (Ctrl-C stops)")
    serve.add_argument("directory", nargs="?", default="envdoctor-explorer", metavar="DIR")
    serve.add_argument("--port", type=int, default=8000, metavar="N", help="0: any free port")
    refresh = sub.add_parser("refresh", help="rebuild the release data from the package index into the user cache")
    refresh.add_argument(
        "--package", action="append", default=None, metavar="NAME", help="only this package (repeatable)"
    )
    refresh.add_argument("--full", action="store_true", help="read every release again")
    refresh.add_argument("--index-url", default=None, metavar="URL", help="a PEP 691 simple index")
    refresh.add_argument("--workers", type=int, default=16, metavar="N")
    refresh.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress bar")
    for p in (show, refresh, html):
        # `envdoctor kb show X --format json` works as well as `envdoctor kb --format json show X`
        p.add_argument(
            "--output-format",
            "--format",
            dest="format",
            choices=formats_for("kb"),
            default=argparse.SUPPRESS,
            help=f"output format (default: {formats_for('kb')[0]})",
        )


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "kb_command", None)
    if action == "refresh":
        return _refresh(args)
    if action == "show":
        return _show(args)
    if action == "html":
        return _html(args)
    if action == "serve":
        return _serve(Path(args.directory), args.port)
    raise UsageError(
        "say what to do: `envdoctor kb show [PACKAGE [VERSION]]`, `kb refresh`, `kb html -o DIR` or `kb serve DIR`"
    )


# ----- html / serve ---------------------------------------------------------------------------


def _html(args: argparse.Namespace) -> int:
    # lazy: kept out of `kb --help` (94 ms, 81 modules: packaging) and completion (88 ms)
    from envdoctor.explorer.site import SIZE_GOAL, build_site

    # lazy: kept out of `kb --help` (30 ms, 19 modules: packaging) and completion (19 ms)
    from envdoctor.knowledge import KnowledgeBase

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    try:
        stats = build_site(KnowledgeBase.load(), out)
    except OSError as exc:
        raise EnvdoctorError(f"could not write {out}: {exc}") from None
    # lazy: kept out of `kb --help` (11 ms, 3 modules) and completion (10 ms)
    from envdoctor.render.views.kb import html_document

    document = html_document(str(out), stats, SIZE_GOAL, (out / "index.html").resolve().as_uri())
    formats.show(document, args.format)
    if args.serve:
        return _serve(out, args.port)
    return exitcodes.OK


def _serve(directory: Path, port: int) -> int:
    # lazy: kept out of `kb --help` (28 ms, 48 modules) and completion (32 ms)
    from envdoctor.explorer.serve import serve

    if not (directory / "index.html").is_file():
        raise UsageError(f"{directory} has no index.html: build it first with `envdoctor kb html -o {directory}`")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be 0-65535, not {port}")

    def ready(url: str) -> None:
        emit(f"serving {directory} at {url} (Ctrl-C stops)")
        sys.stdout.flush()

    try:
        serve(directory, port, ready=ready)
    except OSError as exc:
        raise EnvdoctorError(f"could not serve on port {port}: {exc}") from None
    return exitcodes.OK


# ----- show -----------------------------------------------------------------------------------


def _show(args: argparse.Namespace) -> int:
    # lazy: kept out of `kb --help` (45 ms, 19 modules: packaging) and completion (16 ms)
    from envdoctor.knowledge import KnowledgeBase

    # lazy: kept out of `kb --help` (12 ms, 3 modules) and completion (12 ms)
    from envdoctor.render.views import kb as views

    kb = KnowledgeBase.load()
    fmt = args.format
    if not args.package:
        formats.show(views.overview_document(kb), fmt)
        return exitcodes.OK

    name = canonicalize_name(args.package)
    if args.matrix:
        return _matrix(kb, name, args, fmt)
    releases = kb.releases(name)
    if not releases:
        known = ", ".join(kb.packages()) or "none (no release data)"
        raise UsageError(f"the knowledge base has no releases of {args.package!r}; it covers: {known}")
    if args.version:
        rel = kb.release(name, args.version)
        if rel is None:
            raise UsageError(
                f"{name} {args.version} is not a final release the knowledge base knows "
                f"(newest: {releases[-1].version})"
            )
        formats.show(views.release_document(name, rel.version, views.release_record(kb, rel)), fmt)
        return exitcodes.OK
    records = [views.release_record(kb, r) for r in releases]
    shown = [rec for rec in records if args.all or not (rec["yanked"] or rec["sdist_only"])]
    formats.show(views.releases_document(name, records, shown), fmt)
    return exitcodes.OK


def _matrix(kb: KnowledgeBase, name: str, args: argparse.Namespace, fmt: str) -> int:
    # lazy: kept out of `kb --help` (105 ms, 72 modules: packaging) and completion (77 ms)
    from envdoctor.explorer import terminal

    # lazy: kept out of `kb --help` (88 ms, 68 modules: packaging) and completion (51 ms)
    from envdoctor.plan.platforms import normalize_platform

    # lazy: kept out of `kb --help` (11 ms, 3 modules) and completion (11 ms)
    from envdoctor.render.views.kb import matrix_document

    if args.version:
        raise UsageError("--matrix shows every release: leave out the version")
    framework = terminal.framework_of(name)
    platforms = tuple(normalize_platform(p) for p in args.platform) if args.platform else PLATFORM_KEYS
    formats.show(matrix_document(kb, framework, platforms), fmt)
    return exitcodes.OK


# ----- refresh --------------------------------------------------------------------------------


def _refresh(args: argparse.Namespace) -> int:
    # lazy: kept out of `kb --help` (39 ms, 19 modules: packaging) and completion (21 ms)
    from envdoctor.knowledge import DATA_DIR, RELEASES_FILE, read_releases_file, user_releases_path

    # lazy: kept out of `kb --help` (132 ms, 100 modules: packaging) and completion (86 ms)
    from envdoctor.knowledge.build import INDEX_URL, build

    # lazy: kept out of `kb --help` (39 ms, 21 modules: packaging) and completion (20 ms)
    from envdoctor.knowledge.diskcache import http_cache_dir

    # lazy: kept out of `kb --help` (32 ms, 20 modules: packaging) and completion (19 ms)
    from envdoctor.knowledge.releasesfile import merge, write

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    target = user_releases_path()
    previous = None
    for candidate in (target, DATA_DIR / RELEASES_FILE):
        try:
            previous = read_releases_file(candidate)
            break
        except ValueError:
            continue
    try:
        data, stats = build(
            args.package,
            previous=None if args.full else previous,
            index_url=args.index_url or INDEX_URL,
            cache=http_cache_dir(),
            workers=args.workers,
            progress=None if args.quiet else sys.stderr,
        )
    except UsageError:
        raise
    except EnvdoctorError as exc:
        raise EnvdoctorError(f"could not refresh from the package index: {exc}") from None
    if args.package:
        data = merge(previous, data)
    try:
        write(data, target)
    except OSError as exc:
        raise EnvdoctorError(f"could not write {target}: {exc}") from None
    summary = {
        "written": str(target),
        "packages": stats.packages,
        "releases": stats.releases,
        "reused": stats.reused,
        "wheels_read": stats.wheels_read,
        "wheels_from_cache": stats.wheels_cached,
        "requests": stats.requests,
        "megabytes": round(stats.bytes / 1e6, 1),
        "seconds": round(stats.seconds, 1),
        "errors": stats.errors,
    }
    # lazy: kept out of `kb --help` (11 ms, 3 modules) and completion (11 ms)
    from envdoctor.render.views.kb import refresh_document

    formats.show(refresh_document(summary), args.format)
    return exitcodes.outcome(not stats.errors)
