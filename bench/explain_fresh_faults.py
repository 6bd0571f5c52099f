# ruff: noqa: E501  (one planted fault a line)
"""Fresh faults: real logs from really running pip (20.3-26), uv and Python imports on faults
planted in throwaway venvs, scored by `explain` at once (round 3 of issue 11).

    .venv/bin/python bench/explain_fresh_faults.py [--out DIR] [--only REGEX] [--batch N]
        [--score-only | --make-only]

--make-only makes the logs and scores none (the explain engine is not imported): how a blind
collector runs it (batch 6 was made so, `--make-only --batch 6`, and scored by the integrator).

Unlike bench/live_corpus.py (the live corpus, read and tuned on), these faults were written to
vary what the live corpus plants (other packages, other pip versions, uv's wording, a constraints
file, sdists on newer Pythons, old manylinux tags) and scored in batches, each batch on arrival
before any of its misses was read. A log is labelled by construction; a case whose fault did not
show (the command succeeded, the build failed for another reason) is reported as such. Logs are
cached in DIR/logs (default .bench/fresh-faults/); needs PyPI and the pyenv Pythons 3.8-3.13.

Left out because their planted fault did not show when run: onnx 1.11 + protobuf 4 (no cp310 wheel:
the sdist failed on a missing protoc instead), googleapis-common-protos 1.66 over protobuf 4.21
(imports fine), numpy 2.3.0 for manylinux_2_17 via uv (it has such wheels); batch 5's first two user-site
cases (the venv had the package itself: a venv's own site-packages come before the user site), and
pydantic 2.9 without its typing_extensions over a user-site typing_extensions 4.1.1 (it imported).
Batch 6 left out: googleapis-common-protos 1.66 under protobuf 3.20.3 via uv (its _pb2 files import
fine), `pip install -U keras` (Keras 3) over tensorflow-cpu 2.15.1 then tf.keras.Sequential (it built
the model, no error), ml-dtypes 0.5.4 under tensorflow-cpu 2.15.1 (TensorFlow imported), `uv pip
install pyyaml==6.0.2` over a conda-owned distutils PyYAML 6.0.1 (uv installed into the unused
`.venv` it found in the case folder, not the activated conda prefix: the fault never ran),
and `pip install humanize` then `uv run` in a project (wrong-interpreter is not an id of the shared
cause list the batch is labelled with). Remade once: the first runs of two conda-prefix cases ran a
bare `pip` that the prefix lacks (the pyenv 3.11 one answered; its numpy / wrapt were put back):
they now run `python -m pip` and a guard `pip` on PATH fails loudly; pip's proxy and DNS cases run
without this machine's pip config (its local file:// index answered instead of the network), and the
DNS case with one retry (with --retries 0, pip 22 prints no resolver error); the user-site case prints
numpy.__file__ first, as batch 5 does.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

UV = str(ROOT / ".venv" / "bin" / "uv")
TORCH_CPU = "/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"

# (name, label, Python, pip version or None for uv only, setup commands (not logged), logged commands, batch)
CASES: list[tuple[str, str, str, str | None, list[str], list[str], int]] = [
    ("pyver-torch113-py312", "python-unsupported", "3.12", "24.3.1", [], ["pip install torch==1.13.1"], 1),
    (
        "pyver-jaxlib0413-py312",
        "python-unsupported",
        "3.12",
        "23.3.2",
        [],
        ["pip install jax==0.4.13 jaxlib==0.4.13"],
        1,
    ),
    ("pyver-onnxrt-py38", "python-unsupported", "3.8", "21.3.1", [], ["pip install onnxruntime==1.20.0"], 1),
    ("pyver-tf217-py313", "python-unsupported", "3.13", "25.3", [], ["pip install tensorflow==2.17.0"], 1),
    ("pyver-numpy21-py39", "python-unsupported", "3.9", "23.3.2", [], ["pip install numpy==2.1.0"], 1),
    ("pyver-numpy125-py38-pip20", "python-unsupported", "3.8", "20.3.4", [], ["pip install numpy==1.25.0"], 1),
    (
        "numpyabi-pandas153",
        "numpy-abi",
        "3.10",
        "22.3.1",
        ["pip install -q pandas==1.5.3 numpy==1.26.4"],
        ["pip install numpy==2.0.2", "python -c 'import pandas'"],
        1,
    ),
    (
        "numpyabi-scipy110",
        "numpy-abi",
        "3.11",
        "24.3.1",
        ["pip install -q scipy==1.10.1 numpy==1.26.4", "pip install -q --no-deps numpy==2.1.3"],
        ["python -c 'import scipy.linalg'"],
        1,
    ),
    (
        "numpyabi-sklearn113",
        "numpy-abi",
        "3.10",
        "26.3",
        ["pip install -q scikit-learn==1.1.3 numpy==1.26.4", "pip install -q numpy==2.2.6"],
        ["python -c 'from sklearn.linear_model import LogisticRegression'"],
        1,
    ),
    (
        "npapi-object",
        "numpy-api-removed",
        "3.9",
        "21.3.1",
        ["pip install -q numpy==1.24.4"],
        ["python -c 'import numpy as np; a = np.array([1], dtype=np.object)'"],
        1,
    ),
    (
        "npapi-asscalar",
        "numpy-api-removed",
        "3.10",
        "23.3.2",
        ["pip install -q numpy==1.26.4"],
        ["python -c 'import numpy as np; print(np.asscalar(np.array([3])))'"],
        1,
    ),
    (
        "npapi-Inf",
        "numpy-api-removed",
        "3.12",
        "25.3",
        ["pip install -q numpy==2.1.3"],
        ["python -c 'import numpy as np; x = -np.Inf'"],
        1,
    ),
    (
        "npapi-cast",
        "numpy-api-removed",
        "3.11",
        "26.3",
        ["pip install -q numpy==2.0.2"],
        ["python -c 'import numpy as np; f = np.cast[\"float32\"]'"],
        1,
    ),
    (
        "depver-markupsafe",
        "dependency-version-mismatch",
        "3.10",
        "22.3.1",
        [],
        ["pip install jinja2==2.11.3 markupsafe==2.1.5", "python -c 'import jinja2'"],
        1,
    ),
    (
        "depver-pandas-oldnumpy",
        "dependency-version-mismatch",
        "3.10",
        "24.3.1",
        ["pip install -q numpy==1.21.6", "pip install -q --no-deps pandas==2.2.3 python-dateutil pytz tzdata six"],
        ["python -c 'import pandas'"],
        1,
    ),
    ("solver-pip20-pandas", "solver-conflict", "3.8", "20.3.4", [], ["pip install numpy==1.19.5 pandas==2.0.3"], 1),
    ("solver-pip26-urllib3", "solver-conflict", "3.12", "26.3", [], ["pip install requests==2.31.0 'urllib3<1.21'"], 1),
    (
        "wronginterp-tqdm",
        "wrong-interpreter",
        "3.11",
        "24.3.1",
        [],
        ["pip install tqdm", "pip --version", "$(pyenv prefix 3.12)/bin/python3 -c 'import tqdm'"],
        1,
    ),
    ("removed-pytorch", "package-removed", "3.11", "24.3.1", [], ["pip install pytorch"], 1),
    (
        "network-blackhole",
        "network-or-index",
        "3.11",
        "23.3.2",
        [],
        ["pip install --timeout 2 --retries 1 --index-url https://10.255.255.1/simple torch"],
        1,
    ),
    (
        "platform-macx86-torch",
        "platform-unsupported",
        "3.11",
        "24.3.1",
        [],
        ["pip install --platform macosx_10_9_x86_64 --only-binary=:all: --target out torch==2.5.0"],
        1,
    ),
    (
        "platform-win32-tf",
        "platform-unsupported",
        "3.10",
        "22.3.1",
        [],
        ["pip download --platform win32 --only-binary=:all: -d out tensorflow"],
        1,
    ),
    ("pyver-uv-torch113", "python-unsupported", "3.12", None, [], ["uv pip install torch==1.13.1"], 2),
    ("pyver-uv-numpy21-py39", "python-unsupported", "3.9", None, [], ["uv pip install numpy==2.1.0"], 2),
    ("solver-uv-scipy", "solver-conflict", "3.10", None, [], ["uv pip install 'numpy<1.22' scipy==1.13.1"], 2),
    ("pyver-uv-tf210-py312", "python-unsupported", "3.12", None, [], ["uv pip install tensorflow==2.10.0"], 2),
    (
        "platform-uv-win-jaxlib",
        "platform-unsupported",
        "3.10",
        None,
        [],
        ["uv pip install --python-platform windows jaxlib==0.4.11"],
        2,
    ),
    (
        "network-uv-proxy",
        "network-or-index",
        "3.11",
        None,
        [],
        ["HTTPS_PROXY=http://127.0.0.1:9 uv pip install --no-cache torch"],
        2,
    ),
    (
        "depver-flask-werkzeug",
        "dependency-version-mismatch",
        "3.11",
        "24.3.1",
        [],
        ["pip install -q flask==2.2.2 werkzeug==3.0.1", "python -c 'import flask'"],
        2,
    ),
    (
        "depver-scipy-oldnumpy",
        "dependency-version-mismatch",
        "3.10",
        "23.3.2",
        ["pip install -q numpy==1.21.6", "pip install -q --no-deps scipy==1.13.1"],
        ["python -c 'import scipy.stats'"],
        2,
    ),
    (
        "numpyabi-matplotlib371",
        "numpy-abi",
        "3.11",
        "25.3",
        ["pip install -q matplotlib==3.7.1 numpy==1.26.4", "pip install -q numpy==2.1.3"],
        ["python -c 'import matplotlib.pyplot'"],
        2,
    ),
    (
        "protobuf-onnx112-nodeps",
        "protobuf-mismatch",
        "3.10",
        "22.3.1",
        ["pip install -q onnx==1.12.0"],
        ["pip install --no-deps protobuf==4.25.3", "python -c 'import onnx'"],
        2,
    ),
    (
        "envleak-pythonpath-310",
        "env-leakage",
        "3.12",
        "24.3.1",
        [
            "uv venv -q --python $(pyenv prefix 3.10)/bin/python3.10 other && uv pip install -q --python other/bin/python numpy==1.26.4"
        ],
        ["export PYTHONPATH={d}/other/lib/python3.10/site-packages; python -c 'import numpy'"],
        2,
    ),
    (
        "wronginterp-two-venvs",
        "wrong-interpreter",
        "3.11",
        "23.3.2",
        ["uv venv -q --seed --python $(pyenv prefix 3.11)/bin/python3.11 envB"],
        ["pip install requests", "envB/bin/python -c 'import requests'"],
        2,
    ),
    ("unknown-never-installed", "unknown", "3.11", "24.3.1", [], ["python -c 'import torch'"], 2),
    ("pyver-pandas21-py38-pip21", "python-unsupported", "3.8", "21.3.1", [], ["pip install pandas==2.1.0"], 2),
    ("pyver-numpy124-sdist-py312", "python-unsupported", "3.12", "24.3.1", [], ["pip install numpy==1.24.4"], 2),
    ("solver-pip22-tf-numpy", "solver-conflict", "3.10", "22.3.1", [], ["pip install 'jax==0.4.30' 'numpy<1.22'"], 2),
    ("pyver-jax-py38-pip23", "python-unsupported", "3.8", "23.3.2", [], ["pip install jax==0.4.30 jaxlib==0.4.30"], 2),
    (
        "glibc-numpy23-pip24",
        "glibc-too-old",
        "3.12",
        "24.3.1",
        [],
        [
            "pip download --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.12 --no-deps -d w numpy==2.3.0"
        ],
        3,
    ),
    (
        "glibc-scipy-pip22-2010",
        "glibc-too-old",
        "3.10",
        "22.3.1",
        [],
        [
            "pip download --only-binary=:all: --platform manylinux2010_x86_64 --python-version 3.10 --no-deps -d w scipy==1.13.0"
        ],
        3,
    ),
    ("removed-sklearn-pip20", "package-removed", "3.8", "20.3.4", [], ["pip install sklearn"], 3),
    ("removed-tfgpu-uv", "package-removed", "3.11", None, [], ["uv pip install tensorflow-gpu"], 3),
    ("removed-pytorch-pip21", "package-removed", "3.9", "21.3.1", [], ["pip install pytorch"], 3),
    ("solver-pip21-idna", "solver-conflict", "3.9", "21.3.1", [], ["pip install requests==2.31.0 'idna<2.5'"], 3),
    ("solver-pip25-botocore", "solver-conflict", "3.13", "25.3", [], ["pip install 'urllib3>=2' botocore==1.29.0"], 3),
    (
        "npapi-complex-np2",
        "numpy-api-removed",
        "3.12",
        "26.3",
        ["pip install -q numpy==2.2.6"],
        ["python -c 'import numpy as np; z = np.complex_(1)'"],
        3,
    ),
    (
        "npapi-unicode-np2",
        "numpy-api-removed",
        "3.10",
        "22.3.1",
        ["pip install -q numpy==2.0.2"],
        ["python -c 'import numpy as np; s = np.unicode_(\"a\")'"],
        3,
    ),
    (
        "depver-uv-markupsafe",
        "dependency-version-mismatch",
        "3.11",
        None,
        [],
        ["uv pip install jinja2==2.11.3 markupsafe==2.1.5", "python -c 'from jinja2 import Template'"],
        3,
    ),
    ("unknown-uv-typo", "unknown", "3.11", None, [], ["uv pip install tensorflw"], 3),
    (
        "network-pip20-blackhole",
        "network-or-index",
        "3.8",
        "20.3.4",
        [],
        ["pip install --index-url https://10.255.255.1/simple --timeout 2 --retries 0 numpy"],
        3,
    ),
    ("pyver-tf215-py312-pip26", "python-unsupported", "3.12", "26.3", [], ["pip install tensorflow==2.15.0"], 3),
    ("pyver-torch240-py313-pip25", "python-unsupported", "3.13", "25.3", [], ["pip install torch==2.4.0"], 3),
    (
        "platform-jaxlib-win-pip23",
        "platform-unsupported",
        "3.11",
        "23.3.2",
        [],
        ["pip install --platform win_amd64 --python-version 3.11 --only-binary=:all: --target t jaxlib==0.4.11"],
        3,
    ),
    ("pyver-uv-tf215-py312", "python-unsupported", "3.12", None, [], ["uv pip install tensorflow==2.15.0"], 3),
    (
        "npapi-float-pip23-script",
        "numpy-api-removed",
        "3.11",
        "23.3.2",
        ["pip install -q numpy==1.26.4"],
        ["python -c 'import numpy as np; x = np.zeros(3, dtype=np.float)'"],
        3,
    ),
    (
        "nogpu-torch-to-cuda",
        "no-gpu-visible",
        "3.11",
        "24.3.1",
        ["uv pip install -q {torch_cpu}"],
        ["python -c 'import torch; x = torch.randn(2).to(\"cuda\")'"],
        4,
    ),
    (
        "nogpu-jax-devices-gpu",
        "no-gpu-visible",
        "3.11",
        "23.3.2",
        ["uv pip install -q jax==0.4.30 jaxlib==0.4.30"],
        ["python -c 'import jax; print(jax.devices(\"gpu\"))'"],
        4,
    ),
    (
        "npapi-in1d-np2",
        "numpy-api-removed",
        "3.12",
        "24.3.1",
        ["pip install -q numpy==2.1.3"],
        ["python -c 'import numpy as np; np.round_(1.5)'"],
        4,
    ),
    (
        "depver-uv-werkzeug",
        "dependency-version-mismatch",
        "3.12",
        None,
        [],
        ["uv pip install flask==2.2.2 werkzeug==3.0.1", "python -c 'from flask import Flask'"],
        4,
    ),
    (
        "wronginterp-pip-user-other-python",
        "wrong-interpreter",
        "3.10",
        "22.3.1",
        [],
        ["pip install colorama", "pip --version", "$(pyenv prefix 3.9)/bin/python3.9 -c 'import colorama'"],
        4,
    ),
    # Batch 5 (round 4): the Python hidden from the log (bare "Could not find a version" on old and new
    # pip, uv on 3.13), two prefixes in one log (user site / PYTHONPATH vs the env; pip in one env,
    # python of another), a CPU-only torch asked for CUDA. Scored on arrival before any miss was read.
    ("pyver-tf213-py312-pip23", "python-unsupported", "3.12", "23.3.2", [], ["pip install tensorflow==2.13.0"], 5),
    ("pyver-torch201-py312-pip24", "python-unsupported", "3.12", "24.3.1", [], ["pip install torch==2.0.1"], 5),
    ("pyver-tv0152-py312-pip25", "python-unsupported", "3.12", "25.3", [], ["pip install torchvision==0.15.2"], 5),
    ("pyver-jaxlib0420-py313-pip25", "python-unsupported", "3.13", "25.3", [], ["pip install jaxlib==0.4.20"], 5),
    ("pyver-ort1151-py312-pip23", "python-unsupported", "3.12", "23.3.2", [], ["pip install onnxruntime==1.15.1"], 5),
    ("pyver-tf2161-py313-pip24", "python-unsupported", "3.13", "24.3.1", [], ["pip install tensorflow==2.16.1"], 5),
    ("pyver-torch1121-py311-pip22", "python-unsupported", "3.11", "22.3.1", [], ["pip install torch==1.12.1"], 5),
    (
        "pyver-tfcpu210-py311-pip21",
        "python-unsupported",
        "3.11",
        "21.3.1",
        [],
        ["pip install tensorflow-cpu==2.10.0"],
        5,
    ),
    ("pyver-tf212-py37-pip21", "python-unsupported", "3.7", "21.3.1", [], ["pip install tensorflow==2.12.0"], 5),
    ("pyver-torch250-py38-pip20", "python-unsupported", "3.8", "20.3.4", [], ["pip install torch==2.5.0"], 5),
    ("pyver-uv-torch241-py313", "python-unsupported", "3.13", None, [], ["uv pip install torch==2.4.1"], 5),
    ("pyver-uv-tf218-py313", "python-unsupported", "3.13", None, [], ["uv pip install tensorflow==2.18.0"], 5),
    ("pyver-uv-ort1192-py313", "python-unsupported", "3.13", None, [], ["uv pip install onnxruntime==1.19.2"], 5),
    (
        "pyver-uvadd-jaxlib0430-py313",
        "python-unsupported",
        "3.13",
        None,
        ["uv init -q --no-workspace --python $(pyenv prefix 3.13)/bin/python3.13 proj"],
        ["cd proj && uv add jaxlib==0.4.30"],
        5,
    ),
    (
        "nogpu-torch-cpu-cuda",
        "no-gpu-visible",
        "3.11",
        "24.3.1",
        ["pip install -q {torch_cpu}"],
        ["python -c 'import torch; print(torch.__version__, torch.version.cuda); x = torch.zeros(1).cuda()'"],
        5,
    ),
    # In a venv the user site comes after the env's own site-packages (a --system-site-packages venv):
    # it leaks only what the env lacks. Installed into the env without that dependency (--no-deps).
    (
        "envleak-usersite-numpy2-nodeps",
        "env-leakage",
        "3.10",
        "23.3.2",
        [
            "rm -rf .venv && uv venv -q --seed --system-site-packages --python $(pyenv prefix 3.10)/bin/python3.10 .venv && .venv/bin/python -m pip install -q --no-deps pandas==1.5.3 python-dateutil==2.9.0 pytz==2024.1 six==1.16.0",
            "HOME={d}/home $(pyenv prefix 3.10)/bin/python3.10 -m pip install -q --user --no-warn-script-location numpy==2.1.3",
        ],
        ["export HOME={d}/home; python -c 'import numpy; print(numpy.__file__)'; python -c 'import pandas'"],
        5,
    ),
    (
        "envleak-pythonpath-numpy2",
        "env-leakage",
        "3.11",
        "25.3",
        [
            "pip install -q pandas==1.5.3 numpy==1.26.4",
            "uv venv -q --python $(pyenv prefix 3.11)/bin/python3.11 other && uv pip install -q --python other/bin/python numpy==2.1.3",
        ],
        ["export PYTHONPATH={d}/other/lib/python3.11/site-packages; python -c 'import pandas'"],
        5,
    ),
    (
        "wronginterp-pyenv-six",
        "wrong-interpreter",
        "3.12",
        "24.3.1",
        [],
        ["pip install six", "$(pyenv prefix 3.12)/bin/python3.12 -c 'import six'"],
        5,
    ),
    (
        "wronginterp-script-yaml",
        "wrong-interpreter",
        "3.10",
        "22.3.1",
        [
            "uv venv -q --seed --python $(pyenv prefix 3.10)/bin/python3.10 envB",
            "printf 'import sys\\nprint(sys.executable)\\nimport yaml\\n' > train.py",
        ],
        ["pip -V", "pip install pyyaml", "envB/bin/python train.py"],
        5,
    ),
    (
        "wronginterp-py313-attrs",
        "wrong-interpreter",
        "3.11",
        "25.3",
        [],
        ["pip install attrs", "$(pyenv prefix 3.13)/bin/python3.13 -c 'import attrs'"],
        5,
    ),
    # Batch 6 (collection): made blind (--make-only), scored by the integrator on arrival. Other
    # packages and versions, pip 20.3.4-26.3, uv 0.13 and an old uv 0.5 (`uv pip`, `uv add`, `uv sync`,
    # `uv run`, `uv pip compile`), requirements / constraints files, pyproject projects, `python -m
    # venv`, --no-deps, --target dirs on PYTHONPATH, --user into a non-venv prefix, py-rattler conda
    # prefixes with pip / uv on top, TensorFlow / torch / JAX builds from uv's cache on a driverless machine.
    (
        "pyver-pip26-reqfile-ort1163-py313",
        "python-unsupported",
        "3.13",
        "26.0.1",
        ["printf 'requests>=2.31\\nonnxruntime==1.16.3\\n' > requirements.txt"],
        ["cat requirements.txt", "pip install -r requirements.txt"],
        6,
    ),
    (
        "pyver-venv-pip20-tf220-py39",
        "python-unsupported",
        "3.9",
        None,
        [
            "rm -rf .venv && $(pyenv prefix 3.9)/bin/python3.9 -m venv .venv && .venv/bin/python -m pip install -q pip==20.3.4"
        ],
        ["python -m pip --version", "python -m pip install tensorflow==2.2.0"],
        6,
    ),
    (
        "pyver-uvsync-torch220-py313",
        "python-unsupported",
        "3.13",
        None,
        [
            "uv init -q --no-workspace --python $(pyenv prefix 3.13)/bin/python3.13 proj",
            "sed -i 's/^dependencies = \\[\\]/dependencies = [\"torch==2.2.0\"]/' proj/pyproject.toml",
        ],
        ["cd proj && uv sync"],
        6,
    ),
    (
        "pyver-uv05-tf2110-py311",
        "python-unsupported",
        "3.11",
        None,
        ["uv pip install -q uv==0.5.31"],
        ["uv --version", "uv pip install tensorflow==2.11.0"],
        6,
    ),
    (
        "solver-pip25-constraints-charset",
        "solver-conflict",
        "3.11",
        "25.0.1",
        ["printf 'charset-normalizer<2\\n' > constraints.txt"],
        ["pip install -c constraints.txt requests==2.32.3"],
        6,
    ),
    (
        "solver-uv-reqfile-grpc-protobuf",
        "solver-conflict",
        "3.12",
        None,
        ["printf 'grpcio-status==1.62.0\\nprotobuf==3.20.3\\n' > requirements.txt"],
        ["uv pip install -r requirements.txt"],
        6,
    ),
    (
        "solver-uvadd-pydantic-settings",
        "solver-conflict",
        "3.12",
        None,
        ["uv init -q --no-workspace --python $(pyenv prefix 3.12)/bin/python3.12 proj"],
        ["cd proj && uv add 'pydantic<2' 'pydantic-settings==2.2.1'"],
        6,
    ),
    (
        "solver-pip22-sphinx-docutils",
        "solver-conflict",
        "3.10",
        "22.0.4",
        [],
        ["pip install sphinx==7.2.6 'docutils<0.18'"],
        6,
    ),
    (
        "removed-sklearn-pip26-reqfile",
        "package-removed",
        "3.12",
        "26.3",
        ["printf 'joblib\\nsklearn\\n' > requirements.txt"],
        ["pip install -r requirements.txt"],
        6,
    ),
    ("removed-tfgpu212-pip23", "package-removed", "3.10", "23.0.1", [], ["pip install tensorflow-gpu==2.12.0"], 6),
    (
        "removed-sklearn-uvadd",
        "package-removed",
        "3.11",
        None,
        ["uv init -q --no-workspace --python $(pyenv prefix 3.11)/bin/python3.11 proj"],
        ["cd proj && uv add sklearn"],
        6,
    ),
    (
        "numpyabi-tfcpu2151-pip-upgrade-numpy",
        "numpy-abi",
        "3.11",
        "24.2",
        ["uv pip install -q tensorflow-cpu==2.15.1"],
        ["pip install -U numpy", "python -c 'import tensorflow as tf; print(tf.__version__)'"],
        6,
    ),
    (
        "numpyabi-shapely201-pip21",
        "numpy-abi",
        "3.10",
        "21.3.1",
        ["pip install -q shapely==2.0.1 numpy==1.26.4"],
        ["pip install --no-deps numpy==2.0.2", "python -c 'import shapely; print(shapely.__version__)'"],
        6,
    ),
    (
        "numpyabi-conda-pandas-pip-numpy2",
        "numpy-abi",
        "3.11",
        None,
        [],
        ["python -m pip install numpy==2.1.3", "python -c 'import pandas'"],
        6,
    ),
    (
        "npapi-bool8-uv-np21",
        "numpy-api-removed",
        "3.12",
        None,
        ["uv pip install -q numpy==2.1.3"],
        ["python -c 'import numpy as np; mask = np.bool8(True)'"],
        6,
    ),
    (
        "npapi-product-script-pip25",
        "numpy-api-removed",
        "3.11",
        "25.1.1",
        [
            "pip install -q numpy==2.0.2",
            "printf 'import numpy as np\\n\\n\\ndef volume(shape):\\n    return np.product(shape)\\n\\n\\nprint(volume((2, 3, 4)))\\n' > stats.py",
        ],
        ["python stats.py"],
        6,
    ),
    (
        "npapi-NaN-uvrun-np22",
        "numpy-api-removed",
        "3.12",
        None,
        [
            "uv init -q --no-workspace --python $(pyenv prefix 3.12)/bin/python3.12 proj",
            "printf 'import numpy as np\\n\\nprint(np.NaN)\\n' > proj/main.py",
        ],
        ["cd proj && uv add numpy==2.2.6", "cd proj && uv run main.py"],
        6,
    ),
    (
        "protobuf-tfcpu2101-pb421-pip23",
        "protobuf-mismatch",
        "3.10",
        "23.3.1",
        ["uv pip install -q tensorflow-cpu==2.10.1"],
        ["pip install protobuf==4.21.12", "python -c 'import tensorflow as tf'"],
        6,
    ),
    (
        "protobuf-gapi152-pb425-pip24",
        "protobuf-mismatch",
        "3.11",
        "24.0",
        [],
        [
            "pip install googleapis-common-protos==1.52.0 protobuf==4.25.3",
            "python -c 'from google.api import annotations_pb2'",
        ],
        6,
    ),
    (
        "keras-tf2161-legacy-optimizer",
        "keras-version-mismatch",
        "3.11",
        None,
        ["uv pip install -q tensorflow==2.16.1"],
        ["python -c 'import tensorflow as tf; opt = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)'"],
        6,
    ),
    (
        "keras-keras3-jax-preprocessing-text",
        "keras-version-mismatch",
        "3.11",
        "26.1.2",
        ["uv pip install -q keras jax==0.4.30 jaxlib==0.4.30"],
        ["export KERAS_BACKEND=jax; python -c 'from keras.preprocessing.text import Tokenizer'"],
        6,
    ),
    (
        "network-pip26-proxy9",
        "network-or-index",
        "3.12",
        "26.0.1",
        [],
        ["pip install --proxy http://127.0.0.1:9 --retries 1 --timeout 5 httpx"],
        6,
    ),
    (
        "network-pip22-dns-invalid",
        "network-or-index",
        "3.9",
        "22.0.4",
        [],
        ["pip install --index-url https://pypi.internal.invalid/simple --retries 1 --timeout 5 flask"],
        6,
    ),
    (
        "network-uvsync-index-timeout",
        "network-or-index",
        "3.11",
        None,
        [
            "uv init -q --no-workspace --python $(pyenv prefix 3.11)/bin/python3.11 proj",
            "sed -i 's/^dependencies = \\[\\]/dependencies = [\"requests\"]/' proj/pyproject.toml",
            'printf \'\\n[[tool.uv.index]]\\nname = "internal"\\nurl = "https://10.255.255.1/simple"\\ndefault = true\\n\' >> proj/pyproject.toml',
        ],
        ["cd proj && UV_HTTP_TIMEOUT=5 uv sync"],
        6,
    ),
    (
        "platform-tfmacos-linux-pip24",
        "platform-unsupported",
        "3.11",
        "24.2",
        [],
        ["pip install tensorflow-macos==2.15.0"],
        6,
    ),
    (
        "platform-tfintel-linux-uv",
        "platform-unsupported",
        "3.10",
        None,
        [],
        ["uv pip install tensorflow-intel==2.15.0"],
        6,
    ),
    (
        "platform-jaxcuda-macos-pip26",
        "platform-unsupported",
        "3.12",
        "26.1.2",
        [],
        [
            "pip download --platform macosx_11_0_arm64 --python-version 3.12 --only-binary=:all: -d w jax-cuda12-plugin==0.4.30"
        ],
        6,
    ),
    (
        "glibc-ort1201-manylinux2014-pip26",
        "glibc-too-old",
        "3.12",
        "26.3",
        [],
        [
            "pip download --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.12 --no-deps -d w onnxruntime==1.20.1"
        ],
        6,
    ),
    (
        "glibc-uv-compile-torch2150-2_17",
        "glibc-too-old",
        "3.11",
        None,
        ["printf 'torch==2.15.0\\n' > requirements.in"],
        ["uv pip compile requirements.in --python-platform x86_64-manylinux_2_17 --python-version 3.11"],
        6,
    ),
    (
        "envleak-pythonpath-target-typingext",
        "env-leakage",
        "3.11",
        "24.3.1",
        ["pip install -q pydantic==2.9.2", "pip install -q --target {d}/libs typing_extensions==4.5.0"],
        ["export PYTHONPATH={d}/libs; python -c 'from pydantic import BaseModel'"],
        6,
    ),
    (
        "envleak-usersite-base-prefix-numpy2",
        "env-leakage",
        "3.10",
        None,
        [
            "uv pip install -q --python base/bin/python3.10 pip pandas==1.5.3 numpy==1.26.4",
            "HOME={d}/home base/bin/python3.10 -m pip install -q --user --no-warn-script-location numpy==2.1.3",
        ],
        [
            "export HOME={d}/home PATH={d}/base/bin:$PATH; python -c 'import numpy; print(numpy.__version__, numpy.__file__)'; python -c 'import pandas'"
        ],
        6,
    ),
    (
        "envleak-pythonpath-attr19-uvrun",
        "env-leakage",
        "3.12",
        None,
        [
            "uv init -q --no-workspace --python $(pyenv prefix 3.12)/bin/python3.12 proj",
            "cd proj && uv add -q attrs==23.2.0",
            "uv pip install -q --target {d}/vendor attrs==19.3.0",
        ],
        ["export PYTHONPATH={d}/vendor; cd proj && uv run python -c 'import attrs; print(attrs.__version__)'"],
        6,
    ),
    ("mixed-conda-wrapt-distutils-pip24", "mixed-pip-conda", "3.11", None, [], ["python -m pip install -U wrapt"], 6),
    (
        "mixed-conda-pyyaml-distutils-pip21",
        "mixed-pip-conda",
        "3.11",
        None,
        ["conda/bin/python -m pip install -q pip==21.3.1"],
        ["python -m pip install pyyaml==6.0.2"],
        6,
    ),
    (
        "nogpu-tf2151-cuda-build-no-driver",
        "no-gpu-visible",
        "3.11",
        None,
        ["uv pip install -q tensorflow==2.15.1"],
        [
            "python -c \"import tensorflow as tf; print('Num GPUs Available:', len(tf.config.list_physical_devices('GPU')))\""
        ],
        6,
    ),
    (
        "nogpu-torch2150-cuda-no-driver",
        "no-gpu-visible",
        "3.11",
        None,
        ["uv pip install -q --offline torch==2.15.0"],
        [
            "python -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available()); x = torch.ones(2, device=\"cuda\")'"
        ],
        6,
    ),
    (
        "nogpu-jax0430-platforms-cuda",
        "no-gpu-visible",
        "3.11",
        "25.0.1",
        ["uv pip install -q jax==0.4.30 jaxlib==0.4.30"],
        ["JAX_PLATFORMS=cuda python -c 'import jax; print(jax.devices())'"],
        6,
    ),
    (
        "cudalibs-torch212-nodeps",
        "cuda-libs-missing",
        "3.11",
        None,
        [
            "uv pip install -q --offline --no-deps torch==2.1.2",
            "uv pip install -q filelock typing-extensions sympy networkx jinja2 fsspec",
        ],
        ["python -c 'import torch'"],
        6,
    ),
    (
        "depver-jax0435-jaxlib0430-nodeps",
        "dependency-version-mismatch",
        "3.11",
        "23.0.1",
        ["uv pip install -q jax==0.4.30 jaxlib==0.4.30"],
        ["pip install --no-deps jax==0.4.35", "python -c 'import jax; print(jax.numpy.ones(3))'"],
        6,
    ),
    (
        "depver-flask112-pip21",
        "dependency-version-mismatch",
        "3.9",
        "21.3.1",
        [],
        ["pip install flask==1.1.2", "python -c 'from flask import Flask'"],
        6,
    ),
]


#: batch 6 cases run in a py-rattler conda prefix at {d}/conda (activated: PATH, CONDA_PREFIX), specs to install
CONDA: dict[str, tuple[str, ...]] = {
    "numpyabi-conda-pandas-pip-numpy2": ("python=3.11", "pandas=2.1.4", "numpy=1.26.4", "pip"),
    "mixed-conda-wrapt-distutils-pip24": ("python=3.11", "pip", "wrapt=1.14.1"),
    "mixed-conda-pyyaml-distutils-pip21": ("python=3.11", "pip", "pyyaml=6.0.1"),
}
#: conda packages of the local channel installed the distutils way (name, version, PyPI wheel)
DISTUTILS = [("wrapt", "1.14.1", "wrapt==1.14.1"), ("pyyaml", "6.0.1", "pyyaml==6.0.1")]
#: cases run in a plain prefix at {d}/base (the pyenv interpreter copied, its own site-packages)
PRIVATE = {"envleak-usersite-base-prefix-numpy2"}
#: cases that must reach the index: this machine's pip config (a local file:// index, /opt/wheels) is left out
NOCONFIG = {"network-pip26-proxy9", "network-pip22-dns-invalid"}


def pyenv_python(version: str) -> str | None:
    try:
        prefix = subprocess.check_output(["pyenv", "prefix", version], text=True, stderr=subprocess.DEVNULL).strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    exe = Path(prefix) / "bin" / f"python{version}"
    return str(exe) if exe.exists() else None


def base_env(work: Path) -> dict[str, str]:
    bin_dir = work / "bin"  # uv on PATH, as a user has it
    bin_dir.mkdir(parents=True, exist_ok=True)
    if not (bin_dir / "uv").exists():
        (bin_dir / "uv").symlink_to(UV)
    for guard in ("pip", "pip3"):  # a bare pip must never reach an interpreter outside the case
        (bin_dir / guard).write_text("#!/bin/sh\necho 'fresh-faults guard: no pip in this environment' >&2\nexit 127\n")
        (bin_dir / guard).chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", UV_PYTHON_DOWNLOADS="never")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.pop("PYTHONPATH", None)
    return env


def conda_channel(out: Path) -> Path:
    """The zoo's local conda channel (tests/zoo/condachan.py: python 3.11, numpy, pandas, pip
    repackaged from the real wheels) plus DISTUTILS packages: real wheels' files with a distutils
    `.egg-info` file instead of a .dist-info (as old conda packages shipped them)."""
    sys.path.insert(0, str(ROOT))
    from tests.plan.builders import index_channel, make_conda_package
    from tests.zoo.condachan import _files_of, channel

    folder = channel(out / "conda-channel", "3.11")
    python = pyenv_python("3.11")
    assert python is not None
    made = False
    for name, version, requirement in DISTUTILS:
        if (folder / "linux-64" / f"{name}-{version}-fresh_0.tar.bz2").exists():
            continue
        files = _files_of(requirement, Path(os.path.realpath(python)), "3.11")
        metadata = next(data for path, data in files.items() if path.endswith(".dist-info/METADATA"))
        files = {path: data for path, data in files.items() if ".dist-info/" not in path}
        files[f"lib/python3.11/site-packages/{name.replace('-', '_')}-{version}-py3.11.egg-info"] = metadata
        make_conda_package(
            folder, name, version, build="fresh_0", depends=["python >=3.11,<3.12"], files=files, subdir="linux-64"
        )
        made = True
    if made:
        index_channel(folder)
    return folder


def conda_prefix(channel: Path, specs: tuple[str, ...], prefix: Path) -> None:
    """A real conda prefix (conda-meta records, files conda owns) solved and installed by py-rattler."""
    from envdoctor.actions.create import create
    from envdoctor.actions.envfile import BuildSpec

    result = create(
        BuildSpec(conda=list(specs), channels=[channel.as_uri()], manager="conda"), prefix, verify=False, quiet=True
    )
    if not result.ok:
        raise RuntimeError(f"py-rattler could not build {prefix}: {result.error}")


def make(case: tuple[str, str, str, str | None, list[str], list[str], int], out: Path, env0: dict[str, str]) -> str:
    name, label, py, pip, setup, steps, batch = case
    log = out / "logs" / f"{name}.log"
    if log.exists():
        return f"cached {name}"
    python = pyenv_python(py)
    if python is None:
        return f"skipped {name}: no Python {py}"
    work = out / "work" / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    venv = work / ".venv"
    subprocess.run([UV, "venv", "-q", "--seed", "--python", python, str(venv)], env=env0, check=True)
    env = dict(env0, VIRTUAL_ENV=str(venv), PATH=f"{venv}/bin:{env0['PATH']}")
    if pip:
        subprocess.run(
            [UV, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), f"pip=={pip}"], env=env, check=True
        )
    prompt = "(.venv) $"
    if name in CONDA:  # an activated conda prefix instead of the venv
        conda_prefix(out / "conda-channel", CONDA[name], work / "conda")
        env = dict(
            env0, CONDA_PREFIX=str(work / "conda"), CONDA_DEFAULT_ENV="base", PATH=f"{work}/conda/bin:{env0['PATH']}"
        )
        prompt = "(base) $"
    if name in PRIVATE:  # a plain (non-venv) prefix: the user site comes before its site-packages
        sys.path.insert(0, str(ROOT))
        from tests.zoo.envs import private_prefix

        private_prefix(Path(python), work / "base")
        env = dict(env0)
        prompt = "$"
    if name in NOCONFIG:
        env["PIP_CONFIG_FILE"] = os.devnull
        env.pop("PIP_FIND_LINKS", None)
    values = {"d": str(work), "torch_cpu": TORCH_CPU}
    for command in setup:
        subprocess.run(command.format(**values), shell=True, cwd=work, env=env, capture_output=True, text=True)
    body = []
    for command in steps:
        shown = command.format(**values)
        done = subprocess.run(
            shown,
            shell=True,
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=900,
        )
        body.append(f"{prompt} {shown}\n{done.stdout}")
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"cause: {label}\nsource: fresh:{name}\nbatch: {batch}\n---\n" + "".join(body))
    return f"made {name}"


def score(out: Path, only: str | None, batch_wanted: int | None = None) -> None:
    from envdoctor.explain import explain_text

    by_batch: dict[int, list[tuple[str, str, str, float]]] = {}
    for log in sorted((out / "logs").glob("*.log")):
        if only and not re.search(only, log.stem):
            continue
        head, body = log.read_text().split("---\n", 1)
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        if batch_wanted is not None and int(fields.get("batch", "0")) != batch_wanted:
            continue
        got = explain_text(body)
        by_batch.setdefault(int(fields.get("batch", "0")), []).append(
            (log.stem, fields["cause"], got.cause, got.confidence)
        )
    print("| batch | logs | top-1 right | top-1 | named (>= 0.8) | confidently wrong |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for batch, rows in sorted(by_batch.items()):
        right = sum(1 for _n, label, cause, _c in rows if cause == label)
        named = [r for r in rows if r[2] != "unknown" and r[3] >= 0.8]
        wrong = sum(1 for _n, label, cause, _c in named if cause != label)
        print(f"| {batch} | {len(rows)} | {right} | {100 * right / len(rows):.1f}% | {len(named)} | {wrong} |")
    print()
    for rows in by_batch.values():
        for name, label, cause, confidence in rows:
            if cause != label:
                print(f"- {name}: labelled {label}, got {cause} ({confidence:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "fresh-faults")
    parser.add_argument("--only", help="only the cases whose name matches this regex")
    parser.add_argument("--batch", type=int, help="only this batch (making and scoring)")
    parser.add_argument("--score-only", action="store_true", help="score the cached logs, make none")
    parser.add_argument(
        "--make-only", action="store_true", help="make the logs, score none (the engine is not imported)"
    )
    args = parser.parse_args()
    if not args.score_only:
        env = base_env(args.out)
        todo = [c for c in CASES if (not args.only or re.search(args.only, c[0])) and args.batch in (None, c[6])]
        if any(c[0] in CONDA for c in todo):
            conda_channel(args.out)  # once, before the cases that share it
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for line in pool.map(lambda c: make(c, args.out, env), todo):
                print(line, flush=True)
    if not args.make_only:
        score(args.out, args.only, args.batch)


if __name__ == "__main__":
    main()
