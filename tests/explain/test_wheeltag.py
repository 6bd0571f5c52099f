"""A wheel's platform tag read as its machine (envdoctor.explain.wheeltag), and the rules that use
it on Windows' wheel tags, which name the architecture `amd64`."""

from __future__ import annotations

import pytest

from envdoctor.explain.wheeltag import WheelPlatform, manylinux_glibc, wheel_platform
from tests.explain.expect import raw_decision


@pytest.mark.parametrize(
    ("tag", "os_name", "arch", "bits", "key"),
    [
        ("win_amd64", "windows", "x86_64", 64, "windows-x86_64"),
        ("win32", "windows", "win32", 32, ""),
        ("win_arm64", "windows", "aarch64", 64, ""),
        ("macosx_11_0_arm64", "macos", "aarch64", 64, "macos-arm64"),
        ("macosx_10_9_universal2", "macos", "universal2", 64, "macos-arm64"),
        ("macosx_10_15_x86_64", "macos", "x86_64", 64, "macos-x86_64"),
        ("manylinux_2_17_x86_64.manylinux2014_x86_64", "linux", "x86_64", 64, "linux-x86_64"),
        ("manylinux2014_aarch64", "linux", "aarch64", 64, "linux-aarch64"),
        ("musllinux_1_1_x86_64", "linux", "x86_64", 64, ""),
        ("linux_armv7l", "linux", "armv7l", 32, ""),
        ("manylinux2014_ppc64le", "linux", "ppc64le", 64, ""),
        ("any", None, "", None, ""),
    ],
)
def test_a_platform_tag_is_read_as_its_machine(
    tag: str, os_name: str | None, arch: str, bits: int | None, key: str
) -> None:
    plat = wheel_platform(tag)
    assert (plat.os, plat.arch, plat.bits, plat.key) == (os_name, arch, bits, key)


def test_universal2_serves_both_mac_architectures_and_musl_no_glibc_key() -> None:
    universal = wheel_platform("macosx_10_9_universal2")
    assert universal.serves_key("macos-arm64") and universal.serves_key("macos-x86_64")
    assert not universal.serves_key("linux-x86_64")
    assert wheel_platform("win_amd64").serves("windows", "amd64")
    assert not wheel_platform("musllinux_1_2_x86_64").serves_key("linux-x86_64")
    assert WheelPlatform("linux", "aarch64").serves("linux", "arm64")


def test_a_windows_wheel_of_this_machine_refused_is_its_python_tag() -> None:
    """win_amd64 on a 64-bit Windows: the tag names the architecture amd64, the machine x86_64; the
    wheel refused there is its Python tag (or a 32-bit Python: the same cause)."""
    log = (
        "C:\\Users\\ana\\Downloads> pip install tensorflow-2.4.0-cp35-cp35m-win_amd64.whl\n"
        "ERROR: tensorflow-2.4.0-cp35-cp35m-win_amd64.whl is not a supported wheel on this platform.\n"
    )
    got = raw_decision(log)
    assert got.cause == "python-unsupported", (got.cause, got.ranked)
    mac = log.replace("C:\\Users\\ana\\Downloads>", "ana@mac ~ %").replace("win_amd64", "linux_x86_64")
    assert raw_decision(mac).cause == "platform-unsupported"


@pytest.mark.parametrize(
    ("tag", "glibc"),
    [
        ("manylinux_2_27_x86_64.manylinux_2_28_x86_64", (2, 27)),
        ("manylinux_2_17_x86_64.manylinux2014_x86_64", (2, 17)),
        ("manylinux2010_x86_64", (2, 12)),
        ("manylinux1_i686", (2, 5)),
        ("MANYLINUX_2_31_AARCH64", (2, 31)),
        ("musllinux_1_2_x86_64", None),
        ("win_amd64", None),
    ],
)
def test_a_manylinux_tag_names_the_glibc_it_needs(tag: str, glibc: tuple[int, int] | None) -> None:
    assert manylinux_glibc(tag) == glibc
