"""Bad input is one clear line and exit 2 (or a partial result with `skipped` entries), never a
traceback: snapshots and machine files with nulls, wrong types and deep nesting, malformed probe
output, odd conda-meta records, a user knowledge base with wrong types, a full disk under the
output, SIGTERM in the middle of any verb."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.adversarial.readers_env import (
    ENVDOCTOR,
    assert_one_clean_line,
    cli_env,
    fake_python,
    pid_alive,
    probe_facts_line,
    run_cli,
    site_packages,
    venv,
)
from tests.factories import make_conda_record, make_dist

GOOD_INTERPRETER = {"executable": "/env/bin/python", "version": "3.11.7", "prefix": "/env", "sys_platform": "linux"}


def _snapshot(**parts: object) -> dict:
    doc: dict = {
        "interpreter": dict(GOOD_INTERPRETER),
        "distributions": [],
        "machine": {"os": "linux", "arch": "x86_64"},
    }
    doc.update(parts)
    return doc


BAD_SNAPSHOTS = {
    "null-version": _snapshot(interpreter={**GOOD_INTERPRETER, "version": None, "executable": None}),
    "null-interpreter": {"interpreter": None},
    "null-distribution": _snapshot(distributions=[None]),
    "null-name": _snapshot(distributions=[{"name": None, "version": "1.0"}]),
    "null-in-list": _snapshot(interpreter={**GOOD_INTERPRETER, "sys_path": ["/a", None]}),
    "wrong-type-bits": _snapshot(interpreter={**GOOD_INTERPRETER, "bits": "sixty-four"}),
    "wrong-type-list": _snapshot(distributions="numpy"),
    "wrong-type-env": _snapshot(interpreter={**GOOD_INTERPRETER, "env": {"PYTHONPATH": ["x"]}}),
    "wrong-severity": {"interpreter": GOOD_INTERPRETER, "machine": {"gpu": {"gpus": [{"index": "zero"}]}}},
    "nan-int": _snapshot(interpreter={**GOOD_INTERPRETER, "bits": float("nan")}),
    "conda-wrong": _snapshot(
        conda={"prefix": "/env", "records": [{"name": "x", "version": "1", "build_number": "abc"}]}
    ),
    "conda-null-records": _snapshot(conda={"prefix": "/env", "records": [None]}),
}


def _deep_json(depth: int) -> str:
    return '{"interpreter": ' + '{"x": ' * depth + "1" + "}" * depth + "}"


@pytest.mark.parametrize("name", sorted(BAD_SNAPSHOTS))
@pytest.mark.parametrize("verb", ["check", "report"])
def test_bad_snapshots_are_one_line(tmp_path: Path, name: str, verb: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(BAD_SNAPSHOTS[name]))
    result = run_cli(verb, "--snapshot", str(path), env=cli_env(tmp_path))
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert result.returncode in (0, 1, 2)
    if result.returncode == 2:
        assert_one_clean_line(result)


@pytest.mark.parametrize("depth", [10, 100, 1_000, 100_000])
@pytest.mark.parametrize("option", ["--snapshot", "--machine"])
def test_deep_nesting_is_one_line(tmp_path: Path, depth: int, option: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(_deep_json(depth))
    args = ["check", "--prefix", str(tmp_path)] if option == "--machine" else ["check"]
    result = run_cli(*args, option, str(path), env=cli_env(tmp_path))
    if depth > 64:
        assert "nested" in assert_one_clean_line(result)
    else:  # within the limit: read as any other document (unknown keys are ignored)
        err = result.stderr.decode(errors="replace")
        assert "Traceback" not in err and "internal error" not in err and result.returncode in (0, 1, 2), err


@pytest.mark.parametrize(
    "machine",
    [
        {"os": None},
        {"gpu": None, "cpu_flags": None},
        {"gpu": {"gpus": "many", "libraries": [None]}},
        {"cpu_flags": "avx avx2"},
        [1, 2, 3],
        "linux",
        None,
    ],
    ids=["null-os", "null-gpu", "wrong-gpus", "flags-string", "list", "string", "null"],
)
def test_bad_machine_files_are_one_line(tmp_path: Path, machine: object) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(machine))
    snap = tmp_path / "s.json"
    snap.write_text(json.dumps(_snapshot()))
    result = run_cli("check", "--snapshot", str(snap), "--machine", str(path), env=cli_env(tmp_path))
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err and "internal error" not in err, err
    if result.returncode == 2:
        assert "malformed machine facts" in assert_one_clean_line(result)


def _lying_python(tmp_path: Path, *lines: str) -> Path:
    out = tmp_path / "probe-output.txt"
    out.write_text("".join(line + "\n" for line in lines))
    prefix = fake_python(tmp_path, f"cat {out}")
    make_dist(prefix / "lib" / "python3.11" / "site-packages", "numpy", "1.26.4")
    return prefix


MALFORMED = {
    "not-json": ["ENVDOCTOR-PROBE:{not json"],
    "a-list": ["ENVDOCTOR-PROBE:[1, 2]"],
    "deep": ["ENVDOCTOR-PROBE:" + "[" * 100_000 + "]" * 100_000],
    "wrong-types": [probe_facts_line(sys_path=5, bits="x")],
    "nulls": [probe_facts_line(sys_path=[None], version=None, env={"A": None})],
    "skipped-odd": [probe_facts_line(skipped=[1, [2], ["a", "b", "c"], None])],
    "records-odd": [
        probe_facts_line(),
        "ENVDOCTOR-SCAN:"
        + json.dumps(
            {
                "records": [
                    None,
                    5,
                    {"meta": 5},
                    {"meta": "/x/a-1.dist-info", "location": "/x", "headers": {"name": [7]}},
                    {"meta": "/x/b-1.dist-info", "location": "/x", "problems": "oops"},
                    {"meta": "/x/c-1.dist-info", "location": "/x", "WHEEL": ["Tag: x"]},
                    {"meta": "/x/good-1.0.dist-info", "location": "/x", "headers": {"name": ["good"]}},
                ],
                "unlisted": [["/x", "reason"], 5, [1, 2, 3]],
            }
        ),
    ],
    "records-not-list": [probe_facts_line(), 'ENVDOCTOR-SCAN:{"records": 5, "unlisted": 7}'],
    "scan-not-json": [probe_facts_line(), "ENVDOCTOR-SCAN:{"],
    "garbage-then-facts": ["\x1b]0;x\x07 noise", probe_facts_line()],
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("verb", ["check", "snapshot", "report"])
def test_malformed_probe_output_is_partial_data(tmp_path: Path, name: str, verb: str) -> None:
    prefix = _lying_python(tmp_path, *MALFORMED[name])
    result = run_cli(
        verb, "--prefix", str(prefix), "--no-cache" if verb == "check" else "--timeout=20", env=cli_env(tmp_path)
    )
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert result.returncode in (0, 1, 2), err
    if result.returncode == 2:
        assert_one_clean_line(result)


def test_malformed_records_become_skipped_entries(tmp_path: Path) -> None:
    prefix = _lying_python(tmp_path, *MALFORMED["records-odd"])
    result = run_cli("check", "--prefix", str(prefix), "--format", "json", env=cli_env(tmp_path))
    doc = json.loads(result.stdout)
    reasons = [s["reason"] for s in doc["skipped"]]
    assert sum("malformed probe output" in r for r in reasons) == 6
    assert doc["environment"]["distributions"] == 1  # the one good record


def test_odd_conda_records_are_skipped_or_read_leniently(tmp_path: Path) -> None:
    prefix = venv(tmp_path, "3.12")
    make_dist(site_packages(prefix), "numpy", "1.26.4")
    meta = prefix / "conda-meta"
    make_conda_record(prefix, "numpy", "1.26.4")
    odd = {
        "bn.json": {"name": "bn", "version": "1", "build_number": "abc"},
        "deps.json": {"name": "deps", "version": "1", "depends": "python", "constrains": [None, 3], "files": 5},
        "name.json": {"name": 5, "version": "1"},
        "list.json": [1, 2],
        "nulls.json": {"name": "nulls", "version": None, "build": None, "channel": None, "build_number": None},
    }
    for file, data in odd.items():
        (meta / file).write_text(json.dumps(data))
    (meta / "history").write_bytes(b"\xff\xfe==> 2024 <==\n# cmd: \x1b[2J\n" + b"x" * 100_000)
    result = run_cli("check", "--prefix", str(prefix), "--format", "json", env=cli_env(tmp_path))
    assert b"Traceback" not in result.stderr
    doc = json.loads(result.stdout)
    reasons = " | ".join(f"{s['what']}: {s['reason']}" for s in doc["skipped"])
    assert "bn.json: build_number 'abc' is not a number" in reasons
    assert "name.json: conda record without a name" in reasons and "list.json" in reasons


def test_a_user_knowledge_base_with_wrong_types_is_one_line(tmp_path: Path) -> None:
    from envdoctor.knowledge import DATA_DIR

    data = json.loads((Path(DATA_DIR) / "releases.json").read_text())
    data["packages"]["tensorflow"]["releases"][0]["pythons"] = {"linux-x86_64": 3.11}
    data["packages"]["tensorflow"]["releases"][1]["requires"] = "numpy"
    kb = tmp_path / "cache" / "kb" / "releases.json"
    kb.parent.mkdir(parents=True)
    kb.write_text(json.dumps(data, separators=(",", ":")))
    env = cli_env(tmp_path)
    snap = tmp_path / "s.json"
    tf = {"name": "tensorflow", "version": "2.15.0", "requires": ["numpy<2"], "installer": "pip"}
    snap.write_text(json.dumps(_snapshot(distributions=[tf, {"name": "numpy", "version": "2.0.0"}])))
    for args in (["check", "--snapshot", str(snap)], ["kb", "show", "tensorflow"], ["plan", "tensorflow", "--cpu"]):
        line = assert_one_clean_line(run_cli(*args, env=env, timeout=300))
        assert "releases.json" in line and "kb refresh" in line, line


def _tmpfs(path: Path, size: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")


def test_a_full_disk_under_the_output_keeps_the_old_file(tmp_path: Path) -> None:
    prefix = venv(tmp_path, "3.12")
    for i in range(40):
        make_dist(site_packages(prefix), f"package-with-a-long-name-{i}", "1.0", requires=["numpy>=1"] * 5)
    small = tmp_path / "small"
    _tmpfs(small, "64k")
    try:
        out = small / "snapshot.json"
        out.write_text("the previous snapshot\n")
        (small / "filler").write_bytes(b"x" * (64 * 1024 - 8192))
        result = run_cli("snapshot", "--prefix", str(prefix), "-o", str(out), env=cli_env(tmp_path))
        assert "No space left on device" in assert_one_clean_line(result)
        assert out.read_text() == "the previous snapshot\n"  # not truncated, not half-written
        assert sorted(p.name for p in small.iterdir()) == ["filler", "snapshot.json"]
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)


@pytest.mark.parametrize("verb", [["check"], ["snapshot"], ["report", "--format", "json"]])
def test_a_full_standard_output_is_one_line(tmp_path: Path, verb: list[str]) -> None:
    prefix = venv(tmp_path, "3.12")
    make_dist(site_packages(prefix), "numpy", "1.26.4")
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [*ENVDOCTOR, *verb, "--prefix", str(prefix)],
            stdout=full,
            stderr=subprocess.PIPE,
            env=cli_env(tmp_path),
            timeout=120,
            check=False,
        )
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert result.returncode == 2 and "No space left on device" in err


def _sigterm_mid_run(tmp_path: Path, args: list[str], *, stdin: int | None = subprocess.DEVNULL) -> tuple[int, str]:
    proc = subprocess.Popen(
        [*ENVDOCTOR, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(tmp_path)
    )
    time.sleep(2.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err.decode(errors="replace")


@pytest.mark.parametrize("verb", ["check", "snapshot", "report", "verify", "fix", "explain --python"])
def test_sigterm_mid_verb_is_one_line_and_leaves_nothing_running(tmp_path: Path, verb: str) -> None:
    pidfile = tmp_path / "probe.pid"
    prefix = fake_python(tmp_path, f"echo $$ > {pidfile}\nexec sleep 300")
    words = verb.split()
    args = [*words, str(prefix / "bin" / "python")] if words[-1] == "--python" else [*words, "--prefix", str(prefix)]
    if words[0] == "explain":
        args.append(os.devnull)
    code, err = _sigterm_mid_run(tmp_path, [*args, "--timeout", "60"] if words[0] != "explain" else args)
    assert "Traceback" not in err, err
    assert code == 128 + signal.SIGTERM, (code, err)
    assert err.strip().splitlines()[-1].endswith("stopped by SIGTERM"), err
    if pidfile.exists():
        pid = int(pidfile.read_text())
        deadline = time.monotonic() + 5
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pid_alive(pid), "the probe was left running"


def test_sigterm_while_explain_reads_standard_input(tmp_path: Path) -> None:
    code, err = _sigterm_mid_run(tmp_path, ["explain", "-"], stdin=subprocess.PIPE)
    assert "Traceback" not in err
    assert code == 143 and err.strip().endswith("stopped by SIGTERM")
