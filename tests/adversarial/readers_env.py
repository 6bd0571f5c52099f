"""Real environments and real hostile inputs for the adversarial tests of envdoctor's readers
(the probe, metadata / snapshot / cache / log readers, output, `run`): venvs of pyenv Pythons,
fake interpreters (shell scripts), FIFOs and devices where files are expected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_probe import pyenv_python

# -I: these tests run envdoctor from folders full of shadowing modules and with a hostile
# PYTHONPATH meant for the target; envdoctor's own interpreter must not be the one they break
# (its children still get the whole environment).
ENVDOCTOR = [sys.executable, "-I", "-m", "envdoctor"]
ALL_PYTHONS = ["2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An envdoctor child's environment: private cache, no colour, no active environment, and
    internal errors as tracebacks (so a test sees one if the one-line handling is missing)."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "FORCE_COLOR", "ENVDOCTOR_NO_CACHE", "PYTHONPATH"):
        env.pop(name, None)
    env.update(NO_COLOR="1", ENVDOCTOR_CACHE_DIR=str(tmp_path / "cache"), ENVDOCTOR_DEBUG="1")
    env.update(extra)
    return env


def run_cli(
    *args: str,
    env: dict[str, str],
    cwd: Path | None = None,
    stdin: str | bytes | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m envdoctor ARGS` as a user runs it; bytes out, so raw control characters show."""
    return subprocess.run(
        [*ENVDOCTOR, *args],
        capture_output=True,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def assert_one_clean_line(result: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    """Bad input: the expected exit code, no traceback, stderr one line (the last one)."""
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert result.returncode == code, (result.returncode, err, result.stdout[-2000:])
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("envdoctor"), err
    return lines[-1]


def venv(tmp_path: Path, version: str, name: str = "env") -> Path:
    """A real venv (no pip) of pyenv's Python `version`; skips where that Python is missing."""
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed (pyenv)")
    prefix = tmp_path / name
    if version.startswith("2."):
        # Python 2 has no venv module: a prefix whose bin/python is a symlink to the interpreter
        # sees the interpreter's own site-packages; the probe inspects it all the same.
        pytest.skip("Python 2.7 has no venv module")
    subprocess.run([python, "-m", "venv", "--without-pip", str(prefix)], check=True, timeout=120)
    return prefix


def site_packages(prefix: Path) -> Path:
    (found,) = sorted(prefix.glob("lib/python*/site-packages"))
    return found


def fake_python(folder: Path, script: str) -> Path:
    """A prefix whose bin/python is the shell `script` (a dead, hanging or lying interpreter)."""
    prefix = folder / "fake"
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    (prefix / "lib" / "python3.11" / "site-packages").mkdir(parents=True, exist_ok=True)
    python = prefix / "bin" / "python"
    python.write_text("#!/bin/sh\n" + script + "\n")
    python.chmod(0o755)
    return prefix


def probe_facts_line(**facts: object) -> str:
    """What the real probe prints first, with `facts` replacing its values."""
    base: dict[str, object] = {
        "executable": "/x/bin/python",
        "version": "3.11.7",
        "prefix": "/x",
        "base_prefix": "/x",
        "exec_prefix": "/x",
        "sys_path": [],
        "site_packages": [],
    }
    base.update(facts)
    return "ENVDOCTOR-PROBE:" + json.dumps(base)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
