"""ED221 conda-base-env."""

from __future__ import annotations

from envdoctor.model import Conda, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run


def test_tensorflow_in_base() -> None:
    snap = snapshot(
        [dist("tensorflow", "2.15.0", location="/opt/conda/lib/python3.11/site-packages")],
        prefix="/opt/conda",
        conda=Conda(prefix="/opt/conda", is_base=True),
    )
    f = one("ED221", snap)
    assert f.severity is Severity.WARNING
    assert f.message == "tensorflow==2.15.0 is installed in the conda base environment (/opt/conda)"
    assert "conda base environment: /opt/conda" in f.evidence
    # a fresh environment, proposed and never run by fix --apply (base is left alone)
    assert f.fix == "envdoctor create --name tf --python 3.11 tensorflow==2.15.0"
    assert f.remedy is not None and [s.action for s in f.remedy.steps] == ["new-env"]


def test_passing() -> None:
    assert run("ED221", snapshot([dist("tensorflow", "2.15.0")], conda=Conda(prefix="/env", is_base=False))) == []
    assert run("ED221", snapshot([dist("rich", "13.0.0")], conda=Conda(prefix="/opt/conda", is_base=True))) == []
