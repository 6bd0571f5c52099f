"""What an environment's own records say is installed, file by file, and checks against them.

- RECORD (`name-version.dist-info/RECORD`): each file of a distribution with its hash and size;
- conda-meta/*.json: each file of a conda package (`paths_data`: sha256, size; else `files`);
- the files and folders under site-packages and bin that no record owns.

Paths are kept relative to the prefix, with "/" separators (`lib/python3.11/site-packages/x.py`,
`bin/tool`). Requirement lines for uv are built here from parsed, validated values only: a name
that is a PEP 508 name, a PEP 440 version, a direct URL without whitespace or control characters.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from envdoctor.names import canonicalize_name

#: files an installer writes into a dist-info on its own: they differ between pip and uv, or
#: between a first install and a reinstall, so they are not compared
INSTALLER_FILES = frozenset({"INSTALLER", "REQUESTED", "RECORD", "direct_url.json", "uv_cache.json", "uv_build.json"})
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_URL_SCHEMES = ("file", "http", "https")
_VCS = ("git", "hg", "svn", "bzr")
_MD5 = re.compile(r"^[0-9a-f]{32}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class InvalidValue(ValueError):
    """A value from the environment (or a restore point) that cannot go into a command."""


# ---- validated values ----------------------------------------------------------------------------


def valid_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidValue(f"not a distribution name: {name!r}")
    return name


def valid_version(version: object) -> str:
    # lazy: keeps packaging.version out of `fix --help` and `restore --list` (13 ms, 2 modules: packaging)
    from packaging.version import InvalidVersion, Version

    if not isinstance(version, str) or _UNSAFE.search(version):
        raise InvalidValue(f"not a version: {version!r}")
    try:
        return str(Version(version))
    except InvalidVersion:
        raise InvalidValue(f"not a PEP 440 version: {version!r}") from None


def valid_url(url: object, *, what: str = "URL") -> str:
    """A URL with an allowed scheme and no whitespace or control character anywhere."""
    if not isinstance(url, str) or not url or _UNSAFE.search(url):
        raise InvalidValue(f"not a usable {what}: {url!r}")
    scheme = urlsplit(url).scheme.lower()
    base = scheme.split("+", 1)[1] if scheme.split("+", 1)[0] in _VCS and "+" in scheme else scheme
    if base not in _URL_SCHEMES:
        raise InvalidValue(f"{what} with a scheme envdoctor does not use ({scheme or 'none'}): {url!r}")
    return url


def valid_text(value: object, *, what: str) -> str:
    if not isinstance(value, str) or _UNSAFE.search(value) or not value:
        raise InvalidValue(f"not a usable {what}: {value!r}")
    return value


@dataclass(frozen=True)
class DirectUrl:
    """The parts of PEP 610's direct_url.json that a requirement is built from, validated."""

    url: str
    vcs: str | None = None
    commit: str | None = None
    subdirectory: str | None = None
    editable: bool = False

    def requirement_url(self) -> str:
        url = self.url
        if self.vcs:
            url = f"{self.vcs}+{url}" if not url.startswith(f"{self.vcs}+") else url
            if self.commit:
                url += f"@{self.commit}"
        if self.subdirectory:
            url += f"#subdirectory={self.subdirectory}"
        return url

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "vcs": self.vcs,
            "commit": self.commit,
            "subdirectory": self.subdirectory,
            "editable": self.editable,
        }

    @classmethod
    def parse(cls, data: object) -> DirectUrl:
        """From direct_url.json's content (or a restore point's copy); InvalidValue when unusable."""
        if not isinstance(data, Mapping):
            raise InvalidValue("direct_url.json is not an object")
        url = valid_url(data.get("url"), what="direct URL")
        vcs_info = data.get("vcs_info")
        vcs = commit = None
        if isinstance(vcs_info, Mapping):
            vcs, commit = vcs_info.get("vcs"), vcs_info.get("commit_id")
        elif "vcs" in data:  # a restore point's own copy
            vcs, commit = data.get("vcs"), data.get("commit")
        if vcs is not None and vcs not in _VCS:
            raise InvalidValue(f"unknown VCS {vcs!r} in direct_url.json")
        if commit is not None and not re.match(r"^[A-Za-z0-9._/-]{1,200}$", str(commit)):
            raise InvalidValue(f"not a commit id: {commit!r}")
        subdirectory = data.get("subdirectory")
        if subdirectory is not None:
            subdirectory = valid_text(subdirectory, what="subdirectory")
            if "#" in subdirectory or "&" in subdirectory:
                raise InvalidValue(f"not a subdirectory: {subdirectory!r}")
        dir_info = data.get("dir_info")
        editable = bool(dir_info.get("editable")) if isinstance(dir_info, Mapping) else bool(data.get("editable"))
        return cls(url, vcs, str(commit) if commit else None, subdirectory, editable)


