"""Tiny real packages for hermetic resolver tests: wheels for uv, a conda channel for rattler."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import tarfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def make_wheel(
    folder: Path,
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    requires_python: str | None = None,
    extras: Sequence[str] = (),
) -> Path:
    """Write a py3-none-any wheel with METADATA / WHEEL / RECORD and one module."""
    folder.mkdir(parents=True, exist_ok=True)
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        meta.append(f"Requires-Python: {requires_python}")
    meta += [f"Provides-Extra: {e}" for e in extras]
    meta += [f"Requires-Dist: {r}" for r in requires]
    files = {
        f"{dist}/__init__.py": b"",
        f"{info}/METADATA": ("\n".join(meta) + "\n").encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    target = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return target


def make_conda_package(
    channel: Path,
    name: str,
    version: str,
    *,
    build: str = "0",
    depends: Sequence[str] = (),
    subdir: str = "linux-64",
    constrains: Sequence[str] = (),
    files: Mapping[str, str | bytes] | None = None,
    symlinks: Mapping[str, str] | None = None,
    noarch: str | None = None,
) -> Path:
    """Write a minimal .tar.bz2 conda package (info/index.json + info/paths.json).

    `files` ({path in the prefix: content}) and `symlinks` ({path: link target}) are its payload;
    `noarch="python"` makes a noarch: python package (paths under `site-packages/`, relocated by
    the installer into lib/pythonX.Y/site-packages of the environment's python)."""
    folder = channel / subdir
    folder.mkdir(parents=True, exist_ok=True)
    (channel / "noarch").mkdir(exist_ok=True)
    index = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": 0,
        "depends": list(depends),
        "constrains": list(constrains),
        "subdir": subdir,
        "license": "MIT",
        "timestamp": 1700000000000,
    }
    if subdir == "noarch":
        index["noarch"] = noarch or "generic"
    payloads = {path: data.encode() if isinstance(data, str) else data for path, data in (files or {}).items()}
    paths: list[dict[str, object]] = [
        {
            "_path": path,
            "path_type": "hardlink",
            "sha256": hashlib.sha256(data).hexdigest(),
            "size_in_bytes": len(data),
        }
        for path, data in sorted(payloads.items())
    ]
    paths += [{"_path": path, "path_type": "softlink"} for path in sorted(symlinks or {})]
    listing = "".join(f"{p['_path']}\n" for p in paths).encode()
    target = folder / f"{name}-{version}-{build}.tar.bz2"
    with tarfile.open(target, "w:bz2") as tar:
        for member, payload in (
            ("info/index.json", json.dumps(index).encode()),
            ("info/paths.json", json.dumps({"paths": paths, "paths_version": 1}).encode()),
            ("info/files", listing),
            *payloads.items(),
        ):
            entry = tarfile.TarInfo(member)
            entry.size = len(payload)
            entry.mode = 0o755 if member.startswith("bin/") else 0o644
            tar.addfile(entry, io.BytesIO(payload))
        for member, link in sorted((symlinks or {}).items()):
            entry = tarfile.TarInfo(member)
            entry.type = tarfile.SYMTYPE
            entry.linkname = link
            tar.addfile(entry)
    return target


def index_channel(channel: Path) -> None:
    """Write repodata.json for every subdir with rattler's indexer."""
    from rattler.index import index_fs

    (channel / "noarch").mkdir(parents=True, exist_ok=True)
    asyncio.run(index_fs(channel, write_zst=False, write_shards=False))
