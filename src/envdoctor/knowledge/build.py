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
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.parser import HeaderParser
from pathlib import Path
from typing import Any, TextIO

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.frameworks import all_frameworks, of_distribution, of_package
from envdoctor.knowledge import PLATFORMS, RELEASES_SCHEMA
from envdoctor.knowledge.fetch import FetchError, HttpClient, RemoteZip
from envdoctor.locations import cache_dir
from envdoctor.markers import for_platform as marker_environment

INDEX_URL = "https://pypi.org/simple/"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def coverage() -> dict[str, str]:
    """package -> the oldest version covered: what each framework's descriptor asks for."""
    covered: dict[str, str] = {}
    for framework in all_frameworks():
        for package, oldest in framework.kb_packages.items():
            covered.setdefault(canonicalize_name(package), oldest)
    return covered


#: Python minors a version-agnostic (py3 / abi3) wheel may serve when no wheel says otherwise; a build
#: uses `known_pythons(...)`: every minor from the oldest to the newest CPython some compiled wheel
#: of the covered packages is tagged for (jaxlib had cp315 wheels while this list still ended at 3.14)
KNOWN_PYTHONS: tuple[str, ...] = tuple(f"3.{m}" for m in range(6, 15))

STUB_MAX_SIZE = 1_000_000  # a wheel this small in a compiled package is checked for a redirect


# ----- wheel tags -> platforms / Pythons ----------------------------------------------------


def platform_keys(tag: str) -> list[str]:
    """The knowledge base's platform keys for one wheel platform tag ([] when not covered)."""
    if tag == "any":
        return list(PLATFORMS)
    if tag.startswith(("manylinux", "linux")):
        if tag.endswith("_x86_64"):
            return ["linux-x86_64"]
        if tag.endswith("_aarch64"):
            return ["linux-aarch64"]
        return []
    if tag.startswith("macosx_"):
        if tag.endswith("_arm64"):
            return ["macos-arm64"]
        if tag.endswith(("_x86_64", "_intel")):
            return ["macos-x86_64"]
        if tag.endswith("_universal2"):
            return ["macos-arm64", "macos-x86_64"]
        return []
    if tag == "win_amd64":
        return ["windows-x86_64"]
    return []


def _allowed(requires_python: str | None) -> Callable[[str], bool]:
    if not requires_python:
        return lambda _py: True
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return lambda _py: True
    return lambda py: (
        spec.contains(Version(py + ".0"), prereleases=True) or spec.contains(Version(py), prereleases=True)
    )


def wheel_pythons(
    interpreter: str, abi: str, requires_python: str | None, known: Sequence[str] = KNOWN_PYTHONS
) -> tuple[list[str], bool]:
    """(Python minors, version-agnostic?) one wheel tag's interpreter/abi part serves; a
    version-agnostic wheel serves the `known` minors its Requires-Python admits."""
    if abi.endswith("t") and abi.startswith("cp"):  # free-threaded build: not covered
        return [], False
    if interpreter.startswith("cp") and interpreter[2:].isdigit():
        minor = _cp_minor(interpreter)
        if abi == "abi3":
            ok = _allowed(requires_python)
            return [p for p in known if _newer_or_equal(p, minor) and ok(p)], True
        return [minor], False
    if interpreter in ("py3", "py2.py3", "py30") or interpreter.startswith("py3"):
        ok = _allowed(requires_python)
        return [p for p in known if ok(p)], True
    return [], False


def _cp_minor(interpreter: str) -> str:
    digits = interpreter[2:]
    return f"{digits[0]}.{digits[1:]}"


def known_pythons(filenames: Iterable[str], also: Iterable[str] = ()) -> tuple[str, ...]:
    """Every Python 3 minor from the oldest to the newest that some CPython wheel among
    `filenames` is tagged for (cp315 -> up to "3.15"), or that `also` names ("3.12": minors
    compiled wheels of earlier data serve); KNOWN_PYTHONS when there is none."""
    minors: set[int] = {int(p.split(".")[1]) for p in also if p.startswith("3.") and p[2:].isdigit()}
    for filename in filenames:
        if not filename.endswith(".whl"):
            continue
        try:
            _, _, _, tags = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion):
            continue
        for tag in tags:
            interpreter = tag.interpreter
            if interpreter.startswith("cp3") and interpreter[2:].isdigit() and len(interpreter) > 3:
                minors.add(int(interpreter[3:]))
    if not minors:
        return KNOWN_PYTHONS
    return tuple(f"3.{m}" for m in range(min(minors), max(minors) + 1))


def _newer_or_equal(a: str, b: str) -> bool:
    return tuple(int(x) for x in a.split(".")) >= tuple(int(x) for x in b.split("."))


def _py_key(py: str) -> tuple[int, ...]:
    return tuple(int(x) for x in py.split("."))


