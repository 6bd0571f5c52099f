"""Real pip and uv output (tests/explain/tools/*.log, each made here by the command in its header)
read whole: the cause, the clashing requirements (a uv specifier list with commas is one
requirement) and the one to move. A network test makes the uv conflict again, live."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor.explain import explain_text

TOOLS = Path(__file__).parent / "tools"


def _log(name: str) -> str:
    head, _, body = (TOOLS / f"{name}.log").read_text(encoding="utf-8").partition("\n---\n")
    assert head.startswith("command:")
    return body


def test_uv_comma_specifier_is_one_requirement_and_the_users_pin_moves() -> None:
    got = explain_text(_log("uv-comma-specifier"))
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.tool == "uv"
    assert "tensorflow==2.15.0 needs numpy>=1.23.5,<2.0.0" in conflict.requirements
    assert "you require numpy>=2.0" in conflict.requirements
    assert not any(r.endswith("needs numpy>=1.23.5") for r in conflict.requirements)  # not cut at the comma
    assert conflict.move == "numpy>=2.0"
    assert "numpy>=1.23.5,<2.0.0" in conflict.reason


def test_uv_requires_python_is_the_python() -> None:
    got = explain_text(_log("uv-requires-python"))
    assert got.cause == "python-unsupported"
    assert got.conflicts[0].kind == "python"
    assert "Python>=3.10" in got.conflicts[0].reason


def test_uv_no_matching_abi_tag_is_the_python() -> None:
    got = explain_text(_log("uv-no-abi-tag"))
    assert got.cause == "python-unsupported"
    assert got.conflicts[0].move == "torch==2.2.0"
    assert "you require CPython" not in got.conflicts[0].requirements


def test_uv_building_tensorflow_gpu_is_the_removed_package() -> None:
    got = explain_text(_log("uv-tensorflow-gpu"))
    assert got.cause == "package-removed"
    assert any("tensorflow[and-cuda]" in f for f in got.fixes)


def test_pip_offered_list_names_the_python() -> None:
    got = explain_text(_log("pip-offered-for-py313"))
    assert got.cause == "python-unsupported"
    assert any("Python 3.13" in r for r in got.reasons)


def test_pip_none_without_the_machine_is_a_candidate() -> None:
    got = explain_text(_log("pip-none-for-win32"))
    assert got.cause == "unknown"
    # torch 2.2.0 has wheels for 3.8-3.12 on the main platforms: a Python newer than those, or a
    # machine no torch was built for (the 32-bit Windows it really was): both stay candidates
    assert {c.cause for c in got.candidates} >= {"python-unsupported", "platform-unsupported"}


def test_pip_resolution_impossible_names_both_sides() -> None:
    got = explain_text(_log("pip-resolution-impossible"))
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.requirements == ["you requested urllib3<1.21", "requests 2.31.0 needs urllib3<3 and >=1.21.1"]
    assert conflict.move == "urllib3<1.21"


@pytest.mark.network
def test_live_uv_conflict_is_read_whole(tmp_path: Path) -> None:
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip("uv is not installed next to this interpreter")
    reqs = tmp_path / "r.txt"
    reqs.write_text("tensorflow==2.15.0\nnumpy>=2.0\n")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    proc = subprocess.run(
        [str(uv), "pip", "compile", str(reqs), "--python", sys.executable, "--python-version", "3.11", "--no-header"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode != 0, proc.stdout
    got = explain_text(proc.stdout + proc.stderr)
    assert got.cause == "solver-conflict"
    assert any("numpy>=1.23.5,<2.0.0" in r for r in got.conflicts[0].requirements)
    assert got.conflicts[0].move == "numpy>=2.0"
