"""ED301 cpu-instructions."""

from __future__ import annotations

from envdoctor.model import Machine, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

NO_AVX = Machine(
    os="linux",
    arch="x86_64",
    libc="glibc",
    libc_version="2.36",
    cpu_model="Intel(R) Celeron(R) CPU J1900",
    cpu_flags=["sse4_1", "sse4_2"],
)


def test_tensorflow_without_avx() -> None:
    f = one("ED301", snapshot([dist("tensorflow", "2.15.0")], machine=NO_AVX))
    assert f.severity is Severity.ERROR and f.cause == "cpu-instructions"
    assert f.message == "tensorflow 2.15.0 needs AVX, which this CPU (Intel(R) Celeron(R) CPU J1900) does not report"
    assert "CPU: Intel(R) Celeron(R) CPU J1900; flags: sse4_1, sse4_2 (no avx)" in f.evidence
    assert f.fix is None and any("-cpu host" in h for h in f.hints)


def test_passing() -> None:
    assert run("ED301", snapshot([dist("tensorflow", "2.15.0")])) == []  # factory CPU has AVX
    assert run("ED301", snapshot([dist("tensorflow", "1.5.0")], machine=NO_AVX)) == []
    unknown = Machine(os="linux", arch="x86_64", cpu_flags=[])
    assert run("ED301", snapshot([dist("tensorflow", "2.15.0")], machine=unknown)) == []
    arm = Machine(os="linux", arch="aarch64", cpu_flags=["neon"])
    assert run("ED301", snapshot([dist("tensorflow", "2.15.0")], machine=arm)) == []