def requirement_args(name: str, version: str, direct: DirectUrl | None) -> list[str]:
    """The argv items that install exactly this distribution: `name==version`, `name @ URL`, or
    `-e URL`; each part validated, and the whole re-parsed as a PEP 508 requirement."""
    # lazy: keeps packaging.requirements out of `fix --help` and `restore --list` (62 ms, 20 modules: packaging)
    from packaging.requirements import InvalidRequirement, Requirement

    name = valid_name(name)
    line = f"{name}=={valid_version(version)}" if direct is None else f"{name} @ {direct.requirement_url()}"
    try:
        parsed = Requirement(line)
    except InvalidRequirement as exc:
        raise InvalidValue(f"not a requirement: {line!r} ({exc})") from None
    if canonicalize_name(parsed.name) != canonicalize_name(name) or parsed.marker is not None or parsed.extras:
        raise InvalidValue(f"not a plain requirement: {line!r}")
    if direct is not None and direct.editable:
        return ["-e", direct.requirement_url()]
    return [line]


def requirement_line(args: list[str]) -> str:
    """requirements.txt's line for `requirement_args`."""
    return " ".join(args)


# ---- hashing -------------------------------------------------------------------------------------

_HASHES: dict[tuple[str, int, int, int, str], str] = {}


def file_hash(path: str, algorithm: str = "sha256") -> str | None:
    """The file's digest as raw hex (None when it cannot be read); memoised on (inode, size, mtime)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    key = (path, info.st_ino, info.st_size, info.st_mtime_ns, algorithm)
    known = _HASHES.get(key)
    if known is not None:
        return known
    try:
        digest = hashlib.new(algorithm)
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, ValueError):
        return None
    _HASHES[key] = value = digest.hexdigest()
    return value


def record_hash_to_hex(value: str) -> tuple[str, str] | None:
    """RECORD's `sha256=<urlsafe base64>` as (algorithm, hex); None when absent or unusable."""
    algorithm, _, encoded = value.partition("=")
    if not encoded or algorithm not in hashlib.algorithms_guaranteed:
        return None
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (ValueError, TypeError):
        return None
    return algorithm, raw.hex()


# ---- RECORD --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileEntry:
    """One file a record lists: prefix-relative path, "algo:hex" (None: not compared), size."""

    path: str
    digest: str | None = None
    size: int | None = None

    def to_list(self) -> list[Any]:
        return [self.path, self.digest, self.size]

    @classmethod
    def from_list(cls, item: object) -> FileEntry:
        if not isinstance(item, list) or len(item) != 3 or not isinstance(item[0], str):
            raise InvalidValue(f"not a file entry: {item!r}")
        path, digest, size = item
        if digest is not None and not (isinstance(digest, str) and re.match(r"^[a-z0-9_]+:[0-9a-f]+$", digest)):
            raise InvalidValue(f"not a digest: {digest!r}")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            raise InvalidValue(f"not a size: {size!r}")
        if not path or os.path.isabs(path) or ".." in path.split("/") or re.search(r"[\x00-\x1f\x7f]", path):
            raise InvalidValue(f"not a relative path: {path!r}")
        return cls(path, digest, size)


