"""Round 8 (issue 11): reasoning steps read from blind14's remaining misses, on minimal logs in the
tools' wording, and the calibration's policy for a key no labelled log measured.

Each: a concluding case and a near miss (the same facts short of the step). `assert_reasoned` checks
the rules' raw conclusion and what calibration ships for it (tests/explain/expect.py)."""

from __future__ import annotations

import math

import pytest

from envdoctor.explain import calibration, explain_text
from envdoctor.explain.calibration import bound_in, family_of, table_key, wilson_lower
from envdoctor.explain.conflicts import conda_conflict, poetry_python_range
from envdoctor.explain.extract import _os_day
from envdoctor.explain.nowheel import Question, native_python, read_all
from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

# ---- NumPy >= 1.24's FutureWarning before the AttributeError (npapi-tf-62479) -----------------
# checked on real NumPy: 1.23.5 prints a DeprecationWarning for np.object, 1.24.4 this FutureWarning
FUTURE = (
    "C:\\Users\\me\\.conda\\envs\\tf\\lib\\site-packages\\tensorflow\\python\\framework\\dtypes.py:585: "
    "FutureWarning: In the future `np.object` will be defined as the corresponding NumPy scalar.\n"
    "  np.object,\n"
)


def test_numpys_future_warning_on_an_alias_is_the_removed_name() -> None:
    assert_reasoned(FUTURE + "Traceback (most recent call last):\n", "numpy-api-removed")


def test_numpys_deprecation_warning_is_not_a_removal() -> None:
    older = "DeprecationWarning: `np.object` is a deprecated alias for the builtin `object`.\n"
    assert_not_concluded(older, "numpy-api-removed")


# ---- conda 4.7+'s report, read whole (solver-pytorch-77463, solver-pyg-8161) ------------------
CONDA_47 = [
    "",
    "Output in format: Requested package -> Available versions",
    "",
    "Package pytorch conflicts for:",
    "torchaudio==0.8.1 -> pytorch==1.8.1",
    "torchvision==0.9.1 -> pytorch-gpu -> pytorch[version='1.10.0|1.9.1|1.9.0']",
    "",
]


def test_conda_names_the_package_the_requests_disagree_on() -> None:
    got = conda_conflict(CONDA_47)
    assert got is not None and got.kind == "conflict"
    assert got.requirements == ["torchaudio==0.8.1", "torchvision==0.9.1"]
    assert "pytorch" in got.reason and got.move == "torchaudio==0.8.1"


def test_condas_legend_is_no_requirement_even_glued_to_a_header() -> None:
    glued = [
        "Output in format: Requested package -> Available versionsThe following specifications were found "
        "to be incompatible with your system:",
        "",
        "  - feature:/linux-64::__cuda==12.2=0",
        "  - pyg -> pytorch",
    ]
    got = conda_conflict(glued)
    assert got is not None and got.requirements == ["pyg -> pytorch"] and got.move == "pyg"


def test_a_python_group_alone_is_the_python() -> None:
    got = conda_conflict(
        ["Package python conflicts for:", "python=3.10", "tensorflow -> python[version='>=3.7,<3.8.0a0']"]
    )
    assert got is not None and got.kind == "python" and got.move == "tensorflow"


def test_condas_newer_report_decides_a_clash() -> None:
    header = "UnsatisfiableError: The following specifications were found to be incompatible with each other:"
    log = header + "\n" + "\n".join(CONDA_47)
    raw = raw_decision(log)
    assert raw.cause == "solver-conflict" and raw.key == "solver/conda-conflict"


def test_condas_older_list_is_its_own_key() -> None:
    # conda <= 4.6's list holds no chains: as often the environment's Python as a clash of pins
    log = "UnsatisfiableError: The following specifications were found to be in conflict:\n  - pytorch-cpu\n"
    assert raw_decision(log).key == "solver/conda-in-conflict"


# ---- Poetry's python range (pyver-poetry-8764) -------------------------------------------------
POETRY = [
    "The current project's supported Python range (>=3.10,<4.0) is not compatible with some of the required "
    "packages Python requirement:",
    "  - tensorflow-io-gcs-filesystem requires Python >=3.7, <3.12, so it will not be satisfied for Python >=3.12,<4.0",
    "  - tensorflow-io-gcs-filesystem requires Python >=3.7, <3.11, so it will not be satisfied for Python >=3.11,<4.0",
]


