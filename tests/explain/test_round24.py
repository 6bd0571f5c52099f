"""Round 24 (issue 11, blind56 read): conda's python report when the pinned Python fits every
package, a bare "DLL load failed" in a conda install, the replacement asked for after a placeholder,
and torch's placeholder sdist, each with a near miss (tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

CONDA_PYTHON_REPORT = (
    "UnsatisfiableError: The following specifications were found to be incompatible with each other:\n"
    "Package python conflicts for:\n"
    "imageio==2.1.2 -> numpy -> mkl-service[version='>=2,<3.0a0'] -> six -> python[version='3.4.*|>=3.7,<3.8.0a0']\n"
    "python==3.6\n"
    "imageio==2.1.2 -> python[version='2.7.*|3.5.*|3.6.*']\n"
    "jupyter -> ipykernel -> tornado[version='>=4.0'] -> certifi -> python=3.4\n"
    "numpy -> python[version='2.7.*|3.4.*|3.5.*|3.6.*|>=3.7,<3.8.0a0']\n"
)


def test_a_pinned_python_every_package_has_builds_for_is_a_clash_of_pins() -> None:
    assert_reasoned(CONDA_PYTHON_REPORT, "solver-conflict")
    assert_not_concluded(CONDA_PYTHON_REPORT, "python-unsupported")


def test_a_pinned_python_a_package_has_no_build_for_is_the_python() -> None:
    # imageio 2.1.2 has no build for Python 3.9: the Python pin is what cannot hold
    log = CONDA_PYTHON_REPORT.replace("python==3.6", "python==3.9")
    assert raw_decision(log).cause == "python-unsupported"


BARE_DLL = "Installation Error: ImportError: DLL load Failed: The specified module could not be found\n"


def test_a_bare_dll_failure_in_a_conda_install_is_not_named() -> None:
    # no module, no frame, and conda: NumPy / SciPy's own DLLs read the same as the C++ runtime
    assert_not_concluded(BARE_DLL + "a colleague was using Anaconda on Windows 10\n", "msvc-runtime-missing")
    # the package it fails in named by the user's import: the extension's runtime
    assert_reasoned(
        "Anaconda Prompt\n>>> import helics\n" + BARE_DLL.replace("Installation Error: ", ""), "msvc-runtime-missing"
    )


def test_torch_error_loading_path_names_the_package() -> None:
    log = (
        'OSError: [WinError 126] The specified module could not be found. Error loading "C:\\ProgramData\\Anaconda3\\'
        'envs\\dl\\lib\\site-packages\\torch\\lib\\asmjit.dll" or one of its dependencies.\n'
    )
    assert_reasoned(log, "msvc-runtime-missing")


TORCH_PLACEHOLDER = (
    "C:\\Users\\me>pip install torch\nCollecting torch\n"
    "  Using cached https://files.pythonhosted.org/packages/f8/02/880b/torch-0.1.2.post2.tar.gz\n"
    "Requirement already satisfied: pyyaml in c:\\users\\me\\appdata\\local\\programs\\python\\python38-32\\lib\\"
    "site-packages (from torch) (5.1.2)\nInstalling collected packages: torch\n"
    "    Running setup.py install for torch ... error\n"
)


def test_torch_placeholder_under_a_32_bit_python_is_the_python() -> None:
    assert_reasoned(TORCH_PLACEHOLDER, "python-unsupported")
    # a real torch sdist name is not the placeholder
    assert_not_concluded(TORCH_PLACEHOLDER.replace("torch-0.1.2.post2", "torch-2.1.0"), "python-unsupported")


def test_the_placeholder_package_then_its_replacement_is_the_replacements_failure() -> None:
    stub = "Installing collected packages: pytorch\n    Running setup.py install for pytorch ... error\n"
    assert raw_decision(stub + "ERROR: Command errored out with exit status 1\n").cause == "package-removed"
    assert_not_concluded(stub + TORCH_PLACEHOLDER, "package-removed")


def test_a_pip_message_missing_its_first_letter_is_still_read() -> None:
    log = (
        "ould not find a version that satisfies the requirement torch==1.11.0+cu113 (from versions: none)\n"
        "I have python 3.11\n"
    )
    assert raw_decision(log).cause == "python-unsupported"
