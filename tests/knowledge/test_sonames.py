"""The CUDA soname table: which toolkits ship a library under a soname version."""

from __future__ import annotations

import pytest

from envdoctor.knowledge.sonames import ships, toolkits_shipping


@pytest.mark.parametrize(
    ("family", "version", "toolkit", "expected"),
    [
        ("cusolver", "10", "11.0", True),  # CUDA 11.0 still shipped cuSOLVER 10
        ("cusolver", "10", "11.1", False),
        ("cusolver", "11", "12.4", True),
        ("cudart", "10.0", "10.1", False),  # one major, another soname
        ("cudart", "11.0", "11.8.89", True),
        ("cudart", "8.0", "7.5", False),  # older than the table: none of its sonames
        ("cublas", "10.0", "10.1", False),  # 10.0 is CUDA 10.0's, 10.1 names it libcublas.so.10
        ("cublas", "10", "10.2", True),
        ("cublas", "11.0", "11.3", True),  # from CUDA 11 on X.0 names the bare major
        ("cufft", "10", "11.7", True),
        ("cufft", "10", "12.1", False),
        ("nvrtc", "11.2", "11.1", False),
        ("nvrtc", "11.2", "11.8", True),
        ("cusparse", "12", "12.2", True),
        ("cudnn", "8", "11.2", None),  # cuDNN has its own numbers
        ("cudart", "13", "13.0", None),  # newer than the table
        ("cusolver", "11", "11", None),  # a bare major whose minors differ
        ("cusolver", "11", "12", True),
    ],
)
def test_ships(family: str, version: str, toolkit: str, expected: bool | None) -> None:
    assert ships(family, version, toolkit) is expected


def test_toolkits_shipping() -> None:
    assert toolkits_shipping("cusolver", "10") == ("10.1", "10.2", "11.0")
    assert toolkits_shipping("cudart", "10.0") == ("10.0",)
    assert toolkits_shipping("cudart", "90") == ()  # not a soname: nothing to compare with
