"""The Markdown (GitHub-flavoured) of a Document: for issues, pull requests and reports.

Every string renders as its literal text (safetext.md / md_code: no HTML, link or markup from an
environment or a log); commands and literal values are code spans, code blocks are fenced with a
fence longer than any inside.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from envdoctor._version import __version__
from envdoctor.render import document as d
from envdoctor.render.findings import HEADINGS, concise_lines, groups
from envdoctor.safetext import clean, md, md_code, md_fence

if TYPE_CHECKING:
    from envdoctor.render.formats import RenderOptions

_BOLD = frozenset({"heading", "error", "fail", "ok", "step", "heading.error", "heading.warning", "heading.info"})
_CODE = frozenset({"code", "literal", "path"})


def inline(value: d.Cell, *, in_table: bool = False) -> str:
    out = []
    for part in d.as_line(value):
        if isinstance(part, str):
            out.append(_escape(part, in_table))
        elif part.anchor:
            out.append(f"[{_escape(part.text, in_table)}](#{part.anchor})")
        elif part.command or part.style in _CODE:
            out.append(md_code(part.text, in_table=in_table) if part.text.strip() else _escape(part.text, in_table))
        elif part.style in _BOLD and part.text.strip():
            stripped = part.text.strip()
            lead = part.text[: len(part.text) - len(part.text.lstrip())]
            tail = part.text[len(part.text.rstrip()) :]
            out.append(f"{_escape(lead, in_table)}**{_escape(stripped, in_table)}**{_escape(tail, in_table)}")
        else:
            out.append(_escape(part.text, in_table))
    return "".join(out)


# Escapes safetext.md adds that are not needed inside a line: `(`, `)` (a link needs `[`, which
# stays escaped), `:` not before `//` (GFM autolinks need a scheme's `//`, `www.` or an `@`,
# which stay escaped), `-`, `+` after the first character (list markers only start a line), and
# `_` inside a word (GFM never emphasises there: VIRTUAL_ENV).
_NEEDLESS = re.compile(r"\\([():])|(?<=.)\\([-+])|(?<=\w)\\(_)(?=\w)")


def _escape(text: str, in_table: bool) -> str:
    """Text from anywhere as Markdown that renders as exactly that text (safetext.md), minus the
    escapes that change nothing where the text stands; `|` stays escaped (a table cell)."""
    escaped = md(text)
    return _NEEDLESS.sub(lambda m: m.group(1) or m.group(2) or m.group(3), escaped).replace("://", "\\://")


_LABEL_SPECIAL = re.compile(r"[\\`*_\[\]|<>&#]")


def label(text: str) -> str:
    """A label envdoctor wrote (`fix:`, `line 12:`): its markup characters escaped, the rest as is."""
    return _LABEL_SPECIAL.sub(lambda m: "\\" + m.group(), clean(text))


class MarkdownFormatter:
    def render(self, document: d.Document, options: RenderOptions) -> str:
        lines: list[str] = []
        if document.title:
            lines += [f"## {inline(document.title)}", ""]
        for block in document.blocks:
            lines += _block(block, level=3)
        if document.verdict is not None:
            lines.append(f"_{inline(d.plain(document.verdict.text))} · envdoctor {md(__version__)}_")
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines) + "\n"


def _heading(level: int, text: str) -> str:
    return f"{'#' * min(level, 6)} {text}"


def _block(block: d.Block, level: int) -> list[str]:
    if isinstance(block, d.Para):
        return [inline(block.text), ""]
    if isinstance(block, d.Facts):
        out = [f"**{_escape(block.title, False)}**", ""] if block.title else []
        out += ["| | |", "|---|---|"]
        out += [f"| {label(name)} | {inline(value, in_table=True)} |" for name, value in block.rows]
        return [*out, ""]
    if isinstance(block, d.Bullets):
        out = [f"**{_escape(block.title, False)}**", ""] if block.title else []
        for number, item in enumerate(block.items, 1):
            out.append(f"{number}. {inline(item)}" if block.numbered else f"- {inline(item)}")
        return [*out, ""]
    if isinstance(block, d.Entries):
        out = [f"**{_escape(block.title, False)}**", ""] if block.title else []
        for entry in block.items:
            out += _entry(entry, 0)
        return [*out, ""]
    if isinstance(block, d.Table):
        return _table(block)
    if isinstance(block, d.Findings):
        return _findings(block, level)
    if isinstance(block, d.Code):
        opening, closing = md_fence(block.text, block.language)
        fenced = [opening, *block.text.rstrip("\n").splitlines(), closing]
        if block.summary:
            return [f"<details><summary>{_escape(block.summary, False)}</summary>", "", *fenced, "</details>", ""]
        return [*fenced, ""]
    if isinstance(block, d.Prose):
        return [block.text.strip("\n"), ""]
    if isinstance(block, d.Stats):
        return [" · ".join(f"**{_escape(value, False)}** {_escape(what, False)}" for value, what in block.items), ""]
    if isinstance(block, d.Section):
        out = [_heading(level, inline(d.plain(block.title))), ""]
        for inner in block.blocks:
            out += _block(inner, level + 1)
        return out
    raise TypeError(f"not a block: {block!r}")


def _entry(item: d.Entry, depth: int) -> list[str]:
    pad = "  " * depth
    mark = f"{inline(item.mark)} " if item.mark is not None else ""
    head = inline(item.head)
    out = [f"{pad}- {mark}{head}"]
    for f in item.fields:
        out.append(f"{pad}  - {label(f.label)} {inline(f.value)}")
    for block in item.body:
        out += ["", *(f"{pad}  {text}" if text else "" for text in _block(block, 6))]
    for child in item.children:
        out += _entry(child, depth + 1)
    return out


def _table(block: d.Table) -> list[str]:
    out = [f"**{_escape(block.title, False)}**", ""] if block.title else []
    aligns = {"left": "---", "right": "---:", "center": ":---:"}
    out.append("| " + " | ".join(_escape(c.name, True) for c in block.columns) + " |")
    out.append("|" + "|".join(aligns.get(c.align, "---") for c in block.columns) + "|")
    for row in block.rows:
        out.append("| " + " | ".join(inline(cell, in_table=True) or " " for cell in row) + " |")
    if block.caption:
        out += ["", f"_{_escape(block.caption, False)}_"]
    return [*out, ""]


def _findings(block: d.Findings, level: int) -> list[str]:
    if block.concise:
        out = []
        for text, finding in concise_lines(block):
            out.append(f"- {_escape(text, False)}")
            if finding.fix:
                out.append(f"  - fix: {md_code(finding.fix)}")
        return [*out, ""] if out else [_escape(block.empty, False), ""]
    out = [] if block.findings else [_escape(block.empty, False), ""]
    for group in groups(block):
        out += [_heading(level, f"{HEADINGS[group.severity]} ({len(group.entries)})"), ""]
        for item in group.entries:
            out += _entry(item, 0)
        out.append("")
    if block.skipped:
        out += [_heading(level, f"Skipped ({len(block.skipped)})"), ""]
        out += [f"- {_escape(k.what, False)}: {_escape(k.reason, False)}" for k in block.skipped]
        out.append("")
    return out


FORMATTER = MarkdownFormatter()
