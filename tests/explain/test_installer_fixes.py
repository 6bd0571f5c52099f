"""explain's fixes written for the installer the log shows: a uv venv has no pip, so `pip install`
fails there; a uv project keeps what `uv add` writes. Each test makes the fault for real (uv, a
venv or project, wheels built on the spot), pastes what uv and Python printed, and runs the
printed fix verbatim; the index is a local folder, set through uv's environment (UV_FIND_LINKS,
UV_OFFLINE), never in the command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.tailor import for_installer
from tests.actions.fakes import make_venv, uv_binary, wheel_folder
from tests.explain.expect import raw_decision

IMPORT_TF = "import tensorflow; print('tensorflow', tensorflow.__version__)"


def _uv_env(wheels: Path, **extra: str) -> dict[str, str]:
    """uv offline, with a cache of its own: only the wheels built here exist (the machine's uv cache
    holds real TensorFlow)."""
    cache = str(wheels.parent / "uv-cache")
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", UV_FIND_LINKS=str(wheels), UV_OFFLINE="1", UV_CACHE_DIR=cache)
    env.update(extra)
    env.pop("VIRTUAL_ENV", None)
    return env


def _shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`command` as a user pastes it: a shell line, uv on PATH."""
    path = os.pathsep.join([str(Path(uv_binary()).parent), env["PATH"]])
    return subprocess.run(command, shell=True, cwd=cwd, env={**env, "PATH": path}, capture_output=True, text=True)


def _printed(fixes: list[str], verb: str) -> str:
    """The first command of `verb` ("uv pip install") the fixes print, as printed."""
    for fix in fixes:
        found = re.search(re.escape(verb) + r" (?:'[^']+'|\"[^\"]+\"|[\w.<>=!-]+)", fix)
        if found:
            return found.group(0)
    raise AssertionError(f"no `{verb}` command in {fixes}")


def test_a_uv_venvs_numpy_clash_is_fixed_with_uv_pip(tmp_path: Path) -> None:
    wheels = wheel_folder(tmp_path / "wheels")
    python = make_venv(tmp_path / ".venv")
    env = _uv_env(wheels, VIRTUAL_ENV=str(tmp_path / ".venv"))
    typed = "uv pip install tensorflow==2.15.0 numpy"
    installed = _shell(typed, tmp_path, env)
    assert installed.returncode == 0, installed.stderr
    failed = subprocess.run([python, "-c", IMPORT_TF], capture_output=True, text=True)
    assert failed.returncode != 0
    log = f'$ {typed}\n{installed.stderr}$ python -c "import tensorflow"\n{failed.stderr}'

    got = explain_text(log)
    assert got.cause == "numpy-abi", (got.cause, got.candidates)
    assert not [f for f in got.fixes if re.search(r"(?<!uv )(?<!%)\bpip install", f)], got.fixes
    fix = _printed(got.fixes, "uv pip install")
    assert subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0  # no pip here
    ran = _shell(fix, tmp_path, env)
    assert ran.returncode == 0, (fix, ran.stderr)
    works = subprocess.run([python, "-c", IMPORT_TF], capture_output=True, text=True)
    assert works.returncode == 0 and "tensorflow 2.15.0" in works.stdout, works.stderr


def test_a_uv_projects_numpy_clash_is_fixed_with_uv_add(tmp_path: Path) -> None:
    wheels = wheel_folder(tmp_path / "wheels")
    project = tmp_path / "proj"
    project.mkdir()
    env = _uv_env(wheels, UV_PYTHON=sys.executable)
    made = _shell("uv init --bare --no-workspace --name proj", project, env)
    assert made.returncode == 0, made.stderr
    typed = "uv add tensorflow==2.15.0 numpy"
    added = _shell(typed, project, env)
    assert added.returncode == 0, added.stderr
    failed = _shell(f'uv run python -c "{IMPORT_TF}"', project, env)
    assert failed.returncode != 0
    log = f'$ {typed}\n{added.stderr}$ uv run python -c "import tensorflow"\n{failed.stderr}'

    got = explain_text(log)
    assert got.cause == "numpy-abi", (got.cause, got.candidates)
    fix = _printed(got.fixes, "uv add")
    ran = _shell(fix, project, env)
    assert ran.returncode == 0, (fix, ran.stderr)
    assert "numpy<2" in (project / "pyproject.toml").read_text()  # kept by the project, not only the venv
    works = _shell(f'uv run python -c "{IMPORT_TF}"', project, env)
    assert works.returncode == 0 and "tensorflow 2.15.0" in works.stdout, works.stderr


def test_a_pip_log_keeps_pip_and_which_pip_advice_is_never_rewritten() -> None:
    pip_log = (
        "$ pip install tensorflow==2.15.0\nSuccessfully installed numpy-2.1.0 tensorflow-2.15.0\n"
        "A module that was compiled using NumPy 1.x cannot be run in\nNumPy 2.1.0 as it may crash.\n"
        "ImportError: numpy.core._multiarray_umath failed to import\n"
    )
    got = explain_text(pip_log)
    assert got.cause == "numpy-abi" and any("pip install 'numpy<2'" in f for f in got.fixes)
    assert not any("uv " in f for f in got.fixes)
    wrong = (
        "$ uv pip install tensorflow\nInstalled 1 package in 3ms\n"
        "$ /usr/bin/python3 -c 'import tensorflow'\nModuleNotFoundError: No module named 'tensorflow'\n"
    )
    for fix in explain_text(wrong).fixes:
        assert "uv add" not in fix and "uv pip install ..." not in fix


@pytest.mark.parametrize(
    ("text", "uv", "project"),
    [
        ('pip install "numpy<2"', 'uv pip install "numpy<2"', 'uv add "numpy<2"'),
        ("python -m pip install -U tf-keras", "uv pip install -U tf-keras", "uv add -U tf-keras"),
        ("pip install --ignore-installed wrapt", "uv pip install --reinstall wrapt", "uv add --reinstall wrapt"),
        ("%pip install x", "%pip install x", "%pip install x"),
        ("uv pip install x", "uv pip install x", "uv pip install x"),
        ("pip installs it", "pip installs it", "pip installs it"),
    ],
)
def test_pips_install_command_written_for_uv(text: str, uv: str, project: str) -> None:
    assert for_installer(text, "uv") == uv
    assert for_installer(text, "uv-project") == project
    assert for_installer(text, "pip") == text


def test_uvs_change_summary_is_what_is_installed() -> None:
    log = "$ uv pip install tf-keras\nResolved 3 packages in 2ms\n - keras==3.5.0\n + keras==2.15.0\n"
    log += " + tf-keras==2.15.1\n"
    facts = raw_decision(log).logfacts
    assert facts.installed["keras"].version == "2.15.0" and facts.installed["tf-keras"].version == "2.15.1"
    assert [r.value for r in facts.replaced] == ["keras"]
    # the same lines without uv are a diff, not an install
    assert not raw_decision("+ keras==2.15.0\n- keras==3.5.0\n").logfacts.installed
