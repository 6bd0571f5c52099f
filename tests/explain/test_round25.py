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


ORT_REQUIRES = (
    "The cuda is 12.6 and the cudnn is 9.3.\n"
    "2024-11-12 10:07:56 [W:onnxruntime:Default, onnxruntime_pybind_state.cc:965 CreateExecutionProviderInstance] "
    "Failed to create CUDAExecutionProvider. Require cuDNN 8.* and CUDA 12.*. Please install all dependencies as "
    "mentioned in the GPU requirements page\n"
)


def test_onnxruntime_requiring_another_cudnn_major_than_the_machines_is_a_version_mismatch() -> None:
    assert_reasoned(ORT_REQUIRES, "cuda-version-mismatch")


def test_onnxruntime_requiring_the_machines_majors_is_not_a_version_mismatch() -> None:
    # the same majors: the libraries are not found, a candidate only
    log = ORT_REQUIRES.replace("cudnn is 9.3", "cudnn is 8.9")
    assert_not_concluded(log, "cuda-version-mismatch")
    assert raw_decision(log).ranked[0][0] == "cuda-libs-missing"


DLL_AFTER_A_SOURCE_BUILD = (
    "1. Install CUDA\n2. Install cuDNN\n3. `git clone https://github.com/davisking/dlib.git`\n"
    "4. `python setup.py install`\n"
    ">>> import dlib\nTraceback (most recent call last):\n"
    '  File "<stdin>", line 1, in <module>\n'
    "ImportError: DLL load failed while importing dlib: The specified module could not be found.\n"
    "* **Platform**: Python 3.8 64-bit for Windows 10\n"
)


def test_a_dll_missing_from_an_extension_built_here_is_not_the_cpp_runtime() -> None:
    assert_not_concluded(DLL_AFTER_A_SOURCE_BUILD, "msvc-runtime-missing")
    assert "cuda-libs-missing" in dict(raw_decision(DLL_AFTER_A_SOURCE_BUILD).ranked)


def test_a_dll_missing_from_a_wheel_is_still_the_cpp_runtime() -> None:
    wheel = DLL_AFTER_A_SOURCE_BUILD.replace("4. `python setup.py install`\n", "4. `pip install dlib`\n")
    assert_reasoned(wheel, "msvc-runtime-missing")


def test_a_librarys_own_version_check_is_the_dependency() -> None:
    assert_reasoned(
        "RuntimeError: Failed to import diffusers.models.autoencoders.autoencoder_kl because of the following error:\n"
        "Requires Flash-Attention version >=2.7.1,<=2.7.4 but got 2.8.0.post2.\n",
        "dependency-version-mismatch",
    )
    assert_reasoned(
        "ImportError: FlashAttention2 has been toggled on, but it cannot be used due to the following error: you "
        "need flash_attn package version to be greater or equal than 2.1.0. Detected version 2.0.4.\n",
        "dependency-version-mismatch",
    )
    # a tensor shape the code expected is not a package's version
    assert_not_concluded("ValueError: requires input version of shape 3 but got 4\n", "dependency-version-mismatch")


def test_tensorflows_bfloat16_check_is_numpy_abi() -> None:
    log = "F tensorflow/python/lib/core/bfloat16.cc:675] Check failed: PyBfloat16_Type.tp_base != nullptr\n"
    assert_reasoned(log, "numpy-abi")
    assert_not_concluded("F tensorflow/core/framework/tensor.cc:12] Check failed: dtype() != DT_INVALID\n", "numpy-abi")


def test_an_undefined_protobuf_symbol_in_another_package_is_the_protobuf_mismatch() -> None:
    log = (
        "ImportError: /home/u/anaconda3/lib/python3.6/site-packages/onnx/onnx_cpp2py_export.cpython-36m-x86_64-"
        "linux-gnu.so: undefined symbol: _ZNK6google8protobuf7Message11GetTypeNameEv\n"
    )
    assert_reasoned(log, "protobuf-mismatch")
    # protobuf's own extension missing its own symbol is two builds of protobuf, not this reading
    own = log.replace("onnx/onnx_cpp2py_export", "protobuf/pyext/_message")
    assert_not_concluded(own, "protobuf-mismatch")


NOT_AN_NVIDIA_GPU = (
    "I am not using NVIDIA GPU, but i have Intel HD graphics 4000.\n"
    "Traceback (most recent call last):\n"
    '  File "C:\\2dtodepth\\prog\\models\\pix2pix_model.py", line 114, in init\n'
    "    new_model.cuda(), device_ids=range(torch.cuda.device_count()))\n"
    '  File "C:\\Program Files\\Python37\\lib\\site-packages\\torch\\nn\\modules\\module.py", line 265, in cuda\n'
    "    return self._apply(lambda t: t.cuda(device))\n"
)


