"""Round 15 (issue 11): reasoning steps from the package index's own facts and the tools' wording,
each with a near miss. `assert_reasoned` checks the rules' raw conclusion and what calibration
ships for it (tests/explain/expect.py)."""

from __future__ import annotations

from envdoctor.explain import explain_text
from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

# onnxruntime's Linux wheels moved from manylinux2014 (glibc 2.17) to manylinux_2_27 with 1.17.0
ORT_OLD = "1.12.0, 1.12.1, 1.13.1, 1.14.0, 1.14.1, 1.15.0, 1.15.1, 1.16.0, 1.16.1, 1.16.2, 1.16.3"


def test_a_list_that_stops_where_the_wheels_manylinux_level_rose_is_the_glibc() -> None:
    log = (
        "ERROR: Could not find a version that satisfies the requirement onnxruntime==1.18.0 "
        f"(from versions: {ORT_OLD})\n"
        "ERROR: No matching distribution found for onnxruntime==1.18.0\n"
    )
    got = assert_reasoned(log, "glibc-too-old")
    assert any("glibc" in reason for reason in got.reasons) or got.cause == "unknown"
    # the Python named too: still the glibc (1.18.0 has cp310 wheels, for glibc 2.27 only)
    with_python = "Using pip 24.0 from /opt/venv/lib/python3.10/site-packages/pip (python 3.10)\n" + log
    assert raw_decision(with_python).cause == "glibc-too-old"


def test_a_list_that_goes_on_past_the_manylinux_move_is_not_the_glibc() -> None:
    # pip listed 1.17.0 (a manylinux_2_27 wheel): this machine loads those, its glibc is not why
    log = (
        "ERROR: Could not find a version that satisfies the requirement onnxruntime==1.99.0 "
        f"(from versions: {ORT_OLD}, 1.17.0, 1.17.1)\n"
        "ERROR: No matching distribution found for onnxruntime==1.99.0\n"
    )
    assert_not_concluded(log, "glibc-too-old")
    # a glibc the log shows new enough (Ubuntu 22.04's 2.35) leaves no old-glibc machine to weigh
    newer = "ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35\n" + log.replace(", 1.17.0, 1.17.1", "")
    assert_not_concluded(newer, "glibc-too-old")


def test_cudnns_zlib_dll_missing_is_a_missing_cuda_library() -> None:
    assert_reasoned(
        "Could not locate zlibwapi.dll. Please make sure it is in your library path!\n", "cuda-libs-missing"
    )
    assert_not_concluded("Copied zlibwapi.dll into C:\\tools\\cuda\\bin, all good\n", "cuda-libs-missing")


def test_keras_asking_tensorflow_for_dtensor_is_a_keras_newer_than_tensorflow() -> None:
    log = (
        "ImportError: cannot import name 'dtensor' from 'tensorflow.compat.v2.experimental' "
        "(/opt/conda/lib/python3.9/site-packages/tensorflow/_api/v2/compat/v2/experimental/__init__.py)\n"
    )
    assert_reasoned(log, "keras-version-mismatch")
    assert_not_concluded("ImportError: cannot import name 'dtensor' from 'mylib.parallel'\n", "keras-version-mismatch")


def test_onnx_failing_to_initialise_on_windows_is_the_vc_runtime() -> None:
    english = (
        "ImportError: DLL load failed while importing onnx_cpp2py_export: A dynamic link library (DLL) "
        "initialization routine failed.\n"
    )
    assert_reasoned(english, "msvc-runtime-missing")
    chinese = "ImportError: DLL load failed while importing onnx_cpp2py_export: 动态链接库(DLL)初始化例程失败。\n"
    assert raw_decision(chinese).cause == "msvc-runtime-missing"
    # another DLL message of onnx's is not this one
    other = "ImportError: DLL load failed while importing onnx_cpp2py_export: Access is denied.\n"
    assert_not_concluded(other, "msvc-runtime-missing")


