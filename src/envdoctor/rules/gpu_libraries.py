"""ED402 cuda-libs-missing, ED403 cuda-version-mismatch, ED408 nvcc-differs: the CUDA / cuDNN
libraries a GPU build will load, against what it was built for."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from envdoctor import frameworks
from envdoctor.model import CudaLibrary, Finding, Remedy, Severity
from envdoctor.names import canonicalize_name
from envdoctor.rules._context import Context
from envdoctor.rules._registry import rule
from envdoctor.rules.gpu_common import (
    GpuBuild,
    declares_extra,
    describe,
    gpu_builds,
    has_gpu,
    libs_of,
    loadable,
    major_minor,
    pip_site,
    resolve,
    soname_major,
    version_tuple,
)


def _linux_gpu_builds(ctx: Context) -> list[GpuBuild]:
    if ctx.machine.os not in ("linux", "") or not has_gpu(ctx.machine.gpu):
        return []
    return [b for b in gpu_builds(ctx) if not b.cpu_only and b.cuda]


def _needed(build: GpuBuild) -> list[tuple[str, str]]:
    """(library, soname major) a build cannot start its GPU without."""
    major = build.cuda_major or ""
    needed = [("cudart", major), ("cublas", major)]
    if build.cudnn:
        needed.append(("cudnn", build.cudnn.split(".")[0]))
    return needed


def _spec(req_text: str) -> str:
    return req_text.split(";", 1)[0].strip().replace(" ", "")


@rule(
    "ED402",
    "cuda-libs-missing",
    title="CUDA / cuDNN libraries of a GPU build missing or not findable",
    severity=Severity.ERROR,
    cause="cuda-libs-missing",
)
def cuda_libs_missing(ctx: Context) -> Iterator[Finding]:
    """What:
    A GPU build of TensorFlow, PyTorch or JAX cannot find the CUDA runtime, cuBLAS or cuDNN it
    needs: an nvidia-* wheel it requires is not installed; TensorFlow sits in another
    site-packages folder than its nvidia wheels (lib64 vs lib); LD_LIBRARY_PATH puts a system CUDA
    of another version in front of the wheels; or no copy is on the loader's path at all.

    Why:
    The frameworks find pip's CUDA wheels relative to themselves (TensorFlow through RUNPATH
    entries `$ORIGIN/../nvidia/*/lib`, PyTorch and JAX by looking through sys.path). Where pip puts
    platform wheels in lib64/ and pure ones in lib/, TensorFlow's relative paths miss. Entries of
    LD_LIBRARY_PATH are searched before RUNPATH, so a system CUDA there wins and brings symbol
    errors such as "undefined symbol: __nvJitLinkAddData_12_1". Without wheels, the loader only
    searches LD_LIBRARY_PATH, the ld.so cache and the system folders; /usr/local/cuda-X and a conda
    prefix are not among them by default. The GPU is then skipped: "Cannot dlopen some GPU
    libraries", "libcudnn.so.8: cannot open shared object file".

    Example:
    torch 2.3.1 requires nvidia-cudnn-cu12==8.9.2.26, which was uninstalled; TensorFlow 2.15 in
    /env/lib64/python3.11/site-packages with its nvidia wheels in /env/lib/python3.11/site-packages.

    Fix:
    Install the missing wheels with the exact pins the framework declares
    (`pip install "tensorflow[and-cuda]==2.15.1"`), link the nvidia folder next to TensorFlow, or
    remove the other CUDA from LD_LIBRARY_PATH.
    """
    gpu = ctx.machine.gpu
    for build in _linux_gpu_builds(ctx):
        # (a) required nvidia wheels that are not installed
        missing = [r for r in build.pip_requirements if ctx.get(r.name) is None]
        if missing:
            if build.pip_extra:
                spec = f"{build.dist.name}[{build.pip_extra}]=={build.dist.version}"
                fix = ctx.install([spec])
            else:
                fix = ctx.install([_spec(str(r)) for r in missing])
            yield cuda_libs_missing.finding(
                f"{build.label} needs {len(missing)} NVIDIA wheel(s) that are not installed: "
                + ", ".join(canonicalize_name(r.name) for r in missing),
                evidence=[f"{build.dist.metadata_path}: Requires-Dist {r}" for r in missing],
                fix=fix,
                subject=build.dist.name,
            )
        # (b) TensorFlow and its nvidia wheels in different site-packages folders
        framework = frameworks.get(build.family)
        if framework is not None and framework.pip_libs_next_to_itself and build.uses_pip_libs:
            here = build.dist.location.rstrip("/")
            elsewhere = sorted({s for lib in gpu.libraries if lib.origin == "pip" and (s := pip_site(lib))} - {here})
            own = [lib for lib in gpu.libraries if lib.origin == "pip" and pip_site(lib) == here]
            if elsewhere and not own:
                yield cuda_libs_missing.finding(
                    f"{build.label} is in {here} but its NVIDIA wheels are in {elsewhere[0]}: "
                    f"{framework.label} looks for them next to itself ($ORIGIN/../nvidia) and will not "
                    "find them",
                    evidence=[
                        f"{build.dist.name} location: {here}",
                        *[f"nvidia wheels: {s}/nvidia" for s in elsewhere],
                    ],
                    fix=f"ln -s {shlex.quote(elsewhere[0] + '/nvidia')} {shlex.quote(here + '/nvidia')}",
                    hints=[
                        "This happens where pip installs platform wheels into lib64/ and pure "
                        "ones into lib/ (Fedora, RHEL, some venvs). Linking keeps both in sync.",
                    ],
                    subject=build.dist.name,
                )
        # (c) LD_LIBRARY_PATH shadows the wheels / conda libraries with another version
        shadows: list[tuple[CudaLibrary, CudaLibrary]] = []
        for own_lib in gpu.libraries:
            if own_lib.origin not in ("pip", "conda", "bundled") or not loadable(own_lib, build):
                continue
            for other in libs_of(gpu, own_lib.name, soname_major(own_lib)):
                if other.origin != "ld_library_path":
                    continue
                a, b = major_minor(other.version), major_minor(own_lib.version)
                if a and b and a != b:
                    shadows.append((other, own_lib))
        if shadows:
            bad_dirs = {lib.path.rsplit("/", 1)[0] for lib, _ in shadows}
            keep = [d for d in gpu.ld_library_path if d.rstrip("/") not in bad_dirs]
            fix = (
                ctx.set_env("LD_LIBRARY_PATH", ":".join(keep), reason="drop the folders with the wrong CUDA libraries")
                if keep
                else ctx.unset_env(["LD_LIBRARY_PATH"], reason="it puts the wrong CUDA libraries first")
            )
            yield cuda_libs_missing.finding(
                f"LD_LIBRARY_PATH puts CUDA libraries of another version in front of the ones "
                f"{build.label} was installed with",
                evidence=[f"{describe(o)} is searched before {describe(w)}" for o, w in shadows[:6]]
                + [f"LD_LIBRARY_PATH={':'.join(gpu.ld_library_path)}"],
                fix=fix,
                hints=[
                    "LD_LIBRARY_PATH is searched before the wheels' RUNPATH; mixed CUDA versions "
                    "fail with errors such as 'undefined symbol: __nvJitLinkAddData_12_1'.",
                    "Make the change permanent where LD_LIBRARY_PATH is set (~/.bashrc, the "
                    "module system, the conda activate.d scripts).",
                ],
                subject=build.dist.name,
            )
        # (d) nothing of the needed libraries on the loader's path
        if build.uses_pip_libs or build.conda is not None:
            continue
        absent = [(n, m) for n, m in _needed(build) if resolve(gpu, build, n, m) is None]
        if not absent:
            continue
        if declares_extra(ctx, build) and all(resolve(gpu, build, n, None) is None for n, _ in _needed(build)):
            continue  # no CUDA at all: ED404 reports "TensorFlow without [and-cuda]"
        elsewhere_libs = [lib for n, m in absent for lib in libs_of(gpu, n, m) if not loadable(lib, build)]
        cudnn = f", cuDNN {build.cudnn}" if build.cudnn else ""
        evidence = [f"{build.label} built with CUDA {build.cuda}{cudnn} ({build.source})"]
        evidence += [f"not found by the loader: lib{n}.so.{m}" for n, m in absent]
        evidence += [f"present but not on the loader path: {describe(lib)}" for lib in elsewhere_libs]
        libs_fix, hints = _libs_fix(ctx, build, elsewhere_libs)
        yield cuda_libs_missing.finding(
            f"{build.label} cannot load "
            + ", ".join(f"lib{n}.so.{m}" for n, m in absent)
            + ": its GPU will not be used",
            evidence=evidence,
            fix=libs_fix,
            hints=hints,
            subject=build.dist.name,
        )


def _libs_fix(ctx: Context, build: GpuBuild, elsewhere: list[CudaLibrary]) -> tuple[Remedy | None, list[str]]:
    hints: list[str] = []
    extra = declares_extra(ctx, build)
    if extra:
        fix = ctx.install([f"{build.dist.name}[{extra}]=={build.dist.version}"])
        hints.append(f"The {extra} extra installs the exact CUDA/cuDNN wheels this release needs.")
        return fix, hints
    dirs = sorted({lib.path.rsplit("/", 1)[0] for lib in elsewhere})
    conda = ctx.snapshot.conda
    if conda and any(lib.origin == "conda" for lib in elsewhere):
        return (
            ctx.set_env("LD_LIBRARY_PATH", conda.prefix + "/lib", persistent=True, reason="conda's CUDA libraries"),
            ["Reactivate the environment afterwards."],
        )
    if dirs:
        hints.append(f"export LD_LIBRARY_PATH={':'.join(dirs)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    if build.cuda and build.cudnn and ctx.snapshot.conda:
        return ctx.install([f"cudatoolkit={build.cuda}", f"cudnn={build.cudnn}"], manager="conda"), hints
    if build.cuda:
        hints.append(
            f"Install the CUDA {build.cuda} runtime, cuBLAS"
            + (f" and cuDNN {build.cudnn}" if build.cudnn else "")
            + " (NVIDIA's packages or the nvidia-* wheels) where the loader finds them."
        )
    return (ctx.manual("put the CUDA libraries on the loader path", hints.pop(0)) if dirs else None), hints


@rule(
    "ED403",
    "cuda-version-mismatch",
    title="CUDA or cuDNN of another version than the build expects",
    severity=Severity.ERROR,
    cause="cuda-version-mismatch",
)
def cuda_version_mismatch(ctx: Context) -> Iterator[Finding]:
    """What:
    The cuDNN or CUDA runtime a GPU build will load is of another version than the one it was
    built with: an older cuDNN minor, another cuDNN major, an older CUDA runtime.

    Why:
    cuDNN must have the build's major version and an equal or newer minor: TensorFlow refuses
    older ones ("Loaded runtime CuDNN library: 8.1.0 but source was compiled with: 8.6.0") and
    skips the GPU ("DNN library is not found"). A CUDA runtime older than the build misses symbols
    and kernels the framework uses.

    Example:
    TensorFlow 2.15 (cuDNN 8.9) with /usr/lib/x86_64-linux-gnu/libcudnn.so.8.6.0 from the system.

    Fix:
    Install the matching version (`pip install "tensorflow[and-cuda]==2.15.1"` brings the exact
    wheels; conda: `conda install cudnn=8.9`), or remove the older copy from LD_LIBRARY_PATH.
    """
    gpu = ctx.machine.gpu
    for build in _linux_gpu_builds(ctx):
        if build.cudnn:
            want = version_tuple(build.cudnn)
            lib = resolve(gpu, build, "cudnn", str(want[0]))
            other = None if lib else next((x for x in gpu.libraries if x.name == "cudnn" and loadable(x, build)), None)
            got = lib or other
            got_v = version_tuple(got.version) if got else ()
            if got is not None and got_v and (got_v[:1] != want[:1] or got_v[:2] < want[:2]):
                yield cuda_version_mismatch.finding(
                    f"{build.label} was built with cuDNN {build.cudnn} but will load cuDNN {got.version}",
                    evidence=[
                        f"{build.label}: cuDNN {build.cudnn} ({build.source})",
                        f"loaded: {describe(got)}",
                    ],
                    fix=_version_fix(ctx, build, "cudnn"),
                    hints=["cuDNN needs the build's major version and an equal or newer minor."],
                    subject=build.dist.name,
                )
        if build.cuda and len(version_tuple(build.cuda)) >= 2:
            lib = resolve(gpu, build, "cudart", build.cuda_major)
            got_v = version_tuple(lib.version) if lib else ()
            if lib is not None and len(got_v) >= 2 and got_v[:2] < version_tuple(build.cuda)[:2]:
                yield cuda_version_mismatch.finding(
                    f"{build.label} was built with CUDA {build.cuda} but will load the CUDA "
                    f"{major_minor(lib.version)} runtime",
                    evidence=[
                        f"{build.label}: CUDA {build.cuda} ({build.source})",
                        f"loaded: {describe(lib)}",
                    ],
                    fix=_version_fix(ctx, build, "cudart"),
                    severity=Severity.WARNING,
                    subject=build.dist.name,
                )


def _version_fix(ctx: Context, build: GpuBuild, lib: str) -> Remedy | None:
    extra = declares_extra(ctx, build)
    if extra:
        return ctx.install([f"{build.dist.name}[{extra}]=={build.dist.version}"])
    if build.pip_requirements:
        base = {"cudnn": "nvidia-cudnn", "cudart": "nvidia-cuda-runtime"}[lib]
        reqs = [r for r in build.pip_requirements if canonicalize_name(r.name).startswith(base)]
        if reqs:
            return ctx.install([_spec(str(r)) for r in reqs], options=["force-reinstall"])
    if ctx.snapshot.conda and build.cuda:
        spec = f"cudnn={build.cudnn}" if lib == "cudnn" and build.cudnn else f"cuda-version={build.cuda}"
        return ctx.install([spec], manager="conda")
    return None


@rule(
    "ED408",
    "nvcc-differs",
    title="nvcc / system CUDA toolkit differs from the CUDA the framework loads",
    severity=Severity.INFO,
    cause=None,
)
def nvcc_differs(ctx: Context) -> Iterator[Finding]:
    """What:
    The `nvcc` on PATH (or in CUDA_HOME) belongs to another CUDA version than the one the
    framework was built with and loads.

    Why:
    Usually harmless: the frameworks load their own CUDA runtime (wheels, conda, bundled) and never
    call nvcc. It matters when compiling extensions (torch.utils.cpp_extension refuses another
    CUDA major) and for XLA, which uses ptxas from the nvidia-cuda-nvcc wheel or else from PATH.

    Example:
    nvcc 11.8 in /usr/local/cuda/bin with torch 2.3.1+cu121.

    Fix:
    Nothing, unless you build CUDA extensions: then point CUDA_HOME at a toolkit of the
    framework's CUDA version.
    """
    gpu = ctx.machine.gpu
    if not gpu.nvcc_version:
        return
    nvcc = major_minor(gpu.nvcc_version)
    for build in gpu_builds(ctx):
        if build.cpu_only or not build.cuda:
            continue
        lib = resolve(gpu, build, "cudart", build.cuda_major)
        loads = major_minor(lib.version) if lib and lib.version else build.cuda
        if not loads or not nvcc:
            continue
        same = (
            version_tuple(loads)[:2] == version_tuple(nvcc)[:2]
            if len(version_tuple(loads)) >= 2
            else version_tuple(loads)[:1] == version_tuple(nvcc)[:1]
        )
        if same:
            continue
        yield nvcc_differs.finding(
            f"nvcc {gpu.nvcc_version} differs from CUDA {loads} that {build.label} uses (usually harmless)",
            evidence=[f"nvcc: {gpu.nvcc_path} ({gpu.nvcc_version})", f"{build.label}: CUDA {loads}"],
            hints=[
                "Only extension builds (torch.utils.cpp_extension, custom ops) and XLA's ptxas "
                "use the system toolkit; set CUDA_HOME to a CUDA "
                f"{version_tuple(loads)[0]}.x toolkit for those.",
            ],
            subject=build.dist.name,
        )
        return
