"""The frameworks envdoctor knows, one descriptor each (`Framework`, in `_descriptor.py`), and the
registry every other module asks. Cheap to import: the built-in descriptors (tensorflow.py,
pytorch.py, jax.py) load on the first question; nothing here imports packaging.

    from envdoctor import frameworks
    fw = frameworks.of_distribution("tensorflow-cpu")   # the TensorFlow descriptor
    frameworks.of_request("pytorch").distribution       # "torch"
    frameworks.register(MY_FRAMEWORK)                   # a fourth framework, everywhere at once

Lookups are computed at call time from the registry, so a framework registered later (a test,
a plugin) is seen by every caller; modules never copy the tables at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from envdoctor.frameworks._descriptor import (
    Conda,
    Framework,
    GpuGap,
    GpuQuestion,
    Install,
    Keras,
    MenuEntry,
    PlanBuild,
    PlanQuestion,
    Plugins,
    TagBuild,
    Variant,
    WheelIndex,
)
from envdoctor.names import canonicalize_name

__all__ = [
    "Conda",
    "Framework",
    "GpuGap",
    "GpuQuestion",
    "Install",
    "Keras",
    "MenuEntry",
    "PlanBuild",
    "PlanQuestion",
    "Plugins",
    "TagBuild",
    "Variant",
    "WheelIndex",
    "abi_package",
    "all_frameworks",
    "binary_family",
    "compiled_family",
    "families",
    "framework_family",
    "get",
    "is_gpu_extra",
    "of_conda",
    "of_distribution",
    "of_package",
    "of_request",
    "register",
    "registered",
    "requested_family",
    "unregister",
    "user_distribution",
    "uv_index_option",
]

#: the built-in descriptors, in the order reports list them
BUILTIN = ("envdoctor.frameworks.tensorflow", "envdoctor.frameworks.pytorch", "envdoctor.frameworks.jax")

_registry: dict[str, Framework] = {}
_loaded = False
_tables: dict[str, dict[str, Framework]] = {}
# The lookups' answers by (lookup, name as given): a check asks them for every distribution in
# several rules, a fleet for every node; emptied with the tables when the registry changes.
_answers: dict[tuple[str, str], Framework | None] = {}


def _load() -> dict[str, Framework]:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN:
            fw: Framework = importlib.import_module(module).FRAMEWORK
            _registry.setdefault(fw.key, fw)
    return _registry


def register(framework: Framework) -> Framework:
    """Add (or replace) a framework: every lookup below sees it from now on."""
    _load()[framework.key] = framework
    _tables.clear()
    _answers.clear()
    return framework


def unregister(key: str) -> None:
    _load().pop(key, None)
    _tables.clear()
    _answers.clear()


@contextmanager
def registered(framework: Framework) -> Iterator[Framework]:
    """`framework` registered for the duration of a `with` block (tests)."""
    before = _load().get(framework.key)
    register(framework)
    try:
        yield framework
    finally:
        if before is None:
            unregister(framework.key)
        else:
            register(before)


def all_frameworks() -> tuple[Framework, ...]:
    return tuple(_load().values())


def families() -> tuple[str, ...]:
    """The family ids (each framework's key): ("tensorflow", "torch", "jax", ...)."""
    return tuple(_load())


def get(key: str) -> Framework | None:
    return _load().get(key)


def _table(kind: str) -> dict[str, Framework]:
    table = _tables.get(kind)
    if table is None:
        table = {}
        for fw in all_frameworks():
            if kind == "installed":
                names: tuple[str, ...] = fw.distributions
            elif kind == "request":
                names = fw.request_names
            else:  # conda
                conda = fw.conda
                names = (conda.request, *conda.records, *conda.aliases) if conda else ()
            for name in names:
                table.setdefault(canonicalize_name(name), fw)
        _tables[kind] = table
    return table


def _answer(lookup: str, name: str, compute: Callable[[str], Framework | None]) -> Framework | None:
    key = (lookup, name)
    if key in _answers:
        return _answers[key]
    found = compute(name)
    if len(_answers) >= 100_000:
        _answers.clear()
    _answers[key] = found
    return found


def of_distribution(name: str) -> Framework | None:
    """The framework an installed distribution is ("tensorflow-cpu" -> TensorFlow), else None."""
    return _answer("installed", name, lambda n: _table("installed").get(canonicalize_name(n)))


def of_request(name: str) -> Framework | None:
    """The framework a name in a spec or environment file asks for ("pytorch" -> PyTorch), else None."""
    return _table("request").get(canonicalize_name(name))


def of_conda(name: str) -> Framework | None:
    """The framework a conda package name belongs to ("pytorch-cpu", "tensorflow-base")."""
    return _table("conda").get(canonicalize_name(name))


def of_package(name: str) -> Framework | None:
    """The framework any of its distributions belongs to: variants, compiled part, CUDA plugins,
    parts (keras, tensorboard, torchvision)."""
    return _answer(
        "package", name, lambda n: of_distribution(n) or next((fw for fw in all_frameworks() if fw.owns(n)), None)
    )


def compiled_family(name: str) -> tuple[Framework, str] | None:
    """(framework, the distribution whose curated facts apply) for a distribution carrying a
    framework's compiled code: "tensorflow-cpu" -> (TensorFlow, "tensorflow"), "jax-cuda12-plugin"
    -> (JAX, "jaxlib"); None for the rest (the pure `jax` wheel included)."""
    for fw in all_frameworks():
        if fw.carries_binary(name):
            return fw, fw.compiled
    return None


def binary_family(name: str) -> Framework | None:
    """The framework whose compiled code `name` is: a TensorFlow variant, torch, jaxlib (not the
    pure jax wheel, not a CUDA plugin)."""
    return _answer("binary", name, lambda n: next((fw for fw in all_frameworks() if fw.is_binary(n)), None))


def framework_family(name: str) -> str | None:
    """The family of an installed distribution ("tensorflow-cpu" -> "tensorflow"), else None."""
    fw = of_distribution(name)
    return fw.key if fw else None


def requested_family(name: str) -> str | None:
    """The family of a name in a spec or environment file ("pytorch" -> "torch"), else None."""
    fw = of_request(name)
    return fw.key if fw else None


def user_distribution(name: str) -> str:
    """The distribution to name in an install for installed `name`: itself (variants are kept:
    tensorflow-cpu stays tensorflow-cpu), except the platform stubs the main distribution pulls in."""
    fw = of_distribution(name)
    return fw.user_distribution(name) if fw else canonicalize_name(name)


def uv_index_option() -> str:
    """uv's option that picks a framework's wheel-index backend ("--torch-backend"), "" when none has one."""
    return next(
        (fw.wheel_index.uv_option for fw in all_frameworks() if fw.wheel_index and fw.wheel_index.uv_option), ""
    )


def is_gpu_extra(extra: str) -> bool:
    """An extra that asks for a GPU build: a framework's CUDA extra (and-cuda) or a cudaNN spelling."""
    name = canonicalize_name(extra)
    return name.startswith("cuda") or any(name == fw.cuda_extra for fw in all_frameworks() if fw.cuda_extra)


def abi_package(name: str) -> str:
    """The distribution whose curated facts (NumPy ABI, caps, tested builds) apply to `name`:
    TensorFlow's variants share TensorFlow's, jaxlib's CUDA plugins share jaxlib's."""
    found = compiled_family(name)
    return found[1] if found else canonicalize_name(name)
