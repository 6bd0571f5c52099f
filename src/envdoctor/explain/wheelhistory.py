"""Which Pythons and platforms each release of the packages people fail to install has wheels for,
from the wheel file names on the package index: what explain reads beside the knowledge base.

The knowledge base covers the frameworks' current releases (and reads their metadata); logs come
from years back and name many more packages (torchvision, onnxruntime, mediapipe, tensorflow-text,
triton ...). A wheel's file name is enough to say which (Python, platform) it serves, so this table
keeps only that, per release: `{platform: [pythons]}`, the upload day, whether an sdist exists
(then pip would build instead of saying "no matching distribution"), and, for Linux, the glibc its
manylinux tags need where that is newer than manylinux2014's 2.17 (`manylinux_2_28`: CentOS 7 and
Ubuntu 18.04 take none of it). `build()` regenerates it from
the index (`python -m envdoctor.explain.wheelhistory --write`); `CURATED` adds what the index no
longer holds (releases deleted from it), each with its source.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from envdoctor.explain.wheeltag import manylinux_glibc

DATA = Path(__file__).resolve().parent / "data" / "wheel_history.json"
SCHEMA = 2  # 2: a fifth field per release, the glibc its manylinux wheels need above 2.17

#: Packages whose wheel history is kept: no sdist (or none that builds), so a missing wheel shows as
#: pip's "no matching distribution" / uv's "no wheel for the current platform".
PACKAGES: tuple[str, ...] = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-gpu",
    "tensorflow-intel",
    "tensorflow-macos",
    "tensorflow-text",
    "tensorflow-io",
    "tensorflow-io-gcs-filesystem",
    "tensorflow-addons",
    "tensorflow-decision-forests",
    "tflite-runtime",
    "torch",
    "torchvision",
    "torchaudio",
    "jaxlib",
    "onnxruntime",
    "onnxruntime-gpu",
    "mediapipe",
    "triton",
    "paddlepaddle",
    "mxnet",
    "open3d",
    "ray",
    "bitsandbytes",
    "decord",
    # round 4: more wheel-only packages people fail to install (GPU / accelerator builds, Apple's MLX)
    "cupy-cuda12x",
    "cupy-cuda11x",
    "jax-cuda12-plugin",
    "tensorflow-metal",
    "intel-extension-for-pytorch",
    "onnxruntime-directml",
    "paddlepaddle-gpu",
    "mlx",
    "dgl",
    # round 25: CTranslate2 (faster-whisper's engine), ROCm TensorFlow, and wheel-only packages read logs name
    "ctranslate2",
    "tensorflow-rocm",
    "qsimcirq",
    "pyvirtualcam",
    "faiss-cpu",
    "llvmlite",
    "tflite-support",
)

#: Tools whose release days date a log (pip's `[notice] A new release of pip is available: 23.3.1 -> 24.0`).
TOOLS: tuple[str, ...] = ("pip", "uv")

#: Platform keys: the knowledge base's five, then the ones no framework builds for (kept so that a
#: release's absence there is a fact, not a gap).
MAIN_PLATFORMS: tuple[str, ...] = ("linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64", "windows-x86_64")
OTHER_PLATFORMS: tuple[str, ...] = (
    "windows-x86",
    "windows-arm64",
    "linux-i686",
    "linux-armv7l",
    "linux-ppc64le",
    "linux-s390x",
    "musllinux-x86_64",
    "musllinux-aarch64",
)
PLATFORM_KEYS = MAIN_PLATFORMS + OTHER_PLATFORMS

#: The first final release of each CPython minor (python.org).
PYTHON_RELEASED: dict[str, str] = {
    "2.7": "2010-07-03",
    "3.5": "2015-09-13",
    "3.6": "2016-12-23",
    "3.7": "2018-06-27",
    "3.8": "2019-10-14",
    "3.9": "2020-10-05",
    "3.10": "2021-10-04",
    "3.11": "2022-10-24",
    "3.12": "2023-10-02",
    "3.13": "2024-10-07",
    "3.14": "2025-10-07",
    "3.15": "2026-10-01",
}
#: CPython minors a version-agnostic wheel (abi3, py3) serves, oldest to newest.
PYTHONS: tuple[str, ...] = ("2.7", *(f"3.{m}" for m in range(5, 16)))

#: Releases the index no longer holds, from their projects' release notes: (package, first
#: version, platform, note, source). Read as "no release before `first` had wheels for `platform`".
CURATED: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "jaxlib",
        "0.4.13",
        "windows-x86_64",
        "jaxlib 0.4.13 added Windows CPU-only wheels to PyPI; no earlier jaxlib had a native Windows wheel",
        "https://github.com/jax-ml/jax/releases/tag/jaxlib-v0.4.13 (Changes: 'Added Windows CPU-only wheels to the "
        "jaxlib Pypi release.')",
    ),
)


#: Upload days the index gives wrongly (files re-uploaded long after the release), from release notes.
CURATED_DAYS: dict[tuple[str, str], tuple[str, str]] = {
    ("jaxlib", "0.4.13"): (
        "2023-06-22",
        "https://github.com/jax-ml/jax/releases/tag/jaxlib-v0.4.13 (released 23 Jun 2023)",
    ),
}
#: Packages whose older releases the index no longer holds: (the oldest release it holds, why).
INCOMPLETE_BEFORE: dict[str, tuple[str, str]] = {
    "jaxlib": ("0.4.13", "jaxlib 0.1.x - 0.4.12 are no longer on PyPI (its project page lists 0.4.13 as the oldest)"),
}


@dataclass(frozen=True)
class WheelRelease:
    """One release: the Pythons each platform has a wheel for, its upload day, an sdist or not."""

    package: str
    version: str
    uploaded: str  # YYYY-MM-DD of its first file ("" when unknown)
    pythons_by_platform: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sdist: bool = False
    yanked: bool = False
    #: Linux platform -> Python -> the glibc its lowest manylinux wheel needs, only where above 2.17
    glibc_by_platform: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)

    def pythons(self, platform: str) -> list[str]:
        return list(self.pythons_by_platform.get(platform, ()))

    @property
    def platforms(self) -> list[str]:
        return [p for p in PLATFORM_KEYS if self.pythons_by_platform.get(p)]

    def fits(self, python: str | None, platform: str | None, glibc: tuple[int, int] | None = None) -> bool:
        """A wheel for this (Python, platform) a system with this glibc loads; None stands for "any"
        (a glibc of None: one new enough for every manylinux wheel)."""
        plats = [platform] if platform else list(self.pythons_by_platform)
        return any(
            (python is None or python in self.pythons_by_platform.get(p, ()))
            and (glibc is None or self.loads_on(python, p, glibc))
            for p in plats
            if p
        )

    def glibc_needed(self, python: str | None, platform: str) -> tuple[int, int] | None:
        """The glibc the lowest manylinux wheel for this Python (any, for None) on this platform
        needs, when newer than 2.17; None when 2.17 or older (or no wheel)."""
        levels = self.glibc_by_platform.get(platform) or {}
        if python is not None:
            return levels.get(python)
        pythons = self.pythons_by_platform.get(platform, ())
        if not pythons or any(py not in levels for py in pythons):
            return None
        return min(levels.values())

    def loads_on(self, python: str | None, platform: str, glibc: tuple[int, int]) -> bool:
        needed = self.glibc_needed(python, platform)
        return needed is None or needed <= glibc


# ---- reading wheel file names ------------------------------------------------------------------
_WHEEL = re.compile(r"^(?P<name>.+?)-(?P<ver>[^-]+)(?:-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")


def platform_keys(tag: str) -> list[str]:
    """The platform keys one wheel platform tag (`manylinux2014_x86_64`, `win_amd64`) serves."""
    out: list[str] = []
    for part in tag.lower().split("."):
        if part == "any":
            return list(PLATFORM_KEYS)
        if part == "win_amd64":
            out.append("windows-x86_64")
        elif part == "win32":
            out.append("windows-x86")
        elif part == "win_arm64":
            out.append("windows-arm64")
        elif part.startswith("macosx_"):
            arch = part.split("_", 3)[-1]
            if arch in ("arm64",):
                out.append("macos-arm64")
            elif arch in ("universal2",):
                out += ["macos-arm64", "macos-x86_64"]
            elif arch in ("x86_64", "intel", "universal", "fat", "fat3", "fat64"):
                out.append("macos-x86_64")
        elif part.startswith("musllinux_"):
            if part.endswith("_x86_64"):
                out.append("musllinux-x86_64")
            elif part.endswith("_aarch64"):
                out.append("musllinux-aarch64")
        elif part.startswith(("manylinux", "linux_")):
            for arch, key in (
                ("_x86_64", "linux-x86_64"),
                ("_aarch64", "linux-aarch64"),
                ("_i686", "linux-i686"),
                ("_armv7l", "linux-armv7l"),
                ("_ppc64le", "linux-ppc64le"),
                ("_s390x", "linux-s390x"),
            ):
                if part.endswith(arch):
                    out.append(key)
    return list(dict.fromkeys(out))


#: The glibc every Linux machine the tables weigh has (manylinux2014's): levels up to it are not kept.
BASE_GLIBC = (2, 17)


def glibc_levels(tag: str) -> dict[str, tuple[int, int]]:
    """Linux platform key -> the lowest glibc a (compressed) wheel platform tag's manylinux parts
    ask for (`manylinux_2_27_x86_64.manylinux_2_28_x86_64` -> 2.27 on linux-x86_64)."""
    out: dict[str, tuple[int, int]] = {}
    for part in tag.lower().split("."):
        level = manylinux_glibc(part)
        if level is None:
            continue
        for key in platform_keys(part):
            out[key] = min(out.get(key, level), level)
    return out


def python_minors(py_tag: str, abi_tag: str, requires_python: str | None) -> list[str]:
    """The CPython minors a wheel's Python / ABI tags (`cp310-cp310`, `cp37-abi3`, `py3-none`) serve."""
    allowed: SpecifierSet | None = None
    if requires_python:
        try:
            allowed = SpecifierSet(requires_python)
        except InvalidSpecifier:
            allowed = None

    def ok(minor: str) -> bool:
        return allowed is None or allowed.contains(f"{minor}.0", prereleases=True) or allowed.contains(minor)

    out: list[str] = []
    for tag in py_tag.lower().split("."):
        if tag.startswith("cp") and tag[2:].isdigit() and len(tag) >= 4:
            minor = f"{tag[2]}.{tag[3:]}"
            if abi_tag.lower() == "abi3":
                out += [m for m in PYTHONS if _tuple(m) >= _tuple(minor) and m[0] == minor[0] and ok(m)]
            else:
                out.append(minor)
        elif tag in ("py3", "py2.py3") or (tag.startswith("py3") and tag[3:].isdigit() and abi_tag == "none"):
            floor = f"3.{tag[3:]}" if tag[3:].isdigit() else "3.0"
            out += [m for m in PYTHONS if m.startswith("3.") and _tuple(m) >= _tuple(floor) and ok(m)]
        elif tag in ("py2",):
            out.append("2.7")
    return list(dict.fromkeys(out))


