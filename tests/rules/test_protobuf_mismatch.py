"""ED103 protobuf-mismatch."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run


def test_tf_210_with_protobuf_4_from_metadata() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.10.1", requires=["protobuf<3.20,>=3.9.2"]),
            dist("tensorboard", "2.10.1", requires=["protobuf<3.20,>=3.9.2"]),
            dist("protobuf", "4.25.3"),
        ],
        env={"PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": "python"},
    )
    f = one("ED103", snap)
    assert f.severity is Severity.ERROR and f.cause == "protobuf-mismatch"
    assert f.message.startswith("protobuf 4.25.3 is installed, but tensorboard 2.10.1 needs") or f.message.startswith(
        "protobuf 4.25.3 is installed, but tensorflow 2.10.1 needs"
    )
    assert any("tensorflow 2.10.1 requires 'protobuf<3.20,>=3.9.2'" in e for e in f.evidence)
    assert "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python is set in the environment" in f.evidence
    assert f.fix == "uv pip install --python /env/bin/python 'protobuf<3.20,>=3.9.2'"
    assert "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION" not in f.fix
    assert any("first operation" in h for h in f.hints)


def test_curated_cap_for_tf_29_whose_metadata_has_none() -> None:
    snap = snapshot([dist("tensorflow", "2.9.3", requires=["protobuf>=3.9.2"]), dist("protobuf", "3.20.3")])
    f = one("ED103", snap)
    assert any("needs protobuf<3.20, which its metadata does not say" in e and "issues/56266" in e for e in f.evidence)
    assert f.fix == "uv pip install --python /env/bin/python 'protobuf<3.20,>=3.9.2'"
    assert run("ED101", snap) == []  # the pair is ED103's


def test_passing() -> None:
    snap = snapshot([dist("tensorflow", "2.10.1", requires=["protobuf<3.20,>=3.9.2"]), dist("protobuf", "3.19.6")])
    assert run("ED103", snap) == []
    assert run("ED103", snapshot([dist("tensorflow", "2.10.1", requires=["protobuf<3.20,>=3.9.2"])])) == []
