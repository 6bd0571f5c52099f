"""Second round of generalisation: platform vs Python, removed placeholders, CUDA builds, env leaks.

Every positive text is quoted from a tuning case (tests/corpus/tuning/<name>.log, source URL inside);
the negative tests check that the new readings leave look-alike text alone.
"""

from __future__ import annotations

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.paths import installs
from tests.explain.expect import assert_reasoned

from .corpus import load

TUNING = {c.name: c for c in load("tuning")}

# (tuning case, text quoted from it, the cause that text alone shows)
CASES = [
    (
        "platform-mlsec-53",
        "No matching distribution found for tensorflow>=1.8.0 (from -r requirements.txt (line 10))\n"
        "5.2.0-kali2-686-pae #1 SMP Debian 5.2.9-2kali1 (2019-08-22) i686 GNU/Linux\n"
        "Python 3.7.5\n",
        "platform-unsupported",
    ),
    (
        "platform-jax-1792",
        "ERROR: Could not find a version that satisfies the requirement jaxlib (from versions: none)\n"
        "ERROR: No matching distribution found for jaxlib\n"
        "FROM python:3.7-alpine\n",
        "platform-unsupported",
    ),
    (
        "platform-jax-507",
        "  Could not find a version that satisfies the requirement jaxlib (from versions: )\n"
        "No matching distribution found for jaxlib\n"
        "Python 3.6.8 |Anaconda, Inc.| (default, Feb 21 2019, 18:30:04) [MSC v.1916 64 bit (AMD64)] on win32\n",
        "platform-unsupported",
    ),
    (
        "platform-tf-30158",
        "I'm trying to install tensorflow-gpu for Windows 10 with the last version of pip and python 3.5.1.\n"
        'the problem is that whenever i try to install via pip it gives me the error "No matching distribution '
        'found for tensorflow-gpu"\n'
        'With the links on the tensorflow site i get "ERROR: https://storage.googleapis.com/tensorflow/windows/gpu/'
        'tensorflow_gpu-1.13.1-cp35-cp35m-win_amd64.whl is not a supported wheel on this platform."\n',
        "python-unsupported",  # the Python's bitness: a 32-bit Python refuses win_amd64 wheels
    ),
    (
        "removed-neuralbody-145",
        "  Downloading sklearn-0.0.post5.tar.gz (3.7 kB)\n  Preparing metadata (setup.py) ... error\n",
        "package-removed",
    ),
    (
        "removed-dora-19",
        "The 'sklearn' PyPI package is deprecated, use 'scikit-learn'\n      rather than 'sklearn' for pip commands.\n",
        "package-removed",
    ),
    (
        "cudaver-metabin-15",
        "NVIDIA GeForce RTX 3060 with CUDA capability sm_86 is not compatible with the current PyTorch installation.\n"
        "The current PyTorch install supports CUDA capabilities sm_37 sm_50 sm_60 sm_61 sm_70 sm_75 compute_37.\n",
        "cuda-version-mismatch",
    ),
    (
        "cudaver-nnunet-1040",
        " CUDA error: no kernel image is available for execution on the device. CUDA kernel errors might be "
        "asynchronously reported at some other API call,so the stacktrace below might be incorrect.\n",
        "cuda-version-mismatch",
    ),
    (
        "cudaver-jaxfeedstock-149",
        "CUDA backend failed to initialize: Unable to use CUDA because of the following issues with CUDA components:\n"
        "Outdated cuDNN installation found.\nVersion JAX was built against: 8907\nMinimum supported: 9100\n",
        "cuda-version-mismatch",
    ),
    (
        "network-pytorch-1214",
        "CondaError: CondaHTTPError: HTTP None None for url "
        "<https://conda.anaconda.org/soumith/linux-64/magma-cuda80-2.1.0-5.tar.bz2>\n",
        "network-or-index",
    ),
    (
        "nogpu-pytorch-43493",
        '3. `python -c "import torch; print(torch.cuda.is_available());"` prints `False`\n',
        "no-gpu-visible",
    ),
    (
        "envleak-tf-3630",
        "`# /usr/lib/python2.7/site-packages/tensorflow/__pycache__/__init__.cpython-34.pyc matches "
        "/usr/lib/python2.7/site-packages/tensorflow/__init__.py`\n",
        "env-leakage",
    ),
    (
        "envleak-pytorch-138991",
        "pip version is  pip 24.0 from /home/dandiago/anaconda3/lib/python3.12/site-packages/pip (python 3.12)\n"
        "Traceback (most recent call last):\n"
        '  File "/home/dandiago/.local/bin/pip", line 5, in <module>\n'
        "    from pip._internal.cli.main import main\n",
        "env-leakage",
    ),
]


@pytest.mark.parametrize(("name", "text", "cause"), CASES, ids=[c[0] for c in CASES])
def test_quoted_text_shows_cause(name: str, text: str, cause: str) -> None:
    body = TUNING[name].text
    for line in text.splitlines():
        assert line.strip() in body, f"{line!r} is not quoted from {name}"
    assert_reasoned(text, cause)


def test_a_32_bit_python_is_the_python() -> None:
    # platform-tf-43244: causes.md's python-unsupported is "no wheel ... for this Python version (or
    # for 32-bit Python)"
    text = (
        "ERROR: Could not find a version that satisfies the requirement tensorflow==2.2.0rc4 (from versions: none)\n"
        "ERROR: No matching distribution found for tensorflow==2.2.0rc4\n"
        "sys.version: 3.7.3 (v3.7.3:ef4ec6ed12, Mar 25 2019, 21:26:53) [MSC v.1916 32 bit (Intel)]\n"
        "sys.platform: win32\n"
    )
    for line in text.splitlines():
        assert line in TUNING["platform-tf-43244"].text
    got = explain_text(text)
    assert got.cause == "python-unsupported"
    assert "32-bit" in got.explanation


