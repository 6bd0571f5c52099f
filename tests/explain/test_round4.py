"""Round 4 of issue 11, end to end: what `explain` answers on minimal logs in the tools' own words
for the classes its never-read sets showed (the Python hidden from pip's error, two prefixes in one
log, one "no GPU" line beside a fault of the GPU stack), each with the near miss that must not
give the same answer."""

from __future__ import annotations

from envdoctor.explain import explain_text
from envdoctor.explain.decide import CONFIDENT
from tests.explain.expect import assert_reasoned

from .test_rules import CUDA_WARNING, CUDNN9_FAIL, DEVICE_LIST_CPU, NO_WHEEL, NVIDIA_SMI_122, PANDAS_ABI


def _named(text: str) -> tuple[str, float]:
    got = explain_text(text)
    return got.cause, got.confidence


def test_a_package_the_wheel_tables_know_is_read_like_a_framework() -> None:
    # onnxruntime 1.17.0 was its first release with CPython 3.12 wheels: the list is 3.12's
    cause, confidence = _named(NO_WHEEL.format(req="onnxruntime==1.15.1", versions="1.17.0, 1.17.1, 1.18.0"))
    assert cause == "python-unsupported" and confidence >= CONFIDENT
    # a package no table knows stays undecided
    assert _named(NO_WHEEL.format(req="somepkg==1.0", versions="0.8, 0.9"))[0] == "unknown"


def test_pythonpath_to_another_installs_site_packages_is_the_root_of_the_abi_error() -> None:
    log = "(.venv) $ export PYTHONPATH=/opt/other/lib/python3.11/site-packages\n(.venv) $ python -c 'import pandas'\n"
    got = explain_text(log + PANDAS_ABI)
    assert (got.cause, got.confidence >= CONFIDENT) == ("env-leakage", True)
    assert any(s.cause == "numpy-abi" for s in got.secondary)
    # the same error with PYTHONPATH naming the env's own site-packages: the ABI error itself
    same = "(.venv) $ export PYTHONPATH=/proj/.venv/lib/python3.11/site-packages\n(.venv) $ python -c 'import pandas'\n"
    assert _named(same + PANDAS_ABI)[0] == "numpy-abi"


def test_numpy_loaded_from_the_user_site_under_an_env_is_leakage() -> None:
    shown = "$ python -c 'import numpy; print(numpy.__file__)'\n"
    foreign = shown + "/home/u/.local/lib/python3.11/site-packages/numpy/__init__.py\n"
    cause, confidence = _named(foreign + PANDAS_ABI)
    assert cause == "env-leakage" and confidence >= CONFIDENT
    own = shown + "/proj/.venv/lib/python3.11/site-packages/numpy/__init__.py\n"
    assert _named(own + PANDAS_ABI)[0] == "numpy-abi"


def test_user_site_code_importing_the_system_site_is_one_interpreter_not_a_leak() -> None:
    # pip install --user on a system Python: the user site and /usr/lib/python3/dist-packages are
    # the same interpreter's two folders; an old typing_extensions there is a version question
    log = (
        "Traceback (most recent call last):\n"
        '  File "/home/u/.local/lib/python3.8/site-packages/torch/__init__.py", line 753, in <module>\n'
        '  File "/home/u/.local/lib/python3.8/site-packages/torch/serialization.py", line 18, in <module>\n'
        "    from typing_extensions import TypeAlias\n"
        "ImportError: cannot import name 'TypeAlias' from 'typing_extensions' "
        "(/usr/lib/python3/dist-packages/typing_extensions.py)\n"
    )
    assert _named(log)[0] == "dependency-version-mismatch"


def test_a_library_that_does_not_load_is_why_no_gpu_is_listed() -> None:
    assert_reasoned(CUDA_WARNING + DEVICE_LIST_CPU, "cuda-libs-missing")
    # the device list alone: the framework sees no GPU (calibrated below the bar: measured 0 of 1)
    assert_reasoned(DEVICE_LIST_CPU, "no-gpu-visible")


def test_one_device_list_beside_a_driver_fact_does_not_decide() -> None:
    got = explain_text(NVIDIA_SMI_122 + DEVICE_LIST_CPU)
    assert got.cause == "unknown"
    assert "no-gpu-visible" in [c.cause for c in got.candidates]


def test_a_pip_cudnn_wheel_of_another_major_is_a_version_mismatch() -> None:
    assert_reasoned("nvidia-cudnn-cu12          8.9.2.26\n" + CUDNN9_FAIL, "cuda-version-mismatch")
    assert_reasoned("nvidia-cudnn-cu12          9.1.0.70\n" + CUDNN9_FAIL, "cuda-libs-missing")


def test_a_wheel_only_gpu_package_joins_the_wheel_tables() -> None:
    # cupy-cuda12x got CPython 3.13 wheels from 13.4.0 on: a list starting there is Python 3.13's,
    # and 12.3.0 has wheels for 3.8-3.12 only
    listed = "13.4.0, 13.4.1, 13.5.1, 13.6.0, 14.0.0, 14.0.1"
    cause, confidence = _named(NO_WHEEL.format(req="cupy-cuda12x==12.3.0", versions=listed))
    assert cause == "python-unsupported" and confidence >= CONFIDENT
    # a list that ends below the pin (an old log, or a mirror): no Python is read off it
    assert _named(NO_WHEEL.format(req="cupy-cuda12x==12.3.0", versions="12.0.0, 12.1.0, 12.2.0"))[0] == "unknown"


def test_an_error_in_another_pythons_site_packages_is_leakage() -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/opt/conda/envs/tf-gpu/lib/python3.7/site-packages/perception/image.py", line 11, in <module>\n'
        "    import cv2\n"
        "ImportError: /opt/ros/kinetic/lib/python2.7/dist-packages/cv2.so: undefined symbol: PyCObject_Type\n"
    )
    cause, confidence = _named(log)
    assert cause == "env-leakage" and confidence >= CONFIDENT
