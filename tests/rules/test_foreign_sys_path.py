"""ED203 foreign-sys-path."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

OTHER = "/opt/conda/envs/old/lib/python3.11/site-packages"
PREFIX = "/opt/conda/envs/tf"
SITE = f"{PREFIX}/lib/python3.11/site-packages"


def test_another_conda_env_on_sys_path() -> None:
    snap = snapshot(
        [dist("numpy", "1.24.0", location=OTHER)],
        prefix=PREFIX,
        sys_path=[f"{PREFIX}/lib/python311.zip", SITE, OTHER, "/home/me/project/src"],
    )
    f = one("ED203", snap)
    assert f.severity is Severity.ERROR and f.cause == "env-leakage"
    assert f.message == f"sys.path includes {OTHER}, inside another environment; 1 distribution(s) load from it"
    assert f"sys.path entry: {OTHER}" in f.evidence
    assert any(e.startswith("loaded from it: numpy 1.24.0") for e in f.evidence)
    assert f.fix is None
    assert any(f"grep -l {OTHER} {SITE}/*.pth" in h for h in f.hints)


def test_venv_with_system_site_packages() -> None:
    base_site = "/usr/lib/python3.11/site-packages"
    snap = snapshot(
        [],
        prefix="/home/me/venv",
        base_prefix="/usr",
        is_venv=True,
        sys_path=[
            "/usr/lib/python311.zip",
            "/usr/lib/python3.11",
            "/home/me/venv/lib/python3.11/site-packages",
            base_site,
        ],
    )
    f = one("ED203", snap)
    assert f.severity is Severity.WARNING
    assert "include-system-site-packages" in f.message
    assert f.fix == (
        "sed -i.bak 's/^include-system-site-packages *= *true/include-system-site-packages = false/' "
        "/home/me/venv/pyvenv.cfg"
    )


def test_passing_pythonpath_and_user_site_are_left_to_their_rules() -> None:
    user = "/home/me/.local/lib/python3.11/site-packages"
    snap = snapshot(
        [], prefix=PREFIX, sys_path=[SITE, OTHER, user, "/home/me/src"], user_site=user, env={"PYTHONPATH": OTHER}
    )
    assert run("ED203", snap) == []
    assert run("ED203", snapshot([])) == []
