"""ED202 pythonpath-set."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

OLD = "/opt/old/lib/python3.11/site-packages"


def test_pythonpath_holding_numpy_is_an_error() -> None:
    snap = snapshot(
        [dist("numpy", "1.19.5", location=OLD), dist("rich", "13.0.0")], env={"PYTHONPATH": f"/home/me/src:{OLD}"}
    )
    f = one("ED202", snap)
    assert f.severity is Severity.ERROR and f.cause == "env-leakage"
    assert f.message == "PYTHONPATH is set; 1 distribution(s) load from it"
    assert f"PYTHONPATH=/home/me/src:{OLD}" in f.evidence
    assert any(e.startswith("loaded from PYTHONPATH: numpy 1.19.5") for e in f.evidence)
    assert f.fix == "unset PYTHONPATH"


def test_pythonhome_on_windows() -> None:
    snap = snapshot([], env={"PYTHONHOME": "C:\\Python38", "PYTHONPATH": "C:\\x"}, sys_platform="win32")
    f = one("ED202", snap)
    assert f.severity is Severity.ERROR
    assert f.fix == "set PYTHONPATH= & set PYTHONHOME="


def test_harmless_pythonpath_is_a_warning_and_unset_passes() -> None:
    f = one("ED202", snapshot([dist("rich", "13.0.0")], env={"PYTHONPATH": "/home/me/src"}))
    assert f.severity is Severity.WARNING
    assert run("ED202", snapshot([dist("rich", "13.0.0")], env={"PYTHONPATH": ""})) == []
    assert run("ED202", snapshot([dist("rich", "13.0.0")])) == []
