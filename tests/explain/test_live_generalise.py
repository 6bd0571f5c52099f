# ruff: noqa: E501  (the logs are quoted whole, one tool line a line)
"""Rules checked on logs made by really running pip, uv and Python on planted faults (round 3).

Each log below is cut from a real run here (pip 22.3-24.3, uv 0.9, CPython 3.10-3.12 in throwaway
venvs); the lines are the tools' own, only the venv paths are shortened.
"""

from __future__ import annotations

from envdoctor.explain import explain_text
from envdoctor.explain.conflicts import pip_conflict
from envdoctor.explain.paths import path_tokens

# pip 24.3 with a constraints file capping torch (pip.conf's `constraint = ...`): torch 1.13.1 has no
# cp312 wheel, and pip words "no candidate" as a conflict between the two agreeing requests
_CONSTRAINED = """\
(.venv) $ pip install {args}torch=={version}
Looking in indexes: https://pypi.org/simple
ERROR: Cannot install torch=={version} because these package versions have conflicting dependencies.

The conflict is caused by:
    The user requested torch=={version}
    The user requested (constraint) torch<=2.14.1

To fix this you could try to:
1. loosen the range of package versions you've specified
2. remove package versions to allow pip to attempt to solve the dependency conflict

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts
"""


def test_agreeing_requests_are_no_clash() -> None:
    conflict = pip_conflict(_CONSTRAINED.format(args="", version="1.13.1").splitlines()[3:])
    assert conflict is not None and conflict.kind == "missing" and conflict.move == "torch"


def test_a_constraint_the_pin_breaks_is_a_clash() -> None:
    conflict = pip_conflict(_CONSTRAINED.format(args="", version="2.15.0").splitlines()[3:])
    assert conflict is not None and conflict.kind == "conflict"


def test_no_candidate_under_a_constraint_is_not_the_solver() -> None:
    got = explain_text(_CONSTRAINED.format(args="", version="1.13.1"))
    assert got.cause != "solver-conflict"
    assert all(c.cause != "solver-conflict" or c.confidence < 0.8 for c in got.secondary)


def test_no_candidate_for_the_platform_asked_for() -> None:
    text = _CONSTRAINED.format(args="--platform macosx_10_9_x86_64 --only-binary=:all: --target out ", version="2.5.0")
    assert explain_text(text).cause == "platform-unsupported"


def test_two_requests_without_a_constraint_stay_the_solver() -> None:
    # pip 21's wording for `pip install -U tensorflow tensorflow==2.3.1` (tuning/solver-pip-9811)
    text = """\
ERROR: Cannot install tensorflow and tensorflow==2.3.1 because these package versions have conflicting dependencies.

The conflict is caused by:
    The user requested tensorflow
    The user requested tensorflow==2.3.1

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/user_guide/#fixing-conflicting-dependencies
"""
    assert explain_text(text).cause == "solver-conflict"


def test_uv_no_version_for_the_platform_asked_for() -> None:
    # uv 0.9: a release that exists (jaxlib 0.4.11 has Linux and macOS wheels) reads as "no version"
    # when --python-platform selects a platform it has no wheel for
    text = """\
(.venv) $ uv pip install --python-platform windows jaxlib==0.4.11
error: No solution found when resolving dependencies
  cause: Because there is no version of jaxlib==0.4.11 and you require jaxlib==0.4.11, we can conclude that your requirements are unsatisfiable.
"""
    assert explain_text(text).cause == "platform-unsupported"


def test_uv_two_packages_clashing_stay_the_solver() -> None:
    text = """\
$ uv pip install 'numpy<1.22' scipy==1.13.1
  x No solution found when resolving dependencies:
  `-> Because scipy==1.13.1 depends on numpy>=1.22.4,<2.3 and you require numpy<1.22, we can conclude that your requirements and scipy==1.13.1 are incompatible.
"""
    assert explain_text(text).cause == "solver-conflict"


def test_a_failed_build_then_no_module_is_not_another_interpreter() -> None:
    # pip 23.3: onnx 1.11 has no cp310 wheel, its sdist fails to build; the import then fails
    text = """\
(.venv) $ pip install -q onnx==1.11.0 protobuf==4.25.3
  error: subprocess-exited-with-error
      Using cmake args: ['/usr/bin/cmake', '-DPYTHON_INCLUDE_DIR=/root/.pyenv/versions/3.10.13/include/python3.10', '-DPYTHON_EXECUTABLE=/tmp/w/.venv/bin/python']
      CMake Error at CMakeLists.txt:295 (message):
        Protobuf compiler not found
  ERROR: Failed building wheel for onnx
ERROR: Could not build wheels for onnx, which is required to install pyproject.toml-based projects
(.venv) $ python -c 'import onnx'
Traceback (most recent call last):
  File "<string>", line 1, in <module>
ModuleNotFoundError: No module named 'onnx'
"""
    got = explain_text(text)
    assert got.cause != "wrong-interpreter"
    assert got.confidence < 0.8 or got.cause == "unknown"


