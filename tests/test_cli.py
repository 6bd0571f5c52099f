"""The CLI as a user runs it: real subprocesses of `python -m envdoctor` on environments on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_conda_record, make_dist
from tests.test_probe import make_venv

ENV = {**os.environ, "NO_COLOR": "1"}
ENV.pop("FORCE_COLOR", None)


def envdoctor(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env or ENV,
        timeout=120,
        check=False,
    )


def test_check_json_names_problems_and_fixes(broken_venv: Path) -> None:
    result = envdoctor("check", "--prefix", str(broken_venv), "--format", "json")
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= {"findings", "environment", "skipped", "summary", "schema"}
    codes = {f["code"]: f for f in doc["findings"]}
    assert codes["ED102"]["cause"] == "numpy-abi" and codes["ED102"]["severity"] == "error"
    assert "numpy<2" in codes["ED102"]["fix"]
    assert any(f["cause"] == "protobuf-mismatch" for f in doc["findings"])
    assert any(f["cause"] == "python-unsupported" for f in doc["findings"])
    for finding in doc["findings"]:
        assert set(finding) >= {"code", "cause", "severity", "message", "evidence", "fix"}
        assert finding["evidence"], finding
    assert doc["environment"]["python"].startswith("3.12")


def test_check_text_is_grouped_plain_when_piped(broken_venv: Path) -> None:
    result = envdoctor("check", "--prefix", str(broken_venv))
    assert result.returncode == 1
    out = result.stdout
    assert "\x1b[" not in out
    assert out.index("Errors (") < out.rstrip().rindex("FAILED:")
    assert "fix:" in out and "evidence:" in out


def test_check_text_is_colored_when_forced(broken_venv: Path) -> None:
    env = {**ENV, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR")
    assert "\x1b[" in envdoctor("check", "--prefix", str(broken_venv), env=env).stdout


def test_check_markdown(broken_venv: Path) -> None:
    out = envdoctor("check", "--prefix", str(broken_venv), "--format", "markdown").stdout
    assert out.startswith("## envdoctor check")
    assert "### Errors" in out and "- fix: `" in out


def test_snapshot_then_check_snapshot_gives_the_same_findings(broken_venv: Path, tmp_path: Path) -> None:
    snap = tmp_path / "snap.json"
    assert envdoctor("snapshot", "--prefix", str(broken_venv), "-o", str(snap)).returncode == 0
    live = json.loads(envdoctor("check", "--prefix", str(broken_venv), "--format", "json").stdout)
    saved = json.loads(envdoctor("check", "--snapshot", str(snap), "--format", "json").stdout)
    assert live["findings"] == saved["findings"]
    piped = envdoctor("check", "--snapshot", "-", "--format", "json", stdin=snap.read_text())
    assert json.loads(piped.stdout)["findings"] == live["findings"]


def test_report_markdown_embeds_a_snapshot(broken_venv: Path, tmp_path: Path) -> None:
    out = envdoctor("report", "--prefix", str(broken_venv)).stdout
    assert "| `tensorflow-cpu` | `2.10.1` | `pip` |" in out
    snapshot_json = out.split("```json\n", 1)[1].split("\n```", 1)[0]
    (tmp_path / "s.json").write_text(snapshot_json)
    assert envdoctor("check", "--snapshot", str(tmp_path / "s.json")).returncode == 1


def test_healthy_environment_exits_zero(tmp_path: Path) -> None:
    venv = make_venv(tmp_path, "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(
        site,
        "tensorflow",
        "2.18.0",
        requires=["numpy<2.1.0,>=1.26.0"],
        wheel_tags=["cp312-cp312-manylinux_2_17_x86_64"],
    )
    make_dist(site, "numpy", "2.0.2")
    result = envdoctor("check", "--prefix", str(venv), "--format", "json", "--ignore", "ED221")
    doc = json.loads(result.stdout)
    assert [f for f in doc["findings"] if f["severity"] == "error"] == []
    assert result.returncode == 0


def test_conda_prefix_without_interpreter_is_read_from_files(tmp_path: Path) -> None:
    prefix = tmp_path / "conda-env"
    site = prefix / "lib" / "python3.11" / "site-packages"
    make_dist(site, "numpy", "2.0.0", installer="pip")
    make_conda_record(prefix, "numpy", "1.26.4", files=["lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA"])
    result = envdoctor("check", "--prefix", str(prefix), "--format", "json")
    doc = json.loads(result.stdout)
    assert any("read from the prefix" in s["reason"] for s in doc["skipped"])
    assert any(f["cause"] == "mixed-pip-conda" for f in doc["findings"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--prefix", "/no/such/prefix"], "does not exist"),
        (["check", "--python", "/no/such/python"], "no interpreter"),
        (["check", "--snapshot", "/no/such.json"], "does not exist"),
        (["check", "--select", "ED999"], "unknown rule"),
        (["check", "--format", "yaml"], "invalid choice"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_input_is_a_clear_error_not_a_traceback(args: list[str], message: str) -> None:
    result = envdoctor(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe garbage")
    result = envdoctor("check", "--snapshot", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_list_rules_in_every_format() -> None:
    text = envdoctor("check", "--list-rules").stdout
    assert "ED101" in text and "ED102" in text
    rules = json.loads(envdoctor("check", "--list-rules", "--format", "json").stdout)
    codes = [r["code"] for r in rules]
    assert len(codes) == len(set(codes)) >= 15
    assert all({"What", "Why", "Fix"} <= set(r["doc"]) for r in rules)
    markdown = envdoctor("check", "--list-rules", "--format", "markdown").stdout
    assert markdown.startswith("## envdoctor rules")


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    generated = envdoctor("check", "--list-rules", "--format", "markdown").stdout
    assert docs.read_text(encoding="utf-8") == generated, (
        "run: envdoctor check --list-rules --format markdown > docs/rules.md"
    )


@pytest.mark.parametrize(
    "verb",
    ["check", "snapshot", "report", "explain", "run", "plan", "lint", "create", "fix", "restore", "verify", "kb"],
)
def test_every_verb_has_help_and_format(verb: str) -> None:
    result = envdoctor(verb, "--help")
    assert result.returncode == 0, result.stderr
    assert "--format" in result.stdout


def test_a_warm_check_writes_the_output_it_showed_before_without_loading_a_formatter(tmp_path: Path) -> None:
    venv = make_venv(tmp_path, "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(site, "tensorflow", "2.15.0", requires=["numpy<2.0.0,>=1.23.5"])
    make_dist(site, "numpy", "2.1.0")
    cache = tmp_path / "cache"
    env = {**ENV, "ENVDOCTOR_CACHE_DIR": str(cache)}
    command = [sys.executable, "-X", "importtime", "-m", "envdoctor", "check", "--prefix", str(venv)]

    def check(**extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, capture_output=True, text=True, env={**env, **extra}, timeout=120)

    first, second = check(), check()
    assert first.returncode == second.returncode == 1 and "ED102" in first.stdout
    assert second.stdout == first.stdout
    assert " rich.console" in first.stderr  # the full run rendered it
    assert " rich" not in second.stderr and "envdoctor.render.formats.text" not in second.stderr
    fresh = envdoctor("check", "--prefix", str(venv), "--no-cache", env=env)
    assert fresh.stdout == second.stdout
    # Another way of showing it (colour) is rendered, then kept beside the first.
    coloured = check(FORCE_COLOR="1", NO_COLOR="")
    assert "\x1b[" in coloured.stdout and " rich.console" in coloured.stderr
    assert "\x1b[" not in check().stdout
    assert check(FORCE_COLOR="1", NO_COLOR="").stdout == coloured.stdout
    # A rewritten entry is shown anew, not as the output kept for the old one.
    (entry,) = (cache / "check").glob("*.json")
    stored = json.loads(entry.read_text())
    stored["findings"] = []
    entry.write_text(json.dumps(stored))
    assert "ED102" not in check().stdout
    assert len(list((cache / "check").glob("*.out"))) >= 1


def test_version_and_no_command() -> None:
    assert envdoctor("--version").stdout.startswith("envdoctor ")
    assert envdoctor().returncode == 2


def test_unchanged_environment_is_answered_from_the_cache_and_a_change_invalidates_it(tmp_path: Path) -> None:
    venv = make_venv(tmp_path, "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(site, "tensorflow", "2.15.0", requires=["numpy<2.0.0,>=1.23.5"])
    make_dist(site, "numpy", "1.26.4")
    cache = tmp_path / "cache"
    env = {**ENV, "ENVDOCTOR_CACHE_DIR": str(cache)}
    first = json.loads(envdoctor("check", "--prefix", str(venv), "--format", "json", env=env).stdout)
    (entry,) = (cache / "check").glob("*.json")
    # Prove the next run reads the entry: mark it, and the mark shows up.
    stored = json.loads(entry.read_text())
    stored["findings"].append(
        {**stored["findings"][0], "message": "from the cache"}
        if stored["findings"]
        else {"code": "ED999", "rule": "x", "severity": "info", "message": "from the cache"}
    )
    entry.write_text(json.dumps(stored))
    second = json.loads(envdoctor("check", "--prefix", str(venv), "--format", "json", env=env).stdout)
    assert [f["message"] for f in second["findings"]][-1] == "from the cache"
    uncached = json.loads(envdoctor("check", "--prefix", str(venv), "--format", "json", "--no-cache", env=env).stdout)
    assert uncached["findings"] == first["findings"]
    # A reinstall (a new dist-info folder) changes the fingerprint: NumPy 2 under TensorFlow 2.15.
    shutil.rmtree(site / "numpy-1.26.4.dist-info")
    make_dist(site, "numpy", "2.1.0")
    third = json.loads(envdoctor("check", "--prefix", str(venv), "--format", "json", env=env).stdout)
    assert "numpy-abi" in {f["cause"] for f in third["findings"]}
    assert len(list((cache / "check").glob("*.json"))) == 2
