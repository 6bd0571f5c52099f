"""ED401: the NVIDIA driver is older than the CUDA the framework was built for / loads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from envdoctor import frameworks
from envdoctor.frameworks import GpuQuestion
from envdoctor.model import Finding, Remedy, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._registry import rule
from envdoctor.rules.gpu_common import (
    GpuBuild,
    gpu_builds,
    gpu_evidence,
    has_gpu,
    major_minor,
    remedy_of,
    resolve,
    version_tuple,
)


@rule(
    "ED401",
    "driver-too-old",
    title="NVIDIA driver older than the CUDA the framework needs",
    severity=Severity.ERROR,
    cause="driver-too-old",
)
def driver_too_old(ctx: Context) -> Iterator[Finding]:
    """What:
    The NVIDIA driver is older than the CUDA version a GPU build of TensorFlow, PyTorch or JAX was
    built with (or the newer CUDA runtime it loads from the nvidia-* wheels).

    Why:
    Every CUDA toolkit ships with a driver (the "toolkit driver") that supports all its features.
    From CUDA 11 on, minor-version compatibility lets a build of CUDA X.y run on any driver of the
    same major family above a floor (11.x: 450.80.02, 12.x: 525.60.13, 13.x: 580.65.06 on Linux),
    with a limited feature set: PTX newer than the driver cannot be JIT-compiled. Below the floor
    (or with an older major) nothing runs: "CUDA driver version is insufficient for CUDA runtime
    version". Between the floor and the toolkit driver most things run, but XLA (JAX, TensorFlow)
    and GPUs without native kernels need PTX JIT, which fails or is slowed down.

    Example:
    jax-cuda13-plugin on a 550 driver (CUDA 12.4): error. torch 2.5.1+cu124 on driver 535
    (CUDA 12.2): warning, it runs under minor-version compatibility.

    Fix:
    Upgrade the NVIDIA driver to at least the toolkit driver, or install a build of the framework
    for a CUDA the driver supports (e.g. torch from download.pytorch.org/whl/cu121, jax[cuda12]).
    """
    gpu = ctx.machine.gpu
    if not has_gpu(gpu) or not (gpu.driver_version or gpu.cuda_driver_version):
        return
    windows = gpu.wsl or ctx.machine.os == "windows"
    for build in gpu_builds(ctx):
        if build.cpu_only or not build.cuda:
            continue
        needed, why = build.cuda, f"built with CUDA {build.cuda} ({build.source})"
        cudart = resolve(gpu, build, "cudart", build.cuda_major)
        runtime = major_minor(cudart.version) if cudart and cudart.origin in ("pip", "conda") else None
        if (
            runtime
            and version_tuple(runtime)[:1] == version_tuple(needed)[:1]
            and version_tuple(runtime) > version_tuple(needed)
        ):
            needed, why = runtime, f"loads the CUDA {runtime} runtime from {cudart.path}"  # type: ignore[union-attr]
        finding = _judge(ctx, build, needed, why, windows)
        if finding is not None:
            yield finding


def _judge(ctx: Context, build: GpuBuild, needed: str, why: str, windows: bool) -> Finding | None:
    gpu = ctx.machine.gpu
    try:
        req: Any = ctx.kb.min_driver(needed)
    except Exception:
        req = None
    toolkit = floor = None
    if req is not None:
        toolkit = req.windows_toolkit_driver if windows else req.toolkit_driver
        floor = req.windows_minor_compat_driver if windows else req.minor_compat_driver
    need = version_tuple(needed)
    severity: Severity | None = None
    if gpu.cuda_driver_version:
        have = version_tuple(gpu.cuda_driver_version)
        if have[:1] < need[:1]:
            severity = Severity.ERROR
        elif len(need) >= 2 and have[:2] < need[:2]:
            severity = Severity.WARNING if need[0] >= 11 else Severity.ERROR
    elif gpu.driver_version:
        drv = version_tuple(gpu.driver_version)
        if floor and drv < version_tuple(floor):
            severity = Severity.ERROR
        elif toolkit and drv < version_tuple(toolkit):
            severity = Severity.WARNING if floor else Severity.ERROR
    if severity is None:
        return None
    major = need[0]
    drv_text = gpu.driver_version or "?"
    have_text = f" (supports CUDA <= {gpu.cuda_driver_version})" if gpu.cuda_driver_version else ""
    table = []
    if toolkit:
        table.append(f"CUDA {needed} toolkit driver: >= {toolkit} (every feature)")
    if floor:
        table.append(
            f"CUDA {major}.x minor-version-compatibility floor: >= {floor} "
            "(runs, but PTX newer than the driver cannot be JIT-compiled)"
        )
    if severity is Severity.ERROR:
        message = (
            f"{build.label} needs CUDA {needed}, but NVIDIA driver {drv_text}{have_text} is too "
            f"old to run it at all: expect 'CUDA driver version is insufficient for CUDA runtime "
            f"version'"
        )
    else:
        message = (
            f"{build.label} needs CUDA {needed}; NVIDIA driver {drv_text}{have_text} runs it only "
            f"under CUDA minor-version compatibility (below the toolkit driver"
            f"{' ' + toolkit if toolkit else ''})"
        )
    hints = []
    if toolkit:
        hints.append(
            f"Upgrade the NVIDIA driver to >= {toolkit} (https://www.nvidia.com/drivers;"
            " Ubuntu: sudo ubuntu-drivers install)."
        )
    if severity is Severity.WARNING:
        hints.append(
            "Under minor-version compatibility JIT-compiling newer PTX fails "
            "(CUDA_ERROR_UNSUPPORTED_PTX_VERSION): XLA in JAX/TensorFlow compiles more slowly or "
            "fails, and GPUs newer than the build's native kernels cannot run it."
        )
    hints.append("Data-center GPUs can instead use NVIDIA's forward-compatibility package (cuda-compat).")
    fix = _framework_fix(ctx, build, gpu.cuda_driver_version)
    evidence = [f"{build.label}: {why}", *gpu_evidence(gpu), *table]
    if req is not None and req.source:
        evidence.append(f"driver table: {req.source}")
    return driver_too_old.finding(
        message,
        evidence=evidence,
        fix=fix,
        hints=hints,
        severity=severity,
        subject=build.dist.name,
    )


def _framework_fix(ctx: Context, build: GpuBuild, have_cuda: str | None) -> Remedy | None:
    """A build of the same framework for a CUDA the driver supports, where one is sure to exist."""
    framework = frameworks.get(build.family)
    if not have_cuda or framework is None:
        return None
    question = GpuQuestion(
        build.dist.name, build.dist.version, ctx.machine.os, version_tuple(have_cuda), cuda_major=build.cuda_major
    )
    return remedy_of(ctx, framework.driver_install(question))[0]
