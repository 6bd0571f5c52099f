"""Every read is bounded in size and type, and --timeout bounds the whole verb: FIFOs and devices
where files are expected, 50 MB headers without a blank line, huge or deep snapshots, a probe
that never answers. (The subprocess timeouts below only catch hangs; bench/adversarial.py
measures how long each of these takes.)"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from envdoctor.probe._scan import HEAD_LIMIT, scan_entries
from envdoctor.probe.conda import read_conda
from envdoctor.probe.distributions import scan_path
from tests.adversarial.readers_env import assert_one_clean_line, cli_env, fake_python, run_cli, site_packages, venv
from tests.factories import make_conda_record, make_dist

HANG = 90  # seconds: only a hang takes this long


def _fifo(path: Path) -> Path:
    if path.exists() or path.is_symlink():
        path.unlink()
    os.mkfifo(path)
    return path


def _device(path: Path) -> Path:
    if path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to("/dev/zero")
    return path


@pytest.fixture
def hostile_site(tmp_path: Path) -> Path:
    """A site-packages folder with a FIFO or /dev/zero in the place of every file the scan reads."""
    site = tmp_path / "site"
    make_dist(site, "numpy", "2.0.0")
    _fifo(make_dist(site, "fifo-meta", "1.0") / "METADATA")
    _device(make_dist(site, "zero-meta", "1.0") / "METADATA")
    side = make_dist(site, "zero-sides", "1.0", requires=["numpy"])
    for name in ("WHEEL", "INSTALLER", "top_level.txt", "RECORD"):
        _device(side / name)
    _fifo(side / "direct_url.json")
    egg = make_dist(site, "fifo-egg", "1.0", egg_info=True)
    _fifo(egg / "requires.txt")
    _fifo(site / "pipe-1.0.dist-info")  # the metadata "folder" itself
    return site


def test_fifos_and_devices_are_refused_in_process(hostile_site: Path) -> None:
    skipped: list = []
    dists = {d.name: d for d in scan_path([str(hostile_site)], skipped)}
    assert dists["numpy"].problems == []
    assert any("a FIFO, not read" in p for p in dists["fifo-meta"].problems)
    assert any("a device, not read" in p for p in dists["zero-meta"].problems)
    sides = " ".join(dists["zero-sides"].problems)
    assert sides.count("a device, not read") == 3 and "a FIFO, not read" in sides  # RECORD: below
    assert any("a FIFO" in p for p in dists["fifo-egg"].problems)
    assert any("cannot list" in p for p in dists["pipe"].problems)


def test_fifos_and_devices_are_refused_by_check_in_the_target(tmp_path: Path, hostile_site: Path) -> None:
    prefix = venv(tmp_path, "3.12")
    site = site_packages(prefix)
    for entry in hostile_site.iterdir():
        entry.rename(site / entry.name)
    result = run_cli("check", "--prefix", str(prefix), "--format", "json", env=cli_env(tmp_path), timeout=HANG)
    assert b"Traceback" not in result.stderr
    doc = json.loads(result.stdout)
    flagged = {f["subject"] for f in doc["findings"] if f["code"] == "ED108"}
    assert {"fifo-meta", "zero-meta", "zero-sides", "fifo-egg"} <= flagged
    assert any("a FIFO, not read" in s["reason"] for s in doc["skipped"])
    # RECORD is read for the NumPy build of what uses NumPy (NumPy 2 is installed): refused, said.
    assert any(s["what"] == "NumPy build of zero-sides" and "a device" in s["reason"] for s in doc["skipped"])


def test_a_dead_interpreter_does_not_make_the_fallback_scan_hang(tmp_path: Path, hostile_site: Path) -> None:
    prefix = fake_python(tmp_path, "exit 1")
    site = prefix / "lib" / "python3.11" / "site-packages"
    for entry in hostile_site.iterdir():
        entry.rename(site / entry.name)
    _fifo(prefix / "pyvenv.cfg")
    result = run_cli("check", "--prefix", str(prefix), "--format", "json", env=cli_env(tmp_path), timeout=HANG)
    doc = json.loads(result.stdout)
    assert {f["subject"] for f in doc["findings"] if f["code"] == "ED108"} >= {"fifo-meta", "zero-meta"}


def test_conda_meta_fifos_devices_and_deep_json_are_skipped(tmp_path: Path) -> None:
    prefix = tmp_path / "conda"
    make_conda_record(prefix, "numpy", "1.26.4")
    meta = prefix / "conda-meta"
    _fifo(meta / "pipe-1.0-0.json")
    _device(meta / "zero-1.0-0.json")
    (meta / "deep-1.0-0.json").write_text("[" * 100_000 + "]" * 100_000)
    _fifo(meta / "history")
    skipped: list = []
    conda = read_conda(prefix, skipped)
    assert conda is not None and [r.name for r in conda.records] == ["numpy"]
    reasons = " | ".join(s.reason for s in skipped)
    assert "a FIFO, not read" in reasons and "a device, not read" in reasons and "nested" in reasons


def test_a_50_mb_header_without_a_blank_line_is_cut_not_read_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    meta = make_dist(site, "bighead", "1.0")
    with open(meta / "METADATA", "w", encoding="utf-8") as handle:
        handle.write("Metadata-Version: 2.1\nName: bighead\nVersion: 1.0\nRequires-Dist: numpy\nLicense: x\n")
        line = " " + "y" * 99 + "\n"  # folded continuation lines, 50 MB of them, never a blank line
        for _ in range(50 * 1024 * 1024 // len(line)):
            handle.write(line)
    (dist,) = scan_path([str(site)], [])
    assert dist.version == "1.0" and dist.requires == ["numpy"]
    assert any(f"longer than {HEAD_LIMIT >> 20} MiB" in p for p in dist.problems)
    result = run_cli("check", "--prefix", str(site), "--format", "json", env=cli_env(tmp_path), timeout=HANG)
    assert b"Traceback" not in result.stderr


def test_the_fallback_scan_stops_at_the_deadline(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for i in range(5):
        make_dist(site, f"pkg{i}", "1.0")
    records, skipped = scan_entries([str(site)], time.monotonic() - 1)
    assert records == []
    assert skipped == [(str(site), "not read: the time limit (--timeout) was reached")]


def test_timeout_bounds_the_whole_check_when_the_probe_hangs(tmp_path: Path) -> None:
    prefix = fake_python(tmp_path, "exec sleep 600")
    site = prefix / "lib" / "python3.11" / "site-packages"
    for i in range(50):
        make_dist(site, f"pkg{i}", "1.0")
    started = time.monotonic()
    result = run_cli("check", "--prefix", str(prefix), "--timeout", "2", "--format", "json", env=cli_env(tmp_path))
    elapsed = time.monotonic() - started
    assert elapsed < HANG
    doc = json.loads(result.stdout)
    assert any("did not answer within 1.5 s" in s["reason"] for s in doc["skipped"])


@pytest.mark.parametrize("option", ["--snapshot", "--machine"])
def test_snapshot_and_machine_files_are_bounded(tmp_path: Path, option: str) -> None:
    env = cli_env(tmp_path)
    args = ["check", "--prefix", str(tmp_path)] if option == "--machine" else ["check"]
    big = tmp_path / "big.json"
    with open(big, "w", encoding="utf-8") as handle:  # valid JSON, 17 MiB of it
        handle.write('{"interpreter": {"executable": "x"}, "pad": "')
        handle.write("a" * (17 * 1024 * 1024))
        handle.write('"}')
    assert "larger than 16 MiB" in assert_one_clean_line(run_cli(*args, option, str(big), env=env))
    deep = tmp_path / "deep.json"
    deep.write_text('{"interpreter": ' + "[" * 200_000 + "]" * 200_000 + "}")
    assert "nested" in assert_one_clean_line(run_cli(*args, option, str(deep), env=env))
    shallow_but_deep = tmp_path / "deep2.json"
    shallow_but_deep.write_text('{"interpreter": {"env": ' + '{"a": ' * 100 + "1" + "}" * 100 + "}}")
    assert "nested more than 64" in assert_one_clean_line(run_cli(*args, option, str(shallow_but_deep), env=env))
    zero = _device(tmp_path / "zero.json")
    assert "a device, not read" in assert_one_clean_line(run_cli(*args, option, str(zero), env=env, timeout=HANG))
    fifo = _fifo(tmp_path / "pipe.json")
    line = assert_one_clean_line(run_cli(*args, option, str(fifo), env=env, timeout=HANG))
    assert "a FIFO, not read" in line


def test_a_huge_snapshot_on_standard_input_is_refused(tmp_path: Path) -> None:
    payload = '{"interpreter": {"executable": "x"}, "pad": "' + "a" * (17 * 1024 * 1024) + '"}'
    result = run_cli("check", "--snapshot", "-", env=cli_env(tmp_path), stdin=payload, timeout=HANG)
    assert "standard input is larger than 16 MiB" in assert_one_clean_line(result)