def test_poetrys_python_range_is_the_python_and_says_which_range_fits() -> None:
    got = poetry_python_range(POETRY[1:], header=POETRY[0])
    assert got is not None and got.kind == "python" and got.tool == "poetry"
    assert '">=3.10,<3.12"' in got.fix and "poetry lock" in got.fix
    shipped = assert_reasoned("\n".join(POETRY), "python-unsupported")
    assert shipped.conflicts and shipped.conflicts[0].fix == got.fix


def test_poetrys_own_hint_wins_over_the_computed_range() -> None:
    hint = (
        "    For tensorflow-io-gcs-filesystem, a possible solution would be to set the `python` property to "
        '">=3.10,<3.11"'
    )
    got = poetry_python_range([*POETRY[1:], hint], header=POETRY[0])
    assert got is not None and '">=3.10,<3.11"' in got.fix


def test_a_poetry_range_line_without_dependencies_is_no_conflict() -> None:
    assert poetry_python_range([], header=POETRY[0]) is None


# ---- Windows on ARM had no native CPython before 3.11 (pyver-pytorch-79347) ---------------------
def test_windows_arm64_pythons_start_at_3_11() -> None:
    assert not native_python("windows-arm64", "3.9")
    assert native_python("windows-arm64", "3.11") and native_python("windows-x86_64", "3.9")


def test_no_torch_on_windows_with_python_39_in_2022_is_a_32_bit_python() -> None:
    plats = ("windows-x86_64", "windows-x86", "windows-arm64")
    reading = read_all([Question("torch", offered=(), python="3.9", platforms=plats, first_day="2022-06-01")])
    assert reading is not None and set(reading.weights) == {"bitness"}


WIN11 = (
    "I'm trying to install torch on Windows 11 with Python 3.9 installed by using the command:\n"
    "`pip3 install torch torchvision torchaudio`\n"
    "`ERROR: Could not find a version that satisfies the requirement torch (from versions: none)`\n"
    "`ERROR: No matching distribution found for torch`\n"
)


def test_the_log_dated_by_windows_11_reads_as_a_32_bit_python() -> None:
    got = assert_reasoned(WIN11, "python-unsupported")
    assert any("64-bit Python" in f for f in got.fixes)


def test_undated_the_same_log_does_not_say_32_bit() -> None:
    # without Windows 11 the log may be from Python 3.9's first months, before torch had its wheels:
    # still the Python, but not surely its bitness
    got = explain_text(WIN11.replace("Windows 11", "Windows"))
    assert not any("install a 64-bit Python" in f for f in got.fixes)


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("OS: Windows 11 Pro", "2021-06-01"),
        ("Ubuntu 22.04.3 LTS", "2021-12-01"),
        ("macOS Sonoma 14.2", "2023-05-01"),
        ("on macOS 13 and Ubuntu 20.04", "2022-06-01"),
    ],
)
def test_an_os_release_dates_the_log_minus_the_beta_months(line: str, day: str) -> None:
    assert _os_day(line) == day


@pytest.mark.parametrize("line", ["Windows 10", "python 3.11", "ubuntu", "mac address 11:22"])
def test_no_os_release_no_date(line: str) -> None:
    assert _os_day(line) is None


# ---- Debian's pip reading a download (network-tensorlayer-1014) --------------------------------
WHEELS = "/usr/share/python-wheels"
DEBIAN_PIP = (
    "read timeout and the following errors occurred\n"
    "Traceback (most recent call last):\n"
    f'  File "{WHEELS}/urllib3-1.24.1-py2.py3-none-any.whl/urllib3/response.py", line 360, in _error_catcher\n'
    "    yield\n"
    f'  File "{WHEELS}/urllib3-1.24.1-py2.py3-none-any.whl/urllib3/response.py", line 442, in read\n'
    "    data = self._fp.read(amt)\n"
    f'  File "{WHEELS}/CacheControl-0.11.7-py2.py3-none-any.whl/cachecontrol/filewrapper.py", line 60, in read\n'
    "    data = self.__fp.read(amt)\n"
    '  File "/usr/lib/python3.7/http/client.py", line 447, in read\n'
    "    n = self.readinto(b)\n"
    '  File "/usr/lib/python3.7/socket.py", line 589, in readinto\n'
    "    return self._sock.recv_into(b)\n"
)


