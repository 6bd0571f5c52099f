"""Round 9 (issue 11): reasoning steps read from blind24's and blind27's misses, on minimal logs in
the tools' wording, each with a near miss (the same facts short of the step); and the PyPI
placeholder packages the knowledge base now lists, which check and lint must not read into conda.

`assert_reasoned` checks the rules' raw conclusion and what calibration ships for it
(tests/explain/expect.py)."""

from __future__ import annotations

from pathlib import Path

from envdoctor.explain import explain_text
from envdoctor.explain.conflicts import conda_conflict
from envdoctor.explain.scanner import Scanner
from envdoctor.knowledge import KnowledgeBase
from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

# ---- Markdown quotes (envleak-tf-42233) ---------------------------------------------------------
QUOTED_TRACEBACK = (
    "> Traceback (most recent call last):\n"
    '>   File "C:\\Users\\me\\AppData\\Roaming\\Python\\Python37\\site-packages\\tensorflow\\__init__.py", '
    "line 41, in <module>\n"
    ">     from tensorflow.python.tools import module_util as _module_util\n"
    "> ModuleNotFoundError: No module named 'tensorflow.python'\n"
)


def test_a_markdown_quotes_markers_are_not_read_as_the_log() -> None:
    scanner = Scanner()
    scanner.feed(QUOTED_TRACEBACK + ">>> import torch\n")
    lines = [line for _n, line in scanner.numbered()]
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == ">>> import torch"  # a Python prompt has no blank after its first ">"


def test_a_submodule_missing_from_a_package_that_imports_is_no_other_interpreter() -> None:
    # tensorflow's own __init__ runs (from the user site, inside a fresh conda env): it is found
    text = "conda create -n tf python=3.7\npip install tensorflow\npython\n" + QUOTED_TRACEBACK
    assert_not_concluded(text, "wrong-interpreter")
    # the package itself missing after pip installed it: another interpreter runs
    other = (
        "Successfully installed tensorflow-2.3.0\n>>> import tensorflow\nTraceback (most recent call last):\n"
        "  File \"<stdin>\", line 1, in <module>\nModuleNotFoundError: No module named 'tensorflow'\n"
    )
    assert raw_decision(other).cause == "wrong-interpreter"


def test_old_pips_successfully_installed_names_without_versions() -> None:
    text = (
        'I installed it (as shown as "Successfully installed tensorflow wheel six setuptools").\n'
        'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
        "ImportError: No module named tensorflow\n"
    )
    got = raw_decision(text)
    assert "tensorflow" in got.logfacts.installed and got.cause == "wrong-interpreter"
    # nothing said installed: the import error alone names no interpreter
    assert_not_concluded(
        text.replace('(as shown as "Successfully installed tensorflow wheel six setuptools")', ""), "wrong-interpreter"
    )


# ---- PyPI placeholders (pkgremoved-thonny-1127, pkgremoved-regions-570) --------------------------
PYTORCH_STUB = (
    "Collecting pytorch\n  Downloading pytorch-1.0.2.tar.gz (689 bytes)\n"
    "Installing collected packages: pytorch\n    Running setup.py install for pytorch: finished with status 'error'\n"
    "    ERROR: Command errored out with exit status 1:\n"
)


def test_pips_pytorch_is_the_placeholder() -> None:
    got = assert_reasoned(PYTORCH_STUB, "package-removed")
    assert any("torch" in fix for fix in got.fixes)


def test_condas_pytorch_is_the_real_package() -> None:
    conda = (
        "conda install pytorch==1.8.1 torchvision==0.9.1 -c pytorch\n"
        "UnsatisfiableError: The following specifications were found to be incompatible with each other:\n\n"
        "Package pytorch conflicts for:\ntorchaudio==0.8.1 -> pytorch==1.8.1\n"
        "torchvision==0.9.1 -> pytorch-gpu -> pytorch[version='1.10.0|1.9.1']\n"
    )
    assert raw_decision(conda).cause == "solver-conflict"


def test_sklearns_deprecation_message_in_quotes_is_the_removal() -> None:
    assert_reasoned(
        "I get the error that \"sklearn' PyPI package is deprecated, use 'scikit-learn rather than 'sklearn'\n",
        "package-removed",
    )
    assert_not_concluded("I use sklearn from scikit-learn's PyPI package\n", "package-removed")


def test_the_knowledge_base_lists_the_placeholders_for_pypi_only() -> None:
    kb = KnowledgeBase.load()
    for name, replacement in (("pytorch", "torch"), ("sklearn", "scikit-learn")):
        removed = kb.removed(name)
        assert removed is not None and removed.pypi_only and removed.replacement == replacement
    gpu = kb.removed("tensorflow-gpu")
    assert gpu is not None and not gpu.pypi_only


