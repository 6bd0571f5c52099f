"""The GPU stack: which CUDA / cuDNN a build expects (knowledge base) against what the log shows
loaded or present, the driver against the CUDA it must run, and what a GPU check printed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor.explain.extract import version_tuple
from envdoctor.explain.model import Evidence
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule
from envdoctor.frameworks import all_frameworks
from envdoctor.knowledge import sonames

_NEGATIVE_RESULT_RE = re.compile(r"(?:out\[\d+\]:\s*)?(?:false|\[\]|0)\.?", re.IGNORECASE)
_GPU_CHECKS = ("fact/gpu-query-torch", "fact/gpu-query-tf", "fact/gpu-query-gpu-available")
_CPU_DEVICE = re.compile(r'device_type:\s*"cpu"', re.IGNORECASE)
_GPU_DEVICE = re.compile(r'device_type:\s*"gpu"|/device:gpu:\d', re.IGNORECASE)
_CALL_AT_END_RE = re.compile(
    r"(?:is_available|list_physical_devices|is_gpu_available)\([^()]*\)\)?[\"'`]?\s*$", re.IGNORECASE
)
_POSITIVE_RESULT_RE = re.compile(r"(?:out\[\d+\]:\s*)?(?:true\b|\[physicaldevice|\[?[1-9]\d*\]?$)", re.IGNORECASE)


@cause_rule("gpu/check-answer-negative", "no-gpu-visible")
def check_answer_negative(ctx: RuleContext) -> Iterator[Verdict]:
    """What: an interactive GPU check whose answer is on the next line (`>>> torch.cuda.is_available()`
    then `False`, `tf.config.list_physical_devices('GPU')` then `[]`).
    Why: the framework itself says it sees no GPU.
    Example: `>>> torch.cuda.is_available()` / `False`."""
    for cap in ctx.captures:
        if cap.signature.id not in _GPU_CHECKS or not _CALL_AT_END_RE.search(cap.header.text):
            continue
        # the check's printed answer: the first bare result among the lines after it (the framework's
        # start-up lines come first); a positive answer ends the search
        answer = ""
        for line in cap.lines:
            text = line.strip()
            if _NEGATIVE_RESULT_RE.fullmatch(text):
                answer = line
                break
            if _POSITIVE_RESULT_RE.match(text):
                break
        if answer:
            shown = Evidence(cap.header.line + 1 + cap.lines.index(answer), answer.strip(), "no-gpu/check-answer")
            yield Verdict("no-gpu-visible", 0.85, "the framework's own GPU check answered no GPU", [cap.header, shown])
            return


# a container started: with no GPU flag, it sees no GPU whatever the host has
_DOCKER_RUN = re.compile(r"\bdocker\s+(?:container\s+)?run\b", re.IGNORECASE)
_DOCKER_GPU = re.compile(r"--gpus\b|--runtime[= ]nvidia|nvidia\.com/gpu|--device[= ]\S*nvidia", re.IGNORECASE)
_NO_NVIDIA_SMI = re.compile(
    r"nvidia-smi\b[^\n]{0,40}(?:not found|no such file|not recognized)|(?:no|not find|cannot find)\s+nvidia-smi",
    re.IGNORECASE,
)


@cause_rule("gpu/container-started-without-the-gpu", "no-gpu-visible")
def container_started_without_the_gpu(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log starts a container with `docker run` and no GPU flag (`--gpus`, `--runtime=nvidia`),
    and inside it nvidia-smi is not found or the framework sees no GPU.
    Why: Docker exposes no GPU (nor the driver's nvidia-smi and libcuda) to a container unless it is
    asked to, through the NVIDIA container toolkit; the host's driver and GPU are fine.
    Example: `docker run -it anibali/pytorch:1.4.0-cuda10.1 sh`, then "nvidia-smi not found"."""
    started = next(((n, t) for n, t in ctx.lines if _DOCKER_RUN.search(t)), None)
    if started is None or any(_DOCKER_GPU.search(t) or "nvidia-docker" in t.lower() for _, t in ctx.lines):
        return
    missing = next(((n, t) for n, t in ctx.lines if _NO_NVIDIA_SMI.search(t)), None)
    if missing is None and "no-gpu-visible" not in ctx.signals and ctx.concluded("no-gpu-visible") is None:
        return
    evidence = [Evidence(started[0], started[1], "fact/docker-run")]
    if missing is not None:
        evidence.append(Evidence(missing[0], missing[1], "fact/no-nvidia-smi"))
    yield Verdict(
        "no-gpu-visible",
        0.85,
        "the container was started without a GPU flag: Docker exposes no GPU to it",
        evidence,
        demotes=("cuda-libs-missing", "driver-too-old"),
        fix="start the container with `docker run --gpus all ...` (the NVIDIA Container Toolkit installed on the host)",
    )


@cause_rule("gpu/device-list-without-gpu", "no-gpu-visible")
def device_list_without_gpu(ctx: RuleContext) -> Iterator[Verdict]:
    """What: TensorFlow's `device_lib.list_local_devices()` printed, listing a CPU device and no GPU.
    Why: that list is every device TensorFlow can use: no GPU in it is the framework not seeing one.
    Example: `print(device_lib.list_local_devices())` then `[name: "/device:CPU:0" device_type: "CPU" ...]`."""
    for cap in ctx.captures:
        if cap.signature.id != "fact/gpu-query-device-lib":
            continue
        cpu = next((i for i, line in enumerate(cap.lines) if _CPU_DEVICE.search(line)), None)
        if cpu is not None and not any(_GPU_DEVICE.search(line) for line in cap.lines):
            shown = Evidence(cap.header.line + 1 + cpu, cap.lines[cpu], "no-gpu/device-list")
            yield Verdict("no-gpu-visible", 0.8, "TensorFlow's device list has a CPU and no GPU", [cap.header, shown])
            return


