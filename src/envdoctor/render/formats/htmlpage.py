"""One self-contained HTML page of a Document (no script, no external resource), or a <div> to
embed (`options.fragment`: a notebook cell's output). Every string is escaped (html.escape)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from envdoctor._version import __version__
from envdoctor.render import document as d
from envdoctor.render.findings import HEADINGS, concise_lines, groups
from envdoctor.safetext import clean, terminal_safe

if TYPE_CHECKING:
    from envdoctor.render.formats import RenderOptions

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#5b6673}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:20px}.banner{border-radius:8px;padding:12px 16px;margin:12px 0;font-weight:600}
.banner.ok{background:#e5f5ea;color:#135c2b}.banner.fail,.banner.error{background:#fde8e8;color:#8a1c1c}
.banner.warning{background:#fff4d6;color:#7a5200}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e6}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eceff2;vertical-align:top}
th{background:#f0f2f5;font-weight:600}code,pre{font:12px ui-monospace,Menlo,monospace;background:#f0f2f5;
padding:1px 4px;border-radius:4px}code{word-break:break-all}pre{padding:8px;overflow-x:auto}
.error,.fail{color:#b42318}.warning{color:#9a6700}.info{color:#1f6feb}.ok{color:#135c2b}.dim,.label{color:#5b6673}
details{background:#fff;border:1px solid #dde1e6;border-radius:8px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}ul{margin:6px 0 6px 18px;padding:0}li{margin:3px 0}
footer{color:#5b6673;margin:32px 0 8px;font-size:12px}
"""
_BOLD = frozenset({"heading", "step", "code"})
_BANNERS = frozenset({"ok", "fail", "error", "warning"})


def _h(text: object) -> str:
    """One line of text, inert: control characters shown (safetext.clean), markup escaped."""
    return html.escape(clean(text), quote=True)


def _pre(text: str) -> str:
    """Lines kept as lines (a command's output), inert."""
    return html.escape(terminal_safe(text), quote=True)


def inline(value: d.Cell) -> str:
    out = []
    for part in d.as_line(value):
        if isinstance(part, str):
            out.append(_h(part))
        elif part.command or part.style in ("literal", "path"):
            out.append(f"<code>{_h(part.text)}</code>")
        elif part.style in _BOLD:
            out.append(f"<b>{_h(part.text)}</b>")
        elif part.style:
            css = part.style.replace("heading.", "")
            out.append(f"<span class='{_h(css)}'>{_h(part.text)}</span>")
        else:
            out.append(_h(part.text))
    return "".join(out)


class HtmlFormatter:
    def render(self, document: d.Document, options: RenderOptions) -> str:
        body: list[str] = []
        title = inline(document.title)
        body.append(f"<h1>{title}</h1>" if not options.fragment else f"<h4>{title}</h4>")
        for block in document.blocks:
            body += _block(block, 2)
        if document.verdict is not None:
            body.append(_banner(document.verdict))
        if options.fragment:
            return '<div class="envdoctor">' + "".join(body) + "</div>"
        page = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_h(d.plain(document.title))}</title>",
            f"<style>{CSS}</style></head><body><main>",
            *body,
            f"<footer>envdoctor {_h(__version__)} · self-contained page, no external resources</footer>",
            "</main></body></html>",
        ]
        return "\n".join(page) + "\n"


def _banner(para: d.Para) -> str:
    tone = para.style if para.style in _BANNERS else "neutral"
    return f'<div class="banner {tone}">{inline(para.text)}</div>'


def _block(block: d.Block, level: int) -> list[str]:
    if isinstance(block, d.Para):
        if block.style in _BANNERS:
            return [_banner(block)]
        css = f" class='{_h(block.style)}'" if block.style else ""
        return [f"<p{css}>{inline(block.text)}</p>"]
    if isinstance(block, d.Facts):
        out = [f"<h{level + 1}>{_h(block.title)}</h{level + 1}>"] if block.title else []
        out.append("<table>")
        out += [f"<tr><th>{_h(label)}</th><td>{inline(value)}</td></tr>" for label, value in block.rows]
        return [*out, "</table>"]
    if isinstance(block, d.Bullets):
        out = [f"<p><b>{_h(block.title)}</b></p>"] if block.title else []
        tag = "ol" if block.numbered else "ul"
        css = f" class='{_h(block.style)}'" if block.style else ""
        return [*out, f"<{tag}{css}>", *(f"<li>{inline(item)}</li>" for item in block.items), f"</{tag}>"]
    if isinstance(block, d.Entries):
        out = [f"<p><b>{_h(block.title)}</b></p>"] if block.title else []
        return [*out, "<ul>", *(_entry(item) for item in block.items), "</ul>"]
    if isinstance(block, d.Table):
        out = [f"<p><b>{_h(block.title)}</b></p>"] if block.title else []
        out.append("<table><tr>" + "".join(f"<th>{_h(c.name)}</th>" for c in block.columns) + "</tr>")
        out += ["<tr>" + "".join(f"<td>{inline(cell)}</td>" for cell in row) + "</tr>" for row in block.rows]
        out.append("</table>")
        if block.caption:
            out.append(f"<p class='dim'>{_h(block.caption)}</p>")
        return out
    if isinstance(block, d.Findings):
        return _findings(block, level)
    if isinstance(block, d.Code):
        pre = f"<pre>{_pre(block.text)}</pre>"
        return [f"<details><summary>{_h(block.summary)}</summary>{pre}</details>" if block.summary else pre]
    if isinstance(block, d.Prose):
        return [f"<p>{_pre(paragraph)}</p>" for paragraph in block.text.split("\n\n") if paragraph.strip()]
    if isinstance(block, d.Stats):
        cards = "".join(f"<div class='card'><b>{_h(v)}</b>{_h(what)}</div>" for v, what in block.items)
        return [f'<div class="cards">{cards}</div>']
    if isinstance(block, d.Section):
        inner = [text for b in block.blocks for text in _block(b, level + 1)]
        if block.fold:
            return [f"<details><summary>{inline(block.title)}</summary>", *inner, "</details>"]
        return [f"<h{min(level, 6)}>{inline(block.title)}</h{min(level, 6)}>", *inner]
    raise TypeError(f"not a block: {block!r}")


def _entry(item: d.Entry) -> str:
    mark = f"{inline(item.mark)} " if item.mark is not None else ""
    parts = [f"<li>{mark}{inline(item.head)}"]
    parts += [f"<br><span class='label'>{_h(f.label)}</span> {inline(f.value)}" for f in item.fields]
    parts += [text for block in item.body for text in _block(block, 4)]
    if item.children:
        parts += ["<ul>", *(_entry(child) for child in item.children), "</ul>"]
    parts.append("</li>")
    return "".join(parts)


def _findings(block: d.Findings, level: int) -> list[str]:
    if block.concise:
        return ["<ul>", *(f"<li>{_h(text)}</li>" for text, _ in concise_lines(block)), "</ul>"]
    out = [] if block.findings else [f"<p>{_h(block.empty)}</p>"]
    for group in groups(block):
        heading = f"{HEADINGS[group.severity]} ({len(group.entries)})"
        out += [f"<h{min(level + 1, 6)} class='{group.severity.value}'>{_h(heading)}</h{min(level + 1, 6)}>", "<ul>"]
        out += [_entry(item) for item in group.entries]
        out.append("</ul>")
    if block.skipped:
        out.append(f"<details><summary>skipped ({len(block.skipped)})</summary><ul>")
        out += [f"<li>{_h(k.what)}: {_h(k.reason)}</li>" for k in block.skipped]
        out.append("</ul></details>")
    return out


FORMATTER = HtmlFormatter()