def test_lint_reads_pytorch_as_removed_in_pip_files_only(tmp_path: Path) -> None:
    from envdoctor.lint import lint_file

    (tmp_path / "requirements.txt").write_text("pytorch==1.0.2\n")
    (tmp_path / "environment.yml").write_text("name: t\ndependencies:\n  - pytorch=2.1\n  - pip:\n    - numpy\n")
    pip_findings, _ = lint_file(tmp_path / "requirements.txt")
    conda_findings, _ = lint_file(tmp_path / "environment.yml")
    assert any(f.code == "ED502" for f in pip_findings)
    assert not any(f.code == "ED502" for f in conda_findings)


# ---- another Python's site-packages (envleak-pyrobot-62, envleak-roshumble-215) -----------------
# (the rule's own cases are in test_rules.py; here: pip's build environment of the same Python)
def test_the_same_pythons_site_packages_is_no_leak() -> None:
    text = (
        "Python 3.10.12 (main, Nov 20 2023, 15:14:05) [GCC 11.4.0] on linux\n>>> import numpy\n"
        "Traceback (most recent call last):\n"
        '  File "/home/u/.venv/lib/python3.10/site-packages/numpy/__init__.py", line 1, in <module>\n'
        "ImportError: cannot import name 'x'\n"
    )
    assert all(v.rule != "leakage/site-packages-of-another-python" for v in raw_decision(text).verdicts)


# ---- Windows path limit (longpaths-xformers-789, longpaths-buildstockquery-31) ------------------
def test_git_for_windows_filename_too_long_is_the_path_limit() -> None:
    assert_reasoned(
        "error: unable to create file docs/" + "a" * 120 + ".html: Filename too long\n", "windows-long-paths"
    )
    # glibc's own words on Linux (a 255-byte file name) are not Windows' limit
    assert_not_concluded("OSError: [Errno 36] File name too long: '/tmp/" + "a" * 300 + "'\n", "windows-long-paths")


def test_the_user_naming_windows_path_limit() -> None:
    said = (
        "the long file names prevent the checkout because they exceed the Windows 256 character max file path length.\n"
    )
    assert raw_decision(said).cause == "windows-long-paths"
    assert_not_concluded("I enabled long paths on Windows and the path is now fine.\n", "windows-long-paths")


# ---- conda blaming python (solver-hunyuanvideo-211) -----------------------------------------------
def test_condas_your_python_with_two_equals_signs_is_read() -> None:
    got = conda_conflict(
        [
            "Specifications:",
            "",
            "  - torchaudio==2.4.0 -> python[version='>=3.7,<3.8.0a0|>=3.13,<3.14.0a0']",
            "",
            "Your python: python==3.10.9",
        ]
    )
    assert got is not None and got.kind == "conflict" and "3.10.9" in got.reason


def test_builds_only_below_the_python_stay_the_python() -> None:
    got = conda_conflict(
        ["  - torchaudio==0.8.1 -> python[version='>=3.6,<3.7.0a0|>=3.8,<3.9.0a0']", "Your python: python==3.10.9"]
    )
    assert got is not None and got.kind == "python"


# ---- uv's hint (glibc-OpenAvatarChat-91, platform-ltx2-256) ---------------------------------------
UV_GLIBC = (
    "error: Distribution `onnxruntime-gpu==1.20.2 @ registry+https://pypi.org/simple` can't be installed because it "
    "doesn't have a source distribution or wheel for the current platform\n\n"
    "hint: You're on Linux (`manylinux_2_17_x86_64`), but `onnxruntime-gpu` (v1.20.2) only has wheels for the "
    "following platforms: `manylinux_2_27_x86_64`, `manylinux_2_28_x86_64`, `win_amd64`\n"
)


def test_uvs_hint_with_newer_manylinux_only_is_the_glibc() -> None:
    assert_reasoned(UV_GLIBC, "glibc-too-old")
    # a wheel for this machine's own manylinux level exists: not the glibc (nor the platform)
    fits = UV_GLIBC.replace("`manylinux_2_27_x86_64`", "`manylinux_2_17_x86_64`")
    assert_not_concluded(fits, "glibc-too-old")


def test_uvs_hint_wrapped_by_the_paste_is_read_joined() -> None:
    wrapped = (
        "hint: You're on Linux (`manylinux_2_39_aarch64`), but `torchcodec` (v0.9.1) only has wheels for\n"
        "the following platforms: `manylinux_2_28_x86_64`, `macosx_11_0_arm64`, `win_amd64`; consider\n"
        "adding a marker\n"
    )
    got = raw_decision(wrapped)
    assert got.cause == "platform-unsupported" and got.key == "wheels/uv-hint-no-build-for-this-machine"


