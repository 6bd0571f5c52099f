"""Round 12 (issue 11): reasoning steps written from the tools' own wording (not from a blind set),
each with a near miss. `assert_reasoned` checks the rules' raw conclusion and what calibration
ships for it (tests/explain/expect.py)."""

from __future__ import annotations

from pathlib import Path

from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

TF_NO_DRIVER = (
    "W tensorflow/compiler/xla/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
    "'libcuda.so.1'; dlerror: libcuda.so.1: cannot open shared object file: No such file or directory\n"
    "W tensorflow/compiler/xla/stream_executor/cuda/cuda_driver.cc:265] failed call to cuInit: UNKNOWN ERROR (303)\n"
)


def test_the_drivers_own_library_missing_is_no_gpu() -> None:
    got = assert_reasoned(TF_NO_DRIVER, "no-gpu-visible")
    assert any("--gpus all" in f for f in got.fixes), got.fixes
    windows = "Could not load dynamic library 'nvcuda.dll'; dlerror: nvcuda.dll not found\n"
    assert raw_decision(windows).cause == "no-gpu-visible"
    assert raw_decision("OSError: libcuda.so.1: cannot open shared object file: No such file or directory\n").cause == (
        "no-gpu-visible"
    )


def test_libcuda_on_wsl_or_beside_other_missing_libraries_is_not_the_driver() -> None:
    wsl = "Linux DESKTOP 5.15.153.1-microsoft-standard-WSL2\n" + TF_NO_DRIVER
    assert_not_concluded(wsl, "no-gpu-visible")
    cudnn_link = (
        "Could not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file: "
        "No such file or directory\n"
    )
    assert raw_decision(cudnn_link).cause == "cuda-libs-missing"
    both = TF_NO_DRIVER + (
        "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
        "'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory\n"
    )
    assert_not_concluded(both, "no-gpu-visible")


# ---- read from blind32 (round 12): the tools' own messages, each with a near miss ------------------
def test_conda_classics_conflict_search_and_pipenvs_resolution_failure_are_the_solver() -> None:
    conda = (
        "$ conda env create -f environment.yml\nCollecting package metadata (repodata.json): done\n"
        "Solving environment: /\nFound conflicts! Looking for incompatible packages.\n"
    )
    assert raw_decision(conda).cause == "solver-conflict"
    assert raw_decision("Solving environment: done\n").cause != "solver-conflict"
    pipenv = (
        "[pipenv.exceptions.ResolutionFailure]: Warning: Your dependencies could not be resolved. You likely have a "
        "mismatch in your sub-dependencies.\n"
    )
    assert raw_decision(pipenv).cause == "solver-conflict"


def test_pips_hash_check_on_a_download_is_the_network() -> None:
    log = (
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package "
        "versions, please update the hashes. Otherwise, examine the package contents carefully; someone may have "
        "tampered with them.\n"
    )
    assert raw_decision(log).cause == "network-or-index"


def test_a_windows_launcher_of_a_python_that_is_not_there() -> None:
    log = (
        "F:\\ComfyUI\\python_embeded>pip3 install torch\n"
        'Fatal error in launcher: Unable to create process using \'"D:\\a\\ComfyUI\\python_embeded\\python.exe"  '
        '"F:\\ComfyUI\\python_embeded\\Scripts\\pip3.exe" install torch\': The system cannot find the file specified.\n'
    )
    assert raw_decision(log).cause == "wrong-interpreter"
    assert raw_decision("Fatal error: unable to create the output file\n").cause != "wrong-interpreter"


def test_the_sklearn_placeholders_own_advice_without_its_first_line() -> None:
    log = (
        "      - use 'pip install scikit-learn' rather than 'pip install sklearn'\n"
        "      - as a last resort, set the environment variable\n"
        "        SKLEARN_ALLOW_DEPRECATED_SKLEARN_PACKAGE_INSTALL=True to avoid this error\n"
    )
    assert raw_decision(log).cause == "package-removed"
    assert raw_decision("I use 'pip install scikit-learn' in my Dockerfile\n").cause != "package-removed"


