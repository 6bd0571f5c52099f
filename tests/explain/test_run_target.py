"""`run` and `explain --python` tailor to the interpreter that failed, not to envdoctor's own."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from envdoctor.commands.run import failing_interpreter
from tests.actions.fakes import make_venv, run_cli, uv_install, wheel_folder


def _script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def test_the_command_itself_when_it_is_a_python(tmp_path: Path) -> None:
    python = _script(tmp_path / "env" / "bin" / "python3.11", "#!/bin/sh\n")
    assert failing_interpreter([str(python), "-c", "pass"]) == str(python)
    # found on PATH by name, the path as found (a venv's python is a link: never resolved)
    link = tmp_path / "env" / "bin" / "python"
    link.symlink_to(python.name)
    assert failing_interpreter(["python", "-c", "pass"], path=str(link.parent)) == str(link)


def test_a_script_runs_under_its_shebang_or_the_python_next_to_it(tmp_path: Path) -> None:
    target = _script(tmp_path / "other" / "bin" / "python3", "#!/bin/sh\n")
    tool = _script(tmp_path / "bin" / "mytool", f"#!{target}\nprint('x')\n")
    assert failing_interpreter([str(tool)]) == str(target)
    env_python = _script(tmp_path / "env" / "bin" / "python3", "#!/bin/sh\n")
    pytest_script = _script(tmp_path / "env" / "bin" / "pytest", "#!/usr/bin/env python3\n")
    assert failing_interpreter(["pytest"], path=str(pytest_script.parent)) == str(env_python)
    binary = _script(tmp_path / "env2" / "bin" / "tool", "\x7fELF")
    sibling = _script(tmp_path / "env2" / "bin" / "python", "#!/bin/sh\n")
    assert failing_interpreter([str(binary)]) == str(sibling)
    assert failing_interpreter(["envdoctor-no-such-command-xyz"]) is None
    assert failing_interpreter([]) is None


@pytest.fixture(scope="module")
def broken_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real uv venv (no pip) with a fake TensorFlow 2.15 that fails under NumPy 2, as TF does."""
    root = tmp_path_factory.mktemp("run-target")
    wheels = wheel_folder(root / "wheels")
    python = make_venv(root / "env")
    uv_install(python, wheels, "tensorflow==2.15.0", "numpy==2.0.0")
    return python


def _env_as_if_envdoctor_venv_were_active() -> dict[str, str]:
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = sys.prefix  # envdoctor's own venv is the "active" one
    return env


def test_run_tailors_to_the_commands_own_python(broken_venv: Path) -> None:
    done = run_cli(
        "run", "--", str(broken_venv), "-c", "import tensorflow", env=_env_as_if_envdoctor_venv_were_active()
    )
    assert done.returncode == 1, done.stderr
    assert "cause: numpy-abi" in done.stderr or "numpy-abi" in done.stderr
    # the failing venv has no pip: uv, aimed at that venv's interpreter -- not envdoctor's
    assert f"pip install --python {broken_venv} 'numpy<2'" in done.stderr, done.stderr
    assert sys.executable not in done.stderr.replace(str(broken_venv), "")


def test_explain_python_tailors_to_the_given_interpreter(broken_venv: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text(
        "A module that was compiled using NumPy 1.x cannot be run in\nNumPy 2.0.0 as it may crash.\n"
        "ImportError: numpy.core._multiarray_umath failed to import\n",
        encoding="utf-8",
    )
    done = run_cli(
        "explain",
        str(log),
        "--python",
        str(broken_venv),
        "--format",
        "json",
        env=_env_as_if_envdoctor_venv_were_active(),
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["cause"] == "numpy-abi"
    steps = [s for r in data["remedies"] for s in r["steps"]]
    assert steps and all(s["python"] == str(broken_venv) for s in steps)
    assert f"--python {broken_venv} 'numpy<2'" in data["fixes"][0]