def test_jax_without_a_cuda_platform_sees_no_gpu() -> None:
    log = (
        "RuntimeError: Backend 'gpu' failed to initialize: NOT_FOUND: Could not find registered platform with "
        'name: "cuda". Available platform names are: Host Interpreter\n'
    )
    assert_reasoned(log, "no-gpu-visible")
    # the same words about an unknown platform name of the user's own are not JAX's CUDA platform
    assert_not_concluded('Could not find registered platform with name: "rocm" in my plugin list\n', "no-gpu-visible")


LINUX_CUDA_TORCH_NO_GPU = (
    "$ pip install torch==1.3.0 torchvision==0.4.1 -f https://download.pytorch.org/whl/torch_stable.html\n"
    "$ python3\n"
    "Python 3.7.5 (default, Oct 25 2019, 15:51:11)\n"
    "[GCC 7.3.0] :: Anaconda, Inc. on linux\n"
    ">>> import torch\n"
    ">>> torch.cuda.is_available()\n"
    "False\n"
)


def test_a_cuda_build_that_sees_no_gpu_is_the_driver_missing_or_too_old() -> None:
    got = explain_text(LINUX_CUDA_TORCH_NO_GPU)
    assert got.cause == "unknown", got.cause
    assert [c.cause for c in got.candidates][:2] == ["no-gpu-visible", "driver-too-old"]
    assert any("nvidia-smi" in c.tell_apart for c in got.candidates), [c.tell_apart for c in got.candidates]


def test_a_cpu_build_or_a_driver_shown_is_not_that_question() -> None:
    # Windows: torch_stable.html's plain torch is the CPU build: that is why, no driver question
    windows = (
        "> python -m pip install torch===1.7.1 -f https://download.pytorch.org/whl/torch_stable.html\n"
        "  Downloading torch-1.7.1-cp38-cp38-win_amd64.whl (184.0 MB)\n"
        "Successfully installed torch-1.7.1\n"
        "Python 3.8.7 (tags/v3.8.7:6503f05, Dec 21 2020, 17:59:51) [MSC v.1928 64 bit (AMD64)] on win32\n"
        ">>> import torch\n"
        ">>> torch.cuda.is_available()\n"
        "False\n"
    )
    assert raw_decision(windows).cause == "no-gpu-visible"
    # an explicit CPU build on Linux: the same
    cpu = LINUX_CUDA_TORCH_NO_GPU.replace("torch==1.3.0", "torch==1.3.0+cpu")
    assert raw_decision(cpu).cause == "no-gpu-visible"
    assert "driver-too-old" not in raw_decision(cpu).scores


def test_a_container_started_without_a_gpu_flag_sees_no_gpu() -> None:
    log = (
        "after connecting to the container with `docker run -it anibali/pytorch:1.4.0-cuda10.1 sh`\n"
        "both nvcc and nvidia-smi not found.\n"
        "Output from my vm's nvidia-smi:\n"
        "| NVIDIA-SMI 435.21       Driver Version: 435.21       CUDA Version: 10.1     |\n"
    )
    got = assert_reasoned(log, "no-gpu-visible")
    assert any("--gpus all" in fix for fix in got.fixes), got.fixes
    # started with the GPU: the container sees it, this is no reason
    with_gpu = log.replace("docker run -it", "docker run --gpus all -it")
    assert not any(v.rule == "gpu/container-started-without-the-gpu" for v in raw_decision(with_gpu).verdicts)


def test_a_cuda_image_tag_is_the_toolkit_a_library_major_is_compared_with() -> None:
    log = (
        "Runtime error: Library libcublas.so.11 is not found or cannot be loaded\n"
        "I have installed via docker with the image nvidia/cuda:10.1-cudnn7-devel-ubuntu18.04\n"
    )
    assert_reasoned(log, "cuda-version-mismatch")
    same_major = log.replace("nvidia/cuda:10.1", "nvidia/cuda:11.8.0")
    assert_not_concluded(same_major, "cuda-version-mismatch")