def _tuple(minor: str) -> tuple[int, ...]:
    return tuple(int(p) for p in minor.split(".") if p.isdigit())


def releases_from_files(package: str, files: Iterable[Mapping[str, object]]) -> list[WheelRelease]:
    """Releases from a PEP 691 project page's `files` (filename, upload-time, requires-python, yanked)."""
    # lazy: only the table's regeneration reads sdist names (packaging.utils: 24 modules, ~80 ms)
    from packaging.utils import InvalidSdistFilename, parse_sdist_filename

    by_version: dict[str, dict[str, object]] = {}
    for entry in files:
        filename = str(entry.get("filename", ""))
        uploaded = str(entry.get("upload-time") or "")[:10]
        yanked = bool(entry.get("yanked"))
        requires_python = entry.get("requires-python")
        match = _WHEEL.match(filename)
        if match:
            try:
                version = str(Version(match.group("ver")))
            except InvalidVersion:
                continue
            rel = by_version.setdefault(version, {"pythons": {}, "uploaded": uploaded, "sdist": False, "yanked": True})
            pythons = python_minors(
                match.group("py"), match.group("abi"), str(requires_python) if requires_python else None
            )
            table = rel["pythons"]
            assert isinstance(table, dict)
            for key in platform_keys(match.group("plat")):
                table.setdefault(key, set()).update(pythons)
            levels = rel.setdefault("glibc", {})
            assert isinstance(levels, dict)
            for key, level in glibc_levels(match.group("plat")).items():
                for py in pythons:
                    here = levels.setdefault(key, {})
                    here[py] = min(here.get(py, level), level)
        else:
            try:
                _name, parsed = parse_sdist_filename(filename)
            except InvalidSdistFilename:
                continue
            version = str(parsed)
            rel = by_version.setdefault(version, {"pythons": {}, "uploaded": uploaded, "sdist": False, "yanked": True})
            rel["sdist"] = True
        if uploaded and (not rel["uploaded"] or uploaded < str(rel["uploaded"])):
            rel["uploaded"] = uploaded
        if not yanked:
            rel["yanked"] = False
    out = []
    for version in sorted(by_version, key=Version):
        rel = by_version[version]
        table = rel["pythons"]
        levels = rel.get("glibc") or {}
        assert isinstance(table, dict) and isinstance(levels, dict)
        out.append(
            WheelRelease(
                package,
                version,
                str(rel["uploaded"]),
                {k: tuple(sorted(v, key=_tuple)) for k, v in table.items() if v},
                bool(rel["sdist"]),
                bool(rel["yanked"]),
                {k: above for k, v in levels.items() if (above := {py: g for py, g in v.items() if g > BASE_GLIBC})},
            )
        )
    return out


