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


def test_debian_owned_egg_info_on_a_distro_python_is_never_deleted() -> None:
    """The issue's case: envdoctor installed with `uv tool`, no env active: the target is Debian's
    /usr/bin/python3, marked EXTERNALLY-MANAGED, with an egg-info file dpkg owns."""
    debian = "/usr/lib/python3/dist-packages"
    snap = snapshot(
        [
            dist(
                "pyyaml",
                "6.0.1",
                kind="egg-info",
                metadata_is_file=True,
                installer=None,
                location=debian,
                metadata_path=f"{debian}/PyYAML-6.0.1.egg-info",
            )
        ],
        prefix="/usr",
        site_packages=["/usr/local/lib/python3.11/dist-packages", debian],
        externally_managed="/usr/lib/python3.11/EXTERNALLY-MANAGED",
    )
    f = one("ED213", snap)
    assert f.remedy is not None
    assert [s.action for s in f.remedy.steps] == ["new-env"]
    assert "rm " not in (f.fix or "") and "pip install" not in (f.fix or "")
    assert "EXTERNALLY-MANAGED" in f.remedy.steps[0].reason
    # the same egg-info in a venv made with --system-site-packages: still the OS's files
    venv = snapshot(
        [
            dist(
                "pyyaml",
                "6.0.1",
                kind="egg-info",
                metadata_is_file=True,
                installer=None,
                location=debian,
                metadata_path=f"{debian}/PyYAML-6.0.1.egg-info",
            )
        ],
        is_venv=True,
        site_packages=["/env/lib/python3.11/site-packages", debian],
    )
    step = one("ED213", venv).remedy.steps[0]  # type: ignore[union-attr]
    assert step.action == "new-env" and "OS package manager" in step.reason
