"""Plain data of a plan: the target machine, the pure choice, and the resolved, pinned result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from envdoctor import exitcodes

if TYPE_CHECKING:
    from envdoctor.actions.uvtool import IndexOptions

PLAN_SCHEMA = 1
PLATFORMS = ("linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64", "windows-x86_64")


@dataclass(frozen=True)
class Target:
    """The machine (and wishes) a plan is for. Everything plan's choice depends on, besides specs.

    `python` None: plan chooses (preferring `installed_pythons`); `gpu` None: a GPU build when the
    machine has an NVIDIA driver on Linux; `driver` is the NVIDIA driver ("550.54.14"),
    `cuda_driver` the highest CUDA it supports ("12.4").
    """

    platform: str = "linux-x86_64"
    python: str | None = None
    gpu: bool | None = None
    driver: str | None = None
    cuda_driver: str | None = None
    glibc: str | None = None
    installed_pythons: tuple[str, ...] = ()
    manager: str = "pip"  # "pip" | "conda"
    prereleases: bool = False
    conda_framework: bool = False  # take the framework from conda-forge builds (manager conda)

    @property
    def os(self) -> str:
        return self.platform.split("-", 1)[0]


@dataclass(frozen=True)
class ResolveOptions:
    """How the real resolvers reach packages. Defaults: PyPI and conda-forge."""

    find_links: tuple[str, ...] = ()
    no_index: bool = False
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    offline: bool = False
    cache_first: bool = True  # resolve from uv's cache (--offline) first; the index when it lacks data
    channels: tuple[str, ...] = ("conda-forge",)
    uv: str | None = None  # the uv binary; default: the one from the `uv` package
    timeout_s: float = 300.0

    @classmethod
    def from_index(
        cls, index: IndexOptions, *, cache_first: bool = True, channels: Sequence[str] = ("conda-forge",)
    ) -> ResolveOptions:
        """The same index options every verb takes (--index-url, --extra-index-url, --find-links...)."""
        return cls(
            find_links=tuple(index.find_links),
            no_index=index.no_index,
            index_url=index.index_url,
            extra_index_urls=tuple(index.extra_index_urls),
            offline=index.offline,
            cache_first=cache_first,
            channels=tuple(channels),
        )


@dataclass(frozen=True)
class OutputFiles:
    """Files plan writes on request (None: not written)."""

    environment_yml: str | None = None
    requirements_txt: str | None = None
    pylock_toml: str | None = None
    env_name: str | None = None


@dataclass
class GpuBuild:
    """The CUDA build a chosen framework release installs, and the NVIDIA driver it needs there."""

    cuda: str | None
    cudnn: str | None
    driver: str | None = None  # the floor plan checks: the lower of the two below
    toolkit_driver: str | None = None  # every feature (PTX JIT included)
    minor_compat_driver: str | None = None  # CUDA minor-version compatibility (CUDA >= 11)
    package: str = ""  # where the CUDA build comes from when not the framework itself: "jax-cuda13-plugin==0.12.0"


@dataclass
class Pin:
    """One pinned package and why it has this version."""

    name: str
    version: str
    reason: str = ""
    source: str = "pip"  # "pip" | "conda"
    extras: tuple[str, ...] = ()
    build: str = ""
    channel: str = ""
    gpu: GpuBuild | None = None  # the choice's GPU facts (not part of the plan JSON)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "version": self.version}
        data["source"] = self.source
        data["reason"] = self.reason
        if self.extras:
            data["extras"] = list(self.extras)
        if self.build:
            data["build"] = self.build
        if self.channel:
            data["channel"] = self.channel
        return data


@dataclass
class Choice:
    """The knowledge-base choice (pure): what to hand to the resolvers, or why nothing fits."""

    feasible: bool
    python: str | None
    platform: str
    gpu: bool
    requirements: list[str] = field(default_factory=list)  # PEP 508, for uv
    constraints: list[str] = field(default_factory=list)  # curated caps, for uv -c
    conda_specs: list[str] = field(default_factory=list)  # match specs, for rattler
    conda_constraints: list[str] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)  # the frameworks chosen, with reasons
    cap_reasons: dict[str, str] = field(default_factory=dict)  # package -> why it is capped
    reasons: list[str] = field(default_factory=list)
    proof: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    index_backend: str | None = None  # the wheel-index folder the framework comes from (uv --torch-backend)


@dataclass
class Plan:
    """A resolved plan (or the proof that none exists) — what `envdoctor plan` prints."""

    feasible: bool
    python: str | None
    platform: str
    gpu: bool
    manager: str
    packages: list[Pin] = field(default_factory=list)
    conda: list[Pin] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    proof: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    choice: Choice | None = None
    # "feasible" | "infeasible" (nothing fits: the proof says why) | "unresolved" (the index or a
    # resolver could not answer: `next_steps` say what to try)
    status: str = ""
    next_steps: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "feasible" if self.feasible else "infeasible"

    @property
    def exit_code(self) -> int:
        """0 a plan; 1 nothing fits; 3 could not resolve."""
        return {"feasible": exitcodes.OK, "infeasible": exitcodes.FAILED}.get(self.status, exitcodes.UNRESOLVED)

    def requirement_lines(self) -> list[str]:
        """The pip part as exact pins: ["tensorflow[and-cuda]==2.18.0", "numpy==2.0.2", ...]."""
        return requirement_lines(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": PLAN_SCHEMA,
            "feasible": self.feasible,
            "status": self.status,
            "next_steps": list(self.next_steps),
            "python": self.python,
            "platform": self.platform,
            "gpu": self.gpu,
            "manager": self.manager,
            "packages": [p.to_dict() for p in self.packages],
            "conda": [p.to_dict() for p in self.conda],
            "reasons": list(self.reasons),
            "proof": list(self.proof),
            "alternatives": list(self.alternatives),
            "files": dict(self.files),
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            # the PyTorch wheel index the pins come from (uv --torch-backend): "cpu", "cu124", or null
            "torch_backend": self.choice.index_backend if self.choice is not None else None,
        }


def _requirement_line(pin: Pin) -> str:
    extras = f"[{','.join(pin.extras)}]" if pin.extras else ""
    return f"{pin.name}{extras}=={pin.version}"


def requirement_lines(plan: Plan) -> list[str]:
    """The pip part of a plan as exact pins: ["tensorflow[and-cuda]==2.18.0", "numpy==2.0.2", ...]."""
    return [_requirement_line(p) for p in plan.packages if p.source == "pip"]
