"""Where output goes. Formatters return strings; only the CLI writes them, through `emit`, which
neutralises every control character the text may carry from an environment or a log (see
envdoctor.safetext): the one gate between envdoctor's renderers and a terminal."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from typing import Any, TextIO

from envdoctor._version import __version__
from envdoctor.errors import UsageError

# -1: --quiet, 0: default, 1+: -v, -vv
_verbosity = 0


def set_verbosity(level: int) -> None:
    global _verbosity
    _verbosity = level


def verbosity() -> int:
    return _verbosity


def quiet() -> bool:
    return _verbosity < 0


def note(text: str, *, level: int = 1) -> None:
    """A line on stderr shown from verbosity `level` (`-v` is 1); progress and status use level 0."""
    if _verbosity >= level:
        # lazy: keeps safetext (2.4 ms: its regexes) out of check --help's start-up; only writing needs it
        from envdoctor.safetext import terminal_safe

        sys.stderr.write(terminal_safe(text.rstrip("\n"), colour=use_color(sys.stderr)) + "\n")
        sys.stderr.flush()


def deprecated(old: str, new: str, why: str = "") -> None:
    """One line on stderr for a spelling that still works this release (shown even with -q)."""
    because = f" ({why})" if why else ""
    sys.stderr.write(f"envdoctor: warning: `{old}` is deprecated{because}; use `{new}`\n")


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def emit(text: str, stream: TextIO | None = None) -> None:
    # lazy: keeps safetext (2.4 ms: its regexes) out of check --help's start-up; only writing needs it
    from envdoctor.safetext import terminal_safe

    out = stream or sys.stdout
    text = terminal_safe(text, colour=use_color(out))  # colour off: no renderer wrote an ESC
    out.write(text if text.endswith("\n") or not text else text + "\n")
    out.flush()


def emit_error(text: str) -> None:
    """A message on standard error, through the same gate as every other output."""
    emit(text, sys.stderr)


def write_output(text: str, path: str | None) -> None:
    """`text` into the file `path` (`-o FILE`), else on stdout; a file that cannot be written is a
    UsageError (one line, exit 2). A regular file is replaced whole or not at all: a full disk
    leaves the old one as it was."""
    if not path:
        emit(text)
        return
    # lazy: keeps safetext (2.4 ms: its regexes) out of check --help's start-up; only writing needs it
    from envdoctor.safetext import terminal_safe

    data = terminal_safe(text)  # it will be shown on a terminal one day
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    target = f"{path}.envdoctor-{os.getpid()}.tmp" if regular else path  # /dev/stdout, a FIFO: as is
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(data)
        if regular:
            os.replace(target, path)
    except OSError as exc:
        if regular:
            with contextlib.suppress(OSError):
                os.unlink(target)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def document_header() -> dict[str, Any]:
    """The first keys of every JSON document envdoctor prints (see docs/json-schema.md)."""
    return {"schema": 1, "envdoctor": __version__}
