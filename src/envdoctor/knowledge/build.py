"""Generate the release data of the knowledge base from the package index.

For each covered package: the PEP 691 JSON simple API gives the file list (wheel tags, sizes,
Requires-Python, upload time, yanked); the core metadata comes from PEP 658 `.metadata` files
where the index serves them, else from HTTP range requests on one wheel per release (the zip's
central directory, then only METADATA and the build-info file that carries CUDA:
TensorFlow's `python/platform/build_info.py`, `torch/version.py`). Small wheels on the other
platforms are read too, to find stubs that only redirect (Windows `tensorflow` ->
`tensorflow-intel`).

Concurrent (threads), with retries / back-off / timeouts (`fetch.HttpClient`), an on-disk cache
(index pages with ETags; what was read from each wheel, by its sha256), a progress bar on stderr,
and incremental refresh: a release whose files did not change is taken from the previous data.

Entry points: `build(...)` (used by `envdoctor kb refresh`) and `scripts/build_kb.py`.

The parts: `wheeltags` (tags -> platforms / Pythons), `indexfiles` (index pages, wheels read), `releasefacts`
(one release's facts), `diskcache`, `buildprogress`, `releasesfile` (the output). `build` here drives them.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from packaging.utils import (
    canonicalize_name,
)

from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.frameworks import all_frameworks
from envdoctor.knowledge import DATA_DIR, RELEASES_FILE, RELEASES_SCHEMA, read_releases_file
from envdoctor.knowledge.buildprogress import Progress
from envdoctor.knowledge.diskcache import DiskCache, http_cache_dir
from envdoctor.knowledge.fetch import FetchError, HttpClient
from envdoctor.knowledge.indexfiles import (
    SIMPLE_JSON,
    WheelTask,
    files_digest,
    group_releases,
    index_files,
    read_wheel,
    wanted_members,
)
from envdoctor.knowledge.releasefacts import (
    build_facts,
    fill_release,
    plan_release,
    wheel_facts,
)
from envdoctor.knowledge.releasesfile import merge, write
from envdoctor.knowledge.wheeltags import (
    known_pythons,
)

INDEX_URL = "https://pypi.org/simple/"


def coverage() -> dict[str, str]:
    """package -> the oldest version covered: what each framework's descriptor asks for."""
    covered: dict[str, str] = {}
    for framework in all_frameworks():
        for package, oldest in framework.kb_packages.items():
            covered.setdefault(canonicalize_name(package), oldest)
    return covered


