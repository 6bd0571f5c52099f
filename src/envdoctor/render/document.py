"""The document every verb builds and every formatter renders (see envdoctor.render.formats).

Plain typed data, no I/O and no rich: a title, blocks (paragraphs, facts, lists, entries with
labelled fields, tables, findings grouped by root cause, code, sections), a closing verdict, and
the JSON document (`data`, whose shape per verb docs/json-schema.md fixes). A verb builds one
Document; the formatter of the chosen OutputFormat turns it into a string. Text in a document is
as the environment or the log gave it: the formatters neutralise it for where it is shown.

Styles are the theme's names (envdoctor.render.terminal.STYLES): error, warning, info, ok, fail,
heading, code, label, fix, dim, path, step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from envdoctor.render.outputformat import OutputFormat as OutputFormat  # re-exported

if TYPE_CHECKING:
    from envdoctor.model import Finding, Skipped


@dataclass(frozen=True)
class Span:
    """A run of text with a style. `command`: a command line the user pastes, shown exactly as
    it is (never shortened with `~`, never wrapped, a code span in Markdown)."""

    text: str
    style: str = ""
    command: bool = False
    anchor: str = ""  # a link to a section of the same document (`ed101`): Markdown only


Inline = Union[str, Span]
Line = tuple[Inline, ...]


def line(*parts: Inline | None) -> Line:
    """A line from text and spans (None and "" parts are left out)."""
    return tuple(p for p in parts if p)


def as_line(value: Inline | Sequence[Inline]) -> Line:
    if isinstance(value, (str, Span)):
        return (value,)
    return tuple(value)


def plain(value: Line) -> str:
    """The text of a line without its styles."""
    return "".join(p if isinstance(p, str) else p.text for p in value)


def command(text: str, style: str = "fix") -> Span:
    return Span(text, style, command=True)


@dataclass
class Para:
    """One line (wrapped on a terminal); `style` applies to all of it."""

    text: Line
    style: str = ""


@dataclass
class Facts:
    """Labelled values: `python  3.11 (venv)` (a two-column table in Markdown)."""

    rows: list[tuple[str, Line]]
    title: str = ""


@dataclass
class Bullets:
    items: list[Line]
    title: str = ""
    style: str = ""  # the items' style
    numbered: bool = False


@dataclass
class Field:
    """A labelled line under an entry: `evidence: ...` (wrapped under its text on a terminal)."""

    label: str
    value: Line
    style: str = "label"  # the label's style


@dataclass
class Entry:
    """One item of a list, with labelled fields and nested entries under it."""

    head: Line
    fields: list[Field] = field(default_factory=list)
    children: list[Entry] = field(default_factory=list)
    mark: Span | None = None  # a status tag before the head: `[ok  ]`, `[FAIL]`
    body: list[Block] = field(default_factory=list)  # blocks under the fields (a command's output)


@dataclass
class Entries:
    items: list[Entry]
    title: str = ""


@dataclass
class Column:
    name: str
    wrap: bool = False  # the column that takes the rest of the width and wraps (a reason)
    align: str = "left"  # left | right | center


Cell = Union[str, Span, Line]


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Cell]]
    title: str = ""
    caption: str = ""


@dataclass
class Findings:
    """check's findings: by severity, each consequence under the root cause it follows from.
    `concise`: one `path:line:col: CODE message` line each (lint's text)."""

    findings: Sequence[Finding]
    skipped: Sequence[Skipped] = ()
    concise: bool = False
    default_path: str = ""
    empty: str = "No problems found."  # said when there is no finding (Markdown, HTML)


@dataclass
class Code:
    """Text shown verbatim (a command's output, a generated script, a JSON document); `summary`
    folds it under that line where the format can (Markdown and HTML <details>)."""

    text: str
    language: str = ""
    summary: str = ""
    indent: int = 0


@dataclass
class Prose:
    """Paragraphs written by envdoctor itself (a rule's documentation), in Markdown: inserted as
    they are in Markdown, shown as plain lines elsewhere. Never text from an environment or a log."""

    text: str


@dataclass
class Stats:
    """A few headline numbers: (value, what)."""

    items: list[tuple[str, str]]


@dataclass
class Section:
    """A titled group of blocks. `fold`: collapsed where the format can (HTML)."""

    title: Line
    blocks: list[Block]
    style: str = "heading"
    fold: bool = False


Block = Union[Para, Facts, Bullets, Entries, Table, Findings, Code, Prose, Stats, Section]


@dataclass
class JsonData:
    """The JSON document of a verb. `one_per_line`: top-level keys whose list items are written
    one per line (thousands of fleet nodes: the C encoder, and grep-able)."""

    value: object
    ensure_ascii: bool = True
    one_per_line: tuple[str, ...] = ()


@dataclass
class Document:
    verb: str
    title: Line
    blocks: list[Block] = field(default_factory=list)
    verdict: Para | None = None
    data: JsonData | None = None

    def walk(self) -> list[Block]:
        """Every block, sections opened (depth first)."""
        found: list[Block] = []

        def visit(blocks: Sequence[Block]) -> None:
            for block in blocks:
                found.append(block)
                if isinstance(block, Section):
                    visit(block.blocks)
                elif isinstance(block, Entries):
                    for entry in _entries(block.items):
                        visit(entry.body)

        visit(self.blocks)
        return found

    def findings(self) -> list[Finding]:
        return [f for block in self.walk() if isinstance(block, Findings) for f in block.findings]


def _entries(items: Sequence[Entry]) -> list[Entry]:
    out: list[Entry] = []
    for item in items:
        out.append(item)
        out.extend(_entries(item.children))
    return out


__all__ = [
    "Block",
    "Bullets",
    "Cell",
    "Code",
    "Column",
    "Document",
    "Entries",
    "Entry",
    "Facts",
    "Field",
    "Findings",
    "Inline",
    "JsonData",
    "Line",
    "OutputFormat",
    "Para",
    "Prose",
    "Section",
    "Span",
    "Stats",
    "Table",
    "as_line",
    "command",
    "line",
    "plain",
]
