"""`plan` tells "nothing fits" (exit 1, a proof) from "could not resolve" (exit 3, the tool's own
message and what to try): an unreachable index, uv's cache empty with --offline, an old uv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from envdoctor.plan.planner import classify_uv_failure
from envdoctor.plan.uvres import MINIMUM_UV


def plan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", "plan", *args, "--isolated"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **env},
        timeout=180,
        check=False,
    )


def test_classify_uv_failures() -> None:
    assert classify_uv_failure("  x No solution found when resolving dependencies:") == "infeasible"
    assert classify_uv_failure("error: Request failed after 3 retries\n  cause: tcp connect error") == "network"
    assert (
        classify_uv_failure(
            "Because numpy was not found in the cache and you require numpy, we can conclude that your "
            "requirements are unsatisfiable.\n\n hint: Packages were unavailable because the network was disabled."
        )
        == "offline"
    )
    assert classify_uv_failure("error: unexpected argument '--format' found") == "tool"
    assert classify_uv_failure("error: Failed to build `x==1`") == "other"


def test_unreachable_index_is_exit_3_with_next_steps(tmp_path: Path) -> None:
    env = {"UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_HTTP_RETRIES": "0"}
    result = plan(
        "six", "--cpu", "--python", "3.11", "--index-url", "http://127.0.0.1:9/simple", "--format", "json", env=env
    )
    assert result.returncode == 3, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "unresolved" and doc["feasible"] is False
    assert any("127.0.0.1:9" in line for line in doc["proof"])  # uv's own message
    assert any("--find-links" in step for step in doc["next_steps"])
    text = plan("six", "--cpu", "--python", "3.11", "--index-url", "http://127.0.0.1:9/simple", env=env)
    assert text.returncode == 3 and "could not resolve" in text.stdout
    assert "envdoctor plan: nothing fits" not in text.stdout


def test_offline_with_an_empty_cache_is_not_a_proof(tmp_path: Path) -> None:
    result = plan(
        "six",
        "--cpu",
        "--python",
        "3.11",
        "--offline",
        "--format",
        "json",
        env={"UV_CACHE_DIR": str(tmp_path / "empty")},
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert json.loads(result.stdout)["status"] == "unresolved"


def test_an_old_uv_is_named_with_the_minimum(tmp_path: Path) -> None:
    old = tmp_path / "uv"
    old.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "uv 0.5.0"; exit 0; fi\n'
        "echo \"error: invalid value 'x86_64-manylinux_2_36' for '--python-platform <PYTHON_PLATFORM>'\" >&2\n"
        "exit 2\n"
    )
    old.chmod(0o755)
    result = plan("six", "--cpu", "--python", "3.11", env={"ENVDOCTOR_UV": str(old)})
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"uv 0.5.0 is older than envdoctor needs (uv >= {MINIMUM_UV})" in result.stdout


def test_declared_minimum_matches_the_code() -> None:
    declared = [Requirement(r) for r in requires("envdoctor") or [] if r.startswith("uv")]
    assert declared and str(declared[0].specifier) == f">={MINIMUM_UV}"


@pytest.mark.network
def test_the_declared_minimum_uv_really_plans_and_locks(tmp_path: Path) -> None:
    """Install exactly the oldest uv envdoctor declares and plan with it, pylock.toml included."""
    from envdoctor.actions.uvtool import uv_binary, uv_env

    target = tmp_path / "old-uv"
    subprocess.run(
        [uv_binary(), "pip", "install", "--python", sys.executable, "--target", str(target), f"uv=={MINIMUM_UV}"],
        check=True,
        capture_output=True,
        env=uv_env(),
        timeout=300,
    )
    old = target / "bin" / "uv"
    assert MINIMUM_UV in subprocess.run([str(old), "--version"], capture_output=True, text=True).stdout
    lock = tmp_path / "pylock.toml"
    result = plan(
        "tensorflow-cpu",
        "numpy",
        "--cpu",
        "--python",
        "3.11",
        "--write-lock",
        str(lock),
        "--write-requirements",
        str(tmp_path / "requirements.txt"),
        env={"ENVDOCTOR_UV": str(old)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[[packages]]" in lock.read_text()
