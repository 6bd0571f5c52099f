"""Findings for every formatter: counts, the verdict, and the findings as entries grouped by
severity with each consequence under the root cause it follows from (envdoctor.roots)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from envdoctor.model import Finding, Severity, Skipped
from envdoctor.render.document import Entry, Field, Findings, Para, Span, command, line

HEADINGS = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}
VERDICT_STYLE = {"OK": "ok", "INCOMPLETE": "warning", "FAILED": "fail"}
# The hints envdoctor.roots adds when it groups: a nested entry says the same by where it stands.
_GROUPING_HINTS = ("Follows from ", "Its fix also clears: ")


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    found = {s.value: 0 for s in Severity}
    for f in findings:
        found[f.severity.value] += 1
    return found


def verdict_word(findings: Sequence[Finding], skipped: Sequence[Skipped]) -> str:
    """FAILED with an error; INCOMPLETE when something could not be read (never "OK" for what
    was not inspected); else OK."""
    if any(f.severity is Severity.ERROR for f in findings):
        return "FAILED"
    return "INCOMPLETE" if skipped else "OK"


def summary_line(findings: Sequence[Finding], skipped: Sequence[Skipped]) -> str:
    c = counts(findings)
    parts = [
        f"{c['error']} error{'s' * (c['error'] != 1)}",
        f"{c['warning']} warning{'s' * (c['warning'] != 1)}",
        f"{c['info']} note{'s' * (c['info'] != 1)}",
    ]
    if skipped:
        parts.append(f"{len(skipped)} skipped")
    return ", ".join(parts)


def verdict(findings: Sequence[Finding], skipped: Sequence[Skipped], suffix: str = "") -> Para:
    """`FAILED: 2 errors, 1 warning, 0 notes`, styled by the outcome."""
    word = verdict_word(findings, skipped)
    return Para(line(f"{word}: {summary_line(findings, skipped)}{suffix}"), VERDICT_STYLE[word])


@dataclass
class Group:
    severity: Severity
    entries: list[Entry]


def groups(block: Findings) -> list[Group]:
    """The findings by the severity of their root, each root with its consequences under it."""
    keys = {f.key for f in block.findings}
    consequences: dict[str, list[Finding]] = {}
    for f in block.findings:
        if f.caused_by and f.caused_by in keys:
            consequences.setdefault(f.caused_by, []).append(f)
    out = []
    for severity in Severity:
        roots = [f for f in block.findings if f.severity is severity and not (f.caused_by and f.caused_by in keys)]
        if roots:
            out.append(Group(severity, [entry(f, consequences.get(f.key, [])) for f in roots]))
    return out


def entry(finding: Finding, consequences: Sequence[Finding] = (), *, nested: bool = False) -> Entry:
    """One finding: `CODE message [cause]`, its evidence, fix and hints; what follows from it
    below, marked `↳` (its fix is the root's: not repeated)."""
    cause = Span(f" [{finding.cause}]", "dim") if finding.cause else None
    head = line(Span(finding.code, finding.severity.value), " ", finding.message, cause)
    fields = [Field("evidence:", line(Span(e, "literal"))) for e in finding.evidence]
    if finding.fix and not nested:
        fields.append(Field("fix:", line(command(finding.fix)), style="fix"))
    hints = finding.hints
    if nested or consequences:
        hints = [h for h in hints if not h.startswith(_GROUPING_HINTS)]
    fields += [Field("hint:", line(h)) for h in hints]
    children = [entry(c, nested=True) for c in consequences]
    return Entry(head, fields, children, mark=Span("\u21b3", "dim") if nested else None)


def concise_lines(block: Findings) -> list[tuple[str, Finding]]:
    """`path:line:col: CODE [severity] message` per finding (ruff's concise format)."""
    out = []
    for f in block.findings:
        where = str(f.location) if f.location is not None else f"{block.default_path}:1:1"
        out.append((f"{where}: {f.code} [{f.severity.value}] {f.message}", f))
    return out
