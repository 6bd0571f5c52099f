"""Restore points: written atomically before changes, listed with their state, brought back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from envdoctor.actions import restore as points
from envdoctor.actions.uvtool import IndexOptions
from envdoctor.probe.collect import describe
from tests.actions.fakes import make_venv, run_cli, uv_install, wheel_folder


@pytest.fixture()
def env(tmp_path: Path) -> tuple[Path, Path]:
    wheels = wheel_folder(tmp_path / "wheels")
    python = make_venv(tmp_path / "env")
    uv_install(python, wheels, "numpy==1.26.4", "helper==1.0")
    return python, wheels


def test_record_is_complete_and_lives_in_the_prefix(env: tuple[Path, Path]) -> None:
    python, wheels = env
    target = describe(str(python))
    point = points.record(target, reason="test", index=IndexOptions(find_links=[str(wheels)], no_index=True))
    assert point.path.parent == Path(target.prefix) / ".envdoctor" / "restore"
    assert not list(point.path.parent.glob(".tmp-*"))
    assert point.pins() == {"numpy": "1.26.4", "helper": "1.0"}
    lines = (point.path / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["helper==1.0", "numpy==1.26.4"]
    data = json.loads((point.path / "point.json").read_text())
    assert data["kind"] == "venv" and data["index"]["no_index"] is True
    assert point.status() == "recorded"
    assert [p.id for p in points.list_points(target)] == [point.id]


def test_restore_brings_back_the_exact_set(env: tuple[Path, Path]) -> None:
    python, wheels = env
    target = describe(str(python))
    point = points.record(target, reason="test", index=IndexOptions(find_links=[str(wheels)], no_index=True))
    uv_install(python, wheels, "numpy==2.0.0", "helper==2.0", "tensorflow==2.15.0")
    change = points.diff(point, target)
    assert change.remove == ["tensorflow"]
    assert ("numpy", "2.0.0", "1.26.4") in change.change
    result = points.restore(point, target, quiet=True)
    assert result.ok, [c.tail() for c in result.commands]
    assert points.diff(point, target).empty
    assert point.status() == "restored"


def test_interrupted_journal_is_visible(env: tuple[Path, Path]) -> None:
    python, _ = env
    target = describe(str(python))
    point = points.record(target, reason="fix --apply")
    points.journal(point, "start", step=1, command="uv pip install numpy==2.0.0")
    assert point.status() == "interrupted"
    with open(point.journal, "a") as handle:  # a kill in the middle of a write
        handle.write('{"event": "end", "st')
    assert point.status() == "interrupted"


def test_cli_list_dry_run_and_restore(env: tuple[Path, Path]) -> None:
    python, wheels = env
    target = describe(str(python))
    point = points.record(target, reason="fix --apply")
    uv_install(python, wheels, "helper==2.0")
    listed = run_cli("restore", "--list", "--python", str(python), "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["points"][0]["id"] == point.id
    assert json.loads(listed.stdout)["points"][0]["differs_now"] == ["helper 2.0 -> 1.0"]
    table = run_cli("restore", "--list", "--python", str(python))
    row = next(line for line in table.stdout.splitlines() if point.id in line)
    assert "just now (" in row and " UTC)" in row and "fix --apply" in row and "helper 2.0 -> 1.0" in row
    dry = run_cli("restore", "--dry-run", "--python", str(python))
    assert "helper 2.0 -> 1.0" in dry.stdout
    done = run_cli("restore", point.id, "--yes", "--python", str(python), "--find-links", str(wheels), "--no-index")
    assert done.returncode == 0, done.stdout + done.stderr
    assert points.diff(point, target).empty


def test_cli_restore_bad_input(tmp_path: Path, env: tuple[Path, Path]) -> None:
    python, _ = env
    done = run_cli("restore", "--python", str(python))
    assert done.returncode == 2 and "no restore points" in done.stderr and "Traceback" not in done.stderr
    points.record(describe(str(python)), reason="x")
    done = run_cli("restore", "nope", "--python", str(python))
    assert done.returncode == 2 and "no restore point 'nope'" in done.stderr


def test_points_outside_a_venv_go_to_the_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from envdoctor.model import Interpreter

    monkeypatch.setenv("ENVDOCTOR_STATE_DIR", str(tmp_path / "state"))
    target = Interpreter(executable="/usr/bin/python3", prefix="/usr", site_packages=[])
    root = points.restore_root(target)
    assert root.parent == tmp_path / "state" / "restore"
    assert root.name.startswith("usr-")


def test_human_times() -> None:
    from envdoctor.render.views.restore import human_time

    now = 1_764_622_800.0  # 2025-12-01 21:00 UTC
    assert human_time("2025-12-01T20:48:00+00:00", now) == "12 min ago (2025-12-01 20:48 UTC)"
    assert human_time("2025-12-01T18:00:00+00:00", now) == "3 h ago (2025-12-01 18:00 UTC)"
    assert human_time("2025-11-28T21:00:00+00:00", now) == "3 days ago (2025-11-28 21:00 UTC)"
    assert human_time("2025-12-01T20:59:59Z", now) == "just now (2025-12-01 20:59 UTC)"
    assert human_time("not a time", now) == "not a time"
