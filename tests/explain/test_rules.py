"""Each cause rule on its own: a log where it concludes (and what), and a near miss where it does
not. Lines are real tool output (pip, uv, conda, TensorFlow, PyTorch, nvidia-smi) in the forms
those tools print; the shipped knowledge base answers the rules that ask it."""

from __future__ import annotations

import pytest

from envdoctor.explain.decide import decide
from envdoctor.explain.rules import all_rules
from envdoctor.explain.rules.leakage import WRONG_INTERPRETER
from envdoctor.explain.scanner import Scanner

NO_WHEEL = (
    "ERROR: Could not find a version that satisfies the requirement {req} (from versions: {versions})\n"
    "ERROR: No matching distribution found for {req}\n"
)
CUDA_WARNING = (
    "2021-03-02 10:11:12.123456: W tensorflow/stream_executor/platform/default/dso_loader.cc:60] Could not load "
    "dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file\n"
)
NUMPY_BANNER = (
    "A module that was compiled using NumPy 1.x cannot be run in\n"
    "NumPy 2.0.1 as it may crash. To support both 1.x and 2.x\n"
)

# pandas built for NumPy 1.x meeting NumPy 2 (its frames in the env's own site-packages)
PANDAS_ABI = (
    "Traceback (most recent call last):\n"
    '  File "/proj/.venv/lib/python3.11/site-packages/pandas/__init__.py", line 22, in <module>\n'
    '  File "pandas/_libs/interval.pyx", line 1, in init pandas._libs.interval\n'
    "ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, "
    "got 88 from PyObject\n"
)
CUDNN9_FAIL = (
    "1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open "
    "shared object file: No such file or directory\n"
)
DEVICE_LIST_CPU = (
    ">>> from tensorflow.python.client import device_lib\n>>> print(device_lib.list_local_devices())\n"
    '[name: "/device:CPU:0"\ndevice_type: "CPU"\nmemory_limit: 268435456\nlocality {\n}\n'
    "incarnation: 17504734730771000338\n]\n"
)
NVIDIA_SMI_122 = "| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2     |\n"

