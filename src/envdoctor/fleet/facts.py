"""The versions compared across nodes, read from one snapshot: frameworks, NumPy, protobuf, the
CUDA libraries (pip nvidia-* wheels and the system's), the driver, Python and glibc; and what
distributed training needs equal on every node (framework build, CUDA runtime, NCCL)."""

from __future__ import annotations

from dataclasses import dataclass

from envdoctor.frameworks import of_package
from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Snapshot
from envdoctor.rules._context import Context
from envdoctor.rules.gpu_common import gpu_builds, major_minor, resolve

# Table order of the categories, and what an absent value means in each.
CATEGORIES = {
    "framework": "not installed",
    "numpy": "not installed",
    "protobuf": "not installed",
    "cuda-wheel": "not installed",
    "cuda-library": "not found",
    "driver": "no driver",
    "python": "unknown",
    "glibc": "unknown",
}
_NOT_CUDA_WHEELS = frozenset({"nvidia-ml-py", "nvidia-ml-py3", "nvidia-pyindex"})
# Library origins already counted as wheels (pip) or as the framework itself (bundled); the
# driver's own libraries (libcuda, libnvidia-ml) go with the driver row.
_SKIPPED_ORIGINS = frozenset({"pip", "bundled"})
_DRIVER_LIBRARIES = frozenset({"cuda", "nvml"})

Item = tuple[str, str]  # (category, what): ("numpy", "numpy"), ("cuda-library", "libcudnn (system)")


@dataclass(frozen=True)
class Training:
    """What must be equal on every node for one distributed job."""

    frameworks: tuple[str, ...]  # "torch 2.4.0+cu121 (CUDA 12.1)"
    cuda_runtime: str  # the CUDA runtime each framework loads: "12.1"; "torch: 12.1, tensorflow: 12.3"
    nccl: str  # the NCCL it loads: "2.20.5"; "" when none


def version_facts(snapshot: Snapshot, kb: KnowledgeBase) -> tuple[dict[Item, str | None], Training]:
    ctx = Context(snapshot, kb)
    facts: dict[Item, str | None] = {}
    for name, dist in ctx.installed.items():
        if of_package(name) is not None:  # a framework, its compiled part, plugins, Keras, torchvision...
            facts[("framework", name)] = dist.version
        elif name in ("numpy", "protobuf"):
            facts[(name, name)] = dist.version
        elif name.startswith("nvidia-") and name not in _NOT_CUDA_WHEELS:
            facts[("cuda-wheel", name)] = dist.version
    gpu = snapshot.machine.gpu
    libraries: dict[Item, set[str]] = {}
    for lib in gpu.libraries:
        if lib.origin in _SKIPPED_ORIGINS or lib.name in _DRIVER_LIBRARIES:
            continue
        libraries.setdefault(("cuda-library", f"lib{lib.name} ({lib.origin})"), set()).add(lib.version or "?")
    for item, versions in libraries.items():
        facts[item] = ", ".join(sorted(versions))
    facts[("driver", "NVIDIA driver")] = gpu.driver_version
    interp = snapshot.interpreter
    python = interp.version or None
    if python and interp.implementation not in ("", "cpython"):
        python = f"{interp.implementation} {python}"
    facts[("python", "Python")] = python
    machine = snapshot.machine
    facts[("glibc", "glibc")] = machine.libc_version if machine.libc == "glibc" else (machine.libc or None)
    return facts, training_facts(ctx)


def training_facts(ctx: Context) -> Training:
    gpu = ctx.machine.gpu
    frameworks: list[str] = []
    runtimes: list[tuple[str, str]] = []
    nccl: set[str] = set()
    for build in gpu_builds(ctx):
        built = f"CUDA {build.cuda}" if build.cuda else ("CPU" if build.cpu_only else "CUDA ?")
        frameworks.append(f"{build.label} ({built})")
        if build.cpu_only:
            runtimes.append((build.family, "CPU"))
            continue
        cudart = resolve(gpu, build, "cudart", build.cuda_major)
        found = major_minor(cudart.version) if cudart is not None else None
        runtimes.append((build.family, found or "not found"))
        lib = resolve(gpu, build, "nccl", None)
        if lib is not None and lib.version:
            nccl.add(lib.version)
    distinct = {runtime for _, runtime in runtimes}
    if len(distinct) <= 1:
        runtime = next(iter(distinct), "")
    else:
        runtime = ", ".join(f"{family}: {value}" for family, value in sorted(runtimes))
    return Training(tuple(sorted(frameworks)), runtime, ", ".join(sorted(nccl)))
