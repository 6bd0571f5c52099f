"""Signals during a change: SIGINT, SIGTERM and SIGHUP end the running step cleanly.

While `guarded()` is active the three signals raise `Interrupted` (a BaseException, so no `except
Exception` swallows it) in the main thread; `envdoctor.process.run` then stops the running child
tool and its own children and waits for them, and the action rolls back. Every child started
inside is watched (`envdoctor.process.Supervisor`): started shielded, known to the guardian, and
in a session of its own during a rollback. Inside `shielded()` (writing a restore
point, rolling back) a signal is only remembered: it takes effect when the shield ends, or never
inside `finishing()` (a rollback is finished, not abandoned half-way).

`say()` writes one line to stderr and ignores a terminal that is gone (after SIGHUP, writes fail
with EIO): the message is also in the restore point's journal.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType, TracebackType

from envdoctor import exitcodes, process
from envdoctor.actions import guardian
from envdoctor.errors import EnvdoctorError
from envdoctor.output import emit_error

SIGNALS = tuple(
    s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s
)


def signal_label(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class Interrupted(BaseException):
    """A signal arrived while a change was under way."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_label(signum))
        self.signum = signum

    @property
    def label(self) -> str:
        return signal_label(self.signum)


class Interruption(EnvdoctorError):
    """What the CLI reports after an interrupted change (exit 128 + the signal's number)."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.exit_code = exitcodes.signalled(signum)


def say(line: str) -> None:
    """One line on stderr; a closed terminal (EIO after SIGHUP) or pipe is not an error."""
    with suppress(OSError, ValueError):
        emit_error(line)  # through the terminal gate: paths and names come from the environment


class _Guard:
    def __init__(self) -> None:
        self.pending: int | None = None
        self.depth = 0
        self.closed = False
        self.noted = False
        self.previous: dict[int, object] = {}

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if self.depth or self.closed:
            if self.pending is None:
                self.pending = signum
            if not self.noted:
                self.noted = True
                say(f"envdoctor: {signal_label(signum)} received; finishing the current step first")
            return
        raise Interrupted(signum)

    def check(self) -> None:
        if self.pending is not None and not self.closed and not self.depth:
            signum, self.pending = self.pending, None
            raise Interrupted(signum)


_active: _Guard | None = None


@contextmanager
def guarded() -> Iterator[None]:
    """SIGINT / SIGTERM / SIGHUP raise Interrupted inside (main thread only; elsewhere a no-op)."""
    global _active
    if _active is not None or threading.current_thread() is not threading.main_thread():
        yield
        return
    guard = _Guard()
    for signum in SIGNALS:
        guard.previous[signum] = signal.signal(signum, guard.handler)
    _active = guard
    try:
        with process.supervised(_Watching()):
            yield
    finally:
        _active = None
        for signum, previous in guard.previous.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]


class _Shield:
    def __init__(self, deliver: bool) -> None:
        self.deliver = deliver

    def __enter__(self) -> None:
        if _active is not None:
            _active.depth += 1

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if _active is None:
            return
        _active.depth -= 1
        if kind is None and self.deliver:
            _active.check()


class _Watching:
    """The `envdoctor.process.Supervisor` of a change under way."""

    def starting(self) -> _Shield:
        return shielded(deliver=False)

    def new_session(self) -> bool:
        return is_closing()

    def started(self, pid: int) -> None:
        guardian.track(pid)

    def ended(self, pid: int) -> None:
        guardian.untrack(pid)

    def check(self) -> None:
        check()


def shielded(*, deliver: bool = True) -> _Shield:
    """A region a signal does not cut: it takes effect at the end (not inside finishing()), or
    with deliver=False at the caller's next check()."""
    return _Shield(deliver)


def check() -> None:
    """Raise Interrupted now if a signal arrived in a shielded region."""
    if _active is not None:
        _active.check()


@contextmanager
def finishing() -> Iterator[None]:
    """A rollback: signals inside are only noted (its children get a session of their own, so a
    second Ctrl-C does not reach them either); after it, signals interrupt again."""
    if _active is None:
        yield
        return
    was = _active.closed
    _active.closed = True
    try:
        yield
    finally:
        _active.closed = was


def pending() -> int | None:
    return _active.pending if _active is not None else None


def active() -> bool:
    """Is a change under way (signals guarded)?"""
    return _active is not None


def is_closing() -> bool:
    return _active is not None and _active.closed
