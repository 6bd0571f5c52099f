"""Round 30 (issue 11, from blind68's misses): PYTHONHOME set, a versioned pip that answers for
another Python, git's `Filename too long` quoted by the user, a conda environment's own library
missing another library's symbol after a pip install, and the user's working fix shown after the
error, each with a near miss (tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, fired, raw_decision

PYTHONHOME_SET = (
    "Traceback (most recent call last):\n"
    '  File "D:\\Anaconda3\\Scripts\\conda-script.py", line 6, in <module>\n'
    "    from conda.cli import main\n"
    "ModuleNotFoundError: No module named 'conda'\n"
    "My system variables:\n"
    "PYTHONHOME : d:\\Anaconda3\\envs\\py36\n"
)


def test_pythonhome_set_is_the_leak() -> None:
    got = assert_reasoned(PYTHONHOME_SET, "env-leakage")
    assert any("PYTHONHOME" in e.text for e in got.evidence) or got.cause == "unknown"


def test_pythonhome_not_set_is_not_named() -> None:
    dump = PYTHONHOME_SET.replace("PYTHONHOME : d:\\Anaconda3\\envs\\py36", "  PYTHONHOME = (not set)")
    assert_not_concluded(dump, "env-leakage")
    # set, but nothing failed: no conclusion
    assert_not_concluded("export PYTHONHOME=/opt/python2.7\npython3 -c 'print(1)'\n1\n", "env-leakage")


PIP3_OF_PYTHON2 = (
    "/ # pip3 -V\npip 18.1 from /usr/local/lib/python2.7/site-packages/pip (python 2.7)\n/ # pip3 install six\n"
)


def test_pip3_answering_for_python2_is_the_interpreter() -> None:
    assert_reasoned(PIP3_OF_PYTHON2, "wrong-interpreter")
    fixes = [
        v.fix for v in raw_decision(PIP3_OF_PYTHON2).verdicts if v.rule == "leakage/versioned-pip-of-another-python"
    ]
    assert fixes == ["install with the Python that runs the code: `python3 -m pip install six`"]


def test_pip3_answering_for_python3_is_not_named() -> None:
    fine = PIP3_OF_PYTHON2.replace("python2.7", "python3.8").replace("(python 2.7)", "(python 3.8)")
    assert_not_concluded(fine, "wrong-interpreter")
    # a bare `pip` names no Python to disagree with
    assert_not_concluded(PIP3_OF_PYTHON2.replace("pip3 -V", "pip -V"), "wrong-interpreter")


def test_filename_too_long_quoted_is_the_windows_path_limit() -> None:
    said = "Running `pip install git+https://github.com/x/y.git` a `Filename too long` error appears.\n"
    assert_reasoned(said, "windows-long-paths")
    # glibc's wording (two words) on Linux is no Windows limit
    assert_not_concluded("OSError: [Errno 36] 'File name too long'\n", "windows-long-paths")


CONDA_LIB_AFTER_PIP = (
    "conda install opencv\n"
    "pip install imutils\n"
    "ImportError: /home/u/anaconda3/envs/cv/lib/python3.6/site-packages/../../libopencv_dnn.so.3.4: "
    "undefined symbol: _ZNK6google8protobuf7Message25InitializationErrorStringB5cxx11Ev\n"
)


def test_a_conda_library_missing_a_symbol_after_pip_is_mixed_pip_conda() -> None:
    assert_reasoned(CONDA_LIB_AFTER_PIP, "mixed-pip-conda")


def test_the_same_library_without_a_pip_install_is_not_mixed() -> None:
    assert_not_concluded(CONDA_LIB_AFTER_PIP.replace("pip install imutils\n", ""), "mixed-pip-conda")


PIL_THEN_PILLOW = (
    "    from PIL import Image\n"
    "ModuleNotFoundError: No module named 'PIL'\n"
    "(venv) E:\\repo>pip install PIL\n"
    "ERROR: Could not find a version that satisfies the requirement PIL (from versions: none)\n"
    "ERROR: No matching distribution found for PIL\n"
    "(venv) E:\\repo>pip install Pillow\n"
    "Successfully installed Pillow-9.5.0\n"
)


def test_the_install_that_fixed_it_is_not_another_interpreter() -> None:
    decision = raw_decision(PIL_THEN_PILLOW)
    assert all(v.rule != "leakage/installed-here-running-there" for v in decision.verdicts)
    assert_reasoned(PIL_THEN_PILLOW, "package-removed")


def test_already_satisfied_after_the_error_still_is() -> None:
    still = (
        "ModuleNotFoundError: No module named 'numpy'\n"
        "$ pip install numpy\n"
        "Requirement already satisfied: numpy in /usr/lib/python3/dist-packages (1.21.5)\n"
    )
    assert fired(still, "leakage/installed-here-running-there")
    # the import failing again after the install: not the fix
    again = PIL_THEN_PILLOW + "(venv) E:\\repo>python run.py\nModuleNotFoundError: No module named 'PIL'\n"
    assert fired(again, "leakage/installed-here-running-there")