def test_another_pythons_standard_library_in_one_traceback_leaves_two_candidates() -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/opt/ros/kinetic/share/xacro/xacro.py", line 55, in <module>\n'
        "    import xacro\n"
        '  File "/opt/ros/kinetic/lib/python2.7/dist-packages/xacro/__init__.py", line 35, in <module>\n'
        "    import glob\n"
        '  File "/home/u/anaconda3/lib/python3.5/glob.py", line 4, in <module>\n'
        "    import re\n"
        "ImportError: No module named 're'\n"
    )
    got = explain_text(log)
    assert got.cause == "unknown"
    assert {c.cause for c in got.candidates[:2]} == {"env-leakage", "wrong-interpreter"}
    # another installation's package (not its standard library) is leakage, as before
    leak = log.replace("/home/u/anaconda3/lib/python3.5/glob.py", "/home/u/.local/lib/python2.7/site-packages/glob2.py")
    assert raw_decision(leak).cause == "env-leakage"


# ---- round 16a (blind41 read) ---------------------------------------------------------------------


def test_the_cuda_the_user_says_the_machine_has_is_compared_with_the_library_asked_for() -> None:
    other_major = (
        "OS: Arch Linux x86_64, CUDA v12.1, all other system packages at latest versions.\n"
        "RuntimeError: Library libcublas.so.11 is not found or cannot be loaded\n"
    )
    assert_reasoned(other_major, "cuda-version-mismatch")
    chinese = "RuntimeError: Library libcublas.so.12 is not found or cannot be loaded\n安装的版本是cuda11.8\n"
    assert raw_decision(chinese).cause == "cuda-version-mismatch"
    # the same major on Windows (CTranslate2's DLL): the library is not on the path
    same_major = (
        "I'm currently running cuda 12.8\nRuntimeError: Library cublas64_12.dll is not found or cannot be loaded\n"
    )
    assert raw_decision(same_major).cause == "cuda-libs-missing"
    # a CUDA said of a build, a requirement or a package name is not the machine's
    for line in ("faster-whisper needs CUDA 12.1", "conda install -c dglteam dgl-cuda12.1"):
        assert_not_concluded(line + "\nRuntimeError: Library libcublas.so.11 is not found\n", "cuda-version-mismatch")


def test_a_library_path_alone_on_a_line_is_that_library_present() -> None:
    log = (
        "ImportError: libcudart.so.11.0: cannot open shared object file: No such file or directory\n"
        "even tho libcudart.so is clearly in the conda site packages\n"
        "/home/u/miniconda3/envs/x/lib/python3.10/site-packages/nvidia/cuda_runtime/lib/libcudart.so.12\n"
    )
    assert_reasoned(log, "cuda-version-mismatch")
    # the same path inside a sentence is no listing
    sentence = log.replace("\n/home", "\nI looked for /home").replace("libcudart.so.12\n", "libcudart.so.12 too\n")
    assert_not_concluded(sentence, "cuda-version-mismatch")


def test_a_machine_whose_gpu_is_not_nvidias_has_no_gpu_for_cuda() -> None:
    log = (
        "Error CUDA driver version is insufficient for CUDA runtime version at line 167 in file ops.cu\n"
        "I'm using a integrated Intel GPU(iris xe graphics). os is win 11, torch==2.0.0+cu118\n"
    )
    got = assert_reasoned(log, "no-gpu-visible")
    assert got.cause in ("no-gpu-visible", "unknown")
    # an NVIDIA GPU named as well (a laptop with both): the driver message stands
    both = log + "My laptop also has a GeForce RTX 3050\n"
    assert raw_decision(both).cause == "driver-too-old"


