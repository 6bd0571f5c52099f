"""The live corpus: real logs produced here by running real installers and imports on faults
planted in throwaway environments, each labelled by construction with the cause it plants.

    python bench/live_corpus.py [--out DIR] [--only REGEX] [--force] [--list] [--keep-work]

Every case builds its own venv from a pyenv Python, installs the pip version it names
(`pip install pip==X`, from 20.3 to the newest) or uses uv, plants one fault and records what a
user would paste: the commands typed (`$ ...`) and everything they printed. A case counts only when
its planted fault really shows: the failing step failed (or, for a silent fault, printed what it
should) and the log holds the text the case expects. Logs are cached under DIR/logs (default
.bench/live-corpus/, git-ignored); a rerun rebuilds only missing or failed cases unless --force.
DIR/manifest.json lists every case, its label, its exit codes and whether the fault showed.

Needs the package index (PyPI) and the pyenv Pythons 3.8-3.13; a missing Python skips its cases.
Downloads stay small (a few hundred MB into pip's and uv's caches on the first run): the largest
are tensorflow-cpu 2.15.1 and jaxlib 0.4.30 for Python 3.11, and no CUDA build of anything.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import glob
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / ".bench" / "live-corpus"
SOURCE_PREFIX = "live:"

# pip version -> the Python its generic cases run on (old pips on the Pythons of their time)
PIP_MATRIX: list[tuple[str, str]] = [
    ("20.3.4", "3.8"),
    ("21.3.1", "3.9"),
    ("22.3.1", "3.10"),
    ("23.3.2", "3.11"),
    ("24.3.1", "3.12"),
    ("25.3", "3.13"),
    ("26.3", "3.12"),
]
UV_OLD = "0.5.31"  # an older uv beside the current one: its messages read differently
TF_CPU = "tensorflow-cpu==2.15.1"  # a cp311 build in the shared uv cache: no big download
TORCH_CPU_WHEEL = "/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
FOREIGN_HTTP = "10.255.255.1"  # a plain-HTTP index that is not localhost: pip refuses to trust it
REFUSED = r"(Connection refused|NewConnectionError)"
# the removed stub's setup.py raises, or its broken requirement trips setuptools / the resolver
REMOVED_TFGPU = r"(has been removed|InvalidRequirement|python-version)"
NOT_ON_INDEX = r"(No matching distribution|was not found in the package registry)"
STEP_TIMEOUT_S = 900


@dataclasses.dataclass(frozen=True)
class Step:
    """One shell command run in the case's activated venv (cwd = the case's work dir)."""

    cmd: str
    logged: bool = True  # part of the pasted log, or silent setup
    env: tuple[tuple[str, str], ...] = ()
    show: str | None = None  # what the user typed, when it differs from what is run


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    cause: str
    python: str  # pyenv version, e.g. "3.11"
    tool: str  # "pip 23.3.2", "uv 0.9.1", "python" ...
    steps: tuple[Step, ...]
    expect: str  # regex the log must show
    why: str
    tags: str
    pip: str | None = None  # pip version to put into the venv
    venv: bool = True
    files: tuple[tuple[str, str], ...] = ()
    fail: bool = True  # the last logged step must exit non-zero
    server: str | None = None  # "tls": HTTPS with a self-signed certificate; "timeout": never answers


@dataclasses.dataclass
class Outcome:
    id: str
    cause: str
    tool: str
    python: str
    log: str
    rcs: list[int]
    shown: bool
    reason: str
    seconds: float


# ----------------------------------------------------------------------------- environment


def pyenv_python(version: str) -> Path | None:
    """The pyenv interpreter for "3.11" (newest patch release installed), or None."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(glob.glob(str(root / f"{version}.*")), key=lambda p: [int(x) for x in re.findall(r"\d+", p)[-3:]])
    for prefix in reversed(found):
        exe = Path(prefix) / "bin" / f"python{version}"
        if exe.exists():
            return exe
    return None


def base_env() -> dict[str, str]:
    """The parent environment without anything that would leak into a case (pip and uv settings,
    PYTHONPATH, an active venv or conda env); the system CA bundle stays for TLS."""
    drop = ("PIP_", "UV_", "PYTHON", "VIRTUAL_ENV", "CONDA", "PYENV_VERSION")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    if "PIP_CERT" in os.environ:
        env["PIP_CERT"] = os.environ["PIP_CERT"]
    env["PIP_CONFIG_FILE"] = os.devnull  # no machine-wide constraints or find-links
    env["PIP_NO_INPUT"] = "1"
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_NO_PROGRESS"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def uv_binary() -> Path:
    """uv from this checkout's venv (the `uv` package), else the one on PATH."""
    local = Path(sys.executable).parent / "uv"
    if local.exists():
        return local
    found = shutil.which("uv")
    if not found:
        raise SystemExit("live_corpus: uv not found (pip install uv)")
    return Path(found)


def uv_version(uv: Path) -> str:
    out = subprocess.run([str(uv), "--version"], capture_output=True, text=True, check=True).stdout
    return out.split()[1]


def old_uv(out: Path, uv: Path) -> Path | None:
    """uv UV_OLD in a tool venv under DIR/tools (built once)."""
    exe = out / "tools" / f"uv-{UV_OLD}" / "bin" / "uv"
    if exe.exists():
        return exe
    py = pyenv_python("3.11")
    if py is None:
        return None
    venv = exe.parent.parent
    env = base_env()
    subprocess.run([str(uv), "venv", "-q", "--python", str(py), str(venv)], env=env, check=True)
    subprocess.run(
        [str(uv), "pip", "install", "-q", "--python", str(venv / "bin" / "python"), f"uv=={UV_OLD}"],
        env=env,
        check=True,
    )
    return exe if exe.exists() else None


