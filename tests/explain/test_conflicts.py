"""Solver conflict extraction on real solver output (cases from tests/corpus)."""

from __future__ import annotations

from envdoctor.explain import explain_text
from tests.explain.expect import assert_reasoned

from .corpus import load

BY_NAME = {c.name: c for c in load()}


def test_pip_resolution_impossible_names_the_pin_to_move() -> None:
    got = explain_text(BY_NAME["solver-aicert-3"].text)
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.tool == "pip"
    assert conflict.move == "protobuf==3.20.0"
    assert "tensorflow 2.7.4 needs protobuf<3.20 and >=3.9.2" in conflict.requirements


def test_pip_two_packages_need_different_ranges() -> None:
    got = explain_text(BY_NAME["solver-vocalsep-10"].text)
    assert got.conflicts[0].move == "spleeter 2.1.0"


def test_conda_classic_conflict() -> None:
    # the rules conclude solver-conflict; a conda classic "found to be in conflict" list was once wrong
    # on a read log (blind14: tensorflow-base had no build for that Python), so the shipped
    # confidence follows the calibration table
    got = assert_reasoned(BY_NAME["solver-anaconda-940"].text, "solver-conflict")
    conflict = got.conflicts[0]
    assert conflict.tool == "conda"
    assert conflict.requirements == ["opencv ==2.4.8", "tensorflow -> numpy >=1.10.1"]
    assert conflict.move == "opencv ==2.4.8"


def test_libmamba_cuda_constraint_is_driver_too_old() -> None:
    got = explain_text(BY_NAME["driver-mamba-969"].text)
    assert got.cause == "driver-too-old"


def test_libmamba_requires_but_none_of_the_providers() -> None:
    text = (
        "Could not solve for environment specs\n"
        "Encountered problems while solving:\n"
        "  - package libnsl-2.0.0-h7f98852_0 requires libgcc-ng >=9.4.0, but none of the providers can be installed\n"
        "  - nothing provides requested prompt-toolkit ==3.0.5 py_0\n"
        "\n"
    )  # mamba-org/mamba#1492
    got = assert_reasoned(text, "solver-conflict")
    conflict = got.conflicts[0]
    assert conflict.tool == "libmamba"
    assert conflict.move == "libnsl-2.0.0-h7f98852_0"
    assert "libnsl-2.0.0-h7f98852_0 needs libgcc-ng >=9.4.0" in conflict.requirements


def test_uv_pubgrub_conflict() -> None:
    got = explain_text(BY_NAME["solver-weclone-197"].text)
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.tool == "uv"
    assert any("triton" in r for r in conflict.requirements)
    assert conflict.move is not None


def test_uv_no_build_for_platform_split() -> None:
    got = explain_text(BY_NAME["platform-uv-12578"].text)
    assert got.cause == "platform-unsupported"
    assert got.conflicts[0].kind == "platform"


# ---- libmamba's problem tree and uv's requires-python, on logs written here ----------------------
# The node phrasings are libmamba's own ("is installable and it requires", "would require",
# "which conflicts with any installable versions previously reported", "which does not exist
# (perhaps a missing channel)", "Pins seem to be involved"); the packages are made up or common.
MAMBA_PYTHON_PIN = """\
Could not solve for environment specs
The following packages are incompatible
├─ mylib is installable and it requires
│  └─ tensorflow >=2.0  with the potential options
│     ├─ tensorflow [2.4.1|2.6.0] would require
│     │  └─ python 3.8.* , which can be installed;
│     └─ tensorflow 2.9.1 would require
│        └─ python 3.10.* , which can be installed;
└─ pin-1 is not installable because it requires
   └─ python 3.12.* , which conflicts with any installable versions previously reported.

Pins seem to be involved in the conflict. Currently pinned specs:
 - python 3.12.* (labeled as 'pin-1')
"""
MAMBA_MISSING = """\
error    libmamba Could not solve for environment specs
    The following package could not be installed
    └─ jax =0.3.25 * is not installable because it requires
       └─ jaxlib >=0.3.22 *, which does not exist (perhaps a missing channel).
"""
MAMBA_TWO_PINS = """\
Could not solve for environment specs
The following packages are incompatible
├─ numpy 1.21.*  is requested and can be installed;
└─ scipy 1.14.*  is not installable because it requires
   └─ numpy >=1.23.5 , which conflicts with any installable versions previously reported.
"""