# ----- reading what a wheel carries ---------------------------------------------------------


def parse_metadata(text: str) -> dict[str, Any]:
    """The fields of a core-metadata file the knowledge base keeps."""
    msg = HeaderParser().parsestr(text)
    return {
        "name": msg.get("Name"),
        "version": msg.get("Version"),
        "requires_python": _clean(msg.get("Requires-Python")),
        "requires": [_clean(v) or "" for v in msg.get_all("Requires-Dist") or []],
        "extras": [_clean(v) or "" for v in msg.get_all("Provides-Extra") or []],
    }


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    return " ".join(str(value).split()) or None


# ----- the on-disk cache --------------------------------------------------------------------


class DiskCache:
    """Index pages (with their ETag) and what was read from each wheel (by sha256)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def _path(self, kind: str, key: str) -> Path | None:
        if self.root is None:
            return None
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)
        return self.root / kind / f"{safe}.json"

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, kind: str, key: str, value: Mapping[str, Any]) -> None:
        path = self._path(kind, key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(value), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time


# ----- progress -------------------------------------------------------------------------------


class Progress:
    """A one-line bar on a terminal; plain periodic lines otherwise; nothing when quiet."""

    def __init__(self, stream: TextIO | None, label: str = "") -> None:
        self.stream = stream
        self.label = label
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()
        self._last = 0.0
        self._tty = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())
        self._printed: tuple[int, int] = (-1, -1)

    def add(self, n: int) -> None:
        with self._lock:
            self.total += n
        self._show()

    def step(self, what: str = "") -> None:
        with self._lock:
            self.done += 1
        self._show(what)

    def message(self, text: str) -> None:
        if self.stream is None:
            return
        with self._lock:
            if self._tty:
                self.stream.write("\r\033[K")
            self.stream.write(text + "\n")
            self.stream.flush()

    def _show(self, what: str = "", final: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        with self._lock:
            interval = 0.1 if self._tty else 5.0
            if not final and now - self._last < interval and self.done != self.total:
                return
            self._last = now
            total = max(self.total, 1)
            if self._tty:
                width = 30
                filled = int(width * self.done / total)
                bar = "#" * filled + "-" * (width - filled)
                self.stream.write(f"\r\033[K{self.label} [{bar}] {self.done}/{self.total} {what[:40]}")
                if final:
                    self.stream.write("\n")
            else:
                if (self.done, self.total) == self._printed:
                    return
                self._printed = (self.done, self.total)
                self.stream.write(f"{self.label}: {self.done}/{self.total} index pages and wheels\n")
            self.stream.flush()

    def finish(self) -> None:
        self._show(final=True)


# ----- the build ----------------------------------------------------------------------------


@dataclass
class _File:
    filename: str
    url: str
    sha256: str
    size: int
    requires_python: str | None
    upload_time: str | None
    yanked: bool
    yanked_reason: str | None
    metadata_url: str | None  # PEP 658


@dataclass
class _Task:
    package: str
    version: str
    file: _File
    members: tuple[str, ...]  # suffixes of the members wanted besides METADATA
    result: dict[str, Any] | None = None


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


def _index_files(data: Mapping[str, Any]) -> list[_File]:
    files: list[_File] = []
    for f in data.get("files", []):
        yanked = f.get("yanked", False)
        meta = f.get("core-metadata", f.get("dist-info-metadata"))
        files.append(
            _File(
                filename=f["filename"],
                url=f["url"],
                sha256=(f.get("hashes") or {}).get("sha256", ""),
                size=int(f.get("size") or 0),
                requires_python=f.get("requires-python") or None,
                upload_time=f.get("upload-time"),
                yanked=bool(yanked),
                yanked_reason=yanked if isinstance(yanked, str) and yanked else None,
                metadata_url=f["url"] + ".metadata" if meta else None,
            )
        )
    return files


def _group(
    package: str, files: Sequence[_File], oldest: str, only: str | None = None
) -> dict[Version, tuple[list[tuple[_File, Any]], list[_File]]]:
    """version -> (wheels with their parsed tags, sdists) for the final releases covered
    (and in the specifier `only`, when given)."""
    floor = Version(oldest)
    spec = SpecifierSet(only) if only else None
    grouped: dict[Version, tuple[list[tuple[_File, Any]], list[_File]]] = {}
    for f in files:
        try:
            if f.filename.endswith(".whl"):
                _, version, _, tags = parse_wheel_filename(f.filename)
                entry: Any = tags
            elif f.filename.endswith((".tar.gz", ".zip")):
                _, version = parse_sdist_filename(f.filename)
                entry = None
            else:
                continue
        except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
            continue
        if version.is_prerelease or version.is_devrelease or version.local or version < floor:
            continue
        if spec is not None and not spec.contains(version, prereleases=True):
            continue
        wheels, sdists = grouped.setdefault(version, ([], []))
        if entry is None:
            sdists.append(f)
        else:
            wheels.append((f, entry))
    return grouped


def _wanted_members(package: str) -> tuple[str, ...]:
    """The wheel members with the package's build facts (its framework's build-info file)."""
    framework = of_distribution(package)
    return framework.build_members if framework is not None else ()


def _digest(files: Iterable[_File]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda x: x.filename):
        h.update(f"{f.filename}:{f.sha256}:{f.yanked}\n".encode())
    return h.hexdigest()[:16]


def _read_wheel(client: HttpClient, task: _Task) -> dict[str, Any]:
    """METADATA (PEP 658 file when served, else a range request) and the wanted members."""
    result: dict[str, Any] = {"metadata": None, "members": {}}
    rz = RemoteZip(client, task.file.url)
    if task.file.metadata_url:
        resp = client.get(task.file.metadata_url)
        if resp.status == 200:
            result["metadata"] = resp.body.decode("utf-8", "replace")
    if result["metadata"] is None or task.members:
        names = rz.names()
        if result["metadata"] is None:
            meta = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            if not meta:
                raise FetchError(f"{task.file.filename}: no .dist-info/METADATA")
            result["metadata"] = rz.read(meta[0]).decode("utf-8", "replace")
        for suffix in task.members:
            hits = sorted(n for n in names if n.endswith(suffix))
            if hits:
                result["members"][hits[0]] = rz.read(hits[0]).decode("utf-8", "replace")
    return result


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
    tasks: list[_Task] = []
    pending: dict[tuple[str, str], dict[str, Any]] = {}
    task_of: dict[tuple[str, str], list[_Task]] = {}
    grouped_of = {
        name: _group(name, _index_files(pages[name]), covered[name], (versions or {}).get(name)) for name in names
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
            digest = _digest(all_files)
            old = prev.get(vtext)
            if old is not None and old.get("digest") == digest:
                # what the file list and the recorded metadata decide is derived again: the
                # Pythons a version-agnostic wheel serves grow with the newest CPython
                reused = dict(old)
                reused["pythons"] = _wheel_facts(wheels, reused.get("requires_python"), known)[0]
                if "requires" in reused:  # the facts a plugin's Requires-Dist gives (no wheel member needed)
                    reused.update(build_facts(name, {}, reused["requires"], "", str(reused.get("metadata_file"))))
                out.append(reused)
                stats.reused += 1
                continue
            rec = _plan_release(name, vtext, wheels, sdists, digest, known)
            out.append(rec)
            pending[(name, vtext)] = rec
            for f, role in rec.pop("_read"):
                task = _Task(name, vtext, f, _wanted_members(name) if role == "main" else ())
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

    def run(task: _Task) -> None:
        try:
            result = _read_wheel(client, task)
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
        _fill_release(name, rec, task_of.get((name, vtext), []))
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


def _wheel_facts(
    wheels: Sequence[tuple[_File, Any]], requires_python: str | None, known: Sequence[str] = KNOWN_PYTHONS
) -> tuple[dict[str, list[str]], bool, dict[str, tuple[tuple[int, ...], _File]]]:
    """(platform -> Python minors, pure?, platform -> (rank, its newest-Python wheel))."""
    pythons: dict[str, set[str]] = {}
    best: dict[str, tuple[tuple[int, ...], _File]] = {}
    pure = bool(wheels)
    for f, tags in wheels:
        for tag in tags:
            pys, _agnostic = wheel_pythons(tag.interpreter, tag.abi, f.requires_python or requires_python, known)
            keys = platform_keys(tag.platform)
            if tag.platform != "any":
                pure = False
            for key in keys:
                pythons.setdefault(key, set()).update(pys)
                rank = max((_py_key(p) for p in pys), default=(0,))
                if pys and (key not in best or rank > best[key][0]):
                    best[key] = (rank, f)
    by_platform = {p: sorted(pythons[p], key=_py_key) for p in PLATFORMS if pythons.get(p)}
    return by_platform, pure, best


def _plan_release(
    name: str,
    version: str,
    wheels: list[tuple[_File, Any]],
    sdists: list[_File],
    digest: str,
    known: Sequence[str] = KNOWN_PYTHONS,
) -> dict[str, Any]:
    first = min(wheels + [(s, None) for s in sdists], key=lambda x: x[0].upload_time or "")[0]
    requires_python = next((f.requires_python for f, _ in wheels if f.requires_python), None)
    if requires_python is None and sdists:
        requires_python = sdists[0].requires_python
    by_platform, pure, best = _wheel_facts(wheels, requires_python, known)
    rec: dict[str, Any] = {
        "version": version,
        "requires_python": requires_python,
        "pythons": by_platform,
        "upload_time": first.upload_time,
        "yanked": all(f.yanked for f in [w for w, _ in wheels] + sdists),
        "yanked_reason": next((f.yanked_reason for f in [w for w, _ in wheels] + sdists if f.yanked_reason), None),
        "digest": digest,
    }
    if pure:
        rec["pure"] = True
    if not wheels:
        rec["sdist_only"] = True
        rec["_read"] = []
        return rec
    main_platform = next((p for p in PLATFORMS if p in best), None)
    main: _File = best[main_platform][1] if main_platform else wheels[0][0]
    rec["metadata_file"] = main.filename
    reads: list[tuple[_File, str]] = [(main, "main")]
    seen = {main.filename}
    if not pure:
        for platform in PLATFORMS:
            if platform in best:
                f = best[platform][1]
                if f.filename not in seen and f.size and f.size < STUB_MAX_SIZE:
                    reads.append((f, platform))
                    seen.add(f.filename)
    rec["_read"] = reads
    return rec


def _stub_target(package: str, version: str, requires: Sequence[str], platform: str, python: str) -> str | None:
    """The package a redirecting stub wheel installs instead on `platform`
    (`tensorflow-intel==2.15.0 ; platform_system == "Windows"`): a requirement pinned to the same
    version of another package whose marker holds there."""
    env = marker_environment(platform, python)  # evaluate() adds extra=""
    for text in requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if canonicalize_name(req.name) == package:
            continue
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        pins = [s for s in req.specifier if s.operator in ("==", "===")]
        if pins and pins[0].version == version:
            return canonicalize_name(req.name)
    return None


def _fill_release(name: str, rec: dict[str, Any], tasks: Sequence[_Task]) -> None:
    by_platform: dict[str, _Task] = {}
    main: _Task | None = None
    for task in tasks:
        if task.result is None:
            continue
        if task.file.filename == rec.get("metadata_file"):
            main = task
        by_platform[task.file.filename] = task
    if main is None or main.result is None:
        return
    meta = parse_metadata(main.result.get("metadata") or "")
    rec["requires"] = meta["requires"]
    rec["extras"] = [canonicalize_name(e) for e in meta["extras"]]
    if meta["requires_python"] and not rec.get("requires_python"):
        rec["requires_python"] = meta["requires_python"]
    # stubs: tiny wheels whose only job is to pull another package in
    stubs: dict[str, str] = {}
    for task in tasks:
        if task.result is None or task.file.size >= STUB_MAX_SIZE:
            continue
        requires = parse_metadata(task.result.get("metadata") or "")["requires"]
        _, _, _, tags = parse_wheel_filename(task.file.filename)
        for tag in tags:
            pys, _ = wheel_pythons(tag.interpreter, tag.abi, rec.get("requires_python"))
            for key in platform_keys(tag.platform):
                target = _stub_target(name, rec["version"], requires, key, pys[-1] if pys else "3.11")
                if target:
                    stubs[key] = target
    if stubs:
        rec["stubs"] = {p: stubs[p] for p in PLATFORMS if p in stubs}
    # CUDA / cuDNN: what the framework's build-info file and Requires-Dist say
    members: dict[str, str] = main.result.get("members") or {}
    rec.update(build_facts(name, members, rec["requires"], main.file.filename, str(rec.get("metadata_file"))))


def build_facts(
    package: str, members: Mapping[str, str], requires: Sequence[str], wheel: str, metadata_file: str
) -> dict[str, Any]:
    """cuda / cudnn / compute_capabilities / build_source of one release, read by the descriptor of
    the framework the package belongs to ({} for packages of no framework)."""
    framework = of_package(package)
    if framework is None:
        return {}
    return dict(framework.read_build_info(package, members, requires, wheel, metadata_file))


def dump(data: Mapping[str, Any]) -> bytes:
    """Compact JSON whose first bytes are the schema header `KnowledgeBase` checks."""
    ordered = {"schema": data["schema"], **{k: v for k, v in data.items() if k != "schema"}}
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


def write(data: Mapping[str, Any], path: Path) -> None:
    """Write atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(dump(data))
    os.replace(tmp, path)


def merge(base: Mapping[str, Any] | None, update: Mapping[str, Any]) -> dict[str, Any]:
    """`update`'s packages replace those of `base`; the rest of `base` is kept."""
    packages = dict((base or {}).get("packages", {}))
    packages.update(update.get("packages", {}))
    return {**update, "packages": {k: packages[k] for k in sorted(packages)}}


def http_cache_dir() -> Path:
    return cache_dir() / "http"


def main(argv: Sequence[str] | None = None) -> int:
    """`python scripts/build_kb.py [--out FILE] [--package NAME ...]`"""
    import argparse

    from envdoctor.knowledge import DATA_DIR, RELEASES_FILE, read_releases_file

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
