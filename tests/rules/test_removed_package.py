"""ED106 removed-package."""

from __future__ import annotations

from envdoctor.model import Machine, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run


def test_old_tensorflow_gpu_is_a_warning_with_a_same_version_replacement() -> None:
    f = one("ED106", snapshot([dist("tensorflow-gpu", "2.10.0")]))
    assert f.severity is Severity.WARNING and f.cause == "package-removed"
    assert any("removed after 2.11" in e and "pypi.org/project/tensorflow-gpu" in e for e in f.evidence)
    assert f.fix == (
        "uv pip uninstall --python /env/bin/python tensorflow-gpu && "
        "uv pip install --python /env/bin/python tensorflow==2.10.0"
    )


def test_the_stub_is_an_error_and_non_linux_gets_plain_tensorflow() -> None:
    snap = snapshot([dist("tensorflow-gpu", "2.12.0")])
    f = one("ED106", snap)
    assert f.severity is Severity.ERROR
    assert f.fix is not None and f.fix.endswith("pip install --python /env/bin/python 'tensorflow[and-cuda]'")
    snap = snapshot(
        [dist("tensorflow-gpu", "2.12.0")], machine=Machine(os="windows", arch="x86_64"), sys_platform="win32"
    )
    f = one("ED106", snap)
    assert f.fix is not None and f.fix.endswith("pip install --python /env/bin/python tensorflow")
    assert any("WSL2" in h for h in f.hints)


def test_passing() -> None:
    assert run("ED106", snapshot([dist("tensorflow", "2.15.0")])) == []
