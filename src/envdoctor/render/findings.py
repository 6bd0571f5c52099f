"""Render a check report (or a lint report) as text, JSON or Markdown. Formatters return strings.

Plain ANSI codes instead of rich: rich's import alone costs ~60 ms of the 150 ms `check` budget.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from envdoctor import __version__
from envdoctor.model import Finding, Severity, Skipped
from envdoctor.output import document_header
from envdoctor.safetext import clean, md, md_code

_COLORS = {"error": "31", "warning": "33", "info": "36", "bold": "1", "dim": "2", "green": "32"}
_HEADINGS = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}


class Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color:
            return text
        codes = ";".join(_COLORS[s] for s in style.split())
        return f"\x1b[{codes}m{text}\x1b[0m"


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


_VERDICT_STYLE = {"OK": "bold green", "INCOMPLETE": "bold warning", "FAILED": "bold error"}


def verdict_word(findings: Sequence[Finding], skipped: Sequence[Skipped]) -> str:
    """FAILED with an error; INCOMPLETE when something could not be read (never "OK" for what
    was not inspected); else OK."""
    if any(f.severity is Severity.ERROR for f in findings):
        return "FAILED"
    return "INCOMPLETE" if skipped else "OK"


def summary_line(findings: Sequence[Finding], skipped: Sequence[Skipped]) -> str:
    c = _counts(findings)
    parts = [
        f"{c['error']} error{'s' * (c['error'] != 1)}",
        f"{c['warning']} warning{'s' * (c['warning'] != 1)}",
        f"{c['info']} note{'s' * (c['info'] != 1)}",
    ]
    if skipped:
        parts.append(f"{len(skipped)} skipped")
    return ", ".join(parts)


def findings_text(
    findings: Sequence[Finding], skipped: Sequence[Skipped], *, header: Sequence[str], color: bool
) -> str:
    s = Style(color)
    # Every field may carry names, versions and paths from the environment: one line each, inert.
    lines = [s(clean(h), "bold") if i == 0 else clean(h) for i, h in enumerate(header)]
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        lines.append("")
        lines.append(s(f"{_HEADINGS[severity]} ({len(group)})", f"bold {severity.value}"))
        for f in group:
            cause = f" [{clean(f.cause)}]" if f.cause else ""
            lines.append(f"  {s(clean(f.code), severity.value)} {clean(f.message)}{s(cause, 'dim')}")
            lines.extend(f"      {s('evidence:', 'dim')} {clean(e)}" for e in f.evidence)
            if f.fix:
                lines.append(f"      {s('fix:', 'green')} {clean(f.fix)}")
            lines.extend(f"      {s('hint:', 'dim')} {clean(h)}" for h in f.hints)
    if skipped:
        lines.append("")
        lines.append(s(f"Skipped ({len(skipped)})", "bold"))
        lines.extend(f"  {clean(k.what)}: {clean(k.reason)}" for k in skipped)
    lines.append("")
    verdict = summary_line(findings, skipped)
    lines.append(s(verdict_word(findings, skipped) + ": " + verdict, _VERDICT_STYLE[verdict_word(findings, skipped)]))
    return "\n".join(lines) + "\n"


def findings_markdown(
    findings: Sequence[Finding], skipped: Sequence[Skipped], *, title: str, facts: Sequence[tuple[str, str]]
) -> str:
    lines = [f"## {md(title)}", ""]
    if facts:
        lines += ["| | |", "|---|---|"] + [f"| {md(k)} | {md(v)} |" for k, v in facts] + [""]
    if not findings:
        lines.append("No problems found.")
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        lines += [f"### {_HEADINGS[severity]} ({len(group)})", ""]
        for f in group:
            cause = f" ({md_code(f.cause)})" if f.cause else ""
            lines.append(f"- **{md(f.code)}** {md(f.message)}{cause}")
            lines.extend(f"  - evidence: {md_code(e)}" for e in f.evidence)
            if f.fix:
                lines.append(f"  - fix: {md_code(f.fix)}")
            lines.extend(f"  - hint: {md(h)}" for h in f.hints)
        lines.append("")
    if skipped:
        lines += [f"### Skipped ({len(skipped)})", ""] + [f"- {md(k.what)}: {md(k.reason)}" for k in skipped]
        lines.append("")
    lines.append(f"_{verdict_word(findings, skipped)}: {summary_line(findings, skipped)} · envdoctor {__version__}_")
    return "\n".join(lines) + "\n"


def findings_json(findings: Sequence[Finding], skipped: Sequence[Skipped], **extra: Any) -> str:
    document: dict[str, Any] = document_header()
    document.update(extra)
    document["findings"] = [f.to_dict() for f in findings]
    document["skipped"] = [{"what": k.what, "reason": k.reason} for k in skipped]
    document["summary"] = _counts(findings)
    return json.dumps(document, indent=2) + "\n"