def test_libmamba_tree_python_pin_is_python_unsupported() -> None:
    got = explain_text("$ mamba install mylib\n" + MAMBA_PYTHON_PIN)
    assert got.cause == "python-unsupported"
    assert got.conflicts[0].kind == "python" and got.conflicts[0].move == "python 3.12.*"


def test_libmamba_tree_two_pins_is_a_solver_conflict() -> None:
    got = assert_reasoned("$ mamba create -n x numpy=1.21 scipy=1.14\n" + MAMBA_TWO_PINS, "solver-conflict")
    assert got.conflicts[0].kind == "conflict" and got.conflicts[0].move == "numpy 1.21.*"


def test_libmamba_tree_missing_package_on_windows_is_the_platform() -> None:
    # jaxlib had no Windows build before 0.4.13 (curated, with its source); the solver wanted >=0.3.22
    got = explain_text("C:\\Users\\me> mamba install jax=0.3.25\n" + MAMBA_MISSING)
    assert got.cause == "platform-unsupported"
    # the same tree on Linux: a channel missing (not a platform question)
    linux = explain_text("me@box:~$ mamba install jax=0.3.25\n" + MAMBA_MISSING)
    assert linux.cause != "platform-unsupported"
    assert linux.conflicts[0].kind == "missing"


def test_uv_requested_python_range_is_the_projects_pin() -> None:
    # uv's "requested Python version" as a range is the project's requires-python: a pin to raise
    text = (
        "$ uv add demo-lib\n"
        "  × No solution found when resolving dependencies:\n"
        "  ╰─▶ Because demo-lib==2.0.0 depends on Python>=3.10 and only demo-lib==2.0.0 is available,\n"
        "      we can conclude that all versions of demo-lib require Python>=3.10.\n"
        "      And because the requested Python version (>=3.8) does not satisfy Python>=3.10, we can conclude\n"
        "      that demo-lib cannot be used.\n"
        "      And because your project depends on demo-lib, we can conclude that your project's requirements are\n"
        "      unsatisfiable.\n"
        "\n"
        "      hint: The `requires-python` value (>=3.8) includes Python versions that are not supported by your\n"
        "      dependencies (e.g., demo-lib==2.0.0 only supports >=3.10). Consider using a more restrictive\n"
        "      `requires-python` value (like >=3.10).\n"
    )
    got = explain_text(text)
    assert got.cause == "solver-conflict" and got.conflicts[0].move == "requires-python"
    # with the interpreter's own version ("current"), the Python is why
    current = text.replace("requested Python version (>=3.8)", "current Python version (3.8.18)")
    assert explain_text(current).cause == "python-unsupported"
    # `uv pip compile --python-version 3.8` prints the same range without a project: the Python asked for
    pip = "\n".join(line for line in text.splitlines() if "project" not in line and "requires-python" not in line)
    assert explain_text(pip).cause == "python-unsupported"


def test_every_captured_solver_block_has_one_parser() -> None:
    from envdoctor.explain.conflicts import BLOCK_PARSERS, parse_block
    from envdoctor.explain.signatures import SIGNATURES

    captured = {s.id for s in SIGNATURES if s.id.startswith("solver/") and s.capture}
    assert set(BLOCK_PARSERS) == captured
    assert parse_block("fact/pkg-index-url", ["Looking in indexes: https://pypi.org/simple"]) is None
    # conda's "requires a different python" block with no clause read is still the Python
    python = parse_block("solver/conda-python", ["UnsatisfiableError: The following specifications were found"])
    assert python is not None and python.kind == "python"