# ---- the Python pip's list pins (pyunsupported-rstudio-tensorflow-602) ----------------------------
def test_a_list_that_pins_a_python_the_release_lacks_everywhere_is_the_python() -> None:
    text = (
        "+ /Users/nick/.virtualenvs/env/bin/python -m pip install --upgrade --no-user 'tensorflow==2.11.0'\n"
        "ERROR: Could not find a version that satisfies the requirement tensorflow==2.11.0 (from versions: "
        "2.16.0rc0, 2.16.1, 2.16.2, 2.17.0rc0, 2.17.0rc1, 2.17.0)\n"
        "ERROR: No matching distribution found for tensorflow==2.11.0\n"
    )
    assert raw_decision(text).cause == "python-unsupported"


def test_nothing_listed_for_a_release_of_a_platform_without_builds_stays_the_platform() -> None:
    text = (
        "C:\\Users\\me> pip install jaxlib==0.1.37\n"
        "ERROR: Could not find a version that satisfies the requirement jaxlib==0.1.37 (from versions: none)\n"
        "ERROR: No matching distribution found for jaxlib==0.1.37\n"
    )
    assert raw_decision(text).cause == "platform-unsupported"


# ---- a foreign copy raises (envleak-conda-build-235) -----------------------------------------------
FOREIGN = (
    "Traceback (most recent call last):\n"
    '  File "/home/u/anaconda3/envs/bio/bin/binstar", line 4, in <module>\n'
    '  File "/home/u/anaconda3/envs/bio/lib/python2.7/site-packages/binstar_client/__init__.py", line 5, in <module>\n'
    "    import requests\n"
    '  File "/usr/lib/python2.7/dist-packages/requests/__init__.py", line 58, in <module>\n'
    '  File "/usr/lib/python2.7/dist-packages/urllib3/connectionpool.py", line 33, in <module>\n'
    "    from ssl import CertificateError\n"
    "ImportError: cannot import name CertificateError\n"
)


def test_an_error_raised_inside_the_foreign_copy_is_the_leak() -> None:
    got = raw_decision(FOREIGN)
    assert got.cause == "env-leakage" and got.raw_confidence >= 0.85


def test_an_error_raised_back_in_the_env_keeps_the_leak_circumstantial() -> None:
    back = FOREIGN.replace(
        "ImportError",
        '  File "/home/u/anaconda3/envs/bio/lib/python2.7/site-packages/binstar_client/x.py", line 9\nImportError',
    )
    assert all(
        v.weight <= 0.8 for v in raw_decision(back).verdicts if v.rule == "leakage/one-traceback-two-installations"
    )


# ---- statements and Keras 3's words --------------------------------------------------------------
def test_the_user_site_said_to_be_used() -> None:
    assert raw_decision("python was using packages in ~/.local which had a different version instead.\n").cause == (
        "env-leakage"
    )
    assert_not_concluded("I removed the packages in ~/.local/bin\n", "env-leakage")


def test_works_in_the_terminal_but_not_in_the_notebook() -> None:
    said = "I cannot import module in jupyter notebook while it works in my terminal\n"
    assert raw_decision(said).cause == "wrong-interpreter"
    assert raw_decision(
        "sys.executable in jupyter notebook and in the terminal: the results are different\n"
    ).cause == ("wrong-interpreter")
    assert_not_concluded("it works in my terminal and in jupyter notebook\n", "wrong-interpreter")


def test_keras_3s_layer_never_called() -> None:
    text = "ValueError: The layer sequential_4 has never been called and thus has no defined input.\n"
    assert raw_decision(text).cause == "keras-version-mismatch"
    # Keras 2's words name the shape
    assert_not_concluded(
        "AttributeError: The layer dense has never been called and thus has no defined input shape.\n",
        "keras-version-mismatch",
    )


def test_poetry_depends_on_both() -> None:
    text = (
        "  SolveFailure\n\n  Because no versions of torchaudio match >2.0.1+cu118,<3.0.0\n"
        "  So, because stalp depends on both torch (^2.0.0+cu118) and torchaudio (^2.0.1+cu118), "
        "version solving failed.\n"
    )
    assert raw_decision(text).cause == "solver-conflict"
    # a version that does not exist is no clash of two requirements
    assert_not_concluded(
        "Because stalp depends on torch (9.9.9) which doesn't match any versions, version solving failed.\n",
        "solver-conflict",
    )


def test_a_refused_wheel_with_neither_python_nor_machine_known_names_no_cause() -> None:
    text = "ERROR: torch-1.6.0-cp36-cp36m-linux_aarch64.whl is not a supported wheel on this platform.\n"
    raw = raw_decision(text)
    assert raw.raw_confidence < 0.8
    assert {c for c, _s in raw.ranked[:2]} == {"platform-unsupported", "python-unsupported"}
    # the Python known, another than the wheel's: its Python tag was refused
    assert raw_decision("Python 3.8.10\n" + text).cause == "python-unsupported"


def test_explain_text_ships_no_cause_for_the_bare_refused_wheel() -> None:
    text = "ERROR: torch-1.6.0-cp36-cp36m-linux_aarch64.whl is not a supported wheel on this platform.\n"
    assert explain_text(text).cause == "unknown"
