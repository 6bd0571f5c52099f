"""plan's choice for JAX (a pure wheel: jaxlib and the CUDA plugins decide) and the driver floors,
against the shipped knowledge base."""

from __future__ import annotations

import pytest
from packaging.version import Version

from envdoctor.knowledge import DATA_DIR, KnowledgeBase
from envdoctor.plan.choose import choose
from envdoctor.plan.model import Target


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(DATA_DIR)


def _pin(choice, name):  # type: ignore[no-untyped-def]
    return next(p for p in choice.pins if p.name == name)


def test_jax_cuda13_keeps_its_cuda_and_driver(kb: KnowledgeBase) -> None:
    target = Target(platform="linux-x86_64", python="3.13", gpu=True, driver="590")
    choice = choose(["jax[cuda13]"], target, kb)
    assert choice.feasible
    pin = _pin(choice, "jax")
    assert pin.extras == ("cuda13",)
    assert "CUDA 13.0" in pin.reason and "needs NVIDIA driver >= 580.65.06" in pin.reason
    plugin = kb.release("jax-cuda13-plugin", pin.version)
    assert plugin is not None and "3.13" in plugin.pythons("linux-x86_64")
    # the same driver is too old for CUDA 13 but fine for jax[cuda12]
    old = Target(platform="linux-x86_64", python="3.13", gpu=True, driver="570")
    assert not choose(["jax[cuda13]"], old, kb).feasible
    twelve = choose(["jax[cuda12]"], old, kb)
    assert twelve.feasible and _pin(twelve, "jax").extras == ("cuda12",)


def test_jax_gpu_needs_a_plugin_on_pypi(kb: KnowledgeBase) -> None:
    target = Target(platform="linux-x86_64", python="3.11", gpu=True)
    choice = choose(["jax==0.4.20"], target, kb)  # its CUDA jaxlib came from Google's storage
    assert not choice.feasible
    assert "no GPU build" in choice.proof[0]
    assert "--cpu" in choice.alternatives


def test_jax_pythons_come_from_jaxlib(kb: KnowledgeBase) -> None:
    # jaxlib stopped publishing macOS x86_64 wheels; jax's pure wheel alone would claim every release
    choice = choose(["jax"], Target(platform="macos-x86_64", gpu=False), kb)
    assert choice.feasible
    version = _pin(choice, "jax").version
    jaxlib = kb.release("jaxlib", version)
    assert jaxlib is not None and choice.python in jaxlib.pythons("macos-x86_64")
    newest = kb.releases("jax")[-1].parsed_version
    assert Version(version) < newest


def test_jax_cpu_extra_means_cpu(kb: KnowledgeBase) -> None:
    choice = choose(["jax[cpu]"], Target(platform="linux-x86_64", python="3.12", driver="550.54.14"), kb)
    assert choice.feasible and not choice.gpu
    assert _pin(choice, "jax").extras == ("cpu",)


def test_cuda_110_needs_only_its_ga_driver(kb: KnowledgeBase) -> None:
    # TensorFlow 2.4 is built with CUDA 11.0: its GA driver 450.51.05 is below the 11.x
    # minor-compatibility floor (450.80.02), and either suffices
    target = Target(platform="linux-x86_64", python="3.8", gpu=True, driver="450.51.05")
    choice = choose(["tensorflow==2.4.*"], target, kb)
    assert choice.feasible, choice.proof
    assert "needs NVIDIA driver >= 450.51.05" in _pin(choice, "tensorflow").reason
    too_old = Target(platform="linux-x86_64", python="3.8", gpu=True, driver="450.36.06")
    assert not choose(["tensorflow==2.4.*"], too_old, kb).feasible
