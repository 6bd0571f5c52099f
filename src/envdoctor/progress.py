"""Progress on every step that can take more than a second, on standard error.

    with progress.step("importing tensorflow") as status:
        ...
        status.update("running a 64x64 matmul")      # optional: what it is doing now

On a terminal: a rich spinner with the step and the elapsed time, replaced by one line with the
outcome and the time when the step ends. Not on a terminal (CI logs): no animation; a line when the
step has run for a second (so a slow step shows what it waits on), and one when it ends. With
`-q` (output.quiet()): nothing. Standard output is never touched: `--format json` stays one JSON
document.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from envdoctor import output
from envdoctor.safetext import clean

if TYPE_CHECKING:
    from rich.status import Status


SLOW_S = 1.0


class StepStatus:
    """What a running step shows; `update` changes its label, `fail` marks the outcome."""

    def __init__(self, label: str, spinner: Status | None, stream: TextIO) -> None:
        self.label = label
        self.detail = ""
        self.failed: str | None = None
        self._spinner = spinner
        self._stream = stream
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def update(self, detail: str) -> None:
        self.detail = detail
        if self._spinner is not None:
            self._spinner.update(self._text())

    def fail(self, why: str) -> None:
        self.failed = why

    def _text(self) -> str:
        detail = f": {clean(self.detail)}" if self.detail else ""
        return f"{clean(self.label)}{detail}"


def _say(text: str, out: TextIO) -> None:
    with contextlib.suppress(OSError, ValueError):
        output.emit(text, out)


def _is_tty(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


@contextmanager
def step(label: str, *, stream: TextIO | None = None) -> Iterator[StepStatus]:
    """Show `label` while the block runs (see the module docstring)."""
    out = stream or sys.stderr
    if output.quiet():
        yield StepStatus(label, None, out)
        return
    tty = _is_tty(out)
    spinner: Status | None = None
    if tty:
        # lazy: keeps rich.console out of the start-up of a run whose stderr is no terminal (150.7 ms, 68 modules: rich)
        from rich.console import Console

        # lazy: loaded with rich.console, as above (render.terminal: 3.8 ms, 11 modules)
        from envdoctor.render.terminal import theme

        console = Console(file=out, theme=theme(), highlight=False, markup=False, no_color=not output.use_color(out))
        spinner = console.status(label, spinner="dots")
    status = StepStatus(label, spinner, out)
    timer: threading.Timer | None = None
    if spinner is not None:
        spinner.start()
    else:
        timer = threading.Timer(SLOW_S, _say, (f"… {status._text()}", out))
        timer.daemon = True
        timer.start()
    outcome = "done"
    try:
        yield status
    except BaseException as exc:
        outcome = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        raise
    finally:
        if spinner is not None:
            spinner.stop()
        if timer is not None:
            timer.cancel()
        if status.failed and outcome == "done":
            outcome = f"failed: {status.failed}"
        mark = "✓" if outcome == "done" else "✗"
        with contextlib.suppress(OSError, ValueError):  # a terminal that is gone is not an error
            output.emit(f"{mark} {status._text()} ({outcome}, {status.elapsed:.1f} s)", out)