def relative(prefix: str, path: str) -> str | None:
    """`path` relative to `prefix` with "/" separators (lexically); None when outside."""
    rel = os.path.relpath(os.path.normpath(path), os.path.normpath(prefix))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")


def read_record_rows(meta_path: str) -> list[list[str]]:
    """RECORD's rows as written (empty when missing or unreadable)."""
    try:
        with open(os.path.join(meta_path, "RECORD"), encoding="utf-8", errors="replace", newline="") as handle:
            text = handle.read(64 << 20)
    except OSError:
        return []
    return [row for row in csv.reader(io.StringIO(text)) if row and row[0]]


def record_files(meta_path: str, location: str, prefix: str) -> list[FileEntry]:
    """The files a dist-info's RECORD lists, relative to the prefix (entries outside it left out:
    `containment.record_escapes` reports those). Hashes are kept only where they are meaningful:
    files of the wheel under site-packages, not installer-written metadata, not bytecode."""
    info_name = os.path.basename(meta_path)
    out: list[FileEntry] = []
    seen: set[str] = set()
    for row in read_record_rows(meta_path):
        entry = row[0]
        rel = relative(prefix, os.path.join(location, entry))
        if rel is None or rel in seen:
            continue
        seen.add(rel)
        digest = None
        parts = entry.split("/")
        compared = (
            len(row) > 1
            and ".." not in parts
            and not os.path.isabs(entry)
            and "__pycache__" not in parts
            and not (parts[0] == info_name and parts[-1] in INSTALLER_FILES)
        )
        if compared:
            decoded = record_hash_to_hex(row[1])
            if decoded:
                digest = f"{decoded[0]}:{decoded[1]}"
        size = int(row[2]) if len(row) > 2 and row[2].isdigit() else None
        out.append(FileEntry(rel, digest, size))
    return out


# ---- conda-meta ----------------------------------------------------------------------------------


@dataclass
class CondaRecord:
    file: str  # the record's file name in conda-meta
    name: str
    version: str
    build: str
    url: str | None
    md5: str | None
    files: list[FileEntry] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)  # every path the record names, as written

    @property
    def key(self) -> str:
        return f"{self.name} {self.version} {self.build}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "name": self.name,
            "version": self.version,
            "build": self.build,
            "url": self.url,
            "md5": self.md5,
            "files": [f.to_list() for f in self.files],
        }

    @classmethod
    def from_dict(cls, data: object) -> CondaRecord:
        if not isinstance(data, Mapping):
            raise InvalidValue("not a conda record")
        url = data.get("url")
        md5 = data.get("md5")
        return cls(
            file=valid_text(data.get("file"), what="conda record file name"),
            name=valid_text(data.get("name"), what="conda package name"),
            version=valid_text(data.get("version"), what="conda version"),
            build=valid_text(data.get("build"), what="conda build"),
            url=valid_url(url, what="conda package URL") if url is not None else None,
            md5=md5 if isinstance(md5, str) and _MD5.match(md5) else None,
            files=[FileEntry.from_list(f) for f in data.get("files") or []],
        )


