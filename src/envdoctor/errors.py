"""Errors that end a command with a clear message (never a traceback)."""

from __future__ import annotations


class EnvdoctorError(Exception):
    """A failure to report to the user as one line; `exit_code` is what the CLI returns."""

    exit_code = 1


class UsageError(EnvdoctorError):
    """Bad input from the user: a missing file, an unknown option value, a dead interpreter."""

    exit_code = 2


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived (raised by the CLI's handler, like KeyboardInterrupt for SIGINT):
    `finally` blocks and cleanup run, then the CLI prints one line and exits 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        import signal

        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"


class ResolutionUnavailable(EnvdoctorError):
    """The resolver could not answer (index unreachable, a tool failed): not a proof that nothing fits."""

    exit_code = 3