def test_cuda_code_on_a_machine_with_only_an_intel_gpu_is_no_gpu() -> None:
    assert_reasoned(NOT_AN_NVIDIA_GPU, "no-gpu-visible")


def test_an_intel_gpu_beside_code_that_never_asks_for_cuda_is_not_no_gpu() -> None:
    log = (
        NOT_AN_NVIDIA_GPU.replace("new_model.cuda(), device_ids=range(torch.cuda.device_count()))", "new_model.eval()")
        .replace("t.cuda(device)", "t.float()")
        .replace("in cuda\n", "in float\n")
    )
    assert_not_concluded(log, "no-gpu-visible")


def test_the_drivers_ptx_jit_refusing_a_newer_ptx_is_the_driver() -> None:
    log = (
        "numba.cuda.cudadrv.driver.LinkerError: [222] Call to cuLinkAddData results in UNKNOWN_CUDA_ERROR\n"
        "ptxas application ptx input, line 9; fatal   : Unsupported .version 8.1; current version is '8.0'\n"
    )
    assert_reasoned(log, "driver-too-old")
    # a toolkit's own ptxas names the file it compiles: not the driver's JIT
    assert_not_concluded(
        "ptxas /tmp/tmpxft_0001/kernel.ptx, line 5; fatal   : Unsupported .version 8.1; current version is '8.0'\n",
        "driver-too-old",
    )


def test_pip_taking_a_yanked_placeholder_is_no_wheel_for_this_machine() -> None:
    log = (
        "C:\\Users\\me>pip install tensorflow-decision-forests\n"
        "WARNING: The candidate selected for download or install is a yanked version: 'tensorflow-decision-forests' "
        "candidate (version 0.0.0 at https://files.pythonhosted.org/packages/9b/c2/tensorflow_decision_forests-0.0.0"
        "-py3-none-any.whl)\nReason for being yanked: <none given>\n"
    )
    assert_reasoned(log, "platform-unsupported")
    # the yanked release asked for by its version is the user's pin, not pip's last resort
    assert raw_decision(log.replace("WARNING: The candidate selected for download or install is", "It is")).cause != (
        "platform-unsupported"
    )


def test_pypis_404_for_a_projects_simple_page_is_a_removed_project() -> None:
    log = (
        "Collecting tf-nightly-2.0-preview==2.0.0.dev20190909\n"
        '  https://pypi.org:443 "GET /simple/tf-nightly-2-0-preview/ HTTP/1.1" 404 13\n'
        "ERROR: No matching distribution found for tf-nightly-2.0-preview==2.0.0.dev20190909\n"
    )
    assert_reasoned(log, "package-removed")
    # a mirror's 404 is the mirror's business: not read as the project gone
    assert_not_concluded(log.replace("https://pypi.org:443", "https://mirror.example:443"), "package-removed")


def test_an_environments_console_script_importing_the_systems_pip_is_leakage() -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/t/conda/bin/pip", line 6, in <module>\n'
        "    from pip._internal.cli.main import main\n"
        '  File "/usr/lib/python3/dist-packages/pip/_internal/__init__.py", line 40, in <module>\n'
        "ModuleNotFoundError: No module named 'pip._vendor.retrying'\n"
    )
    assert_reasoned(log, "env-leakage")
    # a project's own scripts/ folder is not an installation's console script
    project = log.replace("/home/me/t/conda/bin/pip", "/home/me/project/scripts/prep.py")
    assert_not_concluded(project, "env-leakage")


def test_pubgrubs_requires_chain_is_a_clash_of_pins() -> None:
    log = (
        "Because no versions of dagster-cloud match >1.9.6,<2.0.0\n"
        " and opentelemetry-proto (1.28.2) depends on protobuf (>=5.0,<6.0), opentelemetry-exporter-otlp-proto-http "
        "(>=1.28.2,<1.29.0 || >1.29.0,<2) requires protobuf (>=5.0,<6.0).\n"
    )
    assert raw_decision(log).cause == "solver-conflict"
    # a chain ending on the Python's range is the Python, not this signature
    python = "numpy (>=2.1,<3) requires Python (>=3.10).\n"
    assert raw_decision(python).scores.get("solver-conflict", 0.0) == 0.0


