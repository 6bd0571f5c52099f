"""Round 10 (issue 11): reasoning steps read from blind26's misses, on minimal logs in the tools'
wording, each with a near miss (the same facts short of the step); and TensorFlow's companion
packages in the knowledge base's wheel tables.

`assert_reasoned` checks the rules' raw conclusion and what calibration ships for it
(tests/explain/expect.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from envdoctor.explain import explain_text
from envdoctor.knowledge import KnowledgeBase
from tests.actions.fakes import make_venv
from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

NO_WHEEL = (
    "ERROR: Could not find a version that satisfies the requirement {req} (from versions: none)\n"
    "ERROR: No matching distribution found for {req}\n"
)


# ---- the knowledge base's companions (platform-text-225) ------------------------------------------
def test_the_knowledge_base_lists_tensorflow_companions_with_their_narrower_platforms() -> None:
    kb = KnowledgeBase.load()
    assert kb is not None
    for name in ("tensorflow-text", "tensorflow-addons", "tensorflow-io", "tensorflow-decision-forests"):
        assert kb.releases(name), name
    text_2_1 = kb.release("tensorflow-text", "2.1.1")
    assert text_2_1 is not None and "3.6" in text_2_1.pythons("linux-x86_64")
    assert not text_2_1.pythons("windows-x86_64")  # the 2.1 era had no Windows wheel
    forests = kb.releases("tensorflow-decision-forests")
    assert not any(r.pythons("windows-x86_64") for r in forests)  # never built for Windows


def test_a_companion_with_no_windows_wheel_of_its_era_is_the_platform() -> None:
    text = (
        "(env) C:\\Users\\me\\proj>python -m pip install tensorflow-text==2.1.1\n"
        + NO_WHEEL.format(req="tensorflow-text==2.1.1")
        + "tensorflow 2.1.0\nPython 3.6.7\n"
    )
    assert_reasoned(text, "platform-unsupported")
    # the same request on Linux x86_64, where 2.1.1 has Python 3.6 wheels: not the platform
    linux = text.replace("(env) C:\\Users\\me\\proj>", "$ uname -sm\nLinux x86_64\n(env) me@box:/home/me/proj$ ")
    assert_not_concluded(linux, "platform-unsupported")


def test_python_3_6_alone_is_not_why_a_companion_of_its_era_has_no_wheel() -> None:
    # TensorFlow 2.1 runs on this Python 3.6: the frameworks' age rule does not blame the Python
    text = "C:\\Users\\me>pip install tensorflow-text\n" + NO_WHEEL.format(req="tensorflow-text")
    text += "tensorflow 2.1.0\nPython 3.6.7\n"
    got = raw_decision(text)
    assert not (got.cause == "python-unsupported" and got.raw_confidence >= 0.8), (got.cause, got.key)


# ---- the user's words, tools' messages ------------------------------------------------------------
def test_glibc_not_found_in_the_users_words() -> None:
    assert_reasoned("GLIBC 2.17 not found\n\nI am quite new to conda-forge.\n", "glibc-too-old")
    assert_not_concluded("GLIBC 2.17 found, so the system is new enough\n", "glibc-too-old")


def test_windows_error_206_is_the_path_limit() -> None:
    text = (
        "(base) c:\\>conda install -c conda-forge nodejs\nDownloading and Extracting Packages\n"
        "FileNotFoundError(2, 'The filename or extension is too long')\n"
    )
    assert_reasoned(text, "windows-long-paths")
    # WinError 123 is a bad character in a path, not its length
    near = text.replace(
        "The filename or extension is too long", "The filename, directory name, or volume label syntax is incorrect"
    )
    assert_not_concluded(near, "windows-long-paths")


def test_uvs_network_timeout() -> None:
    text = (
        "  × Failed to download `nvidia-cudnn-cu12==9.10.2.21`\n"
        "  ├─▶ Failed to extract archive: nvidia_cudnn_cu12-9.10.2.21-py3-none-manylinux_2_27_x86_64.whl\n"
        "  ╰─▶ Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT "
        "(current value: 30s).\n"
    )
    assert_reasoned(text, "network-or-index")
    near = text.replace(
        "Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT (current value: 30s).",
        "failed to create directory `/opt/venv/lib`: Permission denied (os error 13)",
    )
    assert_not_concluded(near, "network-or-index")


def test_an_install_behind_a_proxy_in_the_users_words() -> None:
    text = "pip install fails behind our corporate proxy.\nI added the custom certificate to certifi already.\n"
    assert_reasoned(text, "network-or-index")
    assert_not_concluded(
        text.replace("fails behind our corporate proxy", "fails; I am not behind a proxy"), "network-or-index"
    )


def test_typing_extensions_names_listed_together() -> None:
    text = "ImportError: cannot import name 'deprecated' / 'Doc' from 'typing_extensions'\n"
    assert_reasoned(text, "dependency-version-mismatch")
    assert_not_concluded(
        "ImportError: cannot import name 'deprecated' / 'Doc' from 'mytools'\n", "dependency-version-mismatch"
    )


def test_tensorflows_internal_keras_missing_an_attribute_is_a_keras_candidate() -> None:
    got = raw_decision("AttributeError: module 'tensorflow.python.keras.backend' has no attribute 'get_graph'\n")
    assert got.cause == "keras-version-mismatch"
    other = raw_decision("AttributeError: module 'tensorflow.python.framework.ops' has no attribute 'get_graph'\n")
    assert other.cause != "keras-version-mismatch"


# ---- round 10b: blind28's misses ----------------------------------------------------------------
FLAT_CONFLICT = (
    "conda env create -f environment.yaml\nSolving environment: failed\n\n"
    "UnsatisfiableError: The following specifications were found to be in conflict:\n"
    "  - pytorch=1.8.0\n{chains}"
    'Use "conda info <package>" to see the dependencies for each package.\n'
)


def test_a_flat_conflict_list_with_cuda_among_other_ends_is_the_specs_clash() -> None:
    chains = (
        "  - torchvision=0.9.1 -> cudatoolkit[version='10.2|10.2.*'] -> __cuda[version='>=10.2']\n"
        "  - torchvision=0.9.1 -> cudnn[version='>=7.6.5.32,<8.0a0']\n"
        "  - torchvision=0.9.1 -> pytorch-gpu -> nccl\n"
    )
    assert_reasoned(FLAT_CONFLICT.format(chains=chains), "solver-conflict")
    only_cuda = "  - torchvision=0.9.1 -> cudatoolkit[version='11.3'] -> __cuda[version='>=11.3']\n"
    got = raw_decision(FLAT_CONFLICT.format(chains=only_cuda))
    assert got.cause != "solver-conflict" or got.raw_confidence < 0.8, (got.cause, got.key)


def test_a_conda_request_for_tensorflow_gpu_is_not_the_pypi_removal() -> None:
    conda = (
        "(base) C:\\Users\\me>conda install -c anaconda tensorflow-gpu\nSolving environment: failed\n\n"
        "UnsatisfiableError: The following specifications were found to be in conflict:\n"
        "  - anaconda-project\n  - tensorflow-gpu\n"
        'Use "conda info <package>" to see the dependencies for each package.\n'
    )
    assert_not_concluded(conda, "package-removed")
    pip = "C:\\Users\\me>pip install tensorflow-gpu\nerror: metadata-generation-failed\n"
    assert raw_decision(pip).cause == "package-removed"


def test_a_pin_on_the_removals_release_candidate_is_the_removal() -> None:
    text = (
        "PyPI lists tensorflow==2.12.0rc0 but not the GPU package.\n\n```\npip install tensorflow-gpu==2.12.0rc0\n```\n"
    )
    assert_reasoned(text, "package-removed")
    # a release candidate of a release that still exists
    assert_not_concluded(text.replace("2.12.0rc0", "2.10.0rc0"), "package-removed")


def test_a_manylinux2014_wheel_refused_on_centos_6_is_the_glibc() -> None:
    text = (
        "- OS Platform and Distribution: CentOS 6.8\n- Python version: 3.6.2\n"
        "$ pip install onnxruntime-1.7.0-cp36-cp36m-manylinux2014_x86_64.whl\n"
        "ERROR: onnxruntime-1.7.0-cp36-cp36m-manylinux2014_x86_64.whl is not a supported wheel on this platform.\n"
    )
    assert_reasoned(text, "glibc-too-old")
    # CentOS 7 has glibc 2.17, what manylinux2014 needs: not the glibc
    assert_not_concluded(text.replace("CentOS 6.8", "CentOS 7.9"), "glibc-too-old")


def test_the_oldest_distribution_named_is_the_glibc_the_log_has() -> None:
    text = "Works on Ubuntu 24.04. On Ubuntu 20.04 it fails: the binary needs GLIBC 2.34.\n"
    got = raw_decision(text)
    assert got.logfacts.distro_glibc is not None and got.logfacts.distro_glibc.value == "2.31"


def test_torch_1_3s_no_such_operator() -> None:
    assert_reasoned("RuntimeError: No such operator torchvision::nms\n", "dependency-version-mismatch")
    assert_not_concluded("RuntimeError: No such operator mylib::nms\n", "dependency-version-mismatch")


def test_a_file_deep_in_a_windows_build_tree_could_not_be_created() -> None:
    deep = (
        "error: could not create 'build\\bdist.win-amd64\\wheel\\.\\idaes\\core\\surrogate\\tests\\data\\onnx_models"
        "\\net_st_net_5000_STM_100_s_2000000_60_5_tanh_1e-06_4096_tr_15481_Calc': No such file or directory\n"
    )
    assert_reasoned(deep, "windows-long-paths")
    assert_not_concluded("error: could not create 'build\\lib\\pkg': Access is denied\n", "windows-long-paths")


def test_a_socks_proxy_without_pysocks() -> None:
    text = "ERROR: Could not install packages due to an OSError: Missing dependencies for SOCKS support.\n"
    assert_reasoned(text, "network-or-index")
    assert_not_concluded(
        "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied\n", "network-or-index"
    )


def test_pip_freezes_output_is_what_is_installed_and_a_0_0_x_release_is_no_other_interpreter() -> None:
    frozen = "❯ pip freeze | grep pytorch3d\npytorch3d==0.0.1\n"
    got = raw_decision(frozen)
    assert got.logfacts.installed["pytorch3d"].version == "0.0.1"
    # a requirements file's pins are asked for, not installed
    assert "pytorch3d" not in raw_decision("$ cat requirements.txt\npytorch3d==0.0.1\n").logfacts.installed
    failing = (
        "1. `pip install pytorch3d`\n[ins] In [2]: import pytorch3d\n"
        "ModuleNotFoundError: No module named 'pytorch3d'\n" + frozen
    )
    assert_not_concluded(failing, "wrong-interpreter")
    assert raw_decision(failing.replace("0.0.1", "0.7.2")).cause == "wrong-interpreter"


def test_python_with_a_colon_before_its_version() -> None:
    text = "Python:  3.7.7 (default, May  6 2020, 11:45:54) [MSC v.1916 64 bit (AMD64)]\nTF Version:  2.2.0\n"
    got = raw_decision(text)
    assert got.logfacts.python is not None and got.logfacts.python.value == "3.7.7"
    assert raw_decision("pythonic: 3.7.7\n").logfacts.python is None


# ---- round 10c: blind31's misses ----------------------------------------------------------------
CUBLAS_12 = "RuntimeError: Library cublas64_12.dll is not found or cannot be loaded\n"


def test_a_cuda_12_dll_missing_beside_a_cuda_11_build_is_the_version() -> None:
    text = "在conda环境中，pytorch2.2.1+cu118，调用faster whisper时\n" + CUBLAS_12
    assert_reasoned(text, "cuda-version-mismatch")
    # torch built for CUDA 12.1 brings cuBLAS 12: no other major to blame
    assert_not_concluded(text.replace("+cu118", "+cu121"), "cuda-version-mismatch")


def test_a_cuda_dll_missing_with_no_cuda_shown_is_two_candidates() -> None:
    got = raw_decision(CUBLAS_12)
    assert got.raw_confidence < 0.8
    assert {"cuda-libs-missing", "cuda-version-mismatch"} <= {cause for cause, _w in got.ranked}


def test_conda_layouts_are_envs_wherever_they_live() -> None:
    from envdoctor.explain.paths import classify_prefix

    assert classify_prefix("/opt/conda/envs/tf") == "conda-env"
    assert classify_prefix("/opt/conda") == "conda-base"
    assert classify_prefix("/home/me/.local/lib/conda/envs/foo") == "conda-env"
    assert classify_prefix("/home/me/.local/share/virtualenvs/proj-AbC12") == "venv"
    assert classify_prefix("/home/me/.local") == "user"
    assert classify_prefix("/home/me/conda-notes") == "system"


def test_the_user_site_on_a_conda_envs_sys_path_is_the_leak() -> None:
    text = (
        "$ conda create -n foo python=3.6\n$ source activate foo\n$ python\n>>> import sys\n>>> sys.path\n"
        "['', '/home/me/.local/lib/conda/envs/foo/lib/python3.6',\n"
        " '/home/me/.local/lib/python3.6/site-packages',\n"
        " '/home/me/.local/lib/conda/envs/foo/lib/python3.6/site-packages']\n"
    )
    got = raw_decision(text)
    assert got.cause == "env-leakage", (got.cause, got.ranked)


def test_tensorboards_own_probe_for_tensorflow_is_no_dependency_fault() -> None:
    probe = (
        "ImportError: cannot import name 'notf' from 'tensorboard.compat' (C:\\site-packages\\tensorboard\\compat)\n"
    )
    assert_not_concluded(probe, "dependency-version-mismatch")
    other = "ImportError: cannot import name 'hparams' from 'tensorboard.plugins' (C:\\site-packages\\tensorboard)\n"
    assert raw_decision(other).cause == "dependency-version-mismatch"


def test_a_keras_submodule_missing_its_closing_quote() -> None:
    text = "ModuleNotFoundError: No module named 'tensorflow.keras.layers.experimental\n"
    assert_reasoned(text, "keras-version-mismatch")
    assert_not_concluded(
        "ModuleNotFoundError: No module named 'tensorflow_layers_experimental\n", "keras-version-mismatch"
    )


# ---- round 10d: blind29's misses ----------------------------------------------------------------
def test_paddles_own_checks() -> None:
    cudnn = (
        "WARNING: device: 0. The installed Paddle is compiled with CUDNN 7.6, but CUDNN version in your machine "
        "is 7.5, which may cause serious incompatible bug.\n"
    )
    assert_reasoned(cudnn, "cuda-version-mismatch")
    assert_not_concluded("The installed Paddle is compiled with CUDNN 7.6.\n", "cuda-version-mismatch")
    cpu = "E0714 pybind.cc:1277] Cannot use GPU because you have installed CPU version PaddlePaddle.\n"
    assert_reasoned(cpu, "no-gpu-visible")
    assert_not_concluded("You have installed the GPU version of PaddlePaddle.\n", "no-gpu-visible")


def test_cupy_failing_to_load_a_cuda_library() -> None:
    text = (
        "RuntimeError: CuPy failed to load nvrtc64_120_0.dll: FileNotFoundError: Could not find module "
        "'nvrtc64_120_0.dll' (or one of its dependencies).\n"
    )
    assert_reasoned(text, "cuda-libs-missing")
    assert_not_concluded("RuntimeError: CuPy failed to load the kernel cache: disk full\n", "cuda-libs-missing")


def test_ptx_newer_than_the_driver() -> None:
    text = (
        "CUDA_ERROR_UNSUPPORTED_PTX_VERSION ptxas application ptx input, line 9; fatal : Unsupported .version 8.5; "
        "current version is '8.4'\n"
    )
    assert_reasoned(text, "driver-too-old")
    assert_not_concluded("ptxas fatal : Unresolved extern function 'foo'\n", "driver-too-old")


def test_windows_module_not_found_in_the_users_language() -> None:
    zh = "ImportError: DLL load failed while importing core_avx: 找不到指定的模块。\n"
    got = raw_decision(zh)
    assert got.cause == "msvc-runtime-missing", (got.cause, got.ranked)
    assert raw_decision("ImportError: DLL load failed while importing core_avx: 拒绝访问。\n").cause != (
        "msvc-runtime-missing"
    )


def test_the_index_certificate_expired_and_the_user_site_loaded_in_the_users_words() -> None:
    assert_reasoned("Security certificate expired on https://download.pytorch.org/whl/\n", "network-or-index")
    assert_not_concluded("My trial licence expired yesterday.\n", "network-or-index")
    leak = "Python from plugin environment loading shapely from pip-managed user environment\n"
    assert_reasoned(leak, "env-leakage")
    assert_not_concluded("Python from plugin environment loading shapely from the plugin environment\n", "env-leakage")


def test_the_tensorflow_templates_cuda_is_the_toolkit_shown() -> None:
    got = raw_decision("- CUDA/cuDNN version: 10.2.89\n- GPU model and memory: GTX 1650\n")
    assert got.logfacts.gpu.toolkit is not None and got.logfacts.gpu.toolkit.value == "10.2"


def test_what_is_installed_with_conda_is_no_remedy() -> None:
    said = (
        "A perpetual issue is that people will have numpy installed in ~/.local that will override what's "
        "installed with conda.\n"
    )
    assert not [c for c, _l in raw_decision(said).logfacts.resolutions if c == "mixed-pip-conda"]
    fixed = "Solved: I reinstalled it with conda and it works now.\n"
    assert [c for c, _l in raw_decision(fixed).logfacts.resolutions] == ["mixed-pip-conda"]


# ---- a pip launcher whose interpreter has no pip: the fix is run, verbatim, in a venv without pip ----
def test_a_pip_launcher_without_pip_is_given_ensurepip_first(tmp_path: Path) -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/usr/local/bin/pip3", line 5, in <module>\n'
        "    from pip._internal.cli.main import main\n"
        "ModuleNotFoundError: No module named 'pip'\n"
    )
    got = assert_reasoned(log, "wrong-interpreter")
    first = got.fixes[0].split(", then ")[0]
    assert first == "python -m ensurepip --upgrade"
    python = make_venv(tmp_path / "venv")  # uv venv: no pip, as users meet it
    assert subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0
    bindir = str(python.parent)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], PIP_NO_INDEX="1")
    subprocess.run(first, shell=True, check=True, env=env, capture_output=True)
    assert subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0
    cannot = log.replace("ModuleNotFoundError: No module named 'pip'", "ImportError: cannot import name 'main'")
    other = explain_text(cannot)
    assert other.cause == "wrong-interpreter" and not other.fixes[0].startswith("python -m ensurepip")
