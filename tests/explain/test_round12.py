"""Round 12 (issue 11): reasoning steps written from the tools' own wording (not from a blind set),
each with a near miss. `assert_reasoned` checks the rules' raw conclusion and what calibration
ships for it (tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

TF_NO_DRIVER = (
    "W tensorflow/compiler/xla/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
    "'libcuda.so.1'; dlerror: libcuda.so.1: cannot open shared object file: No such file or directory\n"
    "W tensorflow/compiler/xla/stream_executor/cuda/cuda_driver.cc:265] failed call to cuInit: UNKNOWN ERROR (303)\n"
)


def test_the_drivers_own_library_missing_is_no_gpu() -> None:
    got = assert_reasoned(TF_NO_DRIVER, "no-gpu-visible")
    assert any("--gpus all" in f for f in got.fixes), got.fixes
    windows = "Could not load dynamic library 'nvcuda.dll'; dlerror: nvcuda.dll not found\n"
    assert raw_decision(windows).cause == "no-gpu-visible"
    assert raw_decision("OSError: libcuda.so.1: cannot open shared object file: No such file or directory\n").cause == (
        "no-gpu-visible"
    )


def test_libcuda_on_wsl_or_beside_other_missing_libraries_is_not_the_driver() -> None:
    wsl = "Linux DESKTOP 5.15.153.1-microsoft-standard-WSL2\n" + TF_NO_DRIVER
    assert_not_concluded(wsl, "no-gpu-visible")
    cudnn_link = (
        "Could not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file: "
        "No such file or directory\n"
    )
    assert raw_decision(cudnn_link).cause == "cuda-libs-missing"
    both = TF_NO_DRIVER + (
        "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
        "'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory\n"
    )
    assert_not_concluded(both, "no-gpu-visible")
