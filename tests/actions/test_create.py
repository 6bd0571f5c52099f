"""create from a local wheel folder (--find-links DIR --no-index): venv, sync, pip, verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from envdoctor.actions.create import conda_command, destination, envs_dir
from envdoctor.actions.envfile import BuildSpec, from_file
from tests.actions.fakes import WORKING_TF, build_wheel, run_cli, wheel_folder

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = wheel_folder(tmp_path_factory.mktemp("wheels"))
    build_wheel(folder, "tensorflow", "2.16.1", {"tensorflow/__init__.py": WORKING_TF.format(version="2.16.1")})
    return folder


CreateOffline = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def create_offline(wheels: Path) -> CreateOffline:
    """`envdoctor create SPECS --prefix DEST --python PY --no-plan`, from the local wheels only."""

    def create(dest: Path, *specs: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return run_cli(
            "create",
            *specs,
            "--prefix",
            str(dest),
            "--python",
            PY,
            "--no-plan",
            "--find-links",
            str(wheels),
            "--no-index",
            *extra,
        )

    return create


def _installed(prefix: Path) -> set[str]:
    site = next((prefix / "lib").glob("python3*/site-packages"))
    return {p.name.rsplit(".", 1)[0] for p in site.glob("*.dist-info")}


def test_create_pinned_specs_syncs_and_verifies(tmp_path: Path, create_offline: CreateOffline) -> None:
    dest = tmp_path / "env"
    done = create_offline(dest, "tensorflow==2.16.1", extra=("--format", "json"))
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] is True and data["manager"] == "pip"
    assert [s["name"] for s in data["steps"]] == ["venv", "packages", "pip itself"]
    assert " pip sync " in data["steps"][1]["command"]
    assert data["verify"]["ok"] is True
    assert data["verify"]["frameworks"][0]["version"] == "2.16.1"
    assert "tensorflow-2.16.1" in _installed(dest)
    assert (dest / ".envdoctor" / "create" / "requirements.txt").read_text() == "tensorflow==2.16.1\n"


def test_create_reports_a_broken_result(tmp_path: Path, create_offline: CreateOffline) -> None:
    done = create_offline(tmp_path / "env", "tensorflow==2.15.0", "numpy==2.0.0")
    assert done.returncode == 1
    assert "verify failed: tensorflow" in done.stdout
    assert "✓ [1/3] venv:" in done.stderr  # progress on stderr: each step with its outcome and time


def test_create_from_environment_yml_pip_section(tmp_path: Path, wheels: Path) -> None:
    env_file = tmp_path / "environment.yml"
    env_file.write_text(
        f"name: demo\nchannels: [conda-forge]\ndependencies:\n  - python={PY}\n  - pip\n  - pip:\n"
        "    - tensorflow==2.15.0\n    - numpy==1.26.4\n",
        encoding="utf-8",
    )
    spec = from_file(str(env_file), as_plan=False)
    assert spec.manager == "pip" and spec.python == PY and spec.pinned
    envs = tmp_path / "envs"
    done = run_cli(
        "create",
        "-f",
        str(env_file),
        "--name",
        "demo",
        "--find-links",
        str(wheels),
        "--no-index",
        "-q",
        env=dict(os.environ, ENVDOCTOR_ENVS_DIR=str(envs)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert {"tensorflow-2.15.0", "numpy-1.26.4"} <= _installed(envs / "demo")
    again = run_cli("create", "-f", str(env_file), "--name", "demo", env=dict(os.environ, ENVDOCTOR_ENVS_DIR=str(envs)))
    assert again.returncode == 2 and "--force" in again.stderr


def test_create_from_a_plan_json(tmp_path: Path, wheels: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "feasible": True,
                "python": PY,
                "manager": "pip",
                "packages": [{"name": "tensorflow", "version": "2.15.0"}, {"name": "numpy", "version": "1.26.4"}],
            }
        )
    )
    done = run_cli(
        "create", "--plan", str(plan), "--prefix", str(tmp_path / "e"), "--find-links", str(wheels), "--no-index"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[ok  ] tensorflow 2.15.0" in done.stdout


def test_usage_errors(tmp_path: Path) -> None:
    for args in (
        ["create", "numpy", "--name", "x", "--prefix", str(tmp_path / "p")],
        ["create", "--prefix", str(tmp_path / "p")],
        ["create", "numpy", "--prefix", str(tmp_path / "p"), "--python", "3.1.2.3"],
        ["create", "numpy", "--prefix", str(tmp_path / "p"), "--python", "2.1", "--no-plan"],
        ["create", "-f", str(tmp_path / "missing.yml"), "--prefix", str(tmp_path / "p")],
    ):
        done = run_cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert (
        "no Python 2.1 on this machine"
        in run_cli("create", "numpy", "--prefix", str(tmp_path / "p"), "--python", "2.1", "--no-plan").stderr
    )


def test_envs_dir_and_destination(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ENVDOCTOR_ENVS_DIR", str(tmp_path))
    assert envs_dir() == tmp_path
    assert destination("tf", None) == tmp_path / "tf"
    monkeypatch.delenv("ENVDOCTOR_ENVS_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert envs_dir() == tmp_path / "data" / "envdoctor" / "envs"


def test_conda_commands() -> None:
    spec = BuildSpec(
        python="3.11", conda=["numpy=1.26"], pip=["tensorflow==2.15.1"], channels=["conda-forge"], manager="conda"
    )
    dest = Path("/envs/x")
    assert conda_command("/bin/micromamba", spec, dest, "3.11") == [
        "/bin/micromamba",
        "create",
        "--yes",
        "--prefix",
        "/envs/x",
        "--channel",
        "conda-forge",
        "python=3.11",
        "numpy=1.26",
        "pip",
    ]
    spec.env_file = "/tmp/environment.yml"
    assert conda_command("/opt/conda/bin/conda", spec, dest, None) == [
        "/opt/conda/bin/conda",
        "env",
        "create",
        "--prefix",
        "/envs/x",
        "--file",
        "/tmp/environment.yml",
    ]


def test_conda_manager_uses_an_installed_tool(tmp_path: Path, wheels: Path) -> None:
    """A fake micromamba on PATH: create runs it, then puts the pip part in with uv."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.txt"
    fake = bin_dir / "micromamba"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        'while [ "$1" != "--prefix" ]; do shift; done\n'
        'mkdir -p "$2/conda-meta" "$2/bin"\n'
        f'"{sys.executable}" -m venv --without-pip "$2.venv" && ln -s "$2.venv/bin/python" "$2/bin/python"\n'
    )
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    env.pop("CONDA_EXE", None)
    env.pop("MAMBA_EXE", None)
    done = run_cli(
        "create",
        "numpy=1.26",
        "--manager",
        "conda",
        "--no-plan",
        "--prefix",
        str(tmp_path / "c"),
        "--python",
        PY,
        "--no-verify",
        "--format",
        "json",
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert log.read_text().startswith(f"create --yes --prefix {tmp_path / 'c'} --channel conda-forge python={PY}")
