"""ED211 pip-over-conda."""

from __future__ import annotations

from envdoctor.model import CondaRecord, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

NUMPY_RECORD = CondaRecord(
    "numpy",
    "1.26.4",
    build="py311h64a7726_0",
    channel="conda-forge",
    python_dists=["numpy-1.26.4.dist-info"],
    path="/env/conda-meta/numpy-1.26.4-py311h64a7726_0.json",
)


def test_pip_numpy_over_condas() -> None:
    snap = snapshot([dist("numpy", "2.0.1")], records=[NUMPY_RECORD])
    f = one("ED211", snap)
    assert f.severity is Severity.ERROR and f.cause == "mixed-pip-conda"
    assert f.message == "numpy 2.0.1 (pip) is installed over conda's numpy 1.26.4"
    assert f.evidence[0] == (
        "conda record: /env/conda-meta/numpy-1.26.4-py311h64a7726_0.json (numpy 1.26.4, conda-forge)"
    )
    assert "conda installed numpy-1.26.4.dist-info" in f.evidence
    # nothing installed asks for pip's version: conda's own numpy comes back
    assert f.fix == (
        "uv pip uninstall --python /env/bin/python numpy && "
        "conda install --yes --prefix /env --channel conda-forge --force-reinstall numpy==1.26.4"
    )
    assert any("numpy==2.0.1" in h for h in f.hints)


def test_pip_version_kept_under_conda_when_a_requirer_needs_it() -> None:
    snap = snapshot([dist("numpy", "2.0.1"), dist("jax", "0.4.35", requires=["numpy>=2"])], records=[NUMPY_RECORD])
    f = one("ED211", snap)
    assert f.fix is not None and f.fix.endswith("--force-reinstall numpy==2.0.1")


def test_metadata_removed_by_pip_uninstall() -> None:
    snap = snapshot([], records=[NUMPY_RECORD])
    f = one("ED211", snap)
    assert "its metadata (numpy-1.26.4.dist-info) is gone" in f.message
    assert f.fix == "conda install --yes --prefix /env --channel conda-forge --force-reinstall numpy==1.26.4"


def test_records_without_file_lists_match_by_version() -> None:
    snap = snapshot([dist("requests", "2.32.0")], records=[CondaRecord("requests", "2.31.0")])
    f = one("ED211", snap)
    assert f.severity is Severity.WARNING


def test_passing() -> None:
    ok = dist("numpy", "1.26.4", installer="conda")
    assert run("ED211", snapshot([ok], records=[NUMPY_RECORD])) == []
    assert run("ED211", snapshot([dist("numpy", "2.0.1")])) == []
    assert run("ED211", snapshot([dist("requests", "2.31.0")], records=[CondaRecord("requests", "2.31.0")])) == []
