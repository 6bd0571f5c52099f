"""Installed here, running there (issue 12, point 4): a `ModuleNotFoundError` for a package the
same log shows installed, with the interpreter paths the log shows, gives the kernel / interpreter
fix; the commands it prints are run as printed (shlex-split, nothing edited) in real venvs."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.causes import CAUSES
from envdoctor.explain.rules.leakage import WRONG_INTERPRETER

from .corpus import load

TUNING = {c.name: c for c in load("tuning")}
COMMAND = re.compile(r"`([^`]+)`")

NOTEBOOK = (
    "(tf) $ pip install tensorflow\n"
    "Requirement already satisfied: tensorflow in /home/u/miniconda3/envs/tf/lib/python3.11/site-packages (2.15.0)\n"
    "(tf) $ jupyter notebook\n"
    "---------------------------------------------------------------------------\n"
    "ModuleNotFoundError                       Traceback (most recent call last)\n"
    "Cell In[1], line 1\n"
    "----> 1 import tensorflow as tf\n"
    "\n"
    "ModuleNotFoundError: No module named 'tensorflow'\n"
)
SHELL = (
    "$ pip install torch\n"
    "Successfully installed torch-2.3.1\n"
    "$ python train.py\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/lib/python3.10/runpy.py", line 196, in _run_module_as_main\n'
    '  File "/home/u/project/train.py", line 1, in <module>\n'
    "    import torch\n"
    "ModuleNotFoundError: No module named 'torch'\n"
)


def commands(fixes: list[str]) -> list[str]:
    return [cmd for fix in fixes for cmd in COMMAND.findall(fix)]


def test_a_notebook_that_cannot_import_what_pip_installed_gets_the_kernel_fix() -> None:
    got = explain_text(NOTEBOOK)
    assert got.cause == WRONG_INTERPRETER
    assert got.confidence >= 0.8
    assert any("/home/u/miniconda3/envs/tf" in r for r in got.reasons)
    cmds = commands(got.fixes)
    assert "%pip install tensorflow" in cmds
    assert "python -m ipykernel install --user --name tf --display-name 'Python (tf)'" in cmds
    lines = {e.line for e in got.evidence}
    assert {2, 9} <= lines  # the install line and the failing import


def test_a_script_that_cannot_import_what_pip_installed_gets_python_m_pip() -> None:
    got = explain_text(SHELL)
    assert got.cause == WRONG_INTERPRETER
    assert "python -m pip install torch" in commands(got.fixes)
    assert not any("%pip" in c for c in commands(got.fixes[:2]))  # the rule's own fixes: no notebook magic


def test_a_missing_module_never_installed_is_not_the_interpreter() -> None:
    got = explain_text("Traceback (most recent call last):\nModuleNotFoundError: No module named 'tensorflow'\n")
    assert got.cause != WRONG_INTERPRETER or got.confidence < 0.8


def test_a_kernel_without_the_install_line_stays_a_candidate() -> None:
    text = NOTEBOOK.split("(tf) $ jupyter notebook\n", 1)[1]  # the same notebook's error alone
    got = explain_text(text)
    assert got.cause == "unknown"
    assert got.candidates[0].cause == WRONG_INTERPRETER
    assert "%pip install tensorflow" in commands(got.fixes)


def test_conda_list_then_another_python_on_path() -> None:
    # envleak-pytorch-12004: conda lists pytorch-cpu; `where python.exe` finds a python.org Python
    got = explain_text(TUNING["envleak-pytorch-12004"].text)
    assert got.cause == WRONG_INTERPRETER
    assert "python -m pip install torch" in commands(got.fixes)


def _run(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(shlex.split(command), env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.network
def test_the_printed_kernel_commands_work_as_printed(tmp_path: Path) -> None:
    """Run the printed `python -m pip install ipykernel` and `python -m ipykernel install ...` with
    a real venv's python first on PATH: the kernel spec appears with the name and display name."""
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip("uv is not installed next to this interpreter")
    venv = tmp_path / "tf"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run([str(uv), "venv", "--seed", "--python", sys.executable, str(venv)], check=True, env=env)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    home = tmp_path / "home"
    home.mkdir()
    run_env = {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
        "HOME": str(home),
        "JUPYTER_DATA_DIR": str(home / "jupyter"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    got = explain_text(NOTEBOOK)
    generic = set(CAUSES[got.cause].fixes)  # the cause table's own text names placeholders (ENV, NAME)
    cmds = [c for c in commands([f for f in got.fixes if f not in generic]) if not c.startswith("%")]
    assert len(cmds) == 2
    for command in cmds:
        proc = _run(command, run_env, tmp_path)
        assert proc.returncode == 0, (command, proc.stdout[-2000:], proc.stderr[-2000:])
    spec = json.loads((home / "jupyter" / "kernels" / "tf" / "kernel.json").read_text())
    assert spec["display_name"] == "Python (tf)"
    assert Path(spec["argv"][0]).parent == bin_dir  # the kernel runs the venv's python


def test_the_printed_python_m_pip_command_works_as_printed(tmp_path: Path) -> None:
    """`python -m pip install X` from the shell fix, run as printed against a local wheel-less
    index: pip parses it and installs into the `python` first on PATH (a real venv)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    pkg = tmp_path / "src" / "torch"
    pkg.mkdir(parents=True)
    (pkg / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        '[project]\nname = "torch"\nversion = "0.0.1"\n'
    )
    (pkg / "backend.py").write_text(_TINY_BACKEND)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(pkg.parent / "dist"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_BUILD_ISOLATION": "1",
        "PIP_CONFIG_FILE": os.devnull,
    }
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "wheel", "--no-deps", "-w", str(pkg.parent / "dist"), str(pkg)],
        check=True,
        env=env,
        capture_output=True,
    )
    command = next(c for c in commands(explain_text(SHELL).fixes) if "pip install" in c)
    proc = _run(command, env, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    check = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "show", "torch"], capture_output=True, text=True, env=env
    )
    assert "Version: 0.0.1" in check.stdout


# A PEP 517 backend in a few lines: builds a wheel with only metadata (no network, no setuptools).
_TINY_BACKEND = """
import base64, hashlib, os, zipfile

NAME, VERSION = "torch", "0.0.1"


def _record(files):
    lines = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{path},sha256={digest},{len(data)}")
    return "\\n".join(lines + [f"{NAME}-{VERSION}.dist-info/RECORD,,"]) + "\\n"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = f"{NAME}-{VERSION}.dist-info"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\\nGenerator: tiny\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
        zf.writestr(f"{info}/RECORD", _record(files))
    return name
"""


def test_with_a_target_the_install_command_is_rendered_for_its_owner() -> None:
    from envdoctor.model import Interpreter, Snapshot
    from envdoctor.owner import owner_of
    from envdoctor.remedies import install, step_text

    snap = Snapshot(interpreter=Interpreter(executable="/opt/venv/bin/python", version="3.11.4", prefix="/opt/venv"))
    got = explain_text(SHELL, snapshot=snap)
    assert got.cause == WRONG_INTERPRETER
    assert commands(got.fixes)[0] == step_text(install(owner_of(snap), ["torch"]))
