"""The `envdoctor-lint` pre-commit hook, run by real pre-commit on a temporary git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_hook_definition_points_at_lint_and_its_files() -> None:
    (hook,) = HOOKS
    assert hook["id"] == "envdoctor-lint" and hook["entry"] == "envdoctor lint" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in (
        "environment.yml",
        "envs/environment-gpu.yaml",
        "requirements.txt",
        "requirements-dev.in",
        "sub/pyproject.toml",
        "pylock.toml",
        "pylock.dev.toml",
    ):
        assert pattern.search(name), name
    for name in ("setup.py", "README.md", "myenvironment.yml.bak", "docs/requirements.txt.orig"):
        assert not pattern.search(name), name


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=60)


@pytest.mark.network  # pre-commit builds the hook's own virtualenv from the index
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_real_pre_commit_runs_the_hook(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / "environment.yml").write_text(
        "name: x\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - tensorflow==2.13.0\n"
    )
    (repo / "requirements.txt").write_text("tensorflow-cpu==2.15.*\nnumpy<2\n")
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    pre_commit = [sys.executable, "-m", "pre_commit"]

    def run(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pre_commit, "try-repo", str(ROOT), "envdoctor-lint", "--files", *files],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
            check=False,
        )

    bad = run("environment.yml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "environment.yml:6:" in bad.stdout and "ED501" in bad.stdout
    good = run("requirements.txt")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
