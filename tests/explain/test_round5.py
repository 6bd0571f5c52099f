"""Round 5 of issue 11, end to end: minimal logs in the tools' own words for the classes blind10's
misses showed, each with the near miss that must not give the same answer."""

from __future__ import annotations

from envdoctor.explain import explain_text
from envdoctor.explain.decide import CONFIDENT
from tests.explain.expect import assert_reasoned

from .test_logfacts import facts

# TensorFlow's stub line when it cannot open the CUDA runtime its build links against
_STUB = (
    "2023-07-13 15:38:30.515088: I tensorflow/tsl/cuda/cudart_stub.cc:28] Could not find cuda drivers on your "
    "machine, GPU will not be used.\n"
)
_ASK = (
    "$ docker run --rm --gpus all img python3 -c 'import tensorflow as tf; print(tf.config.list_physical_devices())'\n"
)


def test_the_runtime_stub_beside_a_toolkit_of_another_major_is_a_version_mismatch() -> None:
    log = "$ pip show tensorflow\nName: tensorflow\nVersion: 2.13.0\n" + _ASK + "CUDA Version 12.1.1\n\n" + _STUB
    got = assert_reasoned(log, "cuda-version-mismatch")
    assert got.facts.get("cuda") == "12.1"


def test_the_runtime_stub_beside_the_builds_own_cuda_is_not_a_mismatch() -> None:
    # the same line with the container's CUDA the one TF 2.13 is built for: no version mismatch
    log = "$ pip show tensorflow\nName: tensorflow\nVersion: 2.13.0\n" + _ASK + "CUDA Version 11.8.0\n\n" + _STUB
    assert explain_text(log).cause != "cuda-version-mismatch"
    # and without any toolkit line, nothing says the versions differ
    assert explain_text("$ pip show tensorflow\nName: tensorflow\nVersion: 2.13.0\n" + _ASK + _STUB).cause != (
        "cuda-version-mismatch"
    )


def test_the_container_banner_is_a_toolkit_and_nvidia_smis_column_is_the_driver() -> None:
    banner = facts("==========\n== CUDA ==\n==========\n\nCUDA Version 12.1.1\n")
    assert banner.gpu.toolkit is not None and banner.gpu.toolkit.value == "12.1"
    # `CUDA Version: 12.2` inside nvidia-smi's table is the driver's, and prose naming a version is neither
    smi = facts("| NVIDIA-SMI 535.54.03   Driver Version: 535.54.03   CUDA Version: 12.2     |\n")
    assert smi.gpu.toolkit is None and smi.gpu.driver_cuda is not None
    assert facts("I think the CUDA version 12.1 is the problem\n").gpu.toolkit is None


def test_the_runtime_stub_beside_a_toolkit_with_the_builds_cuda_unknown_is_not_a_confident_no_gpu() -> None:
    # no TensorFlow version in the log: a runtime present that does not load is a candidate
    # mismatch, below the bar; "no GPU" is not named with confidence
    got = explain_text(_ASK + "CUDA Version 12.1.1\n\n" + _STUB)
    assert got.confidence < CONFIDENT
    assert got.candidates and got.candidates[0].cause == "cuda-version-mismatch"
    # without the toolkit line, the GPU question answered by the stub stays no-gpu-visible
    assert_reasoned(_ASK + _STUB, "no-gpu-visible")


_WIN_INSTALL = (
    "> python -m pip install torch===1.7.1 -f https://download.pytorch.org/whl/torch_stable.html\n"
    "Collecting torch===1.7.1\n"
    "  Downloading {wheel} (184.0 MB)\n"
    "Successfully installed torch-1.7.1\n"
    "When I check whether CUDA is available, it is not.\n"
)


def test_a_windows_torch_wheel_without_a_cuda_tag_is_the_cpu_build() -> None:
    got = explain_text(_WIN_INSTALL.format(wheel="torch-1.7.1-cp38-cp38-win_amd64.whl"))
    assert (got.cause, got.confidence >= CONFIDENT) == ("no-gpu-visible", True)
    assert any("+cuXXX" in r for r in got.reasons)


def test_a_windows_torch_wheel_with_a_cuda_tag_is_not_called_the_cpu_build() -> None:
    got = explain_text(
        _WIN_INSTALL.format(wheel="https://download.pytorch.org/whl/cu102/torch-1.7.1%2Bcu102-cp38-cp38-win_amd64.whl")
    )
    assert not any("CPU-only build" in r for r in got.reasons)
    # the same plain wheel on Linux (PyPI's Linux torch is a CUDA build) is not called CPU-only either
    linux = explain_text(_WIN_INSTALL.format(wheel="torch-1.7.1-cp38-cp38-manylinux1_x86_64.whl"))
    assert not any("CPU-only build" in r for r in linux.reasons)
