"""Build fake but real-on-disk environments in tmp_path: site-packages with dist-info folders,
conda prefixes with conda-meta records, and snapshots for pure rule tests."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from envdoctor.model import (
    Conda,
    CondaRecord,
    Distribution,
    Interpreter,
    Machine,
    Snapshot,
)


def make_dist(
    site: Path,
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    requires_python: str | None = None,
    installer: str | None = "pip",
    wheel_tags: Sequence[str] = ("py3-none-any",),
    top_level: Sequence[str] | None = None,
    files: dict[str, bytes] | None = None,
    egg_info: bool = False,
    metadata_text: str | None = None,
) -> Path:
    """Write <name>-<version>.dist-info (or .egg-info) into `site`, plus any `files` it owns."""
    site.mkdir(parents=True, exist_ok=True)
    folder_name = name.replace("-", "_")
    meta_dir = site / f"{folder_name}-{version}.{'egg-info' if egg_info else 'dist-info'}"
    meta_dir.mkdir(parents=True, exist_ok=True)
    if metadata_text is None:
        lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        if requires_python:
            lines.append(f"Requires-Python: {requires_python}")
        lines += [f"Requires-Dist: {r}" for r in requires]
        metadata_text = "\n".join(lines) + "\n\nlong description\n"
    (meta_dir / ("PKG-INFO" if egg_info else "METADATA")).write_text(metadata_text, encoding="utf-8")
    if not egg_info:
        if installer is not None:
            (meta_dir / "INSTALLER").write_text(installer + "\n", encoding="utf-8")
        wheel = ["Wheel-Version: 1.0", "Generator: test", "Root-Is-Purelib: true"]
        wheel += [f"Tag: {t}" for t in wheel_tags]
        (meta_dir / "WHEEL").write_text("\n".join(wheel) + "\n", encoding="utf-8")
    modules = list(top_level) if top_level is not None else [folder_name]
    if modules:
        (meta_dir / "top_level.txt").write_text("\n".join(modules) + "\n", encoding="utf-8")
    record: list[str] = []
    for module in modules:
        pkg = site / module
        pkg.mkdir(exist_ok=True)
        (pkg / "__init__.py").write_text("", encoding="utf-8")
        record.append(f"{module}/__init__.py,,")
    for rel, content in (files or {}).items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        record.append(f"{rel},,")
    if not egg_info:
        record.append(f"{meta_dir.name}/METADATA,,")
        (meta_dir / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
    return meta_dir


def make_conda_record(
    prefix: Path,
    name: str,
    version: str,
    *,
    build: str = "py_0",
    channel: str = "https://conda.anaconda.org/conda-forge/linux-64",
    depends: Iterable[str] = (),
    files: Iterable[str] = (),
) -> Path:
    meta = prefix / "conda-meta"
    meta.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": 0,
        "channel": channel,
        "subdir": "linux-64",
        "depends": list(depends),
        "files": list(files),
    }
    path = meta / f"{name}-{version}-{build}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def dist(name: str, version: str, **kwargs: Any) -> Distribution:
    """An in-memory Distribution for pure rule tests."""
    kwargs.setdefault("display_name", name)
    kwargs.setdefault("location", "/env/lib/python3.11/site-packages")
    kwargs.setdefault("metadata_path", f"{kwargs['location']}/{name.replace('-', '_')}-{version}.dist-info")
    kwargs.setdefault("installer", "pip")
    return Distribution(name=name, version=version, **kwargs)


def snapshot(
    dists: Iterable[Distribution] = (),
    *,
    python: str = "3.11.7",
    prefix: str = "/env",
    conda: Conda | None = None,
    records: Iterable[CondaRecord] | None = None,
    machine: Machine | None = None,
    tools: dict[str, str] | None = None,
    **interp: Any,
) -> Snapshot:
    """An in-memory Snapshot of a Linux x86_64 environment for pure rule tests. `tools`: the
    installers the machine has (Machine.tools: "uv", "conda", "rattler", ...)."""
    minor = ".".join(python.split(".")[:2])
    interp.setdefault("sys_platform", "linux")
    interp.setdefault("machine", "x86_64")
    interp.setdefault("prefix", prefix)
    interp.setdefault("base_prefix", prefix)
    interp.setdefault("site_packages", [f"{prefix}/lib/python{minor}/site-packages"])
    interp.setdefault("sys_path", [f"{prefix}/lib/python{minor}.zip", *interp["site_packages"]])
    interp.setdefault("abi_tag", "cp" + minor.replace(".", ""))
    if records is not None and conda is None:
        conda = Conda(prefix=prefix, records=list(records))
    machine = machine or Machine(
        os="linux", arch="x86_64", libc="glibc", libc_version="2.36", cpu_flags=["avx", "avx2", "fma", "sse4_2"]
    )
    if tools is not None:
        machine.tools = dict(tools)
    return Snapshot(
        interpreter=Interpreter(executable=f"{prefix}/bin/python", version=python, **interp),
        distributions=list(dists),
        conda=conda,
        machine=machine,
    )
