"""Solver conflict extraction on real solver output (cases from tests/corpus)."""

from __future__ import annotations

from envdoctor.explain import explain_text

from .corpus import load

BY_NAME = {c.name: c for c in load()}


def test_pip_resolution_impossible_names_the_pin_to_move() -> None:
    got = explain_text(BY_NAME["solver-aicert-3"].text)
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.tool == "pip"
    assert conflict.move == "protobuf==3.20.0"
    assert "tensorflow 2.7.4 needs protobuf<3.20 and >=3.9.2" in conflict.requirements


def test_pip_two_packages_need_different_ranges() -> None:
    got = explain_text(BY_NAME["solver-vocalsep-10"].text)
    assert got.conflicts[0].move == "spleeter 2.1.0"


def test_conda_classic_conflict() -> None:
    got = explain_text(BY_NAME["solver-anaconda-940"].text)
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.tool == "conda"
    assert conflict.requirements == ["opencv ==2.4.8", "tensorflow -> numpy >=1.10.1"]
    assert conflict.move == "opencv ==2.4.8"


def test_libmamba_cuda_constraint_is_driver_too_old() -> None:
    got = explain_text(BY_NAME["driver-mamba-969"].text)
    assert got.cause == "driver-too-old"


def test_libmamba_requires_but_none_of_the_providers() -> None:
    text = (
        "Could not solve for environment specs\n"
        "Encountered problems while solving:\n"
        "  - package libnsl-2.0.0-h7f98852_0 requires libgcc-ng >=9.4.0, but none of the providers can be installed\n"
        "  - nothing provides requested prompt-toolkit ==3.0.5 py_0\n"
        "\n"
    )  # mamba-org/mamba#1492
    got = explain_text(text)
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.tool == "libmamba"
    assert conflict.move == "libnsl-2.0.0-h7f98852_0"
    assert "libnsl-2.0.0-h7f98852_0 needs libgcc-ng >=9.4.0" in conflict.requirements


def test_uv_pubgrub_conflict() -> None:
    got = explain_text(BY_NAME["solver-weclone-197"].text)
    assert got.cause == "solver-conflict"
    conflict = got.conflicts[0]
    assert conflict.tool == "uv"
    assert any("triton" in r for r in conflict.requirements)
    assert conflict.move is not None


def test_uv_no_build_for_platform_split() -> None:
    got = explain_text(BY_NAME["platform-uv-12578"].text)
    assert got.cause == "platform-unsupported"
    assert got.conflicts[0].kind == "platform"