def test_a_download_read_down_to_the_socket_is_the_network() -> None:
    assert_reasoned(DEBIAN_PIP, "network-or-index")


def test_user_code_in_the_traceback_is_not_a_download() -> None:
    mine = DEBIAN_PIP.replace(
        "Traceback (most recent call last):\n",
        'Traceback (most recent call last):\n  File "/home/me/fetch.py", line 3, in <module>\n    r.read()\n',
    )
    assert raw_decision(mine).cause != "network-or-index"


# ---- jax's own plugin check (depver-recovar-64) -------------------------------------------------
def test_jaxs_plugin_check_is_the_version_mismatch() -> None:
    log = (
        "RuntimeWarning: JAX plugin jax_cuda12_plugin version 0.9.2 is installed, \n"
        "but it is not compatible with the installed jaxlib version 0.9.0.1\n"
    )
    raw = raw_decision(log)
    assert raw.cause == "dependency-version-mismatch" and raw.key == "deps/jax-plugin-not-compatible"


# ---- the calibration's policy for a key never measured -----------------------------------------
COUNTED = {
    table_key("python-unsupported", "wheels/which-build-fits"): (40, 40),
    table_key("python-unsupported", "wheels/python-no-release-supports"): (10, 9),
    table_key("python-unsupported", "solver/conflict-is-another-cause"): (8, 8),
}


def _down(bound: float) -> float:
    return math.floor(bound * 100 + 1e-9) / 100


def test_a_new_rule_of_a_measured_family_is_held_to_the_familys_record() -> None:
    got = bound_in(COUNTED, "python-unsupported", "wheels/a-new-rule", policy="family")
    assert got == pytest.approx(_down(min(wilson_lower(50, 49), wilson_lower(58, 57))))


def test_a_bound_is_rounded_down_to_the_shown_decimals() -> None:
    # 0.795 would show (and compare) as 0.80: a ceiling must not round up past the bar
    counted = {table_key("cuda-libs-missing", "cuda-libs/shared-object"): (22, 21)}
    exact = wilson_lower(22, 21)
    got = bound_in(counted, "cuda-libs-missing", "cuda-libs/shared-object")
    assert got <= exact and got == pytest.approx(_down(exact)) and round(got, 2) == got


def test_a_new_family_supports_nothing() -> None:
    assert bound_in(COUNTED, "python-unsupported", "poetry/a-new-rule", policy="family") == 0.0
    assert bound_in(COUNTED, "python-unsupported", "wheels/a-new-rule", policy="zero") == 0.0


def test_a_family_counts_only_for_the_cause_it_named() -> None:
    assert bound_in(COUNTED, "platform-unsupported", "wheels/a-new-rule", policy="family") == 0.0


def test_a_measured_key_keeps_its_own_record_under_either_policy() -> None:
    for policy in ("family", "zero"):
        got = bound_in(COUNTED, "python-unsupported", "wheels/python-no-release-supports", policy=policy)
        assert got == pytest.approx(_down(min(wilson_lower(10, 9), wilson_lower(58, 57))))


def test_family_of_a_key() -> None:
    assert family_of("wheels/which-build-fits") == "wheels/" and family_of("nofamily") == ""


def test_the_shipped_policy_is_the_cross_validated_one() -> None:
    assert calibration.POLICY == "family"


# ---- read after blind16 arrived (its misses, round 8) ------------------------------------------
UV_GLIBC = (
    "Using Python 3.11.13 environment at: /home/me/miniconda3/envs/vllm\n"
    "  × No solution found when resolving dependencies:\n"
    "  ╰─▶ Because only the following versions of torch are available:\n"
    "          torch<2.7.0\n"
    "          torch>=2.7.0+cu118\n"
    "      and torch==2.7.0+cu118 has no wheels with a matching platform tag (e.g., `manylinux_2_27_x86_64`), "
    "we can conclude that torch==2.7.0 cannot be used.\n"
    "      And because you require torch==2.7.0, we can conclude that your requirements are unsatisfiable.\n"
    "      hint: Wheels are available for `torch` (v2.7.0+cu118) on the following platforms: "
    "`manylinux_2_28_x86_64`, `win_amd64`\n"
)


