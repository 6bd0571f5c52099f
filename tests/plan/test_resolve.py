"""make_plan end to end, hermetic: uv resolves against a wheel folder, rattler a local channel."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from envdoctor.cli import main
from envdoctor.plan import OutputFiles, ResolveOptions, Target, make_plan
from tests.plan.builders import index_channel, make_conda_package, make_wheel
from tests.plan.fakekb import FakeKB

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def wheels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    folder = tmp_path / "wheels"
    tf_deps = ["numpy>=1.23.5", "protobuf>=3.20", "nvidia-cudnn-cu12==9.3.0; extra == 'and-cuda'"]
    make_wheel(folder, "tensorflow", "2.18.0", requires=tf_deps, extras=["and-cuda"])
    make_wheel(folder, "tensorflow", "2.15.1", requires=tf_deps[:2], requires_python=">=3.9")
    make_wheel(folder, "numpy", "1.26.4")
    make_wheel(folder, "numpy", "2.1.3")
    make_wheel(folder, "protobuf", "5.28.0")
    make_wheel(folder, "nvidia-cudnn-cu12", "9.3.0")
    make_wheel(folder, "numpy", "2.2.0rc1")
    return folder


def _options(wheels: Path) -> ResolveOptions:
    return ResolveOptions(find_links=(str(wheels),), no_index=True)


def test_plan_resolves_and_applies_caps(wheels: Path) -> None:
    target = Target(python="3.11", gpu=False)
    plan = make_plan(["tensorflow<2.16"], target, FakeKB(), options=_options(wheels))
    assert plan.feasible, plan.proof
    versions = {p.name: p.version for p in plan.packages}
    assert versions == {"tensorflow": "2.15.1", "numpy": "1.26.4", "protobuf": "5.28.0"}
    numpy = next(p for p in plan.packages if p.name == "numpy")
    assert numpy.reason.startswith("cap numpy<2 for tensorflow 2.15.1")


def test_plan_gpu_writes_all_files(wheels: Path, tmp_path: Path) -> None:
    target = Target(python="3.12", gpu=True, driver="560.35.03")
    files = OutputFiles(
        environment_yml=str(tmp_path / "environment.yml"),
        requirements_txt=str(tmp_path / "requirements.txt"),
        pylock_toml=str(tmp_path / "pylock.toml"),
    )
    plan = make_plan(["tensorflow"], target, FakeKB(), options=_options(wheels), files=files)
    assert plan.feasible, plan.proof
    assert "tensorflow[and-cuda]==2.18.0" in plan.requirement_lines()
    versions = {p.name: p.version for p in plan.packages}
    assert versions["numpy"] == "2.1.3"  # TF 2.18 is built for NumPy 2; no rc (pre-releases off)
    assert "nvidia-cudnn-cu12" in versions
    requirements = (tmp_path / "requirements.txt").read_text()
    assert "--hash=sha256:" in requirements and "tensorflow[and-cuda]==2.18.0" in requirements
    lock = tomllib.loads((tmp_path / "pylock.toml").read_text())
    assert {p["name"] for p in lock["packages"]} >= {"tensorflow", "numpy", "nvidia-cudnn-cu12"}
    env = (tmp_path / "environment.yml").read_text()
    assert "  - python=3.12\n  - pip\n  - pip:\n    - numpy==2.1.3\n" in env
    assert "    - tensorflow[and-cuda]==2.18.0\n" in env
    assert set(plan.files) == {"environment.yml", "requirements.txt", "pylock.toml"}


def test_uv_conflict_is_infeasible_with_uv_proof(wheels: Path) -> None:
    plan = make_plan(
        ["tensorflow==2.18.0", "protobuf==9.9"],
        Target(python="3.11", gpu=False),
        FakeKB(),
        options=_options(wheels),
    )
    assert not plan.feasible
    assert plan.proof[0].startswith("uv could not resolve the full set for Python 3.11")
    assert any("protobuf" in line for line in plan.proof[1:])


def test_conda_manager_solves_python_and_cuda(wheels: Path, tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    make_conda_package(channel, "python", "3.10.14", build="hd12c33a_0_cpython")
    make_conda_package(channel, "python", "3.11.9", build="hb806964_0_cpython")
    make_conda_package(channel, "pip", "24.2", build="pyh8b19718_1", subdir="noarch", depends=["python >=3.8"])
    make_conda_package(channel, "cudatoolkit", "11.2.2", build="hc23eb0c_13", depends=["__glibc >=2.17,<3.0.a0"])
    make_conda_package(channel, "cudnn", "8.1.0.77", build="h90431f1_0", depends=["cudatoolkit 11.*", "__cuda"])
    index_channel(channel)
    make_wheel(wheels, "tensorflow", "2.10.1", requires=["numpy>=1.20", "protobuf<3.20,>=3.9.2"])
    make_wheel(wheels, "protobuf", "3.19.6")
    target = Target(python="3.10", gpu=True, driver="470.82.01", cuda_driver="11.4", manager="conda")
    env_file = tmp_path / "environment.yml"
    plan = make_plan(
        ["tensorflow==2.10.*"],
        target,
        FakeKB(),
        options=ResolveOptions(find_links=(str(wheels),), no_index=True, channels=(str(channel),)),
        files=OutputFiles(environment_yml=str(env_file)),
    )
    assert plan.feasible, plan.proof
    conda = {p.name: p.version for p in plan.conda}
    assert conda == {"python": "3.10.14", "pip": "24.2", "cudatoolkit": "11.2.2", "cudnn": "8.1.0.77"}
    pip = {p.name: p.version for p in plan.packages}
    assert pip["tensorflow"] == "2.10.1" and pip["numpy"] == "1.26.4"
    text = env_file.read_text()
    assert "  - python=3.10.14\n" in text and "  - cudatoolkit=11.2.2\n" in text
    # no driver: __cuda is missing and cudnn cannot be installed -> the solver's proof
    no_gpu = Target(python="3.10", gpu=True, manager="conda", platform="linux-x86_64")
    assert no_gpu.cuda_driver is None


def test_conda_unsolvable_is_infeasible(tmp_path: Path) -> None:
    channel = tmp_path / "channel"
    make_conda_package(channel, "python", "3.11.9", build="h_cpython")
    index_channel(channel)
    target = Target(python="3.12", manager="conda", gpu=False)
    plan = make_plan(
        ["requests"],
        target,
        FakeKB(),
        options=ResolveOptions(channels=(str(channel),), no_index=True),
        resolve=True,
        conda_specs=(),
    )
    assert not plan.feasible
    assert "conda solver found no solution" in plan.proof[0]


def test_cli_plan_json_and_exit_codes(
    wheels: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import envdoctor.knowledge as knowledge

    monkeypatch.setattr(knowledge.KnowledgeBase, "load", classmethod(lambda cls, *a, **k: FakeKB()))
    args = [
        "plan",
        "tensorflow",
        "--python",
        "3.11",
        "--cpu",
        "--platform",
        "linux-x86_64",
        "--find-links",
        str(wheels),
        "--no-index",
        "--format",
        "json",
    ]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["feasible"] is True and data["python"] == "3.11"
    assert data["platform"] == "linux-x86_64"
    assert {"name": "tensorflow", "version": "2.18.0"}.items() <= data["packages"][0].items() or any(
        p["name"] == "tensorflow" and p["version"] == "2.18.0" for p in data["packages"]
    )
    assert isinstance(data["reasons"], list) and data["files"] == {}
    assert (
        main(["plan", "tensorflow==2.13.*", "--python", "3.12", "--cpu", "--platform", "linux-x86_64", "--no-resolve"])
        == 1
    )
    out = capsys.readouterr().out
    assert "has builds for Python 3.8–3.11" in out and "nearest feasible alternatives" in out
    assert main(["plan", "tensorflow>>2", "--no-resolve"]) == 2
    assert "not a requirement" in capsys.readouterr().err
    assert main(["plan", "--platform", "vax", "tensorflow"]) == 2
    assert main(["plan", "-r", str(tmp_path / "missing.txt")]) == 2
    assert main(["plan"]) == 2


def test_cli_plan_reads_environment_file(
    wheels: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import envdoctor.knowledge as knowledge

    monkeypatch.setattr(knowledge.KnowledgeBase, "load", classmethod(lambda cls, *a, **k: FakeKB()))
    env = tmp_path / "environment.yml"
    env.write_text("name: x\ndependencies:\n  - python=3.10\n  - pip\n  - pip:\n    - tensorflow<2.16\n")
    assert (
        main(
            [
                "plan",
                "-f",
                str(env),
                "--cpu",
                "--platform",
                "linux-x86_64",
                "--find-links",
                str(wheels),
                "--no-index",
                "--format",
                "markdown",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "| `tensorflow` | 2.15.1 | pip |" in out and "Python 3.10" in out
