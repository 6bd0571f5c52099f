"""ED104 python-mismatch."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb, one, run, text

CP310 = ["cp310-cp310-manylinux_2_17_x86_64", "cp310-cp310-manylinux2014_x86_64"]


def test_wheel_built_for_310_under_311() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.10.1", wheel_tags=CP310),
            dist("numpy", "1.26.4", wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"]),
            dist("six", "1.16.0", wheel_tags=["py2.py3-none-any"]),
            dist("cryptography", "42.0.0", wheel_tags=["cp39-abi3-manylinux_2_28_x86_64"]),
        ]
    )
    f = one("ED104", snap)
    assert f.severity is Severity.ERROR and f.cause == "python-unsupported"
    assert f.message == "built for another Python than 3.11.7: tensorflow 2.10.1"
    assert any("tensorflow-2.10.1.dist-info/WHEEL: Tag: cp310-cp310-manylinux_2_17_x86_64" in e for e in f.evidence)
    assert "running: Python 3.11.7 (/env/bin/python)" in f.evidence
    assert f.fix == "uv pip install --python /env/bin/python --reinstall --no-deps tensorflow==2.10.1"


def test_extension_file_names_when_there_are_no_wheel_tags() -> None:
    snap = snapshot(
        [
            dist(
                "oldpkg",
                "1.0",
                wheel_tags=[],
                installer="conda",
                extension_modules=["oldpkg/_speedups.cpython-310-x86_64-linux-gnu.so"],
            )
        ]
    )
    f = one("ED104", snap)
    assert "oldpkg/_speedups.cpython-310-x86_64-linux-gnu.so" in text(f)


def test_abi3_needs_a_newer_python() -> None:
    snap = snapshot([dist("newthing", "1.0", wheel_tags=["cp312-abi3-manylinux_2_17_x86_64"])])
    assert one("ED104", snap).subject == "python"


def test_release_without_wheels_for_this_python_from_the_knowledge_base() -> None:
    kb = make_kb(
        {
            "tensorflow": {
                "releases": [
                    {"version": "2.10.1", "pythons": {"linux-x86_64": ["3.7", "3.8", "3.9", "3.10"]}},
                    {"version": "2.15.1", "pythons": {"linux-x86_64": ["3.9", "3.10", "3.11"]}},
                ]
            }
        }
    )
    snap = snapshot([dist("tensorflow", "2.10.1", wheel_tags=CP310)])
    f = one("ED104", snap, kb)
    assert f.message == "tensorflow 2.10.1 has no wheel for Python 3.11 on linux-x86_64"
    assert any("Python 3.7, 3.8, 3.9, 3.10 only" in e for e in f.evidence)
    assert f.fix == "uv pip install --python /env/bin/python tensorflow==2.15.1"
    assert any("--python 3.10" in h for h in f.hints)


def test_requires_python_violated() -> None:
    snap = snapshot([dist("jax", "0.4.30", requires_python=">=3.9"), dist("oldlib", "0.1", requires_python="<3.10")])
    f = one("ED104", snap)
    assert f.severity is Severity.WARNING
    assert "oldlib 0.1 (<3.10)" in f.message
    assert f.fix == "uv pip install --python /env/bin/python --upgrade oldlib"


def test_passing() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.1", wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"], requires_python=">=3.9"),
            dist("pure", "1.0", wheel_tags=["py3-none-any"]),
            dist("abi", "1.0", wheel_tags=["cp38-abi3-manylinux_2_17_x86_64"]),
            dist("ext", "1.0", wheel_tags=[], extension_modules=["ext/_x.cpython-311-x86_64-linux-gnu.so"]),
        ]
    )
    assert run("ED104", snap) == []
