"""verify against real venvs holding fake frameworks: working, ABI failure, crash, hang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from envdoctor.actions.verify import verify
from envdoctor.render import formats
from envdoctor.render.views.verify import verify_document
from tests.actions.fakes import WORKING_TF, make_venv, run_cli, site_packages, write_package

ABI_FAILURE = """
import sys
sys.stderr.write("A module that was compiled using NumPy 1.x cannot be run in\\nNumPy 2.0.2 as it may crash.\\n")
raise ImportError("numpy.core._multiarray_umath failed to import")
"""
SIGILL = "import os, signal\nos.kill(os.getpid(), signal.SIGILL)\n"
HANG = "import time\ntime.sleep(60)\n"
WORKING_TORCH = """
__version__ = "2.13.0+cpu"
class version:
    cuda = None
    hip = None
    git_version = "fake"
class cuda:
    @staticmethod
    def is_available():
        return False
class _T:
    def __init__(self, rows):
        self.rows = rows
    def __matmul__(self, other):
        x, y = self.rows, other.rows
        return _T([[sum(x[i][k] * y[k][j] for k in range(2)) for j in range(2)] for i in range(2)])
    def sum(self):
        return _T(sum(sum(r) for r in self.rows))
    def item(self):
        return float(self.rows)
def tensor(rows, device=None):
    return _T(rows)
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_venv(tmp_path_factory.mktemp("verify") / "env")


def _reset(python: Path) -> Path:
    site = site_packages(python.parent.parent)
    for pattern in ("tensorflow*", "torch*", "jax*"):
        for path in site.glob(pattern):
            import shutil

            shutil.rmtree(path)
    return site


def test_working_framework_reports_version_build_and_computation(venv: Path) -> None:
    site = _reset(venv)
    write_package(site, "tensorflow", "2.15.0", WORKING_TF.format(version="2.15.0"))
    report = verify(str(venv), timeout=60)
    assert report.ok
    (tf,) = report.frameworks
    assert tf.framework == "tensorflow" and tf.version == "2.15.0"
    assert tf.distributions == ["tensorflow==2.15.0"]
    assert tf.build["is_cuda_build"] is False
    assert [c.device for c in tf.computations] == ["CPU:0"]
    assert tf.computations[0].value == 54.0
    assert tf.import_seconds is not None
    assert "[ok  ] tensorflow 2.15.0" in formats.render(verify_document(report), "text")
    assert "`tensorflow` 2.15.0" in formats.render(verify_document(report), "markdown")


def test_import_failure_goes_through_explain(venv: Path) -> None:
    site = _reset(venv)
    write_package(site, "tensorflow-cpu", "2.15.1", "", installer="pip")
    (site / "tensorflow").mkdir(exist_ok=True)
    (site / "tensorflow" / "__init__.py").write_text(ABI_FAILURE, encoding="utf-8")
    report = verify(str(venv), timeout=60)
    assert not report.ok
    (tf,) = report.frameworks
    assert tf.distributions == ["tensorflow-cpu==2.15.1"]
    assert not tf.imported
    assert "failed to import" in (tf.error or "")
    assert "compiled using NumPy 1.x" in tf.output_tail
    assert tf.diagnosis is not None
    try:
        import envdoctor.explain as explain

        explain_ready = hasattr(explain, "explain_text")
    except ImportError:
        explain_ready = False
    if explain_ready:
        assert tf.diagnosis.cause == "numpy-abi"


def test_crash_by_signal_does_not_hide_other_frameworks(venv: Path) -> None:
    site = _reset(venv)
    write_package(site, "tensorflow", "2.15.0", SIGILL)
    write_package(site, "torch", "2.13.0", WORKING_TORCH)
    report = verify(str(venv), timeout=60)
    by_name = {f.framework: f for f in report.frameworks}
    assert by_name["tensorflow"].signal == "SIGILL"
    assert "SIGILL" in (by_name["tensorflow"].error or "")
    assert by_name["tensorflow"].diagnosis is not None
    assert by_name["tensorflow"].diagnosis.cause == "cpu-instructions"
    assert by_name["torch"].ok
    assert [c.device for c in by_name["torch"].computations] == ["CPU:0"]  # no numpy: no bridge
    assert not report.ok


def test_hang_times_out(venv: Path) -> None:
    site = _reset(venv)
    write_package(site, "jax", "0.4.30", HANG)
    report = verify(str(venv), timeout=2)
    (jax,) = report.frameworks
    assert jax.timed_out and not jax.ok
    assert "timed out after 2 s" in (jax.error or "")


def test_cli_json_and_exit_codes(venv: Path) -> None:
    site = _reset(venv)
    write_package(site, "tensorflow", "2.15.0", WORKING_TF.format(version="2.15.0"))
    done = run_cli("verify", "--python", str(venv), "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] is True
    assert data["frameworks"][0]["computations"][0]["ok"] is True
    assert data["summary"] == {"installed": 1, "working": 1, "packages": 0, "packages_working": 0, "failed": []}
    (site / "tensorflow" / "__init__.py").write_text(ABI_FAILURE, encoding="utf-8")
    done = run_cli("verify", "--python", str(venv))
    assert done.returncode == 1
    assert "FAIL" in done.stdout and "cause:" in done.stdout


def test_no_framework_is_success(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "empty")
    done = run_cli("verify", "--python", str(python), "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["frameworks"] == []


def test_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli("verify", "--python", str(tmp_path / "nope" / "python"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    done = run_cli("verify", "--prefix", str(tmp_path / "missing"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    not_python = tmp_path / "fake-python"
    not_python.write_text("#!/bin/sh\nexit 3\n")
    not_python.chmod(0o755)
    done = run_cli("verify", "--python", str(not_python))
    assert done.returncode == 2 and "Traceback" not in done.stderr
