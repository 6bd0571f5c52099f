"""ED105 multiple-tensorflow."""

from __future__ import annotations

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run


def test_tensorflow_and_tensorflow_cpu_over_one_another() -> None:
    snap = snapshot([dist("tensorflow", "2.15.0"), dist("tensorflow-cpu", "2.13.1", installer="uv")])
    f = one("ED105", snap)
    assert f.severity is Severity.ERROR
    assert "tensorflow 2.15.0, tensorflow-cpu 2.13.1" in f.message
    assert any(
        "tensorflow-cpu 2.13.1 (installed by uv" in e and "tensorflow_cpu-2.13.1.dist-info" in e for e in f.evidence
    )
    assert f.fix == (
        "uv pip uninstall --python /env/bin/python tensorflow tensorflow-cpu && "
        "uv pip install --python /env/bin/python tensorflow==2.15.0"
    )


def test_newest_wins_and_intel_reinstalls_as_tensorflow() -> None:
    snap = snapshot([dist("tensorflow-intel", "2.14.0"), dist("tf-nightly", "2.13.0.dev20230101")])
    assert one("ED105", snap).fix.endswith("pip install --python /env/bin/python tensorflow==2.14.0")  # type: ignore[union-attr]


def test_passing_meta_package_pair_on_windows() -> None:
    snap = snapshot(
        [
            dist("tensorflow", "2.15.0", requires=['tensorflow-intel==2.15.0; platform_system == "Windows"']),
            dist("tensorflow-intel", "2.15.0"),
        ],
        sys_platform="win32",
    )
    assert run("ED105", snap) == []
    assert run("ED105", snapshot([dist("tensorflow", "2.15.0")])) == []
