"""Running commands for actions: progress lines on stderr, captured output, clean timeouts."""

from __future__ import annotations

import contextlib
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
    """One progress line on stderr (never on stdout, which carries the report); a terminal that
    is gone (EIO after a hang-up) is not an error."""
    from envdoctor.output import emit_error

    with contextlib.suppress(OSError, ValueError):
        emit_error(f"envdoctor: {message}")  # commands and paths: through the terminal gate


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout: float | None = None,
    stream: bool = False,
    input: str | None = None,
) -> Completed:
    """Run `argv`; with `stream`, its stderr goes straight to ours (uv's own progress bars).

    The child runs in envdoctor's process group (the terminal's Ctrl-C and hang-up reach it too);
    during a change (`interrupts.guarded()`) the guardian knows it, so it dies with envdoctor even
    on SIGKILL. A rollback's children get their own session instead: a second Ctrl-C must not cut
    the rollback short. A timeout, a signal or any error stops the child and its descendants, and
    waits for them, before returning or raising. A missing executable raises EnvdoctorError.
    """
    from envdoctor.actions import guardian, interrupts

    start = time.perf_counter()
    tracked = interrupts.active()
    # a signal while the child starts would leave it running unknown to us: noted, taken just after
    with interrupts.shielded(deliver=False):
        try:
            proc = subprocess.Popen(
                list(argv),
                stdout=subprocess.PIPE,
                stderr=None if stream else subprocess.PIPE,
                stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                text=True,
                errors="replace",
                start_new_session=interrupts.is_closing(),
            )
        except OSError as exc:
            raise EnvdoctorError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
        if tracked:
            guardian.track(proc.pid)
    try:
        interrupts.check()
        out, err = proc.communicate(input=input, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        stop_tree(proc)
        out, err = proc.communicate()
        timed_out = True
    except BaseException:  # a signal (Interrupted), Ctrl-C: never leave the child running
        with interrupts.shielded(deliver=False):
            stop_tree(proc)
        raise
    finally:
        if tracked:
            guardian.untrack(proc.pid)
    return Completed(list(argv), proc.returncode, out or "", err or "", time.perf_counter() - start, timed_out)


def run_step(label: str, argv: Sequence[str], *, env: Mapping[str, str] | None, quiet: bool) -> Completed:
    """`run` under a progress step (envdoctor.progress: a spinner with the elapsed time on a
    terminal, lines in a log): "<label> <command>", then its outcome and time; nothing when `quiet`.
    The command is cut to one line; `-v` shows it whole."""
    if quiet:
        return run(argv, env=env)
    from envdoctor import output, progress

    command = quote(argv)
    output.note(f"{label} {command}")
    shown = command if len(command) <= 90 else command[:89] + "…"
    with progress.step(f"{label} {shown}") as status:
        done = run(argv, env=env)
        if not done.ok:
            status.fail(f"exit {done.returncode}")
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


def stop_tree(proc: subprocess.Popen[str], grace: float = 3.0) -> None:
    """SIGTERM to the child and its descendants, SIGKILL to what is left after `grace` seconds;
    returns once the child has been reaped."""
    if proc.poll() is None:
        tree = descendants(proc.pid)
        _signal_all([proc.pid, *tree], signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
        tree = list(dict.fromkeys(tree + descendants(proc.pid)))
        _signal_all([proc.pid, *tree] if proc.poll() is None else tree, signal.SIGKILL)
    else:
        _signal_all(descendants(proc.pid), signal.SIGKILL)
    proc.wait()


def signal_name(returncode: int) -> str | None:
    """'SIGILL' for a child killed by signal 4 (returncode -4)."""
    if returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"
