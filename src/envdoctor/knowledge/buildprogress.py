"""The knowledge-base generator's progress bar on stderr (a line that rewrites itself on a terminal, plain
messages otherwise).
"""

from __future__ import annotations

import threading
import time
from typing import TextIO


class Progress:
    """A one-line bar on a terminal; plain periodic lines otherwise; nothing when quiet."""

    def __init__(self, stream: TextIO | None, label: str = "") -> None:
        self.stream = stream
        self.label = label
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()
        self._last = 0.0
        self._tty = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())
        self._printed: tuple[int, int] = (-1, -1)

    def add(self, n: int) -> None:
        with self._lock:
            self.total += n
        self._show()

    def step(self, what: str = "") -> None:
        with self._lock:
            self.done += 1
        self._show(what)

    def message(self, text: str) -> None:
        if self.stream is None:
            return
        with self._lock:
            if self._tty:
                self.stream.write("\r\033[K")
            self.stream.write(text + "\n")
            self.stream.flush()

    def _show(self, what: str = "", final: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        with self._lock:
            interval = 0.1 if self._tty else 5.0
            if not final and now - self._last < interval and self.done != self.total:
                return
            self._last = now
            total = max(self.total, 1)
            if self._tty:
                width = 30
                filled = int(width * self.done / total)
                bar = "#" * filled + "-" * (width - filled)
                self.stream.write(f"\r\033[K{self.label} [{bar}] {self.done}/{self.total} {what[:40]}")
                if final:
                    self.stream.write("\n")
            else:
                if (self.done, self.total) == self._printed:
                    return
                self._printed = (self.done, self.total)
                self.stream.write(f"{self.label}: {self.done}/{self.total} index pages and wheels\n")
            self.stream.flush()

    def finish(self) -> None:
        self._show(final=True)
