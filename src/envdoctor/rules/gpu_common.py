"""Shared, pure helpers of the GPU rules (ED4xx): what each installed framework was built for,
which CUDA libraries it will load, and how the driver compares. No rules are defined here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement

from envdoctor import frameworks
from envdoctor.frameworks import Framework, Install
from envdoctor.model import CondaRecord, CudaLibrary, Distribution, GpuFacts, Remedy
from envdoctor.names import canonicalize_name
from envdoctor.rules._context import Context
from envdoctor.rules._shared import per_distribution
from envdoctor.versions import parse_version

LOADABLE_ORIGINS = ("ld_library_path", "system", "wsl")


@dataclass
class GpuBuild:
    """What one installed framework was built for, as far as metadata and the KB tell."""

    family: str  # the framework's key: "tensorflow" | "torch" | "jax" | ...
    dist: Distribution  # the distribution that carries the CUDA code (jaxlib / the plugin for jax)
    label: str  # "tensorflow 2.15.0"
    cuda: str | None = None  # "12.2"; None when unknown or CPU-only
    cudnn: str | None = None  # "8.9"
    capabilities: tuple[str, ...] = ()
    cpu_only: bool = False
    cpu_reason: str = ""
    source: str = ""  # where `cuda` / `cpu_only` comes from
    conda: CondaRecord | None = None  # the conda record, when conda installed the framework
    pip_requirements: list[Requirement] = field(default_factory=list)  # nvidia-* it needs
    pip_extra: str | None = None  # the extra they come with ("and-cuda"), None if unconditional

    @property
    def cuda_major(self) -> str | None:
        return self.cuda.split(".")[0] if self.cuda else None

    @property
    def uses_pip_libs(self) -> bool:
        """The framework loads nvidia-* wheels (they are required, or the extra was installed)."""
        return bool(self.pip_requirements)


def version_tuple(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    parts: list[int] = []
    for piece in re.split(r"[.\-+]", text):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def major_minor(text: str | None) -> str | None:
    parts = version_tuple(text)
    if not parts:
        return None
    return ".".join(str(p) for p in parts[:2])


def has_gpu(gpu: GpuFacts) -> bool:
    return bool(gpu.gpus) or gpu.driver_present or gpu.driver_version is not None


def _conda_cuda(build: str) -> tuple[str | None, str | None, bool | None]:
    """(cuda, cudnn, is_gpu) from a conda build string: "cuda120py311h..." -> ("12.0", None,
    True); "py3.11_cuda12.1_cudnn8.9.2_0" -> ("12.1", "8.9.2", True); "cpu_py311..." -> CPU."""
    low = build.lower()
    cuda = cudnn = None
    match = re.search(r"cuda(\d+)(?:\.(\d+))?", low)
    if match:
        digits, dotted = match.group(1), match.group(2)
        if dotted is not None:
            cuda = f"{digits}.{dotted}"
        elif len(digits) >= 3:
            cuda = f"{digits[:-1]}.{digits[-1]}"
        else:
            cuda = digits
    match = re.search(r"cudnn(\d+(?:\.\d+)*)", low)
    if match:
        cudnn = match.group(1)
    if cuda or "gpu" in low:
        return cuda, cudnn, True
    if "cpu" in low or low.startswith(("mkl_", "eigen_")):
        return None, None, False
    return None, None, None


def _pins(reqs: Iterable[Requirement]) -> tuple[str | None, str | None]:
    """(cuda, cudnn) from nvidia-cuda-runtime / nvidia-cudnn requirements (== or >= pins)."""
    cuda = cudnn = None
    for req in reqs:
        name = canonicalize_name(req.name)
        lows = [s.version for s in req.specifier if s.operator in ("==", "~=", ">=", "===")]
        if not lows:
            continue
        if re.fullmatch(r"nvidia-cuda-runtime(-cu\d+)?", name):
            cuda = major_minor(lows[0])
        elif re.fullmatch(r"nvidia-cudnn(-cu\d+)?", name):
            cudnn = major_minor(lows[0])
    return cuda, cudnn


def declared_nvidia(ctx: Context, dist: Distribution, extra: str | None) -> tuple[list[Requirement], list[Requirement]]:
    """(unconditional, via `extra`) nvidia-* requirements of `dist` that hold on the target."""
    env_key = tuple(sorted(ctx.marker_environment.items()))
    plain, extras = per_distribution(
        "declared_nvidia", dist, (env_key, extra), lambda: _declared_nvidia(ctx, dist, extra)
    )
    return list(plain), list(extras)


def _declared_nvidia(
    ctx: Context, dist: Distribution, extra: str | None
) -> tuple[tuple[Requirement, ...], tuple[Requirement, ...]]:
    env = dict(ctx.marker_environment)
    plain: list[Requirement] = []
    extras: list[Requirement] = []
    for text in dist.requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if not canonicalize_name(req.name).startswith("nvidia-"):
            continue
        if req.marker is None:
            plain.append(req)
            continue
        try:
            if req.marker.evaluate({**env, "extra": ""}):
                plain.append(req)
            elif extra and (
                req.marker.evaluate({**env, "extra": extra})
                or req.marker.evaluate({**env, "extra": extra.replace("-", "_")})
            ):
                extras.append(req)
        except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
            continue
    return tuple(plain), tuple(extras)


def _installed_any(ctx: Context, reqs: Iterable[Requirement]) -> bool:
    return any(ctx.get(r.name) is not None for r in reqs)


def gpu_builds(ctx: Context) -> list[GpuBuild]:
    """The installed frameworks with what they were built for (cached per check)."""
    cached = ctx.memo.get("gpu_builds")
    if cached is None:
        cached = _gpu_builds(ctx)
        ctx.memo["gpu_builds"] = cached
    return list(cached)


def _conda_record(ctx: Context, framework: Framework, dist: Distribution) -> CondaRecord | None:
    if (dist.installer or "").strip() not in ("conda", "") and dist.installer is not None:
        return None
    for name in framework.conda.records if framework.conda else ():
        rec = ctx.conda_records.get(name)
        if rec is not None:
            return rec
    return None


def _kb_build(ctx: Context, build: GpuBuild) -> bool:
    """Fill `build` from the knowledge base; True when it knew the release."""
    try:
        info = ctx.kb.build(build.dist.name, build.dist.version)
    except Exception:
        info = None
    if info is None:
        return False
    if info.cuda is None:
        build.cpu_only, build.cpu_reason = True, "a CPU-only build"
    else:
        build.cuda = major_minor(info.cuda) or info.cuda
        build.cudnn = major_minor(info.cudnn) if info.cudnn else None
    build.capabilities = tuple(info.compute_capabilities or ())
    build.source = info.source or "knowledge base"
    return True


def _gpu_builds(ctx: Context) -> list[GpuBuild]:
    result: list[GpuBuild] = []
    machine_os = ctx.machine.os or {"win32": "windows", "darwin": "macos"}.get(
        ctx.interpreter.sys_platform, ctx.interpreter.sys_platform
    )
    for family, dist in sorted(ctx.frameworks.items()):
        framework = frameworks.get(family)
        build = _build(ctx, framework, dist, machine_os) if framework is not None else None
        if build is not None:
            result.append(build)
    return result


def _carrier(ctx: Context, framework: Framework, dist: Distribution) -> tuple[Distribution, Distribution | None]:
    """(the distribution with the framework's CUDA code, its CUDA plugin): the plugin, else the
    compiled part (jaxlib), else the framework distribution itself."""
    plugins = framework.plugins
    plugin = next((d for n, d in sorted(ctx.installed.items()) if plugins.major(n)), None) if plugins else None
    binary = ctx.get(framework.binary) if framework.binary else None
    return plugin or binary or dist, plugin


def _build(ctx: Context, framework: Framework, dist: Distribution, machine_os: str) -> GpuBuild | None:
    """What one installed framework was built for: its plugin's CUDA; else, in order, a CPU-only
    variant's name, its version tag, its conda build string, the OS, the knowledge base, the
    nvidia-* pins of its metadata; None when nothing compiled is installed."""
    carrier, plugin = _carrier(ctx, framework, dist)
    build = GpuBuild(framework.key, carrier, f"{carrier.name} {carrier.version}")
    build.conda = _conda_record(ctx, framework, carrier)
    extra_name = (framework.plugins.extra if plugin is not None and framework.plugins else framework.cuda_extra) or None
    plain, extra = declared_nvidia(ctx, carrier, extra_name)
    if plain:
        build.pip_requirements = plain
    elif extra and _installed_any(ctx, extra):
        build.pip_requirements, build.pip_extra = extra, extra_name
    pin_cuda, pin_cudnn = _pins(plain + extra)
    if plugin is not None and framework.plugins is not None:
        build.cuda = framework.plugins.major(plugin.name)
        build.source = f"{plugin.name} is installed"
        build.cudnn = pin_cudnn
        return build
    parsed = parse_version(carrier.version)
    local = (parsed.local or "") if parsed is not None else ""
    variant = framework.variant(carrier.name)
    tag = framework.tag_build(carrier.name, local) if local else None
    if variant is not None and variant.cpu_only:
        build.cpu_only, build.cpu_reason = True, f"{carrier.name} is the CPU-only package"
        build.source = "package name"
    elif tag is not None:
        build.source = tag.source
        if tag.cpu_reason:
            build.cpu_only, build.cpu_reason = True, tag.cpu_reason
        else:
            build.cuda, build.cudnn = tag.cuda, tag.cudnn
    elif build.conda is not None and _conda_cuda(build.conda.build)[2] is not None:
        cuda, cudnn, is_gpu = _conda_cuda(build.conda.build)
        build.source = f"conda build {build.conda.name} {build.conda.version} {build.conda.build}"
        if is_gpu:
            build.cuda, build.cudnn = cuda, major_minor(cudnn)
        else:
            build.cpu_only, build.cpu_reason = True, f"the conda CPU build {build.conda.build}"
    if not build.cpu_only and machine_os in framework.no_cuda_on:
        build.cpu_only, build.cpu_reason = True, f"{_OS_LABELS.get(machine_os, machine_os)} builds have no CUDA"
    if build.cpu_only:
        return build
    known = build.conda is None and _kb_build(ctx, build)
    if known and build.cpu_only and machine_os == "linux" and pin_cuda:
        # the CUDA extra's (or the wheel's) nvidia pins prove a CUDA build on Linux, whatever the KB says
        build.cpu_only, build.cpu_reason, build.cuda = False, "", pin_cuda
    if build.cuda is None and pin_cuda:
        build.cuda, build.source = pin_cuda, build.source or "Requires-Dist pins"
    if build.cudnn is None and pin_cudnn:
        build.cudnn = pin_cudnn
    if not known and build.cuda is None and not plain and machine_os in framework.pypi_cpu_only_on:
        build.cpu_only = True
        build.cpu_reason = f"the PyPI {carrier.name} wheels for this platform are CPU-only"
        build.source = "no CUDA version tag"
    if framework.plugins is not None and build.cuda is None and not build.cpu_only and build.conda is None:
        if carrier.name != framework.binary:
            return None  # nothing compiled is installed
        build.cpu_only = True
        build.cpu_reason = f"{carrier.name} without a {framework.plugins.label} is the CPU-only {framework.label}"
        build.source = f"no {framework.plugins.label} installed"
    return build


_OS_LABELS = {"macos": "macOS", "windows": "Windows", "linux": "Linux"}


def framework_extra(build: GpuBuild) -> str:
    """The extra of the framework distribution that brings its CUDA libraries ("and-cuda"), or ""."""
    framework = frameworks.get(build.family)
    return framework.cuda_extra if framework is not None and framework.variant(build.dist.name) else ""


def declares_extra(ctx: Context, build: GpuBuild) -> str:
    """`framework_extra(build)` when the installed release declares nvidia-* wheels in it, else ""."""
    extra = framework_extra(build)
    return extra if extra and declared_nvidia(ctx, build.dist, extra)[1] else ""


def remedy_of(ctx: Context, install: Install | None) -> tuple[Remedy | None, list[str]]:
    """A framework's `Install` as a remedy (and its hints)."""
    if install is None:
        return None, []
    hints = list(install.hints)
    if not install.specs:
        return None, hints
    if install.remove:
        return ctx.replace(list(install.remove), list(install.specs)), hints
    return ctx.install(list(install.specs), options=list(install.options), index=list(install.index)), hints


# -- libraries -----------------------------------------------------------------------------
def pip_site(lib: CudaLibrary) -> str | None:
    """The site-packages folder a pip nvidia library lives in (…/site-packages/nvidia/x/lib)."""
    marker = "/nvidia/"
    index = lib.path.find(marker)
    return lib.path[:index] if index >= 0 else None


def libs_of(gpu: GpuFacts, name: str, major: str | None = None) -> list[CudaLibrary]:
    return [lib for lib in gpu.libraries if lib.name == name and (major is None or soname_major(lib) == major)]


def soname_major(lib: CudaLibrary) -> str | None:
    text = lib.soname or lib.path.rsplit("/", 1)[-1]
    match = re.search(r"\.so\.(\d+)", text)
    if match:
        return match.group(1)
    parts = version_tuple(lib.version)
    return str(parts[0]) if parts else None


def loadable(lib: CudaLibrary, build: GpuBuild) -> bool:
    """Would `build`'s framework find this library with the default loader rules?"""
    if lib.origin in LOADABLE_ORIGINS:
        return True
    if lib.origin == "pip":
        framework = frameworks.get(build.family)
        if framework is None or not framework.pip_libs_next_to_itself:
            return True  # torch preloads from every sys.path entry, JAX imports nvidia.*
        site = pip_site(lib)
        return site is not None and site == build.dist.location.rstrip("/")
    if lib.origin == "bundled":
        return lib.package == build.family
    if lib.origin == "conda":
        return build.conda is not None
    return False


def resolve(gpu: GpuFacts, build: GpuBuild, name: str, major: str | None) -> CudaLibrary | None:
    """The copy of library `name` (soname major `major`) the framework will load: LD_LIBRARY_PATH
    first (the wheels' RUNPATH comes after it), then its own wheels / conda prefix, then the
    system loader path."""
    order = {"ld_library_path": 0, "pip": 1, "bundled": 1, "conda": 1, "system": 2, "wsl": 2}
    candidates = [lib for lib in libs_of(gpu, name, major) if loadable(lib, build)]
    candidates.sort(key=lambda lib: order.get(lib.origin, 9))
    return candidates[0] if candidates else None


def describe(lib: CudaLibrary) -> str:
    owner = f", {lib.package}" if lib.package else ""
    return f"{lib.path} ({lib.name} {lib.version or '?'}, {lib.origin}{owner})"


def driver_label(gpu: GpuFacts) -> str:
    bits = []
    if gpu.driver_version:
        bits.append(f"NVIDIA driver {gpu.driver_version}")
    if gpu.cuda_driver_version:
        bits.append(f"supports CUDA <= {gpu.cuda_driver_version}")
    return ", ".join(bits) or "NVIDIA driver present"


def gpu_evidence(gpu: GpuFacts) -> list[str]:
    lines = [driver_label(gpu) + (f" (from {gpu.source})" if gpu.source else "")]
    for device in gpu.gpus[:4]:
        cc = f", compute capability {device.compute_capability}" if device.compute_capability else ""
        lines.append(f"GPU {device.index}: {device.name or '?'}{cc}")
    return lines