def test_uvs_own_platform_tag_is_this_machine_and_its_glibc() -> None:
    from envdoctor.explain.extract import extract
    from envdoctor.explain.scanner import Scanner

    scanner = Scanner()
    scanner.feed(UV_GLIBC.encode())
    facts = extract(scanner)
    assert facts.platforms == ("linux-x86_64",) and facts.glibc is not None and facts.glibc.value == "2.27"
    raw = raw_decision(
        "$ pip install torch==2.7.0 --index-url https://download.pytorch.org/whl/cu118\n"
        "ERROR: Could not find a version that satisfies the requirement torch==2.7.0 (from versions: "
        "2.5.1+cu118, 2.6.0+cu118)\nERROR: No matching distribution found for torch==2.7.0\n" + UV_GLIBC
    )
    assert raw.cause == "glibc-too-old"


def test_a_wheel_of_another_os_is_the_platform_whatever_the_python() -> None:
    log = (
        "installing the requirements on a mac\n"
        "`torch-1.0.0-cp37-cp37m-linux_x86_64.whl is not a supported wheel on this platform.`\n"
    )
    assert_reasoned(log, "platform-unsupported")
    same_os = raw_decision(log.replace("on a mac", "on Ubuntu"))
    assert not any(v.rule == "wheels/refused-wheel-tag" for v in same_os.verdicts)


def test_pips_report_without_its_header_is_read_whole() -> None:
    got = assert_reasoned(
        "The user requested torch==1.13.0\ntorchvision 0.15.2 depends on torch==2.0.1\n", "solver-conflict"
    )
    assert got.conflicts and got.conflicts[0].move == "torch==1.13.0"


def test_pips_report_with_its_header_is_one_conflict() -> None:
    log = (
        "ERROR: Cannot install torch==1.13.0 and torchvision==0.15.2 because these package versions have "
        "conflicting dependencies.\n\nThe conflict is caused by:\n    The user requested torch==1.13.0\n"
        "    torchvision 0.15.2 depends on torch==2.0.1\n\nTo fix this you could try to:\n"
    )
    assert len(explain_text(log).conflicts) == 1


@pytest.mark.parametrize(
    "line",
    [
        "The code execution cannot proceed because VCRUNTIME140_1.dll was not found.",
        "it complained about VCRUNTIME140_1.dll not being available on my computer.",
        "error: missing MSVCP140.dll",
    ],
)
def test_a_missing_msvc_runtime_dll_is_the_runtime(line: str) -> None:
    raw = raw_decision(line + "\n")
    assert raw.cause == "msvc-runtime-missing" and raw.key == "msvc/runtime-dll-missing"


def test_the_runtime_dll_found_is_no_finding() -> None:
    assert raw_decision("Loaded VCRUNTIME140_1.dll from C:\\Windows\\System32\n").cause != "msvc-runtime-missing"


# ---- read misses of earlier rounds (blind5, blind6) --------------------------------------------
def test_a_removed_package_said_removed_and_a_failed_build_is_the_removal() -> None:
    log = (
        "The tensorflow package has removed the -gpu naming convention (i.e., tensorflow-gpu). See error below\n\n"
        "  × python setup.py bdist_wheel did not run successfully.\n  │ exit code: 1\n"
    )
    assert_reasoned(log, "package-removed")
    # named without "removed" and without an install: no reading of it
    other = log.replace("has removed the -gpu naming convention (i.e., tensorflow-gpu)", "uses tensorflow-gpu")
    assert not any(v.rule == "solver/removed-package-stub-built" for v in raw_decision(other).verdicts)


def test_uvs_cut_no_wheel_line_is_the_one_package_the_command_asked_for() -> None:
    log = (
        "When I use python 3.13 on windows, and run `uv add torch`\n"
        "happened `@ registry+https://pypi.org/simple` can't be installed because it doesn't have a source "
        "distribution or wheel for the current platform`\n"
    )
    assert_reasoned(log, "python-unsupported")
    two = log.replace("uv add torch", "uv add torch numpy")
    assert not any(v.rule == "wheels/which-build-fits" for v in raw_decision(two).verdicts)


# ---- read after blind18 arrived (its misses) ----------------------------------------------------
def test_a_stdlib_module_found_inside_a_package_folder_is_shadowing() -> None:
    log = (
        "localhost:torch me$ python -c 'import torch'\nTraceback (most recent call last):\n"
        '  File "/Users/me/anaconda3/lib/python3.7/tempfile.py", line 45, in <module>\n'
        "    from random import Random as _Random\n"
        "ImportError: cannot import name 'Random' from 'random' "
        "(/Users/me/anaconda3/lib/python3.7/site-packages/torch/random.py)\n"
    )
    assert_reasoned(log, "env-leakage")


