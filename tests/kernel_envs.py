"""Real environments for the wrong-interpreter tests: venvs from pyenv's Pythons, kernel.json files
in a temporary Jupyter data dir, PATHs where `pip` and `python` belong to different venvs, and a
local wheel so that printed `pip install` fixes run without the index."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from tests.test_probe import pyenv_python

ROOT = Path(__file__).resolve().parents[1]


def base_python(version: str = "3.12") -> str:
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed (pyenv)")
    return python


def make_venv(path: Path, version: str = "3.12", *, pip: bool = False) -> Path:
    """A real venv (`python -m venv`), with or without pip; returns its bin/python."""
    args = [base_python(version), "-m", "venv", str(path)]
    if not pip:
        args.insert(3, "--without-pip")
    subprocess.run(args, check=True, timeout=300, capture_output=True)
    return path / "bin" / "python"


def write_kernel(data_dir: Path, name: str, display: str, argv: Sequence[str], **extra: object) -> Path:
    folder = data_dir / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": list(argv), "display_name": display, "language": "python", **extra}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return folder


def ipykernel_argv(python: Path | str) -> list[str]:
    return [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]


def clean_env(tmp_path: Path, path: Sequence[Path | str], **extra: str) -> dict[str, str]:
    """An environment with only `path` on PATH, a private HOME and Jupyter data dir, nothing active."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "CONDA", "PYENV", "VIRTUAL_ENV", "PIP_"))
    }
    home = tmp_path / "home"
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        PATH=os.pathsep.join(str(p) for p in path),
        HOME=str(home),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter"),
        JUPYTER_PLATFORM_DIRS="0",
        PYTHONNOUSERSITE="1",
    )
    env.pop("XDG_DATA_HOME", None)
    env.update(extra)
    return env


def envdoctor(*args: str, env: Mapping[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", *args],
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=timeout,
        cwd=str(ROOT),
    )


def check_json(*args: str, env: Mapping[str, str]) -> dict[str, object]:
    done = envdoctor("check", "--no-cache", "--format", "json", *args, env=env)
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def codes(document: Mapping[str, object]) -> list[str]:
    findings = document["findings"]
    assert isinstance(findings, list)
    return sorted(str(f["code"]) for f in findings)


def finding(document: Mapping[str, object], code: str) -> dict[str, object]:
    findings = document["findings"]
    assert isinstance(findings, list)
    found = [f for f in findings if f["code"] == code]
    assert len(found) == 1, (code, findings)
    result: dict[str, object] = found[0]
    return result


def build_wheel(folder: Path, name: str, version: str, module: str | None = None) -> Path:
    """A real, installable pure-Python wheel of `name` (a stand-in: one empty module), so that a
    printed `pip install NAME==VERSION` runs against `--find-links` without the index."""
    folder.mkdir(parents=True, exist_ok=True)
    dist = name.replace("-", "_")
    module = module or dist
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": f"__version__ = {version!r}\n".encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: envdoctor-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for rel, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{rel},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for rel, data in files.items():
            archive.writestr(rel, data)
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


def pip_offline(wheels: Path) -> dict[str, str]:
    """pip and uv settings that make a verbatim `python -m pip install X` / `uv pip install X` use
    only the local wheels."""
    return {
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "UV_NO_INDEX": "1",
        "UV_FIND_LINKS": str(wheels),
        "UV_OFFLINE": "1",
    }


def uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not os.path.exists(found):
        pytest.skip("uv is not installed")
    return found