# rule id -> (log where it concludes, the cause it concludes for, a near miss where it stays silent)
CASES: dict[str, tuple[str, str, str]] = {
    "errors/terminal-error-confirms": (
        "Traceback (most recent call last):\n"
        "ImportError: libcudnn.so.8: cannot open shared object file: No such file\n",
        "cuda-libs-missing",
        "The log mentions libcudnn.so.8: cannot open shared object file in a sentence\nall good afterwards\n",
    ),
    "errors/warnings-only-are-symptoms": (
        CUDA_WARNING + "AttributeError: module 'numpy' has no attribute 'object'.\n",
        "cuda-libs-missing",
        "print(tf.config.list_physical_devices('GPU'))\n" + CUDA_WARNING + "[]\n",
    ),
    "errors/root-explains-symptoms": (
        CUDA_WARNING + NUMPY_BANNER,
        "numpy-abi",
        CUDA_WARNING,
    ),
    "errors/long-windows-path": (
        "FileNotFoundError: [Errno 2] No such file or directory: 'C:\\\\Users\\\\me\\\\AppData\\\\Local\\\\Temp\\\\"
        + "pip-build-x\\\\tensorflow\\\\include\\\\external\\\\" * 8
        + "a.h'\n",
        "windows-long-paths",
        "FileNotFoundError: [Errno 2] No such file or directory: 'C:\\\\Users\\\\me\\\\model.h5'\n",
    ),
    "native/windows-extension-dll-missing": (
        ">>> import onnxruntime\nTraceback (most recent call last):\n"
        '  File "C:\\py\\lib\\site-packages\\onnxruntime\\__init__.py", line 23, in <module>\n'
        "ImportError: DLL load failed while importing onnxruntime_pybind11_state: The specified module could not "
        "be found.\n",
        "msvc-runtime-missing",
        # another error code (1114: an initialisation routine failed), not a DLL that is missing
        "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: A dynamic link library (DLL) "
        "initialization routine failed.\n",
    ),
    "native/undefined-symbol": (
        ">>> import torchvision\nImportError: /home/me/venv/lib/python3.11/site-packages/torchvision/_C.so: "
        "undefined symbol: _ZN3c1017RegisterOperatorsD1Ev\n",
        "dependency-version-mismatch",
        # a symbol of the Python API: built for another Python, which this rule does not read
        "ImportError: /home/me/venv/lib/python3.11/site-packages/mylib/_core.so: undefined symbol: PyCode_New\n",
    ),
    "statements/the-fix-that-worked": (
        "ImportError: DLL load failed while importing _C\nUpdate: solved by installing the latest Visual C++ "
        "Redistributable.\n",
        "msvc-runtime-missing",
        # a fix the user only tried is no statement
        "ImportError: DLL load failed while importing _C\nI tried installing the Visual C++ Redistributable, "
        "still the same.\n",
    ),
    "packages/raised-inside-a-support-library": (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/main.py", line 1, in <module>\n'
        '  File "/srv/venv/lib/python3.12/site-packages/jax/__init__.py", line 9, in <module>\n'
        '  File "/srv/venv/lib/python3.12/site-packages/ml_dtypes/__init__.py", line 30, in <module>\n'
        "AttributeError: module 'ml_dtypes' has no attribute 'int2'\n",
        "dependency-version-mismatch",
        # raised inside the framework itself: not a support library's version
        "Traceback (most recent call last):\n"
        '  File "/srv/app/main.py", line 1, in <module>\n'
        '  File "/srv/venv/lib/python3.12/site-packages/jax/_src/api.py", line 9, in <module>\n'
        "AttributeError: module 'jax' has no attribute 'linear_util'\n",
    ),
    "packages/torch-companion-out-of-step": (
        "$ pip list | grep torch\ntorch          2.3.1\ntorchvision    0.19.0\n"
        "RuntimeError: Couldn't load custom C++ ops.\n",
        "dependency-version-mismatch",
        "$ pip list | grep torch\ntorch          2.3.1\ntorchvision    0.18.1\nRuntimeError: CUDA out of memory.\n",
    ),
    "packages/jax-plugin-out-of-step": (
        "jax                       0.4.38        pypi_0    pypi\n"
        "jax-cuda12-plugin         0.5.0         pypi_0    pypi\n"
        "jaxlib                    0.4.38        pypi_0    pypi\n"
        "RuntimeError: Unable to initialize backend 'cuda': INTERNAL: failed\n",
        "dependency-version-mismatch",
        "jax                       0.4.38        pypi_0    pypi\n"
        "jax-cuda12-plugin         0.4.38        pypi_0    pypi\n"
        "jaxlib                    0.4.38        pypi_0    pypi\n"
        "RuntimeError: Unable to initialize backend 'cuda': INTERNAL: failed\n",
    ),
    "errors/pip-crashed-while-downloading": (
        "Collecting torch\n  Downloading torch-2.3.0-cp311-cp311-manylinux1_x86_64.whl (779 MB)\nERROR: Exception:\n"
        "Traceback (most recent call last):\n"
        '  File "/v/lib/python3.11/site-packages/pip/_vendor/urllib3/response.py", line 438, in _error_catcher\n'
        '  File "/usr/lib/python3.11/http/client.py", line 466, in read\n'
        '  File "/usr/lib/python3.11/socket.py", line 706, in readinto\n',
        "network-or-index",
        # pip crashing in its own resolver code: not the network
        "ERROR: Exception:\nTraceback (most recent call last):\n"
        '  File "/v/lib/python3.11/site-packages/pip/_internal/resolution/resolvelib/resolver.py", line 92, in x\n'
        '  File "/v/lib/python3.11/site-packages/pip/_vendor/resolvelib/resolvers.py", line 481, in resolve\n'
        "RecursionError: maximum recursion depth exceeded\n",
    ),
    "errors/gpu-absence-is-all-the-log-says": (
        "2024-03-01 10:00:00.000000: I external/local_tsl/tsl/cuda/cudart_stub.cc:31] Could not find cuda drivers on "
        "your machine, GPU will not be used.\n",
        "no-gpu-visible",
        # the same start-up line beside an error: noise
        "2024-03-01 10:00:00.000000: I external/local_tsl/tsl/cuda/cudart_stub.cc:31] Could not find cuda drivers on "
        "your machine, GPU will not be used.\nAttributeError: module 'numpy' has no attribute 'object'.\n",
    ),
    "errors/pip-cannot-write-its-own-file": (
        "Installing collected packages: tensorflow\n"
        "ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: "
        "'C:\\Users\\me\\work\\project\\venv\\Lib\\site-packages\\tensorflow\\include\\external\\"
        "com_github_grpc_grpc\\src\\core\\ext\\filters\\client_channel\\lb_policy\\grpclb\\client_load_reporting_filter.h'\n",
        "windows-long-paths",
        # a file of the user's own, not in pip's target
        "ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: "
        "'C:\\Users\\me\\requirements.txt'\n",
    ),
    "installs/one-package-two-installers": (
        "$ conda list numpy\n# packages in environment at /home/me/miniconda3/envs/work:\n"
        "# Name                    Version                   Build  Channel\n"
        "numpy                     1.26.4          py311h64a7726_0    conda-forge\n"
        "numpy                     2.0.1                    pypi_0    pypi\n",
        "mixed-pip-conda",
        "$ conda list numpy\n# packages in environment at /home/me/miniconda3/envs/work:\n"
        "numpy                     1.26.4          py311h64a7726_0    conda-forge\n"
        "scipy                     1.13.1                   pypi_0    pypi\n",
    ),
    "installs/pip-replaced-a-conda-package": (
        "(work) $ pip install -r requirements.txt\n"
        "  Attempting uninstall: pillow\n    Found existing installation: Pillow 9.4.0\n"
        "    Uninstalling Pillow-9.4.0:\n      Successfully uninstalled Pillow-9.4.0\n"
        "(work) $ python -c 'import PIL.Image'\n"
        "ImportError: /home/me/miniconda3/envs/work/lib/python3.10/site-packages/PIL/_imaging.cpython-310-x86_64-linux-"
        "gnu.so: undefined symbol: TIFFOpenExt\n",
        "mixed-pip-conda",
        # the same replacement in a plain venv: pip replacing its own package is no mix
        "(venv) $ pip install -r requirements.txt\n"
        "  Attempting uninstall: pillow\n    Found existing installation: Pillow 9.4.0\n"
        "(venv) $ python -c 'import PIL.Image'\nImportError: cannot import name 'Image' from 'PIL'\n",
    ),
    "leakage/pip-and-python-disagree": (
        "> pip install pandas\nRequirement already satisfied: pandas in c:\\python311\\lib\\site-packages (2.2.2)\n"
        '> python -c "import sys; print(sys.executable)"\nC:\\Python38\\python.exe\n',
        "wrong-interpreter",
        "> pip install pandas\nRequirement already satisfied: pandas in c:\\python311\\lib\\site-packages (2.2.2)\n"
        '> python -c "import sys; print(sys.executable)"\nC:\\Python311\\python.exe\n',
    ),
    "gpu/the-user-says-no-gpu": (
        "My PyTorch script does not detect the GPU, it runs on the CPU.\n",
        "no-gpu-visible",
        "My PyTorch script does not detect the GPU.\nImportError: libcudnn.so.9: cannot open shared object file\n",
    ),
    "packages/keras-3-under-tensorflow": (
        "$ pip show tensorflow\nName: tensorflow\nVersion: 2.17.0\n"
        "AttributeError: module 'keras.layers' has no attribute 'experimental'\n",
        "keras-version-mismatch",
        "$ pip show tensorflow\nName: tensorflow\nVersion: 2.15.0\n"
        "AttributeError: module 'keras.layers' has no attribute 'Experimentall'\n",
    ),
    "solver/conflict-is-another-cause": (
        "UnsatisfiableError: The following specifications were found to be incompatible with the existing python "
        "installation in your environment:\n\nSpecifications:\n\n"
        "  - tensorflow==2.4 -> python[version='>=3.6,<3.9']\n\n"
        "Your python: python=3.10\n",
        "python-unsupported",
        "UnsatisfiableError: The following specifications were found to be in conflict:\n"
        "  - opencv ==2.4.8\n  - tensorflow -> numpy >=1.10.1\n",
    ),
    "solver/requested-a-removed-package": (
        "Collecting tensorflow-gpu\n  Downloading tensorflow-gpu-2.12.0.tar.gz (2.6 kB)\n"
        "  error: subprocess-exited-with-error\nERROR: metadata-generation-failed\n",
        "package-removed",
        "Collecting tensorflow-gpu==2.10.0\n  Downloading tensorflow_gpu-2.10.0-cp310-cp310-win_amd64.whl (455 MB)\n",
    ),
    "solver/removed-package-stub-built": (
        "cannot install tensorflow-gpu into my project\n"
        '    File "C:\\Users\\me\\AppData\\Local\\Temp\\tmpab\\.venv\\lib\\site-packages\\setuptools\\build_meta.py", '
        "line 341, in run_setup\n      exec(code, locals())\n"
        '    File "C:\\Users\\me\\AppData\\Local\\Temp\\tmpab\\.venv\\lib\\site-packages\\setuptools\\dist.py", '
        "line 405, in _normalize_requires\n",
        "package-removed",
        # tensorflow-gpu 2.10 still has wheels: a setup.py traceback there is some other build
        "pip install tensorflow-gpu==2.10.0 fails while building another package\n"
        '    File "/tmp/pip-build-env/lib/python3.10/site-packages/setuptools/build_meta.py", '
        "line 341, in run_setup\n      exec(code, locals())\n",
    ),
    "solver/pins-exclude-each-other": (
        "$ conda install pytorch=1.0.1 torchvision cudatoolkit=10.1\n"
        "UnsatisfiableError: The following specifications were found to be in conflict:\n"
        "  - cudatoolkit 10.1*\n  - pytorch 1.0.1* -> cudatoolkit >=10.0.130,<10.1.0a0\n",
        "solver-conflict",
        # the pin is inside the chain's range: the report names no proven clash
        "$ conda install pytorch=1.0.1 torchvision cudatoolkit=10.0\n"
        "UnsatisfiableError: The following specifications were found to be in conflict:\n"
        "  - cudatoolkit 10.0*\n  - pytorch 1.0.1* -> cudatoolkit >=10.0.130,<10.1.0a0\n",
    ),
    "native/glibc-newer-than-the-distribution": (
        "My system is RHEL 8.\nWhen I tried to import torch_xla, it said GLIBC 2.29\n",
        "glibc-too-old",
        # the glibc named is the one RHEL 8 has
        "My system is RHEL 8.\nThe wheel says manylinux_2_28, i.e. GLIBC 2.28\n",
    ),
    "wheels/ignored-versions-of-another-package": (
        "ERROR: Ignored the following versions that require a different python version: 1.21.2 Requires-Python "
        ">=3.7,<3.11; 1.21.3 Requires-Python >=3.7,<3.11\n"
        "ERROR: Could not find a version that satisfies the requirement tensorflow-io-gcs-filesystem==0.37.1 "
        "(from versions: none)\nERROR: No matching distribution found for tensorflow-io-gcs-filesystem==0.37.1\n",
        "python-unsupported",
        # the ignored versions are the failed package's own: they are the proof
        "ERROR: Ignored the following versions that require a different python version: 0.37.1 Requires-Python "
        ">=3.7,<3.12\n"
        "ERROR: Could not find a version that satisfies the requirement tensorflow-io-gcs-filesystem==0.37.1 "
        "(from versions: none)\nERROR: No matching distribution found for tensorflow-io-gcs-filesystem==0.37.1\n",
    ),
    "leakage/sudo-pip-installs-for-another-python": (
        "$ which python\n/home/me/anaconda2/bin/python\n$ sudo pip install --upgrade $TF_BINARY_URL\n"
        "$ python -c 'import tensorflow'\nImportError: No module named tensorflow\n",
        "wrong-interpreter",
        # pip without sudo installs for the Python on PATH: no reading of another interpreter
        "$ which python\n/home/me/anaconda2/bin/python\n$ pip install --upgrade $TF_BINARY_URL\n"
        "$ python -c 'import tensorflow'\nImportError: No module named tensorflow\n",
    ),
    "leakage/installed-into-the-user-site-from-an-env": (
        "(summary) > which pip\n~/apps/miniconda3/envs/summary/bin/pip\n(summary) > pip show pkg\nName: pkg\n"
        "Version: 3.6.8\nLocation: ~/.local/lib/python3.10/site-packages\n",
        "env-leakage",
        # the same package shown inside the environment's own site-packages
        "(summary) > which pip\n~/apps/miniconda3/envs/summary/bin/pip\n(summary) > pip show pkg\nName: pkg\n"
        "Version: 3.6.8\nLocation: ~/apps/miniconda3/envs/summary/lib/python3.10/site-packages\n",
    ),
    "leakage/site-packages-of-another-python": (
        "Python 3.11.8 | packaged by conda-forge | (main, Feb 16 2024, 20:49:36) [Clang 16.0.6 ] on darwin\n"
        ">>> import numpy\nTraceback (most recent call last):\n"
        '  File "/opt/homebrew/lib/python3.12/site-packages/numpy/__init__.py", line 114, in <module>\n'
        "ModuleNotFoundError: No module named 'numpy._core._multiarray_umath'\n",
        "env-leakage",
        # the same traceback from the running Python's own site-packages: nothing foreign is loaded
        "Python 3.12.2 | packaged by conda-forge | (main, Feb 16 2024, 20:49:36) [Clang 16.0.6 ] on darwin\n"
        ">>> import numpy\nTraceback (most recent call last):\n"
        '  File "/opt/homebrew/lib/python3.12/site-packages/numpy/__init__.py", line 114, in <module>\n'
        "ModuleNotFoundError: No module named 'numpy._core._multiarray_umath'\n",
    ),
    "leakage/site-packages-of-another-python#python2-symbol": (
        'Traceback (most recent call last):\n  File "scripts/collect.py", line 18, in <module>\n    import cv2\n'
        "ImportError: /opt/ros/kinetic/lib/python2.7/dist-packages/cv2.so: undefined symbol: PyCObject_Type\n",
        "env-leakage",
        # a symbol every Python 3 has, missing from a Python 3 package: a broken build, not a Python 2 copy
        'Traceback (most recent call last):\n  File "scripts/collect.py", line 18, in <module>\n    import cv2\n'
        "ImportError: /usr/lib/python3/dist-packages/cv2.so: undefined symbol: PyUnicode_AsUTF8\n",
    ),
    "solver/python-blamed-with-builds-around-it": (
        "UnsatisfiableError: The following specifications were found\nto be incompatible with the existing python "
        "installation in your environment:\n\nSpecifications:\n\n"
        "  - torchaudio==2.4.0 -> python[version='>=2.7,<2.8.0a0|>=3.13,<3.14.0a0|>=3.7,<3.8.0a0']\n\n"
        "Your python: python==3.10.9\n",
        "solver-conflict",
        # every listed build is for an older Python: the environment's Python is why
        "UnsatisfiableError: The following specifications were found\nto be incompatible with the existing python "
        "installation in your environment:\n\nSpecifications:\n\n"
        "  - torchaudio==0.8.1 -> python[version='>=3.6,<3.7.0a0|>=3.7,<3.8.0a0|>=3.8,<3.9.0a0']\n\n"
        "Your python: python==3.10.9\n",
    ),
    "gpu/empty-device-list-indexed": (
        "physical_devices = tf.config.experimental.list_physical_devices('GPU')\n"
        "tf.config.experimental.set_memory_growth(physical_devices[0], True)\n"
        "IndexError: list index out of range\n",
        "no-gpu-visible",
        # an IndexError on another list: nothing about the GPU list
        "x = rows[0]\nIndexError: list index out of range\n",
    ),
    "gpu/cuda-packages-on-macos": (
        "Channels:\n - pytorch\n - nvidia\nPlatform: osx-arm64\nSolving environment: failed\n\n"
        "PackagesNotFoundError: The following packages are not available from current channels:\n\n"
        "  - pytorch-cuda=12.1*\n  - cuda-nvcc=12.4.99*\n",
        "platform-unsupported",
        # the same packages missing on Linux: a channel question, not the platform
        "Channels:\n - pytorch\n - defaults\nPlatform: linux-64\nSolving environment: failed\n\n"
        "PackagesNotFoundError: The following packages are not available from current channels:\n\n"
        "  - pytorch-cuda=12.1*\n  - cuda-nvcc=12.4.99*\n",
    ),
    "wheels/uv-hint-no-build-for-this-machine": (
        "  hint: You're on macOS (`macosx_15_0_arm64`), but `torch` (v2.8.0+cu128) only has wheels for the "
        "following platforms: `manylinux_2_28_x86_64`, `win_amd64`\n",
        "platform-unsupported",
        # a newer manylinux of this very OS and architecture: the glibc, not the platform
        "  hint: You're on Linux (`manylinux_2_27_x86_64`), but `torch` (v2.7.0+cu118) only has wheels for the "
        "following platforms: `manylinux_2_28_x86_64`, `win_amd64`\n",
    ),
    "solver/missing-for-this-platform": (
        "C:\\Users\\me> mamba install jax=0.3.25\nCould not solve for environment specs\n"
        "The following package could not be installed\n└─ jax =0.3.25 * is not installable because it requires\n"
        "   └─ jaxlib >=0.3.22 *, which does not exist (perhaps a missing channel).\n",
        "platform-unsupported",
        # jaxlib 0.4.20 had Windows wheels: a missing channel, not the platform
        "C:\\Users\\me> mamba install jax=0.4.20\nCould not solve for environment specs\n"
        "The following package could not be installed\n└─ jax =0.4.20 * is not installable because it requires\n"
        "   └─ jaxlib >=0.4.20 *, which does not exist (perhaps a missing channel).\n",
    ),
    "solver/clash-named": (
        "ERROR: Cannot install requests==2.31.0 and urllib3<1.21 because these package versions have conflicting "
        "dependencies.\n\nThe conflict is caused by:\n    The user requested urllib3<1.21\n"
        "    requests 2.31.0 depends on urllib3<3 and >=1.21.1\n\nTo fix this you could try to:\n",
        "solver-conflict",
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/\n",
    ),
    "solver/a-name-not-on-the-index": (
        "$ uv pip install tensorflow-addonss\nerror: No solution found when resolving dependencies\n"
        "  cause: Because tensorflow-addonss was not found in the package registry and you require "
        "tensorflow-addonss, we can conclude that your requirements are unsatisfiable.\n",
        "solver-conflict",
        "error: No solution found when resolving dependencies\n  cause: Because tensorflow==2.15.0 depends on "
        "numpy>=1.23.5,<2.0.0 and you require numpy>=2.0, we can conclude that your requirements are unsatisfiable.\n",
    ),
    "solver/requests-agree": (
        "ERROR: Cannot install torch==1.13.1 because these package versions have conflicting dependencies.\n\n"
        "The conflict is caused by:\n    The user requested torch==1.13.1\n"
        "    The user requested (constraint) torch<=2.14.1\n\nERROR: ResolutionImpossible: for help visit "
        "https://pip.pypa.io/en/latest/topics/dependency-resolution/\n",
        "solver-conflict",
        "ERROR: Cannot install torch==2.15.0 because these package versions have conflicting dependencies.\n\n"
        "The conflict is caused by:\n    The user requested torch==2.15.0\n"
        "    The user requested (constraint) torch<=2.14.1\n\nERROR: ResolutionImpossible: for help visit "
        "https://pip.pypa.io/en/latest/topics/dependency-resolution/\n",
    ),
    "wheels/old-sdist-on-a-newer-python": (
        "Collecting numpy==1.24.4\n  Downloading numpy-1.24.4.tar.gz (10.9 MB)\n"
        "  Getting requirements to build wheel: started\nERROR: Exception:\n"
        '  File "/srv/.venv/lib/python3.12/site-packages/pip/_internal/cli/base_command.py", line 105, in _run\n'
        '  File "/tmp/pip-build-env-1u4x/overlay/lib/python3.12/site-packages/setuptools/__init__.py", line 10\n'
        "    import distutils.core\nModuleNotFoundError: No module named 'distutils'\n",
        "python-unsupported",
        "Collecting numpy==1.21.6\n  Downloading numpy-1.21.6.zip (10.3 MB)\n"
        '  File "/usr/lib/python3.10/site-packages/setuptools/__init__.py", line 8\n'
        "ModuleNotFoundError: No module named 'distutils.util'\n",
    ),
    "wheels/newer-releases-need-a-newer-glibc": (
        "$ pip download --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.11 -d w h5py==3.16.0\n"
        "ERROR: Could not find a version that satisfies the requirement h5py==3.16.0 (from versions: 3.13.0, 3.14.0)\n"
        "ERROR: No matching distribution found for h5py==3.16.0\n",
        "glibc-too-old",
        "$ pip download --only-binary=:all: --platform manylinux_2_28_x86_64 --python-version 3.11 -d w h5py==3.16.0\n"
        "ERROR: Could not find a version that satisfies the requirement h5py==3.16.0 (from versions: 3.13.0, 3.14.0)\n"
        "ERROR: No matching distribution found for h5py==3.16.0\n",
    ),
    "wheels/no-wheel-is-not-yet-a-reason": (
        NO_WHEEL.format(req="tensorflow", versions="none"),
        "python-unsupported",
        "ERROR: Ignored the following versions that require a different python version: 2.13.0 Requires-Python >=3.8\n"
        "ERROR: No matching distribution found for tensorflow==2.13.0\n",
    ),
    "wheels/refused-wheel-tag": (
        "Python 3.10.4\nERROR: tensorflow-2.4.0-cp38-cp38-win_amd64.whl is not a supported wheel on this platform.\n",
        "python-unsupported",
        # the wheel is this very Python's: its Python tag is not what was refused
        "Python 3.8.10\nERROR: tensorflow-2.4.0-cp38-cp38-win_amd64.whl is not a supported wheel on this platform.\n",
    ),
    "wheels/refused-wheel-tag#glibc": (
        "$ cat /etc/centos-release\nCentOS Linux release 7.9.2009 (Core)\n$ python3 -V\nPython 3.11.4\n"
        "ERROR: demo-1.0-cp311-cp311-manylinux_2_28_x86_64.whl is not a supported wheel on this platform.\n",
        "glibc-too-old",
        # Ubuntu 22.04 has glibc 2.35: a manylinux_2_28 wheel refused there is not the glibc
        "$ lsb_release -d\nDescription: Ubuntu 22.04.3 LTS\n$ python3 -V\nPython 3.11.4\n"
        "ERROR: demo-1.0-cp311-cp311-manylinux_2_28_x86_64.whl is not a supported wheel on this platform.\n",
    ),
    "wheels/refused-wheel-tag#raspberry-pi": (
        "pi@raspberrypi:~ $ sudo pip3 install tensorflow-1.12.0-cp35-none-linux_armv7l.whl\n"
        "tensorflow-1.12.0-cp35-none-linux_armv7l.whl is not a supported wheel on this platform.\n",
        "python-unsupported",
        # the Pi shows a 64-bit OS (aarch64): the armv7l platform tag may be what was refused
        "pi@raspberrypi:~ $ uname -sm\nLinux aarch64\n"
        "$ sudo pip3 install tensorflow-1.12.0-cp35-none-linux_armv7l.whl\n"
        "tensorflow-1.12.0-cp35-none-linux_armv7l.whl is not a supported wheel on this platform.\n",
    ),
    "wheels/refused-wheel-tag#macos-release": (
        # macosx_13_0 on Apple silicon, the Python and the macOS release unshown: the release may be refused
        "MacBook Pro M1 (arm64), pip3 install\n"
        "ERROR: mlc_ai_nightly-0.12.dev1397-cp39-cp39-macosx_13_0_arm64.whl is not a supported wheel "
        "on this platform.\n",
        "platform-unsupported",
        # macosx_11_0 is every Apple-silicon macOS: only the Python tag can be refused
        "MacBook Pro M1 (arm64), pip3 install\n"
        "ERROR: mlc_ai_nightly-0.12.dev1397-cp39-cp39-macosx_11_0_arm64.whl is not a supported wheel "
        "on this platform.\n",
    ),
    "wheels/kb-platform-or-python#release-candidate-era": (
        # TensorFlow 2.0.0rc0 dates the log before tensorflow-text's first Windows wheels (2.4.1, 2020-12)
        "pip install -U tensorflow-text\n"
        "Could not find a version that satisfies the requirement tensorflow-text (from versions: )\n"
        "No matching distribution found for tensorflow-text\n"
        "- Python 3.5.4  [MSC v.1900 64 bit (AMD64)] on win32\n- Tensorflow 2.0.0rc0\n",
        "platform-unsupported",
        # with TensorFlow 2.10 the log is from when tensorflow-text had Windows wheels, for Pythons from 3.6
        "pip install -U tensorflow-text\n"
        "Could not find a version that satisfies the requirement tensorflow-text (from versions: )\n"
        "No matching distribution found for tensorflow-text\n"
        "- Python 3.5.4  [MSC v.1900 64 bit (AMD64)] on win32\n- Tensorflow 2.10.0\n",
    ),
    "wheels/kb-platform-or-python": (
        "Running on macOS intel.\n" + NO_WHEEL.format(req="tensorflow==2.17.0", versions="2.15.0, 2.16.1, 2.16.2"),
        "platform-unsupported",
        NO_WHEEL.format(req="tensorflow==2.17.0", versions="2.15.0, 2.16.1, 2.16.2"),
    ),
    "wheels/offered-versions-name-the-machine": (
        NO_WHEEL.format(req="tensorflow==2.15.0", versions="2.20.0rc0, 2.20.0, 2.21.0"),
        "python-unsupported",
        NO_WHEEL.format(req="tensorflow==2.15.0", versions="2.20.0"),
    ),
    "wheels/last-release-for-platform": (
        NO_WHEEL.format(req="torchvision==0.20.1", versions="0.16.0, 0.16.1, 0.16.2, 0.17.0, 0.17.1, 0.17.2"),
        "platform-unsupported",
        NO_WHEEL.format(req="torchvision==0.15.0", versions="0.16.0, 0.17.2"),
    ),
    "wheels/machine-has-no-build": (
        '/ # cat /etc/os-release\nNAME="Alpine Linux"\n' + NO_WHEEL.format(req="tensorflow", versions="none"),
        "platform-unsupported",
        "Ubuntu 22.04\n" + NO_WHEEL.format(req="tensorflow", versions="none"),
    ),
    "wheels/python-no-release-supports": (
        "Python 3.14.0\n" + NO_WHEEL.format(req="tensorflow", versions="none"),
        "python-unsupported",
        "Python 3.10.12\n" + NO_WHEEL.format(req="tensorflow", versions="none"),
    ),
    "wheels/which-build-fits": (
        # the list is what Python 3.8 saw (TF 2.2 was the first with 3.8 wheels); 1.15.0 has none for 3.8
        NO_WHEEL.format(req="tensorflow==1.15.0", versions="2.2.0, 2.2.1, 2.3.0, 2.3.1, 2.4.0"),
        "python-unsupported",
        # a list no Python / platform ever saw (2.3.0 without 2.2.x): no hypothesis fits, nothing is read
        NO_WHEEL.format(req="tensorflow==1.15.0", versions="2.3.0, 2.4.0, 2.20.0"),
    ),
    "wheels/which-build-fits#any-package": (
        # any package the wheel tables know, not only the frameworks the signatures name: onnxruntime
        # 1.17.0 was the first with cp312 wheels, so this list is Python 3.12's; 1.15.1 has none for it
        NO_WHEEL.format(req="onnxruntime==1.15.1", versions="1.17.0, 1.17.1, 1.17.3, 1.18.0, 1.18.1"),
        "python-unsupported",
        # a package no table knows: nothing to read the list against
        NO_WHEEL.format(req="somepkg==1.0", versions="0.8, 0.9"),
    ),
    "wheels/x86-build-on-apple-silicon": (
        "I am on a MacBook Pro M1 (arm64)\n>>> import tensorflow\nzsh: illegal hardware instruction  python\n",
        "platform-unsupported",
        "Ubuntu 20.04 x86_64\n>>> import tensorflow\nIllegal instruction (core dumped)\n",
    ),
    "packages/numpy-abi-from-the-build": (
        "Successfully installed numpy-2.0.1 tensorflow-2.15.0\n>>> import tensorflow\n"
        "ImportError: numpy.core._multiarray_umath failed to import\n",
        "numpy-abi",
        "Successfully installed numpy-2.0.1 tensorflow-2.18.0\n>>> import tensorflow\nImportError: something\n",
    ),
    "packages/pip-reports-a-dependency-out-of-range": (
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. "
        "This behaviour is the source of the following dependency conflicts.\n"
        "tensorflow 2.15.0 requires protobuf!=4.21.0,<5.0.0dev,>=3.20.3, but you have protobuf 5.27.0 which is "
        "incompatible.\nTypeError: Descriptors cannot be created directly (protobuf)\n",
        "protobuf-mismatch",
        "Requirement already satisfied: protobuf in ./venv/lib/python3.11/site-packages (4.25.3)\n",
    ),
    "gpu/check-answer-negative": (
        ">>> import torch\n>>> torch.cuda.is_available()\nFalse\n",
        "no-gpu-visible",
        ">>> import torch\n>>> torch.cuda.is_available()\nTrue\n",
    ),
    "gpu/device-list-without-gpu": (
        "from tensorflow.python.client import device_lib\nprint(device_lib.list_local_devices())\n\n"
        '[name: "/device:CPU:0"\ndevice_type: "CPU"\nmemory_limit: 268435456\n]\n',
        "no-gpu-visible",
        'print(device_lib.list_local_devices())\n[name: "/device:CPU:0"\ndevice_type: "CPU"\n'
        'name: "/device:GPU:0"\ndevice_type: "GPU"\n]\n',
    ),
    "gpu/asked-and-answered": (
        "print(torch.cuda.is_available())\nUserWarning: CUDA initialization: Found no NVIDIA driver on your system.\n",
        "no-gpu-visible",
        "UserWarning: CUDA initialization: Found no NVIDIA driver on your system.\n",
    ),
    "gpu/windows-tensorflow-after-2.10": (
        'C:\\Users\\me> python -c "import tensorflow as tf; print(tf.__version__)"\n'
        "2.15.0\ntensorflow version: 2.15.0\n"
        "Num GPUs Available:  0\n",
        "platform-unsupported",
        "C:\\Users\\me> python\ntensorflow version: 2.10.1\nNum GPUs Available:  0\n",
    ),
    "packages/pydantic-v1-field-analysis": (
        "in pydantic.fields.ModelField._type_analysis:550\nTypeError: issubclass() arg 1 must be a class\n",
        "dependency-version-mismatch",
        # the same TypeError in the user's own code, pydantic nowhere near it
        'File "train.py", line 3, in check\nTypeError: issubclass() arg 1 must be a class\n',
    ),
    "installs/conda-cannot-remove-what-pip-installed": (
        "(env) $ conda uninstall pandas=2.2.2\nSolving environment: failed\n"
        "PackagesNotFoundError: The following packages are missing from the target environment:\n  - pandas=2.2.2\n"
        "(env) $ conda list pandas\ngeopandas                 0.14.3                   pypi_0    pypi\n",
        "mixed-pip-conda",
        # nothing pip installed is shown: a package that was never there reads the same
        "(env) $ conda uninstall pandas=2.2.2\nSolving environment: failed\n"
        "PackagesNotFoundError: The following packages are missing from the target environment:\n  - pandas=2.2.2\n",
    ),
    "gpu/onnxruntime-provider-requires": (
        "The cuda is 12.6 and the cudnn is 9.3.\n"
        "Failed to create CUDAExecutionProvider. Require cuDNN 8.* and CUDA 12.*. Please install all dependencies\n",
        "cuda-version-mismatch",
        # the machine's cuDNN is the build's major: not a mismatch
        "The cuda is 12.6 and the cudnn is 8.9.\n"
        "Failed to create CUDAExecutionProvider. Require cuDNN 8.* and CUDA 12.*. Please install all dependencies\n",
    ),
    "gpu/library-wanted-vs-present": (
        "Cuda compilation tools, release 12.2, V12.2.140\n" + CUDA_WARNING,
        "cuda-version-mismatch",
        "Cuda compilation tools, release 11.2, V11.2.152\n" + CUDA_WARNING,
    ),
    "gpu/library-of-the-build-missing": (
        "tensorflow version: 2.10.0\n" + CUDA_WARNING.replace(" W ", " E "),
        "cuda-libs-missing",
        "tensorflow version: 2.15.0\n" + CUDA_WARNING.replace(" W ", " E "),
    ),
    "packages/a-package-states-its-dependency-range": (
        "ImportError: Numba needs NumPy 2.0 or less. Got NumPy 2.1.\n",
        "dependency-version-mismatch",
        # the same check about the interpreter is the Python's cause, not a dependency's
        "ImportError: Numba needs Python 3.9 or greater. Got Python 3.8.\n",
    ),
    "errors/path-over-the-windows-limit": (
        "Installation fails and abort due to nodejs long paths\nC:\\Users\\yann\\wpy\\WinPython64-3.7.0.2\\t\\n\\"
        + "node_modules\\deep" * 16
        + "\\index.js\n",
        "windows-long-paths",
        # a long Windows path under the limit
        "C:\\Users\\yann\\wpy\\WinPython64-3.7.0.2\\t\\n\\" + "node_modules\\deep" * 8 + "\\index.js\n",
    ),
    "leakage/works-in-the-shell-not-in-the-notebook": (
        "When I import scipy in the Python in command prompt, it works fine as below\n>>> import scipy\n>>>\n"
        "But when I use the same in the Jupyter notebook, I am getting -\nImportError: No module named 'scipy'\n",
        "wrong-interpreter",
        # works in the shell, and nothing about another program
        "When I import scipy in the Python in command prompt, it works fine as below\n>>> import scipy\n"
        "Then I upgraded it.\nImportError: No module named 'scipy'\n",
    ),
    "leakage/works-in-the-shell-not-in-the-notebook#said-after": (
        # the IDE named, the import fails, then the shell run "doesnt show any error"
        "I have installed spyder and tensorflow, I am not sure how to make it work in the spyder IDE\n"
        "`import tensorflow as tf`\nwhen I click run it shows\n`ImportError: No module named 'tensorflow`\n\n"
        "If I execute it with the command line\n`(tensorflow)me@pc:~/ python test.py`\n\nit doesnt show any error.\n",
        "wrong-interpreter",
        # no IDE or notebook named: two shells, not two programs
        "I am not sure how to make it work\n"
        "`import tensorflow as tf`\nwhen I click run it shows\n`ImportError: No module named 'tensorflow`\n\n"
        "If I execute it with the command line\n`(tensorflow)me@pc:~/ python test.py`\n\nit doesnt show any error.\n",
    ),
    "leakage/imports-in-another-environment": (
        "I activated `my_env` in Anaconda and run\npip install dtaidistance\nHowever, there is\n"
        "ImportError: No module named dtaidistance\nIf I activate `base` in Anaconda, the module can be imported.\n",
        "wrong-interpreter",
        # no other environment imports it
        "I activated `my_env` in Anaconda and run\npip install dtaidistance\nHowever, there is\n"
        "ImportError: No module named dtaidistance\nIf I reinstall it, the same error comes back.\n",
    ),
    "leakage/project-file-shadows-an-installed-module": (
        'Traceback (most recent call last):\n  File "/home/a/miniconda2/lib/python2.7/site-packages/conda/resolve.py", '
        'line 9, in <module>\n    from tqdm import tqdm\n  File "/mnt/c/git/project/tqdm.py", line 14\n'
        "    def tqdm(arg: Any) -> Any:\nSyntaxError: invalid syntax\n",
        "env-leakage",
        # the project's own module imported by the project's code: no installed module shadowed
        'Traceback (most recent call last):\n  File "/mnt/c/git/project/main.py", line 9, in <module>\n'
        '    from tqdm import tqdm\n  File "/mnt/c/git/project/tqdm.py", line 14\nSyntaxError: invalid syntax\n',
    ),
    "wheels/release-for-this-python-hidden-by-the-distros-glibc": (
        "I am on centos 7 with python 3.10.0\n$ pip install onnxruntime==1.18.1\n"
        "ERROR: Could not find a version that satisfies the requirement onnxruntime==1.18.1 (from versions: 1.15.1, "
        "1.16.0, 1.16.3)\nERROR: No matching distribution found for onnxruntime==1.18.1\n",
        "glibc-too-old",
        # Python 3.7 has no onnxruntime 1.18.1 wheel: the Python, not the glibc
        "I am on centos 7 with python 3.7.9\n$ pip install onnxruntime==1.18.1\n"
        "ERROR: Could not find a version that satisfies the requirement onnxruntime==1.18.1 (from versions: 1.13.1, "
        "1.14.1)\nERROR: No matching distribution found for onnxruntime==1.18.1\n",
    ),
    "installs/abi-clash-in-the-anaconda-distribution": (
        "A module that was compiled using NumPy 1.x cannot be run in\n"
        "NumPy 2.2.3 as it may crash. To support both 1.x and 2.x\n"
        "versions of NumPy, modules must be compiled with NumPy 2.0.\n"
        'Traceback (most recent call last):  File "C:\\Users\\Hp\\anaconda3\\Lib\\site-packages\\spyder\\app.py", '
        "line 4, in main\n",
        "mixed-pip-conda",
        # the same clash in a Miniconda env: conda's own env, whose NumPy pip or conda may have put there
        "A module that was compiled using NumPy 1.x cannot be run in\n"
        "NumPy 2.2.3 as it may crash. To support both 1.x and 2.x\n"
        "versions of NumPy, modules must be compiled with NumPy 2.0.\n"
        'Traceback (most recent call last):  File "C:\\Users\\Hp\\miniconda3\\envs\\tf\\Lib\\site-packages\\'
        'spyder\\app.py", line 4, in main\n',
    ),
    "packages/h5py-3-strings-under-an-old-keras": (
        '  File "/usr/local/lib64/python3.6/site-packages/keras/engine/saving.py", line 1145, in load_weights\n'
        "    original_keras_version = f.attrs['keras_version'].decode('utf8')\n"
        "AttributeError: 'str' object has no attribute 'decode'\n",
        "dependency-version-mismatch",
        # the same error in the user's own code: no HDF5 loader of Keras in it
        '  File "/home/me/train.py", line 10, in <module>\n    name = label.decode("utf8")\n'
        "AttributeError: 'str' object has no attribute 'decode'\n",
    ),
    "wheels/nothing-at-all-for-an-untabled-package": (
        "Using pip 24.3.1 from C:\\Users\\v\\AppData\\Local\\Programs\\Python\\Python313\\Lib\\site-packages\\pip "
        "(python 3.13)\nERROR: Could not find a version that satisfies the requirement sherpa-onnx "
        "(from versions: none)\n"
        "ERROR: No matching distribution found for sherpa-onnx\n",
        "python-unsupported",
        # Python 3.11 under that pip: two years old, not why; and no wheel-poor machine shown
        "Using pip 24.3.1 from C:\\Users\\v\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\site-packages\\pip "
        "(python 3.11)\nERROR: Could not find a version that satisfies the requirement sherpa-onnx "
        "(from versions: none)\n"
        "ERROR: No matching distribution found for sherpa-onnx\n",
    ),
    "packages/keras-of-tf2-under-tf1": (
        "tensorflow 1.15.2\n"
        '  File "/usr/local/lib/python3.7/dist-packages/keras/initializers/__init__.py", line 49, in populate\n'
        "    LOCAL.GENERATED_WITH_V2 = tf.__internal__.tf2.enabled()\n"
        "AttributeError: module 'tensorflow.compat.v2' has no attribute '__internal__'\n",
        "keras-version-mismatch",
        # the same Keras under TensorFlow 2.4: not TensorFlow 1
        "tensorflow 2.4.1\n"
        '  File "/usr/local/lib/python3.7/dist-packages/keras/initializers/__init__.py", line 49, in populate\n'
        "    LOCAL.GENERATED_WITH_V2 = tf.__internal__.tf2.enabled()\n"
        "AttributeError: module 'tensorflow.compat.v2' has no attribute '__internal__'\n",
    ),
    "packages/a-typing-name-an-old-typing-extensions-lacks": (
        "With `typing-extensions==3.7.2` I get the following importation error:\n"
        "ImportError: cannot import name 'runtime_checkable'\n",
        "dependency-version-mismatch",
        # a name that is no typing_extensions addition
        "With `typing-extensions==3.7.2` I get the following importation error:\n"
        "ImportError: cannot import name 'load_model'\n",
    ),
    "gpu/driver-library-missing": (
        "Could not load dynamic library 'libcuda.so.1'; dlerror: libcuda.so.1: cannot open shared object file\n",
        "no-gpu-visible",
        # cuDNN asking for the unversioned development link: the loader path, not the driver
        "Could not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file\n",
    ),
    "gpu/container-started-without-the-gpu": (
        "docker run -it anibali/pytorch:1.4.0-cuda10.1 sh\nbash: nvidia-smi: command not found\n",
        "no-gpu-visible",
        "docker run --gpus all -it anibali/pytorch:1.4.0-cuda10.1 sh\nbash: nvidia-smi: command not found\n",
    ),
    "gpu/a-cuda-build-sees-no-gpu": (
        "pip install torch==2.1.0\nPython 3.10.12 on linux\n>>> import torch\n>>> torch.cuda.is_available()\nFalse\n",
        "driver-too-old",
        # nvidia-smi shown: the driver is a fact, not a question
        NVIDIA_SMI_122
        + "pip install torch==2.1.0\nPython 3.10.12 on linux\n>>> import torch\n>>> torch.cuda.is_available()\nFalse\n",
    ),
    "gpu/no-nvidia-gpu-in-the-machine": (
        "CUDA driver version is insufficient for CUDA runtime version\nMy laptop has Intel UHD Graphics 620\n",
        "no-gpu-visible",
        "CUDA driver version is insufficient for CUDA runtime version\nIntel UHD Graphics 620 and a GeForce GTX 1050\n",
    ),
    "packages/standalone-keras-out-of-step-with-tensorflow": (
        "tensorflow 2.9.1\nkeras 2.10.0\n"
        '  File "/env/lib/python3.9/site-packages/keras/__init__.py", line 21, in <module>\n',
        "keras-version-mismatch",
        "tensorflow 2.9.1\nkeras 2.9.0\n"
        '  File "/env/lib/python3.9/site-packages/keras/__init__.py", line 21, in <module>\n',
    ),
    "packages/traceback-cut-in-generated-protobuf-code": (
        'Traceback (most recent call last):\n  File "/env/lib/python3.9/site-packages/tb/summary_pb2.py", line 17, '
        "in <module>\n",
        "protobuf-mismatch",
        'Traceback (most recent call last):\n  File "/env/lib/python3.9/site-packages/tb/summary_pb2.py", line 17, '
        "in <module>\nKeyboardInterrupt: interrupted\n",
    ),
    "leakage/python-and-pip-are-two-pythons": (
        "$ python3 --version\nPython 3.8.6\n$ pip3 --version\npip 20.2.3 from /usr/lib/python3.9/site-packages/pip "
        "(python 3.9)\n",
        "wrong-interpreter",
        "$ python3 --version\nPython 3.9.1\n$ pip3 --version\npip 20.2.3 from /usr/lib/python3.9/site-packages/pip "
        "(python 3.9)\n",
    ),
    "gpu/driver-older-than-build": (
        "| NVIDIA-SMI 470.82.01    Driver Version: 470.82.01    CUDA Version: 11.4     |\n"
        "torch 2.1.0+cu121\nRuntimeError: CUDA error: no kernel image\n",
        "driver-too-old",
        "| NVIDIA-SMI 535.54.03    Driver Version: 535.54.03    CUDA Version: 12.2     |\ntorch 2.1.0+cu121\n",
    ),
    "gpu/library-wanted-vs-present#pip-wheel": (
        # pip's cuDNN wheel is cuDNN 8; the provider asks for libcudnn.so.9: another major installed
        "nvidia-cudnn-cu12          8.9.2.26\n" + CUDNN9_FAIL,
        "cuda-version-mismatch",
        # the wheel is cuDNN 9 itself: the library is installed and not found (a path question)
        "nvidia-cudnn-cu12          9.1.0.70\n" + CUDNN9_FAIL,
    ),
    "gpu/library-wanted-vs-present#same-major-soname": (
        # CUDA 11.1 ships libcusolver.so.11: TensorFlow 2.4's libcusolver.so.10 is CUDA 10.1-11.0's
        "Could not load dynamic library 'libcusolver.so.10'; dlerror: libcusolver.so.10: cannot open shared "
        "object file: No such file or directory;\n\nUbuntu 20.0\npython 3.8\ncuda 11.1\ntensorflow 2.4.0\n",
        "cuda-version-mismatch",
        # CUDA 11.0 does ship libcusolver.so.10: nothing tells another version
        "Could not load dynamic library 'libcusolver.so.10'; dlerror: libcusolver.so.10: cannot open shared "
        "object file: No such file or directory;\n\nUbuntu 20.0\npython 3.8\ncuda 11.0\ntensorflow 2.4.0\n",
    ),
    "gpu/library-wanted-vs-present#build-cuda-on-the-same-line": (
        # the user's CUDA 7.5 beside the build's CUDA 8.0 on one line: 7.5 is the machine's
        "ZED Explorer: error while loading shared libraries: libcudart.so.8.0: cannot open shared object file: "
        "No such file or directory\nI have installed CUDA 7.5 successfully, and libcudart.so.8.0 is a lib file "
        "for the CUDA 8.0\n",
        "cuda-version-mismatch",
        "ZED Explorer: error while loading shared libraries: libcudart.so.8.0: cannot open shared object file: "
        "No such file or directory\nlibcudart.so.8.0 is a lib file for the CUDA 8.0\n",
    ),
    "solver/linux-only-conda-packages-elsewhere": (
        "ResolvePackageNotFound:\n  - libgcc-ng=9.3.0\n  - nccl=2.12.12.1\n\nI run it on the Windows.\n",
        "platform-unsupported",
        # the same list on Linux: a channel question, not the platform
        "ResolvePackageNotFound:\n  - libgcc-ng=9.3.0\n  - nccl=2.12.12.1\n\nI run it on Ubuntu 22.04 (Linux).\n",
    ),
    "solver/pinned-nightly-pruned": (
        "ERROR: Could not find a version that satisfies the requirement\n"
        "tf-nightly==2.6.0.dev20210412 (from versions: 2.6.0.dev20210501,\n2.6.0.dev20210502, 2.6.0.dev20210503)\n"
        "ERROR: No matching distribution found for tf-nightly==2.6.0.dev20210412\n",
        "package-removed",
        # builds older than the pin are listed too: the gap is not pruning
        "ERROR: Could not find a version that satisfies the requirement\n"
        "tf-nightly==2.6.0.dev20210412 (from versions: 2.6.0.dev20210401,\n2.6.0.dev20210502, 2.6.0.dev20210503)\n"
        "ERROR: No matching distribution found for tf-nightly==2.6.0.dev20210412\n",
    ),
    "gpu/no-gpu-beside-a-stack-fault": (
        # the CUDA runtime does not load, then TensorFlow lists only its CPU: the library is why
        CUDA_WARNING + DEVICE_LIST_CPU,
        "cuda-libs-missing",
        DEVICE_LIST_CPU,
    ),
    "gpu/no-gpu-beside-a-stack-fault#driver": (
        # a working driver and a build whose CUDA the log does not show: one device list may not decide
        NVIDIA_SMI_122 + DEVICE_LIST_CPU,
        "no-gpu-visible",
        # the framework says its build has no CUDA: that is why, whatever the driver
        NVIDIA_SMI_122 + "AssertionError: Torch not compiled with CUDA enabled\n",
    ),
    "gpu/cpu-only-build": (
        "torch 2.3.0+cpu\n>>> torch.cuda.is_available()\nFalse\n",
        "no-gpu-visible",
        "torch 2.3.0+cu121\n>>> torch.cuda.is_available()\nFalse\n",
    ),
    "gpu/cpu-only-build#windows-wheel": (
        "  Downloading torch-1.7.1-cp38-cp38-win_amd64.whl (184.0 MB)\n"
        "Successfully installed torch-1.7.1\n>>> torch.cuda.is_available()\nFalse\n",
        "no-gpu-visible",
        "  Downloading torch-1.7.1-cp38-cp38-manylinux1_x86_64.whl (776.8 MB)\n"
        "Successfully installed torch-1.7.1\n>>> torch.cuda.is_available()\nFalse\n",
    ),
    "gpu/cuda-on-macos": (
        "is mac actually supported?\nAssertionError: Torch not compiled with CUDA enabled\n",
        "platform-unsupported",
        "Ubuntu 22.04\nAssertionError: Torch not compiled with CUDA enabled\n",
    ),
    "gpu/runtime-stub-vs-toolkit": (
        "Name: tensorflow\nVersion: 2.13.0\n>>> tf.config.list_physical_devices('GPU')\nCUDA Version 12.1.1\n"
        "I tensorflow/tsl/cuda/cudart_stub.cc:28] Could not find cuda drivers on your machine, GPU will not be used.\n",
        "cuda-version-mismatch",
        "Name: tensorflow\nVersion: 2.13.0\n>>> tf.config.list_physical_devices('GPU')\n"
        "I tensorflow/tsl/cuda/cudart_stub.cc:28] Could not find cuda drivers on your machine, GPU will not be used.\n",
    ),
    "leakage/installed-here-running-there": (
        "$ pip install torch\nSuccessfully installed torch-2.3.1\n$ python train.py\n"
        "ModuleNotFoundError: No module named 'torch'\n",
        WRONG_INTERPRETER,
        "$ python train.py\nModuleNotFoundError: No module named 'torch'\n",
    ),
    "leakage/kernel-cannot-import-framework": (
        "Cell In[1], line 1\n----> 1 import tensorflow as tf\nModuleNotFoundError: No module named 'tensorflow'\n",
        WRONG_INTERPRETER,
        "$ python train.py\nModuleNotFoundError: No module named 'tensorflow'\n",
    ),
    "leakage/one-traceback-two-installations": (
        'Traceback (most recent call last):\n  File "/home/u/.local/bin/pip", line 5, in <module>\n'
        '  File "/usr/lib/python3/dist-packages/pip/_internal/cli/main.py", line 9, in <module>\n'
        "ImportError: cannot import name 'main'\n",
        "env-leakage",
        'Traceback (most recent call last):\n  File "/usr/bin/pip", line 5, in <module>\n'
        '  File "/usr/lib/python3/dist-packages/pip/_internal/cli/main.py", line 9, in <module>\n'
        "ImportError: cannot import name 'main'\n",
    ),
    "leakage/local-copy-shadows-the-install": (
        "ImportError: cannot import name 'TypeAliasType' from 'typing_extensions' "
        "(/proj/vendor/typing_extensions.py)\n",
        "env-leakage",
        "ImportError: cannot import name 'TypeAliasType' from 'typing_extensions' "
        "(/proj/.venv/lib/python3.11/site-packages/typing_extensions.py)\n",
    ),
    "leakage/frames-outside-the-active-env": (
        "(.venv) $ python train.py\nTraceback (most recent call last):\n"
        '  File "/proj/other-env/lib/python3.10/site-packages/numpy/core/__init__.py", line 24, in <module>\n'
        "ModuleNotFoundError: No module named 'numpy.core._multiarray_umath'\n",
        "env-leakage",
        "(.venv) $ python train.py\nTraceback (most recent call last):\n"
        '  File "/proj/.venv/lib/python3.10/site-packages/numpy/core/__init__.py", line 24, in <module>\n'
        "ModuleNotFoundError: No module named 'numpy.core._multiarray_umath'\n",
    ),
    "leakage/two-installations": (
        'File "/home/u/miniconda3/envs/tf/lib/python3.10/site-packages/keras/__init__.py", line 3\n'
        'File "/home/u/.local/lib/python3.10/site-packages/numpy/__init__.py", line 1\n',
        "env-leakage",
        'File "/home/u/miniconda3/envs/tf/lib/python3.10/site-packages/keras/__init__.py", line 3\n',
    ),
    "leakage/pythonpath-names-another-install": (
        "(.venv) $ export PYTHONPATH=/opt/other/lib/python3.11/site-packages; python -c 'import pandas'\n" + PANDAS_ABI,
        "env-leakage",
        # PYTHONPATH names the running environment's own site-packages: nothing foreign
        "(.venv) $ export PYTHONPATH=/proj/.venv/lib/python3.11/site-packages; python -c 'import pandas'\n"
        + PANDAS_ABI,
    ),
    "leakage/symptom-package-from-another-install": (
        "$ python -c 'import numpy; print(numpy.__file__)'\n"
        "/home/u/.local/lib/python3.11/site-packages/numpy/__init__.py\n" + PANDAS_ABI,
        "env-leakage",
        "$ python -c 'import numpy; print(numpy.__file__)'\n"
        "/proj/.venv/lib/python3.11/site-packages/numpy/__init__.py\n" + PANDAS_ABI,
    ),
    "leakage/error-names-another-install": (
        "Traceback (most recent call last):\n"
        '  File "/opt/conda/envs/tf-gpu/lib/python3.7/site-packages/perception/image.py", line 11, in <module>\n'
        "    import cv2\n"
        "ImportError: /opt/ros/kinetic/lib/python2.7/dist-packages/cv2.so: undefined symbol: PyCObject_Type\n",
        "env-leakage",
        # the failing file is the running env's own
        "Traceback (most recent call last):\n"
        '  File "/opt/conda/envs/tf-gpu/lib/python3.7/site-packages/perception/image.py", line 11, in <module>\n'
        "    import cv2\n"
        "ImportError: /opt/conda/envs/tf-gpu/lib/python3.7/site-packages/cv2.so: undefined symbol: PyCObject_Type\n",
    ),
    "packages/no-version-meets-both-requirements": (
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are "
        "installed. This behaviour is the source of the following dependency conflicts.\n"
        "google-api-core 2.10.1 requires protobuf<5.0.0dev,>=3.20.1, but you have protobuf 3.19.5 which is "
        "incompatible.\n"
        "tensorflow 2.10.0 requires protobuf<3.20,>=3.9.2, but you have protobuf 3.20.1 which is incompatible.\n",
        "solver-conflict",
        # two ranges that meet (protobuf 3.19.x fits both): a dependency out of range, not a clash
        "google-api-core 2.8.0 requires protobuf<5.0.0dev,>=3.15.0, but you have protobuf 3.12.0 which is "
        "incompatible.\n"
        "tensorflow 2.10.0 requires protobuf<3.20,>=3.9.2, but you have protobuf 3.20.1 which is incompatible.\n",
    ),
    "solver/pinned-pre-release-gone": (
        "ERROR: Could not find a version that satisfies the requirement tensorflow-gpu==2.3.0rc0 (from versions: "
        "2.2.0, 2.2.1, 2.3.0, 2.3.1, 2.4.0, 2.7.0rc0, 2.7.0)\n"
        "ERROR: No matching distribution found for tensorflow-gpu==2.3.0rc0\n",
        "package-removed",
        # the final release is not listed either: this Python or machine has no 2.3 at all
        "ERROR: Could not find a version that satisfies the requirement tensorflow-gpu==2.3.0rc0 (from versions: "
        "2.5.0, 2.6.0, 2.7.0rc0, 2.7.0)\n"
        "ERROR: No matching distribution found for tensorflow-gpu==2.3.0rc0\n",
    ),
    "installs/one-installer-removes-the-others-package": (
        "conda install -y -c conda-forge pynvml\npip uninstall -y pynvml\npip install pynvml\n"
        "conda uninstall -y pynvml\n$ pip install pynvml\n"
        "WARNING: No metadata found in /opt/conda/envs/main/lib/python3.8/site-packages\n"
        "ERROR: Could not install packages due to an EnvironmentError: [Errno 2] No such file or directory: "
        "'/opt/conda/envs/main/lib/python3.8/site-packages/pynvml-8.0.4.dist-info/METADATA'\n",
        "mixed-pip-conda",
        # two ways to install one package, listed as alternatives: nothing removed by the other installer
        "Install with conda:\nconda install pytorch3d -c pytorch3d\nor with pip:\n"
        'pip install "git+https://github.com/facebookresearch/pytorch3d.git"\n'
        "pip install pytorch3d\nModuleNotFoundError: No module named 'pytorch3d'\n",
    ),
    "installs/pip-broke-conda-itself#pip-run-on-conda": (
        # the user ran pip on conda itself; conda's own script then fails
        "I updated conda via pip\n$pip update conda\nthen conda doesn't work anymore\n$ conda\n"
        'Traceback (most recent call last):\n  File "//anaconda/bin/conda", line 7, in <module>\n'
        "    from conda.cli.pip_warning import main\nImportError: No module named 'conda'\n",
        "mixed-pip-conda",
        # conda updated by conda: no pip touched it
        "$ conda update conda\n$ conda\nTraceback (most recent call last):\n"
        '  File "//anaconda/bin/conda", line 7, in <module>\n'
        "    from conda.cli.pip_warning import main\nImportError: No module named 'conda'\n",
    ),
    "installs/conda-package-without-pip-metadata": (
        "Could not install packages due to an EnvironmentError: [Errno 2] No such file or directory: "
        "'/Users/me/anaconda3/lib/python3.7/site-packages/pandas-0.25.1.dist-info/METADATA'\n",
        "mixed-pip-conda",
        # the same broken dist-info in a system Python: no second installer to name
        "Could not install packages due to an EnvironmentError: [Errno 2] No such file or directory: "
        "'/usr/lib/python3/dist-packages/pandas-0.25.1.dist-info/METADATA'\n",
    ),
    "installs/older-numpy-files-in-a-conda-env": (
        "ImportError: Something is wrong with the numpy installation. While importing we detected an older "
        "version of numpy in ['/home/me/miniconda2/envs/sunbeam/lib/python3.6/site-packages/numpy']. One method "
        "of fixing this is to repeatedly uninstall numpy until none is found, then reinstall this version.\n",
        "mixed-pip-conda",
        "ImportError: Something is wrong with the numpy installation. While importing we detected an older "
        "version of numpy in ['/usr/local/lib/python3.6/site-packages/numpy']. One method "
        "of fixing this is to repeatedly uninstall numpy until none is found, then reinstall this version.\n",
    ),
    "errors/conda-extracted-path-over-the-limit": (
        "CondaVerificationError: The package for pytorch located at C:\\stable deffusion\\stable-diffusion-ui-windows"
        "\\stable-diffusion-ui\\installer_files\\env\\pkgs\\pytorch-1.11.0-py3.8_cuda11.3_cudnn8_0\n"
        "appears to be corrupted. The path 'Lib/site-packages/caffe2/python/serialized_test/data/operator_test/"
        "collect_and_distribute_fpn_rpn_proposals_op_test.test_collect_and_dist.zip'\n"
        "specified in the package manifest cannot be found.\n",
        "windows-long-paths",
        # a short folder and file: under the limit, a corrupt package reads the same
        "CondaVerificationError: The package for pytorch located at C:\\conda\\pkgs\\pytorch-1.11.0\n"
        "appears to be corrupted. The path 'Lib/site-packages/torch/__init__.py'\n"
        "specified in the package manifest cannot be found.\n",
    ),
    "installs/pip-broke-conda-itself": (
        "$ conda create -n py27 python==2.7.13\n$ source activate py27\n$ pip install featuretools\n"
        "(py27) $ conda\nTraceback (most recent call last):\n"
        '  File "/opt/conda/envs/py27/bin/conda", line 4, in <module>\n    import conda.cli\n'
        "ImportError: No module named conda.cli\n",
        "mixed-pip-conda",
        # conda's own traceback with no pip install before it: a conda bug, not pip's doing
        "$ conda create -n py27 python==2.7.13\n$ source activate py27\n"
        "(py27) $ conda\nTraceback (most recent call last):\n"
        '  File "/opt/conda/envs/py27/bin/conda", line 4, in <module>\n    import conda.cli\n'
        "ImportError: No module named conda.cli\n",
    ),
    "packages/tensorflow-without-its-keras": (
        "tensorflow 2.8.0\n"
        '  File "/env/lib/python3.9/site-packages/tensorflow/python/util/lazy_loader.py", line 62, in __getattr__\n'
        "ModuleNotFoundError: No module named 'keras'\n",
        "keras-version-mismatch",
        # a submodule of keras missing is another story (keras.src, keras.engine: the Keras version)
        "tensorflow 2.8.0\n"
        '  File "/env/lib/python3.9/site-packages/tensorflow/python/util/lazy_loader.py", line 62, in __getattr__\n'
        "ModuleNotFoundError: No module named 'keras.engine'\n",
    ),
    "leakage/pip-in-a-conda-env-without-python": (
        "conda create -n bunnies\nconda activate bunnies\npip install see\n"
        "ModuleNotFoundError: No module named 'see'\n",
        "wrong-interpreter",
        # the environment was created with Python: its own pip ran
        "conda create -n bunnies python=3.11 -y\nconda activate bunnies\npip install see\n"
        "ModuleNotFoundError: No module named 'see'\n",
    ),
    "solver/only-yanked-releases-match": (
        "ERROR: Ignored the following yanked versions: 2.4.0, 2.5.0\n"
        "ERROR: Could not find a version that satisfies the requirement ipex==2.5.* (from versions: 2.6.0)\n",
        "package-removed",
        # the yanked releases are not what the request allows
        "ERROR: Ignored the following yanked versions: 2.4.0, 2.5.0\n"
        "ERROR: Could not find a version that satisfies the requirement ipex==2.9.* (from versions: 2.6.0)\n",
    ),
    "solver/a-listed-release-was-not-taken": (
        "ERROR: Could not find a version that satisfies the requirement ipex>=2.5,<2.6 (from versions: 2.4.0, 2.5.0)\n",
        "package-removed",
        # no listed release fits the request: another story
        "ERROR: Could not find a version that satisfies the requirement ipex>=2.7 (from versions: 2.4.0, 2.5.0)\n",
    ),
    "installs/one-project-under-two-names": (
        "# pip list | grep ruamel\nruamel-yaml        0.15.46\nruamel.yaml        0.16.5\n",
        "mixed-pip-conda",
        # two projects whose names only share a prefix
        "ruamel.yaml        0.16.5\nruamel.yaml.clib   0.2.0\n",
    ),
    "installs/condas-ruamel-yaml-is-not-pips": (
        '  File "/opt/conda/lib/python3.6/site-packages/bentoml/utils/usage_stats.py", line 22, in <module>\n'
        "    from ruamel.yaml import YAML\nModuleNotFoundError: No module named 'ruamel'\n",
        "mixed-pip-conda",
        # the same in a venv: pip's ruamel.yaml missing, nothing of conda's in sight
        '  File "/home/me/venv/lib/python3.6/site-packages/bentoml/utils/usage_stats.py", line 22, in <module>\n'
        "    from ruamel.yaml import YAML\nModuleNotFoundError: No module named 'ruamel'\n",
    ),
    "installs/a-wheels-vendored-library-in-a-conda-env": (
        '  File "/tmp/anaconda/envs/np-test/lib/python3.6/site-packages/numpy/core/__init__.py", line 16, in <module>\n'
        "ImportError: libopenblasp-r0-39a31c03.2.18.so: cannot open shared object file: No such file or directory\n",
        "mixed-pip-conda",
        # a library without auditwheel's hash in its name
        '  File "/tmp/anaconda/envs/np-test/lib/python3.6/site-packages/numpy/core/__init__.py", line 16, in <module>\n'
        "ImportError: libopenblas.so.0: cannot open shared object file: No such file or directory\n",
    ),
    "installs/download-differs-from-the-index-hash": (
        "Collecting tensorflow\n  Downloading https://www.piwheels.org/simple/tensorflow/tensorflow-1.14.0-cp35-none-"
        "linux_armv7l.whl (100.7MB)\nTHESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.\n"
        "    tensorflow from https://www.piwheels.org/simple/tensorflow/tensorflow-1.14.0-cp35-none-linux_armv7l.whl"
        "#sha256=cba22b6d9a3e7a92c07e142bd5256c9773fd20c18090cb1d222357d3b3028655:\n"
        "        Expected sha256 cba22b6d9a3e7a92c07e142bd5256c9773fd20c18090cb1d222357d3b3028655\n"
        "             Got        6d709494586332ecbcc043272ddef6e8ac904e24486b24774ae9f4c31005e1a0\n",
        "network-or-index",
        # the requirements file's pinned hash is the one expected (not the index's): a stale pin
        "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.\n"
        "    tensorflow from https://www.piwheels.org/simple/tensorflow/tensorflow-1.14.0-cp35-none-linux_armv7l.whl"
        "#sha256=cba22b6d9a3e7a92c07e142bd5256c9773fd20c18090cb1d222357d3b3028655:\n"
        "        Expected sha256 1111111111111111111111111111111111111111111111111111111111111111\n"
        "             Got        cba22b6d9a3e7a92c07e142bd5256c9773fd20c18090cb1d222357d3b3028655\n",
    ),
    "solver/channel-lacks-this-subdir": (
        "$ conda install -c pytorch pytorch\n"
        "PackagesNotFoundError: The following packages are not available from current channels:\n\n  - pytorch\n\n"
        "Current channels:\n\n  - https://conda.anaconda.org/pytorch/osx-arm64\n"
        "  - https://conda.anaconda.org/pytorch/noarch\n",
        "platform-unsupported",
        # the same channel searched for linux-64, where it has builds: a name or version question
        "$ conda install -c pytorch pytorch\n"
        "PackagesNotFoundError: The following packages are not available from current channels:\n\n  - pytorch\n\n"
        "Current channels:\n\n  - https://conda.anaconda.org/pytorch/linux-64\n"
        "  - https://conda.anaconda.org/pytorch/noarch\n",
    ),
    "wheels/listed-wheels-lack-this-python": (
        "Python version: 3.11\n$ pip install tensorflow-rocm\n"
        + NO_WHEEL.format(req="tensorflow-rocm", versions="none")
        + "tensorflow_rocm-2.11.1.550-cp310-cp310-manylinux2014_x86_64.whl\n"
        "tensorflow_rocm-2.11.1.550-cp39-cp39-manylinux2014_x86_64.whl\n",
        "python-unsupported",
        # a cp311 wheel among those listed: the Python is not why
        "Python version: 3.11\n$ pip install tensorflow-rocm\n"
        + NO_WHEEL.format(req="tensorflow-rocm", versions="none")
        + "tensorflow_rocm-2.11.1.550-cp311-cp311-manylinux2014_x86_64.whl\n"
        "tensorflow_rocm-2.11.1.550-cp39-cp39-manylinux2014_x86_64.whl\n",
    ),
    "leakage/pip-launcher-of-another-pip": (
        "$ pip3 install --user -r requirements.txt\nTraceback (most recent call last):\n"
        '  File "/usr/bin/pip3", line 9, in <module>\n    from pip import main\n'
        "ImportError: cannot import name 'main'\n",
        "wrong-interpreter",
        # the same error from a project's own module: nothing about pip's launcher
        "$ python run.py\nTraceback (most recent call last):\n"
        '  File "/home/me/proj/run.py", line 9, in <module>\n    from app import main\n'
        "ImportError: cannot import name 'main'\n",
    ),
    "gpu/library-major-not-comparable": (
        "RuntimeError: Library cublas64_12.dll is not found or cannot be loaded\n",
        "cuda-version-mismatch",
        # the environment's CUDA shown (torch built for CUDA 11.8): the version decides, no pair of candidates
        "pytorch 2.2.1+cu118\nRuntimeError: Library cublas64_12.dll is not found or cannot be loaded\n",
    ),
    "gpu/no-gpu-beside-another-cuda-than-the-build": (
        "- TensorFlow version (use command below): 2.1.0\n- CUDA/cuDNN version: 10.2.89\n"
        ">>> tf.config.list_physical_devices(None)\n"
        "[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]\n"
        "GPU not found on Windows 10 with tf 2.1.0\n",
        "cuda-version-mismatch",
        # CUDA 10.1, what TensorFlow 2.1 is built for: the versions are not why
        "- TensorFlow version (use command below): 2.1.0\n- CUDA/cuDNN version: 10.1.243\n"
        ">>> tf.config.list_physical_devices(None)\n"
        "[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]\n"
        "GPU not found on Windows 10 with tf 2.1.0\n",
    ),
    "gpu/cpu-and-gpu-builds-both-installed": (
        "paddlepaddle         2.0.2\npaddlepaddle-gpu     2.0.2.post101\nPaddle trains, but it runs only on CPU.\n",
        "no-gpu-visible",
        # the GPU build alone: nothing shadows it
        "paddlepaddle-gpu     2.0.2.post101\nPaddle trains, but it runs only on CPU.\n",
    ),
    "leakage/user-site-of-a-plain-python": (
        "$ /usr/bin/python3.8 -m pip install --user numpy\n"
        "Requirement already satisfied: numpy in /home/ci/.local/lib/python3.8/site-packages (1.24.4)\n"
        "AttributeError: module 'numpy' has no attribute 'typeDict'\n",
        "env-leakage",
        # a conda environment named: the user site leaks into it
        "$ /home/ci/miniconda3/envs/tf/bin/python -m pip install --user numpy\n"
        "Requirement already satisfied: numpy in /home/ci/.local/lib/python3.8/site-packages (1.24.4)\n"
        "AttributeError: module 'numpy' has no attribute 'typeDict'\n",
    ),
    "leakage/pythonhome-set": (
        "export PYTHONHOME=/opt/local/Library/Frameworks/Python.framework/Versions/2.7\n"
        "Fatal Python error: Py_Initialize: unable to load the file system codec\n",
        "env-leakage",
        # Python's own startup dump with PYTHONHOME unset: nothing set, nothing leaks
        "  PYTHONHOME = (not set)\nFatal Python error: Py_Initialize: unable to load the file system codec\n",
    ),
    "leakage/versioned-pip-of-another-python": (
        "$ pip3 --version\npip 9.0.1 from /usr/lib/python2.7/dist-packages (python 2.7)\n",
        "wrong-interpreter",
        "$ pip3 --version\npip 9.0.1 from /usr/lib/python3/dist-packages (python 3.6)\n",
    ),
    "packages/generated-protobuf-code-passes-an-unknown-argument": (
        '  File "/opt/venv/lib/python3.6/site-packages/onnx/onnx_pb2.py", line 213, in <module>\n'
        "    options=None, file=DESCRIPTOR),\n"
        "TypeError: __init__() got an unexpected keyword argument 'file'\n",
        "protobuf-mismatch",
        # the same error from a project's own module
        '  File "/home/me/proj/model.py", line 21, in <module>\n    Model(file=path)\n'
        "TypeError: __init__() got an unexpected keyword argument 'file'\n",
    ),
    "leakage/source-tree-shadows-the-install": (
        'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
        '  File "torch/__init__.py", line 45, in <module>\n    from torch._C import *\n'
        "ImportError: No module named _C\n",
        "env-leakage",
        'Traceback (most recent call last):\n  File "/opt/venv/lib/python3.11/site-packages/torch/__init__.py", '
        "line 45, in <module>\nImportError: No module named _C\n",
    ),
}


