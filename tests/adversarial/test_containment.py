"""Containment, for real: nothing envdoctor removes or writes, or lets uv / py-rattler remove, lies
outside the target environment (or envdoctor's own folders); `create` never deletes a folder it
did not create."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor.actions import restore as points
from envdoctor.actions.containment import Boundary, OutsideError, move_aside, record_escapes
from envdoctor.probe.collect import describe
from tests.actions.fakes import make_venv
from tests.adversarial.actions_env import (
    broken_venv,
    cli_env,
    installed,
    run_cli,
    site_of,
    tree_digest,
    uv_install_private,
)

# ---- the containment module on its own ---------------------------------------------------------


def test_removal_through_a_symlinked_folder_is_refused(tmp_path: Path) -> None:
    inside, outside = tmp_path / "env", tmp_path / "outside"
    (inside / "pkg").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret").write_text("keep")
    (inside / "pkg" / "link").symlink_to(outside)
    bound = Boundary([inside])
    with pytest.raises(OutsideError, match=r"resolves to .*outside"):
        bound.remove(inside / "pkg" / "link" / "secret")
    with pytest.raises(OutsideError):
        bound.remove(inside / "pkg" / ".." / ".." / "outside" / "secret")
    with pytest.raises(OutsideError, match="itself"):
        bound.remove(inside)
    assert (outside / "secret").read_text() == "keep"
    assert bound.remove(inside / "pkg" / "link")  # the link itself is inside: removed, not its target
    assert not (inside / "pkg" / "link").is_symlink() and (outside / "secret").exists()


def test_writing_through_a_final_symlink_is_refused(tmp_path: Path) -> None:
    inside, outside = tmp_path / "env", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (inside / "journal").symlink_to(outside / "victim")
    bound = Boundary([inside])
    with pytest.raises(OutsideError, match="refused to write"):
        bound.write_text(inside / "journal", "x")
    (inside / "folder").symlink_to(outside)
    with pytest.raises(OutsideError):
        bound.make_dirs(inside / "folder" / "new")
    assert list(outside.iterdir()) == []
    with pytest.raises(OutsideError, match="file system root"):
        Boundary(["/"])


def test_record_escapes_see_symlinks_and_dotdot_both_ways(tmp_path: Path) -> None:
    site = tmp_path / "env" / "lib" / "site-packages"
    (site / "pkg").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (site / "pkg" / "link").symlink_to(tmp_path / "outside")
    bound = Boundary([tmp_path / "env"])
    entries = [
        "pkg/__init__.py",
        "../../bin/tool",  # a script: inside the prefix
        "pkg/link/secret",  # through a symlinked folder
        "pkg/link/../../../../outside/x",  # `..` after a symlink: the kernel and a normalising tool disagree
        "../../../victim.txt",
        str(tmp_path / "abs" / "file"),
    ]
    found = {e.entry for e in record_escapes(str(site), entries, "evil 1.0", bound)}
    assert found == set(entries[2:])


def test_move_aside_keeps_everything(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "a.py").write_text("print(1)\n")
    before = tree_digest(project)
    moved = move_aside(project)
    assert not project.exists() and moved.parent == tmp_path and moved.name.startswith("project.aside-")
    assert tree_digest(moved) == before


# ---- uv follows a symlinked folder in RECORD: envdoctor must not let it -------------------------


def _evil_dist(site: Path, name: str, rows: list[str]) -> None:
    (site / name).mkdir()
    (site / name / "__init__.py").write_text("")
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "INSTALLER").write_text("pip\n")
    (info / "RECORD").write_text("\n".join([f"{name}/__init__.py,,", *rows, f"{info.name}/RECORD,,"]) + "\n")


def test_fix_refuses_when_a_record_reaches_outside(tmp_path: Path) -> None:
    """uv 0.x refuses `..` escapes in RECORD but deletes through a symlinked folder inside the env
    (seen: `uv pip uninstall` removed /tmp/.../vdir2/secret): envdoctor checks before any step."""
    python, wheels = broken_venv(tmp_path)
    site = site_of(python)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("keep")
    (outside / "victim.txt").write_text("keep")
    _evil_dist(site, "evil", ["evil/link/secret,,", "../../../../outside/victim.txt,,"])
    (site / "evil" / "link").symlink_to(outside)
    before = installed(python)
    done = run_cli(
        "fix",
        "--apply",
        "--yes",
        "--no-verify",
        "--python",
        str(python),
        "--find-links",
        str(wheels),
        "--no-index",
        env=cli_env(tmp_path),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "refused to apply the fix" in done.stderr and "evil/link/secret" in done.stderr
    assert str(outside / "secret") in done.stderr and "Nothing was changed" in done.stderr
    assert (outside / "secret").read_text() == "keep" and (outside / "victim.txt").read_text() == "keep"
    assert installed(python) == before
    assert not (Path(python).parent.parent / ".envdoctor" / "restore").exists() or not list(
        (Path(python).parent.parent / ".envdoctor" / "restore").iterdir()
    )


def test_restore_refuses_to_uninstall_a_dist_whose_record_escapes(tmp_path: Path) -> None:
    python, _wheels = broken_venv(tmp_path)
    target = describe(str(python))
    point = points.record(target, reason="test")
    site = site_of(python)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("keep")
    _evil_dist(site, "added_later", ["added_later/link/secret,,", f"{outside / 'abs'},,"])
    (site / "added_later" / "link").symlink_to(outside)
    env = cli_env(tmp_path)
    dry = run_cli("restore", "--dry-run", "--python", str(python), env=env)
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert "REFUSED" in dry.stdout and "added_later/link/secret" in dry.stdout
    assert "remove added-later" in dry.stdout
    done = run_cli("restore", "--yes", "--python", str(python), env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert "refused to restore" in done.stderr and str(outside / "secret") in done.stderr
    assert (outside / "secret").read_text() == "keep"
    assert "added_later" in installed(python)  # nothing was changed
    assert point.status() == "recorded"


# ---- a conda prefix whose records list paths outside it ------------------------------------------

rattler = pytest.importorskip("rattler")

from tests.actions.test_conda_rattler import _reinstall_set, build_channel  # noqa: E402


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_channel(tmp_path_factory.mktemp("channel"))


@pytest.fixture
def conda_prefix(tmp_path: Path, channel: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A py-rattler prefix (python + numpy from the local channel) with a restore point; then
    helper-tool is added (a conda package restore would remove)."""
    from envdoctor.actions.create import create
    from envdoctor.actions.envfile import BuildSpec
    from tests.actions.test_conda_rattler import _path_without_conda

    for var in ("CONDA_EXE", "MAMBA_EXE", "CONDA_PREFIX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", _path_without_conda())
    monkeypatch.setenv("RATTLER_CACHE_DIR", str(tmp_path / "rattler-cache"))
    monkeypatch.setenv("CONDA_OVERRIDE_CUDA", "")
    dest = tmp_path / "prefix"
    assert create(
        BuildSpec(conda=["numpy"], channels=[channel.as_uri()], manager="conda"), dest, verify=False, quiet=True
    ).ok
    points.record(describe(str(dest / "bin" / "python")), reason="before helper-tool")
    _reinstall_set(dest, channel, ["python", "numpy", "helper-tool"])
    return dest


