"""The one descriptor interface: everything envdoctor knows about one ML framework.

A framework is a `Framework` (a frozen dataclass): its data says which distributions it is made of
and how they are spelled, its methods answer the framework-specific questions (how to read its
build, how plan spells its GPU build, which install gives a GPU build for a driver, what verify
runs). The defaults fit a framework that is one distribution with no GPU specifics; TensorFlow,
PyTorch and JAX subclass it in their own modules. Stdlib only, cheap to import: check loads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from envdoctor.names import canonicalize_name

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

_SPECIFIERS: dict[str, SpecifierSet] = {}  # gpu_os specifiers, parsed once


@dataclass(frozen=True)
class Variant:
    """One distribution that is the framework once installed (they all install its package)."""

    name: str  # normalized distribution name: "tensorflow-cpu"
    request: bool = False  # a name users write in a spec or environment file (plan, lint)
    cpu_only: bool = False  # its name says it is the CPU-only build
    installed_as: str = ""  # a platform stub of this distribution installs it: users reinstall `installed_as`
    removed: bool = False  # removed from the index: plan plans the framework's GPU build instead
    own_plan: bool = False  # a CPU plan pins it as asked (it has releases of its own)
    cuda_extra_since: str = ""  # the first release with the framework's CUDA extra (tensorflow[and-cuda]: 2.14)
    note: str = ""  # why it is removed ("tensorflow-gpu was removed after 2.11 ...")


@dataclass(frozen=True)
class Conda:
    """The framework's names on conda channels."""

    request: str  # what plan asks conda for ("pytorch")
    records: tuple[str, ...]  # the records that carry its build, in lookup order ("tensorflow-base", ...)
    aliases: tuple[str, ...] = ()  # conda names whose pip distribution is the framework's ("pytorch-cpu")
    cuda_build: str = "*cuda*"  # the build-string pattern of its CUDA builds


@dataclass(frozen=True)
class Plugins:
    """Separate distributions, one per CUDA major, that carry the GPU build (jax-cuda12-plugin)."""

    name: str  # "jax-cuda{major}-plugin"
    others: tuple[str, ...] = ()  # further per-CUDA distributions ("jax-cuda{major}-pjrt")
    extra: str = ""  # the plugin's extra that brings the NVIDIA wheels ("with-cuda")
    request_extra: str = ""  # the framework's extra that installs the plugin ("cuda{major}")
    default_major: str = ""  # the major a bare GPU request means ("12")
    majors: tuple[str, ...] = ()  # the majors the knowledge base covers ("11", "12", "13")

    @property
    def label(self) -> str:
        """ "jax-cudaNN-plugin" """
        return self.name.replace("{major}", "NN")

    def of(self, major: str) -> str:
        return self.name.replace("{major}", major)

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        def compile_(names: Sequence[str]) -> re.Pattern[str]:
            alternatives = "|".join(re.escape(n).replace(re.escape("{major}"), r"(\d+)") for n in names)
            return re.compile(f"(?:{alternatives})")

        return compile_([self.name]), compile_([self.name, *self.others])

    def major(self, name: str) -> str | None:
        """The CUDA major of a plugin distribution ("12" for jax-cuda12-plugin), else None."""
        match = self._patterns[0].fullmatch(name)
        return next((g for g in match.groups() if g), None) if match else None

    def extra_major(self, extra: str) -> str | None:
        """The CUDA major an extra of the framework asks for ("13" for jax[cuda13]), else None."""
        head, _, tail = self.request_extra.partition("{major}")
        if not self.request_extra or not extra.startswith(head) or not extra.endswith(tail):
            return None
        major = extra[len(head) : len(extra) - len(tail)]
        return major if major.isdigit() else None

    def owns(self, name: str) -> bool:
        """A per-CUDA distribution of the framework (plugin or one of `others`)."""
        return self._patterns[1].fullmatch(name) is not None


@dataclass(frozen=True)
class Keras:
    """The Keras that serves as the framework's high-level API (tf.keras)."""

    package: str = "keras"
    legacy: str = "tf-keras"  # the Keras 2 package the legacy switch selects
    legacy_env: str = "TF_USE_LEGACY_KERAS"
    keras3_since: str = "2.16"  # from this framework release on, `keras` is Keras 3
    attribute: str = "keras"  # the framework module's attribute that is Keras (tf.keras)


