"""Round 29 (issue 11, from blind67's misses): PyTorch's older "linked against" cuDNN check, a
warning the program carried on after, a framework's CPU and GPU builds installed together, a name
missing from a generated `_pb2` module, a CI runner's `pip install --user`, and a Windows path cut
at its space, each with a near miss (tests/explain/expect.py)."""

from __future__ import annotations

from envdoctor.explain.decide import CONFIDENT
from tests.explain.expect import assert_not_concluded, assert_reasoned, fired, raw_decision

TORCH_CUDNN_LINKED = (
    "RuntimeError: cuDNN version incompatibility: PyTorch was compiled against 7401 but linked against 7102\n"
)


def test_torch_cudnn_linked_against_another_is_the_cuda_version() -> None:
    assert_reasoned(TORCH_CUDNN_LINKED, "cuda-version-mismatch")
    tupled = "cuDNN version incompatibility: PyTorch was compiled against (8, 4, 0) but linked against (8, 3, 3)\n"
    assert_reasoned(tupled, "cuda-version-mismatch")


def test_torch_cudnn_check_needs_both_versions() -> None:
    assert_not_concluded("RuntimeError: cuDNN version incompatibility\n", "cuda-version-mismatch")


WARNED_EXTENSION = (
    "`cuDNN version incompatibility: PyTorch was compiled against (8, 4, 0) but linked against (8, 3, 3)`\n"
    "/home/u/.local/lib/python3.10/site-packages/torchvision/io/image.py:13: UserWarning: Failed to load image "
    "Python extension: /home/u/.local/lib/python3.10/site-packages/torchvision/image.so: undefined symbol: "
    "_ZN3c105ErrorC2ENS_14SourceLocationESs\n"
    '  warn(f"Failed to load image Python extension: {e}")\n'
)


def test_an_undefined_symbol_in_a_warning_is_a_side_issue() -> None:
    got = assert_reasoned(WARNED_EXTENSION, "cuda-version-mismatch")
    assert got.cause != "dependency-version-mismatch"
    reasons = raw_decision(WARNED_EXTENSION).reasons("dependency-version-mismatch")
    assert reasons and all(v.weight < 0.5 for v in reasons)


def test_the_same_undefined_symbol_raised_is_the_dependency() -> None:
    raised = (
        "ImportError: /opt/venv/lib/python3.10/site-packages/torchvision/_C.so: undefined symbol: "
        "_ZN3c105ErrorC2ENS_14SourceLocationESs\n"
    )
    assert_reasoned(raised, "dependency-version-mismatch")


ORT_TWINS = (
    "Here are my versions installed in python 3.8\n"
    "onnxruntime 1.4.0\n"
    "onnxruntime-gpu  1.4.0\n"
    "CUDA 10.1\n"
    "The session runs only on CPU: get_providers() gives ['CPUExecutionProvider'].\n"
)


def test_cpu_and_gpu_builds_installed_together_hide_the_gpu() -> None:
    got = assert_reasoned(ORT_TWINS, "no-gpu-visible")
    decision = raw_decision(ORT_TWINS)
    assert decision.key == "gpu/cpu-and-gpu-builds-both-installed"
    assert got.cause in ("no-gpu-visible", "unknown")


def test_only_the_gpu_build_installed_is_not_this_rule() -> None:
    only_gpu = ORT_TWINS.replace("onnxruntime 1.4.0\n", "")
    assert not fired(only_gpu, "gpu/cpu-and-gpu-builds-both-installed")
    # both installed, but no word of the GPU not being used: not concluded
    silent = ORT_TWINS.replace("The session runs only on CPU: get_providers() gives ['CPUExecutionProvider'].\n", "")
    assert_not_concluded(silent, "no-gpu-visible")


PADDLE_TWINS = (
    "ERROR: You are using paddlepaddle cpu version! Please try to install paddlepaddle-gpu to run model on GPU.\n"
    "paddlepaddle         2.0.2\n"
    "paddlepaddle-gpu     2.0.2.post101\n"
)