def test_a_64_bit_windows_wheel_of_this_python_refused_is_a_32_bit_python() -> None:
    log = (
        "I try install pytorch on windows 10 and Python 3.7 with below command:\n"
        "`pip3 install https://download.pytorch.org/whl/cpu/torch-1.0.0-cp37-cp37m-win_amd64.whl`\n"
        "torch-1.0.0-cp37-cp37m-win_amd64.whl is not a supported wheel on this platform.\n"
    )
    got = raw_decision(log)
    assert got.cause == "python-unsupported", got.ranked
    banner = "Python 3.7.4 (tags/v3.7.4:e09359112e, Jul  8 2019) [MSC v.1916 64 bit (AMD64)] on win32\n"
    assert raw_decision(banner + log).cause == "platform-unsupported"  # a 64-bit Python: not its bitness


def test_the_only_error_pips_report_of_a_frameworks_pin() -> None:
    log = (
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. "
        "This behaviour is the source of the following dependency conflicts.\n"
        "tensorflow 2.4.1 requires numpy~=1.19.2, but you have numpy 1.20.2 which is incompatible.\n"
        "Successfully installed kglab-0.4.1 numpy-1.20.2\n"
    )
    assert_reasoned(log, "dependency-version-mismatch")
    other = log.replace("tensorflow 2.4.1", "kglab 0.4.1")  # not a framework's pin: still only a warning
    assert_not_concluded(other, "dependency-version-mismatch")


def test_what_pip_list_shows_in_the_users_language_and_paddles_module() -> None:
    log = (
        "安装方式：pip install paddlepaddle-gpu==1.7.2.post107\n"
        "安装后pip list有paddlepaddle-gpu 1.7.2.post107\n但是进入Python模式,\n"
        "ModuleNotFoundError: No module named 'paddle'\n"
    )
    got = raw_decision(log)
    assert [c.value for c in got.logfacts.claimed] == ["paddlepaddle-gpu"]
    assert got.ranked[0][0] == "wrong-interpreter"


def test_conda_itself_loaded_from_the_user_site_is_the_leak() -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/home/t/.local/lib/python3.9/site-packages/conda/exceptions.py", line 626, in handler\n'
        "    return_value = func(*args, **kwargs)\n"
        '  File "/home/t/anaconda3/lib/python3.9/importlib/__init__.py", line 127, in import_module\n'
        "    return _bootstrap._gcd_import(name[level:], package, level)\n"
    )
    assert raw_decision(log).cause == "env-leakage"
    base = log.replace("/home/t/.local/lib/python3.9/site-packages", "/home/t/anaconda3/lib/python3.9/site-packages")
    assert raw_decision(base).cause != "env-leakage"  # conda's own frames in its base: no leak


def test_a_pasted_non_ascii_hyphen_in_site_packages_is_still_the_path() -> None:
    from envdoctor.explain.paths import path_tokens

    pasted = 'File "C:\\Users\\a\\anaconda3\\Lib\\site\u2011packages\\spyder_kernels\\console\\start.py", line 33'
    assert path_tokens(pasted) == [("c:\\users\\a\\anaconda3", "conda-base", "site")]
    assert path_tokens(pasted.replace("\u2011", "")) == []  # "sitepackages" is no site-packages


# ---- read from blind34 (round 13): the tools' own messages, each with a near miss ------------------
def test_ptx_status_names_windows_path_code_and_a_yanked_pin() -> None:
    assert raw_decision("Utopia stack with Trilinos+CUDA: cudaErrorUnsupportedPtxVersion\n").cause == "driver-too-old"
    dutch = (
        "ERROR: Could not install packages due to an EnvironmentError: [WinError 206] De bestandsnaam of -extensie "
        "is te lang: 'c:\\\\users\\\\k\\\\appdata\\\\local\\\\pypoetry\\\\cache'\n"
    )
    assert raw_decision(dutch).cause == "windows-long-paths"
    assert raw_decision("OSError: [WinError 2] The system cannot find the file specified\n").cause != (
        "windows-long-paths"
    )
    yanked = (
        "  ╰─▶ Because setuptools-scm==6.2.0 was yanked (reason: regression) and you require setuptools-scm==6.2.0, "
        "we can conclude that your requirements are unsatisfiable.\n"
    )
    assert raw_decision(yanked).cause == "package-removed"


