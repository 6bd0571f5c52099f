"""verify checks what check flags: compiled packages, which Keras tf.keras is, and the same cause
ids (and remedies) as check. Real venvs, real check, fake packages built on the spot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from envdoctor.actions.verify import verify
from envdoctor.render import formats
from envdoctor.render.views.verify import verify_document
from tests.actions.fakes import FAKE_NUMPY, WORKING_TF, build_wheel, make_venv, run_cli, uv_install

#: the marker NumPy 1 headers leave in an extension (see envdoctor.probe.numpy_binary)
NUMPY1_BINARY = "\x00numpy.core._multiarray_umath\x00"
ABI_PANDAS = """
import numpy
if int(numpy.__version__.split(".")[0]) >= 2:
    raise ImportError(
        "numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject"
    )
__version__ = "2.1.4"
"""
KERAS_TF = (
    WORKING_TF
    + """
import os as _os

class _Dense:
    def __init__(self, units, kernel_initializer=None, bias_initializer=None):
        pass
    def __call__(self, x):
        return _T([[float(sum(x.rows[0]))]])

import types as _types

_Keras = _types.ModuleType("keras")
_Keras.__version__ = "{keras}"
_Keras.layers = _types.SimpleNamespace(Dense=_Dense)

def __getattr__(name):
    if name == "keras":
        if _os.environ.get("TF_USE_LEGACY_KERAS"):
            import tf_keras  # noqa: F401  (as TensorFlow 2.16+ does)
        return _Keras
    raise AttributeError(name)
"""
)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    for version in ("1.26.4", "2.0.0"):
        build_wheel(folder, "numpy", version, {"numpy/__init__.py": FAKE_NUMPY.format(version=version)})
    build_wheel(
        folder,
        "pandas",
        "2.1.4",
        {
            "pandas/__init__.py": ABI_PANDAS,
            "pandas/_libs/lib.cpython-311-x86_64-linux-gnu.so": NUMPY1_BINARY,
        },
        requires=("numpy>=1.23.2",),
    )
    for tf, keras in (("2.15.0", "3.3.3"), ("2.17.0", "3.4.1")):
        build_wheel(folder, "tensorflow", tf, {"tensorflow/__init__.py": KERAS_TF.format(version=tf, keras=keras)})
    build_wheel(folder, "keras", "3.3.3", {"keras/__init__.py": '__version__ = "3.3.3"\n'})
    return folder


def _venv(tmp_path: Path, wheels: Path, *specs: str) -> Path:
    python = make_venv(tmp_path / "env")
    uv_install(python, wheels, *specs)
    return python


def test_a_compiled_package_under_numpy_2_fails_with_checks_cause_and_remedy(tmp_path: Path, wheels: Path) -> None:
    python = _venv(tmp_path, wheels, "pandas==2.1.4", "numpy==2.0.0")
    report = verify(str(python), timeout=60)
    assert not report.ok and report.frameworks == []  # no framework: still not "nothing to verify"
    (pandas,) = report.packages
    assert pandas.kind == "package" and pandas.framework == "pandas" and not pandas.imported
    assert pandas.diagnosis is not None
    assert pandas.diagnosis.code == "ED102" and pandas.diagnosis.cause == "numpy-abi"
    check = json.loads(run_cli("check", "--python", str(python), "--format", "json", "--no-cache").stdout)
    (abi,) = [f for f in check["findings"] if f["code"] == "ED102"]
    assert pandas.diagnosis.fixes == [abi["fix"]]  # the same remedy, the same pins, in both verbs
    assert "pandas (package)" in formats.render(
        verify_document(report), "text"
    ) and "cause: numpy-abi (ED102)" in formats.render(verify_document(report), "text")
    done = run_cli("verify", "--python", str(python), "--format", "json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["packages"][0]["cause"] == "numpy-abi"


def test_tf_keras_becoming_keras_3_under_tensorflow_215_fails(tmp_path: Path, wheels: Path) -> None:
    python = _venv(tmp_path, wheels, "tensorflow==2.15.0", "keras==3.3.3", "numpy==1.26.4")
    report = verify(str(python), timeout=60)
    (tf,) = report.frameworks
    assert tf.keras is not None and tf.keras["version"] == "3.3.3" and tf.keras["ok"]
    assert not tf.ok and "tf.keras is Keras 3.3.3 under TensorFlow 2.15.0" in (tf.error or "")
    assert tf.diagnosis is not None and tf.diagnosis.cause == "keras-version-mismatch"
    assert "tf.keras: Keras 3.3.3 (keras)" in formats.render(verify_document(report), "text")


def test_legacy_keras_without_tf_keras_is_the_same_cause_as_check(
    tmp_path: Path, wheels: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python = _venv(tmp_path, wheels, "tensorflow==2.17.0", "keras==3.3.3", "numpy==1.26.4")
    assert verify(str(python), timeout=60).ok
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    report = verify(str(python), timeout=60)
    (tf,) = report.frameworks
    assert tf.keras is not None and not tf.keras["ok"] and not tf.ok
    assert "No module named 'tf_keras'" in tf.output_tail
    assert tf.diagnosis is not None and tf.diagnosis.code == "ED109"
    assert tf.diagnosis.cause == "keras-version-mismatch"
    assert tf.diagnosis.fixes == [f"{tf.diagnosis.remedy.text() if tf.diagnosis.remedy else ''}"]
    assert "'tf-keras~=2.17.0'" in tf.diagnosis.fixes[0]


def test_python_version_mismatch_gets_the_cause_check_gives_it(tmp_path: Path, wheels: Path) -> None:
    """pybind11's "Python version mismatch" (a site-packages copied from 3.10): explain alone has no
    cause for it; check's ED104 has, and verify says the same."""
    build_wheel(
        wheels,
        "fastgeo",
        "1.0",
        {
            "fastgeo/__init__.py": (
                "raise ImportError('Python version mismatch: module was compiled for Python 3.10, '\n"
                "                  'but the interpreter version is incompatible: 3.11.7.')\n"
            ),
            "fastgeo/_core.cpython-310-x86_64-linux-gnu.so": "not really an extension",
        },
    )
    python = _venv(tmp_path, wheels, "fastgeo==1.0")
    (wheel,) = python.parent.parent.glob("lib/python3*/site-packages/fastgeo-1.0.dist-info/WHEEL")
    wheel.write_text(wheel.read_text().replace("py3-none-any", "cp310-cp310-manylinux_2_17_x86_64"))
    report = verify(str(python), timeout=60)
    (package,) = report.packages
    assert not package.ok and package.diagnosis is not None
    assert package.diagnosis.code == "ED104" and package.diagnosis.cause == "python-unsupported"
    assert package.diagnosis.fixes and "--reinstall --no-deps fastgeo==1.0" in package.diagnosis.fixes[0]  # uv venv
