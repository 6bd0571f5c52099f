"""Round 25 (issue 11, from the read sets' misses): `sudo python ...` away from the environment
that holds the package, a `pip3` launcher running under Python 2, one traceback in two Python
versions' site-packages, and the REPL banner split over two lines, each with a near miss
(tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

SUDO_SETUP = (
    ">>> import torch\n>>> print(torch.__file__)\n"
    "/home/li/.virtualenvs/yolo/lib/python3.8/site-packages/torch/__init__.py\n"
    "cd torchvision\nsudo python3 setup.py install\n"
    "Traceback (most recent call last):\n"
    '  File "setup.py", line 9, in <module>\n    import torch\n'
    "ModuleNotFoundError: No module named 'torch'\n"
)


def test_sudo_python_away_from_the_venv_that_holds_the_package_is_the_interpreter() -> None:
    got = assert_reasoned(SUDO_SETUP, "wrong-interpreter")
    assert any("sudo" in e.text for e in got.evidence)


def test_sudo_python_with_the_package_in_the_system_site_is_not_named() -> None:
    # torch shown in the system's own site-packages: sudo's Python is the one that has it
    log = SUDO_SETUP.replace("/home/li/.virtualenvs/yolo/lib", "/usr/local/lib")
    assert_not_concluded(log, "wrong-interpreter")
    # no sudo: the same failure is not this rule's
    assert all(
        v.rule != "leakage/sudo-pip-installs-for-another-python"
        for v in raw_decision(SUDO_SETUP.replace("sudo python3", "python3")).verdicts
    )


PIP3_UNDER_PYTHON2 = (
    "$ pip3 list\nTraceback (most recent call last):\n"
    '  File "/usr/local/bin/pip3", line 9, in <module>\n'
    "    load_entry_point('pip==8.1.2', 'console_scripts', 'pip3')()\n"
    '  File "/usr/local/lib/python2.7/site-packages/pkg_resources/__init__.py", line 542, in load_entry_point\n'
    "    return get_distribution(dist).load_entry_point(group, name)\n"
    "ImportError: Entry point ('console_scripts', 'pip3') not found\n"
)


def test_a_pip3_launcher_running_under_python2_is_the_interpreter() -> None:
    assert_reasoned(PIP3_UNDER_PYTHON2, "wrong-interpreter")


def test_a_pip3_launcher_under_python3_is_not_named() -> None:
    assert_not_concluded(PIP3_UNDER_PYTHON2.replace("python2.7", "python3.5"), "wrong-interpreter")
    # a bare `pip` names no Python: nothing to disagree with
    assert_not_concluded(PIP3_UNDER_PYTHON2.replace("bin/pip3", "bin/pip"), "wrong-interpreter")


TWO_SITE_VERSIONS = (
    "$ vcs import src < ros2.repos\nTraceback (most recent call last):\n"
    '  File "/usr/local/bin/vcs", line 9, in <module>\n'
    '  File "/usr/local/lib/python3.4/dist-packages/vcstool/commands/import_.py", line 6, in <module>\n'
    "    import yaml\n"
    '  File "/usr/local/lib/python2.7/dist-packages/yaml/__init__.py", line 2, in <module>\n'
    "    from error import *\n"
    "ImportError: No module named 'error'\n"
)


def test_one_traceback_in_two_pythons_site_packages_is_leakage() -> None:
    assert_reasoned(TWO_SITE_VERSIONS, "env-leakage")


def test_two_tracebacks_of_two_pythons_are_not_leakage() -> None:
    # the user ran the tool under each Python in turn: two processes, each in its own site-packages
    log = TWO_SITE_VERSIONS.replace(
        '  File "/usr/local/lib/python2.7/',
        '$ python2 -m vcstool\nTraceback (most recent call last):\n  File "/usr/local/lib/python2.7/',
    )
    assert_not_concluded(log, "env-leakage")


TWO_LINE_BANNER = (
    "Python 2.7.12\n[GCC 5.4.0 20160609] on linux2\n"
    'Type "help", "copyright", "credits" or "license" for more information.\n'
    ">>> import numpy\nTraceback (most recent call last):\n"
    '  File "<stdin>", line 1, in <module>\n'
    '  File "/usr/local/lib/python3.5/dist-packages/numpy/__init__.py", line 142, in <module>\n'
    "    from . import add_newdocs\n"
    "ImportError: cannot import name multiarray\n"
)


def test_a_two_line_banner_of_another_python_than_the_site_is_leakage() -> None:
    assert_reasoned(TWO_LINE_BANNER, "env-leakage")


def test_a_version_line_that_is_not_a_banner_is_not_read_as_the_interpreter() -> None:
    # `Python 2.7.12` as a line of prose/listing, not followed by the compiler line
    log = TWO_LINE_BANNER.replace("[GCC 5.4.0 20160609] on linux2\n", "")
    assert_not_concluded(log, "env-leakage")


def test_get_config_missing_from_tensorflow_is_a_keras_newer_than_its_tensorflow() -> None:
    log = (
        "    from keras.backend import get_graph\n"
        "ImportError: cannot import name 'get_config' from 'tensorflow.python.eager.context' "
        "(/usr/local/lib/python3.7/dist-packages/tensorflow/python/eager/context.py)\n"
    )
    assert_reasoned(log, "keras-version-mismatch")
    # another name missing from the same module says nothing about Keras
    assert_not_concluded(log.replace("'get_config'", "'context_safe'"), "keras-version-mismatch")


def test_an_optimizer_of_another_keras_is_the_keras_mismatch() -> None:
    log = (
        "ValueError: Could not interpret optimizer identifier: <keras.src.optimizers.legacy.adam.Adam object at 0x7>\n"
    )
    assert raw_decision(log).cause == "keras-version-mismatch"
    # a string the user mistyped is not another Keras's object
    assert_not_concluded("ValueError: Could not interpret optimizer identifier: adamm\n", "keras-version-mismatch")