def test_uv_current_platform_alone_is_python_or_platform() -> None:
    # platform-uv-13512: uv says the same for a Python tag and a platform tag that do not fit
    line = (
        "error: Distribution `torch==2.6.0 @ registry+https://pypi.org/simple` can't be installed because it "
        "doesn't have a source distribution or wheel for the current platform\n"
    )
    assert line in TUNING["platform-uv-13512"].text
    got = explain_text(line)
    assert got.cause == "unknown"
    # torch 2.6.0 has wheels for most Pythons on most platforms: the line alone fits both readings
    assert {c.cause for c in got.candidates} == {"platform-unsupported", "python-unsupported"}
    assert explain_text(TUNING["platform-uv-13512"].text).cause == "platform-unsupported"  # uv's hint names it


def test_python_version_without_platform_hint_stays_python() -> None:
    """The plain pip message with nothing about the machine keeps its usual reading."""
    text = TUNING["pyver-tf-79349"].text
    assert explain_text(text).cause == "python-unsupported"


def test_64bit_python_on_win32_is_not_a_32bit_sign() -> None:
    """`[MSC v.1916 64 bit (AMD64)] on win32` is a 64-bit interpreter: no platform reading from it."""
    text = (
        "ERROR: Could not find a version that satisfies the requirement tensorflow==2.17.0 (from versions: none)\n"
        "ERROR: No matching distribution found for tensorflow==2.17.0\n"
        "Python 3.13.0 (tags/v3.13.0:60403a5, Oct  7 2024, 09:38:07) [MSC v.1941 64 bit (AMD64)] on win32\n"
    )
    assert explain_text(text).cause == "python-unsupported"


def test_requires_python_outranks_platform_hint() -> None:
    """pip naming the Python version itself wins over a hint about the machine (Alpine here)."""
    text = (
        "ERROR: Ignored the following versions that require a different python version: 2.16.1 Requires-Python >=3.9\n"
        "ERROR: Could not find a version that satisfies the requirement tensorflow==2.16.1 (from versions: none)\n"
        "FROM python:3.8-alpine\n"
    )
    assert explain_text(text).cause == "python-unsupported"


def test_skipped_wheel_list_is_not_the_machine() -> None:
    """pip -v lists wheels it skipped, for every platform: those tags say nothing about this machine."""
    text = (
        "Skipping link: none of the wheel's tags match: cp36-none-macosx_10_7_x86_64: https://files.pythonhosted.org/"
        "packages/d9/02/torch-1.1.0-cp36-none-macosx_10_7_x86_64.whl\n"
        "ERROR: Could not find a version that satisfies the requirement torch==1.1.0 (from versions: 0.1.2)\n"
        "ERROR: No matching distribution found for torch==1.1.0\n"
    )
    got = explain_text(text)
    assert got.facts.get("os") != "macos"  # the skipped macOS wheel is not this machine
    # what does tell: pip saw no torch wheel at all (only the old 0.1.2 placeholder); torch 1.1.0 had
    # Linux and macOS wheels for 2.7 / 3.5-3.7 on the index, none for Windows
    assert got.cause == "platform-unsupported"
    assert "likeliest: Windows" in got.explanation


def test_wheel_for_another_python_is_python_unsupported() -> None:
    """A wheel refused "on this platform" whose cp tag is not the interpreter's: the Python version."""
    text = (
        "pi@raspberrypi:~ $ python3.7 --version\nPython 3.7.3\n"
        "ERROR: tensorflow-2.1.0-cp35-none-linux_armv7l.whl is not a supported wheel on this platform.\n"
    )
    assert_reasoned(text, "python-unsupported")


def test_same_python_in_two_paths_is_not_foreign_bytecode() -> None:
    text = "# /usr/lib/python3.4/site-packages/tensorflow/__pycache__/__init__.cpython-34.pyc matches x\n"
    assert explain_text(text).cause == "unknown"


def test_user_script_counts_as_user_install() -> None:
    found = installs([(1, '  File "/home/dandiago/.local/bin/pip", line 5, in <module>')])
    assert found.has("user")
    assert not installs([(1, "/home/dandiago/localbin/pip")]).has("user")


def test_other_uv_platform_words_left_alone() -> None:
    """Only uv's "for the current platform" refusal counts, not a lockfile note about environments."""
    text = (
        "error: The current Python platform is not compatible with the lockfile's supported environments: "
        "`sys_platform == 'linux'`\n"
    )
    assert explain_text(text).cause == "unknown"


def test_windows_tf_gpu_not_detected_in_words() -> None:
    """The user's own words ("can't detect my gpu") ask the GPU question; TF 2.17 on native Windows has no
    GPU build (quoted from platform-tf-73368)."""
    text = (
        "### TensorFlow version\n\n2.17.0\n\n### OS platform and distribution\n\nWindows 11\n\n"
        "Tensorflow can't detect my gpu.\n"
    )
    for line in text.splitlines():
        assert line in TUNING["platform-tf-73368"].text
    assert explain_text(text).cause == "platform-unsupported"


def test_gpu_words_alone_are_no_cause() -> None:
    """Saying the GPU is not detected is a question, not an answer: no cause without more context
    (no-gpu-visible is its leading candidate)."""
    got = explain_text("Tensorflow can't detect my gpu.\n")
    assert got.cause == "unknown"
    assert got.candidates and got.candidates[0].cause == "no-gpu-visible"