# ---- the table on disk ---------------------------------------------------------------------------
def _encode_levels(levels: Mapping[str, tuple[int, int]], pythons: Sequence[str]) -> str:
    """`2.28` when every Python of the platform needs that level, else `3.12=2.28,3.13=2.28`."""
    distinct = {f"{major}.{minor}" for major, minor in levels.values()}
    if len(distinct) == 1 and set(levels) == set(pythons):
        return distinct.pop()
    ordered = sorted(levels.items(), key=lambda kv: _tuple(kv[0]))
    return ",".join(f"{py}={major}.{minor}" for py, (major, minor) in ordered)


def _decode_levels(text: str, pythons: Sequence[str]) -> dict[str, tuple[int, int]]:
    def level(value: str) -> tuple[int, int]:
        major, _, minor = value.partition(".")
        return int(major), int(minor)

    if "=" not in text:
        return {py: level(text) for py in pythons}
    return {py: level(g) for py, _, g in (part.partition("=") for part in text.split(","))}


def _encode(rel: WheelRelease) -> list[object]:
    row: list[object] = [
        rel.version,
        rel.uploaded,
        {k: ",".join(v) for k, v in rel.pythons_by_platform.items()},
        int(rel.sdist),
    ]
    levels = {k: _encode_levels(v, rel.pythons(k)) for k, v in rel.glibc_by_platform.items() if v}
    if levels:
        row.append(levels)
    return row


