"""Round 7 (issue 11): reasoning steps read from blind14's misses, on minimal logs in the tools' wording.

Each: a concluding case and a near miss (the same facts short of the step). `assert_reasoned` checks
the rules' raw conclusion and what calibration ships for it (tests/explain/expect.py)."""

from __future__ import annotations

import pytest

from envdoctor.explain.extract import _OS_SIGNALS
from tests.explain.expect import assert_reasoned, raw_decision

# ---- CUDA asked for on macOS (platform-comfy3dpack-177, platform-diffbir-60) -----------------
NOT_CUDA = (
    '  File "/opt/app/lib/python3.11/site-packages/torch/cuda/__init__.py", line 302, in _lazy_init\n'
    '    raise AssertionError("Torch not compiled with CUDA enabled")\n'
    "AssertionError: Torch not compiled with CUDA enabled\n"
)


def test_cuda_asked_for_on_macos_is_the_platform() -> None:
    got = assert_reasoned("is mac actually supported?\n" + NOT_CUDA, "platform-unsupported")
    assert got is not None
    raw = raw_decision("On my MacBook Pro (macOS 14):\n" + NOT_CUDA)
    assert raw.cause == "platform-unsupported" and raw.key == "gpu/cuda-on-macos"


def test_the_same_error_on_linux_is_a_cpu_only_build() -> None:
    raw = raw_decision("Ubuntu 22.04\n" + NOT_CUDA)
    assert raw.cause == "no-gpu-visible"
    assert "platform-unsupported" not in raw.scores


def _os_of(line: str) -> set[str]:
    return {name for name, rx in _OS_SIGNALS if rx.search(line.lower())}


@pytest.mark.parametrize("line", ["is mac actually supported?", "我在torch主页上看到只有一个版本适合mac", "Mac M1"])
def test_the_word_mac_means_macos(line: str) -> None:
    assert "macos" in _os_of(line)


@pytest.mark.parametrize("line", ["mac address: 00:1a:2b", "hmac digest failed", "macro expansion", "emacs"])
def test_mac_inside_other_words_or_a_mac_address_is_not_macos(line: str) -> None:
    assert "macos" not in _os_of(line)


# ---- Keras 3's save / checkpoint path checks (keras-lite-6) -----------------------------------
CHECKPOINT = (
    "tf.__version__ 2.18.0\n"
    "ValueError: The filepath provided must end in `.keras` (Keras model format). Received: "
    "filepath=tmp/best_model.hdf5\n"
)
SAVE = (
    "ValueError: Invalid filepath extension for saving. Please add either a `.keras` extension for the "
    "native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if you want to "
    "export a SavedModel for use with TFLite/TFServing/etc. Received: filepath=saved_model/my_model.\n"
)


@pytest.mark.parametrize("log", [CHECKPOINT, SAVE], ids=["checkpoint", "save"])
def test_keras_3s_path_checks_are_a_keras_version_mismatch(log: str) -> None:
    raw = raw_decision(log)
    assert raw.cause == "keras-version-mismatch", raw.ranked
    assert raw.key.startswith("keras/v3-")


def test_a_file_not_found_for_an_hdf5_path_is_no_keras_mismatch() -> None:
    near = "OSError: Unable to open file (unable to open file: name = 'tmp/best_model.hdf5', errno = 2)\n"
    assert "keras-version-mismatch" not in raw_decision(near).scores