def test_the_users_words_for_a_missing_arch_wheel_and_pip_installing_into_the_root_env() -> None:
    arch = "PyPI does not appear to provide a Linux aarch64 wheel for nmem-cli 0.10.25, so pip falls back\n"
    assert raw_decision(arch).cause == "platform-unsupported"
    assert raw_decision("PyPI provides a Linux aarch64 wheel for nmem-cli 0.10.25\n").cause != "platform-unsupported"
    root = 'Running "pip install <pkg>" is consistently installing <pkg> into the root env, instead of my active env.\n'
    assert raw_decision(root).cause == "wrong-interpreter"
    assert raw_decision("Running pip install is installing everything into my active env.\n").cause != (
        "wrong-interpreter"
    )


def test_pip_satisfied_for_one_python_and_the_traceback_in_another_on_macos() -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/Users/v/Library/Python/3.7/lib/python/site-packages/tensorflow/python/keras/engine/network.py", '
        "line 1560, in to_yaml\n"
        "ImportError: Requires yaml module installed (`pip install pyyaml`)\n"
        "$ pip install pyyaml\n"
        "Requirement already satisfied: pyyaml in /Users/v/Library/Python/2.7/lib/python/site-packages (5.1.1)\n"
    )
    assert raw_decision(log).cause == "wrong-interpreter"
    same = log.replace("Python/2.7", "Python/3.7")
    assert raw_decision(same).cause != "wrong-interpreter"  # one Python: the same user site


# ---- read from blind37 (round 14): the tools' own messages, each with a near miss ------------------
def test_driver_status_names_and_a_cuda_library_missing_a_symbol() -> None:
    assert raw_decision("I find the error CUDAError InsufficientDriver. My CUDA driver is 570.133.20\n").cause == (
        "driver-too-old"
    )
    symbol = (
        "Could not load library libcudnn_cnn_train.so.8. Error: /usr/local/cuda-12.3/lib64/libcudnn_cnn_train.so.8: "
        "undefined symbol: _ZN5cudnn3cnn34layerNormFwd\n"
    )
    assert raw_decision(symbol).cause == "cuda-version-mismatch"
    missing = (
        "Could not load library libcudnn_cnn_train.so.8. Error: libcudnn_cnn_train.so.8: cannot open shared "
        "object file: No such file or directory\n"
    )
    assert raw_decision(missing).cause == "cuda-libs-missing"


def test_onnxruntime_with_cpu_providers_only_and_numpy_aliases_in_the_users_words() -> None:
    warn = (
        "UserWarning: Specified provider 'CUDAExecutionProvider' is not in available provider names.Available "
        "providers: 'AzureExecutionProvider, CPUExecutionProvider'\n"
    )
    assert raw_decision(warn).cause == "no-gpu-visible"
    assert raw_decision("providers: ['CUDAExecutionProvider', 'CPUExecutionProvider']\n").cause != "no-gpu-visible"
    assert raw_decision("`np.int` is no longer available, causing an issue with HandTracker.py\n").cause == (
        "numpy-api-removed"
    )
    assert raw_decision("`np.int32` is what the code uses\n").cause != "numpy-api-removed"


def test_a_pip_report_before_a_traceback_the_paste_cut_stays_below_the_bar() -> None:
    log = (
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.\n"
        "tensorflow-probability 0.12.1 requires gast>=0.3.2, but you have gast 0.2.2 which is incompatible.\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.7/dist-packages/keras/__init__.py", line 3, in <module>\n'
        "    from . import utils\n"
    )
    assert_not_concluded(log, "dependency-version-mismatch")


def test_what_a_line_captures_does_not_depend_on_the_hash_seed() -> None:
    """Two signatures on one line capture the library differently; the one searched first names it,
    in every process (the anchors of a line were a set, whose order follows PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    script = (
        "from tests.explain.expect import raw_decision\n"
        "line = 'Could not load library libcudnn_ops_infer.so.8. Error: libcudnn_ops_infer.so.8: cannot open "
        "shared object file: No such file or directory\\n'\n"
        "print(raw_decision(line).groups['cuda-libs-missing']['lib'])\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2, 3, 5, 8, 13)
    }
    assert len(seen) == 1, seen
