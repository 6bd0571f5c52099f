"""ED213 distutils-install."""

from __future__ import annotations

from envdoctor.model import CondaRecord, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

SITE = "/env/lib/python3.11/site-packages"


def test_egg_info_in_site_packages() -> None:
    snap = snapshot(
        [
            dist(
                "wrapt",
                "1.10.11",
                kind="egg-info",
                installer=None,
                metadata_path=f"{SITE}/wrapt-1.10.11-py3.11.egg-info",
            )
        ]
    )
    f = one("ED213", snap)
    assert f.severity is Severity.WARNING and f.cause == "mixed-pip-conda"
    assert f"metadata: {SITE}/wrapt-1.10.11-py3.11.egg-info" in f.evidence
    assert f.fix == (
        "/env/bin/python -m pip install --ignore-installed --no-deps wrapt==1.10.11 && "
        f"rm -rf {SITE}/wrapt-1.10.11-py3.11.egg-info"
    )
    assert any("It is a distutils installed project" in h for h in f.hints)


def test_passing_conda_owned_editable_and_dist_info() -> None:
    snap = snapshot(
        [
            dist("wrapt", "1.10.11", kind="egg-info", metadata_path=f"{SITE}/wrapt-1.10.11-py3.11.egg-info"),
            dist(
                "mypkg",
                "0.1",
                kind="egg-info",
                location="/home/me/mypkg/src",
                metadata_path="/home/me/mypkg/src/mypkg.egg-info",
            ),
            dist("numpy", "1.26.4"),
        ],
        records=[CondaRecord("wrapt", "1.10.11", python_dists=["wrapt-1.10.11-py3.11.egg-info"])],
    )
    assert run("ED213", snap) == []
