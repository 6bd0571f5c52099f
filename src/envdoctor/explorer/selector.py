"""The explorer's selector: every state of the page's form, answered by plan's own choice code.

A state is (variant, platform, Python, device, driver). Its answer is what
`envdoctor plan SPEC --platform P [--python X] --gpu|--cpu [--driver D] --no-resolve` says for a
machine with no Python installed (the page plans for another machine), computed here at build
time with `envdoctor.plan.choose`; the page's JavaScript only looks answers up.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.version import InvalidVersion, Version

from envdoctor.frameworks import all_frameworks, of_distribution, uv_index_option
from envdoctor.plan.choose import choose
from envdoctor.plan.model import Choice, Pin, Target

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase

PLATFORMS = ("linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64", "windows-x86_64")
ANY_PYTHON = "any"
NO_DRIVER = "none"


@dataclass(frozen=True)
class Variant:
    """One choice of the framework menu: the spec handed to plan, and the devices it allows."""

    id: str  # the first part of the page's URL hash
    label: str
    framework: str  # the framework's key: "tensorflow" | "torch" | "jax"
    spec: str
    devices: tuple[str, ...]


def variants() -> tuple[Variant, ...]:
    """The framework menu: each framework's own entries (its descriptor's `menu`), in registry order."""
    return tuple(
        Variant(entry.id, entry.label, fw.key, entry.spec, entry.devices)
        for fw in all_frameworks()
        for entry in fw.menu_entries()
    )


def labels() -> dict[str, str]:
    """framework key -> its name ("torch" -> "PyTorch")."""
    return {fw.key: fw.label for fw in all_frameworks()}


#: NVIDIA driver branches offered besides the exact floors the knowledge base names
DRIVER_BRANCHES = (
    "418", "440", "450", "455", "460", "465", "470", "495", "510", "515", "520", "525", "530",
    "535", "545", "550", "555", "560", "565", "570", "575", "580", "590", "595",
)  # fmt: skip


@dataclass(frozen=True)
class State:
    variant: Variant
    platform: str
    python: str  # ANY_PYTHON or "3.12"
    device: str  # "cpu" | "gpu"
    driver: str  # NO_DRIVER or "550" / "525.60.13"

    @property
    def key(self) -> str:
        """The URL hash of this state: tensorflow/linux-x86_64/3.12/gpu/550."""
        return "/".join((self.variant.id, self.platform, self.python, self.device, self.driver))

    def target(self, manager: str = "pip") -> Target:
        return Target(
            platform=self.platform,
            python=None if self.python == ANY_PYTHON else self.python,
            gpu=self.device == "gpu",
            driver=None if self.driver == NO_DRIVER else self.driver,
            manager=manager,
        )

    def plan_command(self) -> str:
        """The `envdoctor plan` command that answers the same question."""
        parts = ["envdoctor", "plan", self.variant.spec, "--platform", self.platform]
        if self.python != ANY_PYTHON:
            parts += ["--python", self.python]
        parts.append(f"--{self.device}")
        if self.driver != NO_DRIVER:
            parts += ["--driver", self.driver]
        parts.append("--no-resolve")
        return " ".join(shlex.quote(p) for p in parts)


def _driver_key(text: str) -> tuple[int, ...]:
    try:
        return Version(text).release
    except InvalidVersion:
        return (0,)


def drivers_for(kb: KnowledgeBase, platform: str) -> list[str]:
    """The driver menu of a platform, highest first: NVIDIA's branches plus every exact floor plan
    checks there (per CUDA version a framework build uses: the lower of its toolkit driver and its
    family's minor-version-compatibility driver). macOS has no NVIDIA driver: only NO_DRIVER."""
    if platform.startswith("macos"):
        return [NO_DRIVER]
    windows = platform.startswith("windows")
    floors: set[str] = set(DRIVER_BRANCHES)
    cudas = {
        str(build.cuda)
        for package in (p for fw in all_frameworks() for p in fw.cuda_packages())
        for rel in kb.releases(package)
        for build in [kb.build(package, rel.version)]
        if build is not None and build.cuda
    }
    for cuda in cudas:
        info = kb.min_driver(cuda)
        if info is None:
            continue
        toolkit = info.windows_toolkit_driver if windows else info.toolkit_driver
        minor = info.windows_minor_compat_driver if windows else info.minor_compat_driver
        known = [d for d in (toolkit, minor) if d]
        if known:
            floors.add(min(known, key=_driver_key))
    return [NO_DRIVER, *sorted(floors, key=_driver_key, reverse=True)]


def pythons_for(kb: KnowledgeBase) -> list[str]:
    """The Python menu: ANY_PYTHON, then every Python 3 minor a framework has a wheel for."""
    found: set[str] = set()
    for package in (fw.compiled for fw in all_frameworks()):  # the wheels that decide the Pythons
        for rel in kb.releases(package):
            for pys in rel.pythons_by_platform.values():
                found.update(p for p in pys if p.startswith("3."))
    ordered = sorted(found, key=lambda p: tuple(int(x) for x in p.split(".")), reverse=True)
    return [ANY_PYTHON, *ordered]


def states(kb: KnowledgeBase) -> Iterator[State]:
    """Every state of the form, in the page's order."""
    pythons = pythons_for(kb)
    drivers = {platform: drivers_for(kb, platform) for platform in PLATFORMS}
    for variant in variants():
        for platform in PLATFORMS:
            for python in pythons:
                for device in variant.devices:
                    for driver in drivers[platform] if device == "gpu" else [NO_DRIVER]:
                        yield State(variant, platform, python, device, driver)


# ----- answers ---------------------------------------------------------------------------------


@dataclass
class Answer:
    """What the page shows for one state (plain data; `to_dict` is the page's JSON)."""

    feasible: bool
    python: str | None
    gpu: bool
    framework: dict[str, Any] | None = None  # {name, version, extras, requirement}
    cuda: str | None = None
    cudnn: str | None = None
    gpu_package: str = ""
    build_source: str = ""
    driver: dict[str, str | None] | None = None  # {need, toolkit, minor_compat, source}
    caps: list[dict[str, str]] = field(default_factory=list)  # {requirement, reason, source}
    commands: dict[str, list[str]] = field(default_factory=dict)  # pip / uv / conda -> lines
    reasons: list[str] = field(default_factory=list)
    proof: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    plan: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "python": self.python,
            "gpu": self.gpu,
            "framework": self.framework,
            "cuda": self.cuda,
            "cudnn": self.cudnn,
            "gpu_package": self.gpu_package,
            "build_source": self.build_source,
            "driver": self.driver,
            "caps": self.caps,
            "commands": self.commands,
            "reasons": self.reasons,
            "proof": self.proof,
            "alternatives": self.alternatives,
            "plan": self.plan,
        }