def _poison(prefix: Path, entries: list[str]) -> None:
    meta = next((prefix / "conda-meta").glob("helper-tool-*.json"))
    record = json.loads(meta.read_text())
    record["files"] += entries
    record["paths_data"]["paths"] += [
        {"_path": e, "path_type": "hardlink", "sha256": "0" * 64, "size_in_bytes": 4} for e in entries
    ]
    meta.write_text(json.dumps(record))


def test_conda_restore_refuses_records_that_leave_the_prefix(tmp_path: Path, conda_prefix: Path) -> None:
    """The reported case: restore unlinked `../victim/data.txt` (and its folder) and said done."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "data.txt").write_text("precious")
    (tmp_path / "abs").mkdir()
    (tmp_path / "abs" / "file").write_text("precious")
    _poison(conda_prefix, ["../victim/data.txt", str(tmp_path / "abs" / "file")])
    env = dict(os.environ)
    dry = run_cli("restore", "--dry-run", "--prefix", str(conda_prefix), env=env)
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert "conda: remove helper-tool 1.0 0" in dry.stdout  # the conda removal is shown
    assert (
        "REFUSED" in dry.stdout and "../victim/data.txt" in dry.stdout and str(tmp_path / "abs" / "file") in dry.stdout
    )
    done = run_cli("restore", "--yes", "--prefix", str(conda_prefix), env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "refused to restore" in done.stderr
    assert "../victim/data.txt" in done.stderr
    assert (victim / "data.txt").read_text() == "precious" and (tmp_path / "abs" / "file").exists()
    assert (conda_prefix / "share" / "helper-tool.txt").exists()  # nothing changed inside either


def test_the_rattler_worker_refuses_on_its_own(tmp_path: Path, conda_prefix: Path) -> None:
    """Defence in depth: `python -m envdoctor.actions.restore conda-explicit` checks the records
    itself, whoever calls it."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "data.txt").write_text("precious")
    _poison(conda_prefix, ["../victim/data.txt"])
    point = points.list_points(describe(str(conda_prefix / "bin" / "python")))[-1]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "envdoctor.actions.restore",
            "conda-explicit",
            "--prefix",
            str(conda_prefix),
            str(point.path / points.CONDA_FILE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "refused to restore" in done.stderr, done.stderr
    assert (victim / "data.txt").read_text() == "precious"
    tampered = tmp_path / "explicit.txt"
    tampered.write_text((point.path / points.CONDA_FILE).read_text() + "file:///x/noarch/evil-1-0.tar.bz2\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "envdoctor.actions.restore",
            "conda-explicit",
            "--prefix",
            str(conda_prefix),
            "--sha256",
            point.sidecars[points.CONDA_FILE],
            str(tampered),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "sha256 mismatch" in done.stderr, done.stderr


def test_hand_written_conda_meta_with_escapes_is_refused(tmp_path: Path) -> None:
    """conda-meta written by hand into a venv (a conda prefix as far as envdoctor can tell)."""
    python = make_venv(tmp_path / "env")
    prefix = python.parent.parent
    (prefix / "conda-meta").mkdir()
    (prefix / "conda-meta" / "history").write_text("")
    point = points.record(describe(str(python)), reason="test")
    assert point.kind == "conda"
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".bashrc").write_text("keep")
    record = {
        "name": "intruder",
        "version": "1.0",
        "build": "0",
        "url": "file:///nowhere/noarch/intruder-1.0-0.tar.bz2",
        "files": ["../home/.bashrc", "bin/../../home/.bashrc", "share/ok.txt"],
    }
    (prefix / "conda-meta" / "intruder-1.0-0.json").write_text(json.dumps(record))
    change = points.diff(point, describe(str(python)))
    assert change.conda_remove == ["intruder 1.0 0"]
    assert {e.entry for e in change.escapes} == {"../home/.bashrc", "bin/../../home/.bashrc"}
    with pytest.raises(OutsideError, match=r"\.bashrc"):
        points.restore(point, describe(str(python)), quiet=True)
    assert (tmp_path / "home" / ".bashrc").read_text() == "keep"


def test_dry_run_lists_conda_removals(tmp_path: Path, conda_prefix: Path) -> None:
    dry = run_cli("restore", "--dry-run", "--prefix", str(conda_prefix), "--format", "json", env=dict(os.environ))
    assert dry.returncode == 0, dry.stdout + dry.stderr
    data = json.loads(dry.stdout)
    assert data["details"]["conda_remove"] == ["helper-tool 1.0 0"]
    assert data["details"]["removals"]["conda:helper-tool"] == ["share/helper-tool.txt"]
    assert any("conda-explicit" in c for c in data["commands"])
    done = run_cli("restore", "--yes", "--prefix", str(conda_prefix), env=dict(os.environ))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "done (verified file by file)" in done.stdout
    assert not (conda_prefix / "share" / "helper-tool.txt").exists()


# ---- restore points never go through a planted symlink ------------------------------------------


def test_a_symlinked_envdoctor_folder_is_refused(tmp_path: Path) -> None:
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    elsewhere = tmp_path / "home-of-someone"
    elsewhere.mkdir()
    (prefix / ".envdoctor").symlink_to(elsewhere)
    done = run_cli(
        "fix",
        "--apply",
        "--yes",
        "--no-verify",
        "--python",
        str(python),
        "--find-links",
        str(wheels),
        "--no-index",
        env=cli_env(tmp_path),
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert "refused" in done.stderr and str(prefix / ".envdoctor") in done.stderr
    assert list(elsewhere.iterdir()) == []
    assert installed(python)["numpy"] == "2.0.0"


# ---- create never deletes a folder it did not create ---------------------------------------------


def _project(tmp_path: Path) -> Path:
    """A project made with `python -m venv .`: pyvenv.cfg at its root, next to src/, README and .git."""
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "."], cwd=project, check=True)
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text("print('hello')\n")
    (project / "README.md").write_text("# my project\n")
    subprocess.run(["git", "init", "-q", "."], cwd=project, check=True)
    return project


