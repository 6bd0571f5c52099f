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
                metadata_is_file=True,
                installer=None,
                metadata_path=f"{SITE}/wrapt-1.10.11-py3.11.egg-info",
            )
        ]
    )
    f = one("ED213", snap)
    assert f.severity is Severity.WARNING and f.cause == "mixed-pip-conda"
    assert f"metadata: {SITE}/wrapt-1.10.11-py3.11.egg-info (a file)" in f.evidence
    assert f.fix == (
        "uv pip install --python /env/bin/python --reinstall --no-deps wrapt==1.10.11 && "
        f"rm -rf {SITE}/wrapt-1.10.11-py3.11.egg-info"
    )
    assert any("It is a distutils installed project" in h for h in f.hints)


def test_conda_owned_distutils_file_is_updated_with_conda() -> None:
    snap = snapshot(
        [
            dist(
                "wrapt",
                "1.10.11",
                kind="egg-info",
                metadata_is_file=True,
                metadata_path=f"{SITE}/wrapt-1.10.11-py3.11.egg-info",
            )
        ],
        records=[CondaRecord("wrapt", "1.10.11", python_dists=["wrapt-1.10.11-py3.11.egg-info"])],
    )
    f = one("ED213", snap)
    assert f.fix == "conda install --yes --prefix /env wrapt"


def test_passing_egg_info_folders_editable_and_dist_info() -> None:
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
    )
    assert run("ED213", snap) == []
