"""envdoctor installs as a user would install it: `pip install .` and `uv tool install .`.
Both fetch the build backend (and the dependencies) from the package index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.network, pytest.mark.slow]


def _uv() -> str:
    return str(Path(sys.executable).with_name("uv"))


def test_pip_install_and_check_the_active_venv(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT)], check=True, timeout=600)
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CONDA_PREFIX", None)
    result = subprocess.run(
        [str(venv / "bin" / "envdoctor"), "check", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert '"findings"' in result.stdout


def test_uv_tool_install_inspects_the_users_env_not_its_own(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "UV_TOOL_DIR": str(tmp_path / "tools"),
        "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    subprocess.run([_uv(), "tool", "install", "--python", sys.executable, str(ROOT)], check=True, env=env, timeout=600)
    user_venv = tmp_path / "user-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(user_venv)], check=True)
    env["VIRTUAL_ENV"] = str(user_venv)
    result = subprocess.run(
        [str(tmp_path / "bin" / "envdoctor"), "check", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert str(user_venv) in result.stdout
