"""Running commands for actions: progress lines on stderr, captured output, clean timeouts."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from envdoctor.errors import EnvdoctorError


@dataclass
class Completed:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 20) -> str:
        text = (self.stderr or "") + (self.stdout or "")
        return "\n".join(text.strip().splitlines()[-lines:])


def quote(argv: Sequence[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


def progress(message: str) -> None:
    """One progress line on stderr (never on stdout, which carries the report)."""
    print(f"envdoctor: {message}", file=sys.stderr, flush=True)


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout: float | None = None,
    stream: bool = False,
) -> Completed:
    """Run `argv`; with `stream`, its stderr goes straight to ours (uv's own progress bars).

    A missing executable raises EnvdoctorError; a timeout kills the whole process group.
    """
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=None if stream else subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as exc:
        raise EnvdoctorError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = proc.communicate()
        timed_out = True
    except BaseException:  # Ctrl-C: do not leave the child running
        kill_group(proc)
        proc.wait()
        raise
    return Completed(list(argv), proc.returncode, out or "", err or "", time.perf_counter() - start, timed_out)


def kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        proc.kill()


def signal_name(returncode: int) -> str | None:
    """'SIGILL' for a child killed by signal 4 (returncode -4)."""
    if returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"