def test_a_package_module_of_the_same_name_is_not_the_stdlib_shadowed() -> None:
    log = (
        "ImportError: cannot import name 'fork_rng' from 'torch.random' "
        "(/Users/me/anaconda3/lib/python3.7/site-packages/torch/random.py)\n"
    )
    assert raw_decision(log).cause != "env-leakage"


@pytest.mark.parametrize(
    "line",
    [
        "      ninja: error: Stat(C:/Users/Admin/AppData/Local/Temp/pip-install-3v32sn_o/xformers/flash_api.obj): "
        "Filename longer than 260 character",
        "      ninja: error: Stat(C:/Users/Administrator/AppData/Local/Temp/pip-install-u0c21ykd/xformers_e7678a545"
        "60549dcb21bc7c3203f3b12/build/temp.win-amd64-cpython-310/Release/Users/Administrator/AppData/Local/Temp/"
        "pip-install-u0c21ykd/xformers_e7678a5456",
    ],
)
def test_windows_path_limit_in_ninjas_words(line: str) -> None:
    raw = raw_decision(line + "\n")
    assert raw.cause == "windows-long-paths" and raw.raw_confidence >= 0.8


def test_a_short_path_ninja_cannot_stat_is_no_path_limit() -> None:
    raw = raw_decision("ninja: error: Stat(C:/src/build/x.obj): The system cannot find the file specified\n")
    assert raw.cause != "windows-long-paths"


def test_python_version_is_reads_the_python() -> None:
    from envdoctor.explain.extract import extract
    from envdoctor.explain.scanner import Scanner

    scanner = Scanner()
    scanner.feed(b"ERROR: No matching distribution found for x==1.0, this python version is 3.12\n")
    facts = extract(scanner)
    assert facts.python is not None and facts.python.value == "3.12"


def test_another_packages_ignored_versions_leave_the_platform_to_the_tables() -> None:
    log = (
        "ERROR: Ignored the following versions that require a different python version: 1.21.2 Requires-Python "
        ">=3.7,<3.11; 1.21.3 Requires-Python >=3.7,<3.11\n"
        "ERROR: Could not find a version that satisfies the requirement tensorflow-io-gcs-filesystem==0.37.1 "
        "(from versions: none)\n"
        "ERROR: No matching distribution found for tensorflow-io-gcs-filesystem==0.37.1, this python version is 3.12\n"
    )
    assert raw_decision(log).cause == "platform-unsupported"


@pytest.mark.parametrize(
    "line",
    [
        "ImportError: DLL load failed while importing onnxruntime_pybind11_state: A dynamic link library (DLL) "
        "initialization routine failed.",
        "ImportError: DLL load failed while importing onnxruntime_pybind11_state: 动态链接库(DLL)初始化例程失败。",
    ],
)
def test_onnxruntimes_dll_init_failure_is_the_msvc_runtime(line: str) -> None:
    raw = raw_decision(line + "\n")
    assert raw.cause == "msvc-runtime-missing" and raw.key == "msvc/onnxruntime-dll-init"


def test_tensorflows_dll_init_failure_stays_the_cpu_reading() -> None:
    line = (
        "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: A dynamic link library (DLL) "
        "initialization routine failed.\n"
    )
    assert raw_decision(line).key != "msvc/onnxruntime-dll-init"


# ---- read after blind20 arrived (its misses) ----------------------------------------------------
def test_onnxruntime_genais_dll_init_failure_is_the_msvc_runtime() -> None:
    line = (
        "ImportError: DLL load failed while importing onnxruntime_genai: A dynamic link library (DLL) "
        "initialization routine failed.\n"
    )
    assert raw_decision(line).cause == "msvc-runtime-missing"


def test_a_windows_path_elided_or_cut_by_the_paste_is_the_path_limit() -> None:
    elided = (
        "FileNotFoundError: [Errno 2] No such file or directory: '...\\\\dream_textures\\\\.python_dependencies\\\\"
        "transformers\\\\models\\\\deprecated\\\\trajectory_transformer\\\\__pycache__\\\\"
        "convert_trajectory_transformer_original_pytorch_checkpoint_to_pytorch.cpython-310.pyc'\n"
    )
    assert raw_decision(elided).cause == "windows-long-paths"
    short = "FileNotFoundError: [Errno 2] No such file or directory: '...\\\\dream_textures\\\\x.pyc'\n"
    assert raw_decision(short).cause != "windows-long-paths"