def to_json(
    releases: Mapping[str, Sequence[WheelRelease]], generated: str, tools: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    body = {
        "schema": SCHEMA,
        "generated": generated,
        "source": "wheel file names on https://pypi.org/simple/ (PEP 691 JSON), final releases only",
        "packages": {name: [_encode(r) for r in rels if not r.yanked] for name, rels in sorted(releases.items())},
        "tools": {name: dict(days) for name, days in sorted((tools or {}).items())},
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=False) + "\n"


@functools.cache
def _raw(path: Path = DATA) -> dict[str, object]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) and raw.get("schema") == SCHEMA else {}


@functools.cache
def _load(path: Path = DATA) -> dict[str, tuple[WheelRelease, ...]]:
    out: dict[str, tuple[WheelRelease, ...]] = {}
    rows_by_name = _raw(path).get("packages") or {}
    assert isinstance(rows_by_name, dict)
    for name, rows in rows_by_name.items():
        rels = []
        for row in rows:
            version, uploaded, table, sdist = row[:4]
            uploaded = CURATED_DAYS.get((name, version), (uploaded, ""))[0]
            pythons = {k: tuple(v.split(",")) for k, v in table.items() if v}
            encoded = row[4] if len(row) > 4 else {}
            levels = {k: _decode_levels(v, pythons.get(k, ())) for k, v in encoded.items()}
            rels.append(WheelRelease(name, version, uploaded, pythons, bool(sdist), False, levels))
        out[name] = tuple(rels)
    return out


