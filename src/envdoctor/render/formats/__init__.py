"""One formatter per output format, over envdoctor.render.document.Document.

    from envdoctor.render import formats
    formats.show(document, args.format, output=args.output)    # a verb's last step

`render(document, fmt, options)` returns the string; `show` decides colour and width from where
it goes (a terminal: colour unless NO_COLOR, the terminal's width; a pipe or a file: neither) and
writes it through output.emit / output.write_output, the gate that neutralises control characters.

A formatter is any object with `render(document, options) -> str`. The built-in ones are imported
only when used (rich only for text: `check --format json` never loads it). To add a format: a
module here with its formatter, a member of OutputFormat and an entry in BUILTIN (see
docs/internals.md, "An output format"); `register` adds one at run time (the tests' CSV format).
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

from envdoctor.errors import UsageError
from envdoctor.output import emit, use_color, write_output
from envdoctor.render.outputformat import OutputFormat

if TYPE_CHECKING:
    from envdoctor.render.document import Document


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int | None = None  # columns to wrap at; None: no wrapping (a pipe, a file)
    fragment: bool = False  # HTML: a <div> to embed (a notebook) instead of a page


class Formatter(Protocol):
    def render(self, document: Document, options: RenderOptions) -> str: ...


# format -> "module:attribute" of its formatter, imported on first use
BUILTIN: dict[str, str] = {
    OutputFormat.TEXT.value: "envdoctor.render.formats.text:FORMATTER",
    OutputFormat.JSON.value: "envdoctor.render.formats.jsondoc:FORMATTER",
    OutputFormat.MARKDOWN.value: "envdoctor.render.formats.markdown:FORMATTER",
    OutputFormat.GITHUB.value: "envdoctor.render.formats.github:FORMATTER",
    OutputFormat.HTML.value: "envdoctor.render.formats.htmlpage:FORMATTER",
}
_loaded: dict[str, Formatter] = {}


def register(name: str, formatter: Formatter) -> None:
    """Make `formatter` the one for format `name` (a verb offers it once cli.VERB_FORMATS says so)."""
    _loaded[name] = formatter


def unregister(name: str) -> None:
    _loaded.pop(name, None)


def formatter(fmt: str) -> Formatter:
    name = str(fmt.value if isinstance(fmt, OutputFormat) else fmt)
    found = _loaded.get(name)
    if found is None:
        where = BUILTIN.get(name)
        if where is None:
            raise UsageError(f"no formatter for the output format {name!r}")
        module, _, attribute = where.partition(":")
        found = _loaded[name] = getattr(importlib.import_module(module), attribute)
    return found


def machine_readable(fmt: str) -> bool:
    """Whether `fmt` is read by programs (JSON, annotations): no progress lines where a log keeps them."""
    return bool(getattr(formatter(fmt), "machine_readable", False))


def prepare(fmt: str) -> None:
    """Import the formatter of `fmt` now (check does it while the probe runs on the other core)."""
    formatter(fmt)


def render(document: Document, fmt: str, options: RenderOptions | None = None) -> str:
    return formatter(fmt).render(document, options or RenderOptions())


def options_for(stream: TextIO) -> RenderOptions:
    """Colour and width for text going to `stream` (output.use_color; the width on a terminal)."""
    # lazy: defers render.terminal (9.6 ms, 10 modules) until options_for() runs (check's start-up)
    from envdoctor.render.terminal import terminal_width

    tty = hasattr(stream, "isatty") and stream.isatty()
    return RenderOptions(color=use_color(stream), width=terminal_width(tty))


def show(document: Document, fmt: str, *, output: str | None = None, stream: TextIO | None = None) -> None:
    """Render `document` and write it: into the file `output` (no colour, no wrapping), else on
    `stream` (default stdout) through output.emit."""
    if output:
        write_output(render(document, fmt), output)
        return
    out = stream or sys.stdout
    emit(render(document, fmt, options_for(out)), out)


__all__ = [
    "BUILTIN",
    "Formatter",
    "OutputFormat",
    "RenderOptions",
    "formatter",
    "machine_readable",
    "options_for",
    "prepare",
    "register",
    "render",
    "show",
    "unregister",
]
