"""Real venvs with fake, tiny "frameworks" and wheels built on the spot: hermetic action tests."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from envdoctor.actions.uvtool import uv_binary

#: a fake tensorflow good enough for verify's script: constant / matmul / reduce_sum / device
WORKING_TF = """
import contextlib
__version__ = "{version}"

class _T:
    def __init__(self, rows):
        self.rows = rows
    def numpy(self):
        return float(self.rows)

class sysconfig:
    @staticmethod
    def get_build_info():
        return {{"is_cuda_build": False, "cpu_compiler": "fake"}}

class _Dev:
    def __init__(self, name, kind):
        self.name, self.device_type = name, kind

class config:
    @staticmethod
    def list_physical_devices():
        return [_Dev("/physical_device:CPU:0", "CPU")]

class test:
    @staticmethod
    def is_built_with_cuda():
        return False

@contextlib.contextmanager
def device(name):
    yield

def constant(rows):
    return _T(rows)

class linalg:
    @staticmethod
    def matmul(a, b):
        x, y = a.rows, b.rows
        return _T([[sum(x[i][k] * y[k][j] for k in range(2)) for j in range(2)] for i in range(2)])

def reduce_sum(t):
    return _T(sum(sum(r) for r in t.rows))
"""

#: fails the way TensorFlow built against NumPy 1 fails under NumPy 2 (when numpy >= 2)
NUMPY_CHECKING_TF = (
    """
import numpy
if int(numpy.__version__.split(".")[0]) >= 2:
    import sys
    sys.stderr.write(
        "A module that was compiled using NumPy 1.x cannot be run in\\n"
        "NumPy 2.0.0 as it may crash. To support both 1.x and 2.x\\n"
        "versions of NumPy, modules must be compiled with NumPy 2.0.\\n"
    )
    raise ImportError("numpy.core._multiarray_umath failed to import")
"""
    + WORKING_TF
)

FAKE_NUMPY = '__version__ = "{version}"\n'


def make_venv(path: Path) -> Path:
    """A real venv from the interpreter running the tests (uv venv: no network)."""
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([uv_binary(), "venv", "-q", "--python", sys.executable, str(path)], check=True, env=env)
    return path / "bin" / "python"


def site_packages(venv: Path) -> Path:
    found = sorted((venv / "lib").glob("python3*/site-packages"))
    assert found, f"no site-packages in {venv}"
    return found[0]


def write_package(site: Path, name: str, version: str, init: str, *, installer: str = "pip") -> None:
    """A package folder plus its dist-info, written straight into site-packages."""
    module = name.replace("-", "_")
    (site / module).mkdir(parents=True, exist_ok=True)
    (site / module / "__init__.py").write_text(init, encoding="utf-8")
    meta = site / f"{module}-{version}.dist-info"
    meta.mkdir(exist_ok=True)
    (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    (meta / "INSTALLER").write_text(installer + "\n", encoding="utf-8")
    (meta / "RECORD").write_text(
        f"{module}/__init__.py,,\n{meta.name}/METADATA,,\n{meta.name}/INSTALLER,,\n{meta.name}/RECORD,,\n",
        encoding="utf-8",
    )


def build_wheel(folder: Path, name: str, version: str, files: dict[str, str], requires: tuple[str, ...] = ()) -> Path:
    """A pure-Python wheel (zip + dist-info + RECORD), as a build backend would make it."""
    folder.mkdir(parents=True, exist_ok=True)
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    contents = dict(files)
    contents[f"{info}/METADATA"] = metadata
    contents[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: envdoctor-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record_lines = []
    for path, text in contents.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{path},sha256={digest},{len(data)}")
    record_lines.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = "\n".join(record_lines) + "\n"
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in contents.items():
            zf.writestr(path, text)
    return wheel


def wheel_folder(folder: Path) -> Path:
    """fakenumpy-like `numpy` 1.26.4 / 2.0.0 and a `tensorflow` 2.15.0 that needs NumPy 1."""
    build_wheel(folder, "numpy", "1.26.4", {"numpy/__init__.py": FAKE_NUMPY.format(version="1.26.4")})
    build_wheel(folder, "numpy", "2.0.0", {"numpy/__init__.py": FAKE_NUMPY.format(version="2.0.0")})
    build_wheel(
        folder,
        "tensorflow",
        "2.15.0",
        {"tensorflow/__init__.py": NUMPY_CHECKING_TF.format(version="2.15.0")},
        requires=("numpy",),
    )
    build_wheel(folder, "helper", "1.0", {"helper/__init__.py": ""})
    build_wheel(folder, "helper", "2.0", {"helper/__init__.py": ""})
    bundled = Path(sys.base_prefix) / "lib"
    for pip_wheel in bundled.glob("python3*/ensurepip/_bundled/pip-*.whl"):
        (folder / pip_wheel.name).write_bytes(pip_wheel.read_bytes())
    return folder


def uv_install(python: Path, folder: Path, *specs: str) -> None:
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    subprocess.run(
        [
            uv_binary(),
            "pip",
            "install",
            "-q",
            "--python",
            str(python),
            "--find-links",
            str(folder),
            "--no-index",
            *specs,
        ],
        check=True,
        env=env,
    )


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