@dataclass
class BuildStats:
    packages: int = 0
    releases: int = 0
    reused: int = 0
    wheels_read: int = 0
    wheels_cached: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def build(
    packages: Sequence[str] | None = None,
    *,
    previous: Mapping[str, Any] | None = None,
    index_url: str = INDEX_URL,
    cache: Path | None = None,
    client: HttpClient | None = None,
    workers: int = 16,
    progress: TextIO | None = None,
    now: str | None = None,
    versions: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], BuildStats]:
    """Build release data for `packages` (default: all of `coverage()`). Releases of `previous`
    (earlier release data) whose files did not change are reused without reading a wheel.
    `cache`: folder for the on-disk cache (None: none). `versions`: package -> specifier, to
    build only some releases (tests, spot checks). Returns (data, stats)."""
    started = time.monotonic()
    covered = coverage()
    names = [canonicalize_name(p) for p in (packages or list(covered))]
    unknown = [n for n in names if n not in covered]
    if unknown:
        raise UsageError(f"not a covered package: {', '.join(unknown)} (covered: {', '.join(covered)})")
    client = client or HttpClient()
    disk = DiskCache(cache)
    bar = Progress(progress, "kb")
    stats = BuildStats(packages=len(names))
    prev_packages: Mapping[str, Any] = (previous or {}).get("packages", {}) if previous else {}

    # 1. index pages, concurrently
    pages: dict[str, dict[str, Any]] = {}
    bar.add(len(names))

    def fetch_index(name: str) -> tuple[str, dict[str, Any]]:
        url = f"{index_url.rstrip('/')}/{name}/"
        cached = disk.get("index", name)
        headers = {"Accept": f"{SIMPLE_JSON}, application/json;q=0.1"}
        if cached and cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        resp = client.get(url, headers)
        if resp.status == 304 and cached:
            return name, cached["data"]
        if resp.status == 404:
            raise UsageError(f"{name}: not on the index {index_url}")
        if resp.status != 200:
            raise FetchError(f"{url}: HTTP {resp.status}")
        try:
            data = json.loads(resp.body)
        except ValueError:
            raise FetchError(f"{url}: not a JSON simple-API page") from None
        if resp.headers.get("etag"):
            disk.put("index", name, {"etag": resp.headers["etag"], "data": data})
        return name, data

    with ThreadPoolExecutor(max_workers=min(workers, len(names)) or 1) as pool:
        for page in as_completed([pool.submit(fetch_index, n) for n in names]):
            name, page_data = page.result()
            pages[name] = page_data
            bar.step(name)

    # 2. plan: what to read from which wheel
    releases: dict[str, list[dict[str, Any]]] = {}
    tasks: list[WheelTask] = []
    pending: dict[tuple[str, str], dict[str, Any]] = {}
    task_of: dict[tuple[str, str], list[WheelTask]] = {}
    grouped_of = {
        name: group_releases(name, index_files(pages[name]), covered[name], (versions or {}).get(name))
        for name in names
    }
    # a build of some packages keeps the Pythons the earlier data knew of the others
    partial = set(prev_packages) - set(names)
    known = known_pythons(
        (f.filename for grouped in grouped_of.values() for wheels, _ in grouped.values() for f, _ in wheels),
        also=(previous or {}).get("known_pythons", ()) if partial else (),
    )
    for name in names:
        prev = {r["version"]: r for r in (prev_packages.get(name) or {}).get("releases", [])}
        out: list[dict[str, Any]] = []
        grouped = grouped_of[name]
        for version, (wheels, sdists) in sorted(grouped.items()):
            vtext = str(version)
            all_files = [f for f, _ in wheels] + sdists
            digest = files_digest(all_files)
            old = prev.get(vtext)
            if old is not None and old.get("digest") == digest:
                # what the file list and the recorded metadata decide is derived again: the
                # Pythons a version-agnostic wheel serves grow with the newest CPython
                reused = dict(old)
                reused["pythons"] = wheel_facts(wheels, reused.get("requires_python"), known)[0]
                if "requires" in reused:  # the facts a plugin's Requires-Dist gives (no wheel member needed)
                    reused.update(build_facts(name, {}, reused["requires"], "", str(reused.get("metadata_file"))))
                out.append(reused)
                stats.reused += 1
                continue
            rec = plan_release(name, vtext, wheels, sdists, digest, known)
            out.append(rec)
            pending[(name, vtext)] = rec
            for f, role in rec.pop("_read"):
                task = WheelTask(name, vtext, f, wanted_members(name) if role == "main" else ())
                task.result = disk.get("wheel", f.sha256 or f.filename)
                if task.result is not None and all(
                    any(m.endswith(s) for m in task.result.get("members", {})) or task.result.get("searched", False)
                    for s in task.members
                ):
                    stats.wheels_cached += 1
                else:
                    task.result = None
                tasks.append(task)
                task_of.setdefault((name, vtext), []).append(task)
        releases[name] = out

    # 3. read the wheels, concurrently
    todo = [t for t in tasks if t.result is None]
    bar.add(len(todo))
    lock = threading.Lock()

    def run(task: WheelTask) -> None:
        try:
            result = read_wheel(client, task)
        except (FetchError, EnvdoctorError, KeyError, ValueError, OSError) as exc:
            with lock:
                stats.errors.append(f"{task.file.filename}: {exc}")
            return
        result["searched"] = True
        task.result = result
        disk.put("wheel", task.file.sha256 or task.file.filename, result)

    if todo:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(run, t): t for t in todo}
            for fut in as_completed(futures):
                fut.result()
                bar.step(futures[fut].file.filename)
    stats.wheels_read = len(todo)

    # 4. assemble
    for (name, vtext), rec in pending.items():
        fill_release(name, rec, task_of.get((name, vtext), []))
    bar.finish()
    if stats.errors:
        # a release whose main wheel could not be read: keep its previous record, else drop it
        for name in list(releases):
            prev = {r["version"]: r for r in (prev_packages.get(name) or {}).get("releases", [])}
            kept: list[dict[str, Any]] = []
            for rec in releases[name]:
                if "requires" in rec or rec.get("sdist_only") or "digest" not in rec:
                    kept.append(rec)
                elif rec["version"] in prev:
                    kept.append(dict(prev[rec["version"]]))
            releases[name] = kept

    data: dict[str, Any] = {
        "schema": RELEASES_SCHEMA,
        "generated": now or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "index": index_url,
        "known_pythons": list(known),
        "packages": {
            name: {
                "serial": (pages[name].get("meta") or {}).get("_last-serial"),
                "releases": releases[name],
            }
            for name in names
        },
    }
    stats.releases = sum(len(v) for v in releases.values())
    stats.requests = client.requests
    stats.bytes = client.bytes
    stats.seconds = time.monotonic() - started
    return data, stats


def main(argv: Sequence[str] | None = None) -> int:
    """`python scripts/build_kb.py [--out FILE] [--package NAME ...]`"""
    parser = argparse.ArgumentParser(description="Generate the knowledge base's release data")
    parser.add_argument("--out", type=Path, default=DATA_DIR / RELEASES_FILE)
    parser.add_argument("--package", action="append", default=None, help="only this package")
    parser.add_argument("--index-url", default=INDEX_URL)
    parser.add_argument("--cache", type=Path, default=None, help="on-disk cache (default: user cache)")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--full", action="store_true", help="do not reuse releases of --out")
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args(argv)
    previous = None
    if not args.full and args.out.exists():
        try:
            previous = read_releases_file(args.out)
        except ValueError:
            previous = None
    try:
        data, stats = build(
            args.package,
            previous=previous,
            index_url=args.index_url,
            cache=None if args.no_cache else (args.cache or http_cache_dir()),
            workers=args.workers,
            progress=sys.stderr,
        )
    except EnvdoctorError as exc:
        print(f"build_kb: {exc}", file=sys.stderr)
        return exc.exit_code
    if args.package:
        data = merge(previous, data)
    write(data, args.out)
    print(
        f"wrote {args.out}: {stats.releases} releases of {stats.packages} packages in "
        f"{stats.seconds:.1f}s ({stats.reused} reused, {stats.wheels_read} wheels read, "
        f"{stats.wheels_cached} from cache, {stats.requests} requests, "
        f"{stats.bytes / 1e6:.1f} MB)",
        file=sys.stderr,
    )
    for err in stats.errors:
        print(f"  error: {err}", file=sys.stderr)
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