@cause_rule("gpu/asked-and-answered", "no-gpu-visible")
def asked_and_answered(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the user asks whether the GPU is used (a GPU check, "can't detect my GPU") and the
    framework says it has none (a warning such as "Found no NVIDIA driver", "GPU available: False").
    Why: on its own such a line is printed on every CPU run; as the answer to the question asked,
    it is the diagnosis.
    Example: `print(torch.cuda.is_available())` then `UserWarning: ... Found no NVIDIA driver`."""
    if ctx.facts.gpu_question and "no-gpu-visible" in ctx.signals:
        yield Verdict(
            "no-gpu-visible", 0.5, "the log asks about the GPU and the framework answers that it sees none", []
        )


@cause_rule("gpu/windows-tensorflow-after-2.10", "platform-unsupported")
def windows_tensorflow_after_2_10(ctx: RuleContext) -> Iterator[Verdict]:
    """What: no GPU (or a GPU question) with TensorFlow >= 2.11 on native Windows.
    Why: there is no CUDA build of TensorFlow for native Windows after 2.10: the platform, not the
    driver or CUDA, is why no GPU is used.
    Example: Windows paths, `tensorflow 2.15.0`, `Num GPUs Available: 0`."""
    if ctx.os != "windows":
        return
    tf = version_tuple(ctx.version_of("tensorflow"))
    if not tf or tf < (2, 11):
        return
    if "no-gpu-visible" in ctx.signals or "gpu-query" in ctx.tags:
        evidence = ctx.evidence("no-gpu-visible")
        evidence += [e for h in ctx.hits.values() if "gpu-query" in h.signature.tags for e in h.evidence][:2]
        found = ctx.facts.version_of("tensorflow")
        if found is not None:
            evidence.append(found.evidence("fact/tensorflow"))
        yield Verdict(
            "platform-unsupported",
            0.9,
            f"TensorFlow {'.'.join(map(str, tf))} on native Windows has no CUDA build (2.10 was the last)",
            evidence,
            moves_from=("no-gpu-visible",),
            fix='use WSL2 (pip install "tensorflow[and-cuda]" inside it), or tensorflow<2.11 on Windows',
        )


@cause_rule("gpu/cuda-on-macos", "platform-unsupported")
def cuda_on_macos(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a CUDA request fails (no GPU, "Torch not compiled with CUDA enabled") on macOS.
    Why: no framework ships CUDA builds for macOS (PyTorch's macOS binaries never carry CUDA;
    TensorFlow dropped macOS GPU support in 1.2): the platform, not the driver or a CPU-only
    install, is why CUDA is absent. Apple silicon has the `mps` device instead.
    Example: `/Users/me/...` paths, `AssertionError: Torch not compiled with CUDA enabled`."""
    if ctx.os != "macos" or "no-gpu-visible" not in ctx.signals:
        return
    evidence = ctx.evidence("no-gpu-visible")
    yield Verdict(
        "platform-unsupported",
        0.9,
        "the log is from macOS, and there is no CUDA build of PyTorch, TensorFlow or JAX for macOS",
        evidence,
        moves_from=("no-gpu-visible",),
        fix="on Apple silicon use the `mps` device (torch.device('mps'), tensorflow-metal); "
        "CUDA needs Linux or Windows with an NVIDIA GPU",
    )


# conda / PyPI packages that are NVIDIA CUDA itself or a CUDA build of a framework
_CUDA_PACKAGE = re.compile(
    r"^(?:pytorch-cuda|cuda(?:-[\w-]+)?|cudatoolkit(?:-dev)?|cudnn|nccl|nvidia-[\w-]+|cupy-cuda\w*|"
    r"jaxlib=[^ ]*cuda[^ ]*|[\w-]+-cuda\d*)(?:[ =<>!~\[].*)?$",
    re.IGNORECASE,
)
_PIXI_PLATFORM = re.compile(
    r"failed to solve requirements of environment '(?P<env>[^']+)' for platform '(?P<plat>[\w-]+)'", re.IGNORECASE
)


_PLATFORM = "platform-unsupported"


@cause_rule("gpu/cuda-packages-on-macos", _PLATFORM)
def cuda_packages_on_macos(ctx: RuleContext) -> Iterator[Verdict]:
    """What: on macOS (the log's OS, or the platform conda / pixi solves for: `Platform: osx-arm64`),
    the solver finds no build of CUDA packages (conda's PackagesNotFoundError for `pytorch-cuda`,
    `cuda-nvcc`; pixi solving an environment named `cuda` for `osx-arm64`).
    Why: NVIDIA has published no CUDA for macOS since 10.2 (2019), so no channel has these builds
    for osx-64 / osx-arm64: the platform is why, not a missing channel.
    Example: `Platform: osx-arm64` ... `PackagesNotFoundError` ... `- pytorch-cuda=12.1*`."""
    for number, line in ctx.lines:
        pixi = _PIXI_PLATFORM.search(line)
        if pixi and pixi.group("plat").startswith("osx") and "cuda" in pixi.group("env").lower():
            env, plat = pixi.group("env"), pixi.group("plat")
            why = f"pixi solves the CUDA environment '{env}' for {plat}: there is no CUDA for macOS"
            fix = "restrict the CUDA feature to linux-64 / win-64 (its `platforms` in pixi.toml); " + _MACOS_CUDA_FIX
            yield Verdict(_PLATFORM, 0.9, why, [Evidence(number, line, "fact/pixi-platform")], fix=fix)
            return
    if ctx.os != "macos":
        return
    for conflict in ctx.facts.conflicts:
        if conflict.tool == "conda" and conflict.kind == "missing":
            cuda = [r for r in conflict.requirements if _CUDA_PACKAGE.match(r.strip())]
            if cuda:
                why = f"no channel builds {', '.join(cuda[:3])} for macOS: there is no CUDA for macOS"
                yield Verdict(_PLATFORM, 0.9, why, ctx.evidence(_PLATFORM)[:3], fix=_MACOS_CUDA_FIX)
                return


_MACOS_CUDA_FIX = (
    "on macOS install the CPU / Metal builds (pytorch without pytorch-cuda; `mps` on Apple silicon); "
    "CUDA needs Linux or Windows with an NVIDIA GPU"
)


# conda's CUDA runtime packages: the CUDA an environment gets (`cudatoolkit=10.2`, `pytorch-cuda=12.1`)
_CONDA_CUDA_RUNTIME = ("cudatoolkit", "pytorch-cuda", "cuda-runtime", "cuda-cudart")


def _conda_cuda_runtime(ctx: RuleContext) -> tuple[str, str, str | None, str | None] | None:
    """(package, version, cuda, None) of the CUDA runtime a conda install command asks for."""
    for req in ctx.facts.requests:
        found = re.fullmatch(r"={1,2}(\d+\.\d+)(?:\.[\d*]+)?", req.spec)
        if req.name in _CONDA_CUDA_RUNTIME and req.source == "command" and found:
            return req.name, found.group(1), found.group(1), None
    return None


def _build_cuda(ctx: RuleContext) -> tuple[str, str, str | None, str | None] | None:
    """(framework, version, cuda, cudnn) of the framework build the log (or target) shows."""
    kb = ctx.kb
    if kb is None:
        return None
    for fw in all_frameworks():
        name = fw.compiled  # the distribution with the build (jaxlib for JAX)
        version = ctx.version_of(name)
        if not version:
            continue
        local = version.partition("+")[2]
        tag = fw.tag_build(name, local) if local else None
        if tag is not None and tag.cuda:  # torch 2.3.1+cu121
            return name, version, tag.cuda, tag.cudnn
        try:
            build = kb.build(name, version.partition("+")[0])
        except Exception:  # advisory
            build = None
        if build is not None and build.cuda:
            return name, version, build.cuda, build.cudnn
    return None


# pip's NVIDIA library wheels (`nvidia-cudnn-cu12 8.9.2.26`): the library each ships; its soname's
# major version is the wheel's major version (libcudnn.so.8 in nvidia-cudnn-cu12 8.x).
_NVIDIA_WHEEL = re.compile(
    r"^nvidia-(?P<lib>cudnn|cuda-runtime|cublas|cufft|curand|cusolver|cusparse|cuda-nvrtc|nccl|nvjitlink)-cu\d+$"
)
_WHEEL_FAMILY = {"cuda-runtime": "cudart", "cuda-nvrtc": "nvrtc"}


def _pip_libraries(ctx: RuleContext) -> dict[str, tuple[str, Evidence | None]]:
    """family -> (version, the line showing it) of the NVIDIA library wheels the log (or target) shows installed."""
    names = set(ctx.facts.installed) | (set(ctx.target.versions) if ctx.target is not None else set())
    out: dict[str, tuple[str, Evidence | None]] = {}
    for name in sorted(names):
        match = _NVIDIA_WHEEL.match(name)
        version = ctx.version_of(name) if match else None
        if match is None or not version:
            continue
        family = _WHEEL_FAMILY.get(match.group("lib"), match.group("lib"))
        shown = ctx.facts.installed.get(name)
        evidence = (
            Evidence(shown.line, shown.text, "fact/installed") if shown is not None and ctx.target is None else None
        )
        out.setdefault(family, (version, evidence))
    return out


# Libraries whose soname major is the toolkit's own (CUDA 11.x: libcudart.so.11.0, libcublas.so.11;
# cuFFT and cuRAND count apart: CUDA 11's are libcufft.so.10, libcurand.so.10)
_TOOLKIT_MAJOR = frozenset({"cudart", "cublas", "cublaslt"})
# Libraries versioned with the CUDA toolkit itself (cuDNN, NCCL, TensorRT have their own numbers).
_TOOLKIT_VERSIONED = frozenset({"cudart", "cublas", "cublaslt", "cufft", "curand", "cusolver", "cusparse", "nvrtc"})


def _framework_cuda(ctx: RuleContext) -> tuple[str, Evidence] | None:
    """The CUDA a framework build in the log was made for (`torch 2.2.1+cu118` -> 11.8): its wheels
    bring that CUDA's libraries into the environment."""
    torch = ctx.facts.frameworks.get("torch")
    found = re.search(r"\+cu(\d{2,3})(\d)$", torch.value) if torch else None
    if torch is None or found is None:
        return None
    return f"{int(found.group(1))}.{found.group(2)}", torch.evidence("fact/framework-build")


def _torch_cudnn(ctx: RuleContext) -> tuple[str, Evidence] | None:
    """The cuDNN major a CUDA build of torch brings into the environment (its nvidia-cudnn wheel, or
    torch/lib on Windows): 8 for torch 1.13-2.3, 9 from torch 2.4 on."""
    found = ctx.facts.version_of("torch")
    if found is None or "+cpu" in found.value or not found.value[:1].isdigit():
        return None
    release = version_tuple(found.value)[:2]
    if release >= (2, 4):
        return "9", found.evidence("fact/torch")
    if (1, 13) <= release < (2, 4):
        return "8", found.evidence("fact/torch")
    return None


@cause_rule("gpu/library-wanted-vs-present", "cuda-version-mismatch", "cuda-libs-missing")
def library_wanted_vs_present(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the framework asks for a CUDA library of one major version (`libcudart.so.11.0`,
    `cudnn64_8.dll`) while the log shows another one installed or loaded (nvcc release 12.x, a
    `libcudart.so.12` opened).
    Why: the loader looks for the exact soname the build was linked against; another major
    version installed is a version mismatch, not a missing library. The CUDA the user says the
    machine has ("I run CUDA 12.1") counts where nvcc's release is not shown.
    pip's NVIDIA wheels count as installed libraries (`nvidia-cudnn-cu12 8.9.2.26` is cuDNN 8), and so
    does the cuDNN a CUDA torch brings along (9 from torch 2.4 on: another package asking for
    `libcudnn_ops_infer.so.8` beside torch 2.5.1 meets cuDNN 9).
    Example: `Could not load dynamic library 'libcudart.so.11.0'` with `Cuda compilation tools, release 12.2`."""
    wanted = [lib for lib in ctx.facts.libraries if not lib.found and lib.version]
    if not wanted:
        return
    toolkit = ctx.facts.gpu.toolkit or ctx.facts.gpu.stated_cuda  # nvcc's, else the one the user says
    present = {lib.family: lib for lib in ctx.facts.libraries if lib.found and lib.version}
    wheels = _pip_libraries(ctx)
    for lib in wanted:
        have = present.get(lib.family)
        wheel = wheels.get(lib.family)
        build = _framework_cuda(ctx) if lib.family in _TOOLKIT_VERSIONED else None
        bundled = _torch_cudnn(ctx) if lib.family.startswith("cudnn") and wheel is None else None
        have_version = (
            have.version
            if have
            else wheel[0]
            if wheel
            else bundled[0]
            if bundled
            else (toolkit.value if toolkit and lib.family in _TOOLKIT_MAJOR else build[0] if build else None)
        )
        if have_version and version_tuple(have_version)[:1] != version_tuple(lib.version)[:1]:
            evidence = [Evidence(lib.line, lib.text, "fact/library")]
            if have is not None:
                evidence.append(Evidence(have.line, have.text, "fact/library"))
            elif wheel is not None:
                evidence += [wheel[1]] if wheel[1] is not None else []
            elif bundled is not None:
                evidence.append(bundled[1])
            elif toolkit is not None and lib.family in _TOOLKIT_MAJOR:
                evidence.append(Evidence(toolkit.line, toolkit.text, "fact/library"))
            elif build is not None:
                evidence.append(build[1])
            yield Verdict(
                "cuda-version-mismatch",
                0.85,
                f"the build asks for {lib.family} {lib.version}, the log shows {lib.family} {have_version}",
                evidence,
                moves_from=("cuda-libs-missing",),
            )
            return
        if have is None and wheel is None and toolkit is not None:
            shipping = sonames.toolkits_shipping(lib.family, lib.version)
            # a toolkit read off an opened libcudart.so.11.0 is known to its major only
            machine = toolkit.value.split(".")[0] if "libcudart" in toolkit.text.lower() else toolkit.value
            if shipping and sonames.ships(lib.family, lib.version, machine) is False:
                # one major can still differ: CUDA 10.1 has no libcudart.so.10.0, CUDA 11.1 no libcusolver.so.10
                span = shipping[0] if len(shipping) == 1 else f"{shipping[0]}-{shipping[-1]}"
                yield Verdict(
                    "cuda-version-mismatch",
                    0.85,
                    f"the build asks for {lib.family} {lib.version} (shipped in CUDA {span}); "
                    f"the machine's CUDA is {machine}",
                    [Evidence(lib.line, lib.text, "fact/library"), toolkit.evidence("fact/cuda")],
                    moves_from=("cuda-libs-missing",),
                )
                return


@cause_rule("gpu/library-major-not-comparable", "cuda-libs-missing", "cuda-version-mismatch")
def library_major_not_comparable(ctx: RuleContext) -> Iterator[Verdict]:
    """What: CTranslate2's "Library cublas64_12.dll is not found or cannot be loaded", and the log
    shows no CUDA of the environment to compare the DLL's major (12) with.
    Why: the DLL's name is the CUDA major the build was linked against; with no CUDA installed it
    is missing, with another major installed (CUDA 11 beside a CTranslate2 >= 4 built for 12) it
    is the version. Without the CUDA of the machine in the log, both stay candidates, told apart
    by the CUDA there; with it (nvcc's, or the user's "running CUDA 12.8"), the same major is a
    library not on the loader path.
    Example: `RuntimeError: Library cublas64_12.dll is not found or cannot be loaded` alone."""
    if not ctx.has("cuda-libs/windows-library-not-found") or ctx.concluded("cuda-version-mismatch"):
        return
    signal = ctx.signals.get("cuda-libs-missing")
    if signal is None or set(signal.ids) != {"cuda-libs/windows-library-not-found"}:
        return  # another library message decides it
    wanted = next((lib for lib in ctx.facts.libraries if not lib.found and lib.version), None)
    have = ctx.facts.gpu.toolkit or ctx.facts.gpu.stated_cuda
    if wanted is not None and have is not None and wanted.family in _TOOLKIT_MAJOR:
        if version_tuple(have.value)[:1] == version_tuple(wanted.version)[:1]:
            # the CUDA major the machine has is the one asked for: its library is not on the loader path
            why = (
                f"{wanted.family} {wanted.version} is asked for and the machine has CUDA {have.value}: not on the path"
            )
            evidence = [*ctx.evidence("cuda-libs-missing")[:1], have.evidence("fact/cuda")]
            yield Verdict("cuda-libs-missing", 0.85, why, evidence)
        return  # another major: library-wanted-vs-present reads the version
    major = f" {wanted.version}" if wanted else ""
    note = f"a CUDA{major} library is not found: not installed, or the environment has another CUDA major"
    evidence = ctx.evidence("cuda-libs-missing")[:1]
    yield Verdict("cuda-libs-missing", 0.6, note, evidence, cap=0.7)
    yield Verdict("cuda-version-mismatch", 0.55, note, evidence, cap=0.7)


# ONNX Runtime's words when its CUDA provider cannot load (1.19+): the majors its build links against
_ORT_REQUIRES = re.compile(r"require cudnn (?P<cudnn>\d+)\.\* and cuda (?P<cuda>\d+)\.\*", re.IGNORECASE)
# the cuDNN the user says the machine has: "the cudnn is 9.3", "cuDNN v8.9.7", "cudnn version: 8.2"
_STATED_CUDNN = re.compile(
    r"(?<![\w.])cudnn(?:\s+(?:is|version|v)|\s*[:=]|\s+v?(?=\d)|v(?=\d))\s*:?\s*v?(?P<v>\d{1,2})\.\d", re.IGNORECASE
)


@cause_rule("gpu/onnxruntime-provider-requires", "cuda-version-mismatch", "cuda-libs-missing")
def onnxruntime_provider_requires(ctx: RuleContext) -> Iterator[Verdict]:
    """What: ONNX Runtime's "Failed to create CUDAExecutionProvider. Require cuDNN 8.* and CUDA
    12.*", with the cuDNN or CUDA the user says the machine has.
    Why: ONNX Runtime prints the majors its build was linked against whenever the CUDA provider
    fails to load. Another major on the machine (cuDNN 9.3 for a cuDNN 8 build) is a version
    mismatch; the same majors, or none said, leave the libraries not found as the likelier reading.
    Example: `Require cuDNN 8.* and CUDA 12.*` with "The cuda is 12.6 and the cudnn is 9.3"."""
    requires = next(((n, t, m) for n, t in ctx.lines if (m := _ORT_REQUIRES.search(t))), None)
    if requires is None:
        return
    number, text, match = requires
    said_cudnn = next(
        ((n, t, m.group("v")) for n, t in ctx.lines if n != number and (m := _STATED_CUDNN.search(t))), None
    )
    cuda = ctx.facts.gpu.toolkit or ctx.facts.gpu.stated_cuda
    evidence = [Evidence(number, text, "fact/requires")]
    if said_cudnn is not None and said_cudnn[2] != match.group("cudnn"):
        why = f"ONNX Runtime's build needs cuDNN {match.group('cudnn')}, the machine has cuDNN {said_cudnn[2]}"
        evidence.append(Evidence(said_cudnn[0], said_cudnn[1], "fact/cudnn"))
    elif cuda is not None and cuda.line != number and cuda.value.split(".")[0] != match.group("cuda"):
        why = f"ONNX Runtime's build needs CUDA {match.group('cuda')}, the machine has CUDA {cuda.value}"
        evidence.append(cuda.evidence("fact/cuda"))
    else:
        note = "ONNX Runtime's CUDA provider could not load the CUDA or cuDNN libraries its build needs"
        yield Verdict("cuda-libs-missing", 0.6, note, evidence, cap=0.7)
        return
    fix = (
        f"install the onnxruntime-gpu build for the machine's versions, or cuDNN {match.group('cudnn')}.x / "
        f"CUDA {match.group('cuda')}.x beside it"
    )
    yield Verdict("cuda-version-mismatch", 0.85, why, evidence, moves_from=("cuda-libs-missing",), fix=fix)


@cause_rule("gpu/library-of-the-build-missing", "cuda-libs-missing")
def library_of_the_build_missing(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a CUDA library cannot be loaded and its version is the one the installed framework's
    build expects (knowledge base: TensorFlow 2.10 -> CUDA 11.2 / cuDNN 8).
    Why: then nothing else is wrong with the versions; the library is simply not installed or not
    on the loader path.
    Example: TensorFlow 2.10 + `Could not load dynamic library 'libcudart.so.11.0'`."""
    if "cuda-libs-missing" not in ctx.signals or ctx.concluded("cuda-version-mismatch"):
        return
    build = _build_cuda(ctx)
    wanted = [lib for lib in ctx.facts.libraries if not lib.found and lib.version]
    if build is None or not wanted:
        return
    name, version, cuda, cudnn = build
    for lib in wanted:
        expected = cudnn if lib.family.startswith("cudnn") else cuda if lib.family == "cudart" else None
        if expected and version_tuple(expected)[:1] == version_tuple(lib.version)[:1]:
            yield Verdict(
                "cuda-libs-missing",
                0.6,
                f"{name} {version} is built for {lib.family} {expected}, which the loader cannot find",
                [Evidence(lib.line, lib.text, "fact/library")],
            )
            return


_WSL = re.compile(r"\bwsl2?\b|microsoft-standard|/usr/lib/wsl\b", re.IGNORECASE)
_GPU_WORDS = re.compile(r"cuda|\bgpu|device|nvidia|driver", re.IGNORECASE)


@cause_rule("gpu/driver-library-missing", "no-gpu-visible")
def driver_library_missing(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the NVIDIA driver's own library cannot be loaded, `libcuda.so.1` (TensorFlow's
    "Could not load dynamic library 'libcuda.so.1'", a dlopen error from PyTorch, JAX, CuPy) or
    Windows' `nvcuda.dll`, and no other CUDA library is missing.
    Why: libcuda comes with the NVIDIA driver, never with a CUDA toolkit or a framework's wheels:
    without it there is no driver on this machine, or the container was started without the GPU
    (`docker run --gpus all`, the NVIDIA container runtime). The framework falls back to the CPU,
    and installing CUDA libraries changes nothing. (WSL keeps the driver's library in
    /usr/lib/wsl/lib, and an unversioned `libcuda.so` is the development link cuDNN asks for:
    both are the loader path, read as missing libraries.)
    An error of another kind ending the log (a Keras import) is what the log is about: the warning
    is then TensorFlow's usual note on a machine without a GPU.
    Example: `Could not load dynamic library 'libcuda.so.1'; dlerror: libcuda.so.1: cannot open
    shared object file` then `failed call to cuInit: UNKNOWN ERROR (303)`."""
    missing = [lib for lib in ctx.facts.libraries if not lib.found]
    driver = [lib for lib in missing if lib.family == "nvcuda" or (lib.family == "cuda" and lib.version == "1")]
    if not driver or len(driver) != len(missing) or any(_WSL.search(text) for _, text in ctx.lines):
        return
    lib = driver[0]
    terminal = ctx.facts.terminal_error()
    if terminal is not None and terminal.line != lib.line and not _GPU_WORDS.search(terminal.message):
        return  # TensorFlow's warning on a machine without a GPU, beside the error the log is about
    yield Verdict(
        "no-gpu-visible",
        0.85,
        "the NVIDIA driver's own library (libcuda / nvcuda.dll) is missing: no driver, or a container without the GPU",
        [Evidence(lib.line, lib.text, "fact/library")],
        demotes=("cuda-libs-missing",),
        fix="install the NVIDIA driver (`nvidia-smi` must list the GPU); in Docker, run with `--gpus all` and "
        "the NVIDIA container toolkit",
    )


@cause_rule("gpu/driver-older-than-build", "driver-too-old")
def driver_older_than_build(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the driver's CUDA version (nvidia-smi's "CUDA Version", or the driver version against
    the knowledge base's minimum) is older than the CUDA the installed build needs.
    Why: a CUDA runtime needs a driver at least as new as its release (minor-version compatibility
    within a major aside, from CUDA 11 on); an older driver fails at the first CUDA call. A conda
    install's `cudatoolkit=10.2` is the runtime the environment gets.
    Example: `CUDA Version: 11.4` in nvidia-smi with torch 2.1.0+cu121."""
    build = _build_cuda(ctx) or _conda_cuda_runtime(ctx)
    if build is None:
        return
    name, version, cuda, _cudnn = build
    if not cuda:
        return
    driver_cuda = ctx.target.driver_cuda if ctx.target and ctx.target.driver_cuda else None
    located = ctx.facts.gpu.driver_cuda
    if driver_cuda is None and located is not None:
        driver_cuda = located.value
    # CUDA 11 on runs on any driver of its major (minor-version compatibility); before 11, a
    # runtime needed a driver of its own minor or newer (10.2 does not run on a 10.1 driver)
    digits = 1 if version_tuple(cuda)[:1] >= (11,) else 2
    if driver_cuda and version_tuple(driver_cuda)[:digits] < version_tuple(cuda)[:digits]:
        evidence = [located.evidence("fact/driver")] if located is not None and ctx.target is None else []
        yield Verdict(
            "driver-too-old",
            0.88,
            f"{name} {version} needs CUDA {cuda}; the driver supports CUDA {driver_cuda} at most",
            evidence,
            demotes=("cuda-libs-missing", "no-gpu-visible", "cuda-version-mismatch"),
            fix=f"update the NVIDIA driver to one for CUDA {cuda}, or "
            + (
                f"install {name}={driver_cuda}"
                if name in _CONDA_CUDA_RUNTIME
                else f"install a {name} build for CUDA {driver_cuda}"
            ),
        )


# the log asks for a GPU device: `--device 0`, `device='cuda'`, "training on GPU"
_ASKS_FOR_THE_GPU = re.compile(
    r"--device[ =]+['\"]?(?:\d|cuda)|\bdevice\s*=\s*['\"]?(?:\d|cuda)|\b(?:on|use|using|with) (?:the |my )?gpu\b"
    r"|cuda\.is_available",
    re.IGNORECASE,
)


@cause_rule("gpu/cpu-only-build", "no-gpu-visible")
def cpu_only_build(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the GPU is not used and the installed framework is a CPU-only build (`torch 2.3.0+cpu`,
    `tensorflow-cpu`, a jaxlib without a CUDA plugin).
    Why: a CPU build never sees a GPU, whatever the driver.
    A `+cpu` torch in a log that asks for a GPU device (`--device 0`, "train on GPU") is the same.
    Example: `torch 2.1.0+cpu` with `torch.cuda.is_available()` -> False."""
    torch = ctx.version_of("torch") or ""
    asked = torch.endswith("+cpu") and any(_ASKS_FOR_THE_GPU.search(t) for _, t in ctx.lines)
    if "no-gpu-visible" not in ctx.signals and "gpu-query" not in ctx.tags and not asked:
        return
    if torch.endswith("+cpu"):
        found = ctx.facts.version_of("torch")
        evidence = [found.evidence("fact/torch")] if found is not None else []
        yield Verdict("no-gpu-visible", 0.85, f"torch {torch} is the CPU-only build", evidence)
        return
    wheel = ctx.facts.own_wheels.get("torch")
    if ctx.os == "windows" and wheel is not None and "+" not in wheel.value and "%2b" not in wheel.text.lower():
        # PyPI's Windows torch wheels are CPU builds; the CUDA ones (download.pytorch.org) carry `+cuXXX`
        why = f"torch {wheel.value} came as a Windows wheel without a +cuXXX tag: the CPU-only build"
        yield Verdict("no-gpu-visible", 0.85, why, [Evidence(wheel.line, wheel.text, "fact/wheel")])
        return
    if ctx.version_of("tensorflow-cpu"):
        yield Verdict("no-gpu-visible", 0.75, "tensorflow-cpu is a CPU-only build", [])


# A framework's CPU distribution and its GPU one install the same import package: with both
# installed, whichever wrote its files last is the one imported.
_CPU_GPU_TWINS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("onnxruntime", re.compile(r"^onnxruntime-gpu$")),
    ("paddlepaddle", re.compile(r"^paddlepaddle-gpu$")),
    ("faiss-cpu", re.compile(r"^faiss-gpu(?:-cu\d+)?$")),
    ("tensorflow-cpu", re.compile(r"^tensorflow(?:-gpu)?$")),
    ("mxnet", re.compile(r"^mxnet-cu\d+\w*$")),
)
# the CPU twin in a listing written by hand ("onnxruntime 1.2.0", "onnx - 1.6.0", "paddlepaddle==2.4")
_LISTED_AS = r"^[\s`>*-]*{name}\s*(?:[-=:]+\s*|\s)v?\d+\.\d+"
# Paddle's own check that the CPU build is the one loaded (PaddleClas, PaddleDetection, PaddleOCR)
_PADDLE_SAYS_CPU = re.compile(r"using paddlepaddle cpu version", re.IGNORECASE)


def _twin_line(ctx: RuleContext, name: str) -> Evidence | None:
    found = ctx.facts.installed.get(name)
    if found is not None:
        return Evidence(found.line, found.text, "fact/installed")
    listed = re.compile(_LISTED_AS.format(name=re.escape(name)), re.IGNORECASE)
    return next((Evidence(n, t, "fact/listed") for n, t in ctx.lines if listed.search(t)), None)


@cause_rule("gpu/cpu-and-gpu-builds-both-installed", "no-gpu-visible")
def cpu_and_gpu_builds_both_installed(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the GPU is not used, and the log lists a framework's CPU distribution beside its GPU
    one (`onnxruntime` and `onnxruntime-gpu`, `paddlepaddle` and `paddlepaddle-gpu`, `faiss-cpu`
    and `faiss-gpu`, `tensorflow-cpu` and `tensorflow`).
    Why: both install one import package, so one's files overwrite the other's; when the CPU
    build's won, the framework imports fine and never sees the GPU (ONNX Runtime lists only
    `CPUExecutionProvider`, Paddle says "You are using paddlepaddle cpu version").
    Example: `onnxruntime 1.2.0` and `onnxruntime-gpu 1.2.0` listed, "I could get only
    CPUExecutionProvider".
    Fix: uninstall both, then install only the GPU distribution."""
    paddle_cpu = next(((n, t) for n, t in ctx.lines if _PADDLE_SAYS_CPU.search(t)), None)
    if "no-gpu-visible" not in ctx.signals and "gpu-query" not in ctx.tags and paddle_cpu is None:
        return
    for cpu, gpu_names in _CPU_GPU_TWINS:
        gpu = next((name for name in ctx.facts.installed if gpu_names.match(name)), None)
        if gpu is None:
            continue
        gpu_line = _twin_line(ctx, gpu)
        cpu_line = _twin_line(ctx, cpu)
        if gpu_line is None or cpu_line is None or cpu_line.line == gpu_line.line:
            continue
        evidence = [cpu_line, gpu_line]
        if paddle_cpu is not None:
            evidence.append(Evidence(paddle_cpu[0], paddle_cpu[1], "fact/cpu-build-loaded"))
        why = f"{cpu} (the CPU build) is installed beside {gpu}: both fill one import package, the CPU one is loaded"
        fix = f"uninstall both, then install only the GPU build: `pip uninstall -y {cpu} {gpu}` and `pip install {gpu}`"
        yield Verdict("no-gpu-visible", 0.85, why, evidence, fix=fix)
        return


# a GPU CUDA cannot use, named as the machine's (Intel's integrated ones, AMD's Radeon, Apple's)
_OTHER_GPU = re.compile(
    r"\bintel(?:\(r\))?\s+(?:iris|uhd|hd|arc)\b|\biris\s*xe\b|\b(?:integrated|onboard)\s+(?:intel\s+)?(?:gpu|graphics)\b"
    r"|\bintel\s+(?:integrated\s+)?(?:gpu|graphics)\b|\bamd\s+radeon\b|\bradeon\s+(?:rx|pro|vega|graphics)\b",
    re.IGNORECASE,
)
# code in a traceback moving work onto a CUDA device: `model.cuda()`, `torch.cuda.set_device(0)`
_CUDA_CALL = re.compile(r"\.cuda\(|\btorch\.cuda\.\w+\(|\bcuda\.init\(|device=['\"]cuda")
# an NVIDIA GPU named in the log: then the machine has one, whatever else it has
_NVIDIA_GPU = re.compile(
    r"\b(?:geforce|quadro|tesla|titan)\b|\b[rg]tx\s*\d{3,4}|\b[ahlv]100\b|\bh200\b|\bt4\b|\bjetson\b|\bnvidia\s+[a-z]?\d{2,4}",
    re.IGNORECASE,
)


@cause_rule("gpu/no-nvidia-gpu-in-the-machine", "no-gpu-visible")
def no_nvidia_gpu_in_the_machine(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log names the machine's GPU as one CUDA cannot use (an integrated Intel Iris /
    UHD, an AMD Radeon), names no NVIDIA GPU (no nvidia-smi table, no GeForce / RTX / Tesla), and
    a CUDA message follows ("CUDA driver version is insufficient", a CUDA library, no GPU seen).
    Why: CUDA runs only on NVIDIA GPUs. Without one there is no NVIDIA driver at all, and CUDA's
    runtime reports that as an insufficient driver or a missing library: the machine has no GPU
    the framework can use, and no driver update or CUDA install changes that.
    Example: "CUDA driver version is insufficient for CUDA runtime version" and "I'm using an
    integrated Intel GPU (Iris Xe graphics)"."""
    gpu = ctx.facts.gpu
    if gpu.driver or gpu.gpu_named or gpu.driver_cuda:
        return
    cuda_said = any(c in ctx.signals for c in (*_GPU_ROOTS, "no-gpu-visible"))
    if not cuda_said and not ctx.facts.frames:
        return
    named = next(((n, t) for n, t in ctx.lines if _OTHER_GPU.search(t)), None)
    if named is None or any(_NVIDIA_GPU.search(t) for _, t in ctx.lines):
        return
    if not cuda_said and not any("cuda" in t.lower() and _CUDA_CALL.search(t) for _, t in ctx.lines):
        return
    yield Verdict(
        "no-gpu-visible",
        0.85,
        "the machine's GPU is not an NVIDIA one: CUDA has no GPU (and no NVIDIA driver) to run on",
        [Evidence(named[0], named[1], "fact/gpu-not-nvidia")],
        demotes=_GPU_ROOTS,
        fix="run on the CPU (or a build for this GPU: DirectML, ROCm, oneAPI), or on a machine with an NVIDIA GPU",
    )


@cause_rule("gpu/the-user-says-no-gpu", "no-gpu-visible")
def the_user_says_no_gpu(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the user says the framework does not detect / see / use the GPU ("TensorFlow can't
    detect my GPU"), and the log shows nothing else: no error, no other cause.
    Why: that is the symptom the cause is named for (the framework runs, without the GPU), but a
    thread that says only this is as often resolved by the driver, the CUDA libraries or a CPU-only
    build: the leading candidate, below the bar, with its tell-apart check (nvidia-smi, the
    framework's own GPU check) as the next step.
    Example: `TensorFlow does not detect my GPU, it only uses the CPU.`"""
    said = ctx.hits.get("fact/gpu-query-not-detected")
    if said is None or ctx.facts.errors:
        return
    if any(c != "no-gpu-visible" and s.score >= 0.3 for c, s in ctx.signals.items()):
        return
    why = "the user reports the framework not seeing the GPU, and nothing else"
    yield Verdict("no-gpu-visible", 0.7, why, said.evidence[:1], cap=0.7)


# The causes that show, from the framework's side, as "no GPU": the reason behind the symptom.
_GPU_ROOTS = ("cuda-libs-missing", "cuda-version-mismatch", "driver-too-old")
# Verdicts that already say why no GPU is seen (a CPU-only build, TF on native Windows, the driver).
_NO_GPU_REASONS = (
    "gpu/cpu-only-build",
    "gpu/windows-tensorflow-after-2.10",
    "gpu/driver-older-than-build",
    "gpu/driver-library-missing",
    "gpu/container-started-without-the-gpu",
)
# The framework's own words that its build has no CUDA: the reason, not only the symptom.
_BUILD_SAYS_CPU = frozenset({"no-gpu/torch-not-cuda", "no-gpu/built-without-cuda", "no-gpu/jax-cpu-jaxlib"})


@cause_rule("gpu/no-gpu-beside-a-stack-fault", "no-gpu-visible", *_GPU_ROOTS)
def no_gpu_beside_a_stack_fault(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the framework says it sees no GPU (a device list with only a CPU, `is_available()`
    False), and the same log shows a fault of the GPU stack: a CUDA library that failed to load,
    or the driver's CUDA version next to a build whose CUDA the log does not show.
    Why: a library that does not load or a driver too old for the build is exactly what makes the
    framework fall back to the CPU; "no GPU" is then the symptom. With the other cause's own
    evidence strong, it is the answer (the symptom demoted); with only a fact that could go either
    way, one "no GPU" line may not decide: both stay candidates (`nvidia-smi`, the build's CUDA
    tell them apart).
    Example: `Could not load dynamic library 'libcudnn.so.8'` then `Num GPUs Available: 0`."""
    if ctx.score("no-gpu-visible") < 0.5 or any(v.rule in _NO_GPU_REASONS and v.weight > 0 for v in ctx.verdicts):
        return
    root = max(_GPU_ROOTS, key=ctx.score)
    failed = [lib for lib in ctx.facts.libraries if not lib.found]
    if ctx.score(root) >= 0.5 and (failed or root == "driver-too-old"):
        why = f"{root} is why the framework falls back to the CPU (no GPU seen)"
        yield Verdict(root, 0.0, why, [], demotes=("no-gpu-visible",))
        return
    driver = ctx.facts.gpu.driver_cuda
    build_cuda = _build_cuda(ctx)
    said = ctx.signals.get("no-gpu-visible")
    if said is not None and set(said.ids) & _BUILD_SAYS_CPU:
        return  # the framework says its build has no CUDA: that is why, whatever the driver
    if failed:
        lib = failed[0]
        why = f"{lib.family} {lib.version or ''} does not load: a CUDA library fault, not only a missing GPU"
        yield Verdict(
            "no-gpu-visible", 0.0, why.replace("  ", " "), [Evidence(lib.line, lib.text, "fact/library")], cap=0.7
        )
    elif driver is not None and build_cuda is None:
        why = f"the driver supports CUDA {driver.value}, and the log does not show which CUDA the build needs"
        yield Verdict("no-gpu-visible", 0.0, why, [driver.evidence("fact/driver")], cap=0.7)


@cause_rule("gpu/runtime-stub-vs-toolkit", "cuda-version-mismatch", "no-gpu-visible")
def runtime_stub_vs_toolkit(ctx: RuleContext) -> Iterator[Verdict]:
    """What: TensorFlow's `cudart_stub` says "Could not find cuda drivers" while the log shows a CUDA
    toolkit (a container's `CUDA Version 12.1.1` banner, nvcc's release) of another major version than
    the one the installed build is made for (knowledge base: TensorFlow 2.13 -> CUDA 11.8).
    Why: that line is printed when the stub cannot open the CUDA runtime (libcudart) the build was
    linked against; with a runtime of another major version present, the versions do not match:
    the GPU is not missing.
    Example: `CUDA Version 12.1.1` then `cudart_stub.cc:28] Could not find cuda drivers ...` with TF 2.13."""
    stub = ctx.hits.get("no-gpu/cuda-drivers")
    toolkit = ctx.facts.gpu.toolkit
    if stub is None or toolkit is None:
        return
    evidence = [*stub.evidence[:1], toolkit.evidence("fact/library")]
    build = _build_cuda(ctx)
    if build is None or not build[2]:
        # the build's CUDA unknown: a runtime present that the stub cannot open points at a version
        # mismatch (or a runtime off the loader path), not at a missing GPU; below the bar
        why = f"the CUDA runtime does not load while the log shows CUDA {toolkit.value}; the build's CUDA is not shown"
        yield Verdict("cuda-version-mismatch", 0.7, why, evidence, cap=0.7, demotes=("no-gpu-visible",))
        return
    name, version, cuda, _cudnn = build
    if version_tuple(toolkit.value)[:1] == version_tuple(cuda)[:1]:
        return
    yield Verdict(
        "cuda-version-mismatch",
        0.85,
        f"{name} {version} is built for CUDA {cuda}; its runtime does not load and the log shows CUDA {toolkit.value}",
        evidence,
        demotes=("no-gpu-visible",),
        fix=f"install the CUDA {cuda} runtime (or a {name} build for CUDA {toolkit.value})",
    )


# a code line that indexes the GPU list TensorFlow returned (`physical_devices[0]`, `gpus[0]`,
# `tf.config.list_physical_devices('GPU')[0]`)
_GPU_LIST_INDEXED = re.compile(
    r"(?:list_physical_devices|get_visible_devices|list_logical_devices)\(\s*['\"]gpu['\"]\s*\)\s*\[\s*0\s*\]"
    r"|(?:set_memory_growth|set_visible_devices|set_logical_device_configuration|set_virtual_device_configuration)"
    r"\(\s*(?:physical_)?(?:devices|gpus?|gpu_devices|physical_devices)\s*\[\s*0\s*\]",
    re.IGNORECASE,
)


@cause_rule("gpu/empty-device-list-indexed", "no-gpu-visible")
def empty_device_list_indexed(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `IndexError: list index out of range` raised on a line that takes the first entry of
    TensorFlow's GPU list (`tf.config.experimental.set_memory_growth(physical_devices[0], True)`).
    Why: `list_physical_devices('GPU')` returns an empty list when TensorFlow sees no GPU (a CPU-only
    build, no driver, CUDA libraries it could not load, a hidden device); indexing it is the first
    thing that fails, so the IndexError says the GPU list was empty.
    Example: `set_memory_growth(physical_devices[0], True)` then `IndexError: list index out of range`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None or terminal.kind != "IndexError" or "out of range" not in terminal.message:
        return
    for number, line in reversed(ctx.lines):
        if number >= terminal.line or number < terminal.line - 6:
            continue
        if _GPU_LIST_INDEXED.search(line):
            why = "the first entry of TensorFlow's GPU list is taken, and the list is empty: no GPU is visible"
            evidence = [
                Evidence(number, line, "fact/gpu-list-indexed"),
                Evidence(terminal.line, terminal.text, "fact/error"),
            ]
            fix = (
                "check what TensorFlow sees: "
                "`python -c \"import tensorflow as tf; print(tf.config.list_physical_devices('GPU'))\"`"
            )
            yield Verdict("no-gpu-visible", 0.85, why, evidence, fix=fix)
            return


@cause_rule("gpu/no-gpu-beside-another-cuda-than-the-build", "cuda-version-mismatch")
def no_gpu_beside_another_cuda_than_the_build(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the framework sees no GPU, and the CUDA the log shows installed (nvcc, the issue
    template's "CUDA/cuDNN version") is not the one the installed build was made for (knowledge
    base: TensorFlow 2.1 -> CUDA 10.1).
    Why: a build loads the CUDA runtime by its exact name: before CUDA 11 by major.minor
    (`cudart64_101.dll`, `libcudart.so.10.1`), from 11 on by the major (`libcudart.so.11.0`).
    Another one installed is not found, so the framework falls back to the CPU: the GPU is not
    missing, the versions do not match.
    Example: TensorFlow 2.1.0, "CUDA/cuDNN version: 10.2.89", and a device list with the CPU only."""
    if "no-gpu-visible" not in ctx.signals or ctx.concluded("cuda-version-mismatch"):
        return
    toolkit = ctx.facts.gpu.toolkit
    build = _build_cuda(ctx)
    if toolkit is None or build is None or not build[2]:
        return
    name, version, cuda, _cudnn = build
    assert cuda is not None
    digits = 1 if version_tuple(cuda)[:1] >= (11,) else 2
    if version_tuple(toolkit.value)[:digits] == version_tuple(cuda)[:digits]:
        return
    why = f"{name} {version} is built for CUDA {cuda}; the log shows CUDA {toolkit.value}, which it does not load"
    yield Verdict(
        "cuda-version-mismatch",
        0.85,
        why,
        [toolkit.evidence("fact/library"), *ctx.evidence("no-gpu-visible")[:1]],
        moves_from=("no-gpu-visible",),
        fix=f"install CUDA {cuda} (and its cuDNN) for {name} {version}, or a {name} release built for "
        f"CUDA {toolkit.value}",
    )


# the GPU checks whose answer is all a log says about the GPU
_GPU_CHECK_ONLY = frozenset({"no-gpu/cuda-unavailable", "no-gpu/not-available"})
_TORCH_CUDA_BUILD = re.compile(r"\+cu\d{2,3}\b|download\.pytorch\.org/whl/cu\d{2,3}", re.IGNORECASE)
_TORCH_CPU_BUILD = re.compile(r"\+cpu\b|download\.pytorch\.org/whl/cpu|\bcpuonly\b", re.IGNORECASE)
_PIP_TORCH = re.compile(r"\bpip3?\s+install\b[^\n]*\btorch\b", re.IGNORECASE)
_DRIVER_SHOWN = ("no-gpu/torch-no-driver", "no-gpu/torch-no-driver-warning")


def _torch_cuda_build(ctx: RuleContext) -> Evidence | None:
    """The line showing the log's torch is a CUDA build: `+cu121`, PyTorch's CUDA index, or pip's torch
    on Linux (PyPI's Linux torch wheels are CUDA builds; its Windows and macOS ones are not)."""
    version = ctx.version_of("torch") or ""
    if _TORCH_CPU_BUILD.search(version) or any(_TORCH_CPU_BUILD.search(text) for _, text in ctx.lines):
        return None
    for number, text in ctx.lines:
        if _TORCH_CUDA_BUILD.search(text) and "torch" in text.lower():
            return Evidence(number, text, "fact/torch-cuda-build")
    if ctx.os == "linux" and ctx.facts.platforms[:1] != ("linux-aarch64",):
        # pip's plain torch on Linux, from PyPI or torch_stable.html, is a CUDA build (on Windows a CPU one)
        command = next((c for c in ctx.facts.install_commands if _PIP_TORCH.search(c.value)), None)
        if command is not None:
            return command.evidence("fact/torch-cuda-build")
    return None


# (last of the GPU rules: its cap holds over their weights)
@cause_rule("gpu/a-cuda-build-sees-no-gpu", "no-gpu-visible", "driver-too-old")
def a_cuda_build_sees_no_gpu(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a PyTorch CUDA build (`+cu121`, PyTorch's CUDA index, or pip's torch on Linux) answers
    that it sees no GPU (`torch.cuda.is_available()` -> False), and the log shows nothing of the
    driver: no nvidia-smi, no "Found no NVIDIA driver", no container.
    Why: a CUDA wheel brings its own CUDA runtime, so what is left between it and the GPU is the
    driver: none at all (or a GPU the machine does not expose), or one older than the build's CUDA.
    Both read the same in this log; `nvidia-smi` tells them apart, so both stay candidates.
    Example: `pip install torch==1.3.0 -f .../torch_stable.html` on Linux, then `False`."""
    # what says no GPU is a GPU check's answer alone: its signatures, or the interactive check's rule
    signal = ctx.signals.get("no-gpu-visible")
    if signal is not None and not set(signal.ids) <= _GPU_CHECK_ONLY:
        return
    check = ctx.concluded("no-gpu-visible")
    if signal is None and (check is None or check.rule != "gpu/check-answer-negative"):
        return
    if any(v.rule in _NO_GPU_REASONS and v.weight > 0 for v in ctx.verdicts):
        return  # a reason is known (a CPU-only build, a container without the GPU ...)
    gpu = ctx.facts.gpu
    if gpu.driver or gpu.driver_cuda or gpu.gpu_named or ctx.has(*_DRIVER_SHOWN):
        return
    if any(c in ctx.signals for c in ("cuda-libs-missing", "cuda-version-mismatch", "driver-too-old")):
        return
    if any(_WSL.search(text) or _DOCKER_RUN.search(text) for _, text in ctx.lines):
        return  # WSL's and a container's own readings decide those
    build = _torch_cuda_build(ctx)
    if build is None:
        return
    note = "a CUDA build of torch sees no GPU: no NVIDIA driver, or one older than the build's CUDA"
    yield Verdict("no-gpu-visible", 0.0, note, [build], cap=0.65)
    yield Verdict("driver-too-old", 0.45, note, [build], cap=0.65)
