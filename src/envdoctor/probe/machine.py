"""Machine facts: OS, architecture, C library, CPU flags, GPU stack.

Every read goes through `root` (and `env` / `path_dirs`), so tests describe fake machines with a
folder of fake /proc, /sys and library files instead of patching the live system.
"""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from envdoctor.bounded import maybe_text
from envdoctor.model import GpuFacts, Machine

if TYPE_CHECKING:
    from envdoctor.probe.gpu.host import DriverCuda

RELEVANT_CPU_FLAGS = (
    "sse4_1",
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "f16c",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "avx512_vnni",
    "avx_vnni",
    "amx_tile",
    "neon",
    "asimd",
)


def _os_name(system: str) -> str:
    return {"Linux": "linux", "Windows": "windows", "Darwin": "macos"}.get(system, system.lower())


def _read(path: Path) -> str | None:
    return maybe_text(path)  # regular files only, bounded: a fake root may hold anything


def cpu_facts(root: Path) -> tuple[str, list[str]]:
    """(model name, relevant flags) from /proc/cpuinfo; ("", []) where there is none."""
    text = _read(root / "proc/cpuinfo")
    if not text:
        return "", []
    model = ""
    flags: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "cpu model", "hardware") and not model:
            model = value.strip()
        elif key in ("flags", "features") and not flags:
            flags = set(value.split())
    return model, [f for f in RELEVANT_CPU_FLAGS if f in flags]


def libc_facts(root: Path) -> tuple[str, str | None]:
    """("glibc" | "musl" | "", version)."""
    if str(root) == "/" and hasattr(os, "confstr"):
        try:
            value = os.confstr("CS_GNU_LIBC_VERSION") or ""
        except (ValueError, OSError):
            value = ""
        if value.startswith("glibc "):
            return "glibc", value.split()[1]
    for libdir in ("lib", "lib64", "usr/lib", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu"):
        folder = root / libdir
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith("ld-musl-"):
                return "musl", None
            match = re.fullmatch(r"libc-(\d+\.\d+)\.so", name)
            if match:
                return "glibc", match.group(1)
    return "", None


def os_release(root: Path) -> str:
    text = _read(root / "etc/os-release") or ""
    match = re.search(r'^PRETTY_NAME="?([^"\n]*)"?', text, re.M)
    return match.group(1) if match else ""


def _uname() -> tuple[str, str, str, str]:
    """(system, release, machine, node name): os.uname where there is one (importing platform
    costs ~3 ms of check's budget), else the platform module (Windows)."""
    if hasattr(os, "uname"):
        u = os.uname()
        return u.sysname, u.release, u.machine, u.nodename

    return platform.system(), platform.release(), platform.machine(), platform.node()


def host_name(root: Path, live: str) -> str:
    """The machine's name: `live` (uname's) on the live root, else the fake root's /etc/hostname."""
    if str(root) == "/":
        return live
    text = _read(root / "etc/hostname") or ""
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _processor() -> str:
    return platform.processor()


def collect_machine(
    *,
    root: Path = Path("/"),
    env: Mapping[str, str] | None = None,
    path_dirs: Sequence[str] | None = None,
    site_packages: Sequence[str] = (),
    conda_prefix: str | None = None,
    system: str | None = None,
    arch: str | None = None,
    with_gpu: bool = True,
    driver_cuda: DriverCuda | None = None,
) -> Machine:
    env = os.environ if env is None else env
    if path_dirs is None:
        path_dirs = env.get("PATH", "").split(os.pathsep)
    uname = _uname()
    os_name = _os_name(system or uname[0])
    model, flags = cpu_facts(root) if os_name == "linux" else ("", [])
    libc, libc_version = libc_facts(root) if os_name == "linux" else ("", None)
    machine = Machine(
        os=os_name,
        arch=(arch or uname[2]).lower().replace("amd64", "x86_64"),
        os_release=os_release(root) if os_name == "linux" else uname[1],
        libc=libc,
        libc_version=libc_version,
        cpu_model=model or (_processor() if os_name != "linux" else ""),
        cpu_flags=flags,
        hostname=host_name(root, uname[3]),
    )
    if with_gpu:
        machine.gpu = _gpu(root, env, path_dirs, site_packages, conda_prefix, driver_cuda)
    return machine


def _gpu(
    root: Path,
    env: Mapping[str, str],
    path_dirs: Sequence[str],
    site_packages: Sequence[str],
    conda_prefix: str | None,
    driver_cuda: DriverCuda | None,
) -> GpuFacts:
    try:
        # lazy: defers probe.gpu (95.3 ms, 27 modules) until _gpu() runs (check's start-up)
        from envdoctor.probe.gpu import collect_gpu
    except ImportError:
        return GpuFacts()
    try:
        return collect_gpu(
            root=root,
            env=env,
            path_dirs=path_dirs,
            site_packages=site_packages,
            conda_prefix=conda_prefix,
            driver_cuda=driver_cuda,
        )
    except Exception as exc:  # GPU probing must never stop a check
        return GpuFacts(problems=[f"GPU probe failed: {type(exc).__name__}: {exc}"])
