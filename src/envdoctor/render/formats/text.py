"""The terminal text of a Document, through rich (envdoctor.render.terminal: the one theme).

On a terminal (`options.width` set): long lines wrap under the start of their text (evidence under
its label, a table's reason column inside its column); piped (no width): one line per item, never
wrapped, for grep and logs. Every string is neutralised before rich sees it (safetext.clean: no
control character, one line) and home folders are shown as `~`, except in a command the user
pastes (`Span.command`), which is shown exactly and never wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from envdoctor.render import document as d
from envdoctor.render.findings import HEADINGS, concise_lines, groups
from envdoctor.render.terminal import home_short, to_text
from envdoctor.safetext import clean, terminal_safe

if TYPE_CHECKING:
    from envdoctor.render.formats import RenderOptions

FIELD_INDENT = 4  # fields sit this far right of their entry's head
_SHORTENED = frozenset({"literal", "path"})


class _Verbatim(str):
    """Lines written as they are, past rich (a script's tabs, a 5,000-line JSON document)."""


def text_of(value: d.Cell, style: str = "", *, shorten: bool = False) -> Text:
    """A line as a rich Text, each part cleaned (one line, no control character). Home folders
    become `~` in paths and evidence (`literal` / `path` spans), and everywhere but in commands
    with `shorten` (a title); never in plain text, which may quote a command (a hint)."""
    out = Text(style=style, no_wrap=False)
    for part in d.as_line(value):
        if isinstance(part, str):
            out.append(home_short(clean(part)) if shorten else clean(part))
        else:
            body = clean(part.text)
            if not part.command and (shorten or part.style in _SHORTENED):
                body = home_short(body)
            out.append(body, style=part.style or None)
    return out


def _has_command(value: d.Line) -> bool:
    return any(isinstance(p, d.Span) and p.command for p in value)


class _Renderer:
    def __init__(self, options: RenderOptions) -> None:
        self.wrap = options.width is not None
        self.items: list[RenderableType | _Verbatim] = []

    # -- building blocks --------------------------------------------------------------------
    def hanging(self, indent: int, lead: Text, value: Text, *, no_wrap: bool = False) -> RenderableType:
        """`lead value` at `indent`, `value`'s wrapped lines under its own start (on a terminal)."""
        if not lead.plain and not indent and not no_wrap:
            return value  # wraps at the terminal's width by itself
        if not self.wrap or no_wrap:
            row = Text(" " * indent)
            row.append_text(lead)
            row.append_text(value)
            if no_wrap:
                row.no_wrap, row.overflow = True, "ignore"
            return row
        grid = RichTable.grid(padding=0)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        lead_text = Text(" " * indent)
        lead_text.append_text(lead)
        grid.add_row(lead_text, value)
        return grid

    def add(self, item: RenderableType | _Verbatim) -> None:
        self.items.append(item)

    def blank(self) -> None:
        if self.items and not (isinstance(self.items[-1], Text) and not self.items[-1].plain):
            self.items.append(Text(""))

    # -- blocks -----------------------------------------------------------------------------
    def block(self, block: d.Block, indent: int = 0) -> None:
        if isinstance(block, d.Para):
            self.add(self.hanging(indent, Text(""), text_of(block.text, block.style)))
        elif isinstance(block, d.Facts):
            self.facts(block, indent)
        elif isinstance(block, d.Bullets):
            self.bullets(block, indent)
        elif isinstance(block, d.Entries):
            if block.title:
                self.add(Text(" " * indent + clean(block.title), style="heading"))
            for item in block.items:
                self.entry(item, indent + (2 if block.title else 0))
        elif isinstance(block, d.Table):
            self.table(block, indent)
        elif isinstance(block, d.Findings):
            self.findings(block, indent)
        elif isinstance(block, d.Code):
            self.code(block, indent)
        elif isinstance(block, d.Prose):
            for raw in block.text.strip("\n").splitlines():
                self.add(self.hanging(indent, Text(""), Text(terminal_safe(raw))))
        elif isinstance(block, d.Stats):
            self.add(Text(" " * indent + " · ".join(f"{clean(v)} {clean(k)}" for v, k in block.items)))
        elif isinstance(block, d.Section):
            self.blank()
            self.add(self.hanging(indent, Text(""), text_of(block.title, block.style, shorten=True)))
            for inner in block.blocks:  # entries indent themselves
                self.block(inner, indent if isinstance(inner, (d.Entries, d.Findings)) else indent + 2)

    def facts(self, block: d.Facts, indent: int) -> None:
        if block.title:
            self.add(Text(" " * indent + clean(block.title), style="heading"))
            indent += 2
        width = max((len(label) for label, _ in block.rows), default=0)
        for label, value in block.rows:
            lead = Text(clean(label).ljust(width) + "  ", style="label")
            self.add(self.hanging(indent, lead, text_of(value), no_wrap=_has_command(value)))

    def bullets(self, block: d.Bullets, indent: int) -> None:
        if block.title:
            self.add(Text(" " * indent + clean(block.title), style="heading"))
        for number, item in enumerate(block.items, 1):
            mark = Text(f"{number}. " if block.numbered else "- ", style="dim")
            self.add(self.hanging(indent + 2, mark, text_of(item, block.style), no_wrap=_has_command(item)))

    def entry(self, item: d.Entry, indent: int) -> None:
        lead = Text("")
        if item.mark is not None:
            lead = text_of(item.mark)
            lead.append(" ")
        self.add(self.hanging(indent + 2, lead, text_of(item.head), no_wrap=_has_command(item.head)))
        inner = indent + 2 + FIELD_INDENT
        for f in item.fields:
            label = Text(clean(f.label) + " ", style=f.style or "")
            self.add(self.hanging(inner, label, text_of(f.value), no_wrap=_has_command(f.value)))
        for block in item.body:
            self.block(block, inner - 2)
        for child in item.children:
            self.entry(child, inner - 2)

    def table(self, block: d.Table, indent: int) -> None:
        if block.title:
            self.add(Text(" " * indent + clean(block.title), style="heading"))
        grid = RichTable(
            box=None, pad_edge=False, padding=(0, 2, 0, 0), show_edge=False, header_style="label", expand=False
        )
        for column in block.columns:
            grid.add_column(
                clean(column.name),
                justify=column.align,  # type: ignore[arg-type]
                no_wrap=not column.wrap,
                overflow="fold" if column.wrap else "ellipsis",
                ratio=1 if column.wrap and self.wrap else None,
                min_width=12 if column.wrap and self.wrap else None,
            )
        for row in block.rows:
            grid.add_row(*(text_of(cell) for cell in row))
        if indent:
            outer = RichTable.grid(padding=0)
            outer.add_column(no_wrap=True)
            outer.add_column()
            outer.add_row(Text(" " * indent), grid)
            self.add(outer)
        else:
            self.add(grid)
        if block.caption:
            self.add(Text(" " * indent + clean(block.caption), style="dim"))

    def findings(self, block: d.Findings, indent: int) -> None:
        if block.concise:
            for text, finding in concise_lines(block):
                self.add(self.hanging(indent, Text(""), text_of(text)))
                if finding.fix:
                    self.add(self.hanging(indent + 4, Text("fix: ", style="fix"), text_of(d.command(finding.fix))))
            return
        for group in groups(block):
            self.blank()
            heading = f"{HEADINGS[group.severity]} ({len(group.entries)})"
            self.add(Text(" " * indent + heading, style=f"heading.{group.severity.value}"))
            for item in group.entries:
                self.entry(item, indent)
        if block.skipped:
            self.blank()
            self.add(Text(" " * indent + f"Skipped ({len(block.skipped)})", style="heading"))
            for k in block.skipped:
                self.add(self.hanging(indent + 2, Text(clean(k.what) + ": "), text_of(k.reason)))

    def code(self, block: d.Code, indent: int) -> None:
        if block.summary:
            self.add(Text(" " * indent + clean(block.summary), style="label"))
        pad = " " * (indent + block.indent)
        self.add(_Verbatim("\n".join(pad + terminal_safe(raw) for raw in block.text.splitlines())))


class TextFormatter:
    def render(self, document: d.Document, options: RenderOptions) -> str:
        out = _Renderer(options)
        if document.title:
            out.add(out.hanging(0, Text(""), text_of(document.title, "heading", shorten=True)))
        previous: d.Block | None = None
        for block in document.blocks:
            if previous is not None and not (isinstance(block, d.Para) and isinstance(previous, d.Para)):
                out.blank()
            out.block(block)
            previous = block
        if document.verdict is not None:
            out.blank()
            out.block(document.verdict)
        chunks: list[str] = []
        pending: list[RenderableType] = []
        for item in _trim(out.items):
            if isinstance(item, _Verbatim):
                if pending:
                    chunks.append(to_text([RichGroup(*pending)], color=options.color, width=options.width))
                    pending = []
                chunks.append(item + "\n")
            else:
                pending.append(item)
        if pending:
            chunks.append(to_text([RichGroup(*pending)], color=options.color, width=options.width))
        return "".join(chunks)


def _trim(items: Sequence[RenderableType | _Verbatim]) -> list[RenderableType | _Verbatim]:
    """No blank line at the start or the end."""
    out = list(items)
    while out and isinstance(out[0], Text) and not out[0].plain:
        out.pop(0)
    while out and isinstance(out[-1], Text) and not out[-1].plain:
        out.pop()
    return out


FORMATTER = TextFormatter()
