"""Variants are kept: a plan for tensorflow-cpu pins tensorflow-cpu (never tensorflow), and a CPU
plan never pulls CUDA wheels (PyPI's Linux torch is a CUDA build: the CPU index is named)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envdoctor.actions.create import _install_pip_part
from envdoctor.actions.envfile import BuildSpec, from_plan_dict
from envdoctor.actions.uvtool import IndexOptions
from envdoctor.knowledge import KnowledgeBase
from envdoctor.plan import Target, choose


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def test_tensorflow_cpu_stays_tensorflow_cpu(kb: KnowledgeBase) -> None:
    choice = choose(["tensorflow-cpu==2.15.*"], Target(python="3.11", gpu=False, platform="linux-x86_64"), kb)
    assert choice.feasible and not choice.gpu
    assert choice.requirements == ["tensorflow-cpu==2.15.1"]
    assert [p.name for p in choice.pins] == ["tensorflow-cpu"] and not choice.pins[0].extras
    assert "numpy<2" in choice.constraints  # the variant's own curated cap
    # its own release data: tensorflow-cpu 2.15 has wheels for Python 3.9-3.11 only
    assert not choose(
        ["tensorflow-cpu==2.15.*"], Target(python="3.12", gpu=False, platform="linux-x86_64"), kb
    ).feasible


def test_without_a_spec_the_cpu_variant_is_still_the_variant(kb: KnowledgeBase) -> None:
    choice = choose(["tensorflow-cpu"], Target(platform="linux-x86_64", driver="550.54.14"), kb)
    assert not choice.gpu  # the spelling asks for the CPU build, whatever the driver
    assert choice.requirements[0].startswith("tensorflow-cpu==")
    assert "and-cuda" not in choice.requirements[0]


def test_a_gpu_plan_for_tensorflow_cpu_asks_for_tensorflow_and_cuda(kb: KnowledgeBase) -> None:
    choice = choose(["tensorflow-cpu"], Target(platform="linux-x86_64", gpu=True, driver="550.54.14"), kb)
    assert choice.requirements[0].startswith("tensorflow[and-cuda]==")


def test_a_cpu_torch_plan_names_the_cpu_index(kb: KnowledgeBase) -> None:
    choice = choose(["torch"], Target(python="3.11", gpu=False, platform="linux-x86_64"), kb)
    assert choice.index_backend == "cpu"
    reason = next(r for r in choice.reasons if r.startswith("torch "))
    assert "https://download.pytorch.org/whl/cpu" in reason and "PyPI's Linux torch wheels are CUDA builds" in reason


def test_create_installs_a_planned_cpu_torch_from_the_cpu_index(tmp_path: Path) -> None:
    spec = from_plan_dict(
        {
            "feasible": True,
            "python": "3.11",
            "packages": [{"name": "torch", "version": "2.5.1+cpu"}],
            "torch_backend": "cpu",
        },
        source="plan",
    )
    assert spec.index_backend == "cpu"
    ran: list[list[str]] = []

    class Runner:
        index = 0

        def step(self, name: str, argv: list[str], *, required: bool = True) -> None:
            ran.append(argv)

    _install_pip_part(Runner(), spec, tmp_path, "/env/bin/python", IndexOptions(), sync=True)  # type: ignore[arg-type]
    (argv,) = ran
    assert argv[1:3] == ["pip", "sync"] and argv[-2:] == ["--torch-backend", "cpu"]
    assert BuildSpec().index_backend is None


@pytest.mark.network
def test_plan_files_for_tensorflow_cpu_name_tensorflow_cpu(tmp_path: Path) -> None:
    import subprocess
    import sys

    env_file, req, lock = tmp_path / "environment.yml", tmp_path / "requirements.txt", tmp_path / "pylock.toml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "envdoctor",
            "plan",
            "tensorflow-cpu==2.15.*",
            "--python",
            "3.11",
            "--write-env",
            str(env_file),
            "--write-requirements",
            str(req),
            "--write-lock",
            str(lock),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for path in (env_file, req, lock):
        text = path.read_text(encoding="utf-8")
        assert "tensorflow-cpu" in text.replace("tensorflow_cpu", "tensorflow-cpu"), path
        names = [line.split("==")[0].strip(" -") for line in text.splitlines() if "==" in line]
        assert "tensorflow" not in names, (path, names)
    assert "nvidia-" not in req.read_text(encoding="utf-8")
