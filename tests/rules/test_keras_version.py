"""ED107 keras-version-mismatch."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run, text


def test_tf_216_with_keras_2() -> None:
    snap = snapshot([dist("tensorflow", "2.16.1", requires=["keras>=3.0.0"]), dist("keras", "2.15.0")])
    f = one("ED107", snap)
    assert f.severity is Severity.ERROR and f.cause == "keras-version-mismatch"
    assert f.message == "keras 2.15.0 does not match tensorflow 2.16.1"
    assert any("requires 'keras>=3.0.0'" in e for e in f.evidence)
    assert any("uses Keras 3 as tf.keras" in e for e in f.evidence)
    assert (
        f.fix == "uv pip install --python /env/bin/python 'keras>=3.0,>=3.0.0'"
        or f.fix == "uv pip install --python /env/bin/python 'keras>=3.0.0'"
    )
    assert "tf-keras~=2.16.0" in text(f) and "TF_USE_LEGACY_KERAS=1" in text(f)
    assert run("ED101", snap) == []  # TensorFlow's keras pair is ED107's


def test_tf_215_with_keras_3() -> None:
    snap = snapshot([dist("tensorflow", "2.15.0", requires=["keras<2.16,>=2.15.0"]), dist("keras", "3.3.3")])
    f = one("ED107", snap)
    assert any("predates Keras 3" in e for e in f.evidence)
    assert f.fix == "uv pip install --python /env/bin/python 'keras<2.16,>=2.15.0'"


def test_passing() -> None:
    assert (
        run("ED107", snapshot([dist("tensorflow", "2.16.1", requires=["keras>=3.0.0"]), dist("keras", "3.3.3")])) == []
    )
    assert (
        run(
            "ED107", snapshot([dist("tensorflow", "2.15.0", requires=["keras<2.16,>=2.15.0"]), dist("keras", "2.15.0")])
        )
        == []
    )
    assert run("ED107", snapshot([dist("tensorflow", "2.15.0")])) == []