def test_a_name_tensorflow_2_0_lacks_is_a_tensorflow_older_than_its_caller_needs() -> None:
    log = "AttributeError: module 'tensorflow_core.keras.activations' has no attribute 'swish'\n"
    assert_reasoned(log, "dependency-version-mismatch")
    assert_not_concluded(
        "AttributeError: module 'tensorflow.keras' has no attribute 'swish2'\n", "dependency-version-mismatch"
    )


def test_windows_runtime_messages_name_the_vc_runtime() -> None:
    ucrt = "The program can't start because api-ms-win-crt-runtime-l1-1-0.dll is missing from your computer.\n"
    assert_reasoned(ucrt, "msvc-runtime-missing")
    sxs = (
        "C:\\Python27\\python.exe: DLL load failed: The application has failed to start because its side-by-side "
        "configuration is incorrect.\n"
    )
    assert_reasoned(sxs, "msvc-runtime-missing")
    assert_not_concluded(
        "Loaded api-ms-win-crt-runtime-l1-1-0.dll from C:\\Windows\\System32\n", "msvc-runtime-missing"
    )


def test_a_conda_cuda_runtime_newer_than_a_pre_11_driver_is_the_driver() -> None:
    log = (
        "conda install pytorch torchvision cudatoolkit=10.2 -c pytorch\n"
        "| NVIDIA-SMI 418.67       Driver Version: 418.67       CUDA Version: 10.1     |\n"
        "GPU available: False\n"
    )
    got = assert_reasoned(log, "driver-too-old")
    assert any("cudatoolkit=10.1" in fix for fix in got.fixes) or got.cause == "unknown", got.fixes
    # from CUDA 11 on, one driver serves its whole major: 11.8 on an 11.4 driver is no driver fault
    eleven = log.replace("cudatoolkit=10.2", "cudatoolkit=11.8").replace("CUDA Version: 10.1", "CUDA Version: 11.4")
    assert_not_concluded(eleven, "driver-too-old")


PB2_CUT = (
    "Traceback (most recent call last):\n"
    '  File "/opt/conda/lib/python3.7/site-packages/paddle/fluid/framework.py", line 35, in <module>\n'
    "    from .proto import framework_pb2\n"
    '  File "/opt/conda/lib/python3.7/site-packages/paddle/fluid/proto/framework_pb2.py", line 36, in <module>\n'
    "    type=None),\n"
)


def test_a_traceback_cut_inside_generated_protobuf_code_is_the_protobuf_runtime() -> None:
    assert_reasoned(PB2_CUT, "protobuf-mismatch")
    # the exception shown after the frame decides instead
    shown = PB2_CUT + "ModuleNotFoundError: No module named 'paddle.fluid.proto.data_feed_pb2'\n"
    assert not any(v.rule == "packages/traceback-cut-in-generated-protobuf-code" for v in raw_decision(shown).verdicts)


def test_python3_and_pip3_of_two_pythons_is_the_wrong_interpreter() -> None:
    log = (
        "Mac:~ runner$ python3 --version\n"
        "Python 3.8.6\n"
        "Mac:~ runner$ pip3 --version\n"
        "pip 20.2.3 from /usr/local/lib/python3.9/site-packages/pip (python 3.9)\n"
    )
    assert_reasoned(log, "wrong-interpreter")
    same = log.replace("(python 3.9)", "(python 3.8)").replace("python3.9", "python3.8")
    assert_not_concluded(same, "wrong-interpreter")


def test_poetry_skipping_a_wheel_of_a_newer_manylinux_on_an_older_distribution_is_the_glibc() -> None:
    log = (
        "`poetry install ...` results in this on Debian 11 Bullseye:\n"
        "Skipping wheel cadquery_ocp-7.7.2-cp310-cp310-manylinux_2_35_x86_64.whl as this is not supported by the "
        "current environment\n"
    )
    assert_reasoned(log, "glibc-too-old")
    # a distribution new enough for the wheel: the glibc is not why
    assert_not_concluded(log.replace("Debian 11 Bullseye", "Debian 12 Bookworm"), "glibc-too-old")


