"""ED404 cpu-only-build, ED405 gpu-windows-native, ED406 gpu-compute-capability,
ED407 gpu-hidden: the GPU is there, but the framework will not use it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor import frameworks
from envdoctor.frameworks import Framework, GpuGap, GpuQuestion
from envdoctor.model import Finding, GpuDevice, GpuFacts, Remedy, Severity
from envdoctor.rules._context import Context, parse_version
from envdoctor.rules._registry import rule
from envdoctor.rules.gpu_common import (
    GpuBuild,
    declared_nvidia,
    framework_extra,
    gpu_builds,
    gpu_evidence,
    has_gpu,
    remedy_of,
    resolve,
    version_tuple,
)


def _windows_gap(ctx: Context, build: GpuBuild) -> tuple[Framework, GpuGap] | None:
    """(framework, gap) for a release past the last with a GPU build on native Windows (TensorFlow >= 2.11)."""
    framework = frameworks.get(build.family)
    if ctx.machine.os != "windows" or framework is None or not framework.gpu_os.get("windows"):
        return None  # not Windows; or every release, or none, has a GPU build there
    version = parse_version(build.dist.version)
    gap = framework.gpu_gaps.get("windows")
    if version is None or gap is None or framework.gpu_on("windows", version):
        return None
    return framework, gap


@rule(
    "ED404",
    "cpu-only-build",
    title="CPU-only build of the framework on a machine with an NVIDIA GPU",
    severity=Severity.WARNING,
    cause="no-gpu-visible",
)
def cpu_only_build(ctx: Context) -> Iterator[Finding]:
    """What:
    The machine has an NVIDIA GPU and driver, but the installed framework cannot use it:
    tensorflow-cpu, TensorFlow on Linux without its `and-cuda` CUDA wheels (and no system CUDA),
    a torch `+cpu` wheel (or the CPU-only PyPI wheel on Windows), jaxlib without a jax-cuda
    plugin, or a conda CPU build (build string with "cpu").

    Why:
    These builds import fine and silently run on the CPU: "Num GPUs Available: 0",
    torch.cuda.is_available() is False, "An NVIDIA GPU may be present on this machine, but a
    CUDA-enabled jaxlib is not installed".

    Example:
    torch 2.3.1+cpu on a machine with an RTX 4090; tensorflow 2.16.1 installed with
    `pip install tensorflow` on Linux.

    Fix:
    Install the GPU build: `pip install "tensorflow[and-cuda]==2.16.1"`,
    `pip install --force-reinstall torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121`,
    `pip install -U "jax[cuda12]"`, or `conda install "pytorch=*=*cuda*"`.
    """
    gpu = ctx.machine.gpu
    if not has_gpu(gpu) or ctx.machine.os == "macos":
        return
    for build in gpu_builds(ctx):
        if _windows_gap(ctx, build):
            continue  # ED405 explains native Windows
        if build.cpu_only:
            fix, hints = _gpu_build_fix(ctx, build)
            yield cpu_only_build.finding(
                f"{build.label} is CPU-only ({build.cpu_reason}), but this machine has an NVIDIA "
                "GPU: it will not be used",
                evidence=[f"{build.label}: {build.cpu_reason} ({build.source})", *gpu_evidence(gpu)],
                fix=fix,
                hints=hints,
                subject=build.dist.name,
            )
        elif (
            (extra := framework_extra(build))
            and ctx.machine.os == "linux"
            and build.conda is None
            and not build.uses_pip_libs
            and declared_nvidia(ctx, build.dist, extra)[1]
            and all(resolve(gpu, build, n, None) is None for n in ("cudart", "cudnn"))
        ):
            label = frameworks.get(build.family).label  # type: ignore[union-attr]
            yield cpu_only_build.finding(
                f"{build.label} was installed without its CUDA libraries (the {extra} extra) and "
                "none are on the system: it will run on the CPU",
                evidence=[
                    f"{build.dist.metadata_path}: {extra} extra declared, none of its nvidia-* wheels installed",
                    "no libcudart / libcudnn found on LD_LIBRARY_PATH or the loader path",
                    *gpu_evidence(gpu),
                ],
                fix=ctx.install([f"{build.dist.name}[{extra}]=={build.dist.version}"]),
                hints=[
                    "Expect 'Could not find cuda drivers on your machine, GPU will not be "
                    f"used' or 'Cannot dlopen some GPU libraries' when importing {label}."
                ],
                subject=build.dist.name,
            )


def _gpu_build_fix(ctx: Context, build: GpuBuild) -> tuple[Remedy | None, list[str]]:
    if build.conda is not None:
        name = build.conda.name
        framework = frameworks.of_conda(name)
        pattern = framework.conda.cuda_build if framework and framework.conda else "*cuda*"
        return ctx.install([f"{name}=*={pattern}"], manager="conda"), [
            "conda-forge builds name their CUDA variant in the build string (cuda120…, cpu_…)."
        ]
    framework = frameworks.get(build.family)
    if framework is None:
        return None, []
    kb_cuda = None
    if framework.wheel_index is not None:  # whether PyPI's own wheel of that version is a CUDA build
        try:
            info = ctx.kb.build(framework.distribution, build.dist.version.split("+")[0])
        except Exception:
            info = None
        kb_cuda = info.cuda if info is not None else None
    question = GpuQuestion(
        build.dist.name,
        build.dist.version,
        ctx.machine.os,
        version_tuple(ctx.machine.gpu.cuda_driver_version),
        kb_cuda=kb_cuda,
        cuda_major=build.cuda_major,
    )
    return remedy_of(ctx, framework.gpu_install(question))


@rule(
    "ED405",
    "gpu-windows-native",
    title="TensorFlow >= 2.11 has no GPU support on native Windows",
    severity=Severity.WARNING,
    cause="platform-unsupported",
)
def gpu_windows_native(ctx: Context) -> Iterator[Finding]:
    """What:
    TensorFlow 2.11 or later on native Windows, on a machine with an NVIDIA GPU.

    Why:
    TensorFlow 2.10 was the last release with GPU support on native Windows; from 2.11 on the
    Windows packages are CPU-only and the GPU is silently unused. GPU support on Windows now
    means WSL2 (Linux TensorFlow with and-cuda).

    Example:
    tensorflow 2.15.0 (tensorflow-intel) on Windows 11 with an RTX 3080.

    Fix:
    Use WSL2 (`wsl --install`, then `pip install "tensorflow[and-cuda]"` inside it), or stay on
    TensorFlow 2.10 (Python <= 3.10) with CUDA 11.2 and cuDNN 8.1.
    """
    gpu = ctx.machine.gpu
    if not has_gpu(gpu):
        return
    for build in gpu_builds(ctx):
        found = _windows_gap(ctx, build)
        if found is None:
            continue
        framework, gap = found
        python = version_tuple(ctx.interpreter.version)
        linux_spec = (
            f"{framework.distribution}[{framework.cuda_extra}]" if framework.cuda_extra else framework.distribution
        )
        hints = [f"Inside WSL2: python3 -m pip install '{linux_spec}'"]
        last = f"{framework.label} {gap.last_release}" if gap.last_release else f"An older {framework.label}"
        supported = version_tuple(gap.last_python)
        if python and supported and python[:2] <= supported[:2]:
            spec = f"{framework.distribution}{framework.gpu_os['windows']}"
            setup = f" and {gap.last_setup}" if gap.last_setup else ""
            hints.append(f"Or {last}, the last native-Windows GPU release: {ctx.command(ctx.install([spec]))}{setup}")
        elif supported:
            hints.append(
                f"{last} (the last native-Windows GPU release) needs Python <= {gap.last_python}, so on this "
                "Python WSL2 is the way."
            )
        yield gpu_windows_native.finding(
            f"{build.label} has no GPU support on native Windows (after {last}): the GPU will not be used",
            evidence=[
                f"{build.label} on {ctx.machine.os} {ctx.machine.arch}",
                *gpu_evidence(gpu),
                *([gap.evidence] if gap.evidence else []),
            ],
            fix="wsl --install",
            hints=hints,
            subject=build.dist.name,
        )


def _caps(values: tuple[str, ...]) -> list[tuple[str, tuple[int, int]]]:
    """[("sm" | "compute" | "?", (major, minor))] from "sm_86", "compute_90", "8.6", "86"."""
    result: list[tuple[str, tuple[int, int]]] = []
    for raw in values:
        text = str(raw).strip().lower()
        match = re.fullmatch(r"(sm|compute)_(\d+)(\d)[a-z]?", text)
        if match:
            result.append((match.group(1), (int(match.group(2)), int(match.group(3)))))
            continue
        match = re.fullmatch(r"(\d+)\.(\d+)", text) or re.fullmatch(r"(\d+)(\d)", text)
        if match:
            result.append(("?", (int(match.group(1)), int(match.group(2)))))
    return result


def _runs_on(caps: list[tuple[str, tuple[int, int]]], cc: tuple[int, int]) -> bool | None:
    """Whether a build with `caps` has kernels for a GPU of compute capability `cc`."""
    if not caps:
        return None
    if all(kind == "?" for kind, _ in caps):
        return cc >= min(v for _, v in caps)  # only the floor is sure
    for kind, (major, minor) in caps:
        if kind in ("sm", "?") and major == cc[0] and minor <= cc[1]:
            return True  # native kernels (binary compatible within a major)
        if kind == "compute" and (major, minor) <= cc:
            return True  # PTX the driver can JIT-compile
    return False


@rule(
    "ED406",
    "gpu-compute-capability",
    title="GPU compute capability not supported by the build",
    severity=Severity.ERROR,
    cause="no-gpu-visible",
)
def gpu_compute_capability(ctx: Context) -> Iterator[Finding]:
    """What:
    A GPU's compute capability is below the oldest architecture the framework build has kernels
    for (or newer than its native kernels with no PTX to JIT-compile).

    Why:
    Frameworks ship kernels for a list of architectures. Older GPUs are skipped ("Ignoring visible
    gpu device ... The minimum required Cuda capability is 5.0", "PyTorch no longer supports this
    GPU because it is too old") or fail with "no kernel image is available for execution on the
    device"; brand-new GPUs fail the same way on builds without their architecture.

    Example:
    A Tesla K80 (compute capability 3.7) with torch 2.3.1 (sm_50 and up).

    Fix:
    Install an older release that still supports the GPU, or a newer one built for it.
    """
    gpu = ctx.machine.gpu
    if not gpu.gpus:
        return
    for build in gpu_builds(ctx):
        if build.cpu_only or not build.capabilities:
            continue
        caps = _caps(build.capabilities)
        bad: list[tuple[GpuDevice, str]] = []
        for device in gpu.gpus:
            cc = version_tuple(device.compute_capability)
            if len(cc) < 2:
                continue
            if _runs_on(caps, (cc[0], cc[1])) is False:
                lowest = min(v for _, v in caps)
                side = "below" if (cc[0], cc[1]) < lowest else "newer than"
                bad.append((device, side))
        if not bad:
            continue
        listed = ", ".join(str(c) for c in build.capabilities)
        too_old = any(side == "below" for _, side in bad)
        hints = (
            ["An older release of the framework may still include this architecture; check its release notes."]
            if too_old
            else ["Upgrade the framework to a release built for this GPU architecture."]
        )
        yield gpu_compute_capability.finding(
            f"{build.label} has no kernels for "
            + ", ".join(
                f"GPU {d.index} ({d.name}, compute capability {d.compute_capability}, {side} its architectures)"
                for d, side in bad
            ),
            evidence=[f"{build.label} architectures: {listed} ({build.source})", *gpu_evidence(gpu)],
            hints=hints,
            subject=build.dist.name,
        )


def visible_gpu_count(value: str, gpu: GpuFacts) -> int | None:
    """How many GPUs CUDA will show for CUDA_VISIBLE_DEVICES=`value` (None: cannot tell).
    CUDA stops at the first entry that names no device."""
    count = 0
    known = len(gpu.gpus)
    for raw in value.split(","):
        entry = raw.strip()
        if re.fullmatch(r"\d+", entry):
            if known and int(entry) >= known:
                break
            count += 1
        elif entry.upper().startswith(("GPU-", "MIG-")):
            uuids = [d.uuid for d in gpu.gpus if d.uuid]
            if not uuids:
                return None if count == 0 else count
            if entry.upper().startswith("MIG-") or any(u.lower().startswith(entry.lower()) for u in uuids):
                count += 1
            else:
                break
        else:
            break
    return count


@rule(
    "ED407",
    "gpu-hidden",
    title="CUDA_VISIBLE_DEVICES hides every GPU",
    severity=Severity.WARNING,
    cause="no-gpu-visible",
)
def gpu_hidden(ctx: Context) -> Iterator[Finding]:
    """What:
    CUDA_VISIBLE_DEVICES is set to a value that leaves no GPU visible: "", "-1", an index the
    machine does not have, or a UUID of no GPU here.

    Why:
    CUDA enumerates only the listed devices and stops at the first invalid entry, so every
    framework reports zero GPUs ("Num GPUs Available: 0", "CUDA_ERROR_NO_DEVICE").

    Example:
    CUDA_VISIBLE_DEVICES=-1 left in ~/.bashrc from a CPU-only experiment.

    Fix:
    `unset CUDA_VISIBLE_DEVICES` (or list the GPUs to use: CUDA_VISIBLE_DEVICES=0).
    """
    gpu = ctx.machine.gpu
    value = gpu.cuda_visible_devices
    if value is None:
        value = ctx.interpreter.env.get("CUDA_VISIBLE_DEVICES")
    if value is None or not has_gpu(gpu):
        return
    if visible_gpu_count(value, gpu) != 0:
        return
    yield gpu_hidden.finding(
        f"CUDA_VISIBLE_DEVICES={value!r} hides every GPU from CUDA",
        evidence=[f"CUDA_VISIBLE_DEVICES={value!r}", *gpu_evidence(gpu)],
        fix=ctx.unset_env(["CUDA_VISIBLE_DEVICES"], reason="it hides every GPU"),
        hints=[
            "Remove it where it is set (shell profile, job script, IDE run configuration), "
            "or list the GPUs to use, e.g. CUDA_VISIBLE_DEVICES=0."
        ],
        subject="CUDA_VISIBLE_DEVICES",
    )
