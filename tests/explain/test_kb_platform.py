"""Third round: the knowledge base tells platform-unsupported from python-unsupported.

pip's "No matching distribution found for X==V" only says that no wheel fits. With the machine's OS
from the log (or from a snapshot), the knowledge base says which of the two does not fit. Positive
texts are quoted from tuning cases (tests/corpus/tuning/<name>.log, source URL inside); the fake
knowledge base checks the decision itself, independent of the shipped data.
"""

from __future__ import annotations

from typing import Any

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.rules import _registry
from envdoctor.explain.rules.leakage import WRONG_INTERPRETER
from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Interpreter, Machine, Snapshot

from .corpus import load

TUNING = {c.name: c for c in load("tuning")}

TF_GPU_211_WINDOWS = TUNING["platform-tf-62073"].text  # Windows paths, Python 3.9, tensorflow-gpu==2.11
TF_217_INTEL_MAC = (  # platform-mlops-228
    "Running on macOS intel.\n\n"
    "ERROR: Could not find a version that satisfies the requirement tensorflow==2.17.0 (from versions: 2.12.0rc0, "
    "2.12.0rc1, 2.12.0, 2.12.1, 2.13.0rc0, 2.13.0rc1, 2.13.0rc2, 2.13.0, 2.13.1, 2.14.0rc0, 2.14.0rc1, 2.14.0, "
    "2.14.1, 2.15.0rc0, 2.15.0rc1, 2.15.0, 2.15.1, 2.16.0rc0, 2.16.1, 2.16.2)\n"
    "ERROR: No matching distribution found for tensorflow==2.17.0\n"
)
TF_21_PY313_WINDOWS = (  # pyver-tf-83097
    "### OS platform and distribution\n\nWindows 10\n\n### Python version\n\n3.13\n\n"
    '(venv) PS C:\\Users\\navee\\Desktop\\workspace\\Skincare_Recommendation> python -c "import tensorflow"\n'
    "ERROR: No matching distribution found for tensorflow==2.1.0\n"
    "ERROR: Could not find a version that satisfies the requirement tensorflow (from versions: none)\n"
)
TORCH_CU118_APPLE = (  # platform-onetrainer-169
    "ERROR: Could not find a version that satisfies the requirement torch==2.1.2+cu118 (from versions: 1.11.0, "
    "1.12.0, 1.12.1, 1.13.0, 1.13.1, 2.0.0, 2.0.1, 2.1.0, 2.1.1, 2.1.2, 2.2.0, 2.2.1)\n"
    "ERROR: No matching distribution found for torch==2.1.2+cu118\n\n"
    "Python 3.10.13\nApple M2\n"
)
TF_IO_GCS_WINDOWS = (  # platform-tf-60202
    "### OS Platform and Distribution\n\nWindows\n\n### Python version\n\n3.9\n"
    "$ pip install tensorflow-io-gcs-filesystem==0.32.0\n"
    "ERROR: Could not find a version that satisfies the requirement tensorflow-io-gcs-filesystem==0.32.0 (from "
    "versions: 0.23.1, 0.24.0, 0.25.0, 0.26.0, 0.27.0, 0.28.0, 0.29.0, 0.30.0, 0.31.0)\n"
    "ERROR: No matching distribution found for tensorflow-io-gcs-filesystem==0.32.0\n"
)


@pytest.mark.parametrize(
    ("case", "quoted"),
    [
        ("platform-tf-62073", "tensorflow-gpu==2.11 (from versions: 2.5.0"),
        ("platform-mlops-228", "Running on macOS intel."),
        ("pyver-tf-83097", "No matching distribution found for tensorflow==2.1.0"),
        ("platform-onetrainer-169", "torch==2.1.2+cu118"),
        ("platform-tf-60202", "tensorflow-io-gcs-filesystem==0.32.0"),
    ],
)
def test_quotes_come_from_the_tuning_cases(case: str, quoted: str) -> None:
    assert quoted in TUNING[case].text


def test_tf_gpu_211_on_windows_is_the_platform_with_the_way_out() -> None:
    result = explain_text(TF_GPU_211_WINDOWS)
    assert result.cause == "platform-unsupported"
    assert "tensorflow-gpu 2.11 has no Windows wheels" in result.explanation
    assert "Linux x86_64" in result.explanation
    assert "WSL2" in result.fixes[0] and "tensorflow-gpu 2.10.1" in result.fixes[0]


