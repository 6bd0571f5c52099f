"""ED201 user-site-leakage."""

from __future__ import annotations

from envdoctor.model import Conda, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

USER = "/home/me/.local/lib/python3.11/site-packages"


def test_conda_env_with_numpy_in_the_user_site() -> None:
    snap = snapshot(
        [
            dist("numpy", "1.24.4", location=USER),
            dist("numpy", "1.26.4", shadowed_by=f"{USER}/numpy-1.24.4.dist-info"),
            dist("rich", "13.0.0", location=USER),
            dist("pip", "24.0"),
        ],
        user_site=USER,
        user_site_enabled=True,
        is_conda=True,
        conda=Conda(prefix="/env"),
        tools={"conda": "/opt/conda/bin/conda"},
    )
    f = one("ED201", snap)
    assert f.severity is Severity.ERROR and f.cause == "env-leakage"
    assert f.message == "the user site is enabled and holds 2 distributions: numpy 1.24.4, rich 13.0.0"
    assert f"user site: {USER} (enabled, on sys.path before site-packages)" in f.evidence
    assert "conda environments do not disable the user site (venvs do)" in f.evidence
    assert any("numpy 1.24.4 from the user site hides 1.26.4" in e for e in f.evidence)
    assert f.fix == "/opt/conda/bin/conda env config vars set PYTHONNOUSERSITE=1 -p /env"
    # pip removes the first copy on sys.path (the user site's); uv would act on the env's own copy
    assert any("/env/bin/python -m pip uninstall -y numpy rich" in h for h in f.hints)


def test_plain_env_with_harmless_package_is_a_warning() -> None:
    snap = snapshot([dist("rich", "13.0.0", location=USER + "/")], user_site=USER, user_site_enabled=True)
    f = one("ED201", snap)
    assert f.severity is Severity.WARNING
    assert f.fix == "export PYTHONNOUSERSITE=1"


def test_passing() -> None:
    snap = snapshot([dist("rich", "13.0.0", location=USER)], user_site=USER, user_site_enabled=False)
    assert run("ED201", snap) == []
    assert run("ED201", snapshot([dist("rich", "13.0.0")], user_site=USER, user_site_enabled=True)) == []
