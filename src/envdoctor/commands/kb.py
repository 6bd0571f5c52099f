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
from typing import TYPE_CHECKING, Any

from envdoctor import exitcodes
from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.output import emit

PLATFORM_KEYS = ("linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64", "windows-x86_64")

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase, Release


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
            choices=("text", "json", "markdown"),
            default=argparse.SUPPRESS,
            help="output format (default: text)",
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


def _size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def _html(args: argparse.Namespace) -> int:
    from envdoctor.explorer.site import SIZE_GOAL, build_site
    from envdoctor.knowledge import KnowledgeBase

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    try:
        stats = build_site(KnowledgeBase.load(), out)
    except OSError as exc:
        raise EnvdoctorError(f"could not write {out}: {exc}") from None
    if getattr(args, "format", "text") == "json":
        import json

        emit(
            json.dumps(
                {
                    "written": str(out),
                    "files": stats.files,
                    "bytes": stats.total,
                    "size_goal_bytes": SIZE_GOAL,
                    "states": stats.states,
                    "answers": stats.answers,
                    "seconds": round(stats.seconds, 2),
                },
                indent=2,
            )
        )
    else:
        goal = "within" if stats.total <= SIZE_GOAL else "OVER"
        emit(
            f"wrote {out}/: {len(stats.files)} files, {_size(stats.total)} ({goal} the {_size(SIZE_GOAL)} goal); "
            f"{stats.states} selector states, {stats.answers} distinct answers, in {stats.seconds:.1f}s\n"
            f"open {(out / 'index.html').resolve().as_uri()}"
        )
    if args.serve:
        return _serve(out, args.port)
    return exitcodes.OK


def _serve(directory: Path, port: int) -> int:
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
    from envdoctor.knowledge import KnowledgeBase

    kb = KnowledgeBase.load()
    fmt = getattr(args, "format", "text")
    if not args.package:
        emit(_overview(kb, fmt))
        return exitcodes.OK
    from packaging.utils import canonicalize_name

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
        releases = [rel]
    records = [release_record(kb, r) for r in releases]
    if fmt == "json":
        import json

        emit(json.dumps({"package": name, "releases": records}, indent=2))
    elif args.version:
        emit(_detail_text(kb, releases[0], records[0], markdown=fmt == "markdown"))
    else:
        shown = [rec for rec in records if args.all or fmt == "markdown" or not (rec["yanked"] or rec["sdist_only"])]
        emit(_table(name, shown, markdown=fmt == "markdown", hidden=len(records) - len(shown)))
    return exitcodes.OK


def _matrix(kb: KnowledgeBase, name: str, args: argparse.Namespace, fmt: str) -> int:
    from envdoctor.explorer import terminal
    from envdoctor.output import use_color
    from envdoctor.plan.platforms import normalize_platform

    if args.version:
        raise UsageError("--matrix shows every release: leave out the version")
    framework = terminal.framework_of(name)
    if fmt == "json":
        import json

        emit(json.dumps(terminal.matrices_json(kb, framework), indent=2))
        return exitcodes.OK
    platforms = tuple(normalize_platform(p) for p in args.platform) if args.platform else PLATFORM_KEYS
    import shutil

    width = max(shutil.get_terminal_size((120, 40)).columns, 80)
    emit(terminal.render(kb, framework, color=use_color(sys.stdout), width=width, platforms=platforms))
    return exitcodes.OK


def release_record(kb: KnowledgeBase, rel: Release) -> dict[str, Any]:
    """The JSON shape of one release, with the curated facts merged in."""
    record = rel.to_dict()
    build = kb.build(rel.package, rel.version)
    if build is not None:
        record["cuda"] = build.cuda
        record["cudnn"] = build.cudnn
        record["build_source"] = build.source or record["build_source"]
    abi = kb.numpy_abi(rel.package, rel.version)
    record["numpy_abi"] = abi[0] if abi else None
    record["extra_constraints"] = [
        {"requirement": c.requirement, "cause": c.cause, "reason": c.reason, "source": c.source}
        for c in kb.extra_constraints(rel.package, rel.version)
    ]
    driver = kb.min_driver(build.cuda) if build is not None and build.cuda else None
    record["min_driver"] = (
        {
            "toolkit_driver": driver.toolkit_driver,
            "minor_compat_driver": driver.minor_compat_driver,
            "source": driver.source,
        }
        if driver
        else None
    )
    removed = kb.removed(rel.package)
    record["removed"] = (
        {"since": removed.since, "replacement": removed.replacement, "reason": removed.reason} if removed else None
    )
    return record