def test_the_container_runtime_refusing_an_images_cuda_is_the_driver() -> None:
    v1 = "nvidia-docker | 2017/10/13 08:33:01 Error: unsupported CUDA version: driver 8.0 < image 9.0.176\n"
    assert_reasoned(v1, "driver-too-old")
    cli = (
        "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=11.6, please update your driver to a "
        "newer version, or use an earlier cuda container: unknown\n"
    )
    assert_reasoned(cli, "driver-too-old")
    assert_not_concluded("docker: Error response from daemon: unknown runtime specified nvidia.\n", "driver-too-old")


def test_pil_is_pillow_now() -> None:
    log = (
        "ERROR: Could not find a version that satisfies the requirement PIL (from versions: none)\n"
        "ERROR: No matching distribution found for PIL\n"
    )
    assert_reasoned(log, "package-removed")
    assert_reasoned(log.replace("PIL", "PIL==1.1.7"), "package-removed")
    assert_not_concluded(log.replace("PIL", "pillow-heif"), "package-removed")


def test_a_release_of_the_logs_own_month_is_not_missing_from_pips_list() -> None:
    # tensorflow-gpu 2.0.1 / 1.15.2 came out late in January 2020, after a log listing up to 2.1.0
    versions = "1.13.1, 1.13.2, 1.14.0, 1.15.0rc0, 1.15.0, 2.0.0a0, 2.0.0b1, 2.0.0rc0, 2.0.0, 2.1.0rc0, 2.1.0"
    log = (
        f"ERROR: Could not find a version that satisfies the requirement tensorflow-gpu==1.12.0 (from versions: "
        f"{versions})\nERROR: No matching distribution found for tensorflow-gpu==1.12.0\n"
    )
    assert_reasoned(log, "python-unsupported")


def test_uvs_hash_mismatch_is_the_download_or_the_index() -> None:
    log = (
        "  × Failed to download `torchvision==0.26.0+cu128`\n"
        "  ╰─▶ Hash mismatch for `torchvision==0.26.0+cu128`\n"
        "      Expected:\n        sha256:f44bfc61b9be80bcf52a762d34da363cea3125d10c01f37e271583803c7bb97b\n"
    )
    assert_reasoned(log, "network-or-index")
    assert_not_concluded("I checked there is no hash mismatch for my wheels\n", "network-or-index")


KERAS_24_UNDER_TF_25 = (
    "- TensorFlow version (use command below): 2.5.0\n"
    "- Keras version: 2.4.3\n"
    "dosma/models/oaiunet2d.py:14: in <module>\n"
    "    from keras.models import Model\n"
    "/opt/hostedtoolcache/Python/3.7.10/x64/lib/python3.7/site-packages/keras/__init__.py:20: in <module>\n"
    "    from . import initializers\n"
)


def test_tensorflows_issue_template_names_its_version() -> None:
    facts = raw_decision(KERAS_24_UNDER_TF_25).logfacts
    found = facts.version_of("tensorflow")
    assert found is not None and found.value == "2.5.0"


def test_a_standalone_keras_out_of_step_with_tensorflow_is_the_keras_version() -> None:
    got = assert_reasoned(KERAS_24_UNDER_TF_25, "keras-version-mismatch")
    assert got.cause == "unknown" or any("pip uninstall -y keras" in fix for fix in got.fixes), got.fixes
    lockstep = KERAS_24_UNDER_TF_25.replace("2.5.0", "2.9.1").replace("2.4.3", "2.10.0")
    assert raw_decision(lockstep).cause == "keras-version-mismatch"
    # in step (TensorFlow 2.9 with keras 2.9): no reason here
    in_step = lockstep.replace("2.10.0", "2.9.0")
    assert_not_concluded(in_step, "keras-version-mismatch")
