"""fix --apply on real venvs: restore point first, apply, re-check, verify, roll back if worse."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from envdoctor import remedies
from envdoctor.actions import fix as fixing
from envdoctor.actions import restore as points
from envdoctor.actions.uvtool import IndexOptions, uv_binary
from envdoctor.actions.verify import verify
from envdoctor.model import Finding, Remedy, Severity
from envdoctor.owner import UV_VENV, Owner
from envdoctor.probe.collect import describe
from envdoctor.probe.distributions import read_distributions
from envdoctor.render import formats
from envdoctor.render.views.fix import fix_document
from tests.actions.fakes import make_venv, run_cli, uv_install, wheel_folder


def installed(python: Path) -> dict[str, str]:
    target = describe(str(python))
    return {d.name: d.version for d in read_distributions(target.install_dirs) if d.shadowed_by is None}


def uv_install_remedy(python: str, *specs: str) -> Remedy:
    """The remedy check gives in a venv without pip (these test venvs are made by uv)."""
    owner = Owner(UV_VENV, python, str(Path(python).parent.parent), uv=uv_binary())
    return Remedy([remedies.install(owner, specs)])


def numpy_rule(*specs: str) -> fixing.Diagnose:
    """A stand-in for check: NumPy 2 under our fake TensorFlow is an error, fixed by `specs`."""

    def diagnose(python: str, env: Mapping[str, str] | None = None) -> list[Finding]:
        versions = installed(Path(python))
        if versions.get("numpy", "0").startswith("2") and "tensorflow" in versions:
            remedy = uv_install_remedy(python, *(specs or ("numpy<2",)))
            return [
                Finding(
                    code="ED102",
                    rule="numpy-abi",
                    severity=Severity.ERROR,
                    message="NumPy 2 under TensorFlow built against NumPy 1",
                    cause="numpy-abi",
                    fix=remedy.text(),
                    subject="numpy",
                    remedy=remedy,
                )
            ]
        return []

    return diagnose


@pytest.fixture()
def broken(tmp_path: Path) -> tuple[Path, IndexOptions]:
    wheels = wheel_folder(tmp_path / "wheels")
    python = make_venv(tmp_path / "env")
    uv_install(python, wheels, "tensorflow==2.15.0", "numpy==2.0.0")
    return python, IndexOptions(find_links=[str(wheels)], no_index=True)


def _verify(python: str, env: Mapping[str, str] | None = None) -> fixing.VerifyReport:
    return verify(python, timeout=60, env=env)


def test_apply_repairs_and_records_a_restore_point(broken: tuple[Path, IndexOptions]) -> None:
    python, index = broken
    assert not _verify(str(python)).ok
    report = fixing.apply_fix(str(python), diagnose=numpy_rule(), verifier=_verify, index=index, quiet=True)
    assert report.applied and not report.rolled_back
    assert report.ok, formats.render(fix_document(report), "text")
    assert installed(python)["numpy"] == "1.26.4"
    assert report.point is not None
    assert report.point.pins()["numpy"] == "2.0.0"  # the state before the fix
    assert report.point.status() == "applied"
    events = [e["event"] for e in points.read_journal(report.point.journal)]
    assert events == ["recorded", "plan", "start", "end", "result"]
    assert report.verify_after is not None and report.verify_after.ok


def test_a_failing_command_rolls_back(broken: tuple[Path, IndexOptions]) -> None:
    python, index = broken
    before = installed(python)
    report = fixing.apply_fix(
        str(python), diagnose=numpy_rule("helper==2.0", "numpy>=9"), verifier=_verify, index=index, quiet=True
    )
    assert report.rolled_back and report.rollback_ok
    assert "a fix command failed" in report.worse_because
    assert installed(python) == before
    assert report.point is not None and report.point.status() == "rolled-back"


def test_verify_newly_failing_rolls_back(tmp_path: Path) -> None:
    wheels = wheel_folder(tmp_path / "wheels")
    python = make_venv(tmp_path / "env")
    uv_install(python, wheels, "tensorflow==2.15.0", "numpy==1.26.4", "helper==1.0")

    def bad_advice(py: str, env: Mapping[str, str] | None = None) -> list[Finding]:
        if installed(Path(py)).get("helper") == "1.0":
            remedy = uv_install_remedy(py, "numpy==2.0.0", "helper==2.0")
            return [Finding("ED999", "x", Severity.WARNING, "old helper", fix=remedy.text(), remedy=remedy)]
        return []

    report = fixing.apply_fix(
        str(python),
        diagnose=bad_advice,
        verifier=_verify,
        index=IndexOptions(find_links=[str(wheels)], no_index=True),
        quiet=True,
    )
    assert report.rolled_back
    assert any("verify newly fails: tensorflow" in r for r in report.worse_because)
    assert installed(python)["numpy"] == "1.26.4" and installed(python)["helper"] == "1.0"


def test_interrupted_fix_is_restorable(broken: tuple[Path, IndexOptions], monkeypatch: pytest.MonkeyPatch) -> None:
    python, index = broken
    real_run_step = fixing._run_step

    def run_then_interrupt(point, number, step, quiet):  # type: ignore[no-untyped-def]
        real_run_step(point, number, step, quiet)
        raise KeyboardInterrupt

    monkeypatch.setattr(fixing, "_run_step", run_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        fixing.apply_fix(str(python), diagnose=numpy_rule(), verifier=_verify, index=index, quiet=True)
    target = describe(str(python))
    (point,) = points.list_points(target)
    assert point.status() == "interrupted"
    assert installed(python)["numpy"] == "1.26.4"  # the step ran, then the kill came
    result = points.restore(point, target, quiet=True)
    assert result.ok
    assert installed(python)["numpy"] == "2.0.0"


def test_plan_only_changes_nothing(broken: tuple[Path, IndexOptions]) -> None:
    python, index = broken
    before = installed(python)
    _, _findings, plan = fixing.plan_fix(str(python), diagnose=numpy_rule(), index=index)
    assert [s.kind for s in plan.actionable] == ["uv-install"]
    assert installed(python) == before
    assert not points.list_points(describe(str(python)))


def test_cli_with_the_real_check(broken: tuple[Path, IndexOptions]) -> None:
    """End to end through `envdoctor fix` and the real rules (KB: TF 2.15 is built against NumPy 1)."""
    python, index = broken
    shown = run_cli("fix", "--python", str(python), "--format", "json")
    # the real check must flag it: a regression in check fails here, it is not skipped
    assert shown.returncode != 2, shown.stderr[-600:]
    assert "numpy" in shown.stdout, f"check no longer flags NumPy 2 under TF 2.15: {shown.stdout[-600:]}"
    data = json.loads(shown.stdout)
    assert data["applied"] is False
    refused = run_cli("fix", "--python", str(python), "--apply")  # stdin is not a terminal
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = run_cli(
        "fix",
        "--python",
        str(python),
        "--apply",
        "--yes",
        "--find-links",
        index.find_links[0],
        "--no-index",
        "--format",
        "json",
    )
    result = json.loads(done.stdout)
    assert result["applied"] is True, done.stderr
    assert result["verify_after"]["ok"] is True
    assert installed(python)["numpy"].startswith("1.")