def test_pipenvs_incompatible_versions_are_a_clash_of_pins() -> None:
    log = (
        "There are incompatible versions in the resolved dependencies:\n"
        "  numpy<1.19,>=1.16 (from rasa==2.8.7->-r constraints.txt (line 4))\n"
        "  numpy~=1.19.2 (from tensorflow==2.4.3->-r constraints.txt (line 5))\n"
    )
    assert_reasoned(log, "solver-conflict")
    assert_not_concluded("numpy~=1.19.2 (from tensorflow==2.4.3)\n", "solver-conflict")


def test_conda_refusing_to_remove_its_own_dependency_is_pip_in_the_base_env() -> None:
    log = (
        "RemoveError: 'requests' is a dependency of conda and cannot be removed from\nconda's operating environment.\n"
    )
    assert raw_decision(log).cause == "mixed-pip-conda"
    assert_not_concluded("RemoveError: 'numpy' cannot be removed: it is pinned\n", "mixed-pip-conda")


def test_wrapts_dictwrapper_failure_is_the_dependency() -> None:
    log = "TypeError: this __dict__ descriptor does not support '_DictWrapper' objects\n"
    assert_reasoned(log, "dependency-version-mismatch")
    assert_not_concluded(
        "TypeError: this __dict__ descriptor does not support 'Foo' objects\n", "dependency-version-mismatch"
    )


def test_a_keras_file_of_the_other_keras_is_the_keras_mismatch() -> None:
    keras3_file = (
        "TypeError: Could not deserialize class 'Functional' because its parent module keras.src.models.functional "
        "cannot be imported. Full object config: {'module': 'keras.src.models.functional'}\n"
    )
    assert_reasoned(keras3_file, "keras-version-mismatch")
    keras2_file = (
        "TypeError: Could not locate class 'Model'. Make sure custom classes are decorated with "
        "`@keras.saving.register_keras_serializable()`.\n"
    )
    assert raw_decision(keras2_file).cause == "keras-version-mismatch"
    # the user's own layer not registered is the user's code, not another Keras
    assert_not_concluded(keras2_file.replace("'Model'", "'MyAttentionBlock'"), "keras-version-mismatch")


def test_paddles_copy_cudnn_hint_is_cudnn_not_found() -> None:
    log = (
        "W0804 21:55:45.073442 12172 dynamic_loader.cc:238] Note: [Recommend] copy cudnn into CUDA installation "
        "directory.\n"
    )
    assert raw_decision(log).cause == "cuda-libs-missing"
    assert_not_concluded(
        "W0804 dynamic_loader.cc:238] Note: cudnn found in CUDA installation directory.\n", "cuda-libs-missing"
    )


def test_musls_loader_without_glibcs_loader_is_the_platform() -> None:
    log = (
        "Error: Error loading shared library ld-linux-x86-64.so.2: No such file or directory (needed by "
        "/app/node_modules/onnxruntime-node/bin/napi-v3/linux/x64//libonnxruntime.so.1.14.0)\n"
    )
    assert_reasoned(log, "platform-unsupported")
    assert_not_concluded(
        "Error: Error loading shared library libcudnn.so.8: No such file or directory\n", "platform-unsupported"
    )


def test_musls_relocation_error_cut_after_the_symbol_is_still_musl() -> None:
    log = (
        "Caused by: java.lang.UnsatisfiedLinkError: /tmp/ort/libonnxruntime.so: Error relocating "
        "/tmp/ort/libonnxruntime.so: __vsnprintf_chk: s\n"
    )
    assert raw_decision(log).cause == "platform-unsupported"


def test_an_empty_conda_env_in_a_list_of_steps_is_the_interpreter() -> None:
    log = (
        "1. conda create -n torch0.3.1 -> source activate torch0.3.1 -> pip install torch-0.3.1-cp35-cp35m-linux_"
        "x86_64.whl -> source deactivate\n"
        "2. conda create -n torch0.4.0 -> source activate torch0.4.0 -> pip install torch-0.4.0-cp35-cp35m-linux_"
        "x86_64.whl\n3. during the installation of 0.4.0, 0.3.1 will be uninstalled automaticly\n"
    )
    assert_reasoned(log, "wrong-interpreter")
    # python named at create: the env has its own pip
    with_python = log.replace("conda create -n torch0.3.1 ->", "conda create -n torch0.3.1 python=3.5 ->").replace(
        "conda create -n torch0.4.0 ->", "conda create -n torch0.4.0 python=3.5 ->"
    )
    assert_not_concluded(with_python, "wrong-interpreter")