class SilentIndex:
    """A local TCP server that accepts connections and never answers: read timeouts."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._hold, daemon=True)
        self.thread.start()

    def _hold(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


class TLSIndex:
    """A local HTTPS server with a fresh self-signed certificate: an index pip cannot trust."""

    def __init__(self, work: Path) -> None:
        cert, key = work / "cert.pem", work / "key.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-days",
                "2",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(work / "empty-index"))
        (work / "empty-index").mkdir(exist_ok=True)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ----------------------------------------------------------------------------- the cases

OTHER_PYTHON = {"3.8": "3.10", "3.9": "3.11", "3.10": "3.12", "3.11": "3.10", "3.12": "3.11", "3.13": "3.12"}

# a TensorFlow release with no wheel for that Python (and no sdist): pip only reads the index
NO_WHEEL_FOR = {
    "3.8": "tensorflow==2.14.0",
    "3.9": "tensorflow==2.4.0",
    "3.10": "tensorflow==2.7.0",
    "3.11": "tensorflow==2.11.0",
    "3.12": "tensorflow==2.13.*",
    "3.13": "tensorflow==2.16.1",
}

# user code that calls a NumPy alias the installed NumPy removed
NUMPY_ALIAS = {
    "3.8": ("numpy==1.24.4", "np.float"),
    "3.9": ("numpy==1.26.4", "np.int"),
    "3.10": ("numpy==1.26.4", "np.bool"),
    "3.11": ("numpy==2.1.3", "np.NaN"),
    "3.12": ("numpy==2.2.6", "np.float_"),
    "3.13": ("numpy==2.3.5", "np.product"),
}

TRAIN_PY = """import numpy as np


def load_labels(path="labels.txt"):
    values = [1, 0, 1, 1]
    return np.array(values, dtype={alias})


if __name__ == "__main__":
    labels = load_labels()
    print("loaded", labels.shape)
"""

TRAIN_PRODUCT_PY = """import numpy as np

shape = (32, 32, 3)
print("pixels per image:", np.product(shape))
"""

KERAS_FUNCTIONAL_PY = """import tensorflow as tf

inputs = tf.keras.Input(shape=(28, 28, 1))
x = tf.keras.layers.Conv2D(16, 3, activation="relu")(inputs)
x = tf.reshape(x, (-1, 26 * 26 * 16))
outputs = tf.keras.layers.Dense(10)(x)
model = tf.keras.Model(inputs, outputs)
model.summary()
"""

KERAS_SAVE_PY = """import numpy as np
import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.random.rand(64, 4), np.random.rand(64, 1), epochs=1, verbose=0)
model.save("saved_model/regressor")
print("saved")
"""

KERAS_UTILS_PY = """from keras.utils import np_utils
import numpy as np

y = np.array([0, 2, 1])
print(np_utils.to_categorical(y, 3))
"""

TF_GPU_PY = """import tensorflow as tf

gpus = tf.config.list_physical_devices("GPU")
print("Num GPUs Available: ", len(gpus))
with tf.device("/GPU:0"):
    a = tf.random.normal((1024, 1024))
    print(tf.reduce_sum(tf.matmul(a, a)).device)
assert gpus, "training needs a GPU"
"""

TORCH_GPU_PY = """import torch

print(torch.__version__, "cuda available:", torch.cuda.is_available())
device = torch.device("cuda:0")
x = torch.randn(8, 8).to(device)
print(x.sum())
"""

JAX_GPU_PY = """import jax
import jax.numpy as jnp

print(jax.devices())
gpu = jax.devices("gpu")[0]
x = jax.device_put(jnp.ones((4, 4)), gpu)
print(x.sum())
"""

APP_REQUESTS_PY = """import sys
import requests

print(sys.executable)
print(requests.get("https://pypi.org/simple/", timeout=10).status_code)
"""

SETTINGS_PY = """from pydantic import BaseModel


class TrainConfig(BaseModel):
    batch_size: int = 32
    learning_rate: float = 1e-3


print(TrainConfig(batch_size=64))
"""

MISSING_FILE_PY = """import numpy as np

weights = np.load("checkpoints/model_weights.npy")
print(weights.shape)
"""

SETUP_DISTUTILS_PY = """from distutils.core import setup