def test_a_posix_path_pip_cannot_find_is_no_windows_path_limit() -> None:
    log = (
        "ERROR: Could not install packages due to an EnvironmentError: [Errno 2] No such file or directory: "
        "'/mnt/nvme1/anaconda3/envs/main-38/lib/python3.8/site-packages/pynvml-8.0.4.dist-info/RECORD'\n"
    )
    assert raw_decision(log).cause != "windows-long-paths"


def test_cython3s_size_check_is_the_numpy_abi() -> None:
    line = (
        "numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, "
        "got 88 from PyObject\n"
    )
    assert raw_decision(line).cause == "numpy-abi"


def test_the_old_harmless_size_warning_is_no_finding() -> None:
    line = "RuntimeWarning: numpy.dtype size changed, may indicate binary incompatibility. Expected 96, got 88\n"
    assert raw_decision(line).cause != "numpy-abi"


def test_condas_packages_not_found_list_is_read() -> None:
    from envdoctor.explain.conflicts import conda_not_found

    got = conda_not_found(["", "  - pytorch-cuda=12.1*", "  - cuda-nvcc=12.4.99*", "", "Current channels:"])
    assert (
        got is not None and got.kind == "missing" and got.requirements == ["pytorch-cuda=12.1*", "cuda-nvcc=12.4.99*"]
    )


def test_pixi_solving_a_cuda_environment_for_macos_is_the_platform() -> None:
    log = (
        "Error:   × failed to solve requirements of environment 'cuda' for platform 'osx-arm64'\n"
        "  ├─▶   × failed to solve the environment\n"
        "  ╰─▶ Cannot solve the request because of: No candidates were found for torch *.\n"
    )
    raw = raw_decision(log)
    assert raw.cause == "platform-unsupported" and raw.key == "gpu/cuda-packages-on-macos"
    linux = raw_decision(log.replace("osx-arm64", "linux-64"))
    assert linux.key != "gpu/cuda-packages-on-macos"


# ---- read after round 8c: blind17 (runtime side), arrived with round 7's engine -----------------
@pytest.mark.parametrize(
    ("line", "cause", "key"),
    [
        (
            "RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (8, 5, 0) but found runtime "
            "version (8, 3, 3). PyTorch already comes bundled with cuDNN.",
            "cuda-version-mismatch",
            "cuda-version/torch-cudnn",
        ),
        (
            '"RuntimeError: Detected that PyTorch and torchvision were compiled with different CUDA versions. '
            'PyTorch has CUDA Version=11.7 and torchvision has CUDA Version=11.8".',
            "dependency-version-mismatch",
            "deps/torchvision-cuda-differs",
        ),
        (
            "RuntimeError: jaxlib/cuda/versions_helpers.cc:81: operation cusparseGetProperty(MAJOR_VERSION, &major) "
            "failed: The cuSPARSE library was not found.",
            "cuda-libs-missing",
            "cuda-libs/jax-library-not-found",
        ),
        (
            " 1. Downgrade the protobuf package to 3.20.x or lower.",
            "protobuf-mismatch",
            "protobuf/regenerate-workarounds",
        ),
        ("AssertionError: SRE module mismatch", "env-leakage", "env-leak/sre-mismatch"),
        # read from blind19 (runtime side), after the end measure
        ("`dll load failed with errorcode 3221225501`", "cpu-instructions", "cpu/windows-illegal-instruction-status"),
        (
            "Process finished with exit code -1073741795 (0xC000001D)",
            "cpu-instructions",
            "cpu/windows-illegal-instruction-hex",
        ),
        (
            "I tensorflow/stream_executor/dso_loader.cc:105] Couldn't open CUDA library libcudnn.so. LD_LIBRARY_PATH: ",
            "cuda-libs-missing",
            "cuda-libs/tf1-could-not-open",
        ),
        (
            "RuntimeError: [enforce fail at common_cudnn.h:108] version_match || backwards_compatible_7 || "
            "patch_compatible. cuDNN compiled (7102) and runtime (7005) versions mismatch",
            "cuda-version-mismatch",
            "cuda-version/caffe2-cudnn",
        ),
    ],
)
def test_the_frameworks_own_words(line: str, cause: str, key: str) -> None:
    raw = raw_decision(line + "\n")
    assert raw.cause == cause and raw.key == key


