from __future__ import annotations

import pytest

from envdoctor.errors import UsageError
from envdoctor.plan import Target, choose
from tests.plan.fakekb import FakeKB, FakeRelease


@pytest.fixture
def kb() -> FakeKB:
    return FakeKB()


def test_newest_release_and_newest_python(kb: FakeKB) -> None:
    choice = choose(["tensorflow"], Target(gpu=False), kb)
    assert choice.feasible
    assert choice.python == "3.12"
    assert choice.requirements == ["tensorflow==2.18.0"]


def test_python_pin_picks_release_that_supports_it(kb: FakeKB) -> None:
    choice = choose(["tensorflow"], Target(python="3.11", gpu=False), kb)
    assert choice.requirements == ["tensorflow==2.18.0"]
    choice = choose(["tensorflow<2.16"], Target(python="3.11", gpu=False), kb)
    assert choice.requirements == ["tensorflow==2.15.1"]
    assert "numpy<2" in choice.constraints  # the curated cap, added even where metadata has it


def test_curated_protobuf_cap_old_tensorflow(kb: FakeKB) -> None:
    kb.data["tensorflow"].append(FakeRelease("2.9.3", {"linux-x86_64": ("3.9", "3.10")}))
    choice = choose(["tensorflow==2.9.*"], Target(python="3.10", gpu=False), kb)
    assert choice.feasible
    assert "protobuf<3.20" in choice.constraints
    assert "numpy<2" in choice.constraints


def test_infeasible_python_gives_proof_and_alternatives(kb: FakeKB) -> None:
    choice = choose(["tensorflow==2.13.*"], Target(python="3.12", gpu=False), kb)
    assert not choice.feasible
    assert choice.proof == [
        "tensorflow==2.13.* has builds for Python 3.8–3.11 on linux-x86_64; you asked for 3.12"
        " -> use Python 3.11, or tensorflow>=2.16"
    ]
    assert choice.alternatives == ["use Python 3.11", "tensorflow>=2.16"]


def test_gpu_on_linux_uses_and_cuda_never_tensorflow_gpu(kb: FakeKB) -> None:
    choice = choose(["tensorflow-gpu"], Target(python="3.11", driver="550.54.14"), kb)
    assert choice.feasible and choice.gpu
    assert choice.requirements == ["tensorflow[and-cuda]==2.18.0"]
    assert any("tensorflow-gpu was removed" in r for r in choice.reasons)
    assert not any("tensorflow-gpu" in r for r in choice.requirements)


def test_old_driver_limits_cuda(kb: FakeKB) -> None:
    # 470 runs CUDA 11.x (minor-version compatibility) but not 12.x
    choice = choose(["tensorflow"], Target(gpu=True, driver="470.82.01"), kb)
    assert choice.feasible
    assert choice.requirements == ["tensorflow[and-cuda]==2.14.1"]
    choice = choose(["tensorflow>=2.15"], Target(gpu=True, driver="470.82.01", python="3.11"), kb)
    assert not choice.feasible
    assert "NVIDIA driver >= 525.60.13" in choice.proof[0]
    assert "--cpu" in choice.alternatives


def test_old_tensorflow_gpu_with_conda_gets_cudatoolkit(kb: FakeKB) -> None:
    target = Target(gpu=True, python="3.10", manager="conda")
    choice = choose(["tensorflow==2.10.*"], target, kb)
    assert choice.requirements == ["tensorflow==2.10.1"]
    assert choice.conda_specs[:2] == ["python=3.10", "pip"]
    assert "cudatoolkit=11.2" in choice.conda_specs and "cudnn=8.1" in choice.conda_specs


def test_windows_gpu(kb: FakeKB) -> None:
    target = Target(platform="windows-x86_64", gpu=True, python="3.11")
    choice = choose(["tensorflow"], target, kb)
    assert not choice.feasible
    assert "native Windows" in choice.proof[0]
    assert "--cpu" in choice.alternatives
    choice = choose(["tensorflow"], Target(platform="windows-x86_64", gpu=True), kb)
    assert choice.feasible and choice.requirements == ["tensorflow==2.10.1"]


def test_user_pin_conflicting_with_cap(kb: FakeKB) -> None:
    choice = choose(["tensorflow<2.18", "numpy>=2"], Target(python="3.11", gpu=False), kb)
    assert not choice.feasible
    assert "needs numpy<2" in choice.proof[0]
    assert "drop numpy>=2" in choice.alternatives
    ok = choose(["tensorflow", "numpy>=2"], Target(python="3.11", gpu=False), kb)
    assert ok.feasible and ok.requirements == ["tensorflow==2.18.0", "numpy>=2"]


def test_installed_python_preferred_on_tie(kb: FakeKB) -> None:
    target = Target(gpu=False, installed_pythons=("3.10",))
    assert choose(["tensorflow"], target, kb).python == "3.10"


def test_torch_cpu_on_linux_uses_cpu_backend(kb: FakeKB) -> None:
    choice = choose(["torch"], Target(gpu=False, python="3.11"), kb)
    assert choice.requirements == ["torch==2.5.1"]
    assert choice.index_backend == "cpu"


def test_no_framework_passes_specs_through(kb: FakeKB) -> None:
    choice = choose(["requests>=2"], Target(python="3.11"), kb)
    assert choice.feasible and choice.requirements == ["requests>=2"]


def test_bad_spec_is_usage_error(kb: FakeKB) -> None:
    with pytest.raises(UsageError):
        choose(["tensorflow>>2"], Target(), kb)


def test_choice_with_real_kb() -> None:
    """The choice against the real knowledge base (its speed: bench/plan_speed.py)."""
    from envdoctor.knowledge import DATA_DIR, KnowledgeBase

    kb = KnowledgeBase.load(DATA_DIR)
    choose(["tensorflow"], Target(python="3.11", gpu=False), kb)  # warm: parse the release file
    choice = choose(["tensorflow"], Target(python="3.11", gpu=True, driver="550.54.14"), kb)
    assert choice.feasible
    assert choice.requirements[0].startswith("tensorflow[and-cuda]==")
    proof = choose(["tensorflow==2.13.*"], Target(python="3.12", gpu=False), kb)
    assert proof.proof[0].startswith(
        "tensorflow==2.13.* has builds for Python 3.8–3.11 on linux-x86_64; you asked for 3.12"
    )
