"""Waiting for a child (`envdoctor run -- CMD`) so that signals sent to envdoctor reach it.

The child runs in envdoctor's process group, so it can read the terminal and Ctrl-C reaches it
directly. What does not reach it by itself: a signal sent to envdoctor alone (`kill -INT PID`,
a supervisor's SIGTERM). While the child runs:

- SIGINT from the terminal (si_code SI_KERNEL: the child got it too) is not sent again; SIGINT
  sent to envdoctor alone is forwarded to the child;
- a second SIGINT, or a SIGTERM / SIGHUP, is sent to the child and, if it is still running
  GRACE_SECONDS later, followed by SIGKILL: envdoctor never leaves it running.

On Linux the signals are taken with sigtimedwait, which tells where each came from. Elsewhere
(macOS has no sigtimedwait) handlers do it, and a first SIGINT is forwarded unless standard
input is a terminal (then the terminal sent it to the whole group), as uv does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

GRACE_SECONDS = 3.0
_POLL = 0.02
_SI_KERNEL = 0x80  # Linux: the kernel sent it (the terminal's Ctrl-C), not kill(2)
_WATCHED = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


@dataclass
class Waited:
    """How the child ended and which signals envdoctor received meanwhile."""

    returncode: int
    received: list[int] = field(default_factory=list)

    @property
    def stopped_by(self) -> int | None:
        """The SIGTERM / SIGHUP that ended the wait, if one did."""
        return next((s for s in self.received if s != signal.SIGINT), None)

    @property
    def interrupted(self) -> bool:
        return signal.SIGINT in self.received


class _Escalation:
    def __init__(self, child: subprocess.Popen[bytes]) -> None:
        self.child = child
        self.received: list[int] = []
        self.kill_at: float | None = None

    def send(self, signum: int) -> None:
        with contextlib.suppress(OSError):
            if self.child.poll() is None:
                self.child.send_signal(signum)

    def on_signal(self, signum: int, from_terminal: bool) -> None:
        first_sigint = signum == signal.SIGINT and signal.SIGINT not in self.received
        self.received.append(signum)
        if first_sigint:
            if not from_terminal:
                self.send(signal.SIGINT)
            return
        # A second SIGINT, or SIGTERM / SIGHUP: the child goes, now or after the grace time.
        self.send(signal.SIGTERM if signum == signal.SIGINT else signum)
        if self.kill_at is None:
            self.kill_at = time.monotonic() + GRACE_SECONDS

    def tick(self) -> None:
        if self.kill_at is not None and time.monotonic() >= self.kill_at:
            self.send(signal.SIGKILL)
            self.kill_at = None


@contextlib.contextmanager
def held_signals() -> Iterator[bool]:
    """Block SIGINT, SIGTERM and SIGHUP in this thread (and in threads started inside the block)
    so that `wait_child` takes them with sigtimedwait. Enter it after starting the child (which
    must not inherit the mask). Yields whether that is how they are taken."""
    usable = (
        hasattr(signal, "sigtimedwait")
        and hasattr(signal, "pthread_sigmask")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield False
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)
    try:
        yield True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # one still pending is delivered now


def wait_child(child: subprocess.Popen[bytes], *, held: bool) -> Waited:
    """Wait for `child`, forwarding signals as the module says. held: inside `held_signals()`."""
    escalation = _Escalation(child)
    if held:
        while child.poll() is None:
            info = signal.sigtimedwait(_WATCHED, _POLL)
            if info is not None:
                escalation.on_signal(info.si_signo, from_terminal=info.si_code == _SI_KERNEL)
            escalation.tick()
    else:
        _wait_with_handlers(child, escalation)
    return Waited(child.returncode, escalation.received)


def _wait_with_handlers(child: subprocess.Popen[bytes], escalation: _Escalation) -> None:
    if threading.current_thread() is not threading.main_thread():
        child.wait()
        return
    tty = _stdin_is_tty()

    def handler(signum: int, frame: object) -> None:
        escalation.on_signal(signum, from_terminal=signum == signal.SIGINT and tty)

    previous = {s: signal.signal(s, handler) for s in _WATCHED}
    try:
        while True:
            try:
                child.wait(_POLL)
                return
            except subprocess.TimeoutExpired:
                escalation.tick()
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and os.isatty(sys.stdin.fileno())
    except (OSError, ValueError):
        return False


__all__ = ["GRACE_SECONDS", "Waited", "held_signals", "wait_child"]
