"""`create --manager conda` and conda restore through py-rattler, for real, from a local channel.

The channel (built with tests/plan/builders.py, indexed with rattler's index_fs) holds:
- `python` X.Y.Z (this interpreter's version, for this platform): a venv skeleton whose
  bin/pythonX.Y links to the interpreter running the tests, so the prefix really runs Python;
- noarch: python `numpy` 1.26.4 / 2.0.0 and `tensorflow` 2.15.0 (cpu, numpy <2, __glibc) /
  2.16.1 (cuda, __cuda >=12): fake modules good enough for verify, with conda dist-info;
- `pip` (dist-info only: uv puts the pip part in) and `helper-tool` (a generic noarch file).

No network: the channel is a folder, RATTLER_CACHE_DIR is in tmp, no conda tool is on PATH.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

rattler = pytest.importorskip("rattler")

from envdoctor.actions import restore as points  # noqa: E402
from envdoctor.actions.create import create, rattler_specs  # noqa: E402
from envdoctor.actions.envfile import BuildSpec, from_file  # noqa: E402
from envdoctor.actions.rattlerenv import rattler_channels  # noqa: E402
from envdoctor.actions.restore import restoring  # noqa: E402
from envdoctor.actions.uvtool import IndexOptions  # noqa: E402
from envdoctor.probe.collect import describe  # noqa: E402
from envdoctor.probe.tools import CONDA_FLAVOURS  # noqa: E402
from tests.actions.fakes import FAKE_NUMPY, WORKING_TF, build_wheel, run_cli, uv_install  # noqa: E402
from tests.plan.builders import index_channel, make_conda_package  # noqa: E402

VERSION = ".".join(str(n) for n in sys.version_info[:3])
MINOR = ".".join(str(n) for n in sys.version_info[:2])


def _noarch_python(channel: Path, name: str, version: str, build: str, init: str, depends: list[str]) -> None:
    dist = f"site-packages/{name}-{version}.dist-info"
    files = {
        f"site-packages/{name}/__init__.py": init,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/INSTALLER": "conda\n",
    }
    files[f"{dist}/RECORD"] = "".join(f"{p.split('/', 1)[1]},,\n" for p in files) + f"{dist[14:]}/RECORD,,\n"
    make_conda_package(
        channel, name, version, build=build, subdir="noarch", noarch="python", depends=["python", *depends], files=files
    )


def build_channel(channel: Path) -> Path:
    base = os.path.realpath(sys._base_executable)  # type: ignore[attr-defined]
    make_conda_package(
        channel,
        "python",
        VERSION,
        build="fake_0",
        subdir=str(rattler.Subdir.current()),
        files={
            "pyvenv.cfg": (
                f"home = {os.path.dirname(base)}\ninclude-system-site-packages = false\nversion = {VERSION}\n"
            ),
            f"lib/python{MINOR}/site-packages/README.txt": "the fake python's site-packages\n",
        },
        symlinks={f"bin/python{MINOR}": base, "bin/python3": f"python{MINOR}", "bin/python": f"python{MINOR}"},
    )
    for version in ("1.26.4", "2.0.0"):
        _noarch_python(channel, "numpy", version, "py_0", FAKE_NUMPY.format(version=version), [])
    _noarch_python(
        channel, "tensorflow", "2.15.0", "cpu_0", WORKING_TF.format(version="2.15.0"), ["numpy <2", "__glibc >=2.17"]
    )
    _noarch_python(
        channel, "tensorflow", "2.16.1", "cuda_0", WORKING_TF.format(version="2.16.1"), ["numpy >=2", "__cuda >=12"]
    )
    _noarch_python(channel, "pip", "24.0", "py_0", "", [])
    make_conda_package(channel, "helper-tool", "1.0", subdir="noarch", files={"share/helper-tool.txt": "helper\n"})
    index_channel(channel)
    return channel


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_channel(tmp_path_factory.mktemp("channel"))


def _path_without_conda() -> str:
    keep = [
        d
        for d in os.environ.get("PATH", "").split(os.pathsep)
        if not any(os.path.exists(os.path.join(d, t)) for t in CONDA_FLAVOURS)
    ]
    return os.pathsep.join(keep)


@pytest.fixture
def conda_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The environment of an offline py-rattler run: no conda tool, no GPU, a private package cache."""
    for var in ("CONDA_EXE", "MAMBA_EXE", "CONDA_PREFIX", "VIRTUAL_ENV"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", _path_without_conda())
    monkeypatch.setenv("RATTLER_CACHE_DIR", str(tmp_path / "rattler-cache"))
    monkeypatch.setenv("CONDA_OVERRIDE_CUDA", "")  # "no CUDA", even on a machine with a driver
    yield dict(os.environ)


def _write_yml(path: Path, channel: str, deps: list[str], pip: Sequence[str] = ()) -> Path:
    lines = ["name: demo", "channels:", f"  - {channel}", "  - nodefaults", "dependencies:"]
    lines += [f"  - {d}" for d in deps]
    if pip:
        lines += ["  - pip:"] + [f"    - {p}" for p in pip]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _records(prefix: Path) -> dict[str, dict[str, object]]:
    out = {}
    for record_file in (prefix / "conda-meta").glob("*.json"):
        data = json.loads(record_file.read_text())
        out[data["name"]] = data
    return out


def _versions(prefix: Path) -> dict[str, str]:
    return {name: str(data["version"]) for name, data in _records(prefix).items()}


def test_cli_create_from_environment_yml(tmp_path: Path, channel: Path, conda_env: dict[str, str]) -> None:
    env_file = _write_yml(tmp_path / "environment.yml", channel.as_uri(), [f"python >={MINOR}", "tensorflow"])
    dest = tmp_path / "env"
    done = run_cli(
        "create", "-f", str(env_file), "--prefix", str(dest), "--manager", "conda", "--format", "json", env=conda_env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] and data["manager"] == "conda" and data["interpreter_source"] == "py-rattler"
    assert data["steps"][0]["name"] == "conda packages (py-rattler)"
    assert f"'python >={MINOR}' tensorflow" in data["steps"][0]["command"]  # the range, not python={MINOR}
    assert data["verify"]["ok"] and data["verify"]["frameworks"][0]["version"] == "2.15.0"
    assert _versions(dest) == {"python": VERSION, "numpy": "1.26.4", "tensorflow": "2.15.0"}
    tf = _records(dest)["tensorflow"]
    assert tf["url"] == f"{channel.as_uri()}/noarch/tensorflow-2.15.0-cpu_0.tar.bz2"
    assert f"lib/python{MINOR}/site-packages/tensorflow/__init__.py" in tf["files"]  # type: ignore[operator]
    site = dest / "lib" / f"python{MINOR}" / "site-packages"
    assert '__version__ = "1.26.4"' in (site / "numpy" / "__init__.py").read_text()
    assert (dest / "bin" / "python").resolve() == Path(os.path.realpath(sys._base_executable))  # type: ignore[attr-defined]

    snap = run_cli("snapshot", "--prefix", str(dest), "--format", "json", env=conda_env)
    assert snap.returncode == 0, snap.stderr
    records = {r["name"]: r for r in json.loads(snap.stdout)["conda"]["records"]}
    assert records["numpy"]["version"] == "1.26.4" and records["numpy"]["python_dists"] == ["numpy-1.26.4.dist-info"]
    assert records["tensorflow"]["depends"] == ["python", "numpy <2", "__glibc >=2.17"]
    check = run_cli("check", "--prefix", str(dest), "--format", "json", "--no-cache", env=conda_env)
    assert check.returncode in (0, 1), check.stdout + check.stderr
    assert "Traceback" not in check.stderr
    environment = json.loads(check.stdout)["environment"]
    assert environment["prefix"] == str(dest) and environment["kind"] == "conda"
    assert environment["distributions"] == 2  # numpy, tensorflow (conda's dist-info)


def test_create_api_with_a_path_channel_and_a_pip_part(
    tmp_path: Path, channel: Path, conda_env: dict[str, str]
) -> None:
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "helper", "1.0", {"helper/__init__.py": ""})
    env_file = _write_yml(
        tmp_path / "environment.yml", str(channel), ["python", "numpy=1.26", "pip"], pip=["helper==1.0"]
    )
    spec = from_file(str(env_file), as_plan=False)
    assert spec.manager == "conda" and spec.python_spec == "python" and spec.channels == [str(channel), "nodefaults"]
    dest = tmp_path / "env"
    result = create(spec, dest, index=IndexOptions(find_links=[str(wheels)], no_index=True), quiet=True)
    assert result.ok, result.error
    assert [s.name for s in result.steps] == ["conda packages (py-rattler)", "pip packages"]
    assert _versions(dest) == {"python": VERSION, "numpy": "1.26.4", "pip": "24.0"}
    target = describe(result.python)
    assert target.prefix == str(dest) and target.is_conda
    installers = {d.name: d.installer for d in points.current_dists(target)}
    assert installers == {"numpy": "conda", "pip": "conda", "helper": "uv"}


