"""The extractor: a log becomes typed LogFacts (tools, Python, ABI tags, OS / architecture,
requests with all their bounds, offered versions, installed versions, libraries, paths by
installation, errors). Lines are in the forms pip, uv, conda, Python and TensorFlow print them."""

from __future__ import annotations

from envdoctor.explain.extract import extract
from envdoctor.explain.logfacts import LogFacts
from envdoctor.explain.scanner import Scanner


def facts(text: str) -> LogFacts:
    scanner = Scanner()
    scanner.feed(text.encode())
    return extract(scanner)


def test_tool_and_version() -> None:
    got = facts("pip 24.0 from /usr/lib/python3/dist-packages/pip (python 3.12)\nCollecting torch\n")
    assert "pip" in got.tools and got.tool_versions["pip"].value == "24.0"
    got = facts("error: No solution found when resolving dependencies\n  cause: Because x==1 depends on y>2\n")
    assert "uv" in got.tools
    got = facts("LibMambaUnsatisfiableError: Encountered problems while solving:\n")
    assert "libmamba" in got.tools


def test_python_from_banner_path_uv_and_a_downloaded_wheel() -> None:
    assert facts("Python 3.10.12 (main, Jun 11 2023)\n").python_minor == "3.10"
    assert facts('  File "/opt/venv/lib/python3.9/site-packages/x.py", line 1\n').python_minor == "3.9"
    assert facts("Using CPython 3.12.1 interpreter at: /usr/bin/python3\n").python_minor == "3.12"
    wheel = facts(
        "  Downloading tensorflow-2.15.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (475 MB)\n"
    )
    assert wheel.python_minor == "3.11"
    assert "cp311" in wheel.abi_tags
    assert wheel.platforms == ("linux-x86_64",)
    assert facts("### Python version\n\n3.13\n").python_minor == "3.13"  # an issue template's heading and value
    # uv's own line when it makes or finds an environment, and the version a uv command asks for
    assert facts("uv init demo\nUsing CPython 3.13.1\nCreating virtual environment at: .venv\n").python_minor == "3.13"
    assert facts("$ uv venv --python 3.12 .venv\n").python_minor == "3.12"
    assert facts("$ uv venv --python /usr/bin/python3 .venv\n").python_minor is None  # a path, not a version
    assert facts("Using CPython interpreters is fine\n").python_minor is None


def test_os_and_architecture() -> None:
    assert facts("  Using cached numpy-1.26.4-cp311-cp311-macosx_11_0_arm64.whl\n").platforms == ("macos-arm64",)
    assert facts("C:\\Users\\me\\proj> pip install torch\n").platforms == ("windows-x86_64",)
    mac = facts("/Users/me/proj/train.py\nApple M2 Pro\n")
    assert mac.os == "macos" and mac.platforms == ("macos-arm64",)
    assert any("musl" in s.value for s in facts("NAME=Alpine Linux (musl libc)\n").machine_signs)
    assert any("Rosetta" in s.value for s in facts("python3 is running under Rosetta on an M1\n").machine_signs)
    assert facts("Python 3.8.10 (tags/v3.8.10) [MSC v.1928 32 bit (Intel)] on win32\n").bits == 32


def test_requests_keep_every_bound_and_the_offered_versions() -> None:
    got = facts(
        'C:\\> pip install "numpy>=1.23.5,<2.0.0" tensorflow==2.15.0\n'
        "ERROR: Could not find a version that satisfies the requirement tensorflow==2.15.0 (from versions: 2.16.1, "
        "2.16.2, 2.17.0)\nERROR: No matching distribution found for tensorflow==2.15.0\n"
    )
    specs = {(r.name, r.spec, r.source) for r in got.requests}
    assert ("numpy", ">=1.23.5,<2.0.0", "command") in specs
    assert ("tensorflow", "==2.15.0", "pip-error") in specs
    assert got.offered[0].versions == ("2.16.1", "2.16.2", "2.17.0")


def test_installed_versions_and_pips_incompatible_report() -> None:
    got = facts(
        "Requirement already satisfied: numpy in /opt/conda/envs/tf/lib/python3.10/site-packages (1.26.4)\n"
        "Successfully installed keras-3.3.3 tensorflow-2.16.1\n"
        "tensorflow 2.12.0 requires numpy<1.24,>=1.22, but you have numpy 1.26.4 which is incompatible.\n"
        "numpy                     1.26.4          py310h5f9d8c6_0\n"
    )
    assert got.installed["numpy"].version == "1.26.4"
    assert got.installed["numpy"].where.startswith("/opt/conda/envs/tf")
    assert got.installed["keras"].version == "3.3.3"
    assert got.mismatches[0].dependency == "numpy" and got.mismatches[0].requirement == "numpy<1.24,>=1.22"