def python_span(pythons: list[str]) -> str:
    """["3.9", "3.10", "3.11"] -> "3.9-3.11" (gaps listed: "2.7, 3.5-3.7")."""
    if not pythons:
        return "-"
    keys = [tuple(int(x) for x in p.split(".")) for p in pythons]
    runs: list[list[tuple[int, ...]]] = []
    for key in keys:
        if runs and runs[-1][-1][0] == key[0] and runs[-1][-1][1] + 1 == key[1]:
            runs[-1].append(key)
        else:
            runs.append([key])
    parts = []
    for run_ in runs:
        first = ".".join(map(str, run_[0]))
        last = ".".join(map(str, run_[-1]))
        parts.append(first if first == last else f"{first}-{last}")
    return ", ".join(parts)


_SHORT = {
    "linux-x86_64": "linux",
    "linux-aarch64": "linux-arm",
    "macos-arm64": "mac-arm",
    "macos-x86_64": "mac-x86",
    "windows-x86_64": "win",
}


def _platforms_cell(rec: dict[str, Any]) -> str:
    if rec.get("pure"):
        return "any (pure)"
    cells = []
    for platform, pys in rec["pythons"].items():
        if pys:
            stub = rec["stubs"].get(platform)
            cells.append(_SHORT[platform] + (f"->{stub}" if stub else ""))
    return " ".join(cells) or "-"


def _notes(rec: dict[str, Any]) -> str:
    notes = []
    if rec["yanked"]:
        notes.append("yanked" + (f": {rec['yanked_reason']}" if rec.get("yanked_reason") else ""))
    if rec["sdist_only"]:
        notes.append("sdist only")
    if rec.get("removed"):
        notes.append(f"removed -> {rec['removed']['replacement']}")
    return "; ".join(notes)


