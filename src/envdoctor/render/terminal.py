"""Terminal text through rich: one theme, colour only where wanted, wrapping on a terminal.

Text renderers build rich renderables and turn them into a string with `to_text`; the CLI writes
the string (through output.emit, whose gate lets only these basic colour codes through). Colour:
on a TTY, never with NO_COLOR, always with FORCE_COLOR / CLICOLOR_FORCE (output.use_color).
Width: the terminal's on a TTY (long evidence lines wrap under their label); no wrapping when
piped, so grep and log files see one line per item. Home folders are shown as `~`.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.theme import Theme

# One theme. Basic ANSI colours only: output.emit's gate passes bold, dim, red, green, yellow, cyan.
STYLES: dict[str, str] = {
    "error": "bold red",
    "warning": "yellow",
    "info": "cyan",
    "ok": "bold green",
    "fail": "bold red",
    "heading": "bold",
    "code": "bold",
    "label": "dim",
    "fix": "green",
    "dim": "dim",
    "path": "cyan",
    "step": "bold",
    "literal": "none",  # a value shown as it is: a code span in Markdown
    "heading.error": "bold red",
    "heading.warning": "bold yellow",
    "heading.info": "bold cyan",
}
NO_WRAP_WIDTH = 100_000


def theme() -> Theme:
    # lazy: keeps rich.theme out of check's start-up (41.1 ms, 24 modules: rich)
    from rich.theme import Theme

    return Theme(STYLES, inherit=False)


def make_console(*, color: bool, width: int | None = None, stream: io.StringIO | None = None) -> Console:
    """A console that renders into a string (or `stream`): colour as asked, `width` columns (None:
    no wrapping)."""
    # lazy: keeps rich.console out of check's start-up (105.0 ms, 70 modules: rich)
    from rich.console import Console

    return Console(
        file=stream or io.StringIO(),
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width or NO_WRAP_WIDTH,
        theme=theme(),
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=width is None,
        legacy_windows=False,
        force_jupyter=False,  # in a kernel rich would display the text itself instead of returning it
    )


def terminal_width(is_tty: bool) -> int | None:
    """The width to wrap at: the terminal's (COLUMNS respected), or None when not a terminal."""
    if not is_tty:
        return None
    return max(40, shutil.get_terminal_size((100, 24)).columns)


def to_text(renderables: Iterable[RenderableType], *, color: bool, width: int | None) -> str:
    console = make_console(color=color, width=width)
    for item in renderables:
        console.print(item, crop=False)  # a command wider than the terminal: whole, for the terminal to wrap
    stream = console.file
    assert isinstance(stream, io.StringIO)
    text = stream.getvalue()
    # rich pads a wrapped line's last row with spaces: trailing blanks are noise in logs
    return "\n".join(line.rstrip() for line in text.split("\n"))


def home_short(text: str, home: str | None = None) -> str:
    """`/home/me/venvs/tf` -> `~/venvs/tf` (display only: commands keep the full path)."""
    home = home if home is not None else os.path.expanduser("~")
    if not home or home in ("/", "~"):
        return text
    home = home.rstrip("/")
    out = []
    start = 0
    while True:
        at = text.find(home, start)
        if at < 0:
            break
        end = at + len(home)
        boundary_before = at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "._-/")
        boundary_after = end == len(text) or text[end] in "/ \t\n'\":;,)]}"
        out.append(text[start:at])
        out.append("~" if boundary_before and boundary_after else home)
        start = end
    out.append(text[start:])
    return "".join(out)