@dataclass(frozen=True)
class GpuGap:
    """Why an OS has no GPU build (of some releases), and what to do instead."""

    reason: str  # "TensorFlow has no GPU build on native Windows after 2.10"
    fix: str = ""  # a sentence, not a command
    source: str = ""
    last_release: str = ""  # the last release series with a GPU build there ("2.10")
    last_python: str = ""  # the newest Python that release has builds for ("3.10")
    last_setup: str = ""  # what that release needs besides itself (a conda command for CUDA / cuDNN)
    evidence: str = ""  # the publisher's own statement, with its address


@dataclass(frozen=True)
class WheelIndex:
    """A wheel index with one folder per build variant (download.pytorch.org/whl/cu121)."""

    url: str  # "https://download.pytorch.org/whl/": + backend
    uv_option: str = ""  # uv's option that picks the backend ("--torch-backend")
    cuda_tags: tuple[str, ...] = ()  # the CUDA backends it serves, newest first ("cu130", ...)
    cpu: str = "cpu"  # the CPU backend
    releases: str = ""  # where to check that a release exists for a backend

    def backend_url(self, backend: str) -> str:
        return self.url + backend

    @staticmethod
    def cuda_of(tag: str) -> tuple[int, int] | None:
        """(12, 1) for "cu121"."""
        digits = tag[2:]
        if not tag.startswith("cu") or len(digits) < 2 or not digits.isdigit():
            return None
        return int(digits[:-1]), int(digits[-1])

    def tag_for(self, driver_cuda: tuple[int, ...]) -> str | None:
        """The newest CUDA backend a driver supporting CUDA `driver_cuda` runs (any when unknown)."""
        for tag in self.cuda_tags:
            cuda = self.cuda_of(tag)
            if cuda is not None and (not driver_cuda or cuda <= tuple(driver_cuda[:2])):
                return tag
        return None


@dataclass(frozen=True)
class MenuEntry:
    """One choice of the explorer's framework menu: the spec handed to plan and its devices."""

    id: str
    label: str
    spec: str
    devices: tuple[str, ...] = ("cpu", "gpu")


@dataclass(frozen=True)
class TagBuild:
    """What a distribution's local version tag says about its build (+cpu, +cu121, +cuda12.cudnn89)."""

    cuda: str | None = None
    cudnn: str | None = None
    cpu_reason: str = ""  # set for a build without CUDA ("a ROCm (AMD) build (+rocm6.0)")
    source: str = ""  # where it was read ("version tag +cu121")


@dataclass(frozen=True)
class Install:
    """An install that gives a build of the framework, as data (rules turn it into a remedy)."""

    specs: tuple[str, ...]
    options: tuple[str, ...] = ()  # "upgrade", "force-reinstall"
    index: tuple[str, ...] = ()  # ("--index-url", URL)
    remove: tuple[str, ...] = ()  # distributions to uninstall first (a CPU variant replaced)
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class GpuQuestion:
    """The installed build ED404 / ED401 want a GPU build for."""

    name: str  # the distribution carrying the build (its plugin for JAX)
    version: str
    os: str  # "linux" | "windows" | "macos"
    driver_cuda: tuple[int, ...]  # the CUDA the driver supports ((12, 4)); () when unknown
    kb_cuda: str | None = None  # the CUDA of the PyPI release of that version, from the knowledge base
    cuda_major: str | None = None  # the CUDA major of the installed build


@dataclass(frozen=True)
class PlanQuestion:
    """One release plan picked, for the spelling of its install."""

    version: str
    os: str
    gpu: bool
    cuda: str | None
    cudnn: str | None
    manager: str  # "pip" | "conda"
    cuda_major: str = ""  # the CUDA major asked for through the plugin extra (jax[cuda13])


@dataclass
class PlanBuild:
    """How plan installs the release: extras, a wheel-index backend, CUDA from the system."""

    extras: list[str] = field(default_factory=list)
    index_backend: str | None = None
    system_cuda: bool = False  # CUDA / cuDNN come from the system (or conda), not from wheels
    detail: list[str] = field(default_factory=list)
    driver_applies: bool = True  # the build needs a driver for its CUDA (not for a CPU wheel)


