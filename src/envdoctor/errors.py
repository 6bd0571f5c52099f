"""Errors that end a command with a clear message (never a traceback)."""

from __future__ import annotations

import signal

from envdoctor import exitcodes


class EnvdoctorError(Exception):
    """A failure to report to the user as one line; `exit_code` is what the CLI returns."""

    exit_code = exitcodes.FAILED


class UsageError(EnvdoctorError):
    """Bad input from the user: a missing file, an unknown option value, a dead interpreter."""

    exit_code = exitcodes.USAGE


class SourceError(UsageError):
    """An environment that cannot be read as named: no such interpreter, prefix, kernel or
    snapshot file, or one that is unreadable. Every environment source raises it (exit 2)."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived (raised by the CLI's handler, like KeyboardInterrupt for SIGINT):
    `finally` blocks and cleanup run, then the CLI prints one line and exits 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"


class ResolutionUnavailable(EnvdoctorError):
    """The resolver could not answer (index unreachable, a tool failed): not a proof that nothing fits."""

    exit_code = exitcodes.UNRESOLVED
