"""The habits every verb shares (uv / ruff): -V, -q, -v, --output-format, rule selectors, config files.

Real subprocesses of `python -m envdoctor` on environments on disk, run from a temporary folder so
the configuration file found is the one the test writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor import __version__
from envdoctor.cli import COMMANDS
from envdoctor.errors import UsageError
from envdoctor.rules import all_rules
from envdoctor.selection import Selection, split_selectors

SRC = Path(__file__).resolve().parents[1] / "src"


def envdoctor(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "NO_COLOR": "1", "XDG_CONFIG_HOME": str(cwd / "no-user-config"), "PYTHONPATH": str(SRC)}
    base.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, **(env or {})},
        timeout=120,
        check=False,
    )


def codes_of(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {f["code"] for f in json.loads(result.stdout)["findings"]}


# --- rule selectors ---------------------------------------------------------------------------


def test_selectors_split_commas_and_repeats() -> None:
    assert split_selectors(["ED103,ED102", " ED4 ", ""]) == ["ED103", "ED102", "ED4"]


def test_selection_codes_prefixes_names_and_specificity() -> None:
    rules = all_rules()
    by_code = {r.code: r for r in rules}
    assert [r.code for r in Selection.parse(["ED102"]).apply(rules)] == ["ED102"]
    ed4 = {r.code for r in Selection.parse(["ED4"]).apply(rules)}
    assert ed4 and all(code.startswith("ED4") for code in ed4)
    assert {r.code for r in Selection.parse([by_code["ED102"].name]).apply(rules)} == {"ED102"}
    # the more specific selector wins: ignore ED4 but select ED401
    mixed = {r.code for r in Selection.parse(["ALL", "ED401"], ["ED4"]).apply(rules)}
    assert "ED401" in mixed and not (ed4 - {"ED401"}) & mixed and "ED102" in mixed
    # same specificity: ignore wins
    assert not Selection.parse(["ED102"], ["ED102"]).apply(rules)
    assert len(Selection().apply(rules)) == len(rules)


def test_unknown_selector_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="ED9X"):
        Selection.parse(["ED9X"]).validate(all_rules())
    with pytest.raises(UsageError, match="no-such-rule"):
        Selection.parse([], ["no-such-rule"]).validate(all_rules())


def test_check_select_and_ignore_with_comma_lists_and_prefixes(broken_venv: Path, tmp_path: Path) -> None:
    everything = codes_of(envdoctor("check", "--prefix", str(broken_venv), "--format", "json", cwd=tmp_path))
    assert {"ED102", "ED103"} <= everything
    only = envdoctor("check", "--prefix", str(broken_venv), "--format", "json", "--select", "ED102,ED103", cwd=tmp_path)
    assert codes_of(only) == {"ED103", "ED102"}
    without = envdoctor("check", "--prefix", str(broken_venv), "--format", "json", "--ignore", "ED1", cwd=tmp_path)
    assert not {c for c in codes_of(without) if c.startswith("ED1")}
    bad = envdoctor("check", "--prefix", str(broken_venv), "--ignore", "ED1O3", cwd=tmp_path)
    assert bad.returncode == 2 and "ED1O3" in bad.stderr and "Traceback" not in bad.stderr


# --- configuration files ----------------------------------------------------------------------


def test_pyproject_config_in_a_parent_folder_selects_and_overrides_severity(broken_venv: Path, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.envdoctor]\nignore = ["ED103"]\noutput-format = "json"\n\n'
        '[tool.envdoctor.rules.numpy-abi]\nseverity = "warning"\n'
    )
    work = tmp_path / "sub" / "dir"
    work.mkdir(parents=True)
    result = envdoctor("check", "--prefix", str(broken_venv), cwd=work)
    doc = json.loads(result.stdout)  # output-format from the file
    found = {f["code"]: f for f in doc["findings"]}
    assert "ED103" not in found
    assert found["ED102"]["severity"] == "warning"
    # the command line wins: --format text, and --select replaces the file's selection
    text = envdoctor("check", "--prefix", str(broken_venv), "--format", "text", "--select", "ED104", cwd=work)
    assert "ED104" in text.stdout and "ED102" not in text.stdout
    # ... while the file's ignores still hold (ruff's habit): an ignore beats an equally specific select
    ignored = envdoctor("check", "--prefix", str(broken_venv), "--select", "ED103,ED104", cwd=work)
    assert "ED104" in ignored.stdout and "ED103" not in ignored.stdout
    # --isolated reads no file
    isolated = envdoctor("check", "--prefix", str(broken_venv), "--isolated", "--format", "json", cwd=work)
    assert {f["code"]: f for f in json.loads(isolated.stdout)["findings"]}["ED102"]["severity"] == "error"


def test_envdoctor_toml_beats_pyproject_and_user_config_is_the_fallback(broken_venv: Path, tmp_path: Path) -> None:
    user = tmp_path / "xdg" / "envdoctor"
    user.mkdir(parents=True)
    (user / "envdoctor.toml").write_text('select = ["ED102"]\n')
    project = tmp_path / "project"
    project.mkdir()
    xdg = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    fallback = envdoctor("check", "--prefix", str(broken_venv), "--format", "json", cwd=project, env=xdg)
    assert codes_of(fallback) == {"ED102"}
    (project / "pyproject.toml").write_text('[tool.envdoctor]\nselect = ["ED103"]\n')
    (project / "envdoctor.toml").write_text('select = ["ED103", "ED102"]\n')
    both = envdoctor("check", "--prefix", str(broken_venv), "--format", "json", cwd=project, env=xdg)
    assert codes_of(both) == {"ED103", "ED102"}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('selct = ["ED103"]\n', "selct"),
        ('select = "ED103"\nformat = "json"\n', "format"),
        ("select = [1]\n", "select"),
        ('output-format = "yaml"\n', "output-format"),
        ('[rules.ED102]\nseverity = "fatal"\n', "severity"),
        ('[rules.ED102]\nlevel = "warning"\n', "level"),
        ('[rules.ED999]\nseverity = "warning"\n', "ED999"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_configuration_names_the_key(broken_venv: Path, tmp_path: Path, text: str, named: str) -> None:
    (tmp_path / "envdoctor.toml").write_text(text)
    result = envdoctor("check", "--prefix", str(broken_venv), cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert named in result.stderr and "Traceback" not in result.stderr


def test_lint_uses_the_same_selection_and_config(tmp_path: Path) -> None:
    env = tmp_path / "environment.yml"
    env.write_text("name: x\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - tensorflow==2.13.0\n")
    both = envdoctor("lint", str(env), "--platform", "linux-x86_64", "--format", "json", cwd=tmp_path)
    assert "ED501" in codes_of(both)
    (tmp_path / "envdoctor.toml").write_text('ignore = ["lint-python-no-build"]\n')
    ignored = envdoctor("lint", str(env), "--platform", "linux-x86_64", "--format", "json", cwd=tmp_path)
    assert "ED501" not in codes_of(ignored)


# --- output formats ---------------------------------------------------------------------------


def test_lint_text_is_path_line_col_code_message(tmp_path: Path) -> None:
    env = tmp_path / "environment.yml"
    env.write_text("name: x\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - tensorflow-gpu\n")
    result = envdoctor("lint", str(env), "--platform", "linux-x86_64", cwd=tmp_path)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{env}:6:7: ED502 "), first
    quiet = envdoctor("lint", str(env), "--platform", "linux-x86_64", "-q", cwd=tmp_path)
    assert "FAILED" not in quiet.stdout and f"{env}:6:7: ED502" in quiet.stdout


def test_github_annotations_for_check_and_lint(broken_venv: Path, tmp_path: Path) -> None:
    env = tmp_path / "requirements.txt"
    env.write_text("numpy\ntensorflow-gpu==2.10.0 ; sys_platform == 'win32'\n")
    lint = envdoctor("lint", str(env), "--platform", "windows-x86_64", "--output-format", "github", cwd=tmp_path)
    lines = lint.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any(f"file={env},line=2," in line for line in lines), lines
    check = envdoctor("check", "--prefix", str(broken_venv), "--output-format", "github", cwd=tmp_path)
    assert check.returncode == 1
    assert any(line.startswith("::error title=ED102 numpy-abi::") for line in check.stdout.splitlines())
    # a newline in a message cannot start a second workflow command
    assert all(line.startswith("::") for line in check.stdout.splitlines())


def test_snapshot_advertises_only_json(tmp_path: Path) -> None:
    result = envdoctor("snapshot", "--format", "markdown", cwd=tmp_path)
    assert result.returncode == 2 and "json" in result.stderr


# --- -V / -q / -v on every verb ---------------------------------------------------------------


@pytest.mark.parametrize("verb", sorted(COMMANDS))
def test_every_verb_has_version_quiet_and_verbose(verb: str, tmp_path: Path) -> None:
    version = envdoctor(verb, "-V", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"envdoctor {__version__}"
    helped = envdoctor(verb, "--help", cwd=tmp_path)
    for option in ("-q, --quiet", "-v, --verbose", "--output-format", "--config FILE"):
        assert option in helped.stdout, (verb, option)


def test_top_level_version(tmp_path: Path) -> None:
    assert envdoctor("-V", cwd=tmp_path).stdout.strip() == f"envdoctor {__version__}"
    assert envdoctor("--version", cwd=tmp_path).stdout.strip() == f"envdoctor {__version__}"


# --- one vocabulary: --python names an interpreter, --python-version a version ------------------


def test_check_python_accepts_a_version_a_prefix_and_a_command(broken_venv: Path, tmp_path: Path) -> None:
    by_version = envdoctor("check", "--python", "3.12", "--format", "json", cwd=tmp_path)
    assert by_version.returncode in (0, 1), by_version.stderr
    assert json.loads(by_version.stdout)["environment"]["python"].startswith("3.12")
    by_prefix = envdoctor("check", "--python", str(broken_venv), "--format", "json", cwd=tmp_path)
    assert json.loads(by_prefix.stdout)["environment"]["prefix"] == str(broken_venv)
    bin_dir = str(broken_venv / "bin")
    by_name = envdoctor(
        "check",
        "--python",
        "python",
        "--format",
        "json",
        cwd=tmp_path,
        env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert json.loads(by_name.stdout)["environment"]["prefix"] == str(broken_venv)
    missing = envdoctor("check", "--python", "2.5", cwd=tmp_path)
    assert missing.returncode == 2 and "no interpreter found for --python '2.5'" in missing.stderr


def test_plan_python_version_and_the_deprecated_spellings(tmp_path: Path) -> None:
    new = envdoctor(
        "plan", "six", "--python-version", "3.10", "--cpu", "--no-resolve", "--format", "json", cwd=tmp_path
    )
    assert json.loads(new.stdout)["python"] == "3.10" and "deprecated" not in new.stderr
    old = envdoctor("plan", "six", "--python", "3.10", "--cpu", "--no-resolve", "--format", "json", cwd=tmp_path)
    assert json.loads(old.stdout)["python"] == "3.10"
    assert "`plan --python 3.10` is deprecated" in old.stderr and "--python-version 3.10" in old.stderr
    interpreter = envdoctor(
        "plan", "six", "--python", sys.executable, "--cpu", "--no-resolve", "--format", "json", cwd=tmp_path
    )
    assert json.loads(interpreter.stdout)["python"] == f"{sys.version_info[0]}.{sys.version_info[1]}"
    env_yml = tmp_path / "environment.yml"
    env_yml.write_text("name: x\ndependencies:\n  - python=3.11\n  - pip:\n    - six\n")
    short = envdoctor("plan", "-f", str(env_yml), "--cpu", "--no-resolve", "--format", "json", cwd=tmp_path)
    assert json.loads(short.stdout)["python"] == "3.11"
    assert "`-f FILE` is deprecated" in short.stderr and "--find-links" in short.stderr
    long = envdoctor("plan", "--file", str(env_yml), "--cpu", "--no-resolve", cwd=tmp_path)
    assert long.returncode == 0 and "deprecated" not in long.stderr


def test_explain_and_run_share_env_and_no_env(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_text("A module that was compiled using NumPy 1.x cannot be run in NumPy 2.1.0 as it may crash.\n")
    for flag in ("--env", "--no-env"):
        explained = envdoctor("explain", str(log), flag, "--format", "json", cwd=tmp_path)
        assert explained.returncode == 0, explained.stderr
        assert json.loads(explained.stdout)["cause"] == "numpy-abi"
        ran = envdoctor("run", flag, "--", sys.executable, "-c", "raise SystemExit(3)", cwd=tmp_path)
        assert ran.returncode == 3, ran.stderr
