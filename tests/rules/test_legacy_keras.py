"""ED109 legacy-keras-missing."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run


def test_legacy_keras_without_tf_keras() -> None:
    snap = snapshot([dist("tensorflow", "2.17.0"), dist("keras", "3.4.1")], env={"TF_USE_LEGACY_KERAS": "1"})
    f = one("ED109", snap)
    assert f.severity is Severity.ERROR and f.cause == "keras-version-mismatch"
    assert "No module named 'tf_keras'" in f.message
    assert f.fix == "uv pip install --python /env/bin/python 'tf-keras~=2.17.0'"
    assert any("unset TF_USE_LEGACY_KERAS" in h for h in f.hints)


def test_legacy_keras_passing() -> None:
    legacy = {"TF_USE_LEGACY_KERAS": "1"}
    assert run("ED109", snapshot([dist("tensorflow", "2.17.0"), dist("tf-keras", "2.17.0")], env=legacy)) == []
    assert run("ED109", snapshot([dist("tensorflow", "2.15.0")], env=legacy)) == []  # Keras 2 era: no effect
    assert run("ED109", snapshot([dist("tensorflow", "2.17.0")], env={"TF_USE_LEGACY_KERAS": "0"})) == []
    assert run("ED109", snapshot([dist("tensorflow", "2.17.0")])) == []