def test_libraries_asked_for_and_present() -> None:
    got = facts(
        "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
        "'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file\n"
        "Could not load dynamic library 'cudnn64_8.dll'; dlerror: cudnn64_8.dll not found\n"
        "| NVIDIA-SMI 470.82.01    Driver Version: 470.82.01    CUDA Version: 11.4     |\n"
        "Cuda compilation tools, release 12.2, V12.2.140\n"
    )
    wanted = {(lib.family, lib.version) for lib in got.libraries if not lib.found}
    assert ("cudart", "11.0") in wanted and ("cudnn", "8") in wanted
    assert got.gpu.driver is not None and got.gpu.driver.value == "470.82.01"
    assert got.gpu.driver_cuda is not None and got.gpu.driver_cuda.value == "11.4"
    assert got.gpu.toolkit is not None and got.gpu.toolkit.value == "12.2"


def test_paths_by_installation_and_role() -> None:
    got = facts(
        'Traceback (most recent call last):\n  File "/home/u/miniconda3/envs/tf/lib/python3.10/site-packages/a.py", '
        'line 1\n  File "/home/u/.local/lib/python3.10/site-packages/numpy/__init__.py", line 2\n'
        "Requirement already satisfied: torch in /home/u/venv/lib/python3.10/site-packages (2.3.1)\n"
        "C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python311\\python.exe\n"
    )
    kinds = {(p.kind, p.role) for p in got.paths}
    assert ("conda-env", "frame") in kinds
    assert ("user", "frame") in kinds
    assert ("venv", "install") in kinds
    assert any(p.role == "interpreter" for p in got.paths)


def test_errors_missing_modules_and_the_terminal_error() -> None:
    got = facts(
        "Traceback (most recent call last):\n  File \"x.py\", line 1\nModuleNotFoundError: No module named 'torch'\n"
        "ERROR: No matching distribution found for torch\n"
        "(tf) $ jupyter notebook\nCell In[3], line 1\n"
    )
    assert [e.kind for e in got.errors] == ["ModuleNotFoundError", "pip"]
    terminal = got.terminal_error()
    assert terminal is not None and terminal.kind == "pip"
    assert got.missing_modules[0].value == "torch"
    assert got.activated_env is not None and got.activated_env.value == "tf"
    assert got.jupyter


def test_facts_flat_keeps_the_short_json_form() -> None:
    flat = facts("Python 3.11.4\ntensorflow version: 2.15.0\nnumpy 2.0.1\n").flat()
    assert flat["python"] == "3.11.4" and flat["tensorflow"] == "2.15.0"


def test_github_links_in_pasted_errors_are_read_as_their_text() -> None:
    # GitHub turns `libcudnn.so` into a link when an issue is written: blind3/cudalibs-poetry-9291
    scanner = Scanner()
    scanner.feed(b"ImportError: [libcudnn.so](http://libcudnn.so/).8: cannot open shared object file: No such file\n")
    assert "cuda-libs/shared-object" in scanner.hits
    assert extract(scanner).libraries[0].version == "8"


def test_notebook_tracebacks_are_read_as_frames() -> None:
    log = (
        "File /opt/conda/lib/python3.10/site-packages/segmentation_models/__init__.py:98\n"
        "File c:\\Users\\me\\envs\\tf\\lib\\site-packages\\keras\\__init__.py:3, in <module>\n"
        "[/usr/local/lib/python3.7/dist-packages/jax/experimental/jax2tf/jax2tf.py](https://localhost:8080/#) "
        "in <module>()\n"
        "/home/me/venv/lib/python3.8/site-packages/torch/nn/modules/module.py in cuda(self, device)\n"
        'File "/usr/lib/python3.8/runpy.py", line 194, in _run_module_as_main\n'
    )
    frames = [f.value for f in facts(log).frames]
    assert frames == [
        "/opt/conda/lib/python3.10/site-packages/segmentation_models/__init__.py",
        "c:\\Users\\me\\envs\\tf\\lib\\site-packages\\keras\\__init__.py",
        "/usr/local/lib/python3.7/dist-packages/jax/experimental/jax2tf/jax2tf.py",
        "/home/me/venv/lib/python3.8/site-packages/torch/nn/modules/module.py",
        "/usr/lib/python3.8/runpy.py",
    ]


def test_a_path_in_prose_is_not_a_frame() -> None:
    log = "I copied /home/me/model.py into the project\n/opt/data/train.py in my repo is where I keep it\n"
    assert facts(log).frames == []


def test_ipython7_frames_without_arguments_are_frames() -> None:
    log = "~/.local/lib/python3.6/site-packages/tensorflow/__init__.py in <module>\n"
    assert [f.value for f in facts(log).frames] == ["~/.local/lib/python3.6/site-packages/tensorflow/__init__.py"]


def test_rich_tracebacks_are_read_as_frames() -> None:
    log = "│ C:\\Users\\me\\Python310\\lib\\runpy.py:196 in _run_module_as_main          │\n"
    assert [f.value for f in facts(log).frames] == ["C:\\Users\\me\\Python310\\lib\\runpy.py"]