def test_paddle_saying_its_cpu_build_is_loaded_is_no_gpu() -> None:
    assert_reasoned(PADDLE_TWINS, "no-gpu-visible")
    assert_reasoned(PADDLE_TWINS.splitlines()[0], "no-gpu-visible")


GENERATED_PB2 = (
    "ImportError: cannot import name 'Imports' from 'wandb.proto.wandb_telemetry_pb2' "
    "(/build/source/wandb/proto/wandb_telemetry_pb2.py)\n"
)


def test_a_name_missing_from_a_generated_pb2_module_is_protobuf() -> None:
    assert_reasoned(GENERATED_PB2, "protobuf-mismatch")
    decision = raw_decision(GENERATED_PB2)
    assert all(v.rule != "leakage/local-copy-shadows-the-install" for v in decision.verdicts)


def test_a_name_missing_from_a_local_copy_is_still_the_copy() -> None:
    copy = "ImportError: cannot import name 'Imports' from 'wandb_telemetry' (/build/source/wandb_telemetry.py)\n"
    assert_not_concluded(copy, "protobuf-mismatch")
    assert fired(copy, "leakage/local-copy-shadows-the-install")


CI_USER_INSTALL = (
    "  $ /opt/hostedtoolcache/Python/3.8.18/x64/bin/python -m pip install --user numpy<2\n"
    "  Requirement already satisfied: numpy<2 in /home/runner/.local/lib/python3.8/site-packages (1.19.5)\n"
    "  Successfully installed numpy-1.24.4 tensorflow-2.10.0\n"
    "AttributeError: module 'numpy' has no attribute 'typeDict'\n"
)


def test_a_ci_runners_user_site_is_not_a_leak_nor_another_interpreter() -> None:
    got = assert_reasoned(CI_USER_INSTALL, "numpy-api-removed")
    decision = raw_decision(CI_USER_INSTALL)
    assert dict(decision.ranked).get("env-leakage", 0.0) <= 0.5
    assert all(v.rule != "leakage/pip-and-python-disagree" for v in decision.verdicts)
    assert got.cause in ("numpy-api-removed", "unknown")


def test_the_user_site_beside_a_conda_env_still_leaks() -> None:
    in_env = CI_USER_INSTALL.replace(
        "/opt/hostedtoolcache/Python/3.8.18/x64/bin/python", "/home/runner/miniconda3/envs/tf/bin/python"
    )
    decision = raw_decision(in_env)
    assert all(v.rule != "leakage/user-site-of-a-plain-python" for v in decision.verdicts)
    # the user site of another Python version is another installation
    other = CI_USER_INSTALL.replace("/home/runner/.local/lib/python3.8", "/home/runner/.local/lib/python3.7")
    assert fired(other, "leakage/pip-and-python-disagree")


WINDOWS_CUT_PATH = (
    "C:\\Windows\\system32>pip install somepkg --no-cache-dir\n"
    "Requirement already satisfied: pillow in c:\\program files\\python37\\lib\\site-packages (8.3.2)\n"
    "    command: 'C:\\Program Files\\Python37\\python.exe' -u -c 'import setuptools'\n"
    "ModuleNotFoundError: No module named 'win32api'\n"
)


def test_a_windows_path_cut_at_its_space_is_the_same_installation() -> None:
    decision = raw_decision(WINDOWS_CUT_PATH)
    assert all(v.rule != "leakage/pip-and-python-disagree" for v in decision.verdicts)
    assert not (decision.cause == "wrong-interpreter" and decision.raw_confidence >= CONFIDENT)


def test_another_drive_is_another_installation() -> None:
    other = WINDOWS_CUT_PATH.replace("'C:\\Program Files\\Python37\\python.exe'", "'D:\\Python36\\python.exe'")
    assert fired(other, "leakage/pip-and-python-disagree")