def test_create_force_does_not_delete_a_project_folder(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = tree_digest(project)
    env = cli_env(tmp_path)
    done = run_cli("create", "helper", "--no-plan", "--prefix", str(project), "--force", "--no-verify", env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "not an environment envdoctor created" in done.stderr or "did not create" in done.stderr
    assert "--move-aside" in done.stderr
    assert tree_digest(project) == before


def test_move_aside_keeps_the_project_and_builds_there(tmp_path: Path) -> None:
    from tests.actions.fakes import build_wheel

    project = _project(tmp_path)
    before = tree_digest(project)
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "helper", "1.0", {"helper/__init__.py": ""})
    done = run_cli(
        "create",
        "helper==1.0",
        "--no-plan",
        "--prefix",
        str(project),
        "--move-aside",
        "--no-verify",
        "--find-links",
        str(wheels),
        "--no-index",
        "--format",
        "json",
        env=cli_env(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    moved = Path(data["moved_aside"])
    assert moved.parent == tmp_path and moved.name.startswith("project.aside-")
    assert tree_digest(moved) == before  # every file of the project, .git included, kept
    assert (project / ".envdoctor" / "created.json").is_file() and (project / "bin" / "python").exists()


def test_force_replaces_only_what_envdoctor_made(tmp_path: Path) -> None:
    from tests.actions.fakes import build_wheel

    wheels = tmp_path / "wheels"
    build_wheel(wheels, "helper", "1.0", {"helper/__init__.py": ""})
    env = cli_env(tmp_path)
    dest = tmp_path / "made"
    args = ["helper==1.0", "--no-plan", "--no-verify", "--find-links", str(wheels), "--no-index"]
    assert run_cli("create", *args, "--prefix", str(dest), env=env).returncode == 0
    marker = json.loads((dest / ".envdoctor" / "created.json").read_text())
    assert marker["made_by"] == "envdoctor" and marker["prefix"] == os.path.realpath(dest)
    again = run_cli("create", *args, "--prefix", str(dest), env=env)
    assert again.returncode == 2 and "--force replaces it" in again.stderr
    replaced = run_cli("create", *args, "--prefix", str(dest), "--force", env=env)
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr

    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(dest), str(copy)], check=True)  # the marker names another folder
    refused = run_cli("create", *args, "--prefix", str(copy), "--force", env=env)
    assert refused.returncode == 2 and "did not create" in refused.stderr, refused.stderr
    assert (copy / "bin").exists()

    (dest / ".git").mkdir()  # someone made it a repository: never removed
    (dest / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    refused = run_cli("create", *args, "--prefix", str(dest), "--force", env=env)
    assert refused.returncode == 2 and ".git" in refused.stderr
    assert (dest / ".git" / "HEAD").exists()


def test_uv_venv_clear_in_the_environment_does_not_clear(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "keep.txt").write_text("keep")
    env = cli_env(tmp_path, UV_VENV_CLEAR="1")
    done = run_cli("create", "helper", "--no-plan", "--prefix", str(project), "--no-verify", env=env)
    assert done.returncode == 2 and (project / "keep.txt").read_text() == "keep"
    from envdoctor.actions.uvtool import uv_env

    assert "UV_VENV_CLEAR" not in uv_env(base={"UV_VENV_CLEAR": "1", "PATH": "/bin"})  # uv never clears on its own


def test_private_helpers_install(tmp_path: Path) -> None:
    """The helper that installs with a private uv cache works (used where files are edited in place)."""
    from tests.actions.fakes import wheel_folder

    wheels = wheel_folder(tmp_path / "w")
    python = make_venv(tmp_path / "e")
    uv_install_private(python, wheels, tmp_path, "helper==1.0")
    assert installed(python) == {"helper": "1.0"}


def test_restore_does_not_use_a_point_folder_symlinked_out(tmp_path: Path) -> None:
    python, _ = broken_venv(tmp_path)
    prefix = python.parent.parent
    points.record(describe(str(python)), reason="test")
    elsewhere = tmp_path / "elsewhere"
    (prefix / ".envdoctor").rename(elsewhere)
    (prefix / ".envdoctor").symlink_to(elsewhere)
    before = tree_digest(elsewhere)
    done = run_cli("restore", "--yes", "--python", str(python), env=cli_env(tmp_path))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert "refused" in done.stderr and str(prefix / ".envdoctor") in done.stderr
    assert tree_digest(elsewhere) == before  # no journal line written out there
