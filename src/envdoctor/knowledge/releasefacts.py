"""One release's facts from its files and the wheels read: Pythons per platform, requirements, the redirecting
stubs (Windows `tensorflow` -> `tensorflow-intel`), and the CUDA build facts the framework's descriptor reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    canonicalize_name,
    parse_wheel_filename,
)

from envdoctor.frameworks import of_package
from envdoctor.knowledge import PLATFORMS
from envdoctor.knowledge.indexfiles import (
    IndexFile,
    WheelTask,
    parse_metadata,
)
from envdoctor.knowledge.wheeltags import (
    KNOWN_PYTHONS,
    minor_key,
    platform_keys,
    wheel_pythons,
)
from envdoctor.markers import for_platform as marker_environment

STUB_MAX_SIZE = 1_000_000  # a wheel this small in a compiled package is checked for a redirect


def wheel_facts(
    wheels: Sequence[tuple[IndexFile, Any]], requires_python: str | None, known: Sequence[str] = KNOWN_PYTHONS
) -> tuple[dict[str, list[str]], bool, dict[str, tuple[tuple[int, ...], IndexFile]]]:
    """(platform -> Python minors, pure?, platform -> (rank, its newest-Python wheel))."""
    pythons: dict[str, set[str]] = {}
    best: dict[str, tuple[tuple[int, ...], IndexFile]] = {}
    pure = bool(wheels)
    for f, tags in wheels:
        for tag in tags:
            pys, _agnostic = wheel_pythons(tag.interpreter, tag.abi, f.requires_python or requires_python, known)
            keys = platform_keys(tag.platform)
            if tag.platform != "any":
                pure = False
            for key in keys:
                pythons.setdefault(key, set()).update(pys)
                rank = max((minor_key(p) for p in pys), default=(0,))
                if pys and (key not in best or rank > best[key][0]):
                    best[key] = (rank, f)
    by_platform = {p: sorted(pythons[p], key=minor_key) for p in PLATFORMS if pythons.get(p)}
    return by_platform, pure, best


def plan_release(
    name: str,
    version: str,
    wheels: list[tuple[IndexFile, Any]],
    sdists: list[IndexFile],
    digest: str,
    known: Sequence[str] = KNOWN_PYTHONS,
) -> dict[str, Any]:
    first = min(wheels + [(s, None) for s in sdists], key=lambda x: x[0].upload_time or "")[0]
    requires_python = next((f.requires_python for f, _ in wheels if f.requires_python), None)
    if requires_python is None and sdists:
        requires_python = sdists[0].requires_python
    by_platform, pure, best = wheel_facts(wheels, requires_python, known)
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
    main: IndexFile = best[main_platform][1] if main_platform else wheels[0][0]
    rec["metadata_file"] = main.filename
    reads: list[tuple[IndexFile, str]] = [(main, "main")]
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


def fill_release(name: str, rec: dict[str, Any], tasks: Sequence[WheelTask]) -> None:
    by_platform: dict[str, WheelTask] = {}
    main: WheelTask | None = None
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