setup(name="blinker", version="1.4", py_modules=["blinker"])
"""


def version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def tags(framework: str, manager: str, *extra: str) -> str:
    return " ".join([framework, "linux", manager, *extra])


def pip_cases() -> Iterator[Case]:
    """The generic faults under every pip version of the matrix."""
    for pip, py in PIP_MATRIX:
        p = f"pip{pip}"
        tool = f"pip {pip}"
        t = f"pip-{pip} py{py}"
        spec = NO_WHEEL_FOR[py]
        yield Case(
            f"pyver-{p}",
            "python-unsupported",
            py,
            tool,
            (Step(f"pip install '{spec}'", show=f'pip install "{spec}"'),),
            r"(No matching distribution|Could not find a version)",
            f"{spec} has no wheel for Python {py} (and no sdist)",
            tags("tensorflow", "pip", t),
            pip=pip,
        )
        yield Case(
            f"removed-tfgpu-{p}",
            "package-removed",
            py,
            tool,
            (Step("pip install tensorflow-gpu==2.12.0" if version(pip) < (23,) else "pip install tensorflow-gpu"),),
            REMOVED_TFGPU,
            "tensorflow-gpu is a removed package whose sdist refuses to build",
            tags("tensorflow", "pip", t),
            pip=pip,
        )
        bound = "tensorboard==2.13.0" if py == "3.8" else "tensorboard==2.15.2"
        yield Case(
            f"solver-tensorboard-{p}",
            "solver-conflict",
            py,
            tool,
            (Step(f"pip install {bound} 'protobuf<3.19'", show=f'pip install {bound} "protobuf<3.19"'),),
            r"(ResolutionImpossible|conflicting dependencies|Cannot install)",
            f"{bound} needs protobuf>=3.19.6, the user pins protobuf<3.19",
            tags("tensorflow", "pip", t),
            pip=pip,
        )
        numpy_spec, alias = NUMPY_ALIAS[py]
        script = TRAIN_PRODUCT_PY if alias == "np.product" else TRAIN_PY.format(alias=alias)
        yield Case(
            f"npapi-{alias.split('.')[1].rstrip('_')}-{p}",
            "numpy-api-removed",
            py,
            tool,
            (Step(f"pip install -q {numpy_spec}", logged=False), Step("python train.py")),
            r"(has no attribute|was removed|was a deprecated alias)",
            f"the code calls {alias}, removed from {numpy_spec.replace('==', ' ')}",
            tags("numpy", "pip", t),
            pip=pip,
            files=(("train.py", script),),
        )
    # one network fault per pip version, each of another kind
    net = [
        ("refused", "pip install --index-url http://127.0.0.1:9/simple tensorflow", REFUSED),
        (
            "timeout",
            "pip install --timeout 3 --retries 1 --index-url http://127.0.0.1:{port}/simple numpy",
            r"(timed out|Timeout)",
        ),
        (
            "dns",
            "pip install --retries 1 --index-url https://pypi.internal.invalid/simple torch",
            r"(Name or service not known|Temporary failure in name resolution|getaddrinfo|NewConnectionError)",
        ),
        (
            "tls",
            "pip install --retries 1 --index-url https://localhost:{port}/simple jax",
            r"(CERTIFICATE_VERIFY_FAILED|SSLError|certificate verify failed)",
        ),
        ("proxy", "pip install --retries 1 --proxy http://127.0.0.1:9 keras", r"(ProxyError|Cannot connect to proxy)"),
        ("refused", "pip install --index-url http://127.0.0.1:9/simple tensorflow", REFUSED),
        (
            "tls",
            "pip install --retries 1 --index-url https://localhost:{port}/simple torch",
            r"(CERTIFICATE_VERIFY_FAILED|SSLError|certificate verify failed)",
        ),
    ]
    for (pip, py), (kind, cmd, expect) in zip(PIP_MATRIX, net):
        yield Case(
            f"network-{kind}-pip{pip}",
            "network-or-index",
            py,
            f"pip {pip}",
            (Step(cmd),),
            expect,
            f"the index is unreachable or untrusted ({kind})",
            tags("unknown", "pip", f"pip-{pip} py{py}"),
            pip=pip,
            server=kind if kind in ("tls", "timeout") else None,
        )
    yield Case(
        "network-untrusted-pip22.3.1",
        "network-or-index",
        "3.10",
        "pip 22.3.1",
        (Step(f"pip install --index-url http://{FOREIGN_HTTP}/simple tensorflow"),),
        r"not a trusted or secure host",
        "a plain-HTTP index that pip will not trust without --trusted-host",
        tags("tensorflow", "pip", "pip-22.3.1 py3.10"),
        pip="22.3.1",
    )
    # sklearn: the deprecated stub package
    # (pip 21 falls back to the old sklearn 0.0 stub, which still pulls scikit-learn: no fault there)
    for pip, py in (PIP_MATRIX[3], PIP_MATRIX[5], PIP_MATRIX[6]):
        yield Case(
            f"removed-sklearn-pip{pip}",
            "package-removed",
            py,
            f"pip {pip}",
            (Step("pip install sklearn"),),
            r"sklearn.*deprecated|deprecated.*sklearn",
            "the sklearn PyPI package is a deprecated stub: scikit-learn is the real name",
            tags("scikit-learn", "pip", f"pip-{pip} py{py}"),
            pip=pip,
        )
    # a distutils-installed project that pip cannot uninstall (stdlib distutils: Python <= 3.11)
    for pip, py in PIP_MATRIX[:4]:
        yield Case(
            f"mixed-distutils-pip{pip}",
            "mixed-pip-conda",
            py,
            f"pip {pip}",
            (
                Step(
                    "cd blinker-1.4 && python setup.py -q install",
                    logged=False,
                    env=(("SETUPTOOLS_USE_DISTUTILS", "stdlib"),),
                ),  # plain distutils, as a distro does
                Step("pip install flask==3.0.3"),
            ),
            r"distutils installed project",
            "blinker 1.4 was installed by another installer (distutils); pip cannot replace it",
            tags("flask", "pip", f"pip-{pip} py{py}"),
            pip=pip,
            files=(("blinker-1.4/setup.py", SETUP_DISTUTILS_PY), ("blinker-1.4/blinker.py", '__version__ = "1.4"\n')),
        )
    # PYTHONPATH points at another Python's site-packages: its compiled numpy loads here
    for pip, py in (PIP_MATRIX[1], PIP_MATRIX[3], PIP_MATRIX[4]):
        other = OTHER_PYTHON[py]
        yield Case(
            f"envleak-pythonpath-pip{pip}",
            "env-leakage",
            py,
            f"pip {pip}",
            (
                Step(
                    f"{{python{other}}} -m venv other-env && other-env/bin/python -m pip install -q numpy==1.26.4",
                    logged=False,
                ),
                Step("pip install -q numpy==1.26.4", logged=False),
                Step("python train.py", env=(("PYTHONPATH", f"{{work}}/other-env/lib/python{other}/site-packages"),)),
            ),
            r"(numpy|multiarray|_multiarray_umath)",
            f"PYTHONPATH puts a numpy built for Python {other} ahead of the venv's own",
            tags("numpy", "pip", f"pip-{pip} py{py}", "pythonpath"),
            pip=pip,
            files=(("train.py", "import numpy as np\n\nprint(np.ones(3).sum())\n"),),
        )
    # installed with one interpreter's pip, run with another interpreter
    for pip, py in (PIP_MATRIX[0], PIP_MATRIX[2], PIP_MATRIX[5]):
        other = OTHER_PYTHON[py]
        yield Case(
            f"wronginterp-pip{pip}",
            "wrong-interpreter",
            py,
            f"pip {pip}",
            (Step("pip --version"), Step("pip install requests"), Step(f"python{other} app.py")),
            r"No module named 'requests'",
            f"requests went into the Python {py} venv; the app ran under python{other}",
            tags("requests", "pip", f"pip-{pip} py{py}"),
            pip=pip,
            files=(("app.py", APP_REQUESTS_PY),),
        )
    # an old typing_extensions vendored in a folder on PYTHONPATH shadows the venv's newer copy
    for pip, py in (PIP_MATRIX[2], ("26.3", "3.11")):  # IPython imports typing_extensions below 3.12
        yield Case(
            f"envleak-vendored-pip{pip}",
            "env-leakage",
            py,
            f"pip {pip}",
            (
                Step("pip install -q ipython==8.23.0", logged=False),
                Step("pip install -q --target vendor typing-extensions==4.5.0", logged=False),
                Step("ipython -c 'print(1)'", env=(("PYTHONPATH", "{work}/vendor"),)),
            ),
            r"vendor/typing_extensions\.py",
            "PYTHONPATH puts a vendored typing-extensions 4.5.0 ahead of the venv's newer copy",
            tags("ipython", "pip", f"pip-{pip} py{py}", "pythonpath"),
            pip=pip,
        )
    # causes outside the table: the honest answer is unknown
    unknown = [
        (PIP_MATRIX[0], "typo", "pip install tensorfow", NOT_ON_INDEX, "a typo: no such project on the index"),
        (PIP_MATRIX[3], "typo", "pip install pytorch-lightening", NOT_ON_INDEX, "a typo: no such project on the index"),
        (PIP_MATRIX[4], "missing-file", "python train.py", r"FileNotFoundError", "the checkpoint file is not there"),
        (
            PIP_MATRIX[6],
            "typo",
            "pip install tensorflow-datasetss",
            NOT_ON_INDEX,
            "a typo: no such project on the index",
        ),
    ]
    for (pip, py), kind, cmd, expect, why in unknown:
        setup = (Step("pip install -q numpy", logged=False),) if kind == "missing-file" else ()
        yield Case(
            f"unknown-{kind}-pip{pip}",
            "unknown",
            py,
            f"pip {pip}",
            (*setup, Step(cmd)),
            expect,
            why,
            tags("unknown", "pip", f"pip-{pip} py{py}"),
            pip=pip,
            files=(("train.py", MISSING_FILE_PY),),
        )
    # other platforms, asked for through pip's own target options
    yield Case(
        "platform-win32-pip24.3.1",
        "platform-unsupported",
        "3.12",
        "pip 24.3.1",
        (
            Step(
                "pip download --only-binary=:all: --platform win32 --python-version 3.10 --no-deps -d wheels "
                "tensorflow==2.10.0"
            ),
        ),
        r"(No matching distribution|Could not find a version)",
        "32-bit Windows: TensorFlow has no win32 build",
        tags("tensorflow", "pip", "pip-24.3.1 py3.12", "32bit"),
        pip="24.3.1",
    )
    yield Case(
        "platform-macarm-pip23.3.2",
        "platform-unsupported",
        "3.11",
        "pip 23.3.2",
        (
            Step(
                "pip download --only-binary=:all: --platform macosx_12_0_arm64 --python-version 3.10 --no-deps "
                "-d wheels tensorflow==2.10.0"
            ),
        ),
        r"(No matching distribution|Could not find a version)",
        "Apple silicon: TensorFlow 2.10 had no macOS arm64 wheel",
        tags("tensorflow", "pip", "pip-23.3.2", "macos"),
        pip="23.3.2",
    )
    yield Case(
        "glibc-manylinux2014-pip25.3",
        "glibc-too-old",
        "3.13",
        "pip 25.3",
        (
            Step(
                "pip download --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.11 "
                "--no-deps -d wheels h5py==3.16.0"
            ),
        ),
        r"(No matching distribution|Could not find a version)",
        "a glibc 2.17 host (manylinux2014): h5py 3.16.0 ships manylinux_2_28 wheels only",
        tags("h5py", "pip", "pip-25.3", "glibc"),
        pip="25.3",
    )


def framework_cases() -> Iterator[Case]:
    """Faults inside a real framework install (tensorflow-cpu 2.15.1, torch 2.13 CPU, jax 0.4.30,
    pandas, h5py, IPython, pydantic) on Python 3.11 and 3.10, under several pip versions."""
    tf_base = Step(f"{{uv}} pip install -q --python .venv/bin/python {TF_CPU}", logged=False)
    for pip, numpy_cmd in (
        ("22.3.1", "pip install numpy==2.0.2"),
        ("24.3.1", "pip install -U numpy"),
        ("26.3", "pip install 'numpy>=2'"),
    ):
        yield Case(
            f"numpyabi-tf-pip{pip}",
            "numpy-abi",
            "3.11",
            f"pip {pip}",
            (tf_base, Step(numpy_cmd, show=numpy_cmd.replace("'", '"')), Step('python -c "import tensorflow as tf"')),
            r"(NumPy 1\.x cannot be run in|_ARRAY_API not found|numpy\.core\._multiarray_umath|multiarray failed)",
            "NumPy 2 under tensorflow-cpu 2.15.1, built against NumPy 1",
            tags("tensorflow", "pip", f"pip-{pip} py3.11"),
            pip=pip,
        )
    for pip, proto in (("23.3.2", "protobuf==3.19.6"), ("25.3", "protobuf==3.18.3")):
        yield Case(
            f"protobuf-tf-pip{pip}",
            "protobuf-mismatch",
            "3.11",
            f"pip {pip}",
            (tf_base, Step(f"pip install {proto}"), Step('python -c "import tensorflow as tf; print(tf.__version__)"')),
            r"(cannot import name 'builder'|Descriptors cannot|runtime_version|google\.protobuf)",
            f"{proto} is older than the generated code in tensorflow 2.15.1 expects",
            tags("tensorflow", "pip", f"pip-{pip} py3.11"),
            pip=pip,
        )
    keras_cases = (
        ("22.3.1", "pip install keras==3.6.0", "functional.py", KERAS_FUNCTIONAL_PY, r"KerasTensor"),
        ("23.3.2", "pip install -U keras", "train.py", KERAS_SAVE_PY, r"(filepath|\.keras)"),
        ("26.3", "pip install 'keras>=3'", "labels.py", KERAS_UTILS_PY, r"np_utils"),
    )
    for pip, cmd, name, code, expect in keras_cases:
        yield Case(
            f"keras-tf-{name.split('.')[0]}-pip{pip}",
            "keras-version-mismatch",
            "3.11",
            f"pip {pip}",
            (tf_base, Step(cmd, show=cmd.replace("'", '"')), Step(f"python {name}")),
            expect,
            "Keras 3 installed over tensorflow 2.15.1, whose code expects Keras 2 (tf.keras)",
            tags("tensorflow", "pip", f"pip-{pip} py3.11", "keras3"),
            pip=pip,
            files=((name, code),),
        )
    yield Case(
        "nogpu-tf-pip24.3.1",
        "no-gpu-visible",
        "3.11",
        "pip 24.3.1",
        (
            tf_base,
            Step("pip list 2>/dev/null | grep -i tensorflow", show="pip list | grep -i tensorflow"),
            Step("python gpu_check.py"),
        ),
        r"Num GPUs Available:\s+0",
        "tensorflow-cpu: a CPU-only build, no GPU device",
        tags("tensorflow", "pip", "pip-24.3.1 py3.11", "gpu"),
        pip="24.3.1",
        files=(("gpu_check.py", TF_GPU_PY),),
    )
    yield Case(
        "nogpu-torch-pip23.3.2",
        "no-gpu-visible",
        "3.11",
        "pip 23.3.2",
        (Step(f"pip install -q {TORCH_CPU_WHEEL}", logged=False), Step("python gpu_check.py")),
        r"(not compiled with CUDA|cuda available: False)",
        "the torch 2.13.0+cpu wheel: CPU-only, no CUDA",
        tags("pytorch", "pip", "pip-23.3.2 py3.11", "gpu"),
        pip="23.3.2",
        files=(("gpu_check.py", TORCH_GPU_PY),),
    )
    yield Case(
        "nogpu-jax-pip25.3",
        "no-gpu-visible",
        "3.11",
        "pip 25.3",
        (Step("pip install jax==0.4.30 jaxlib==0.4.30"), Step("python gpu_check.py")),
        r"(Unknown backend|gpu)",
        "jaxlib from PyPI is CPU-only: no gpu backend",
        tags("jax", "pip", "pip-25.3 py3.11", "gpu"),
        pip="25.3",
        files=(("gpu_check.py", JAX_GPU_PY),),
    )
    yield Case(
        "depver-jaxlib-pip24.3.1",
        "dependency-version-mismatch",
        "3.11",
        "pip 24.3.1",
        (
            Step("pip install -q jaxlib==0.4.30 jax==0.4.30", logged=False),
            Step("pip install --no-deps jax==0.4.35"),
            Step('python -c "import jax; print(jax.devices())"'),
        ),
        r"jaxlib",
        "jax 0.4.35 needs jaxlib >= 0.4.34; jaxlib 0.4.30 stays",
        tags("jax", "pip", "pip-24.3.1 py3.11"),
        pip="24.3.1",
    )
    for pip, py in (("22.3.1", "3.10"), ("26.3", "3.11")):  # IPython needs typing_extensions below 3.12
        yield Case(
            f"depver-typingext-pip{pip}",
            "dependency-version-mismatch",
            py,
            f"pip {pip}",
            (
                Step("pip install -q ipython==8.23.0", logged=False),
                Step("pip install typing-extensions==4.5.0"),
                Step("ipython -c 'print(1)'"),
            ),
            r"TypeAliasType",
            "IPython 8.23 needs typing-extensions >= 4.6; 4.5.0 was installed over it",
            tags("ipython", "pip", f"pip-{pip} py{py}"),
            pip=pip,
        )
    yield Case(
        "depver-pydanticcore-pip23.3.2",
        "dependency-version-mismatch",
        "3.11",
        "pip 23.3.2",
        (
            Step("pip install -q pydantic==2.11.7", logged=False),
            Step("pip install pydantic-core==2.27.2"),
            Step("python settings.py"),
        ),
        r"pydantic_core|unexpected keyword argument",
        "pydantic 2.11.7 pins pydantic-core 2.33.2; 2.27.2 was installed over it",
        tags("pydantic", "pip", "pip-23.3.2 py3.11"),
        pip="23.3.2",
        files=(("settings.py", SETTINGS_PY),),
    )
    for pip, py, pkg, code in (
        ("21.3.1", "3.10", "pandas==1.5.3", "import pandas as pd; print(pd.DataFrame({'a': [1, 2]}))"),
        ("23.3.2", "3.11", "pandas==1.5.3", "import pandas as pd; print(pd.__version__)"),
        ("25.3", "3.11", "h5py==3.9.0", "import h5py; print(h5py.__version__)"),
    ):
        yield Case(
            f"numpyabi-{pkg.split('==')[0]}-pip{pip}",
            "numpy-abi",
            py,
            f"pip {pip}",
            (Step(f"pip install -q {pkg}", logged=False), Step("pip install -U numpy"), Step(f'python -c "{code}"')),
            r"(dtype size changed|NumPy 1\.x cannot be run in|_ARRAY_API not found|multiarray)",
            f"{pkg} was built against NumPy 1; pip upgraded numpy to 2.x",
            tags("numpy", "pip", f"pip-{pip} py{py}"),
            pip=pip,
        )


def uv_cases(uv_now: str, have_old: bool) -> Iterator[Case]:
    """uv's resolver and installer on the same kinds of faults (the current uv and an older one)."""
    versions = [("uv", uv_now)] + ([("uvold", UV_OLD)] if have_old else [])
    for key, ver in versions:
        u = "{uv}" if key == "uv" else "{uvold}"
        t = f"uv-{ver}"
        yield Case(
            f"pyver-tf213-{key}",
            "python-unsupported",
            "3.12",
            f"uv {ver}",
            (
                Step(
                    f"{u} pip install --python .venv/bin/python 'tensorflow==2.13.*'",
                    show='uv pip install --python .venv/bin/python "tensorflow==2.13.*"',
                ),
            ),
            r"(unsatisfiable|no wheels|No solution found|matching Python ABI)",
            "tensorflow 2.13 has wheels for Python 3.8-3.11 only; the venv is 3.12",
            tags("tensorflow", "uv", t, "py3.12"),
        )
        yield Case(
            f"solver-tfnumpy-{key}",
            "solver-conflict",
            "3.11",
            f"uv {ver}",
            (
                Step(
                    f"{u} pip install --python .venv/bin/python {TF_CPU} 'numpy>=2'",
                    show=f'uv pip install --python .venv/bin/python {TF_CPU} "numpy>=2"',
                ),
            ),
            r"(unsatisfiable|No solution found)",
            "tensorflow-cpu 2.15.1 needs numpy<2; the user asks numpy>=2",
            tags("tensorflow", "uv", t, "py3.11"),
        )
        yield Case(
            f"removed-tfgpu-{key}",
            "package-removed",
            "3.11",
            f"uv {ver}",
            (
                Step(
                    f"{u} pip install --python .venv/bin/python tensorflow-gpu==2.12.0",
                    show="uv pip install --python .venv/bin/python tensorflow-gpu==2.12.0",
                ),
            ),
            REMOVED_TFGPU,
            "tensorflow-gpu is removed: its sdist refuses to build",
            tags("tensorflow", "uv", t),
        )
        yield Case(
            f"network-refused-{key}",
            "network-or-index",
            "3.11",
            f"uv {ver}",
            (
                Step(
                    f"{u} pip install --python .venv/bin/python --index-url http://127.0.0.1:9/simple torch",
                    show="uv pip install --python .venv/bin/python --index-url http://127.0.0.1:9/simple torch",
                ),
            ),
            r"(Connection refused|error sending request|Failed to fetch|tcp connect)",
            "the index refuses connections",
            tags("pytorch", "uv", t),
        )
    t = f"uv-{uv_now}"
    yield Case(
        "solver-tfkeras-uv",
        "solver-conflict",
        "3.11",
        f"uv {uv_now}",
        (
            Step(
                f"{{uv}} pip install --python .venv/bin/python {TF_CPU} 'keras>=3'",
                show=f'uv pip install --python .venv/bin/python {TF_CPU} "keras>=3"',
            ),
        ),
        r"(unsatisfiable|No solution found)",
        "tensorflow-cpu 2.15.1 needs keras<2.16; the user asks keras>=3",
        tags("tensorflow", "uv", t, "keras"),
    )
    yield Case(
        "solver-jax-uv",
        "solver-conflict",
        "3.11",
        f"uv {uv_now}",
        (
            Step(
                "{uv} pip install --python .venv/bin/python jax==0.4.35 jaxlib==0.4.30",
                show="uv pip install --python .venv/bin/python jax==0.4.35 jaxlib==0.4.30",
            ),
        ),
        r"(unsatisfiable|No solution found)",
        "jax 0.4.35 needs jaxlib>=0.4.34; jaxlib 0.4.30 is pinned",
        tags("jax", "uv", t),
    )
    yield Case(
        "pyver-project-uv",
        "python-unsupported",
        "3.12",
        f"uv {uv_now}",
        (
            Step("{uv} init -q --no-workspace --python .venv/bin/python --name trainer .", logged=False),
            Step(
                "{uv} add --python .venv/bin/python 'tensorflow==2.13.*'",
                show='uv add "tensorflow==2.13.*"',
                env=(("VIRTUAL_ENV", "{work}/.venv"),),
            ),
        ),
        r"(unsatisfiable|No solution found)",
        "the project requires Python >= 3.12; tensorflow 2.13 stops at 3.11",
        tags("tensorflow", "uv", t, "py3.12"),
    )
    yield Case(
        "network-timeout-uv",
        "network-or-index",
        "3.11",
        f"uv {uv_now}",
        (
            Step(
                "{uv} pip install --python .venv/bin/python --index-url http://127.0.0.1:{port}/simple numpy",
                show="uv pip install --python .venv/bin/python --index-url http://127.0.0.1:{port}/simple numpy",
                env=(("UV_HTTP_TIMEOUT", "5"), ("UV_HTTP_RETRIES", "1")),
            ),
        ),
        r"(timed out|timeout|Failed to fetch|error sending request)",
        "the index accepts connections and never answers",
        tags("numpy", "uv", t),
        server="timeout",
    )
    yield Case(
        "platform-macarm-uv",
        "platform-unsupported",
        "3.11",
        f"uv {uv_now}",
        (
            Step(
                "{uv} pip compile --python-version 3.10 --python-platform aarch64-apple-darwin - "
                "<<< 'tensorflow==2.10.0'",
                show='echo "tensorflow==2.10.0" | uv pip compile --python-version 3.10 --python-platform '
                "aarch64-apple-darwin -",
            ),
        ),
        r"(unsatisfiable|No solution found|no wheels|platform)",
        "Apple silicon: tensorflow 2.10 has no macOS arm64 wheel",
        tags("tensorflow", "uv", t, "macos"),
    )
    yield Case(
        "glibc-manylinux217-uv",
        "glibc-too-old",
        "3.11",
        f"uv {uv_now}",
        (
            Step(
                "{uv} pip compile --python-version 3.11 --python-platform x86_64-manylinux_2_17 - <<< 'jaxlib==0.9.2'",
                show='echo "jaxlib==0.9.2" | uv pip compile --python-version 3.11 --python-platform '
                "x86_64-manylinux_2_17 -",
            ),
        ),
        r"(unsatisfiable|No solution found|no wheels|manylinux)",
        "a glibc 2.17 host: jaxlib 0.9.2 ships manylinux_2_27 wheels only (and no sdist)",
        tags("jax", "uv", t, "glibc"),
    )
    yield Case(
        "numpyabi-pandas-uv",
        "numpy-abi",
        "3.11",
        f"uv {uv_now}",
        (
            Step(
                "{uv} pip install --python .venv/bin/python pandas==1.5.3 numpy==2.1.3",
                show="uv pip install --python .venv/bin/python pandas==1.5.3 numpy==2.1.3",
            ),
            Step('python -c "import pandas; print(pandas.__version__)"'),
        ),
        r"(dtype size changed|NumPy 1\.x cannot be run in|_ARRAY_API not found|multiarray)",
        "pandas 1.5.3 (built against NumPy 1) resolved beside numpy 2.1.3 (pandas sets no upper bound)",
        tags("numpy", "uv", t),
    )
    yield Case(
        "numpyabi-tf-uv",
        "numpy-abi",
        "3.11",
        f"uv {uv_now}",
        (
            Step(f"{{uv}} pip install -q --python .venv/bin/python {TF_CPU}", logged=False),
            Step(
                "{uv} pip install --python .venv/bin/python --no-deps numpy==2.1.3",
                show="uv pip install --python .venv/bin/python --no-deps numpy==2.1.3",
            ),
            Step('python -c "import tensorflow as tf; print(tf.reduce_sum(tf.ones((2, 2))))"'),
        ),
        r"(NumPy 1\.x cannot be run in|_ARRAY_API not found|numpy\.core\._multiarray_umath|multiarray failed)",
        "numpy 2.1.3 forced in (--no-deps) under tensorflow-cpu 2.15.1, built against NumPy 1",
        tags("tensorflow", "uv", t),
    )
    yield Case(
        "unknown-typo-uv",
        "unknown",
        "3.11",
        f"uv {uv_now}",
        (
            Step(
                "{uv} pip install --python .venv/bin/python tensorflow-addonss",
                show="uv pip install --python .venv/bin/python tensorflow-addonss",
            ),
        ),
        NOT_ON_INDEX,
        "a typo: no such project on the index",
        tags("unknown", "uv", t),
    )


