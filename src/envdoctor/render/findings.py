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
    lines = [s(h, "bold") if i == 0 else h for i, h in enumerate(header)]
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        lines.append("")
        lines.append(s(f"{_HEADINGS[severity]} ({len(group)})", f"bold {severity.value}"))
        for f in group:
            cause = f" [{f.cause}]" if f.cause else ""
            lines.append(f"  {s(f.code, severity.value)} {f.message}{s(cause, 'dim')}")
            lines.extend(f"      {s('evidence:', 'dim')} {e}" for e in f.evidence)
            if f.fix:
                lines.append(f"      {s('fix:', 'green')} {f.fix}")
            lines.extend(f"      {s('hint:', 'dim')} {h}" for h in f.hints)
    if skipped:
        lines.append("")
        lines.append(s(f"Skipped ({len(skipped)})", "bold"))
        lines.extend(f"  {k.what}: {k.reason}" for k in skipped)
    lines.append("")
    verdict = summary_line(findings, skipped)
    ok = not any(f.severity is Severity.ERROR for f in findings)
    lines.append(s(("OK: " if ok else "FAILED: ") + verdict, "bold green" if ok else "bold error"))
    return "\n".join(lines) + "\n"


def findings_markdown(
    findings: Sequence[Finding], skipped: Sequence[Skipped], *, title: str, facts: Sequence[tuple[str, str]]
) -> str:
    lines = [f"## {title}", ""]
    if facts:
        lines += ["| | |", "|---|---|"] + [f"| {k} | {_md(v)} |" for k, v in facts] + [""]
    if not findings:
        lines.append("No problems found.")
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        lines += [f"### {_HEADINGS[severity]} ({len(group)})", ""]
        for f in group:
            cause = f" (`{f.cause}`)" if f.cause else ""
            lines.append(f"- **{f.code}** {_md(f.message)}{cause}")
            lines.extend(f"  - evidence: `{e}`" for e in f.evidence)
            if f.fix:
                lines.append(f"  - fix: `{f.fix}`")
            lines.extend(f"  - hint: {_md(h)}" for h in f.hints)
        lines.append("")
    if skipped:
        lines += [f"### Skipped ({len(skipped)})", ""] + [f"- {_md(k.what)}: {_md(k.reason)}" for k in skipped]
        lines.append("")
    lines.append(f"_{summary_line(findings, skipped)} · envdoctor {__version__}_")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def findings_json(findings: Sequence[Finding], skipped: Sequence[Skipped], **extra: Any) -> str:
    document: dict[str, Any] = document_header()
    document.update(extra)
    document["findings"] = [f.to_dict() for f in findings]
    document["skipped"] = [{"what": k.what, "reason": k.reason} for k in skipped]
    document["summary"] = _counts(findings)
    return json.dumps(document, indent=2) + "\n"
