"""Shell completion generated from the parser, exercised in the real shells (skipped where absent)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def shell_env(tmp_path: Path) -> dict[str, str]:
    """A PATH whose `envdoctor` runs this checkout with this interpreter."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "envdoctor"
    src = Path(__file__).resolve().parents[1] / "src"
    launcher.write_text(f'#!/bin/sh\nPYTHONPATH={src} exec {sys.executable} -m envdoctor "$@"\n')
    launcher.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}


def run_shell(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_bash_completes_verbs_options_and_choices(shell_env: dict[str, str]) -> None:
    script = """
eval "$(envdoctor completion bash)"
complete_line() {
  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$1"
  case "$1" in *" ") COMP_WORDS+=(""); esac
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  _python_argcomplete envdoctor; printf '%s\\n' "${COMPREPLY[@]}"; echo ---
}
complete_line "envdoctor ch"
complete_line "envdoctor check --out"
complete_line "envdoctor lint x.yml --output-format "
complete_line "envdoctor kb "
"""
    out = run_shell(["bash", "-c", script], shell_env).split("---\n")
    assert out[0].split() == ["check"]
    assert "--output-format" in out[1].split()
    assert {"text", "json", "markdown", "github"} <= set(out[2].split())
    assert {"show", "refresh"} <= set(out[3].split())


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes(shell_env: dict[str, str]) -> None:
    out = run_shell(
        [
            "fish",
            "--no-config",
            "-c",
            'envdoctor completion fish | source; complete -C "envdoctor ch"; complete -C "envdoctor check --sel"',
        ],
        shell_env,
    )
    assert out.splitlines()[0].startswith("check")
    assert any(line.startswith("--select") for line in out.splitlines())


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_loads_and_registers(shell_env: dict[str, str]) -> None:
    out = run_shell(
        [
            "zsh",
            "-f",
            "-c",
            'autoload -U compinit && compinit -u && eval "$(envdoctor completion zsh)" && '
            "print -r -- ${_comps[envdoctor]}",
        ],
        shell_env,
    )
    assert out.strip(), "no completion function registered for envdoctor"
