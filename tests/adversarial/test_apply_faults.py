"""fix --apply under faults, for real: two fixes at once, SIGKILL / SIGTERM / SIGHUP / SIGINT of a
real envdoctor mid-step, a full disk mid-install, a rollback that cannot complete.

A step that stays under way as long as a test needs comes from `HoldingIndex`: uv fetches the
wheel over HTTP from 127.0.0.1 and the download waits until the test lets it go."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from envdoctor.actions import fix as fixing
from envdoctor.actions import restore as points
from envdoctor.actions.uvtool import IndexOptions
from envdoctor.model import Finding, Severity
from envdoctor.probe.collect import describe
from envdoctor.render import formats
from envdoctor.render.views.fix import fix_document
from tests.adversarial.actions_env import (
    SIGNALS,
    HoldingIndex,
    big_numpy_wheel,
    broken_venv,
    cli_env,
    installed,
    journal_events,
    processes_mentioning,
    run_cli,
    site_of,
    start_fix,
    step_started,
    tmpfs,
    wait_for,
)


def _no_child_left(prefix: Path, within: float = 3.0) -> None:
    """No process still names the environment (uv runs with `--python PREFIX/bin/python`)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not processes_mentioning(str(prefix)):
            return
        time.sleep(0.05)
    raise AssertionError(f"still running after {within} s: {processes_mentioning(str(prefix))}")


def _the_point(python: Path) -> points.RestorePoint:
    found = points.list_points(describe(str(python)))
    assert len(found) == 1, [p.id for p in found]
    return found[0]


# ---- concurrency ---------------------------------------------------------------------------------

_RECORD = """
import sys
from envdoctor.actions import restore as points
from envdoctor.probe.collect import describe
point = points.record(describe(sys.argv[1]), reason="race")
print(point.id)
"""