def _table(name: str, records: list[dict[str, Any]], *, markdown: bool, hidden: int) -> str:
    headers = ["version", "python", "platforms", "cuda", "cudnn", "numpy", "uploaded", "notes"]
    rows = []
    for rec in reversed(records):  # newest first
        all_pys = sorted(
            {p for pys in rec["pythons"].values() for p in pys}, key=lambda s: tuple(map(int, s.split(".")))
        )
        rows.append(
            [
                rec["version"],
                python_span(all_pys),
                _platforms_cell(rec),
                rec["cuda"] or "-",
                rec["cudnn"] or "-",
                rec["numpy_abi"] or "-",
                (rec["upload_time"] or "")[:10],
                _notes(rec),
            ]
        )
    if markdown:
        lines = [f"## {name}", "", "| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = [f"{name}: {len(records)} releases (python: every Python with a wheel on some platform)", ""]
    out.append("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    if hidden:
        out.append(f"\n({hidden} yanked or sdist-only releases hidden; --all shows them)")
    return "\n".join(out)


def _detail_text(kb: KnowledgeBase, rel: Release, rec: dict[str, Any], *, markdown: bool) -> str:
    bullet = "- " if markdown else "  "
    lines = [f"## {rel.package} {rel.version}" if markdown else f"{rel.package} {rel.version}"]
    lines.append(f"{bullet}uploaded: {rec['upload_time'] or '?'}" + ("  (YANKED)" if rec["yanked"] else ""))
    lines.append(f"{bullet}requires-python: {rec['requires_python'] or '-'}")
    lines.append("")
    lines.append("Pythons per platform (from wheel tags):")
    for platform, pys in rec["pythons"].items():
        stub = rec["stubs"].get(platform)
        extra = f"   (stub wheel: installs {stub})" if stub else ""
        lines.append(f"{bullet}{platform:15s} {', '.join(pys) if pys else '-'}{extra}")
    if rec["sdist_only"]:
        lines.append(f"{bullet}(no wheels: source distribution only)")
    lines.append("")
    lines.append(f"Build: CUDA {rec['cuda'] or '-'}, cuDNN {rec['cudnn'] or '-'}")
    if rec["compute_capabilities"]:
        lines.append(f"{bullet}compute capabilities: {', '.join(rec['compute_capabilities'])}")
    if rec["build_source"]:
        lines.append(f"{bullet}source: {rec['build_source']}")
    if rec["min_driver"]:
        d = rec["min_driver"]
        lines.append(
            f"{bullet}NVIDIA driver: >= {d['toolkit_driver'] or '?'} (toolkit), "
            f">= {d['minor_compat_driver'] or '-'} (minor-version compatibility)"
        )
    if rec["numpy_abi"]:
        lines.append(f"{bullet}built against NumPy {rec['numpy_abi']}.x")
    lines.append("")
    base = [r for r in rec["requires"] if "extra ==" not in r.replace("extra==", "extra ==")]
    lines.append(f"Requires-Dist ({rec['metadata_file'] or 'no wheel'}):")
    lines += [f"{bullet}{r}" for r in base] or [f"{bullet}-"]
    for extra, reqs in rec["extras"].items():
        lines.append(f"Extra [{extra}]:")
        lines += [f"{bullet}{r}" for r in reqs] or [f"{bullet}-"]
    if rec["extra_constraints"]:
        lines.append("")
        lines.append("Known constraints the metadata does not state:")
        for c in rec["extra_constraints"]:
            lines.append(f"{bullet}{c['requirement']}  ({c['cause']}): {c['reason']} [{c['source']}]")
    if rec["removed"]:
        lines.append("")
        lines.append(f"Removed package: use {rec['removed']['replacement']} ({rec['removed']['reason']})")
    return "\n".join(lines)


def _overview(kb: KnowledgeBase, fmt: str) -> str:
    import json

    rows = []
    for name in kb.packages():
        rels = kb.releases(name)
        rows.append(
            {
                "package": name,
                "releases": len(rels),
                "oldest": rels[0].version if rels else None,
                "newest": rels[-1].version if rels else None,
            }
        )
    source = str(kb.releases_path) if kb.releases_path else None
    if fmt == "json":
        return json.dumps({"generated": kb.generated, "source": source, "packages": rows}, indent=2)
    lines = [
        f"release data: {source or 'none'}",
        f"generated:    {kb.generated or '?'}",
        "",
        f"{'package':20s} {'releases':>8s}  {'oldest':10s} newest",
    ]
    lines += [f"{r['package']:20s} {r['releases']:8d}  {r['oldest'] or '-':10s} {r['newest'] or '-'}" for r in rows]
    lines.append("")
    lines.append("`envdoctor kb show PACKAGE [VERSION]` for details; `envdoctor kb refresh` to update.")
    return "\n".join(lines)


# ----- refresh --------------------------------------------------------------------------------


def _refresh(args: argparse.Namespace) -> int:
    from envdoctor.knowledge import DATA_DIR, RELEASES_FILE, read_releases_file, user_releases_path
    from envdoctor.knowledge.build import INDEX_URL, build, http_cache_dir, merge, write

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
    if getattr(args, "format", "text") == "json":
        import json

        emit(json.dumps(summary, indent=2))
    else:
        emit(
            f"wrote {target}: {stats.releases} releases of {stats.packages} packages in "
            f"{stats.seconds:.1f}s ({stats.reused} unchanged, {stats.wheels_read} wheels read, "
            f"{stats.wheels_cached} from cache, {stats.bytes / 1e6:.1f} MB)"
        )
        for err in stats.errors:
            emit(f"  could not read {err}")
    return exitcodes.outcome(not stats.errors)
