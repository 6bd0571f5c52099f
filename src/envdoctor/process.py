"""Every child process envdoctor starts goes through this module: how it is started, how much of
its output is kept, how long it may run, and how it is stopped with everything it started.

- `run(argv, ...)` runs a command to its end and returns a `Completed`: its exit code and output,
  at most `limit` bytes of each stream (the last ones; `truncated` says when more came).
- `spawn(argv, ...)` starts one whose output the caller reads as it comes (the in-target probe,
  `envdoctor run`'s command) and returns a `Child`.

Both take a `group`:
- "ours": envdoctor's process group, so the terminal's Ctrl-C and hang-up reach the child as they
  reach envdoctor (uv, pip, conda, the imports verify runs, `envdoctor run`'s command). It is
  stopped with its descendants, found through /proc: SIGTERM, then SIGKILL after a grace time.
- "own": a session of its own (the probe, which runs whatever interpreter the environment has):
  stopped at once with SIGKILL to its whole process group.

A timeout, an exception or a signal while `run` waits stops the child and reaps it: nothing is
left running. While a change is under way (`envdoctor.actions.interrupts.guarded()`) a
`Supervisor` is installed: children start shielded from signals, the guardian learns each pid (so
they die with envdoctor even on SIGKILL), and during a rollback they get a session of their own.
What a child printed is shown through `Completed.tail()`, which passes the terminal gate
(`envdoctor.safetext.terminal_safe`).

Stdlib only (check starts the probe through it before anything heavy is imported). Hand-written
around subprocess: no library bounds the output and stops a process tree this way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Literal, Protocol

from envdoctor.errors import EnvdoctorError
from envdoctor.safetext import terminal_safe

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

GRACE = 3.0  # seconds between SIGTERM and SIGKILL for a child in envdoctor's process group
OUTPUT_LIMIT = 16 << 20  # bytes kept of each stream of a child run to its end
Group = Literal["ours", "own"]
PIPE = subprocess.PIPE
DEVNULL = subprocess.DEVNULL
TimeoutExpired = subprocess.TimeoutExpired


class Supervisor(Protocol):
    """What watches children while a change is under way (envdoctor.actions.interrupts)."""

    def starting(self) -> AbstractContextManager[object]:
        """The region a child is started in: a signal there is noted, taken by `check()` after."""
        ...

    def new_session(self) -> bool:
        """Whether children of envdoctor's group start in a session of their own (a rollback)."""
        ...

    def started(self, pid: int) -> None: ...

    def ended(self, pid: int) -> None: ...

    def check(self) -> None:
        """Deliver a signal noted while the child started."""
        ...


_supervisor: Supervisor | None = None


@contextlib.contextmanager
def supervised(supervisor: Supervisor) -> Iterator[None]:
    """Every child started inside is watched by `supervisor`."""
    global _supervisor
    previous, _supervisor = _supervisor, supervisor
    try:
        yield
    finally:
        _supervisor = previous


class StartError(EnvdoctorError):
    """A child that could not be started; `cause` is the OSError (FileNotFoundError: no such
    command, PermissionError: not executable)."""

    def __init__(self, argv: Sequence[str], cause: OSError) -> None:
        super().__init__(f"cannot run {argv[0] if argv else '?'}: {cause.strerror or cause}")
        self.cause = cause


class Child:
    """A started child process (see `spawn`)."""

    def __init__(self, argv: list[str], popen: subprocess.Popen[bytes], group: Group, watcher: Supervisor | None):
        self.argv = argv
        self.popen = popen
        self.group = group
        self._watcher = watcher
        self._ended = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.returncode

    def poll(self) -> int | None:
        code = self.popen.poll()
        if code is not None:
            self._forget()
        return code

    def wait(self, timeout: float | None = None) -> int:
        """Its exit code (-N: killed by signal N); raises TimeoutExpired after `timeout` seconds."""
        code = self.popen.wait(timeout)
        self._forget()
        return code

    def send_signal(self, signum: int) -> None:
        """`signum` to the child alone, if it still runs."""
        with contextlib.suppress(OSError):
            if self.popen.poll() is None:
                self.popen.send_signal(signum)

    def kill(self) -> None:
        """SIGKILL to the child and everything it started, now (without waiting for it): its
        process group ("own"), or it and its descendants ("ours")."""
        proc = self.popen
        if self.group == "own" and os.name == "posix":
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            return
        tree = descendants(proc.pid)
        _signal_all([proc.pid, *tree] if proc.poll() is None else tree, signal.SIGKILL)

    def stop(self, grace: float | None = None) -> None:
        """Stop the child and everything it started, and reap it. "own": SIGKILL to its process
        group at once; "ours": SIGTERM to it and its descendants, SIGKILL to what is left after
        `grace` seconds (default GRACE)."""
        proc = self.popen
        if self.group == "ours" and proc.poll() is None:
            tree = descendants(proc.pid)
            _signal_all([proc.pid, *tree], signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=GRACE if grace is None else grace)
            tree = list(dict.fromkeys(tree + descendants(proc.pid)))
            _signal_all([proc.pid, *tree] if proc.poll() is None else tree, signal.SIGKILL)
        else:
            self.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30.0)
        self._forget()

    def close_streams(self) -> None:
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()

    def _forget(self) -> None:
        if not self._ended:
            self._ended = True
            if self._watcher is not None:
                self._watcher.ended(self.popen.pid)


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    stdin: int | None = DEVNULL,
    stdout: int | None = PIPE,
    stderr: int | None = PIPE,
    group: Group = "ours",
    supervise: bool = True,
) -> Child:
    """Start `argv` (binary pipes where PIPE is asked for; None: envdoctor's own stream).
    supervise=False: not watched by the supervisor (only the guardian itself)."""
    argv = list(argv)
    watcher = _supervisor if supervise else None
    own_session = group == "own" or (watcher is not None and watcher.new_session())
    shield: AbstractContextManager[object] = watcher.starting() if watcher is not None else contextlib.nullcontext()
    # A signal while the child starts would leave it running unknown to us: noted, taken after.
    with shield:
        try:
            popen = subprocess.Popen(
                argv,
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=own_session,
            )
        except OSError as exc:
            raise StartError(argv, exc) from None
        if watcher is not None:
            watcher.started(popen.pid)
    return Child(argv, popen, "own" if own_session else "ours", watcher)


