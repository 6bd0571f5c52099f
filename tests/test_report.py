"""`report` is meant to be pasted into a public issue: no home folder or user name unless asked, and
the reported environment's own activation variables, not those of the shell that ran envdoctor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.factories import make_dist
from tests.test_probe import make_venv


def report(*args: str, home: Path, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "USER": "jean-luc", "LOGNAME": "jean-luc", "NO_COLOR": "1", **(extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", "report", "--isolated", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_report_redacts_home_and_user_unless_asked(tmp_path: Path) -> None:
    home = tmp_path / "home" / "jean-luc"
    (home / "work").mkdir(parents=True)
    venv = make_venv(home / "work", "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(site, "tensorflow", "2.15.0", requires=["numpy<2.0.0,>=1.23.5"])
    make_dist(site, "numpy", "2.1.0")
    for fmt in ("markdown", "json"):
        shared = report("--prefix", str(venv), "--format", fmt, home=home)
        assert shared.returncode == 0, shared.stderr
        assert str(home) not in shared.stdout and "/jean-luc/" not in shared.stdout, fmt
        assert "~/work/venv3.12" in shared.stdout
    doc = json.loads(report("--prefix", str(venv), "--format", "json", home=home).stdout)
    assert doc["snapshot"]["interpreter"]["prefix"] == "~/work/venv3.12"
    kept = report("--prefix", str(venv), "--no-redact", home=home)
    assert str(venv) in kept.stdout


def test_report_keeps_only_the_reported_environments_activation(tmp_path: Path) -> None:
    home = tmp_path / "home" / "jean-luc"
    home.mkdir(parents=True)
    target = make_venv(tmp_path / "target", "3.12")
    caller = make_venv(tmp_path / "caller", "3.12")
    elsewhere = report("--prefix", str(target), "--format", "json", home=home, extra={"VIRTUAL_ENV": str(caller)})
    env = json.loads(elsewhere.stdout)["snapshot"]["interpreter"]["env"]
    assert "VIRTUAL_ENV" not in env
    text = report("--prefix", str(target), home=home, extra={"VIRTUAL_ENV": str(caller)}).stdout
    assert "Left out: VIRTUAL_ENV" in text and str(caller) not in text
    own = report("--prefix", str(target), "--format", "json", home=home, extra={"VIRTUAL_ENV": str(target)})
    assert json.loads(own.stdout)["snapshot"]["interpreter"]["env"]["VIRTUAL_ENV"] == str(target)
