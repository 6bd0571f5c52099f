"""Verified restore points, for real: what the environment says never becomes a command as it
stands, a tampered point is refused (the dry run too), restore verifies the result file by file,
asks before changing anything, and a point folder that cannot be written is one clear line."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from envdoctor.actions import restore as points
from envdoctor.probe.collect import describe
from tests.actions.fakes import build_wheel, make_venv
from tests.adversarial.actions_env import (
    broken_venv,
    cli_env,
    fill,
    installed,
    read_only,
    run_cli,
    site_of,
    tmpfs,
    uv_install_private,
)


def _point_dir(python: Path) -> Path:
    found = sorted((python.parent.parent / ".envdoctor" / "restore").glob("2*"))
    assert found
    return found[-1]


# ---- values from the environment are validated ---------------------------------------------------


def test_a_newline_in_direct_url_never_becomes_a_requirement_line(tmp_path: Path) -> None:
    """The reported case: `url` in direct_url.json carried `\\n--index-url ...\\nevilpkg`; the point's
    requirements.txt then named an index and a package, and restore ran its setup.py."""
    wheels = tmp_path / "wheels"
    wheel = build_wheel(wheels, "helper", "1.0", {"helper/__init__.py": ""})
    python = make_venv(tmp_path / "env")
    uv_install_private(python, wheels, tmp_path, wheel.as_uri())
    info = site_of(python) / "helper-1.0.dist-info"
    direct = json.loads((info / "direct_url.json").read_text())
    assert direct["url"] == wheel.as_uri()
    direct["url"] = f"{wheel.as_uri()}\n--index-url http://127.0.0.1:9/evil\nevilpkg"
    (info / "direct_url.json").write_text(json.dumps(direct))

    target = describe(str(python))
    point = points.record(target, reason="test")
    text = (point.path / points.REQUIREMENTS_FILE).read_text()
    for line in text.splitlines():
        assert line.startswith("#") or Requirement(line), line  # every line a plain requirement or a comment
    assert "--index-url" not in [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    assert "evilpkg" not in [line for line in text.splitlines() if not line.startswith("#")]
    helper = point.dist("helper")
    assert helper is not None and helper.requirement is None and "direct URL" in (helper.problem or "")

    uv_install_private(python, wheels, tmp_path, "--reinstall", wheel.as_uri())  # helper changes...
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: helper\nVersion: 1.0.post1\n")
    env = cli_env(tmp_path)
    dry = run_cli("restore", "--dry-run", "--python", str(python), env=env)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "not restorable: helper 1.0" in dry.stdout
    assert not [line for line in dry.stdout.splitlines() if "would run" in line and "evil" in line]
    done = run_cli("restore", "--yes", "--python", str(python), env=env)
    assert done.returncode == 1 and "INCOMPLETE" in done.stdout, done.stdout + done.stderr
    assert "not restorable: helper 1.0" in done.stdout
    assert "evil" not in "".join(line for line in done.stdout.splitlines() if "[ok" in line or "[FAIL" in line)


def test_a_valid_direct_url_is_restored_exactly_as_recorded(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheel = build_wheel(wheels, "helper", "1.0", {"helper/__init__.py": "X = 1\n"})
    python = make_venv(tmp_path / "env")
    uv_install_private(python, wheels, tmp_path, wheel.as_uri())
    point = points.record(describe(str(python)), reason="test")
    assert point.dist("helper").requirement == [f"helper @ {wheel.as_uri()}"]  # type: ignore[union-attr]
    env = cli_env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "uv", "pip", "uninstall", "-q", "--python", str(python), "helper"], check=True, env=env
    )
    dry = run_cli("restore", "--dry-run", "--python", str(python), env=env)
    assert f"helper @ {wheel.as_uri()}" in dry.stdout, dry.stdout  # shown in the dry run, as recorded
    done = run_cli("restore", "--yes", "--python", str(python), env=env)
    assert done.returncode == 0 and "verified file by file" in done.stdout, done.stdout + done.stderr
    assert installed(python) == {"helper": "1.0"}


# ---- tampered points are refused, the dry run included -------------------------------------------


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(python, wheels, point folder): the broken venv, a point, then the fix's numpy 1.26.4."""
    python, wheels = broken_venv(tmp_path)
    points.record(describe(str(python)), reason="fix --apply")
    uv_install_private(python, wheels, tmp_path, "numpy==1.26.4")
    return python, wheels, _point_dir(python)


def _refused(python: Path, env: dict[str, str], needle: str) -> None:
    for args in (["--dry-run"], ["--yes"]):
        done = run_cli("restore", *args, "--python", str(python), env=env)
        assert done.returncode == 2, done.stdout + done.stderr
        assert needle in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert "change(s)" not in done.stdout  # never "0 change(s)" for a point it refuses
    listed = run_cli("restore", "--list", "--python", str(python), env=env)
    assert listed.returncode == 0 and "INVALID" in listed.stdout


