"""envdoctor.process, the one way envdoctor starts a child: real children, real process trees.
Bounded output, timeouts that take the whole tree down, the two process groups, the supervisor
hooks, what is shown passing the terminal gate -- and no other module starting a process."""

from __future__ import annotations

import ast
import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from envdoctor import process

SRC = Path(__file__).resolve().parents[1] / "src" / "envdoctor"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def _wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


PARENT_OF_A_SLEEPER = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
open(sys.argv[1], "w").write(str(child.pid))
time.sleep(300)
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the grandchild")
@pytest.mark.parametrize("group", ["ours", "own"])
def test_a_timeout_stops_the_child_and_what_it_started(tmp_path: Path, group: process.Group) -> None:
    pid_file = tmp_path / "grandchild"
    start = time.monotonic()
    done = process.run([sys.executable, "-c", PARENT_OF_A_SLEEPER, str(pid_file)], timeout=2.0, group=group)
    assert done.timed_out and not done.ok
    assert time.monotonic() - start < 30
    grandchild = int(pid_file.read_text())
    assert _wait_gone(grandchild), "the grandchild outlived the timeout"


def test_output_is_bounded_and_keeps_the_end(tmp_path: Path) -> None:
    script = "import sys\nfor i in range(200000): sys.stdout.write('line %d\\n' % i)\nprint('the end')"
    done = process.run([sys.executable, "-c", script], limit=64 * 1024)
    assert done.ok and done.truncated
    assert len(done.stdout.encode()) <= 64 * 1024
    assert done.stdout.rstrip().endswith("the end")
    small = process.run([sys.executable, "-c", "print('hi')"])
    assert small.stdout == "hi\n" and not small.truncated


def test_input_stderr_and_exit_codes() -> None:
    echo = process.run(
        [sys.executable, "-c", "import sys; sys.stderr.write(sys.stdin.read().upper()); sys.exit(3)"], input="abc"
    )
    assert (echo.returncode, echo.stderr, echo.ok) == (3, "ABC", False)
    killed = process.run([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"])
    assert process.signal_name(killed.returncode) == "SIGSEGV"


def test_a_missing_or_unrunnable_command_is_a_start_error(tmp_path: Path) -> None:
    with pytest.raises(process.StartError) as missing:
        process.run([str(tmp_path / "no-such-tool")])
    assert isinstance(missing.value.cause, FileNotFoundError)
    plain = tmp_path / "not-executable"
    plain.write_text("echo hi\n")
    with pytest.raises(process.StartError) as denied:
        process.spawn([str(plain)])
    assert isinstance(denied.value.cause, PermissionError)
    assert str(denied.value).startswith(f"cannot run {plain}")


def test_what_a_child_printed_is_shown_through_the_terminal_gate() -> None:
    done = process.run([sys.executable, "-c", "print('\\x1b]0;owned\\x07 \\x1b[2J done')"])
    assert "\x1b" not in done.tail() and "\\u001b" in done.tail()
    assert "\x1b" in done.stdout  # the raw output stays raw for the code that parses it


def test_the_own_group_is_a_new_session_and_ours_is_envdoctors() -> None:
    ask = "import os; print(os.getpgid(0), os.getsid(0))"
    ours = process.run([sys.executable, "-c", ask]).stdout.split()
    own = process.run([sys.executable, "-c", ask], group="own").stdout.split()
    assert int(ours[0]) == os.getpgid(0)
    assert int(own[0]) != os.getpgid(0) and own[0] == own[1]  # the leader of its own session


class _Recorder:
    def __init__(self, *, rollback: bool = False) -> None:
        self.events: list[tuple[str, int]] = []
        self.rollback = rollback
        self.checks = 0

    @contextlib.contextmanager
    def _shield(self) -> Iterator[None]:
        self.events.append(("shield", 0))
        yield

    def starting(self) -> contextlib.AbstractContextManager[object]:
        return self._shield()

    def new_session(self) -> bool:
        return self.rollback

    def started(self, pid: int) -> None:
        self.events.append(("started", pid))

    def ended(self, pid: int) -> None:
        self.events.append(("ended", pid))

    def check(self) -> None:
        self.checks += 1


def test_a_supervisor_sees_every_child_start_and_end() -> None:
    watcher = _Recorder()
    with process.supervised(watcher):
        process.run([sys.executable, "-c", "pass"])
        child = process.spawn([sys.executable, "-c", "pass"], stdout=None, stderr=None)
        child.wait(30)
    kinds = [kind for kind, _ in watcher.events]
    assert kinds == ["shield", "started", "ended", "shield", "started", "ended"]
    assert watcher.events[1][1] == watcher.events[2][1] != watcher.events[4][1]
    assert watcher.checks == 1  # run() takes a signal noted while the child started
    assert process.run([sys.executable, "-c", "pass"]).ok  # outside: no supervisor
    assert len(watcher.events) == 6


def test_during_a_rollback_children_get_a_session_of_their_own() -> None:
    with process.supervised(_Recorder(rollback=True)):
        done = process.run([sys.executable, "-c", "import os; print(os.getsid(0) == os.getpid())"])
    assert done.stdout.strip() == "True"


def test_an_exception_while_waiting_stops_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    real_spawn = process.spawn

    def spawn(*args: object, **kwargs: object) -> process.Child:
        child = real_spawn(*args, **kwargs)  # type: ignore[arg-type]
        started.append(child.pid)
        return child

    monkeypatch.setattr(process, "spawn", spawn)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(KeyboardInterrupt):
            process.run([sys.executable, "-c", "import time; time.sleep(300)"])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert started and _wait_gone(started[0])


def test_no_other_module_starts_a_process() -> None:
    """Every child goes through envdoctor.process (the in-target scripts, which run inside the
    target interpreter, are not envdoctor's process)."""
    starters = {"Popen", "run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name in ("process.py", "_inside.py", "_scan.py", "_verify_inside.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("subprocess", "os", "asyncio"):
                names = {alias.name for alias in node.names}
                if names & (starters | {"system", "popen"}) or any(n.startswith("create_subprocess") for n in names):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: from {node.module} import {sorted(names)}")
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if not isinstance(node.func.value, ast.Name):
                continue
            module, name = node.func.value.id, node.func.attr
            if (
                (module == "subprocess" and name in starters)
                or (
                    module == "os"
                    and (name.startswith(("spawn", "exec", "posix_spawn")) or name in ("system", "popen"))
                )
                or (module == "asyncio" and name.startswith("create_subprocess"))
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {module}.{name}")
    assert found == []
