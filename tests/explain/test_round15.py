"""Round 15 (issue 11): reasoning steps from the package index's own facts and the tools' wording,
each with a near miss. `assert_reasoned` checks the rules' raw conclusion and what calibration
ships for it (tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, raw_decision

# onnxruntime's Linux wheels moved from manylinux2014 (glibc 2.17) to manylinux_2_27 with 1.17.0
ORT_OLD = "1.12.0, 1.12.1, 1.13.1, 1.14.0, 1.14.1, 1.15.0, 1.15.1, 1.16.0, 1.16.1, 1.16.2, 1.16.3"


def test_a_list_that_stops_where_the_wheels_manylinux_level_rose_is_the_glibc() -> None:
    log = (
        "ERROR: Could not find a version that satisfies the requirement onnxruntime==1.18.0 "
        f"(from versions: {ORT_OLD})\n"
        "ERROR: No matching distribution found for onnxruntime==1.18.0\n"
    )
    got = assert_reasoned(log, "glibc-too-old")
    assert any("glibc" in reason for reason in got.reasons) or got.cause == "unknown"
    # the Python named too: still the glibc (1.18.0 has cp310 wheels, for glibc 2.27 only)
    with_python = "Using pip 24.0 from /opt/venv/lib/python3.10/site-packages/pip (python 3.10)\n" + log
    assert raw_decision(with_python).cause == "glibc-too-old"


def test_a_list_that_goes_on_past_the_manylinux_move_is_not_the_glibc() -> None:
    # pip listed 1.17.0 (a manylinux_2_27 wheel): this machine loads those, its glibc is not why
    log = (
        "ERROR: Could not find a version that satisfies the requirement onnxruntime==1.99.0 "
        f"(from versions: {ORT_OLD}, 1.17.0, 1.17.1)\n"
        "ERROR: No matching distribution found for onnxruntime==1.99.0\n"
    )
    assert_not_concluded(log, "glibc-too-old")
    # a glibc the log shows new enough (Ubuntu 22.04's 2.35) leaves no old-glibc machine to weigh
    newer = "ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35\n" + log.replace(", 1.17.0, 1.17.1", "")
    assert_not_concluded(newer, "glibc-too-old")