def test_concurrent_points_never_share_an_id(tmp_path: Path) -> None:
    """The reported crash: two fixes got the same point ID, one died with OSError [Errno 39] and
    left a .tmp-* folder. IDs are reserved with an exclusive mkdir: 8 writers in the same second."""
    python, _ = broken_venv(tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RECORD, str(python)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    ids = [out.strip() for out, _ in results]
    assert len(set(ids)) == 8
    root = python.parent.parent / ".envdoctor" / "restore"
    assert not list(root.glob(".tmp-*"))
    for ident in ids:
        points.load(root / ident)  # each one complete and verified


def test_two_fixes_at_once(tmp_path: Path) -> None:
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    env = cli_env(tmp_path)
    with HoldingIndex(wheels) as index:
        first = start_fix(python, index.url, env)
        wait_for(lambda: step_started(prefix), 60, "the first fix's step")
        second = start_fix(python, index.url, env)
        out2, err2 = second.communicate(timeout=120)
        index.release()
        out1, err1 = first.communicate(timeout=120)
    assert second.returncode == 1, out2 + err2
    assert "is changing" in err2 and "`envdoctor fix --apply`" in err2 and f"pid {first.pid}" in err2
    assert "nothing was done" in err2
    assert first.returncode == 0, out1 + err1
    for text in (err1, err2, out1, out2):
        assert "Traceback" not in text and "Errno 39" not in text
    assert not list((prefix / ".envdoctor" / "restore").glob(".tmp-*"))
    assert len(points.list_points(describe(str(python)))) == 1
    assert installed(python)["numpy"] == "1.26.4"
    third = run_cli(  # the lock went with the first fix: a later one runs (and finds nothing to do)
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
    assert third.returncode == 0, third.stdout + third.stderr


# ---- signals mid-step ----------------------------------------------------------------------------


def test_sigkill_mid_fix_stops_uv_and_leaves_a_restorable_env(tmp_path: Path) -> None:
    """The reported case: uv ran in its own session and went on changing the env 11-13 s after
    envdoctor was killed. Now the guardian kills it with envdoctor."""
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    env = cli_env(tmp_path)
    with HoldingIndex(wheels) as index:
        proc = start_fix(python, index.url, env)
        wait_for(lambda: step_started(prefix), 60, "the fix's step")
        wait_for(lambda: index.open_downloads, 30, "uv's download")
        assert processes_mentioning(str(prefix)), "uv should be running"
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        _no_child_left(prefix)
        wait_for(lambda: index.open_downloads == 0, 5, "uv's connection to close")
        index.release()
        time.sleep(1.0)  # had uv survived, it would install now
    assert installed(python)["numpy"] == "2.0.0"
    listed = run_cli("restore", "--list", "--python", str(python), env=env)
    assert "interrupted" in listed.stdout, listed.stdout
    done = run_cli("restore", "--yes", "--python", str(python), env=env)
    assert done.returncode == 0 and "verified file by file" in done.stdout, done.stdout + done.stderr
    assert points.diff(_the_point(python), describe(str(python))).empty


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_mid_fix_rolls_back_with_one_line(tmp_path: Path, name: str) -> None:
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    env = cli_env(tmp_path)
    with HoldingIndex(wheels) as index:
        proc = start_fix(python, index.url, env, "-q")
        wait_for(lambda: step_started(prefix), 60, "the fix's step")
        wait_for(lambda: index.open_downloads, 30, "uv's download")
        os.kill(proc.pid, SIGNALS[name])
        out, err = proc.communicate(timeout=120)
        _no_child_left(prefix)
    assert proc.returncode == 128 + SIGNALS[name], out + err
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # -q: the one line
    assert lines[0].startswith(f"envdoctor fix: interrupted by {name}; rolled back to restore point")
    assert "(verified file by file)" in lines[0]
    point = _the_point(python)
    assert points.diff(point, describe(str(python))).empty
    assert installed(python) == {"numpy": "2.0.0", "tensorflow": "2.15.0"}
    kinds = [e["event"] for e in journal_events(prefix)]
    assert kinds[-4:] == ["interrupted", "restore-start", "restore", "result"], kinds
    assert point.status() == "rolled-back"


@pytest.mark.parametrize("name", ["SIGTERM", "SIGKILL"])
def test_a_signal_while_uv_writes_files(tmp_path: Path, name: str) -> None:
    """The step installs a numpy of 3000 files from a local folder: the signal lands while uv is
    uninstalling, linking or already done; wherever it lands, the environment ends as recorded."""
    python, wheels = broken_venv(tmp_path)
    big_numpy_wheel(wheels, files=3000)
    prefix = python.parent.parent
    env = cli_env(tmp_path)
    proc = start_fix(python, str(wheels), env, "-q")
    wait_for(lambda: step_started(prefix), 60, "the fix's step")
    time.sleep(0.15)
    os.kill(proc.pid, signal.SIGTERM if name == "SIGTERM" else signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    _no_child_left(prefix)
    assert "Traceback" not in err
    states = [e.get("state") for e in journal_events(prefix) if e.get("event") == "result"]
    if name == "SIGTERM" and states == ["applied"]:  # it landed after the fix had finished: kept
        assert proc.returncode == 143 and "after the fix was applied; restore point" in err, out + err
        assert installed(python)["numpy"] == "1.26.4"
        assert not points.diff(_the_point(python), describe(str(python))).empty
        undo = err.split("undoes it: ", 1)[1].strip()
        done = run_cli(*shlex.split(undo)[1:], env=env)  # the printed command, run
        assert done.returncode == 0, done.stdout + done.stderr
    elif name == "SIGKILL":
        done = run_cli("restore", "--yes", "--python", str(python), env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        assert proc.returncode == 143 and "rolled back to restore point" in err, out + err
    assert points.diff(_the_point(python), describe(str(python))).empty
    assert installed(python) == {"numpy": "2.0.0", "tensorflow": "2.15.0"}
    assert not (site_of(python) / "numpy" / "part0").exists()


def _blocked_writing(pid: int) -> bool:
    """The process waits in a write to its stdout pipe (the kernel names the wait pipe_write, or
    anon_pipe_write since 6.x)."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text().strip() in ("pipe_write", "anon_pipe_write")
    except OSError:
        return False


def test_a_signal_after_the_fix_keeps_it_and_prints_the_undo(tmp_path: Path) -> None:
    """A SIGTERM while the finished fix's report is written (stdout is a full pipe, so the write
    waits): the change stays, the one line names the restore point, and its command undoes it."""
    if not Path("/proc/self/wchan").exists():
        pytest.skip("needs /proc/PID/wchan to see the blocked write")
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    env = cli_env(tmp_path)
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    with contextlib.suppress(BlockingIOError):
        while True:
            os.write(write_end, b"x" * 65536)
    os.set_blocking(write_end, True)
    proc = start_fix(python, str(wheels), env, stdout=write_end)
    os.close(write_end)
    drained = threading.Thread(target=lambda: _drain(read_end), daemon=True)
    try:
        deadline = time.monotonic() + 180
        while not _blocked_writing(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _blocked_writing(proc.pid):
            wchan = Path(f"/proc/{proc.pid}/wchan").read_text() if proc.poll() is None else "exited"
            if wchan.strip() == "0":
                pytest.skip("this kernel hides /proc/PID/wchan: the blocked write cannot be seen")
            raise AssertionError(f"the report's write never blocked on the full pipe ({wchan})")
        os.kill(proc.pid, signal.SIGTERM)
        drained.start()  # the interpreter's last flush at exit must not wait for ever
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert [e.get("state") for e in journal_events(prefix) if e.get("event") == "result"] == ["applied"]
    assert installed(python)["numpy"] == "1.26.4"
    line = err.strip().splitlines()[-1]
    assert line.startswith("envdoctor fix: interrupted by SIGTERM after the fix was applied; restore point"), err
    undo = shlex.split(line.split("undoes it: ", 1)[1])
    assert undo[0] == "envdoctor"
    done = run_cli(*undo[1:], env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert installed(python) == {"numpy": "2.0.0", "tensorflow": "2.15.0"}


def _drain(fd: int) -> None:
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass
    os.close(fd)


# ---- a full disk mid-install, and a rollback that cannot complete --------------------------------


def test_a_full_disk_mid_install_rolls_back_verified(tmp_path: Path) -> None:
    """The reported case: with a full disk the rollback failed and left no working NumPy, and a
    later restore left ~750 stray files and said done."""
    with tmpfs(tmp_path / "disk", "24m") as disk:
        python, wheels = broken_venv(disk, "env")
        outside = tmp_path / "wheels"
        outside.mkdir()
        for wheel in wheels.glob("*.whl"):
            (outside / wheel.name).write_bytes(wheel.read_bytes())
        big_numpy_wheel(outside, files=800, size=40 << 20)  # larger than the disk
        env = cli_env(tmp_path)
        done = run_cli(
            "fix",
            "--apply",
            "--yes",
            "--no-verify",
            "--python",
            str(python),
            "--find-links",
            str(outside),
            "--no-index",
            "--format",
            "json",
            env=env,
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        report = json.loads(done.stdout)
        assert report["runs"][0]["ok"] is False and "No space left on device" in report["runs"][0]["output_tail"]
        assert report["rolled_back"] is True and report["rollback_ok"] is True, report["rollback_remaining"]
        point = _the_point(python)
        assert points.diff(point, describe(str(python))).empty  # no stray left, numpy 2.0.0 back
        assert installed(python) == {"numpy": "2.0.0", "tensorflow": "2.15.0"}
        assert not (site_of(python) / "numpy" / "blob.txt").exists()


def test_a_rollback_that_cannot_complete_says_what_differs_and_how_to_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python, wheels = broken_venv(tmp_path)
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "private-uv-cache"))
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    calls: list[int] = []

    def diagnose(py: str) -> list[Finding]:
        calls.append(1)
        if len(calls) == 2:  # after the fix: worse, and numpy 2.0.0 can no longer be fetched
            for wheel in wheels.glob("numpy-2.0.0-*.whl"):
                wheel.rename(hidden / wheel.name)
            return [Finding(code="ED999", rule="x", severity=Severity.ERROR, message="worse")] * 2
        if installed(Path(py)).get("numpy", "").startswith("2"):
            from tests.actions.test_fix import uv_install_remedy

            remedy = uv_install_remedy(py, "numpy<2")
            return [
                Finding(
                    code="ED102",
                    rule="numpy-abi",
                    severity=Severity.ERROR,
                    message="numpy 2",
                    cause="numpy-abi",
                    fix=remedy.text(),
                    subject="numpy",
                    remedy=remedy,
                )
            ]
        return []

    report = fixing.apply_fix(
        str(python),
        diagnose=diagnose,
        index=IndexOptions(find_links=[str(wheels)], no_index=True),
        quiet=True,
        verify_frameworks=False,
    )
    assert report.rolled_back and report.rollback_ok is False
    text = formats.render(fix_document(report), "text")
    assert "ROLLBACK INCOMPLETE" in text and "still different: numpy 1.26.4 -> 2.0.0" in text
    command = next(
        line.split("bring it back with: ", 1)[1] for line in text.splitlines() if "bring it back with" in line
    )
    for wheel in hidden.iterdir():
        wheel.rename(wheels / wheel.name)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(shlex.split(command), capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0 and "verified file by file" in done.stdout, done.stdout + done.stderr
    assert installed(python) == {"numpy": "2.0.0", "tensorflow": "2.15.0"}


# ---- restore and create under signals, the process group -----------------------------------------


def test_children_run_in_envdoctors_process_group(tmp_path: Path) -> None:
    """So the terminal's Ctrl-C and hang-up reach uv too (it used to get a session of its own)."""
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    with HoldingIndex(wheels) as index:
        proc = start_fix(python, index.url, cli_env(tmp_path))
        wait_for(lambda: index.open_downloads, 60, "uv's download")
        (uv_pid, _), *_ = processes_mentioning(str(prefix))
        assert os.getpgid(uv_pid) == os.getpgid(proc.pid) and os.getsid(uv_pid) == os.getsid(proc.pid)
        index.release()
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err


def test_sigterm_during_restore_says_how_to_finish(tmp_path: Path) -> None:
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    points.record(describe(str(python)), reason="test")
    from tests.adversarial.actions_env import uv_install_private

    uv_install_private(python, wheels, tmp_path, "numpy==1.26.4")
    env = cli_env(tmp_path, UV_CACHE_DIR=str(tmp_path / "empty-cache"))  # restore must download numpy 2
    with HoldingIndex(wheels) as index:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "envdoctor",
                "restore",
                "--yes",
                "-q",
                "--python",
                str(python),
                "--find-links",
                index.url,
                "--no-index",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        wait_for(lambda: index.open_downloads, 60, "uv's download")
        os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        _no_child_left(prefix)
    assert proc.returncode == 143 and "Traceback" not in err, out + err
    assert "interrupted by SIGTERM" in err and "Finish with: envdoctor restore" in err
    command = err.split("Finish with: ", 1)[1].strip()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        [*shlex.split(command), "--find-links", str(wheels), "--no-index"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0 and "verified file by file" in done.stdout, done.stdout + done.stderr


def test_sigterm_during_create_leaves_a_marked_folder_force_replaces(tmp_path: Path) -> None:
    from tests.actions.fakes import build_wheel

    wheels = tmp_path / "wheels"
    build_wheel(wheels, "helper", "1.0", {"helper/__init__.py": ""})
    dest = tmp_path / "new-env"
    env = cli_env(tmp_path)
    with HoldingIndex(wheels) as index:
        args = [
            "create",
            "helper==1.0",
            "--no-plan",
            "--prefix",
            str(dest),
            "--no-verify",
            "-q",
            "--find-links",
            index.url,
            "--no-index",
        ]
        proc = subprocess.Popen(
            [sys.executable, "-m", "envdoctor", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        wait_for(lambda: index.open_downloads, 60, "uv's download")
        os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        _no_child_left(dest)
    assert proc.returncode == 143 and "Traceback" not in err, out + err
    assert (
        err.strip()
        .splitlines()[-1]
        .endswith(f"the unfinished environment at {dest} was made by envdoctor: `--force` replaces it")
    )
    done = run_cli(
        "create",
        "helper==1.0",
        "--no-plan",
        "--prefix",
        str(dest),
        "--no-verify",
        "--force",
        "--find-links",
        str(wheels),
        "--no-index",
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert installed(dest / "bin" / "python") == {"helper": "1.0"}


def test_restore_refuses_while_a_fix_holds_the_lock(tmp_path: Path) -> None:
    python, wheels = broken_venv(tmp_path)
    prefix = python.parent.parent
    env = cli_env(tmp_path)
    with HoldingIndex(wheels) as index:
        proc = start_fix(python, index.url, env)
        wait_for(lambda: step_started(prefix), 60, "the fix's step")
        done = run_cli("restore", "--yes", "--python", str(python), env=env)
        index.release()
        proc.communicate(timeout=120)
    assert done.returncode == 1 and "is changing" in done.stderr and "Traceback" not in done.stderr, done.stderr
