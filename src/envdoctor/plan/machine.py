"""Defaults from this machine: platform, NVIDIA driver, glibc, the Pythons installed."""

from __future__ import annotations

import os
import platform as _platform
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from envdoctor.plan.model import Target
from envdoctor.plan.platforms import normalize_platform

_PY = re.compile(r"^python(3\.\d+)(?:\.exe)?$")


def installed_pythons(path: str | None = None) -> tuple[str, ...]:
    """Python minors with a `python3.X` on PATH (plus the one running envdoctor)."""
    found = {f"{sys.version_info[0]}.{sys.version_info[1]}"}
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            match = _PY.match(name)
            if match and os.access(os.path.join(folder, name), os.X_OK):
                found.add(match.group(1))
    return tuple(sorted(found, key=lambda v: tuple(int(x) for x in v.split("."))))


def _machine() -> Any:
    """The lead's probe (`envdoctor.probe.machine.collect_machine`) when it exists."""
    try:
        # lazy: probe.machine costs 39.7 ms, 4 modules; only _machine() needs it
        from envdoctor.probe import machine as probe
    except ImportError:
        return None
    collect = getattr(probe, "collect_machine", None)
    if collect is None:
        return None
    try:
        return collect(root=Path("/"), env=os.environ)
    except Exception:  # a probe failure must not stop planning for another machine
        return None


def _fallback_platform() -> str:
    os_name = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, "linux")
    arch = _platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "arm64" if os_name == "macos" else "aarch64"}.get(arch, arch)
    try:
        return normalize_platform(f"{os_name}-{arch}")
    except Exception:
        return "linux-x86_64"


def target_for_machine(
    *,
    python: str | None = None,
    platform: str | None = None,
    gpu: bool | None = None,
    driver: str | None = None,
    manager: str = "pip",
    prereleases: bool = False,
    conda_framework: bool = False,
    machine: Any = None,
    probe: bool = True,
) -> Target:
    """A Target with defaults from this machine; explicit arguments plan for another machine.

    When `platform` names another machine, this machine's driver and glibc are not used.
    """
    facts: Any = machine if machine is not None else (_machine() if probe else None)
    has_os = facts is not None and bool(getattr(facts, "os", None))
    here = str(facts.platform_key) if has_os else _fallback_platform()
    try:
        here = normalize_platform(here)
    except Exception:
        here = _fallback_platform()
    chosen = normalize_platform(platform) if platform else here
    same = chosen == here
    gpu_facts = getattr(facts, "gpu", None) if same else None
    cuda_driver = getattr(gpu_facts, "cuda_driver_version", None)
    return Target(
        platform=chosen,
        python=python,
        gpu=gpu,
        driver=driver or getattr(gpu_facts, "driver_version", None),
        cuda_driver=None if driver else cuda_driver,
        glibc=getattr(facts, "libc_version", None) if same and facts is not None else None,
        installed_pythons=installed_pythons() if same and shutil.which is not None else (),
        manager=manager,
        prereleases=prereleases,
        conda_framework=conda_framework,
    )