def test_a_tampered_requirements_file_is_refused(tmp_path: Path, recorded: tuple[Path, Path, Path]) -> None:
    python, _, folder = recorded
    with open(folder / points.REQUIREMENTS_FILE, "a") as handle:
        handle.write("--index-url http://127.0.0.1:9/evil\nevilpkg==1.0\n")
    _refused(python, cli_env(tmp_path), "requirements.txt was changed after it was written")
    assert installed(python)["numpy"] == "1.26.4"


def test_a_tampered_point_json_is_refused(tmp_path: Path, recorded: tuple[Path, Path, Path]) -> None:
    python, _, folder = recorded
    data = json.loads((folder / points.POINT_FILE).read_text())
    for dist in data["distributions"]:
        if dist["name"] == "numpy":
            dist["version"] = "0.0.1"
    (folder / points.POINT_FILE).write_text(json.dumps(data))
    _refused(python, cli_env(tmp_path), "digest mismatch")


def test_a_forged_digest_does_not_let_a_raw_line_through(tmp_path: Path, recorded: tuple[Path, Path, Path]) -> None:
    """Whoever recomputes the digest still cannot smuggle a line: values are validated again."""
    python, _, folder = recorded
    data = json.loads((folder / points.POINT_FILE).read_text())
    data.pop("digest")
    for dist in data["distributions"]:
        if dist["name"] == "numpy":
            dist["requirement"] = ["numpy==2.0.0\n--index-url http://127.0.0.1:9/evil"]
    data["digest"] = points.content_digest(data)
    (folder / points.POINT_FILE).write_text(json.dumps(data))
    _refused(python, cli_env(tmp_path), "holds a value envdoctor will not use")
    data.pop("digest")
    for dist in data["distributions"]:
        if dist["name"] == "numpy":
            dist["requirement"] = ["numpy==2.0.0"]
            dist["direct_url"] = {"url": "https://127.0.0.1:9/x.whl\nevil", "vcs": None}
    data["digest"] = points.content_digest(data)
    (folder / points.POINT_FILE).write_text(json.dumps(data))
    _refused(python, cli_env(tmp_path), "holds a value envdoctor will not use")


def test_a_point_without_a_digest_is_not_used(tmp_path: Path, recorded: tuple[Path, Path, Path]) -> None:
    python, _, folder = recorded
    data = json.loads((folder / points.POINT_FILE).read_text())
    data.pop("digest")
    data["schema"] = 1
    (folder / points.POINT_FILE).write_text(json.dumps(data))
    _refused(python, cli_env(tmp_path), "has no digest")


# ---- restore verifies file by file ---------------------------------------------------------------


def test_a_file_changed_in_place_is_brought_back(tmp_path: Path) -> None:
    """restore used to compare name==version only: a modified installed file stayed after "done".
    (uv hardlinks from its cache, so an in-place edit changes the cached copy too: a private cache.)"""
    python, wheels = broken_venv(tmp_path)
    init = site_of(python) / "tensorflow" / "__init__.py"
    original = init.read_bytes()
    point = points.record(describe(str(python)), reason="test")
    with open(init, "ab") as handle:  # in place, as an editor or a bad tool does
        handle.write(b"\nraise SystemExit('tampered')\n")
    env = cli_env(tmp_path)
    dry = run_cli("restore", "--dry-run", "--python", str(python), "--find-links", str(wheels), "--no-index", env=env)
    assert "reinstall tensorflow: 1 file(s) differ" in dry.stdout, dry.stdout
    assert "--reinstall-package tensorflow" in dry.stdout and "--no-cache" in dry.stdout
    done = run_cli("restore", "--yes", "--python", str(python), "--find-links", str(wheels), "--no-index", env=env)
    assert done.returncode == 0 and "done (verified file by file)" in done.stdout, done.stdout + done.stderr
    assert init.read_bytes() == original
    assert points.diff(point, describe(str(python))).empty


def test_a_modified_file_that_cannot_be_fetched_again_is_reported(tmp_path: Path) -> None:
    python, wheels = broken_venv(tmp_path)
    init = site_of(python) / "numpy" / "__init__.py"
    points.record(describe(str(python)), reason="test")
    init.unlink()
    init.write_text("broken = True\n")
    for wheel in wheels.glob("numpy-2.0.0-*.whl"):
        wheel.unlink()  # the index no longer has it
    done = run_cli(
        "restore", "--yes", "--python", str(python), "--find-links", str(wheels), "--no-index", env=cli_env(tmp_path)
    )
    assert done.returncode == 1 and "INCOMPLETE" in done.stdout, done.stdout + done.stderr
    assert "still different from the point" in done.stdout and "numpy/__init__.py" in done.stdout
    assert "done" not in done.stdout.splitlines()[-1]


