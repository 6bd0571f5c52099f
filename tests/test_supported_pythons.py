"""envdoctor itself runs on Python >= 3.9: run its CLI under real older interpreters."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import packaging
import pytest

from tests.factories import make_dist
from tests.test_probe import make_venv, pyenv_python

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.mark.parametrize("version", ["3.9", "3.10"])
def test_check_runs_under_older_python(version: str, tmp_path: Path) -> None:
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed (pyenv)")
    # envdoctor's only runtime import for `check` is `packaging` (pure Python): give it a copy.
    deps = tmp_path / "deps"
    shutil.copytree(Path(packaging.__file__).parent, deps / "packaging")
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