@dataclass(frozen=True)
class Framework:
    """One ML framework. See the module docstring; `docs/internals.md` shows how to add one."""

    key: str  # the family id: "tensorflow", "torch", "jax"
    label: str  # "TensorFlow"
    distribution: str  # the main PyPI distribution: plan pins it, the knowledge base reads it
    variants: tuple[Variant, ...] = ()  # every distribution that is the framework (the main one added)
    aliases: tuple[str, ...] = ()  # other names users write for it ("pytorch"); never installed
    import_name: str = ""  # the module verify imports ("" = the key)
    env_name: str = ""  # a short name for a new environment ("tf"; "" = the key)
    conda: Conda | None = None
    binary: str = ""  # the distribution with its compiled code when the main one is a pure wheel ("jaxlib")
    cpu_extra: str = ""  # the extra that asks for the CPU build (jax[cpu]; it named jaxlib before jax 0.4.27)
    plugins: Plugins | None = None
    parts: tuple[str, ...] = ()  # other distributions that belong to it (keras, tensorboard, torchvision)
    focus: tuple[str, ...] = ()  # its dependencies whose version decides whether it imports at all
    shared_modules: tuple[str, ...] = ()  # top-level modules several distributions install on purpose
    kb_packages: Mapping[str, str] = field(default_factory=dict)  # package -> the oldest release the KB covers
    numpy_binaries: tuple[str, ...] = ()  # names of its extension files that use NumPy's C API
    avx_since: str = ""  # the first release of its compiled distribution whose x86-64 wheels need AVX
    keras: Keras | None = None
    cuda_extra: str = ""  # the extra whose nvidia-* requirements bring the CUDA libraries ("and-cuda")
    gpu_os: Mapping[str, str] = field(default_factory=lambda: {"linux": ""})  # OS -> releases with a GPU build
    gpu_gaps: Mapping[str, GpuGap] = field(default_factory=dict)  # OS -> why (some releases) have none there
    no_cuda_on: tuple[str, ...] = ()  # OSes whose builds never have CUDA ("macos")
    pypi_cpu_only_on: tuple[str, ...] = ()  # OSes where its PyPI wheels without a +cuXYZ tag are CPU-only
    wheel_index: WheelIndex | None = None
    bundled_libraries: tuple[str, ...] = ()  # site-packages folders of CUDA libraries inside its wheel
    pip_libs_next_to_itself: bool = False  # finds nvidia-* wheels only in its own site-packages
    tested_builds: str = ""  # the curated section with tested CUDA / cuDNN per release series
    build_members: tuple[str, ...] = ()  # wheel members with its build facts ("torch/version.py")
    menu: tuple[MenuEntry, ...] = ()  # the explorer's menu entries ((key, distribution) when empty)
    verify_code: str = ""  # source of `verify_framework(rec, module, h)`, run in the target (see `verify_source`)
    verify_file: str = ""  # or the file next to the descriptor module holding it
    verify_keys: tuple[str, ...] = ()  # the build facts verify prints (all scalar ones when empty)

    # ---- names ---------------------------------------------------------------------------

    @cached_property
    def all_variants(self) -> tuple[Variant, ...]:
        names = {v.name for v in self.variants}
        main = () if self.distribution in names else (Variant(self.distribution, request=True),)
        return main + tuple(self.variants)

    @cached_property
    def _by_name(self) -> dict[str, Variant]:
        return {v.name: v for v in self.all_variants}

    @property
    def distributions(self) -> tuple[str, ...]:
        """Every distribution that is the framework once installed (the main one first)."""
        return tuple(v.name for v in self.all_variants)

    @property
    def request_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.all_variants if v.request) + self.aliases

    @property
    def module(self) -> str:
        return self.import_name or self.key

    @property
    def short_name(self) -> str:
        return self.env_name or self.key

    @property
    def compiled(self) -> str:
        """The distribution whose curated facts apply (NumPy ABI, caps): `binary` or the main one."""
        return self.binary or self.distribution

    def variant(self, name: str) -> Variant | None:
        return self._by_name.get(canonicalize_name(name))

    def user_distribution(self, name: str) -> str:
        """The distribution to name in an install for installed `name`: itself (tensorflow-cpu stays
        tensorflow-cpu), except the platform stubs the main distribution pulls in."""
        variant = self.variant(name)
        return (variant.installed_as or variant.name) if variant else canonicalize_name(name)

    def owns(self, name: str) -> bool:
        """Any distribution of the framework: variants, compiled part, plugins, other parts."""
        key = canonicalize_name(name)
        return (
            key in self._by_name
            or key == self.binary
            or key in self.parts
            or (self.plugins is not None and self.plugins.owns(key))
        )

    def is_binary(self, name: str) -> bool:
        """The distribution with the framework's compiled code: `binary`, else any variant."""
        key = canonicalize_name(name)
        return key == self.binary if self.binary else key in self._by_name

    def carries_binary(self, name: str) -> bool:
        """A distribution with the framework's compiled code (a variant, `binary`, a CUDA plugin)."""
        key = canonicalize_name(name)
        if self.binary:
            return key == self.binary or (self.plugins is not None and self.plugins.owns(key))
        return key in self._by_name

    def cuda_packages(self) -> tuple[str, ...]:
        """The distributions whose releases carry its CUDA builds, newest CUDA first (its plugins, or itself)."""
        if self.plugins is not None and self.plugins.majors:
            return tuple(self.plugins.of(m) for m in reversed(self.plugins.majors))
        return (self.distribution,)

    def menu_entries(self) -> tuple[MenuEntry, ...]:
        return self.menu or (MenuEntry(self.key, self.distribution, self.distribution),)

    # ---- GPU support ---------------------------------------------------------------------

    def gpu_on(self, os_name: str, version: object | None = None) -> bool:
        """Whether releases (`version`, a packaging Version, when given) have a GPU build on `os_name`."""
        if os_name not in self.gpu_os:
            return False
        spec = self.gpu_os[os_name]
        if not spec or version is None:
            return True
        found = _SPECIFIERS.get(spec)
        if found is None:
            # lazy: keeps packaging.specifiers out of check's start-up (36.0 ms, 6 modules: packaging)
            from packaging.specifiers import SpecifierSet  # only plan and lint ask with a version

            found = _SPECIFIERS[spec] = SpecifierSet(spec)
        return bool(found.contains(version, prereleases=True))  # type: ignore[arg-type]

    # ---- build -------------------------------------------------------------------------------

    def tag_build(self, name: str, local: str) -> TagBuild | None:
        """What the local version tag (`local`, after "+") of installed `name` says; None: nothing."""
        return None

    def read_build_info(
        self, package: str, members: Mapping[str, str], requires: Sequence[str], wheel: str, metadata_file: str
    ) -> dict[str, object]:
        """Release facts (cuda, cudnn, compute_capabilities, build_source) for the knowledge base, from the
        wheel members named by `build_members` (path -> text) and the release's Requires-Dist."""
        return {}

    # ---- plan and fixes --------------------------------------------------------------------

    def plan_build(self, question: PlanQuestion) -> PlanBuild:
        """How plan installs a release it chose (extras, index backend, system CUDA, reasons)."""
        return PlanBuild()

    def gpu_install(self, question: GpuQuestion) -> Install | None:
        """An install of the GPU build of an installed CPU-only build (ED404), or None."""
        if self.cuda_extra and question.os == "linux":
            return Install((f"{question.name}[{self.cuda_extra}]=={question.version}",))
        return None

    def driver_install(self, question: GpuQuestion) -> Install | None:
        """A build for a CUDA the driver supports, where one is sure to exist (ED401), or None."""
        return None

    # ---- verify --------------------------------------------------------------------------

    def verify_source(self) -> str:
        """The in-target code: `def verify_framework(rec, module, h)` (Python 3.6+, stdlib only)."""
        if self.verify_code:
            return self.verify_code
        if self.verify_file:
            return (Path(__file__).parent / self.verify_file).read_text(encoding="utf-8")
        return GENERIC_VERIFY

    def verify_args(self, installed: frozenset[str], environ: Mapping[str, str]) -> tuple[str, ...]:
        """Extra arguments for the in-target code (TensorFlow: --keras)."""
        return ()

    def verify_summary(self, build: Mapping[str, object]) -> list[str]:
        """The build facts verify prints: "cuda=12.1", "cpu build"."""
        keys = self.verify_keys or tuple(sorted(k for k, v in build.items() if isinstance(v, (str, int, float))))
        return [f"{k}={build[k]}" for k in keys if build.get(k) not in (None, "", False)]

    def verify_problem(self, version: str, keras: Mapping[str, object] | None) -> str | None:
        """A problem verify sees in what worked (TensorFlow: tf.keras is Keras 3 under Keras 2's era)."""
        return None


#: what verify runs for a framework that brings no code of its own: the import, its version, no computation
GENERIC_VERIFY = """
def verify_framework(rec, module, h):
    rec.emit(step="info", version=getattr(module, "__version__", None), build={}, devices=[])
"""