def test_a_cudnn_found_as_built_is_no_mismatch() -> None:
    line = "torch.backends.cudnn.version() -> 8500 (compiled against 8.5.0)\n"
    assert raw_decision(line).cause != "cuda-version-mismatch"


# ---- read after round 8d: blind22 (install side) -----------------------------------------------
def test_a_refused_wheel_of_this_os_and_arch_is_its_python_tag() -> None:
    log = (
        "[me@box proj]$ pip install -r requirements.txt\n"
        "torch-0.1.11.post5-cp35-cp35m-linux_x86_64.whl is not a supported wheel on this platform.\n"
        "[me@box proj]$ uname -a\n"
        "Linux box 3.10.0-862.el7.x86_64 #1 SMP Tue Aug 14 21:49:04 UTC 2018 x86_64 x86_64 x86_64 GNU/Linux\n"
    )
    assert_reasoned(log, "python-unsupported")
    # the same wheel refused where the architecture is unknown: the tag alone does not say which
    unknown = raw_decision(log.replace("x86_64 x86_64 x86_64 GNU/Linux", "GNU/Linux").replace(".el7.x86_64", ""))
    assert not (unknown.cause == "python-unsupported" and unknown.raw_confidence >= 0.8)


def test_a_newer_manylinux_wheel_refused_may_be_the_glibc() -> None:
    log = (
        "torch-2.7.0-cp311-cp311-manylinux_2_28_x86_64.whl is not a supported wheel on this platform.\n"
        "Linux box 3.10.0 x86_64 x86_64 x86_64 GNU/Linux\n"
    )
    assert not any(
        v.rule == "wheels/refused-wheel-tag" and v.cause == "python-unsupported" for v in raw_decision(log).verdicts
    )


def test_poetrys_no_installation_candidates_is_a_failed_request() -> None:
    log = (
        "  • Updating tensorflow-io-gcs-filesystem (0.31.0 -> 0.32.0): Failed\n\n  RuntimeError\n\n"
        "  Unable to find installation candidates for tensorflow-io-gcs-filesystem (0.32.0)\n\n"
        "  at C:\\Python311\\Lib\\site-packages\\poetry\\installation\\chooser.py:73 in choose_for\n"
    )
    raw = raw_decision(log)
    assert raw.cause == "platform-unsupported" and raw.raw_confidence >= 0.8


def test_pythonpath_echoed_inside_an_activated_env_is_the_leak() -> None:
    log = (
        "me@host:~$ echo $PYTHONPATH\n/opt/ros/melodic/lib/python2.7/dist-packages\n"
        "me@host:~$ conda activate robostackenv\n"
        "(robostackenv) me@host:~$ echo $PYTHONPATH\n/opt/ros/melodic/lib/python2.7/dist-packages\n"
    )
    assert_reasoned(log, "env-leakage")
    assert_not_concluded(log.rsplit("\n", 2)[0] + "\n\n", "env-leakage")  # PYTHONPATH empty after the activation


def test_an_interpreter_path_that_is_gone_is_the_wrong_interpreter() -> None:
    log = (
        " raise child_exception_type(errno_num, err_msg, err_filename)\n"
        "FileNotFoundError: [Errno 2] No such file or directory: '/usr/local/opt/python3/bin/python3.6': "
        "'/usr/local/opt/python3/bin/python3.6'\n"
    )
    raw = raw_decision(log)
    assert raw.cause == "wrong-interpreter" and raw.key == "wrong-interp/interpreter-gone"
    data = log.replace("bin/python3.6", "share/data.csv")
    assert raw_decision(data).cause != "wrong-interpreter"


# ---- read after the end measure: blind19 (runtime side) ----------------------------------------
def test_another_windows_status_is_no_cpu_reading() -> None:
    assert raw_decision("Process finished with exit code -1073741819 (0xC0000005)\n").cause != "cpu-instructions"


def test_a_universal2_wheel_serves_apple_silicon() -> None:
    hint = (
        "  hint: You're on macOS (`macosx_14_0_arm64`), but `pkg` (v1.0) only has wheels for the following "
        "platforms: `macosx_10_9_universal2`, `win_amd64`\n"
    )
    assert not any(v.rule == "wheels/uv-hint-no-build-for-this-machine" for v in raw_decision(hint).verdicts)
