"""`envdoctor run -- CMD`: a signal sent to envdoctor reaches the child (it used to wait 28 s for
a child that never heard of it); the terminal's Ctrl-C reaches it once, not twice; a second
SIGINT, or SIGTERM / SIGHUP, never leaves the child running."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envdoctor.childsignals import GRACE_SECONDS
from tests.adversarial.readers_env import ENVDOCTOR, cli_env, pid_alive

CHILD = """
import os, signal, sys, time
log, mode = sys.argv[1], sys.argv[2]
def handler(signum, frame):
    with open(log, "a") as out:
        out.write("%d\\n" % signum)
    if mode == "exit":
        sys.exit(7)
signal.signal(signal.SIGINT, handler)
signal.signal(signal.SIGTERM, handler)
signal.signal(signal.SIGHUP, handler)
with open(log + ".pid", "w") as out:
    out.write(str(os.getpid()))
for _ in range(3000):
    time.sleep(0.01)
sys.exit(3)
"""


def _start(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[bytes], Path]:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    log = tmp_path / "signals.log"
    proc = subprocess.Popen(
        [*ENVDOCTOR, "run", "--no-env", "--", sys.executable, str(script), str(log), mode],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(tmp_path),
    )
    _wait_for(lambda: (tmp_path / "signals.log.pid").exists())
    return proc, log


def _wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def _received(log: Path) -> list[int]:
    return [int(x) for x in log.read_text().split()] if log.exists() else []


def _child_pid(log: Path) -> int:
    return int(log.with_name(log.name + ".pid").read_text())


def test_sigint_to_envdoctor_is_forwarded_to_the_child(tmp_path: Path) -> None:
    proc, log = _start(tmp_path, "exit")
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert _received(log) == [signal.SIGINT]
    assert proc.returncode == 7  # the child's own exit, seconds before its 30 s were up
    assert time.monotonic() - started < 25


def test_a_second_sigint_ends_a_child_that_ignores_the_first(tmp_path: Path) -> None:
    proc, log = _start(tmp_path, "stay")
    proc.send_signal(signal.SIGINT)
    _wait_for(lambda: _received(log) == [signal.SIGINT])
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert _received(log) == [signal.SIGINT, signal.SIGTERM]  # then SIGKILL, GRACE_SECONDS later
    assert not pid_alive(_child_pid(log))
    assert proc.returncode == 128 + signal.SIGKILL
    assert b"Traceback" not in err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_end_the_child_and_envdoctor_says_so(tmp_path: Path, signum: int) -> None:
    proc, log = _start(tmp_path, "stay")
    started = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert _received(log) == [signum]
    assert not pid_alive(_child_pid(log))
    assert time.monotonic() - started < GRACE_SECONDS + 20
    assert proc.returncode == 128 + signum
    lines = err.decode().strip().splitlines()
    assert lines[-1] == f"envdoctor run: stopped by {signal.Signals(signum).name}"


def test_ctrl_c_on_a_terminal_reaches_the_child_once(tmp_path: Path) -> None:
    """The terminal sends SIGINT to the foreground process group: envdoctor and the child. envdoctor
    sees it came from the terminal and does not send it a second time."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    log = tmp_path / "signals.log"
    argv = [*ENVDOCTOR, "run", "--no-env", "--", sys.executable, str(script), str(log), "stay"]
    env = cli_env(tmp_path)
    pid, master = pty.fork()
    if pid == 0:  # the child: a session leader whose controlling terminal is the pty
        os.execvpe(argv[0], argv, env)
    try:
        _wait_for(lambda: (tmp_path / "signals.log.pid").exists())
        time.sleep(0.3)  # envdoctor is in its wait loop
        os.write(master, b"\x03")  # Ctrl-C
        _wait_for(lambda: _received(log) != [])
        time.sleep(1.0)  # a forwarded duplicate would arrive meanwhile
        assert _received(log) == [signal.SIGINT]
        os.write(master, b"\x03")  # the second: the child goes
        deadline = time.monotonic() + 30
        status = 0
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            select.select([master], [], [], 0.1)
            with contextlib.suppress(OSError):
                os.read(master, 65536)
        else:
            pytest.fail("envdoctor did not end after a second Ctrl-C")
        assert not pid_alive(_child_pid(log))
        assert os.WIFEXITED(status)
    finally:
        os.close(master)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