def packages() -> list[str]:
    return list(_load())


def releases(package: str) -> tuple[WheelRelease, ...]:
    """Every final release of `package` the table holds, oldest first (() when it holds none)."""
    return _load().get(package, ())


def tool_day(tool: str, version: str) -> str | None:
    """The day a tool release (pip 24.0, uv 0.5.31) was uploaded, when the table knows it."""
    tools = _raw().get("tools") or {}
    assert isinstance(tools, dict)
    days = tools.get(tool) or {}
    return days.get(version) if isinstance(days, dict) else None


def tool_next_day(tool: str, version: str) -> str | None:
    """The upload day of the first release after `version` (a log naming it as the newest pip is older)."""
    tools = _raw().get("tools") or {}
    assert isinstance(tools, dict)
    days = tools.get(tool) or {}
    if not isinstance(days, dict):
        return None
    try:
        wanted = Version(version)
        later = [(Version(v), d) for v, d in days.items() if Version(v) > wanted and not Version(v).is_prerelease]
    except InvalidVersion:
        return None
    return min(later)[1] if later else None


def release(package: str, version: str) -> WheelRelease | None:
    try:
        wanted = Version(version)
    except InvalidVersion:
        return None
    return next((r for r in releases(package) if Version(r.version) == wanted), None)


def first_on(package: str, platform: str) -> tuple[str, str, str] | None:
    """(first version, note, source) when a curated fact says no release before it had wheels for
    `platform` (releases the index no longer holds)."""
    for name, first, plat, note, source in CURATED:
        if name == package and plat == platform:
            return first, note, source
    return None


# ---- building the table from the index ---------------------------------------------------------
def _page(client: object, name: str) -> dict[str, object]:  # pragma: no cover - network
    response = client.get(f"https://pypi.org/simple/{name}/")  # type: ignore[attr-defined]
    if response.status != 200:
        raise SystemExit(f"{name}: the index answered {response.status}")
    page = json.loads(response.body)
    return page if isinstance(page, dict) else {}


def build(
    names: Sequence[str] = PACKAGES, tools: Sequence[str] = TOOLS
) -> tuple[dict[str, list[WheelRelease]], dict[str, dict[str, str]]]:  # pragma: no cover - network
    # lazy: only `--write` reaches the index; keeps the HTTP client (55 modules, ~100 ms) out of explain
    from envdoctor.knowledge.fetch import HttpClient

    client = HttpClient(headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    out: dict[str, list[WheelRelease]] = {}
    for name in names:
        files = _page(client, name).get("files") or []
        assert isinstance(files, list)
        out[name] = releases_from_files(name, files)
    days: dict[str, dict[str, str]] = {}
    for tool in tools:
        files = _page(client, tool).get("files") or []
        assert isinstance(files, list)
        days[tool] = {r.version: r.uploaded for r in _final_only(releases_from_files(tool, files)) if r.uploaded}
    return out, days


def _final_only(rels: list[WheelRelease]) -> list[WheelRelease]:
    return [r for r in rels if not Version(r.version).is_prerelease and not Version(r.version).is_devrelease]


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - network
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {DATA}")
    args = parser.parse_args(argv)
    built, tools = build()
    table = {name: _final_only(rels) for name, rels in built.items()}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = to_json(table, now, tools)
    if args.write:
        DATA.parent.mkdir(parents=True, exist_ok=True)
        DATA.write_text(text, encoding="utf-8")
    print(f"{sum(len(r) for r in table.values())} releases of {len(table)} packages, {len(text)} bytes")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
