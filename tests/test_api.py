"""The public Python API returns the same typed results the CLI renders (docs/api.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import envdoctor
from envdoctor.doctor import Report
from envdoctor.errors import UsageError
from envdoctor.explain.model import Explanation
from envdoctor.model import Snapshot
from envdoctor.plan.model import Plan
from tests.factories import make_dist
from tests.test_probe import make_venv


@pytest.fixture(scope="module")
def broken_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = make_venv(tmp_path_factory.mktemp("api"), "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(site, "tensorflow", "2.15.0", requires=["numpy<2.0.0,>=1.23.5"])
    make_dist(site, "numpy", "2.1.0")
    return venv


def test_check_gives_the_report_the_cli_prints(broken_venv: Path) -> None:
    report = envdoctor.check(prefix=broken_venv)
    assert isinstance(report, Report) and report.exit_code == 1
    cli = subprocess.run(
        [sys.executable, "-m", "envdoctor", "check", "--prefix", str(broken_venv), "--format", "json", "--isolated"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert [f.to_dict() for f in report.findings] == json.loads(cli.stdout)["findings"]
    only = envdoctor.check(prefix=broken_venv, select=["ED102"], severity={"numpy-abi": "warning"})
    assert [(f.code, f.severity.value) for f in only.findings] == [("ED102", "warning")]
    assert only.exit_code == 0


def test_snapshot_round_trip_and_check_of_a_snapshot(broken_venv: Path, tmp_path: Path) -> None:
    snap = envdoctor.snapshot(prefix=broken_venv)
    assert isinstance(snap, Snapshot)
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap.to_dict()))
    again = envdoctor.check(snapshot_file=path)
    assert [f.code for f in again.findings] == [f.code for f in envdoctor.check(of=snap).findings]


def test_explain_takes_text_bytes_or_a_path(tmp_path: Path) -> None:
    line = "A module that was compiled using NumPy 1.x cannot be run in NumPy 2.1.0 as it may crash."
    log = tmp_path / "build.log"
    log.write_text(f"Traceback (most recent call last):\n{line}\n")
    for given in (line, line.encode(), log):
        result = envdoctor.explain(given)
        assert isinstance(result, Explanation) and result.cause == "numpy-abi"


def test_plan_without_resolution_is_the_choice_plan_prints() -> None:
    plan = envdoctor.plan(
        ["tensorflow==2.15.*"], python_version="3.11", platform="linux-x86_64", gpu=False, resolve=False
    )
    assert isinstance(plan, Plan) and plan.status == "feasible" and plan.exit_code == 0
    assert plan.choice is not None
    nothing = envdoctor.plan(
        ["tensorflow==2.13.*"], python_version="3.12", platform="linux-x86_64", gpu=False, resolve=False
    )
    assert nothing.status == "infeasible" and nothing.proof and nothing.exit_code == 1


def test_bad_input_raises_usage_error(broken_venv: Path) -> None:
    with pytest.raises(UsageError):
        envdoctor.check(prefix=broken_venv, select=["ED9X"])
    with pytest.raises(UsageError):
        envdoctor.check(prefix=broken_venv / "missing")
    with pytest.raises(UsageError):
        envdoctor.plan("tensorflow")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        envdoctor.plan(["tensorflow"], manager="poetry")


def test_the_subpackages_stay_importable_and_import_envdoctor_stays_cheap() -> None:
    import envdoctor.explain as explain_package
    import envdoctor.plan as plan_package

    assert callable(explain_package) and hasattr(explain_package, "explain_text")
    assert callable(plan_package) and hasattr(plan_package, "make_plan")
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import envdoctor, sys; print(sorted(m for m in sys.modules if m.startswith('envdoctor')))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    # the package and its one-line version module (a leaf, so that nothing importing the version pulls the API)
    assert loaded.strip() == "['envdoctor', 'envdoctor._version']"