def test_an_include_folder_is_no_interpreter() -> None:
    tokens = path_tokens(
        "-DPYTHON_INCLUDE_DIR=/root/.pyenv/versions/3.10.13/include/python3.10 -DX=/opt/py/bin/python3"
    )
    assert [(p, s) for p, _k, s in tokens] == [("/opt/py", "interpreter")]


# pip 24.3 on CPython 3.12: numpy 1.24.4 has no cp312 wheel; its sdist's setuptools imports distutils
_OLD_SDIST = """\
(.venv) $ pip install numpy==1.24.4
Collecting numpy==1.24.4
  Downloading numpy-1.24.4.tar.gz (10.9 MB)
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'done'
ERROR: Exception:
Traceback (most recent call last):
  File "/w/.venv/lib/python3.12/site-packages/pip/_internal/cli/base_command.py", line 105, in _run_wrapper
  File "/w/.venv/lib/python3.12/site-packages/pip/_internal/operations/prepare.py", line 72, in _get_prepared_distribution
  File "/w/.venv/lib/python3.12/site-packages/pip/_internal/distributions/sdist.py", line 69, in prepare_distribution_metadata
  File "/w/.venv/lib/python3.12/site-packages/pip/_internal/operations/prepare.py", line 538, in _prepare_linked_requirement
  File "/w/.venv/lib/python3.12/site-packages/pip/_vendor/pyproject_hooks/_impl.py", line 321, in _call_hook
pip._vendor.pyproject_hooks._impl.BackendUnavailable: Traceback (most recent call last):
  File "/tmp/pip-build-env-1u4xij6j/overlay/lib/python3.12/site-packages/setuptools/__init__.py", line 10, in <module>
    import distutils.core
ModuleNotFoundError: No module named 'distutils'
"""


def test_an_old_sdist_failing_on_what_the_python_removed() -> None:
    got = explain_text(_OLD_SDIST)
    assert (got.cause, got.confidence >= 0.8) == ("python-unsupported", True)


def test_pip_crashing_in_a_source_build_is_not_the_network() -> None:
    # the same crash without the removed module: prepare.py frames are no download
    text = _OLD_SDIST.replace("ModuleNotFoundError: No module named 'distutils'", "ValueError: bad config")
    assert explain_text(text).cause != "network-or-index"


def test_a_python_that_still_has_distutils_is_another_cause() -> None:
    text = _OLD_SDIST.replace("python3.12", "python3.10")
    assert explain_text(text).cause != "python-unsupported"


def test_a_package_s_own_version_check() -> None:
    # pandas 2.2.3 imported over numpy 1.21.6 (installed with --no-deps), CPython 3.10
    text = """\
(.venv) $ python -c 'import pandas'
Traceback (most recent call last):
  File "/w/.venv/lib/python3.10/site-packages/pandas/compat/numpy/__init__.py", line 21, in <module>
    raise ImportError(
ImportError: this version of pandas is incompatible with numpy < 1.22.4
your numpy version is 1.21.6.
Please upgrade numpy to >= 1.22.4 to use this pandas version
"""
    got = explain_text(text)
    assert (got.cause, got.confidence >= 0.8) == ("dependency-version-mismatch", True)


def test_scipy_s_range_warning_beside_an_abi_error_is_noise() -> None:
    # a common pair: SciPy's range warning printed before NumPy 2's ABI failure of another module
    text = """\
UserWarning: A NumPy version >=1.17.3 and <1.25.0 is required for this version of SciPy (detected version 2.0.2)
A module that was compiled using NumPy 1.x cannot be run in
NumPy 2.0.2 as it may crash. To support both 1.x and 2.x
versions of NumPy, modules must be compiled with NumPy 2.0.
ImportError: numpy.core.multiarray failed to import
"""
    assert explain_text(text).cause == "numpy-abi"


def test_an_old_manylinux_and_a_release_listed_below_the_pin() -> None:
    # pip 25.3 (live corpus): h5py 3.16 ships manylinux_2_28 wheels only; pip lists the releases up to 3.14
    text = """\
(.venv) $ pip download --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.11 --no-deps -d wheels h5py==3.16.0
ERROR: Ignored the following yanked versions: 3.12.0
ERROR: Could not find a version that satisfies the requirement h5py==3.16.0 (from versions: 3.8.0, 3.9.0, 3.10.0, 3.11.0, 3.12.1, 3.13.0, 3.14.0)
ERROR: No matching distribution found for h5py==3.16.0
"""
    assert explain_text(text).cause == "glibc-too-old"
    # an older pin that pip lists is not this reading
    assert explain_text(text.replace("h5py==3.16.0", "h5py==3.7.0")).cause != "glibc-too-old"
