"""Running commands for actions: progress lines on stderr, captured output, clean timeouts."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass
class StepRun:
    """One command an action ran (create's build steps, fix's and restore's commands), as reported."""

    argv: list[str]
    ok: bool
    seconds: float
    output_tail: str = ""
    name: str | None = None  # create's steps are named ("venv", "packages"); fix's and restore's are not

    @classmethod
    def of(cls, done: Completed, *, name: str | None = None, tail: int = 30) -> StepRun:
        return cls(list(done.argv), done.ok, done.seconds, done.tail(tail), name)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.name is None else {"name": self.name}
        data.update(
            command=quote(self.argv),
            ok=self.ok,
            seconds=round(self.seconds, 3),
            output_tail=self.output_tail if not self.ok else "",
        )
        return data


def quote(argv: Sequence[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


def progress(message: str) -> None:
    """One progress line on stderr (never on stdout, which carries the report)."""
    from envdoctor.output import emit_error

    emit_error(f"envdoctor: {message}")  # commands and paths: through the terminal gate


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


def run_step(label: str, argv: Sequence[str], *, env: Mapping[str, str] | None, quiet: bool) -> Completed:
    """`run` between two progress lines: "<label> <command>", then "<label> done in 1.2 s" (or
    "FAILED (exit N)"); none when `quiet`."""
    if not quiet:
        progress(f"{label} {quote(argv)}")
    done = run(argv, env=env)
    if not quiet:
        state = "done" if done.ok else f"FAILED (exit {done.returncode})"
        progress(f"{label} {state} in {done.seconds:.1f} s")
    return done


def read_json_lines(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The JSON objects of a JSON-lines file (a verify child's results, a restore point's journal);
    a line cut short by a crash or a kill is skipped, a missing file reads as none."""
    found: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if isinstance(data, dict):
                    found.append(data)
    except OSError:
        pass
    return found


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