def read_conda_records(prefix: str) -> tuple[list[CondaRecord], list[str]]:
    """(the prefix's conda records, problems: records that cannot be read)."""
    meta = os.path.join(prefix, "conda-meta")
    records: list[CondaRecord] = []
    problems: list[str] = []
    try:
        names = sorted(os.listdir(meta))
    except OSError:
        return records, problems
    for file_name in names:
        if not file_name.endswith(".json"):
            continue
        try:
            with open(os.path.join(meta, file_name), encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            problems.append(f"conda-meta/{file_name}: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            problems.append(f"conda-meta/{file_name}: not a package record")
            continue
        records.append(_conda_record(file_name, data))
    return records, problems


def _conda_record(file_name: str, data: Mapping[str, Any]) -> CondaRecord:
    listed: list[str] = []
    by_path: dict[str, FileEntry] = {}
    paths = (data.get("paths_data") or {}).get("paths") if isinstance(data.get("paths_data"), dict) else None
    for item in paths if isinstance(paths, list) else []:
        if not isinstance(item, dict):
            continue
        path = item.get("_path") or item.get("relative_path")
        if not isinstance(path, str):
            continue
        listed.append(path)
        digest = None
        if item.get("path_type", "hardlink") in ("hardlink", "copy") and "__pycache__" not in path.split("/"):
            if isinstance(item.get("sha256_in_prefix"), str):
                digest = item["sha256_in_prefix"]
            elif not item.get("prefix_placeholder") and isinstance(item.get("sha256"), str):
                digest = item["sha256"]
        size = item.get("size_in_bytes")
        by_path[path] = FileEntry(
            path,
            f"sha256:{digest.lower()}" if digest and _SHA256.match(digest.lower()) else None,
            size if isinstance(size, int) and not isinstance(size, bool) and digest else None,
        )
    for path in data.get("files") or []:
        if isinstance(path, str):
            listed.append(path)
            by_path.setdefault(path, FileEntry(path))
    url = data.get("url")
    if not url and data.get("channel") and data.get("fn"):
        url = f"{str(data['channel']).rstrip('/')}/{data['fn']}"
    files = [entry for path, entry in by_path.items() if relative("/p", os.path.join("/p", path)) == path]
    listed = list(dict.fromkeys(listed))
    return CondaRecord(
        file=file_name,
        name=str(data.get("name")),
        version=str(data.get("version", "")),
        build=str(data.get("build", "")),
        url=str(url) if url else None,
        md5=str(data["md5"]) if isinstance(data.get("md5"), str) else None,
        files=sorted(files, key=lambda f: f.path),
        listed=listed,
    )


# ---- comparing files -----------------------------------------------------------------------------


def differing(prefix: str, files: Iterable[FileEntry]) -> Iterator[str]:
    """The entries' paths that are missing, or whose size or digest differs now."""
    for entry in files:
        path = os.path.join(prefix, entry.path)
        if not os.path.lexists(path):
            yield entry.path
            continue
        if entry.digest is None:
            continue
        if entry.size is not None:
            try:
                if os.stat(path).st_size != entry.size:
                    yield entry.path
                    continue
            except OSError:
                yield entry.path
                continue
        algorithm, _, expected = entry.digest.partition(":")
        if file_hash(path, algorithm) != expected:
            yield entry.path


def walk_tree(root: str, prefix: str) -> tuple[list[str], list[str]]:
    """(folders, files) under `root`, relative to the prefix; `__pycache__` folders are left out
    (bytecode is made on import, never a difference). A symlink, even to a folder, is a file:
    never followed."""
    folders: list[str] = []
    files: list[str] = []
    if relative(prefix, root) is None or not os.path.isdir(root) or os.path.islink(root):
        return folders, files
    for here, dirs, names in os.walk(root):
        rel_here = relative(prefix, here)
        keep = []
        for d in dirs:
            if os.path.islink(os.path.join(here, d)):
                files.append(f"{rel_here}/{d}")
            elif d != "__pycache__":
                keep.append(d)
                folders.append(f"{rel_here}/{d}")
        dirs[:] = keep
        files += [f"{rel_here}/{n}" for n in names]
    return sorted(folders), sorted(files)


def tree_roots(prefix: str, site_packages: Iterable[str]) -> list[str]:
    """The folders whose contents a restore point keeps track of: site-packages, bin / Scripts."""
    roots: list[str] = []
    for path in [*site_packages, os.path.join(prefix, "bin"), os.path.join(prefix, "Scripts")]:
        inside = relative(prefix, path) is not None and os.path.isdir(path)
        if inside and not any(relative(r, path) is not None for r in roots):
            roots.append(path)
    return roots
