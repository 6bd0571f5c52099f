"""Plain, serialisable data: the snapshot of an environment and the findings about it.

Everything here is pure data. Probing (envdoctor.probe) fills it, rules read it, renderers print it.
A snapshot written with `to_dict` and read back with `Snapshot.from_dict` diagnoses identically.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
from dataclasses import dataclass, field
from typing import Any, TypeVar

SNAPSHOT_SCHEMA = 1
# the environment files `envdoctor lint` reads (its --type choices); here, not in envdoctor.lint, so
# that lint's parser (built by every completion request) does not import packaging
ENV_FILE_KINDS = ("environment.yml", "requirements.txt", "pyproject.toml", "pylock.toml")

T = TypeVar("T")


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass
class Interpreter:
    """Facts about the target interpreter, as its own stdlib-only probe reported them."""

    executable: str
    version: str = ""  # "3.11.7"
    implementation: str = "cpython"
    bits: int = 64
    sys_platform: str = ""  # sys.platform: "linux", "win32", "darwin"
    machine: str = ""  # platform.machine(): "x86_64", "aarch64", "arm64", "AMD64"
    prefix: str = ""
    base_prefix: str = ""
    exec_prefix: str = ""
    is_venv: bool = False
    is_conda: bool = False
    sys_path: list[str] = field(default_factory=list)
    site_packages: list[str] = field(default_factory=list)
    user_site: str | None = None
    user_site_enabled: bool = False
    env: dict[str, str] = field(default_factory=dict)
    abi_tag: str = ""  # e.g. "cp311"; "" when unknown
    supported: bool = True  # False for interpreters envdoctor cannot fully inspect (Python 2.7)
    probed: bool = True  # False when the interpreter could not run and facts come from files
    externally_managed: str | None = None  # the PEP 668 EXTERNALLY-MANAGED marker that applies (not in venvs)
    purelib: str = ""  # where installers put packages (sysconfig's purelib / platlib); "": unknown
    platlib: str = ""

    @property
    def install_dirs(self) -> list[str]:
        """The environment's own package folders (purelib, platlib; site_packages when unknown):
        what actions install into, record and restore."""
        dirs = [d for d in dict.fromkeys((self.purelib, self.platlib)) if d]
        return dirs or list(self.site_packages)

    @property
    def version_tuple(self) -> tuple[int, ...]:
        parts: list[int] = []
        for piece in self.version.split(".")[:3]:
            digits = "".join(ch for ch in piece if ch.isdigit())
            parts.append(int(digits) if digits else 0)
        return tuple(parts)

    @property
    def minor(self) -> str:
        """'3.11'"""
        return ".".join(str(p) for p in self.version_tuple[:2])


@dataclass
class Distribution:
    """One installed distribution, read from its *.dist-info or *.egg-info metadata on disk."""

    name: str  # normalized (PEP 503): "typing-extensions"
    version: str
    display_name: str = ""
    location: str = ""  # the sys.path entry it was found on
    metadata_path: str = ""  # the .dist-info / .egg-info folder (or file)
    kind: str = "dist-info"  # "dist-info" | "egg-info"
    metadata_is_file: bool = False  # an egg-info *file*, as distutils writes it (pip cannot uninstall those)
    requires: list[str] = field(default_factory=list)  # Requires-Dist, exactly as written
    requires_python: str | None = None
    installer: str | None = None  # INSTALLER file: "pip", "uv", "conda", None
    wheel_tags: list[str] = field(default_factory=list)  # from WHEEL: "cp311-cp311-manylinux_2_17_x86_64"
    top_level: list[str] = field(default_factory=list)  # import names it provides
    namespace_packages: list[str] = field(default_factory=list)  # of those, folders without __init__.py
    extension_modules: list[str] = field(default_factory=list)  # compiled files, relative to location
    direct_url: str | None = None
    shadowed_by: str | None = None  # metadata_path of the copy that wins, when this one loses
    problems: list[str] = field(default_factory=list)  # what could not be read
    # The NumPy C API its compiled extensions were built against, read from the binaries by
    # envdoctor.probe.numpy_binary: "1" | "2" | None (unknown / no NumPy C API), and the file.
    numpy_build: str | None = None
    numpy_build_path: str | None = None


@dataclass
class CondaRecord:
    """One conda-meta/*.json record."""

    name: str
    version: str
    build: str = ""
    build_number: int = 0
    channel: str = ""
    subdir: str = ""
    depends: list[str] = field(default_factory=list)
    constrains: list[str] = field(default_factory=list)
    python_dists: list[str] = field(default_factory=list)  # *.dist-info / *.egg-info dirs it owns
    requested_spec: str = ""
    path: str = ""


@dataclass
class CondaHistoryEntry:
    date: str
    command: str = ""
    specs: list[str] = field(default_factory=list)


@dataclass
class Conda:
    prefix: str
    is_base: bool = False
    records: list[CondaRecord] = field(default_factory=list)
    history: list[CondaHistoryEntry] = field(default_factory=list)


@dataclass
class GpuDevice:
    index: int
    name: str = ""
    compute_capability: str | None = None  # "8.6"
    memory_mib: int | None = None
    uuid: str | None = None


@dataclass
class CudaLibrary:
    """A CUDA-family shared library the framework may load, and where it came from."""

    name: str  # "cudart", "cudnn", "cublas", "nvrtc", ...
    version: str | None
    path: str
    origin: str  # "pip", "conda", "system", "ld_library_path", "cuda_home", "wsl", "bundled", "toolkit"
    package: str | None = None  # owning distribution / conda record
    soname: str | None = None  # what the loader asks for: "libcudnn.so.8", "libcudart.so.12"
    version_source: str | None = None  # "dist", "conda", "header", "filename"


@dataclass
class GpuFacts:
    driver_version: str | None = None  # "550.54.14"
    cuda_driver_version: str | None = None  # highest CUDA the driver supports: "12.4"
    source: str | None = None  # "nvml" | "nvidia-smi" | "proc" | "sys"
    gpus: list[GpuDevice] = field(default_factory=list)
    wsl: bool = False
    cuda_visible_devices: str | None = None
    libraries: list[CudaLibrary] = field(default_factory=list)
    nvcc_version: str | None = None
    nvcc_path: str | None = None
    problems: list[str] = field(default_factory=list)
    driver_present: bool = False  # an NVIDIA kernel driver (or the WSL2 libcuda) was found
    cuda_driver_source: str | None = None  # "nvml" | "libcuda" | "nvidia-smi" | "driver-table"
    ld_library_path: list[str] = field(default_factory=list)  # LD_LIBRARY_PATH, in order
    cuda_home: str | None = None  # CUDA_HOME, else CUDA_PATH


@dataclass
class Machine:
    os: str = ""  # "linux" | "windows" | "macos"
    arch: str = ""  # "x86_64" | "aarch64" | "arm64"
    os_release: str = ""  # "Debian GNU/Linux 12" / kernel
    libc: str = ""  # "glibc" | "musl" | ""
    libc_version: str | None = None  # "2.36"
    cpu_model: str = ""
    cpu_flags: list[str] = field(default_factory=list)  # the ones that matter: avx, avx2, avx512f, fma
    gpu: GpuFacts = field(default_factory=GpuFacts)
    hostname: str = ""  # names the node in `envdoctor fleet`; "" in snapshots older than it
    # Installers found on this machine, by role: "uv", "conda", "mamba", "micromamba" (their paths)
    # and "rattler" (the Python that runs envdoctor with py-rattler, for conda prefixes without conda).
    tools: dict[str, str] = field(default_factory=dict)

    @property
    def platform_key(self) -> str:
        """The knowledge base's platform key: "linux-x86_64", "macos-arm64", "windows-x86_64"."""
        arch = {"amd64": "x86_64", "aarch64": "aarch64", "arm64": "arm64"}.get(self.arch.lower(), self.arch.lower())
        if self.os == "macos" and arch == "aarch64":
            arch = "arm64"
        if self.os == "linux" and arch == "arm64":
            arch = "aarch64"
        return f"{self.os}-{arch}"


@dataclass
class Skipped:
    """Something that could not be inspected: partial failure is data, not an exception."""

    what: str
    reason: str


@dataclass
class SeenInterpreter:
    """An interpreter the user runs besides (or as) the target: the `python` / `pip` first on PATH,
    the active env's, a Jupyter kernel's. Read from its files (never run): where it lives, which
    environment it belongs to, and the frameworks (and pip / ipykernel) installed there."""

    executable: str  # as named: the PATH match, a kernel's argv[0], $CONDA_PREFIX/bin/python
    resolved: str = ""  # the file that runs (through pyenv shims and symlinks); "" when missing
    exists: bool = True
    prefix: str = ""  # the environment it belongs to (real path)
    env_kind: str = ""  # "venv" | "conda" | "pyenv" | "system" | ""
    env_name: str = ""  # conda env name ("base" for the root), venv folder, pyenv version
    version: str = ""  # "3.11" or "3.11.7", from pyvenv.cfg, conda-meta or the file names
    site_packages: list[str] = field(default_factory=list)  # read for `packages`
    packages: dict[str, str] = field(default_factory=dict)  # normalized name -> version (frameworks, pip, ipykernel)
    roles: list[str] = field(default_factory=list)  # "python on PATH", "pip on PATH", "kernel tf", "$CONDA_PREFIX"
    via: str = ""  # how `executable` leads to `resolved`: "pyenv shim: 3.11.7 (set by ~/.pyenv/version)"
    externally_managed: str = ""  # its PEP 668 EXTERNALLY-MANAGED marker (non-venv), "" when none
    problems: list[str] = field(default_factory=list)


@dataclass
class PathCommand:
    """A command as the shell finds it: the first match on PATH and the interpreter it runs."""

    name: str  # "python", "python3", "pip", "pip3", "jupyter"
    path: str  # the first match on PATH
    path_index: int  # which PATH entry (0-based)
    interpreter: str = ""  # SeenInterpreter.executable it runs ("" unknown)
    how: str = ""  # "interpreter", "shebang", "pyenv shim", "launcher"
    others: list[str] = field(default_factory=list)  # later matches on PATH, in order


@dataclass
class KernelSpecFacts:
    """One Jupyter kernel spec as jupyter_client finds it (its kernel.json; never started)."""

    name: str  # the folder name, lower-cased, as Jupyter lists it
    display_name: str = ""
    language: str = ""
    resource_dir: str = ""  # the folder holding kernel.json
    search_dir: str = ""  # the kernels folder of the search path it was found in
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # kernel.json "env"
    interpreter: str = ""  # SeenInterpreter.executable of the Python it runs ("" not a Python kernel / unknown)
    module: str = ""  # the `-m` module it runs: "ipykernel_launcher", "ipykernel"
    native: bool = False  # jupyter_client's built-in python3 (ipykernel in the Jupyter's own env)
    shadows: list[str] = field(default_factory=list)  # same-named specs later on the path (hidden by this one)
    problems: list[str] = field(default_factory=list)  # kernel.json that cannot be read, odd argv


@dataclass
class NamedEnvironment:
    """An environment known by name (conda envs, pyenv versions): what a kernel's name may refer to."""

    name: str
    prefix: str
    kind: str  # "conda" | "pyenv"
    python: str = ""  # its interpreter ("" when none is there)


@dataclass
class Jupyter:
    """Where the user's Jupyter looks for kernel specs, and what it finds."""

    host: str = ""  # the interpreter of the `jupyter` first on PATH ("" none)
    data_dir: str = ""  # the user data dir: where `ipykernel install --user` writes
    kernel_dirs: list[str] = field(default_factory=list)  # the search path, first wins
    path_source: str = ""  # "jupyter_core 5.9.1 (in HOST)" or "envdoctor (jupyter_core's order)"
    kernels: list[KernelSpecFacts] = field(default_factory=list)


@dataclass
class Session:
    """The user's shell and Jupyter around the target: PATH, the active env, the kernel specs.
    Rules compare these interpreters with the target's (the wrong-interpreter family)."""

    path: list[str] = field(default_factory=list)  # PATH entries, in order
    commands: list[PathCommand] = field(default_factory=list)
    interpreters: list[SeenInterpreter] = field(default_factory=list)
    environments: list[NamedEnvironment] = field(default_factory=list)
    jupyter: Jupyter | None = None
    conda_prefix: str = ""  # $CONDA_PREFIX
    conda_default_env: str = ""  # $CONDA_DEFAULT_ENV
    virtual_env: str = ""  # $VIRTUAL_ENV
    target_prefix: str = ""  # the target's sys.prefix, real path (to compare with `interpreters`)
    kernel: str = ""  # the kernel the target runs as (`check --kernel NAME`, `%envdoctor`)
    inside: str = ""  # "notebook" when taken inside a running kernel (`%envdoctor`)
    read: bool = False  # False: these facts were not collected (an older snapshot)

    def interpreter(self, executable: str) -> SeenInterpreter | None:
        return next((i for i in self.interpreters if i.executable == executable), None)

    def command(self, name: str) -> PathCommand | None:
        return next((c for c in self.commands if c.name == name), None)

    def kernel_spec(self, name: str) -> KernelSpecFacts | None:
        kernels = self.jupyter.kernels if self.jupyter else []
        return next((k for k in kernels if k.name == name.lower()), None)


@dataclass
class Snapshot:
    interpreter: Interpreter
    distributions: list[Distribution] = field(default_factory=list)
    conda: Conda | None = None
    machine: Machine = field(default_factory=Machine)
    skipped: list[Skipped] = field(default_factory=list)
    session: Session = field(default_factory=Session)  # PATH, active env, Jupyter kernels
    target: str = ""  # how the user named it: "--prefix /opt/env", "active: $CONDA_PREFIX"
    created: str = ""  # ISO time
    envdoctor_version: str = ""
    schema: int = SNAPSHOT_SCHEMA

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_dict(self)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        return from_dict(cls, data)

    def summary(self) -> dict[str, Any]:
        """The short description of the environment that every output format shows."""
        interp, machine = self.interpreter, self.machine
        return {
            "target": self.target,
            "python": interp.version,
            "executable": interp.executable,
            "prefix": interp.prefix,
            "kind": "conda" if self.conda else ("venv" if interp.is_venv else "system"),
            "conda_base": bool(self.conda and self.conda.is_base),
            "platform": machine.platform_key,
            "distributions": sum(1 for d in self.distributions if d.shadowed_by is None),
            "gpu_driver": machine.gpu.driver_version,
            "gpus": [g.name for g in machine.gpu.gpus],
            "frameworks": self.frameworks(),
        }

    def frameworks(self) -> list[str]:
        """The ML frameworks installed (the copies that win): ["tensorflow-cpu 2.15.1", "jax 0.4.30"]."""
        # lazy: keeps frameworks out of `restore --list`, which loads this module (25.8 ms, 10 modules)
        from envdoctor.frameworks import of_distribution

        found = [
            f"{d.display_name or d.name} {d.version}"
            for d in self.distributions
            if d.shadowed_by is None and of_distribution(d.name) is not None
        ]
        return sorted(dict.fromkeys(found))


@dataclass
class Step:
    """One typed step of a remedy (see envdoctor.remedies for the constructors and the renderer).

    action: "install" (packages: requirement specs) | "uninstall" (packages: names) |
    "delete" (packages: stale metadata paths) | "unset-env" / "set-env" (variables, value) |
    "manual" (command: shown, never run) | "new-env" (the target must not be changed: command
    proposes a fresh environment).
    manager: who runs it: "uv" | "pip" | "conda" | "mamba" | "micromamba" | "rattler" | "rm" |
    "shell" (the user's shell: a variable) | "".
    """

    action: str
    packages: list[str] = field(default_factory=list)
    manager: str = ""
    program: str = ""  # the executable as printed: uv's path, conda's, the target's python for pip
    python: str = ""  # the interpreter whose environment the step changes
    prefix: str = ""  # the conda prefix (conda, mamba, micromamba, rattler)
    channels: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # "force-reinstall", "no-deps", "upgrade", "ignore-installed"
    index: list[str] = field(default_factory=list)  # index arguments, spelled as pip and uv share them
    variables: list[str] = field(default_factory=list)  # unset-env / set-env
    value: str = ""  # set-env
    shell: str = "posix"  # env steps: "posix" | "cmd"
    reason: str = ""  # why (manual, new-env), or a note on any step
    command: str = ""  # manual / new-env: the text shown

    def argv(self) -> list[str] | None:
        """The command `fix --apply` runs for this step; None when it is not envdoctor's to run."""
        # lazy: keeps remedies out of check's cached answer (10.0 ms, 4 modules: shlex)
        from envdoctor.remedies import step_argv

        return step_argv(self)

    def text(self) -> str:
        # lazy: keeps remedies out of check's cached answer (10.0 ms, 4 modules: shlex)
        from envdoctor.remedies import step_text

        return step_text(self)


@dataclass
class Remedy:
    """What fixes a finding: its steps, in order ("replace" = uninstall, then install)."""

    steps: list[Step] = field(default_factory=list)

    def text(self) -> str | None:
        """The one rendered command line (steps joined with &&); None when no step is a command."""
        # lazy: keeps remedies out of check's cached answer (10.0 ms, 4 modules: shlex)
        from envdoctor.remedies import render

        return render(self)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_dict(self)
        return result


@dataclass
class Location:
    """Where in a file a finding is (lint): 1-based line and column."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass
class Finding:
    code: str  # "ED102"
    rule: str  # "numpy-abi"
    severity: Severity
    message: str
    cause: str | None = None  # an id from causes.md
    evidence: list[str] = field(default_factory=list)
    fix: str | None = None  # the remedy, rendered to one exact command line
    hints: list[str] = field(default_factory=list)  # ordered, extra advice
    subject: str | None = None  # the package or setting it is about (used to group fixes)
    remedy: Remedy | None = None  # the fix as data: what `fix` plans and applies
    about: list[str] = field(default_factory=list)  # distributions (normalized) whose state it reports
    caused_by: str | None = None  # the key ("CODE:subject") of the root-cause finding it follows from
    location: Location | None = None  # lint: the file position it is about

    @property
    def key(self) -> str:
        return f"{self.code}:{self.subject or ''}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "cause": self.cause,
            "severity": self.severity.value,
            "message": self.message,
            "evidence": list(self.evidence),
            "fix": self.fix,
            "hints": list(self.hints),
            "subject": self.subject,
            "remedy": self.remedy.to_dict() if self.remedy is not None else None,
            "about": list(self.about),
            "caused_by": self.caused_by,
            "location": to_dict(self.location) if self.location else None,
        }


# Hand-written (de)serialisation: ~40 lines instead of pydantic/cattrs, whose import alone costs
# more than the whole `check` budget.
def to_dict(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """Field types of a dataclass. Annotations are strings (PEP 563); they are resolved here rather
    than with typing.get_type_hints, which cannot evaluate `X | None` on Python 3.9."""
    if cls not in _HINTS:
        namespace = vars(sys.modules[cls.__module__])
        _HINTS[cls] = {f.name: _resolve(str(f.type), namespace) for f in dataclasses.fields(cls)}
    return _HINTS[cls]


_BUILTINS: dict[str, Any] = {"str": str, "int": int, "float": float, "bool": bool, "Any": Any}


def _resolve(annotation: str, namespace: dict[str, Any]) -> Any:
    """'list[str] | None' -> ("optional", ("list", str)); names come from the module namespace."""
    text = annotation.strip()
    parts = _split_top(text, "|")
    if len(parts) > 1:
        others = [p for p in parts if p != "None"]
        return ("optional", _resolve(others[0], namespace) if len(others) == 1 else Any)
    if text.endswith("]") and "[" in text:
        head, _, rest = text.partition("[")
        args = [_resolve(a, namespace) for a in _split_top(rest[:-1], ",")]
        if head in ("list", "tuple"):
            return (head, args[0])
        if head == "dict":
            return ("dict", args[-1])
        return Any
    return _BUILTINS.get(text) or namespace.get(text, Any)


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside brackets."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == sep and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return parts


def _nullable(tp: Any) -> bool:
    return tp is Any or (isinstance(tp, tuple) and tp[0] == "optional")


def _convert(tp: Any, value: Any) -> Any:
    if tp is str and type(value) is str:  # by far the commonest case: first, and cheap
        return value
    if value is None:
        if _nullable(tp):
            return None
        raise ValueError("null where a value is needed")
    if isinstance(tp, tuple):
        kind, inner = tp
        if kind == "optional":
            return _convert(inner, value)
        if kind in ("list", "tuple"):
            if not isinstance(value, list):
                raise ValueError(f"expected a list, got {type(value).__name__}")
            if inner is str and all(type(v) is str for v in value):  # Requires-Dist, paths, ...
                return list(value) if kind == "list" else tuple(value)
            items = [_convert(inner, v) for v in value]
            return items if kind == "list" else tuple(items)
        if not isinstance(value, dict):
            raise ValueError(f"expected an object, got {type(value).__name__}")
        return {str(k): _convert(inner, v) for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except (ValueError, TypeError):
            raise ValueError(f"{str(value)[:40]!r} is not one of {[m.value for m in tp]}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    if tp is int and isinstance(value, bool):
        return int(value)
    if tp in (int, float, str, bool) and not isinstance(value, tp):
        if tp is float and isinstance(value, int):
            return float(value)
        raise ValueError(f"expected {tp.__name__}, got {type(value).__name__}")
    return value


_PLAN: dict[type, list[tuple[str, Any, bool, bool]]] = {}


def _plan(cls: type) -> list[tuple[str, Any, bool, bool]]:
    """(name, type, nullable, has a default) per field of `cls`, worked out once."""
    if cls not in _PLAN:
        hints = _hints(cls)
        _PLAN[cls] = [
            (
                f.name,
                hints[f.name],
                _nullable(hints[f.name]),
                f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING,
            )
            for f in dataclasses.fields(cls)
        ]
    return _PLAN[cls]


def from_dict(cls: type[T], data: Any) -> T:
    """Build dataclass `cls` from plain data; unknown keys are ignored, wrong types raise ValueError."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    kwargs: dict[str, Any] = {}
    for name, tp, nullable, has_default in _plan(cls):
        if name not in data:
            continue
        value = data[name]
        if tp is str and type(value) is str:
            kwargs[name] = value
            continue
        if value is None and not nullable:
            if not has_default:
                raise ValueError(f"{cls.__name__}.{name}: null where a value is needed")
            continue  # null for a field with a default: the default
        try:
            kwargs[name] = _convert(tp, value)
        except ValueError as exc:
            raise ValueError(f"{cls.__name__}.{name}: {exc}") from None
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"{cls.__name__}: {exc}") from None
