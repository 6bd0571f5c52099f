"""envdoctor itself runs on Python >= 3.9: run its CLI under real older interpreters."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib.metadata import distribution
from pathlib import Path

import packaging
import pytest
from packaging.specifiers import SpecifierSet

from envdoctor.actions.uvtool import uv_binary, uv_env
from tests.factories import make_dist
from tests.test_probe import make_venv, pyenv_python

SRC = Path(__file__).resolve().parents[1] / "src"
# envdoctor's only runtime import for `check` is `packaging` (pure Python).
RUNTIME_DEPS = ["packaging>=23.2"]


def deps_for(python: str, version: str, target: Path) -> Path:
    """`packaging` for that Python: the host's copy when its Requires-Python admits `version`
    (hermetic), else resolved and installed for that interpreter by uv from the index."""
    requires_python = distribution("packaging").metadata.get("Requires-Python") or ""
    if SpecifierSet(requires_python).contains(version + ".0"):
        shutil.copytree(Path(packaging.__file__).parent, target / "packaging")
        return target
    result = subprocess.run(
        [uv_binary(), "pip", "install", "--python", python, "--target", str(target), *RUNTIME_DEPS],
        capture_output=True,
        text=True,
        env=uv_env(),
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"could not install {RUNTIME_DEPS} for Python {version}:\n{result.stderr}")
    return target


# The newest `packaging` needs Python >= 3.10, so 3.9 gets its own, from the index.
@pytest.mark.parametrize("version", [pytest.param("3.9", marks=pytest.mark.network), "3.10"])
def test_check_runs_under_older_python(version: str, tmp_path: Path) -> None:
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed (pyenv)")
    deps = deps_for(python, version, tmp_path / "deps")
    venv = make_venv(tmp_path, "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(site, "tensorflow", "2.15.0", requires=["numpy<2.0.0,>=1.23.5"])
    make_dist(site, "numpy", "2.1.0")
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{deps}", "NO_COLOR": "1"}
    result = subprocess.run(
        [python, "-m", "envdoctor", "check", "--prefix", str(venv), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert {"numpy-abi"} <= {f["cause"] for f in doc["findings"]}
    snapshot = tmp_path / "snap.json"
    subprocess.run(
        [python, "-m", "envdoctor", "snapshot", "--prefix", str(venv), "-o", str(snapshot)],
        env=env,
        check=True,
        timeout=120,
    )
    again = subprocess.run(
        [python, "-m", "envdoctor", "check", "--snapshot", str(snapshot), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert json.loads(again.stdout)["findings"] == doc["findings"]
