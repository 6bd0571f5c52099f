"""The package index as the generator reads it: a PEP 691 page's files, grouped by release, and one wheel's
METADATA and build-info members read by HTTP range requests (or its PEP 658 `.metadata` file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from envdoctor.frameworks import of_distribution
from envdoctor.knowledge.fetch import FetchError, HttpClient, RemoteZip

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


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


@dataclass
class IndexFile:
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
class WheelTask:
    package: str
    version: str
    file: IndexFile
    members: tuple[str, ...]  # suffixes of the members wanted besides METADATA
    result: dict[str, Any] | None = None


def index_files(data: Mapping[str, Any]) -> list[IndexFile]:
    files: list[IndexFile] = []
    for f in data.get("files", []):
        yanked = f.get("yanked", False)
        meta = f.get("core-metadata", f.get("dist-info-metadata"))
        files.append(
            IndexFile(
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


def group_releases(
    package: str, files: Sequence[IndexFile], oldest: str, only: str | None = None
) -> dict[Version, tuple[list[tuple[IndexFile, Any]], list[IndexFile]]]:
    """version -> (wheels with their parsed tags, sdists) for the final releases covered
    (and in the specifier `only`, when given)."""
    floor = Version(oldest)
    spec = SpecifierSet(only) if only else None
    grouped: dict[Version, tuple[list[tuple[IndexFile, Any]], list[IndexFile]]] = {}
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


def wanted_members(package: str) -> tuple[str, ...]:
    """The wheel members with the package's build facts (its framework's build-info file)."""
    framework = of_distribution(package)
    return framework.build_members if framework is not None else ()


def files_digest(files: Iterable[IndexFile]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda x: x.filename):
        h.update(f"{f.filename}:{f.sha256}:{f.yanked}\n".encode())
    return h.hexdigest()[:16]


def read_wheel(client: HttpClient, task: WheelTask) -> dict[str, Any]:
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
