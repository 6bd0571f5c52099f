"""ED212 conda-depends-broken."""

from __future__ import annotations

from envdoctor.model import CondaRecord, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

RECORDS = [
    CondaRecord("numpy", "1.26.4", python_dists=["numpy-1.26.4.dist-info"]),
    CondaRecord(
        "scipy",
        "1.11.4",
        python_dists=["scipy-1.11.4.dist-info"],
        path="/env/conda-meta/scipy.json",
        depends=[
            "numpy >=1.21.6,<1.28",
            "python >=3.11,<3.12.0a0",
            "python_abi 3.11.* *_cp311",
            "libgcc-ng >=12",
            "weird ((spec",
        ],
    ),
    CondaRecord("pandas", "2.1.4", python_dists=["pandas-2.1.4.dist-info"], depends=["numpy >=1.23.5,<2.0a0|1.22.*"]),
]


def test_pip_numpy_breaks_conda_scipy_and_pandas() -> None:
    snap = snapshot(
        [
            dist("numpy", "2.0.1"),
            dist("scipy", "1.11.4", installer="conda"),
            dist("pandas", "2.1.4", installer="conda"),
        ],
        records=RECORDS,
    )
    f = one("ED212", snap)
    assert f.severity is Severity.ERROR and f.cause == "mixed-pip-conda"
    assert f.message == (
        "numpy 2.0.1 (installed by pip) breaks conda packages that depend on it: pandas 2.1.4, scipy 1.11.4"
    )
    assert "conda's scipy 1.11.4 (/env/conda-meta/scipy.json) depends on 'numpy >=1.21.6,<1.28'" in f.evidence
    assert f.fix == (
        "uv pip uninstall --python /env/bin/python numpy && "
        "conda install --yes --prefix /env --force-reinstall 'numpy>=1.21.6,<1.28'"
    )
    assert any(">=1.23.5,<2.0a0|1.22.*" in h for h in f.hints)


def test_passing_when_conda_owns_it_or_pip_stays_in_range() -> None:
    snap = snapshot(
        [
            dist("numpy", "1.26.4", metadata_path="/env/lib/python3.11/site-packages/numpy-1.26.4.dist-info"),
            dist("scipy", "1.11.4"),
        ],
        records=RECORDS,
    )
    assert run("ED212", snap) == []
    snap = snapshot([dist("numpy", "1.26.3"), dist("scipy", "1.11.4")], records=RECORDS)
    assert run("ED212", snap) == []
    assert run("ED212", snapshot([dist("numpy", "2.0.1")])) == []


def test_conda_spec_conversion() -> None:
    from envdoctor.rules._conda_spec import conda_spec_allows, split_match_spec

    assert split_match_spec("python_abi 3.11.* *_cp311") == ("python_abi", "3.11.*", "*_cp311")
    assert split_match_spec("conda-forge::numpy>=1.2") == ("numpy", ">=1.2", "")
    cases = [
        (">=1.21,<2.0a0", "2.0.1", False),
        (">=1.21,<2.0a0", "1.26.4", True),
        ("1.21.*", "1.21.5", True),
        ("1.21.*", "1.22", False),
        (">=1.21|<1.0", "0.9", True),
        ("=1.26", "1.26.4", True),
        ("*", "3", True),
        (">=2.8.*", "2.9", True),
        ("1.26.4", "1.26.4", True),
        ("", "1", True),
        ("abc_def", "1", None),
        ("(>=1|<2),>3", "1", None),
        (">=1.0", "not-a-version", None),
    ]
    for spec, version, expected in cases:
        assert conda_spec_allows(spec, version) is expected, (spec, version)
