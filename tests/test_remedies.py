"""The remedy model: who owns the target (envdoctor.owner), typed steps and the one renderer
(envdoctor.remedies), and the commands they print, run for real where a tool is involved."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor import remedies
from envdoctor.model import Remedy
from envdoctor.owner import CONDA, EXTERNALLY_MANAGED, PIP_VENV, UV_VENV, os_owned, owner_of
from envdoctor.probe.tools import bundled_uv, find_tools
from envdoctor.rules import Context
from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb

SITE = "/env/lib/python3.11/site-packages"


def ctx_of(*dists: object, **kwargs: object) -> Context:
    return Context(snapshot(list(dists), **kwargs), make_kb())  # type: ignore[arg-type]


def test_a_venv_without_pip_is_changed_with_uv() -> None:
    ctx = ctx_of(dist("numpy", "2.0.0"), is_venv=True, tools={"uv": "/opt/uv/bin/uv"})
    assert ctx.owner.kind == UV_VENV
    remedy = ctx.install(["numpy<2"])
    assert remedy.text() == "/opt/uv/bin/uv pip install --python /env/bin/python 'numpy<2'"
    assert remedy.steps[0].argv() == ["/opt/uv/bin/uv", "pip", "install", "--python", "/env/bin/python", "numpy<2"]


def test_a_venv_with_pip_is_changed_with_its_own_pip() -> None:
    ctx = ctx_of(dist("numpy", "2.0.0"), dist("pip", "24.0"), is_venv=True, tools={"uv": "uv"})
    assert ctx.owner.kind == PIP_VENV
    assert ctx.install(["numpy<2"], options=["force-reinstall"]).text() == (
        "/env/bin/python -m pip install --force-reinstall 'numpy<2'"
    )
    assert ctx.uninstall(["numpy"]).text() == "/env/bin/python -m pip uninstall -y numpy"


def test_pip_in_the_user_site_is_not_the_targets_pip() -> None:
    user = "/home/me/.local/lib/python3.11/site-packages"
    ctx = ctx_of(dist("pip", "24.0", location=user), user_site=user, user_site_enabled=True)
    assert not ctx.owner.has_pip and ctx.owner.kind == UV_VENV


def test_conda_prefix_conda_owned_records_go_to_conda_and_pip_ones_to_pip() -> None:
    from envdoctor.model import CondaRecord

    ctx = ctx_of(
        dist("numpy", "1.26.4", installer="conda"),
        dist("rich", "13.0.0"),
        dist("pip", "24.0", installer="conda"),
        records=[
            CondaRecord(
                "numpy", "1.26.4", channel="https://conda.anaconda.org/conda-forge/linux-64", subdir="linux-64"
            ),
            CondaRecord("pip", "24.0", channel="https://conda.anaconda.org/conda-forge/noarch", subdir="noarch"),
        ],
        tools={"mamba": "/opt/mamba/bin/mamba", "uv": "uv"},
    )
    assert ctx.owner.kind == CONDA and ctx.owner.channels == ("https://conda.anaconda.org/conda-forge",)
    assert ctx.install(["numpy<2"]).text() == (
        "/opt/mamba/bin/mamba install --yes --prefix /env --channel https://conda.anaconda.org/conda-forge 'numpy<2'"
    )
    assert ctx.install(["rich<14"]).text() == "/env/bin/python -m pip install 'rich<14'"
    # one remedy, one step per manager
    mixed = ctx.install(["numpy<2", "rich<14"])
    assert [s.manager for s in mixed.steps] == ["mamba", "pip"]


def test_conda_prefix_without_conda_uses_envdoctors_py_rattler() -> None:
    from envdoctor.model import CondaRecord

    ctx = ctx_of(
        dist("numpy", "2.0.0", installer="conda"),
        records=[CondaRecord("numpy", "2.0.0", channel="file:///chan", subdir="noarch")],
        tools={"rattler": "/opt/envdoctor/bin/python"},
    )
    assert ctx.install(["numpy~=1.26.0"]).text() == (
        "/opt/envdoctor/bin/python -m envdoctor.actions.rattlerfix install --prefix /env --channel file:///chan "
        "'numpy>=1.26.0,<1.27'"
    )


def test_an_externally_managed_interpreter_is_never_changed() -> None:
    marker = "/usr/lib/python3.11/EXTERNALLY-MANAGED"
    ctx = ctx_of(dist("tensorflow", "2.15.0"), dist("numpy", "2.0.0"), dist("pip", "24.0"), externally_managed=marker)
    assert ctx.owner.kind == EXTERNALLY_MANAGED and ctx.owner.frozen
    for remedy in (ctx.install(["numpy<2"]), ctx.uninstall(["numpy"]), ctx.replace(["numpy"], ["numpy<2"])):
        (step,) = remedy.steps
        assert step.action == "new-env" and step.argv() is None
        assert "EXTERNALLY-MANAGED" in step.reason and "PEP 668" in step.reason
    install = ctx.install(["numpy<2"]).steps[0]
    assert install.command == "envdoctor create --name fresh-env --python 3.11 tensorflow==2.15.0 'numpy<2'"
    # the packages that need the one being fixed come along into the fresh environment
    pandas = ctx_of(
        dist("pandas", "2.1.4", requires=["numpy>=1.23.2"]), dist("numpy", "2.0.0"), externally_managed=marker
    )
    assert pandas.install(["numpy<2"]).steps[0].command == (
        "envdoctor create --name fresh-env --python 3.11 pandas==2.1.4 'numpy<2'"
    )
    # a venv made from that interpreter is not externally managed
    assert ctx_of(dist("pip", "24.0"), externally_managed=marker, is_venv=True).owner.kind == PIP_VENV


def test_files_of_the_os_package_manager_are_never_removed() -> None:
    debian = dist("wrapt", "1.14.1", location="/usr/lib/python3/dist-packages", installer=None)
    assert os_owned(debian) and os_owned(dist("six", "1.16", installer="rpm"))
    assert not os_owned(dist("six", "1.16", location="/usr/local/lib/python3.11/dist-packages", installer="pip"))
    ctx = ctx_of(debian, dist("pip", "24.0"))
    (step,) = ctx.uninstall(["wrapt"]).steps
    assert step.action == "new-env" and "OS package manager" in step.reason


def test_shell_variables_render_for_posix_and_cmd() -> None:
    assert ctx_of().unset_env(["PYTHONPATH", "PYTHONHOME"]).text() == "unset PYTHONPATH PYTHONHOME"
    windows = ctx_of(sys_platform="win32")
    assert windows.unset_env(["PYTHONPATH"]).text() == "set PYTHONPATH="
    assert ctx_of().set_env("PYTHONNOUSERSITE", "1").text() == "export PYTHONNOUSERSITE=1"
    assert remedies.shell_step(ctx_of().unset_env(["PYTHONPATH"]).steps[0])


def test_a_remedy_round_trips_through_json() -> None:
    from envdoctor.model import Finding, from_dict

    ctx = ctx_of(dist("numpy", "2.0.0"), tools={"uv": "uv"})
    remedy = ctx.replace(["numpy"], ["numpy<2"], options=["no-deps"])
    from envdoctor.rules import get_rule

    rule = get_rule("ED102")
    assert rule is not None
    finding = rule.finding("m", fix=remedy, subject="numpy")
    back = from_dict(Finding, finding.to_dict())
    assert back.remedy == remedy and back.fix == finding.fix == remedy.text()
    assert isinstance(back.remedy, Remedy) and back.about == ["numpy"]


def test_text_fixes_are_manual_steps() -> None:
    from envdoctor.rules import get_rule

    rule = get_rule("ED102")
    assert rule is not None
    finding = rule.finding("m", fix="replace 'tensorflow-gpu' with 'tensorflow'")
    assert finding.fix == "replace 'tensorflow-gpu' with 'tensorflow'"
    assert finding.remedy is not None and finding.remedy.steps[0].action == "manual"
    assert finding.remedy.steps[0].argv() is None


# ---- where the printed uv comes from, run for real ------------------------------------------------


def _fake_uv(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    uv = folder / "uv"
    uv.write_text('#!/bin/sh\necho fake-uv "$@"\n', encoding="utf-8")
    uv.chmod(uv.stat().st_mode | stat.S_IXUSR)
    return uv


def test_uv_on_path_is_printed_as_uv_and_runs_from_path(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    _fake_uv(bin_dir)
    env = {"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin"}
    tools = find_tools(env)
    assert tools["uv"] == "uv"
    ctx = ctx_of(dist("numpy", "2.0.0"), tools=tools)
    command = ctx.install(["numpy<2"]).text()
    assert command is not None and command.startswith("uv pip install --python /env/bin/python")
    done = subprocess.run(shlex.split(command), env=env, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("fake-uv pip install --python /env/bin/python numpy<2")


def test_without_uv_on_path_the_bundled_uv_is_printed_by_its_absolute_path(tmp_path: Path) -> None:
    bundled = bundled_uv()
    if bundled is None:
        pytest.skip("the uv package is not installed")
    env = {"PATH": str(tmp_path)}  # no uv there
    tools = find_tools(env)
    assert tools["uv"] == bundled and os.path.isabs(bundled)
    ctx = ctx_of(dist("numpy", "2.0.0"), tools=tools)
    command = ctx.install(["numpy<2"]).text()
    assert command is not None
    argv = shlex.split(command)
    assert argv[0] == bundled
    done = subprocess.run([argv[0], "--version"], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("uv ")


def test_conda_tools_come_from_conda_exe_and_path(tmp_path: Path) -> None:
    conda = tmp_path / "miniforge" / "bin" / "conda"
    conda.parent.mkdir(parents=True)
    conda.write_text("#!/bin/sh\n", encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    micromamba = bin_dir / "micromamba"
    micromamba.write_text("#!/bin/sh\n", encoding="utf-8")
    micromamba.chmod(0o755)
    tools = find_tools({"PATH": str(bin_dir), "CONDA_EXE": str(conda)})
    assert tools["conda"] == str(conda) and tools["micromamba"] == "micromamba"


# ---- the probe reports a PEP 668 marker (a real interpreter, a private non-venv prefix) ------------


def test_probe_reports_the_externally_managed_marker(tmp_path: Path) -> None:
    from envdoctor.probe import collect_snapshot, resolve_target
    from tests.zoo.envs import private_prefix

    base = Path(os.path.realpath(sys._base_executable))  # type: ignore[attr-defined]
    if not (base.parent.parent / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}").is_dir():
        pytest.skip("the base interpreter has no lib/pythonX.Y")
    python = private_prefix(base, tmp_path / "prefix")
    stdlib = tmp_path / "prefix" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    snap = collect_snapshot(resolve_target(python=str(python)))
    assert snap.interpreter.externally_managed is None and not snap.interpreter.is_venv
    (stdlib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\nError=use a venv\n", encoding="utf-8")
    snap = collect_snapshot(resolve_target(python=str(python)))
    assert snap.interpreter.externally_managed == str(stdlib / "EXTERNALLY-MANAGED")
    assert owner_of(snap).frozen


# ---- py-rattler commands, printed and run verbatim on a real conda prefix --------------------------


def test_rattler_commands_run_verbatim_on_a_real_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rattler")
    from envdoctor.actions.create import create
    from envdoctor.actions.envfile import BuildSpec
    from envdoctor.probe import collect_snapshot, resolve_target
    from tests.actions.test_conda_rattler import build_channel

    for var in ("CONDA_EXE", "MAMBA_EXE", "CONDA_PREFIX", "VIRTUAL_ENV"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv(
        "PATH",
        os.pathsep.join(
            d
            for d in os.environ["PATH"].split(os.pathsep)
            if not any(shutil.which(t, path=d) for t in ("conda", "mamba", "micromamba"))
        ),
    )
    monkeypatch.setenv("RATTLER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CONDA_OVERRIDE_CUDA", "")
    channel = build_channel(tmp_path / "channel")
    prefix = tmp_path / "env"
    made = create(
        BuildSpec(conda=["numpy=2.0.0", "helper-tool"], channels=[channel.as_uri()], manager="conda"),
        prefix,
        verify=False,
        quiet=True,
    )
    assert made.ok, made.error
    snap = collect_snapshot(resolve_target(prefix=str(prefix)))
    ctx = Context(snap, make_kb())
    assert ctx.owner.conda_flavour == "rattler" and ctx.manager_for("numpy") == "rattler"
    command = ctx.install(["numpy<2"]).text()
    assert command is not None and "envdoctor.actions.rattlerfix install" in command
    done = subprocess.run(shlex.split(command), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    after = collect_snapshot(resolve_target(prefix=str(prefix)))
    versions = {r.name: r.version for r in after.conda.records} if after.conda else {}
    assert versions["numpy"] == "1.26.4" and "helper-tool" in versions  # nothing else moved
    remove = Context(after, make_kb()).uninstall(["helper-tool"]).text()
    assert remove is not None
    assert subprocess.run(shlex.split(remove), capture_output=True).returncode == 0
    final = collect_snapshot(resolve_target(prefix=str(prefix)))
    assert final.conda is not None and "helper-tool" not in {r.name for r in final.conda.records}
    assert not (prefix / "share" / "helper-tool.txt").exists()
    assert sys.executable in command


def test_the_check_cache_keeps_the_remedy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from tests.actions.fakes import make_venv, run_cli, uv_install, wheel_folder

    monkeypatch.setenv("ENVDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ENVDOCTOR_NO_CACHE", raising=False)
    wheels = wheel_folder(tmp_path / "wheels")
    python = make_venv(tmp_path / "env")
    uv_install(python, wheels, "tensorflow==2.15.0", "numpy==2.0.0")
    first = json.loads(run_cli("check", "--python", str(python), "--format", "json").stdout)
    second = json.loads(run_cli("check", "--python", str(python), "--format", "json").stdout)
    assert list((tmp_path / "cache" / "check").glob("*.json"))  # the second answer came from the cache
    (abi,) = [f for f in first["findings"] if f["code"] == "ED102"]
    assert abi["remedy"]["steps"][0]["manager"] == "uv"
    assert second["findings"] == first["findings"]
