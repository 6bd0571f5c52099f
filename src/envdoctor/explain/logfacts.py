"""`LogFacts`: what a log says about the machine, the environment and the tools, as typed data.

The extractor (`extract.py`) builds it from the lines the scanner kept; the cause rules
(`explain/rules/`) read it together with the knowledge base. Every fact keeps the 1-based line it
came from, so a verdict can show its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from envdoctor.explain.model import Conflict, Evidence


@dataclass(frozen=True)
class Located:
    """A value and the log line it was read from."""

    value: str
    line: int
    text: str = ""

    def evidence(self, signature: str = "") -> Evidence:
        return Evidence(self.line, self.text or self.value, signature)


@dataclass(frozen=True)
class Requested:
    """A requirement the user (or a resolver) asked for: `tensorflow==2.13.0`, `numpy>=1.23.5,<2.0.0`."""

    name: str  # normalised (lowercase, `-`)
    spec: str  # the specifier set, commas kept ("" when bare)
    line: int
    text: str = ""
    source: str = ""  # "pip-error" | "collecting" | "command" | "uv" | "poetry" | "conda" | "build"

    @property
    def requirement(self) -> str:
        return f"{self.name}{self.spec}"


@dataclass(frozen=True)
class Offered:
    """The versions an index offered for a name (pip's "(from versions: ...)")."""

    name: str
    versions: tuple[str, ...]
    line: int
    text: str = ""


@dataclass(frozen=True)
class Installed:
    """A distribution the log shows installed (version may be unknown), and where."""

    name: str
    version: str
    where: str  # a site-packages / prefix path, or ""
    line: int
    text: str = ""


@dataclass(frozen=True)
class Library:
    """A shared library asked for (`libcudart.so.11.0`, `cudnn64_8.dll`) or seen loaded."""

    family: str  # cudart | cudnn | cublas | cufft | curand | cusolver | cusparse | nvrtc | nvinfer | nccl | ...
    version: str  # the soname / DLL version ("11.0", "8", "110" -> "11.0"), "" when none
    line: int
    text: str = ""
    found: bool = False  # True: "Successfully opened dynamic library ..."


@dataclass(frozen=True)
class PathFact:
    """A Python installation a path in the log belongs to."""

    prefix: str  # the installation's prefix as printed (lowercased, separators kept)
    kind: str  # user | conda-env | conda-base | venv | system | pyenv
    role: str  # frame (traceback) | install (pip's "in <path>") | interpreter | kernel | site | pythonpath
    line: int
    text: str = ""


@dataclass(frozen=True)
class ErrorLine:
    """An error the log ends on or reports: a Python exception line, pip's `ERROR:`, a fatal line."""

    kind: str  # the exception type ("ModuleNotFoundError"), "pip", "conda", "fatal"
    message: str
    line: int
    text: str = ""


@dataclass(frozen=True)
class Mismatch:
    """pip's "X 1.0 requires dep<2, but you have dep 2.1 which is incompatible"."""

    package: str
    version: str
    requirement: str
    dependency: str
    dependency_version: str
    line: int
    text: str = ""


@dataclass
class GpuFacts:
    driver: Located | None = None  # NVIDIA driver version (nvidia-smi, torch's message)
    driver_cuda: Located | None = None  # the CUDA version the driver supports (nvidia-smi "CUDA Version")
    toolkit: Located | None = None  # nvcc's release, or a CUDA runtime the log shows loaded
    cudnn_loaded: Located | None = None
    cudnn_compiled: Located | None = None
    gpu_named: Located | None = None  # a GPU model in the log (nvidia-smi, torch)
    stated_cuda: Located | None = None  # a CUDA version the user says the machine has ("I run CUDA 12.1")


@dataclass
class LogFacts:
    """Everything the extractor read from a log; empty fields mean "the log does not say"."""

    tools: dict[str, Located] = field(default_factory=dict)  # pip, uv, conda, libmamba, traceback, tensorflow...
    tool_versions: dict[str, Located] = field(default_factory=dict)  # pip -> 24.0
    # the installer the user ran when it is not pip: "uv" (uv pip ...), "uv-project" (uv add / sync / lock / run)
    installer: Located | None = None
    python: Located | None = None  # "3.10" or "3.10.12"
    abi_tags: dict[str, Located] = field(default_factory=dict)  # cp310 -> where a wheel for this machine shows it
    # normalised name -> the version in the file name of a wheel this machine chose (`torch-1.7.1-cp38-...whl`)
    own_wheels: dict[str, Located] = field(default_factory=dict)
    os: str | None = None  # linux | macos | windows
    os_evidence: list[Evidence] = field(default_factory=list)
    platforms: tuple[str, ...] = ()  # knowledge-base platform keys this machine can be
    bits: int | None = None  # 32 when the log shows a 32-bit Python
    machine_signs: list[Located] = field(default_factory=list)  # musl, Rosetta, armv7l, Jetson ...
    glibc: Located | None = None
    distro_glibc: Located | None = None  # the glibc of the distribution release the log names (RHEL 8: 2.28)
    requests: list[Requested] = field(default_factory=list)
    offered: list[Offered] = field(default_factory=list)
    installed: dict[str, Installed] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    libraries: list[Library] = field(default_factory=list)
    gpu: GpuFacts = field(default_factory=GpuFacts)
    paths: list[PathFact] = field(default_factory=list)
    frameworks: dict[str, Located] = field(default_factory=dict)  # tensorflow -> 2.15.0 (also numpy, keras ...)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[ErrorLine] = field(default_factory=list)  # in log order; the last is the terminal one
    missing_modules: list[Located] = field(default_factory=list)  # ModuleNotFoundError names
    jupyter: list[Located] = field(default_factory=list)  # signs of a notebook / kernel
    activated_env: Located | None = None  # `conda activate tf`, `(tf) $`, `source venv/bin/activate`
    install_commands: list[Located] = field(default_factory=list)  # `pip install ...` commands shown
    gpu_question: bool = False  # the user asks whether a GPU is used / seen
    era_from: Located | None = None  # the log is from this day (YYYY-MM-DD) or later (a pip release, a timestamp)
    era_until: Located | None = None  # ... and from before this day (the next pip after the newest it names)
    extra_index: Located | None = None  # pip read another index or a find-links page too
    resolutions: list[tuple[str, Located]] = field(default_factory=list)  # (cause, the user's "solved by" line)
    frames: list[Located] = field(default_factory=list)  # traceback frames' file paths, in log order
    # conda / pip list rows: (name, version, build and channel, line, text)
    listed: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    replaced: list[Located] = field(default_factory=list)  # packages pip uninstalled to install another version
    claimed: list[Located] = field(default_factory=list)  # what the user says is installed ("pip list shows torch")
    ide: list[Located] = field(default_factory=list)  # an IDE that runs its own interpreter (VS Code, PyCharm ...)

    # -- queries the rules share ---------------------------------------------------------------
    @property
    def python_minor(self) -> str | None:
        if self.python is None:
            return None
        parts = self.python.value.split(".")
        return ".".join(parts[:2]) if len(parts) >= 2 else None

    def version_of(self, name: str) -> Located | None:
        """A distribution's version: installed facts first, then framework lines."""
        dist = self.installed.get(name)
        if dist is not None and dist.version:
            return Located(dist.version, dist.line, dist.text)
        return self.frameworks.get(name)

    def terminal_error(self) -> ErrorLine | None:
        return self.errors[-1] if self.errors else None

    def kinds_of_paths(self, role: str | None = None) -> set[str]:
        return {p.kind for p in self.paths if role is None or p.role == role}

    def prefixes(self, role: str | None = None) -> dict[str, PathFact]:
        out: dict[str, PathFact] = {}
        for path in self.paths:
            if role is None or path.role == role:
                out.setdefault(path.prefix, path)
        return out

    def flat(self) -> dict[str, str]:
        """The short string facts shown in `explain --format json` (`facts`), as before LogFacts."""
        out: dict[str, str] = {}
        if self.python is not None:
            out["python"] = self.python.value
        if self.os:
            out["os"] = self.os
        if self.platforms:
            out["platform"] = " / ".join(self.platforms)
        for name in ("tensorflow", "torch", "jax", "jaxlib", "numpy", "keras", "protobuf"):
            found = self.version_of(name)
            if found is not None:
                out[name] = found.value
        if self.gpu.toolkit is not None:
            out["cuda"] = self.gpu.toolkit.value
        elif self.gpu.driver_cuda is not None:
            out["cuda"] = self.gpu.driver_cuda.value
        if self.gpu.driver is not None:
            out["driver"] = self.gpu.driver.value
        if self.glibc is not None:
            out["glibc"] = self.glibc.value
        for offer in self.offered:
            if offer.versions:
                out["newest_available"] = offer.versions[-1]
                break
        for name in ("pip", "uv", "conda", "libmamba"):
            if name in self.tools:
                version = self.tool_versions.get(name)
                out["tool"] = name + (f" {version.value}" if version else "")
                break
        return out
