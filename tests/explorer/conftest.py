"""One explorer site per test session, written by the real CLI (`envdoctor kb html -o DIR`).
The session's ENVDOCTOR_CACHE_DIR (tests/conftest.py) is empty: the shipped knowledge base."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from envdoctor.explorer.site import read_data_script


@dataclass
class BuiltSite:
    out: Path
    report: dict[str, Any]  # what `kb html --format json` printed
    data: dict[str, Any]  # assets/data.js, parsed


def envdoctor(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "envdoctor", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    out = tmp_path_factory.mktemp("explorer") / "site"
    proc = envdoctor("kb", "html", "-o", str(out), "--format", "json", timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    return BuiltSite(out, report, read_data_script(out / "assets" / "data.js"))