class Collector:
    """Drains one of a child's pipes in a thread, keeping its last `limit` bytes (so the child
    never blocks on a full pipe, and memory stays bounded)."""

    def __init__(self, stream: IO[bytes], limit: int = OUTPUT_LIMIT) -> None:
        self.limit = limit
        self.truncated = False
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes]) -> None:
        try:
            fd = stream.fileno()
            for chunk in iter(lambda: os.read(fd, 65536), b""):
                self._chunks.append(chunk)
                self._size += len(chunk)
                while self._size > self.limit and self._chunks:
                    self.truncated = True
                    extra = self._size - self.limit
                    first = self._chunks[0]
                    if len(first) <= extra:
                        self._chunks.popleft()
                        self._size -= len(first)
                    else:
                        self._chunks[0] = first[extra:]
                        self._size -= extra
        except (OSError, ValueError):
            pass

    def join(self, timeout: float | None = None) -> bool:
        """Whether the stream has ended (within `timeout` seconds)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def data(self) -> bytes:
        return b"".join(self._chunks)

    def text(self) -> str:
        return decode(self.data)


def decode(data: bytes) -> str:
    """A child's output as text: UTF-8 (undecodable bytes replaced), newlines as in text mode."""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


class Completed:
    """How a child run by `run` ended, and what it printed."""

    def __init__(
        self,
        argv: list[str],
        returncode: int,
        stdout: str,
        stderr: str,
        seconds: float,
        timed_out: bool = False,
        truncated: bool = False,
    ) -> None:
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.timed_out = timed_out
        self.truncated = truncated  # a stream printed more than the limit: its start is gone

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 20) -> str:
        """Its last `lines` lines of output (stderr, then stdout), safe to show on a terminal."""
        text = (self.stderr or "") + (self.stdout or "")
        return terminal_safe("\n".join(text.strip().splitlines()[-lines:]))

    def __repr__(self) -> str:
        return f"Completed(argv={self.argv!r}, returncode={self.returncode}, timed_out={self.timed_out})"


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout: float | None = None,
    input: str | None = None,
    stream_stderr: bool = False,
    group: Group = "ours",
    limit: int = OUTPUT_LIMIT,
) -> Completed:
    """Run `argv` to its end (or `timeout`: then it is stopped, `timed_out`); stream_stderr: its
    stderr goes straight to envdoctor's (uv's own progress bars). A child that cannot start
    raises StartError."""
    start = time.perf_counter()
    child = spawn(
        argv,
        env=env,
        cwd=cwd,
        stdin=DEVNULL if input is None else PIPE,
        stdout=PIPE,
        stderr=None if stream_stderr else PIPE,
        group=group,
    )
    popen = child.popen
    assert popen.stdout is not None
    out = Collector(popen.stdout, limit)
    err = Collector(popen.stderr, limit) if popen.stderr is not None else None
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    try:
        watcher = _supervisor
        if watcher is not None:
            watcher.check()
        if input is not None:
            threading.Thread(target=_feed, args=(popen.stdin, input.encode("utf-8")), daemon=True).start()
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.stop()
            timed_out = True
        # A descendant that keeps the pipes open past the time limit goes too.
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not all(c.join(left) for c in (out, err) if c is not None):
            child.stop()
            timed_out = True
            for collector in (out, err):
                if collector is not None:
                    collector.join(5.0)
    except BaseException:  # a signal (Interrupted), Ctrl-C: never leave the child running
        shield = _supervisor.starting() if _supervisor is not None else contextlib.nullcontext()
        with shield:
            child.stop()
        raise
    finally:
        child.close_streams()
    return Completed(
        list(argv),
        popen.returncode if popen.returncode is not None else -signal.SIGKILL,
        out.text(),
        err.text() if err is not None else "",
        time.perf_counter() - start,
        timed_out,
        out.truncated or (err is not None and err.truncated),
    )


def _feed(stream: IO[bytes] | None, data: bytes) -> None:
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(data)
    with contextlib.suppress(OSError, ValueError):
        stream.close()


def descendants(pid: int) -> list[int]:
    """Every living descendant of `pid` (from /proc; none where there is no /proc)."""
    children: dict[int, list[int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                data = handle.read()
            parent = int(data[data.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(name))
    out: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        if child not in out:
            out.append(child)
            todo += children.get(child, [])
    return out


def _signal_all(pids: Sequence[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


def signal_name(returncode: int) -> str | None:
    """'SIGILL' for a child killed by signal 4 (returncode -4)."""
    if returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"
