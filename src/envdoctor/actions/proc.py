"""Commands of actions, as reported: progress lines on stderr, a step's outcome, JSON-lines
results. The child processes themselves run through `envdoctor.process`."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from envdoctor import output
from envdoctor.output import emit_error
from envdoctor.process import Completed, run
from envdoctor.progress import step as progress_step


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
    with contextlib.suppress(OSError, ValueError):
        emit_error(f"envdoctor: {message}")  # commands and paths: through the terminal gate


def run_step(label: str, argv: Sequence[str], *, env: Mapping[str, str] | None, quiet: bool) -> Completed:
    """`run` under a progress step (envdoctor.progress: a spinner with the elapsed time on a
    terminal, lines in a log): "<label> <command>", then its outcome and time; nothing when `quiet`.
    The command is cut to one line; `-v` shows it whole."""
    if quiet:
        return run(argv, env=env)
    command = quote(argv)
    output.note(f"{label} {command}")
    shown = command if len(command) <= 90 else command[:89] + "…"
    with progress_step(f"{label} {shown}") as status:
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