def _quote(words: Sequence[str]) -> str:
    return " ".join(shlex.quote(w) for w in words)


def _requirement(pin: Pin) -> str:
    extras = f"[{','.join(pin.extras)}]" if pin.extras else ""
    return f"{pin.name}{extras}=={pin.version}"


def _index(choice: Choice) -> list[str]:
    """pip's option for the wheel index the choice's framework comes from (--index-url .../whl/cpu)."""
    if not choice.index_backend:
        return []
    for pin in choice.pins:
        framework = of_distribution(pin.name)
        if framework is not None and framework.wheel_index is not None:
            return ["--index-url", framework.wheel_index.backend_url(choice.index_backend)]
    return []


def _uv_index(choice: Choice) -> list[str]:
    option = uv_index_option()
    return [option, choice.index_backend] if choice.index_backend and option else []


def commands(choice: Choice, conda: Choice | None) -> dict[str, list[str]]:
    """The install commands for a feasible choice: pip, uv and conda (python from conda, the
    framework from pip, CUDA libraries from conda where plan takes them from there)."""
    wanted = [_requirement(p) for p in choice.pins] + list(choice.constraints)
    python = choice.python or ""
    result: dict[str, list[str]] = {
        "pip": [_quote(["python", "-m", "pip", "install", *wanted, *_index(choice)])],
        "uv": [
            _quote(["uv", "venv", "--python", python]),
            _quote(["uv", "pip", "install", *wanted, *_uv_index(choice)]),
        ],
    }
    if conda is not None and conda.feasible:
        pin = conda.pins[0] if conda.pins else None
        name = f"{pin.name}-{pin.version}-py{python.replace('.', '')}" if pin else f"py{python.replace('.', '')}"
        pip_part = [_requirement(p) for p in conda.pins] + list(conda.constraints)
        result["conda"] = [
            _quote(["conda", "create", "-n", name, "-c", "conda-forge", *conda.conda_specs]),
            _quote(["conda", "run", "-n", name, "python", "-m", "pip", "install", *pip_part, *_index(conda)]),
        ]
    return result


def _caps(kb: KnowledgeBase, framework: str, version: str) -> list[dict[str, str]]:
    return [
        {"requirement": str(c.requirement), "reason": str(c.reason), "source": str(c.source)}
        for c in kb.extra_constraints(framework, version)
    ]


def answer(kb: KnowledgeBase, state: State, memo_pool: dict[tuple[Any, ...], Any] | None = None) -> Answer:
    """The answer for one state, from plan's choice (and its conda twin for the conda commands)."""
    spec = [state.variant.spec]
    choice = choose(spec, state.target(), kb, memo_pool=memo_pool)
    result = Answer(
        feasible=choice.feasible,
        python=choice.python,
        gpu=choice.gpu,
        reasons=list(choice.reasons),
        proof=list(choice.proof),
        alternatives=list(choice.alternatives),
        plan=state.plan_command(),
    )
    if not choice.feasible or not choice.pins:
        return result
    conda = choose(spec, state.target("conda"), kb, memo_pool=memo_pool)
    pin = choice.pins[0]
    result.framework = {
        "name": pin.name,
        "version": pin.version,
        "extras": list(pin.extras),
        "requirement": _requirement(pin),
    }
    if pin.gpu is not None:
        result.cuda, result.cudnn = pin.gpu.cuda, pin.gpu.cudnn
        result.gpu_package = pin.gpu.package
        source_package, source_version = pin.name, pin.version
        if pin.gpu.package:
            source_package, _, source_version = pin.gpu.package.partition("==")
        build = kb.build(source_package, source_version)
        result.build_source = str(build.source) if build is not None and build.source else ""
        if pin.gpu.driver or pin.gpu.toolkit_driver:
            info = kb.min_driver(pin.gpu.cuda) if pin.gpu.cuda else None
            result.driver = {
                "need": pin.gpu.driver,
                "toolkit": pin.gpu.toolkit_driver,
                "minor_compat": pin.gpu.minor_compat_driver,
                "source": str(info.source) if info is not None else "",
            }
    result.caps = _caps(kb, pin.name, pin.version)  # the caps plan adds
    result.commands = commands(choice, conda)
    return result