def test_virtual_packages_follow_conda_override_cuda(
    tmp_path: Path, channel: Path, conda_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = BuildSpec(conda=["tensorflow"], channels=[str(channel)], manager="conda")
    monkeypatch.setenv("CONDA_OVERRIDE_CUDA", "12.4")
    result = create(spec, tmp_path / "gpu", quiet=True)
    assert result.ok, result.error
    assert _versions(tmp_path / "gpu") == {"python": VERSION, "numpy": "2.0.0", "tensorflow": "2.16.1"}
    monkeypatch.setenv("CONDA_OVERRIDE_CUDA", "")
    result = create(spec, tmp_path / "cpu", verify=False, quiet=True)
    assert result.ok, result.error
    assert _versions(tmp_path / "cpu")["tensorflow"] == "2.15.0"


def test_unsatisfiable_specs_fail_cleanly(tmp_path: Path, channel: Path, conda_env: dict[str, str]) -> None:
    dest = tmp_path / "env"
    env_file = _write_yml(tmp_path / "environment.yml", str(channel), ["python", "tensorflow >=2.16"])
    done = run_cli("create", "-f", str(env_file), "--prefix", str(dest), env=conda_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "FAILED: no conda environment satisfies python tensorflow >=2.16 (py-rattler)" in done.stdout
    assert "__cuda >=12, for which no candidates were found" in done.stdout  # the solver's own words
    assert "hint: a package needs __cuda" in done.stdout and "CONDA_OVERRIDE_CUDA" in done.stdout
    assert not (dest / "conda-meta").exists()

    env_file = _write_yml(tmp_path / "numpy3.yml", str(channel), ["python", "numpy >=3"])
    done = run_cli("create", "-f", str(env_file), "--prefix", str(tmp_path / "e2"), "--format", "json", env=conda_env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] is False and data["error"] == "no conda environment satisfies python numpy >=3 (py-rattler)"
    assert data["steps"][0]["ok"] is False and data["steps"][0]["command"].startswith("rattler solve")


def test_conda_style_pins_from_a_plan_and_an_export(tmp_path: Path, channel: Path, conda_env: dict[str, str]) -> None:
    """`name version build` (a plan's conda pins) and `name=version=build` (`conda env export`):
    conda takes both; rattler.solve's strict parsing of strings refused them."""
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "feasible": True,
                "manager": "conda",
                "channels": [str(channel)],
                "packages": [{"name": "numpy", "version": "1.26.4", "build": "py_0", "source": "conda"}],
            }
        )
    )
    done = run_cli("create", "--plan", str(plan), "--prefix", str(tmp_path / "a"), "--no-verify", env=conda_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "'numpy 1.26.4 py_0'" in done.stdout
    assert _versions(tmp_path / "a")["numpy"] == "1.26.4"
    env_file = _write_yml(tmp_path / "export.yml", str(channel), [f"python={VERSION}=fake_0", "numpy=2.0.0=py_0"])
    result = create(from_file(str(env_file), as_plan=False), tmp_path / "b", verify=False, quiet=True)
    assert result.ok, result.error
    assert _versions(tmp_path / "b") == {"python": VERSION, "numpy": "2.0.0"}


def test_channel_and_spec_translation() -> None:
    assert rattler_channels(["conda-forge", "nodefaults"]) == ["conda-forge"]
    assert rattler_channels(["nodefaults"]) == ["conda-forge"]
    assert rattler_channels(["defaults"]) == ["https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r"]
    spec = BuildSpec(python="3.10", python_spec="python >=3.10", conda=["numpy"], pip=["x"], manager="conda")
    assert rattler_specs(spec, None) == ["python >=3.10", "numpy", "pip"]
    assert rattler_specs(spec, "3.12") == ["python=3.12", "numpy", "pip"]
    assert rattler_specs(BuildSpec(python="3.11", manager="conda"), None) == ["python=3.11"]
    assert rattler_specs(BuildSpec(manager="conda"), None) == ["python"]


def test_restore_a_conda_prefix_with_rattler(
    tmp_path: Path, channel: Path, conda_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A point of a py-rattler prefix; then pip writes numpy 2 over conda's, a conda package is
    added and tensorflow removed: restore brings back exactly the recorded set."""
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "numpy", "2.0.0", {"numpy/__init__.py": FAKE_NUMPY.format(version="2.0.0")})
    dest = tmp_path / "env"
    spec = BuildSpec(conda=["tensorflow"], channels=[channel.as_uri()], manager="conda")
    assert create(spec, dest, verify=False, quiet=True).ok
    python = dest / "bin" / "python"
    target = describe(str(python))
    point = points.record(target, reason="test")
    assert point.kind == "conda" and point.conda_explicit
    explicit = (point.path / points.CONDA_FILE).read_text().splitlines()
    assert f"{channel.as_uri()}/noarch/numpy-1.26.4-py_0.tar.bz2#" in "\n".join(explicit)

    uv_install(python, wheels, "numpy==2.0.0")  # pip over conda
    check = run_cli("check", "--prefix", str(dest), "--format", "json", "--no-cache", env=conda_env)
    codes = {f["code"] for f in json.loads(check.stdout)["findings"]}
    assert {"ED211", "ED212"} <= codes, check.stdout  # conda's records say numpy 1.26.4 (and tensorflow needs <2)
    _reinstall_set(dest, channel, ["python", "numpy ==1.26.4", "helper-tool"])  # tensorflow gone, helper-tool added
    assert set(_versions(dest)) == {"python", "numpy", "helper-tool"}

    commands, manual = points.restore_commands(point, target)
    assert manual == []
    shown = [" ".join(c) for c in commands]
    assert len(shown) == 2
    assert " pip uninstall " in shown[0] and shown[0].endswith(" numpy")  # pip's copy out first
    assert "-m envdoctor.actions.restore conda-explicit --prefix" in shown[1]
    assert "--reinstall numpy" in shown[1] and shown[1].endswith(points.CONDA_FILE)
    dry = run_cli("restore", "--dry-run", "--prefix", str(dest), env=conda_env)
    assert dry.returncode == 0 and "would run:" in dry.stdout and "conda-explicit" in dry.stdout, dry.stdout
    assert "numpy 2.0.0 -> 1.26.4" in dry.stdout and "add tensorflow==2.15.0" in dry.stdout
    with monkeypatch.context() as patch:
        patch.setattr(restoring, "rattler_available", lambda: False)  # no conda tool, no py-rattler
        assert points.restore_commands(point, target)[1] == [
            f"conda install --yes --prefix {dest} --file {point.path / points.CONDA_FILE}"
        ]

    result = points.restore(point, target, quiet=True)
    assert result.ok, [c.tail() for c in result.commands]
    assert _versions(dest) == {"python": VERSION, "numpy": "1.26.4", "tensorflow": "2.15.0"}
    assert not (dest / "share" / "helper-tool.txt").exists()
    assert {d.name: (d.version, d.installer) for d in points.current_dists(target)} == {
        "numpy": ("1.26.4", "conda"),
        "tensorflow": ("2.15.0", "conda"),
    }
    assert point.status() == "restored"


def _reinstall_set(prefix: Path, channel: Path, specs: list[str]) -> None:
    import asyncio

    records = asyncio.run(rattler.solve(sources=[str(channel)], specs=specs, virtual_packages=[]))
    asyncio.run(rattler.install(records, target_prefix=str(prefix), show_progress=False))


def test_an_installed_conda_tool_gets_the_environment_yml_as_written(
    tmp_path: Path, channel: Path, conda_env: dict[str, str]
) -> None:
    """With a python in the file and no --python, conda gets `create --file` (not `python=X.Y`)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.txt"
    fake = bin_dir / "micromamba"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        'while [ "$1" != "--prefix" ]; do shift; done\n'
        'mkdir -p "$2/conda-meta" "$2/bin"\n'
        f'ln -s "{sys.executable}" "$2/bin/python"\n'
    )
    fake.chmod(0o755)
    env_file = _write_yml(tmp_path / "environment.yml", str(channel), [f"python >={MINOR}", "numpy"])
    env = dict(conda_env, PATH=f"{bin_dir}{os.pathsep}{conda_env['PATH']}")
    done = run_cli("create", "-f", str(env_file), "--prefix", str(tmp_path / "e"), "--no-verify", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert log.read_text() == f"create --yes --prefix {tmp_path / 'e'} --file {env_file}\n"
    done = run_cli(
        "create", "-f", str(env_file), "--prefix", str(tmp_path / "f"), "--python", MINOR, "--no-verify", env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert log.read_text().splitlines()[1].endswith(f"--channel {channel} --override-channels python={MINOR} numpy")


def test_cli_create_channel_option_like_conda(tmp_path: Path, channel: Path, conda_env: dict[str, str]) -> None:
    """`-c CHANNEL` is searched before the file's channels, as `conda create -c` does."""
    env_file = tmp_path / "environment.yml"
    env_file.write_text(f"name: x\ndependencies:\n  - python >={MINOR}\n  - numpy\n")
    dest = tmp_path / "env"
    done = run_cli(
        "create",
        "--file",
        str(env_file),
        "-c",
        channel.as_uri(),
        "--prefix",
        str(dest),
        "--manager",
        "conda",
        "--no-verify",
        "--format",
        "json",
        env=conda_env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _records(dest)["numpy"]["url"].startswith(channel.as_uri())
