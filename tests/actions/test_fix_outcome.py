"""fix --apply is safe by construction: real step outcomes, per-framework / per-package comparison,
a verified rollback, and a leaked PYTHONPATH that is never "fixed" inside the target."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from envdoctor.actions import fix as fixing
from envdoctor.actions import restore as points
from envdoctor.actions.fixplan import FixStep
from envdoctor.actions.outcome import check_rollback, compare, step_outcome
from envdoctor.actions.verify import FrameworkResult, VerifyReport
from envdoctor.model import Finding, Severity, Step
from envdoctor.probe.collect import describe
from envdoctor.probe.distributions import read_distributions
from envdoctor.process import Completed
from tests.actions.fakes import make_venv, run_cli, site_packages, uv_install, wheel_folder


def installed(python: Path) -> dict[str, str]:
    return {d.name: d.version for d in read_distributions(describe(str(python)).install_dirs) if d.shadowed_by is None}


def error(code: str, *about: str) -> Finding:
    return Finding(code, "r", Severity.ERROR, f"m{code}", about=list(about))


def report(**results: bool) -> VerifyReport:
    out = VerifyReport("/py", "3.11", "/env")
    for name, ok in results.items():
        kind = "framework" if name in ("tensorflow", "torch", "jax") else "package"
        target = out.frameworks if kind == "framework" else out.packages
        target.append(FrameworkResult(framework=name, distributions=[], ok=ok, kind=kind))
    return out


def test_worse_is_judged_per_framework_package_and_distribution() -> None:
    # fewer errors in total, but pandas now fails to import: worse
    assert compare(
        [error("ED102", "numpy", "tensorflow"), error("ED101", "protobuf")],
        [],
        report(tensorflow=False, pandas=True),
        report(tensorflow=True, pandas=False),
    ) == ["verify newly fails: pandas"]
    # the same count, but numpy has an error it did not have
    assert compare([error("ED103", "protobuf")], [error("ED102", "numpy", "tensorflow")], None, None) == [
        "new error finding(s) about numpy: ED102",
        "new error finding(s) about tensorflow: ED102",
    ]
    assert compare([error("ED102", "numpy", "tensorflow")], [], report(tensorflow=False), report(tensorflow=True)) == []


def test_a_rollback_is_only_ok_when_the_environment_is_back() -> None:
    good = check_rollback(
        True, [], [error("ED102", "numpy")], [error("ED102", "numpy")], report(torch=True), report(torch=True)
    )
    assert good.ok and not good.problems
    bad = check_rollback(True, ["numpy 1.26.4 -> 2.0.0"], [], [], None, None)
    assert not bad.ok and bad.problems == ["not as recorded: numpy 1.26.4 -> 2.0.0"]
    broken = check_rollback(True, [], [], [], report(torch=True), report(torch=False))
    assert not broken.ok and "verify newly fails: torch" in broken.problems


@pytest.fixture()
def wheels(tmp_path: Path) -> Path:
    return wheel_folder(tmp_path / "wheels")


def _with_pip(tmp_path: Path, wheels: Path, *specs: str) -> Path:
    python = make_venv(tmp_path / "env")
    uv_install(python, wheels, "pip", *specs)
    return python


def test_pips_not_uninstalling_outside_environment_is_a_failure_whatever_its_exit_code(
    tmp_path: Path, wheels: Path
) -> None:
    python = _with_pip(tmp_path, wheels, "numpy==1.26.4")
    other = make_venv(tmp_path / "other")
    uv_install(other, wheels, "numpy==2.0.0")
    env = dict(os.environ, PYTHONPATH=str(site_packages(other.parent.parent)))
    argv = [str(python), "-m", "pip", "uninstall", "-y", "numpy"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "outside environment" in done.stdout + done.stderr  # pip says "success"
    step = FixStep(Step("uninstall", ["numpy"], manager="pip", program=str(python), python=str(python)))
    result = step_outcome(step, Completed(argv, done.returncode, done.stdout, done.stderr, 0.1), describe(str(python)))
    assert not result.ok
    assert any("outside the environment" in p for p in result.problems)
    assert installed(python)["numpy"] == "1.26.4"  # and indeed nothing happened in the environment


def test_an_install_that_did_not_take_is_a_failure(tmp_path: Path, wheels: Path) -> None:
    python = _with_pip(tmp_path, wheels, "numpy==2.0.0")
    step = FixStep(Step("install", ["numpy<2"], manager="uv", program="uv", python=str(python)))
    ok = Completed(["uv"], 0, "", "", 0.1)
    result = step_outcome(step, ok, describe(str(python)))
    assert not result.ok and result.problems == ["numpy 2.0.0 does not satisfy <2 after the step"]


def test_a_leaked_pythonpath_is_step_one_and_nothing_in_the_target_changes(tmp_path: Path, wheels: Path) -> None:
    """The issue's case, end to end with the real check: a healthy environment (TensorFlow 2.15 +
    NumPy 1) checked with PYTHONPATH pointing at another environment's NumPy 2."""
    python = _with_pip(tmp_path, wheels, "tensorflow==2.15.0", "numpy==1.26.4")
    other = make_venv(tmp_path / "other")
    uv_install(other, wheels, "numpy==2.0.0")
    leaked = str(site_packages(other.parent.parent))
    env = dict(os.environ, PYTHONPATH=leaked)
    before = installed(python)
    shown = run_cli("fix", "--python", str(python), "--format", "json", env=env)
    plan = json.loads(shown.stdout)["plan"]
    assert [s["command"] for s in plan["steps"]] == ["unset PYTHONPATH"], plan
    assert plan["steps"][0]["shell"] and not plan["steps"][0]["applies"]
    assert plan["consequences"]  # the NumPy findings are listed under it, not fixed in the target
    done = run_cli("fix", "--python", str(python), "--apply", "--yes", "--format", "json", env=env)
    data = json.loads(done.stdout)
    assert data["applied"] is False and data["runs"] == [] and data["restore_point"] is None
    assert data["shell_steps"] == ["unset PYTHONPATH"]
    assert data["verify_after"]["ok"] and not [f for f in data["findings_after"] if f["severity"] == "error"]
    assert data["ok"] and done.returncode == 0
    assert installed(python) == before  # numpy 1.26.4 untouched
    assert installed(other)["numpy"] == "2.0.0"  # and the other environment too


def test_a_rollback_that_does_not_bring_it_back_is_reported(
    tmp_path: Path, wheels: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.actions.test_fix import numpy_rule

    python = make_venv(tmp_path / "env")
    uv_install(python, wheels, "tensorflow==2.15.0", "numpy==2.0.0")
    real_restore = points.restore

    def restore_nothing(point, target, **kwargs):  # type: ignore[no-untyped-def]
        result = real_restore(point, target, **kwargs)
        uv_install(python, wheels, "numpy==1.26.4")  # something moves it again behind our back
        result.after = points.diff(point, target)
        return result

    monkeypatch.setattr(points, "restore", restore_nothing)
    result = fixing.apply_fix(
        str(python),
        diagnose=numpy_rule("helper==2.0", "numpy>=9"),
        verifier=lambda py, env=None: fixing.default_verify(py, env, timeout=60),
        index=fixing.IndexOptions(find_links=[str(wheels)], no_index=True),
        quiet=True,
    )
    assert result.rolled_back and result.rollback_ok is False
    assert any(p.startswith("not as recorded: numpy") for p in result.rollback_problems)
    assert result.point is not None and result.point.status() == "rollback-failed"