def _verdicts(text: str, rule_id: str) -> list[tuple[str, float, float | None, tuple[str, ...]]]:
    rule_id = rule_id.partition("#")[0]  # "rule#variant": a second case of one rule
    scanner = Scanner()
    scanner.feed(text.encode())
    decision = decide(scanner)
    return [(v.cause, v.weight, v.cap, v.demotes) for v in decision.verdicts if v.rule == rule_id]


def test_every_rule_is_documented_and_tested_here() -> None:
    ids = [r.id for r in all_rules()]
    assert len(ids) == len(set(ids))
    assert set(ids) == {key.partition("#")[0] for key in CASES}
    for rule in all_rules():
        for part in ("What:", "Why:", "Example:"):
            assert part in rule.doc, f"{rule.id}: no {part!r} in its doc string"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_concludes_on_its_case(rule_id: str) -> None:
    text, cause, _miss = CASES[rule_id]
    found = _verdicts(text, rule_id)
    assert found, f"{rule_id} said nothing"
    assert any(c == cause for c, *_ in found), found


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_is_silent_on_the_near_miss(rule_id: str) -> None:
    _text, cause, miss = CASES[rule_id]
    found = [v for v in _verdicts(miss, rule_id) if v[0] == cause]
    assert not found, f"{rule_id} concluded on its near miss: {found}"