def all_cases(uv_now: str, have_old_uv: bool) -> list[Case]:
    cases = [*pip_cases(), *framework_cases(), *uv_cases(uv_now, have_old_uv)]
    ids = Counter(c.id for c in cases)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise SystemExit(f"live_corpus: duplicate case ids {dup}")
    return cases


# ----------------------------------------------------------------------------- running


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders (and only those named in values)."""
    return re.sub(r"\{([\w.]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


def header(case: Case) -> str:
    return (
        f"cause: {case.cause}\n"
        f"source: {SOURCE_PREFIX}{case.id}\n"
        "repo: live-corpus\n"
        f"tags: {case.tags}\n"
        "label-confidence: high\n"
        f"why: planted: {case.why}\n"
        "---\n"
    )


def run_case(case: Case, out: Path, tools: dict[str, str], keep_work: bool) -> Outcome:
    start = time.monotonic()
    work = out / "work" / case.id
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    py = pyenv_python(case.python)
    if py is None:
        return Outcome(
            case.id, case.cause, case.tool, case.python, "", [], False, f"skipped: no pyenv Python {case.python}", 0.0
        )
    env = base_env()
    values = dict(tools, work=str(work))
    for version in ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13"):
        exe = pyenv_python(version)
        if exe is not None:
            values[f"python{version}"] = str(exe)
    path = [str(work / ".venv" / "bin")]
    other = OTHER_PYTHON.get(case.python)
    other_exe = pyenv_python(other) if other else None
    if other_exe is not None:
        path.append(str(other_exe.parent))
    env["PATH"] = os.pathsep.join([*path, env.get("PATH", "")])
    for rel, text in case.files:
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    server: TLSIndex | SilentIndex | None = None
    lines: list[str] = []
    rcs: list[int] = []
    reason = ""
    try:
        if case.venv:
            # pip comes from `uv pip install pip==X` (ensurepip is slow and pins its own pip)
            cmd = [str(py), "-m", "venv", "--without-pip", ".venv"]
            subprocess.run(cmd, cwd=work, env=env, check=True, capture_output=True)
            env["VIRTUAL_ENV"] = str(work / ".venv")
            if case.pip:
                # what `python -m venv` would add: the setuptools ensurepip bundles (Python < 3.12)
                bundled = sorted(py.parent.parent.glob(f"lib/python{case.python}/ensurepip/_bundled/setuptools-*.whl"))
                subprocess.run(
                    [
                        tools["uv"],
                        "pip",
                        "install",
                        "-q",
                        "--python",
                        str(work / ".venv" / "bin" / "python"),
                        f"pip=={case.pip}",
                        *map(str, bundled[-1:]),
                    ],
                    cwd=work,
                    env=env,
                    check=True,
                    capture_output=True,
                )
        if case.server == "tls":
            server = TLSIndex(work)
        elif case.server == "timeout":
            server = SilentIndex()
        if server is not None:
            values["port"] = str(server.port)
        for step in case.steps:
            step_env = dict(env)
            step_env.update({k: fill(v, values) for k, v in step.env})
            command = fill(step.cmd, values)
            proc = subprocess.run(
                ["bash", "-c", command],
                cwd=work,
                env=step_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=STEP_TIMEOUT_S,
            )
            text = proc.stdout.decode("utf-8", "replace")
            if not step.logged:
                if proc.returncode != 0:
                    reason = f"setup failed ({proc.returncode}): {command}\n{text[-2000:]}"
                    break
                continue
            rcs.append(proc.returncode)
            shown = fill(step.show or step.cmd, values).replace(str(work) + "/", "")
            prompt = "(.venv) $ " if case.venv else "$ "
            lines.append(prompt + shown + "\n" + text)
    except (subprocess.SubprocessError, OSError) as exc:
        reason = f"error: {exc}"
    finally:
        if server is not None:
            server.close()
    body = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    shown_ok = False
    if not reason:
        failed = bool(rcs) and rcs[-1] != 0
        found = re.search(case.expect, body) is not None
        if case.fail and not failed:
            reason = f"the fault did not show: last step exited {rcs[-1] if rcs else '-'}"
        elif not found:
            reason = f"the log lacks /{case.expect}/"
        else:
            shown_ok = True
    log_path = out / "logs" / f"{case.id}.log"
    if shown_ok:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text(header(case) + body)
        (out / "failed" / f"{case.id}.log").unlink(missing_ok=True)
    else:  # kept aside for a look at why, never read as a corpus log
        if log_path.exists():
            log_path.unlink()
        aside = out / "failed" / f"{case.id}.log"
        aside.parent.mkdir(parents=True, exist_ok=True)
        aside.write_text(f"{reason}\n---\n{body}")
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(
        case.id,
        case.cause,
        case.tool,
        case.python,
        str(log_path.relative_to(out)) if shown_ok else "",
        rcs,
        shown_ok,
        reason,
        round(time.monotonic() - start, 1),
    )


def still_shows(case: Case, log: Path) -> bool:
    """A cached log still counts when it is there and still holds what its case expects."""
    if not log.exists():
        return False
    body = log.read_text(encoding="utf-8", errors="replace").partition("\n---\n")[2]
    return re.search(case.expect, body) is not None


def load_manifest(out: Path) -> dict[str, dict[str, object]]:
    path = out / "manifest.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {str(entry["id"]): entry for entry in data.get("cases", [])}


def write_manifest(out: Path, outcomes: dict[str, dict[str, object]], tools: dict[str, str]) -> None:
    doc = {"tools": tools, "cases": [outcomes[k] for k in sorted(outcomes)]}
    (out / "manifest.json").write_text(json.dumps(doc, indent=1) + "\n")


def summary(entries: list[dict[str, object]]) -> str:
    ok = [e for e in entries if e.get("shown")]
    by_cause = Counter(str(e["cause"]) for e in ok)
    by_tool = Counter(str(e["tool"]) for e in ok)
    lines = [f"live corpus: {len(ok)} logs with their fault shown, {len(entries) - len(ok)} not"]
    lines.append("per cause: " + ", ".join(f"{k} {v}" for k, v in sorted(by_cause.items())))
    lines.append("per tool:  " + ", ".join(f"{k} {v}" for k, v in sorted(by_tool.items(), key=tool_order)))
    return "\n".join(lines)


def tool_order(item: tuple[str, int]) -> tuple[str, list[int]]:
    name, _ = item
    kind, _, version = name.partition(" ")
    return kind, [int(x) for x in re.findall(r"\d+", version)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="cache folder (default .bench/live-corpus)")
    parser.add_argument("--only", default=None, help="regex over case ids")
    parser.add_argument("--force", action="store_true", help="rebuild cached logs too")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--keep-work", action="store_true", help="keep each case's work folder")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    uv = uv_binary()
    tools = {"uv": str(uv), "uv_version": uv_version(uv)}
    uvold = None if args.list else old_uv(out, uv)
    if uvold is not None:
        tools["uvold"] = str(uvold)
    cases = all_cases(tools["uv_version"], uvold is not None or args.list)
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.id)]
    if args.list:
        for c in cases:
            print(f"{c.id:36} {c.cause:28} {c.tool:12} py{c.python}")
        print(f"{len(cases)} cases")
        return 0
    manifest = load_manifest(out)
    for i, case in enumerate(cases, 1):
        cached = manifest.get(case.id)
        if cached and cached.get("shown") and not args.force and still_shows(case, out / str(cached["log"])):
            print(f"[{i}/{len(cases)}] {case.id}: cached")
            continue
        outcome = run_case(case, out, tools, args.keep_work)
        manifest[case.id] = dataclasses.asdict(outcome)
        write_manifest(out, manifest, tools)
        status = "ok" if outcome.shown else f"NOT SHOWN ({outcome.reason.splitlines()[0] if outcome.reason else ''})"
        print(f"[{i}/{len(cases)}] {case.id}: {status} rc={outcome.rcs} {outcome.seconds}s", flush=True)
    known = {c.id for c in all_cases(tools["uv_version"], uvold is not None)}
    if not args.only:  # drop what no case makes any more (renamed or removed cases)
        for stale in [k for k in manifest if k not in known]:
            del manifest[stale]
        for log in [*(out / "logs").glob("*.log"), *(out / "failed").glob("*.log")]:
            if log.stem not in known:
                log.unlink()
        write_manifest(out, manifest, tools)
    entries = [e for k, e in manifest.items() if k in known]
    print(summary(entries))
    return 0 if all(e.get("shown") for e in entries if not args.only or re.search(args.only, str(e["id"]))) else 1


if __name__ == "__main__":
    sys.exit(main())