def test_tf_217_on_intel_mac_names_the_last_intel_release() -> None:
    result = explain_text(TF_217_INTEL_MAC)
    assert result.cause == "platform-unsupported"
    assert "Intel macOS" in result.explanation
    assert "2.16.2" in result.fixes[0]


def test_a_python_no_platform_has_is_python_unsupported_with_the_pythons_that_do() -> None:
    result = explain_text(TF_21_PY313_WINDOWS)
    assert result.cause == "python-unsupported"
    assert "3.13" in result.explanation and "2.7–3.7" in result.explanation


def test_cuda_build_on_macos_is_the_platform() -> None:
    result = explain_text(TORCH_CU118_APPLE)
    assert result.cause == "platform-unsupported"
    assert "+cu118" in result.explanation


def test_tf_io_gcs_filesystem_stopped_at_031_on_windows() -> None:
    result = explain_text(TF_IO_GCS_WINDOWS)
    assert result.cause == "platform-unsupported"


def test_unknown_os_keeps_the_log_only_reading_and_loads_no_knowledge_base(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> Any:
        raise AssertionError("the knowledge base must not be loaded when the log shows no OS")

    monkeypatch.setattr(_registry, "shipped_kb", fail)
    text = (
        "ERROR: Could not find a version that satisfies the requirement tensorflow-gpu==2.11 (from versions: none)\n"
        "ERROR: No matching distribution found for tensorflow-gpu==2.11\n"
    )
    got = explain_text(text)  # which tag does not fit is not shown: a candidate, with how to tell
    assert got.cause == "unknown"
    # a Python newer than 3.10 on Linux / Windows, or a Mac (no tensorflow-gpu there): both stay open
    assert {c.cause for c in got.candidates} >= {"python-unsupported", "platform-unsupported"}
    assert all("python -VV" in c.tell_apart or "platform" in c.tell_apart for c in got.candidates)


def test_an_unknown_package_never_loads_the_knowledge_base(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> Any:
        raise AssertionError("only packages the knowledge base knows may load it")

    monkeypatch.setattr(_registry, "shipped_kb", fail)
    text = "C:\\Users\\me> pip install mxnet==1.9.1\nERROR: No matching distribution found for mxnet==1.9.1\n"
    got = explain_text(text)
    # explain's own wheel table (file names on the index) knows mxnet: 1.9.1 has no Windows wheel
    assert got.cause == "platform-unsupported"


# ---- a small fake knowledge base: the decision, not the shipped data ----------------------------


def _fake_kb(pythons: dict[str, list[str]], version: str = "9.0.0") -> KnowledgeBase:
    releases = {"torch": {"releases": [{"version": version, "pythons": pythons}]}}
    return KnowledgeBase({}, {"schema": 1, "packages": releases})


WINDOWS_LOG = (
    "C:\\Users\\me\\proj\\venv\\Scripts\\pip.exe install torch==9.0.0\n"
    "Python 3.12.1\n"
    "ERROR: Could not find a version that satisfies the requirement torch==9.0.0 (from versions: none)\n"
    "ERROR: No matching distribution found for torch==9.0.0\n"
)


def test_fake_kb_wheels_for_this_python_elsewhere_only_is_the_platform() -> None:
    kb = _fake_kb({"linux-x86_64": ["3.11", "3.12"], "macos-arm64": ["3.12"], "windows-x86_64": []})
    result = explain_text(WINDOWS_LOG, kb=kb)
    assert result.cause == "platform-unsupported"
    assert "no Windows wheels" in result.explanation
    assert "Linux x86_64" in result.explanation and "Apple silicon macOS" in result.explanation


def test_fake_kb_no_platform_has_this_python_is_the_python() -> None:
    kb = _fake_kb({"linux-x86_64": ["3.10", "3.11"], "windows-x86_64": ["3.10", "3.11"]})
    result = explain_text(WINDOWS_LOG, kb=kb)
    assert result.cause == "python-unsupported"
    assert "3.10–3.11" in result.explanation


def test_fake_kb_a_release_that_fits_this_machine_changes_nothing() -> None:
    kb = _fake_kb({"linux-x86_64": ["3.12"], "windows-x86_64": ["3.12"]})
    got = explain_text(WINDOWS_LOG, kb=kb)
    assert got.cause == "unknown" and got.candidates[0].cause == "python-unsupported"


def test_fake_kb_a_version_it_does_not_know_changes_nothing() -> None:
    kb = _fake_kb({"linux-x86_64": ["3.12"]}, version="8.0.0")
    got = explain_text(WINDOWS_LOG, kb=kb)
    assert got.cause == "unknown" and got.candidates[0].cause == "python-unsupported"


def test_pip_naming_the_python_for_this_release_wins_over_the_platform() -> None:
    kb = _fake_kb({"linux-x86_64": ["3.12"]})
    text = WINDOWS_LOG + "ERROR: Ignored the following versions that require a different python version: 9.0.0\n"
    assert explain_text(text, kb=kb).cause == "python-unsupported"


def _snapshot(os_name: str, arch: str, version: str, bits: int = 64) -> Snapshot:
    return Snapshot(
        interpreter=Interpreter(executable="/x/python", version=version, bits=bits),
        machine=Machine(os=os_name, arch=arch),
    )


NO_OS_LOG = (
    "ERROR: Could not find a version that satisfies the requirement torch==9.0.0 (from versions: none)\n"
    "ERROR: No matching distribution found for torch==9.0.0\n"
)


def test_the_snapshot_gives_the_machine_and_python_the_log_does_not_show() -> None:
    kb = _fake_kb({"linux-x86_64": ["3.11"], "windows-x86_64": []})
    alone = explain_text(NO_OS_LOG, kb=kb)
    assert alone.cause == "unknown" and "--snapshot" in " ".join(alone.fixes)
    snap = _snapshot("windows", "AMD64", "3.11.4")
    assert explain_text(NO_OS_LOG, snapshot=snap, kb=kb).cause == "platform-unsupported"
    snap = _snapshot("linux", "x86_64", "3.13.0")
    assert explain_text(NO_OS_LOG, snapshot=snap, kb=kb).cause == "python-unsupported"


def test_a_32_bit_snapshot_is_the_python() -> None:
    # no framework publishes 32-bit wheels; causes.md counts a 32-bit Python under python-unsupported
    kb = _fake_kb({"linux-x86_64": ["3.11"], "windows-x86_64": ["3.11"]})
    snap = _snapshot("windows", "AMD64", "3.11.4", bits=32)
    got = explain_text(NO_OS_LOG, snapshot=snap, kb=kb)
    assert got.cause == "python-unsupported"
    assert any("64-bit Python" in fix for fix in got.fixes)


# ---- env leakage: IPython / Jupyter from another env ---------------------------------------------

IPYTHON_FROM_BASE = (  # envleak-pytorch-29020
    "but when I use ipython to start python and import torch then  report : \n"
    "ModuleNotFoundError: No module named 'torch'\n"
    "isaac@AIServer01:~$ source activate pytorch12\n"
    "(pytorch12) isaac@AIServer01:~$ ipython\n"
    "Python 3.6.5 |Anaconda, Inc.| (default, Apr 29 2018, 16:14:56) \n"
)
JUPYTER_FROM_ACTIVE_ENV = (  # envleak-anaconda-10473
    "conda activate tensorflow_env\n"
    "However, while in a python prompt I can `import tensorflow`, in a Jupyter notebook launched from the same "
    "terminal window and environment, it fails to locate the module:\n"
    "> ModuleNotFoundError: No module named 'tensorflow'\n"
)
CONDA_PACKAGE_OTHER_PYTHON = (  # envleak-pytorch-12004
    "``` conda install pytorch-cpu -c pytorch ```\n"
    "``` ImportError: No module named 'torch' ```\n"
    "where python.exe\n"
    "C:\\Users\\Edtky\\AppData\\Local\\Programs\\Python\\Python35\\python.exe\n"
)


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("envleak-pytorch-29020", IPYTHON_FROM_BASE),
        ("envleak-anaconda-10473", JUPYTER_FROM_ACTIVE_ENV),
        ("envleak-pytorch-12004", CONDA_PACKAGE_OTHER_PYTHON),
    ],
)
def test_another_envs_interpreter_is_the_wrong_interpreter(case: str, text: str) -> None:
    for line in text.splitlines():
        assert line.strip() in TUNING[case].text
    assert explain_text(text).cause == WRONG_INTERPRETER


def test_an_env_prompt_without_a_missing_module_is_no_leak() -> None:
    text = "(pytorch12) isaac@AIServer01:~$ ipython\nIn [1]: import torch\nIn [2]: torch.__version__\n"
    assert explain_text(text).cause == "unknown"


def test_a_missing_module_in_the_base_env_is_no_leak() -> None:
    text = "conda activate base\njupyter notebook\nModuleNotFoundError: No module named 'tensorflow'\n"
    assert explain_text(text).cause != "env-leakage"
