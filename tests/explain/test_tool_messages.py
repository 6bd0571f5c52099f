# ruff: noqa: E501  (data: tool messages read better unwrapped)
"""Messages tools print, each on a minimal log written here in the tool's own wording (read from the
tools' source: pip, NumPy, PyTorch, TensorFlow, the CUDA driver API), and a near miss."""

from __future__ import annotations

from envdoctor.explain import explain_text
from tests.explain.expect import assert_reasoned


def test_pips_legacy_resolver_warning_while_installing_is_the_solver() -> None:
    # pip < 20.3 printed "but you'll have" during the install: the requested set does not fit together
    legacy = "ERROR: keras 2.6.0 has requirement numpy>=1.19, but you'll have numpy 1.18.5 which is incompatible.\n"
    assert_reasoned(legacy, "solver-conflict")
    # pip >= 20.3 after the install: an environment outside the range (not the solver)
    after = (
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are "
        "installed. This behaviour is the source of the following dependency conflicts.\n"
        "keras 2.6.0 requires numpy>=1.19, but you have numpy 1.18.5 which is incompatible.\n"
    )
    assert explain_text(after).cause != "solver-conflict"


def test_a_removed_packages_build_failing_is_the_removal() -> None:
    text = "  Running setup.py install for tensorflow-gpu ... error\nRunning setup.py install for tensorflow-gpu did not run successfully.\n"
    assert explain_text(text).cause == "package-removed"
    # an old tensorflow-gpu release that still exists: no removal
    kept = "Collecting tensorflow-gpu==2.10.1\nSuccessfully installed tensorflow-gpu-2.10.1\n"
    assert explain_text(kept).cause != "package-removed"


def test_numpy_2_banners_advice_lines_alone() -> None:
    text = (
        "If you are a user of the module, the easiest solution will be to\n"
        "downgrade to 'numpy<2' or try to upgrade the affected module.\n"
        "We expect that some modules will need time to support NumPy 2.\n"
    )
    assert explain_text(text).cause == "numpy-abi"


def test_torch_extension_build_with_another_cuda_wrapped_over_two_lines() -> None:
    text = (
        "RuntimeError:\n"
        "The detected CUDA version (12.2) mismatches the version that was used to compile\n"
        "PyTorch (12.1). Please make sure to use the same CUDA versions.\n"
    )
    assert explain_text(text).cause == "cuda-version-mismatch"


def test_cuinit_with_no_device_is_no_gpu() -> None:
    text = "E external/xla/xla/stream_executor/cuda/cuda_driver.cc:282] failed call to cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected\n"
    assert explain_text(text).cause == "no-gpu-visible"


def test_torchvision_operator_missing_is_torchvision_built_for_another_torch() -> None:
    assert_reasoned("RuntimeError: operator torchvision::nms does not exist\n", "dependency-version-mismatch")
    assert explain_text("RuntimeError: operator myext::fused does not exist\n").cause == "unknown"


def test_an_extension_built_for_another_python_is_a_foreign_copy() -> None:
    text = "ImportError: dynamic module does not define module export function (PyInit__sqlite3)\n"
    assert explain_text(text).cause == "env-leakage"