def test_stray_files_of_a_half_finished_install_are_removed(tmp_path: Path) -> None:
    python, _wheels = broken_venv(tmp_path)
    site = site_of(python)
    prefix = python.parent.parent
    point = points.record(describe(str(python)), reason="test")
    (site / "numpy" / "_left_over.py").write_text("")  # inside a package the point knows
    (site / "halfpkg" / "sub").mkdir(parents=True)  # a package whose dist-info never got written
    for n in range(50):
        (site / "halfpkg" / "sub" / f"m{n}.py").write_text("")
    (prefix / "bin" / "halftool").write_text("#!/bin/sh\n")
    (prefix / "share").mkdir(exist_ok=True)
    (prefix / "share" / "user-notes.txt").write_text("not under site-packages or bin: never touched")
    env = cli_env(tmp_path)
    dry = run_cli("restore", "--dry-run", "--python", str(python), env=env)
    for shown in ("numpy/_left_over.py", "halfpkg/", "bin/halftool"):
        assert shown in dry.stdout, dry.stdout
    done = run_cli("restore", "--yes", "--python", str(python), env=env)
    assert done.returncode == 0 and "removed 3 stray path(s)" in done.stdout, done.stdout + done.stderr
    assert not (site / "halfpkg").exists() and not (prefix / "bin" / "halftool").exists()
    assert (prefix / "share" / "user-notes.txt").exists()
    assert points.diff(point, describe(str(python))).empty


# ---- restore asks ------------------------------------------------------------------------------


def _with_tty(args: list[str], answer: str, env: dict[str, str]) -> tuple[int, str]:
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "envdoctor", *args],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    os.close(follower)
    os.write(leader, answer.encode())
    out, err = proc.communicate(timeout=300)
    os.close(leader)
    return proc.returncode, out + err


def test_restore_asks_before_changing(tmp_path: Path, recorded: tuple[Path, Path, Path]) -> None:
    python, wheels, _ = recorded
    env = cli_env(tmp_path)
    args = ["restore", "--python", str(python), "--find-links", str(wheels), "--no-index"]
    done = run_cli(*args, env=env)
    assert done.returncode == 2 and "add --yes (stdin is not a terminal)" in done.stderr
    assert installed(python)["numpy"] == "1.26.4"
    code, text = _with_tty(args, "n\n", env)
    assert code == 2 and "not confirmed" in text and "apply 1 change(s)" in text, text
    assert installed(python)["numpy"] == "1.26.4"
    code, text = _with_tty(args, "y\n", env)
    assert code == 0 and "verified file by file" in text, text
    assert installed(python)["numpy"] == "2.0.0"


# ---- a restore-point folder that cannot be written ------------------------------------------------


def _fix(python: Path, wheels: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "fix",
        "--apply",
        "--yes",
        "--no-verify",
        "--python",
        str(python),
        "--find-links",
        str(wheels),
        "--no-index",
        env=env,
    )


def test_a_point_folder_that_is_a_file(tmp_path: Path) -> None:
    python, wheels = broken_venv(tmp_path)
    folder = python.parent.parent / ".envdoctor" / "restore"
    folder.parent.mkdir()
    folder.write_text("not a folder")
    env = cli_env(tmp_path)
    done = _fix(python, wheels, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr.replace("envdoctor: ", "")
    assert "cannot record a restore point" in done.stderr and "nothing was changed" in done.stderr
    assert installed(python)["numpy"] == "2.0.0"
    done = run_cli("restore", "--python", str(python), "--yes", env=env)
    assert done.returncode == 2 and "is not a folder" in done.stderr and "Traceback" not in done.stderr
    listed = run_cli("restore", "--list", "--python", str(python), env=env)
    assert listed.returncode == 0 and "is not a folder" in listed.stdout


def test_a_read_only_point_folder(tmp_path: Path) -> None:
    python, wheels = broken_venv(tmp_path)
    folder = python.parent.parent / ".envdoctor" / "restore"
    folder.mkdir(parents=True)
    with read_only(folder):
        done = _fix(python, wheels, cli_env(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Read-only file system" in done.stderr and "nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0, done.stderr
    assert installed(python)["numpy"] == "2.0.0"


def test_a_full_disk_before_the_point(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "16m") as disk:
        python, wheels = broken_venv(disk, "env")
        fill(disk)
        done = _fix(python, wheels, cli_env(tmp_path))
        assert done.returncode == 1, done.stdout + done.stderr
        assert "No space left on device" in done.stderr and "nothing was changed" in done.stderr
        assert "Traceback" not in done.stderr
        root = python.parent.parent / ".envdoctor" / "restore"
        assert not list(root.glob(".tmp-*")) and not [p for p in root.glob("2*") if p.is_dir()]
        assert installed(python)["numpy"] == "2.0.0"


def test_the_printed_restore_command_runs_verbatim(tmp_path: Path, recorded: tuple[Path, Path, Path]) -> None:
    """What `restore --list` / an interrupted fix tells the user to run works as printed."""
    python, wheels, folder = recorded
    command = (
        f"{sys.executable} -m envdoctor restore --python {python} --yes {folder.name} --find-links {wheels} --no-index"
    )
    done = subprocess.run(shlex.split(command), capture_output=True, text=True, env=cli_env(tmp_path), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert installed(python)["numpy"] == "2.0.0"
