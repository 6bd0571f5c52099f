# ruff: noqa: E501  (data: loader messages read better unwrapped)
"""Native libraries that do not load, on loader messages written here in the loaders' own forms."""

from __future__ import annotations

import pytest

from envdoctor.explain import explain_text
from tests.explain.expect import assert_reasoned


@pytest.mark.parametrize(
    "line",
    [
        # Python >= 3.8 names the module; older Pythons do not; an excerpt may join the import to it
        "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: The specified module could not be found.",
        "from mediapipe.python._framework_bindings import model_ckpt ImportError: DLL load failed: The specified module "
        "could not be found.",
        'OSError: [WinError 126] The specified module could not be found. Error loading "C:\\envs\\a\\lib\\site-packages'
        '\\torch\\lib\\c10.dll" or one of its dependencies.',
        "FileNotFoundError: Could not find module 'C:\\py\\Lib\\site-packages\\llama_cpp\\lib\\llama.dll' (or one of its "
        "dependencies). Try using the full path with constructor syntax.",
    ],
)
def test_a_native_extension_without_its_dlls_is_the_msvc_runtime(line: str) -> None:
    got = explain_text(line + "\n")
    assert got.cause == "msvc-runtime-missing", (got.cause, got.confidence)


@pytest.mark.parametrize(
    "line",
    [
        # NumPy's own extension in a conda env that was not activated (Library\bin off PATH)
        "ImportError: DLL load failed while importing _multiarray_umath: The specified module could not be found.",
        # another error code: an initialisation routine failed (TensorFlow without AVX reads this way)
        "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: A dynamic link library (DLL) "
        "initialization routine failed.",
    ],
)
def test_other_dll_failures_are_not_read_as_the_runtime(line: str) -> None:
    assert explain_text(line + "\n").cause != "msvc-runtime-missing"


def test_tensorflow_1_gpu_dll_failure_is_left_to_the_cuda_reading() -> None:
    text = (
        "Successfully installed tensorflow-gpu-1.13.1\n"
        "ImportError: DLL load failed: The specified module could not be found.\n"
    )
    assert explain_text(text).cause != "msvc-runtime-missing"


def test_a_package_missing_its_own_symbols_in_a_conda_env_is_pip_over_conda() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/miniconda3/envs/det/lib/python3.9/site-packages/torch/__init__.py", line 199, in <module>\n'
        "    from torch._C import *\n"
        "ImportError: /home/me/miniconda3/envs/det/lib/python3.9/site-packages/torch/lib/libtorch_cpu.so: undefined "
        "symbol: _ZN2at4_ops10randn_like4callERKNS_6TensorE\n"
    )
    assert_reasoned(text, "mixed-pip-conda")


def test_a_cuda_symbol_missing_is_another_cuda() -> None:
    text = (
        "OSError: /usr/local/lib/python3.10/dist-packages/torch/lib/libtorch_cuda.so: undefined symbol: "
        "cudaGraphInstantiateWithFlags, version libcudart.so.11.0\n"
    )
    got = explain_text(text)
    assert got.cause in ("cuda-version-mismatch", "unknown")
    assert got.cause == "cuda-version-mismatch" or any(c.cause == "cuda-version-mismatch" for c in got.candidates)
