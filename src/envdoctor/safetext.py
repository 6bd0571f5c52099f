"""Text from an environment or a log, made inert for where it is shown.

Package names, versions, paths, conda records and log lines are whatever the environment or the
log says: a name can hold an escape sequence that sets the terminal's title, clears the screen
(`ESC c`, `ESC [2J`), starts a DCS string or moves the cursor over earlier lines, and Markdown or
HTML that turns into links, headings or markup in a rendered report.

- `terminal_safe(text, colour=...)`: what `envdoctor.output.emit` applies to everything it
  writes. Every control character (C0 but tab and newline, DEL, C1, and the bidi controls that
  reorder a line on screen) becomes a visible `\\uXXXX`; when colour is on, envdoctor's own colour
  codes (SGR with the few codes the renderers use: no conceal, no cursor move) pass. The escape is
  also valid inside a JSON string, so JSON output stays JSON.
- `clean(text)`: one field for a one-line slot: as above, newlines and tabs too, and no colour.
- `md(text)` / `md_code(text)`: Markdown (GitHub-flavoured) prose and code spans that render as
  the literal text: no HTML, link, autolink, heading, list, emphasis or table cell comes out.

Stdlib only (re): check's output path imports it.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1, ALM, LRM/RLM, LRE..RLO, LRI..PDI.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROL}]")
_UNSAFE_ONE_LINE = re.compile(f"[{_CONTROL}\t\n]")
# The SGR sequences envdoctor's renderers write (render/findings.py Style, explain/render.py):
# reset, bold, dim, red, green, yellow, cyan. Anything else with an ESC is escaped.
_SGR_CODE = "(?:0|1|2|31|32|33|36)"
_OWN_SGR = re.compile(f"\x1b\\[{_SGR_CODE}(?:;{_SGR_CODE})*m")
_OWN_OR_UNSAFE = re.compile(f"{_OWN_SGR.pattern}|[{_CONTROL}]")


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _keep_own_sgr(match: re.Match[str]) -> str:
    text = match.group()
    return text if len(text) > 1 else _visible(match)


def terminal_safe(text: str, *, colour: bool = False) -> str:
    """`text` with every control character but tab and newline shown as `\\uXXXX`. colour: the
    output has envdoctor's colour on (use_color), and its own SGR codes pass; otherwise no
    renderer wrote any, and every ESC is shown."""
    if colour and "\x1b" in text:
        return _OWN_OR_UNSAFE.sub(_keep_own_sgr, text)
    return _UNSAFE.sub(_visible, text)


def clean(text: object) -> str:
    """One field for a one-line slot: every control character, tab and newline as `\\uXXXX`."""
    return _UNSAFE_ONE_LINE.sub(_visible, str(text))


# Markdown: backslash-escape the ASCII punctuation that can start markup (CommonMark allows a
# backslash before any of it); `<`, `>`, `&` as entities; `:` too, which keeps GFM from autolinking
# `https://...`; a `.` after `www` (the `www.` autolink); `@` in a code span (escapes do not stop
# GFM's email autolink, checked with cmark-gfm in tests/adversarial/test_output_safety.py).
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-!|~:]|(?<=www)\.|[<>&@]", re.IGNORECASE)
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "`@`"}


def _md_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _MD_ENTITIES.get(char) or "\\" + char


def md(text: object) -> str:
    """Markdown prose that renders as exactly `text`, on one line."""
    return _MD_SPECIAL.sub(_md_escape, clean(text))


def md_code(text: object, *, in_table: bool = False) -> str:
    """A Markdown code span holding `text` literally (on one line): the fence is longer than any
    run of backticks inside; `in_table`: `|` escaped, as GFM tables need even in code spans."""
    body = clean(text)
    if in_table:
        body = body.replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    if body.startswith("`") or body.endswith("`") or (body and not body.strip(" ")):
        body = f" {body} "
    return f"{fence}{body}{fence}"


def md_fence(text: str, info: str = "") -> tuple[str, str]:
    """(opening, closing) lines of a fenced code block that `text` cannot close early."""
    runs = [len(r) for r in re.findall(r"^ {0,3}(`{3,})", text, re.MULTILINE)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{info}", fence


__all__ = ["clean", "md", "md_code", "md_fence", "terminal_safe"]
