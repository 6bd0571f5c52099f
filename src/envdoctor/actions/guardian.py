"""Child tools stop when envdoctor stops, even when it is killed with SIGKILL.

Child tools (uv, pip, conda, the py-rattler worker) run in envdoctor's own process group, so the
terminal's Ctrl-C and hang-up reach them too, and `proc.run` stops a child's whole tree when a
step is interrupted. What no handler sees is SIGKILL of envdoctor alone: the child would go on
changing the environment. Hence a guardian: a small stdlib-only Python process started next to the
first child, told the pid (and start time) of every running child over a pipe. When the pipe
closes without a goodbye -- envdoctor is gone -- it stops (SIGSTOP, so nothing forks meanwhile)
and then kills (SIGKILL) every tracked child and all its descendants, found through /proc. It
ignores SIGINT, SIGTERM and SIGHUP itself (they reach envdoctor, which handles them) and exits on
the goodbye. Where there is no /proc, only the tracked pids are killed.

Hand-written: no library supervises a process tree from outside its parent.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

from envdoctor import process

GUARDIAN_SOURCE = r"""
import os, signal, sys
for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE", "SIGTSTP"):
    if hasattr(signal, name):
        signal.signal(getattr(signal, name), signal.SIG_IGN)

def stat(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as handle:
            data = handle.read()
    except (IOError, OSError):
        return None
    return data[data.rindex(b")") + 2:].split()

def start_time(pid):
    fields = stat(pid)
    return fields[19] if fields else None

def children():
    found = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if name.isdigit():
            fields = stat(int(name))
            if fields:
                found.setdefault(int(fields[1]), []).append(int(name))
    return found

def tree(roots):
    kids = children()
    out, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        if pid in out or pid == os.getpid():
            continue
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out

def signal_all(pids, signum):
    for pid in pids:
        try:
            os.kill(pid, signum)
        except OSError:
            pass

tracked = {}
buffer = b""
while True:
    try:
        chunk = os.read(0, 4096)
    except OSError:
        chunk = b""
    if not chunk:
        break
    buffer += chunk
    while b"\n" in buffer:
        line, buffer = buffer.split(b"\n", 1)
        verb, _, arg = line.partition(b" ")
        if verb == b"bye":
            sys.exit(0)
        if verb == b"track" and arg.isdigit():
            tracked[int(arg)] = start_time(int(arg))
        elif verb == b"untrack" and arg.isdigit():
            tracked.pop(int(arg), None)

roots = [pid for pid, started in tracked.items() if start_time(pid) == started]
if os.path.isdir("/proc"):
    for _ in range(3):
        signal_all(tree(roots), signal.SIGSTOP)
    signal_all(tree(roots), signal.SIGKILL)
    signal_all(tree(roots), signal.SIGCONT)
else:
    signal_all(roots, signal.SIGKILL)
"""


class Guardian:
    def __init__(self) -> None:
        self._proc: process.Child | None = None
        self._lock = threading.Lock()

    def _started(self) -> process.Child | None:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        try:  # not watched itself: it is the watcher
            self._proc = process.spawn(
                [sys.executable, "-I", "-S", "-c", GUARDIAN_SOURCE],
                stdin=process.PIPE,
                stdout=process.DEVNULL,
                stderr=process.DEVNULL,
                supervise=False,
            )
        except process.StartError:
            self._proc = None
        return self._proc

    def _send(self, line: str) -> None:
        with self._lock:
            proc = self._started() if line.startswith("track") else self._proc
            stdin = proc.popen.stdin if proc is not None else None
            if stdin is None:
                return
            try:
                stdin.write(line.encode() + b"\n")
                stdin.flush()
            except (OSError, ValueError):
                pass

    def track(self, pid: int) -> None:
        self._send(f"track {pid}")

    def untrack(self, pid: int) -> None:
        self._send(f"untrack {pid}")

    def close(self) -> None:
        """Goodbye: envdoctor ends normally (its children are done)."""
        with self._lock:
            proc, self._proc = self._proc, None
        stdin = proc.popen.stdin if proc is not None else None
        if proc is None or stdin is None:
            return
        try:
            stdin.write(b"bye\n")
            stdin.close()
        except (OSError, ValueError):
            pass
        try:
            proc.wait(timeout=5)
        except process.TimeoutExpired:
            proc.stop(grace=0)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None


GUARDIAN = Guardian()
atexit.register(GUARDIAN.close)


def track(pid: int) -> None:
    if os.name == "posix":
        GUARDIAN.track(pid)


def untrack(pid: int) -> None:
    if os.name == "posix":
        GUARDIAN.untrack(pid)
