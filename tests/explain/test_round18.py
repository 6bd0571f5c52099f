"""Round 18 (issue 11, blind44 read): two installers' records of one project, a wheel's vendored
library in a conda env, musl against manylinux, a proxy's refused tunnel, each with a near miss.
`assert_reasoned` checks the rules' raw conclusion and what calibration ships for it
(tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

RUAMEL_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/opt/conda/bin/bentoml", line 5, in <module>\n'
    "    from bentoml.cli import cli\n"
    '  File "/opt/conda/lib/python3.6/site-packages/bentoml/utils/usage_stats.py", line 22, in <module>\n'
    "    from ruamel.yaml import YAML\n"
    "ModuleNotFoundError: No module named 'ruamel'\n"
)


def test_one_project_listed_under_two_spellings_at_two_versions_is_two_installers() -> None:
    log = (
        "# pip list | grep ruamel\n"
        "ruamel-yaml                        0.15.46\n"
        "ruamel.yaml                        0.16.5\n"
        "ruamel.yaml.clib                   0.2.0\n"
    )
    got = assert_reasoned(log, "mixed-pip-conda")
    if got.cause != "unknown":
        assert any("pip uninstall ruamel-yaml" in str(f) for f in got.fixes)


def test_names_that_only_look_alike_or_one_version_are_not_two_installers() -> None:
    # ruamel.yaml and ruamel.yaml.clib are two projects; one project at one version is one copy
    assert_not_concluded(
        "ruamel.yaml                        0.16.5\nruamel.yaml.clib                   0.2.0\n", "mixed-pip-conda"
    )
    assert_not_concluded(
        "ruamel-yaml                        0.16.5\nruamel.yaml                        0.16.5\n", "mixed-pip-conda"
    )


def test_ruamel_missing_in_a_conda_installation_is_condas_ruamel_yaml() -> None:
    got = assert_reasoned(RUAMEL_TRACEBACK, "mixed-pip-conda")
    if got.cause != "unknown":
        assert any("conda install ruamel.yaml" in str(f) for f in got.fixes)
    # no traceback, but pip show naming conda as what requires it
    shown = (
        'I cannot run `python -c "import ruamel.yaml"`, but pip install ruamel.yaml says it is already installed.\n'
        "Name: ruamel-yaml\nVersion: 0.15.87\nLocation: /root/anaconda3/lib/python3.7/site-packages\n"
        "Required-by: conda\n"
    )
    assert_reasoned(shown, "mixed-pip-conda")


def test_ruamel_missing_where_only_condas_commands_show_conda_is_condas_ruamel_yaml() -> None:
    log = "conda activate deploy\npython serve.py\nModuleNotFoundError: No module named 'ruamel'\n"
    got = raw_decision(log)
    assert not got.notes.get("rule_errors"), got.notes
    assert got.cause == "mixed-pip-conda"


def test_ruamel_missing_in_a_venv_is_not_condas_ruamel_yaml() -> None:
    venv = RUAMEL_TRACEBACK.replace("/opt/conda", "/home/me/venv")
    assert_not_concluded(venv, "mixed-pip-conda")


def test_a_wheels_hashed_library_missing_in_a_conda_env_is_pip_over_conda() -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/tmp/anaconda/envs/np-test/lib/python3.6/site-packages/numpy/core/__init__.py", line 16, in <module>\n'
        "    from . import multiarray\n"
        "ImportError: libopenblasp-r0-39a31c03.2.18.so: cannot open shared object file: No such file or directory\n"
    )
    got = assert_reasoned(log, "mixed-pip-conda")
    if got.cause != "unknown":
        assert any("conda install --force-reinstall numpy" in str(f) for f in got.fixes)
    # a venv's wheel missing its own vendored library is not two installers
    assert_not_concluded(log.replace("/tmp/anaconda/envs/np-test", "/home/me/venv"), "mixed-pip-conda")
    # a library without auditwheel's hash is any missing library
    assert_not_concluded(log.replace("libopenblasp-r0-39a31c03.2.18.so", "libopenblas.so.0"), "mixed-pip-conda")


def test_the_numpy_banners_closing_line_in_the_anaconda_base_is_pip_over_conda() -> None:
    log = (
        "We expect that some modules will need time to support NumPy 2.\n\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/anaconda3/lib/python3.12/site-packages/pandas/__init__.py", line 49, in <module>\n'
        "    from pandas.core.api import (\n"
    )
    assert_reasoned(log, "mixed-pip-conda")
    # the same line under a venv is NumPy's ABI clash itself
    venv = log.replace("/opt/anaconda3", "/home/me/venv")
    assert_not_concluded(venv, "mixed-pip-conda")
    assert raw_decision(venv).cause == "numpy-abi"


def test_a_manylinux_wheel_refused_on_musl_is_the_platform() -> None:
    log = (
        "FROM python:3.6.10-alpine3.11\n"  # the image tag: Alpine
        "ERROR: onnxruntime-1.1.1-cp36-cp36m-manylinux1_x86_64.whl is not a supported wheel on this platform.\n"
    )
    assert_reasoned(log, "platform-unsupported")
    # manylinux_2_28 on Alpine: musl, not an old glibc
    newer = (
        "OS: Alpine Linux 3.23\nLanguage Version: Python 3.12\n"
        "ERROR: tenseal-0.3.17-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl is not a supported "
        "wheel on this platform.\n"
    )
    assert_reasoned(newer, "platform-unsupported")
    assert_not_concluded(newer, "glibc-too-old")


def test_a_manylinux_2_28_wheel_refused_without_musl_is_not_read_as_musl() -> None:
    log = (
        "Language Version: Python 3.12\n"
        "ERROR: tenseal-0.3.17-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl is not a supported "
        "wheel on this platform.\n"
    )
    assert all("musl" not in v.why for v in raw_decision(log).verdicts)


def test_a_proxy_refusing_the_tunnel_to_the_index_is_the_network() -> None:
    log = (
        "Reading https://pypi.org/simple/acr/\n"
        "Download error on https://pypi.org/simple/acr/: Tunnel connection failed: 400 Bad Request -- "
        "Some packages may not be found!\n"
        "No local packages or working download links found for acr\n"
    )
    assert_reasoned(log, "network-or-index")
    # a tunnel failure with no package index in sight (a git clone, a curl) is not the index
    assert_not_concluded(
        "fatal: unable to access 'https://example.org/x.git/': Tunnel connection failed\n", "network-or-index"
    )


def test_python_futures_py2_modules_on_python_3_is_leakage() -> None:
    log = (
        "ImportError: This package should not be accessible on Python 3.\n"
        "Either you are trying to run from the python-future src folder or\n"
        "your installation of python-future is corrupted.\n"
    )
    assert_reasoned(log, "env-leakage")
    assert_not_concluded("ModuleNotFoundError: No module named 'future'\n", "env-leakage")


def test_pip_finding_the_package_outside_the_environment_is_leakage() -> None:
    log = (
        "  Found existing installation: blinker 1.2\n"
        "    Not uninstalling blinker at /Library/Python/2.6/site-packages, outside environment "
        "/Users/me/test_venv/bin/..\n"
    )
    assert_reasoned(log, "env-leakage")
    inside = (
        "  Found existing installation: blinker 1.2\n    Uninstalling blinker-1.2:\n"
        "      Successfully uninstalled blinker-1.2\n"
    )
    assert_not_concluded(inside, "env-leakage")


def test_an_empty_version_list_while_the_index_connection_failed_is_the_connection() -> None:
    log = (
        "WARNING: Retrying (Retry(total=3, connect=None, read=None, redirect=None, status=None)) after connection "
        "broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x01>: Failed to "
        "establish a new connection: [WinError 10013] An attempt was made to access a socket')': /simple/torch/\n"
        "Python 3.10.6\n"
        "ERROR: Could not find a version that satisfies the requirement torch==2.0.1 (from versions: none)\n"
        "ERROR: No matching distribution found for torch==2.0.1\n"
    )
    assert_reasoned(log, "network-or-index")
    assert all(v.cause != "python-unsupported" or v.weight == 0 for v in raw_decision(log).verdicts)
    # no connection failure: the empty list is read as the wheels' (the Python, the platform)
    quiet = raw_decision(log.split("\n", 1)[1])
    assert quiet.cause != "network-or-index"
    assert any(v.rule.startswith("wheels/") for v in quiet.verdicts)


# ---- round 18b (blind47 read) ----


def test_exit_status_132_is_sigill_and_other_statuses_are_not() -> None:
    log = "Jan 05 13:35:21 conmon[11580]: conmon 25f8a89e4231d9c8dae5 <ninfo>: container 11593 exited with status 132\n"
    assert_reasoned(log, "cpu-instructions")
    assert_reasoned(
        "subprocess.CalledProcessError: Command 'x' returned non-zero exit status 132.\n", "cpu-instructions"
    )
    for other in (
        "container 11593 exited with status 137\n",
        "exited with status 1320\n",
        "took 132 ms, exit status 0\n",
    ):
        assert_not_concluded(other, "cpu-instructions")


def test_ethminers_insufficient_cuda_driver_is_the_driver() -> None:
    assert_reasoned("CUDA error: Insufficient CUDA driver: 9020\n", "driver-too-old")
    assert_not_concluded("CUDA error: Insufficient memory on device 0\n", "driver-too-old")


def test_docker_without_a_gpu_device_driver_is_no_gpu_visible() -> None:
    log = 'docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].\n'
    assert_reasoned(log, "no-gpu-visible")
    assert_not_concluded(
        "docker: Error response from daemon: driver failed programming external connectivity.\n", "no-gpu-visible"
    )


def test_a_bare_no_cuda_capable_device_line_is_read() -> None:
    # the signature's anchor was "failed", which the line need not hold: a quoted message was never read
    got = raw_decision('I get greeted with "no CUDA-capable device is detected" - however I have a TITAN X\n')
    assert got.ranked and got.ranked[0][0] == "no-gpu-visible"


def test_keras_2_2_under_tensorflow_2_is_out_of_step() -> None:
    log = (
        "- TensorFlow version:  2.0.0 (gpu)\n- Keras version:  2.2.5\n"
        "/usr/local/lib/python3.6/dist-packages/keras/backend/tensorflow_backend.py in get_session()\n"
        "--> 190     default_session = tf.get_default_session()\n"
        "AttributeError: module 'tensorflow' has no attribute 'get_default_session'\n"
    )
    got = assert_reasoned(log, "keras-version-mismatch")
    if got.cause != "unknown":
        assert any('pip install "keras==2.3.1"' in f for f in got.fixes), got.fixes
    # Keras 2.3.1 was made for TensorFlow 2.0: in step
    assert_not_concluded(log.replace("2.2.5", "2.3.1"), "keras-version-mismatch")


def test_tf_keras_with_no_keras_package_under_tensorflow_2_6_is_keras() -> None:
    log = (
        "conda install tensorflow==2.6.0\n>>> mnist = tf.keras.datasets.mnist\n"
        'Traceback (most recent call last):\n  File "D:\\Anaconda3\\envs\\tf26\\lib\\site-packages\\tensorflow\\python'
        '\\util\\lazy_loader.py", line 62, in __getattr__\n    module = self._load()\n'
        "ModuleNotFoundError: No module named 'keras'\n"
    )
    got = assert_reasoned(log, "keras-version-mismatch")
    if got.cause != "unknown":
        assert any('pip install "keras~=2.6.0"' in f for f in got.fixes), got.fixes
    # TensorFlow 2.5 bundles its Keras: a missing keras package is not this
    assert_not_concluded(log.replace("2.6.0", "2.5.0"), "keras-version-mismatch")


# ---- round 18c (blind48 read) ----


def test_a_release_the_knowledge_base_does_not_hold_proves_nothing_about_the_python() -> None:
    # jaxlib 0.1.68 (2021) had Python 3.7 wheels; the knowledge base's jaxlib starts at 0.4
    log = (
        "pip 21.1.2 from /home/me/.conda/envs/jax/lib/python3.7/site-packages/pip (python 3.7)\n"
        "ERROR: Could not find a version that satisfies the requirement jaxlib==0.1.68+cuda111 (from versions: none)\n"
        "ERROR: No matching distribution found for jaxlib==0.1.68+cuda111\n"
    )
    assert all(v.rule != "wheels/python-no-release-supports" for v in raw_decision(log).verdicts)
    # a Python newer than every release holds whatever the log's date: still read
    newer = (
        "Python 3.15.0\n"
        "ERROR: Could not find a version that satisfies the requirement tensorflow (from versions: none)\n"
        "ERROR: No matching distribution found for tensorflow\n"
    )
    assert any(v.rule == "wheels/python-no-release-supports" and v.weight > 0 for v in raw_decision(newer).verdicts)


def test_a_folder_on_pythonpath_shadowing_the_standard_library_is_leakage() -> None:
    log = (
        "$ export PYTHONPATH=~/Downloads/nfldb-master/nfldb\n$ python\nTraceback (most recent call last):\n"
        '  File "/usr/lib64/python2.7/site.py", line 62, in <module>\n    import os\n'
        '  File "/usr/lib64/python2.7/warnings.py", line 8, in <module>\n    import types\n'
        '  File "/home/verdi/Downloads/nfldb-master/nfldb/types.py", line 4, in <module>\n'
        "    from collections import OrderedDict\n"
        "AttributeError: 'module' object has no attribute 'ClassType'\n"
    )
    got = assert_reasoned(log, "env-leakage")
    if got.cause != "unknown":
        assert any("types.py" in f for f in got.fixes)
    # a project module importing its own sibling is no shadowing, even in a folder named lib
    project = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/project/lib/utils.py", line 3, in <module>\n    import helpers\n'
        '  File "/home/me/project/helpers.py", line 4, in <module>\n    raise ValueError("bad config")\n'
        "ValueError: bad config\n"
    )
    assert_not_concluded(project, "env-leakage")


def test_the_skimage_placeholder_is_a_package_that_is_not_the_project() -> None:
    log = (
        "Downloading https://files.pythonhosted.org/packages/3b/ee/skimage-0.0.tar.gz\n"
        "  Complete output from command python setup.py egg_info:\n"
        "  *** Please install the `scikit-image` package (instead of `skimage`) ***\n"
    )
    assert_reasoned(log, "package-removed")
    assert_not_concluded(
        "Successfully installed scikit-image-0.24.0\nImportError: cannot import name 'io'\n", "package-removed"
    )


def test_pip_in_a_conda_env_created_without_python_is_another_pythons_pip() -> None:
    log = (
        "conda create --name bunnies\nsource activate bunnies\npip install see         # does not report any errors\n"
        "conda list | grep see   # ** no output\npython -c 'import see'  # ** ModuleNotFoundError\n"
    )
    got = assert_reasoned(log, "wrong-interpreter")
    if got.cause != "unknown":
        assert any("conda install python pip" in f for f in got.fixes)
    # created with Python: its own pip runs
    assert_not_concluded(
        log.replace("conda create --name bunnies", "conda create --name bunnies python=3.11"), "wrong-interpreter"
    )


# ---- round 18e (blind51 read) ----


def test_the_universal_crt_named_as_needed_or_in_an_error_is_the_vc_runtime() -> None:
    assert_reasoned("api-ms-win-crt-runtime-l1-1-0.dll error\n", "msvc-runtime-missing")
    assert_reasoned("it needs api-ms-win-crt-runtime-l1-1-0.dll, but i have not it.\n", "msvc-runtime-missing")
    assert_not_concluded(
        "Loaded api-ms-win-crt-runtime-l1-1-0.dll from C:\\Windows\\System32\n", "msvc-runtime-missing"
    )


def test_an_older_visual_c_runtime_missing_is_the_vc_runtime() -> None:
    log = "The program can't start because MSVCR100.dll is missing from your computer.\n"
    assert_reasoned(log, "msvc-runtime-missing")
    # the compiler named in Python's banner is not a missing runtime
    assert_not_concluded(
        "Python 3.10.9 (tags/v3.10.9:1dd9be6, Dec  6 2022) [MSC v.1934 64 bit (AMD64)]\n", "msvc-runtime-missing"
    )


def test_numpys_removed_alias_with_typographic_quotes() -> None:
    assert_reasoned(
        "Am running numpy 1.24.0 and get 'AttributeError: module ‘numpy’ has no attribute ‘float’'\n",
        "numpy-api-removed",
    )
    assert_not_concluded("AttributeError: module ‘pandas’ has no attribute ‘float’\n", "numpy-api-removed")


def test_an_exception_line_led_into_by_chinese_text_is_read() -> None:
    log = (
        "keras.load_model会报错\n会说AttributeError: 'str' object has no attribute 'decode'\n"
        "这是因为h5py你这里的requirements里面是要3.1.0版本的\n"
    )
    facts = raw_decision(log).logfacts
    assert [(e.kind, e.message) for e in facts.errors] == [("AttributeError", "'str' object has no attribute 'decode'")]
    assert_reasoned(log, "dependency-version-mismatch")
    # an exception named inside a sentence is not an exception line
    assert not raw_decision("我遇到了AttributeError的问题\n").logfacts.errors


def test_a_request_only_yanked_releases_satisfy_is_a_removed_package() -> None:
    log = (
        "ERROR: Ignored the following yanked versions: 1.13.100, 2.0.0, 2.4.0, 2.5.0\n"
        "ERROR: Could not find a version that satisfies the requirement intel-extension-for-pytorch==2.5.* "
        "(from versions: 2.6.0, 2.7.0, 2.8.0)\n"
        "ERROR: No matching distribution found for intel-extension-for-pytorch==2.5.*\n"
    )
    got = assert_reasoned(log, "package-removed")
    if got.cause != "unknown":
        assert any('pip install "intel-extension-for-pytorch==2.8.0"' in f for f in got.fixes), got.fixes
    # a listed release satisfies the request: the yanked ones are not why it failed
    listed = log.replace("(from versions: 2.6.0, 2.7.0, 2.8.0)", "(from versions: 2.5.1, 2.6.0)")
    assert_not_concluded(listed, "package-removed")


def test_a_listed_release_the_request_allows_but_pip_did_not_take_was_yanked() -> None:
    # pip < 23.3 lists yanked releases among the others
    log = (
        "ERROR: Could not find a version that satisfies the requirement ipexfake==2.5.* "
        "(from versions: 2.4.0, 2.5.0, 2.6.0)\nERROR: No matching distribution found for ipexfake==2.5.*\n"
    )
    got = assert_reasoned(log, "package-removed")
    if got.cause != "unknown":
        assert any('pip install "ipexfake==2.5.0"' in f for f in got.fixes), got.fixes
    # only a pre-release fits (a request must ask for pre-releases), or the pin is exact: not this
    assert_not_concluded(log.replace("2.5.0, 2.6.0", "2.5.0rc1, 2.6.0"), "package-removed")
    exact = log.replace("ipexfake==2.5.*", "ipexfake==2.5.0")
    assert all(v.rule != "solver/a-listed-release-was-not-taken" for v in raw_decision(exact).verdicts)
