"""ED302 glibc-too-old."""

from __future__ import annotations

from envdoctor.model import Machine, Severity
from envdoctor.rules.glibc import glibc_of_platform
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run

CENTOS7 = Machine(
    os="linux", arch="x86_64", libc="glibc", libc_version="2.17", os_release="CentOS Linux 7", cpu_flags=["avx"]
)


def test_platform_tags() -> None:
    assert glibc_of_platform("manylinux_2_28_x86_64") == (2, 28)
    assert glibc_of_platform("manylinux2014_x86_64") == (2, 17)
    assert glibc_of_platform("manylinux2010_x86_64") == (2, 12)
    assert glibc_of_platform("manylinux1_x86_64") == (2, 5)
    assert glibc_of_platform("musllinux_1_1_x86_64") is None
    assert glibc_of_platform("any") is None


def test_jaxlib_needing_glibc_227_on_centos7() -> None:
    snap = snapshot(
        [
            dist("jaxlib", "0.4.30", wheel_tags=["cp311-cp311-manylinux_2_27_x86_64"]),
            dist(
                "numpy", "1.26.4", wheel_tags=["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"]
            ),
        ],
        machine=CENTOS7,
    )
    f = one("ED302", snap)
    assert f.severity is Severity.ERROR and f.cause == "glibc-too-old"
    assert f.message == "wheels need a newer glibc than this system's 2.17: jaxlib 0.4.30 (glibc 2.27)"
    assert "system glibc: 2.17 (CentOS Linux 7)" in f.evidence
    assert any("jaxlib-0.4.30.dist-info/WHEEL Tag: cp311-cp311-manylinux_2_27_x86_64" in e for e in f.evidence)
    assert f.fix == "uv pip install --python /env/bin/python --reinstall --no-deps jaxlib==0.4.30"


def test_manylinux_wheels_on_musl() -> None:
    alpine = Machine(os="linux", arch="x86_64", libc="musl", libc_version="1.2.4")
    f = one(
        "ED302", snapshot([dist("numpy", "1.26.4", wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"])], machine=alpine)
    )
    assert f.cause == "platform-unsupported"


def test_passing() -> None:
    snap = snapshot(
        [
            dist("jaxlib", "0.4.30", wheel_tags=["cp311-cp311-manylinux_2_27_x86_64"]),
            dist("six", "1.16.0", wheel_tags=["py2.py3-none-any"]),
        ]
    )
    assert run("ED302", snap) == []  # factory machine: glibc 2.36
    assert (
        run(
            "ED302",
            snapshot(
                [dist("jaxlib", "0.4.30", wheel_tags=["cp311-cp311-manylinux_2_27_x86_64"])],
                machine=Machine(os="linux", arch="x86_64"),
            ),
        )
        == []
    )
