"""One line per finding: GitHub Actions workflow commands, and `path:line:col: CODE message` (lint).

GitHub's format: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
(`::error file=F,line=L,col=C,title=T::message`; data escapes %, CR, LF; properties also : and ,).
"""

from __future__ import annotations

from collections.abc import Sequence

from envdoctor.model import Finding, Severity
from envdoctor.safetext import clean

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def findings_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions annotations: one workflow command per finding (the fix goes into the message)."""
    lines = []
    for f in findings:
        props = []
        if f.location is not None:
            props += [
                f"file={_property(f.location.path)}",
                f"line={f.location.line}",
                f"col={f.location.column}",
            ]
        props.append(f"title={_property(f'{f.code} {f.rule}')}")
        message = f.message + (f"\nfix: {f.fix}" if f.fix else "")
        lines.append(f"::{_LEVELS[f.severity]} {','.join(props)}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def findings_concise(findings: Sequence[Finding], *, default_path: str = "") -> str:
    """`path:line:col: CODE message` per finding (ruff's concise format), its fix indented below."""
    lines = []
    for f in findings:
        where = str(f.location) if f.location is not None else f"{default_path}:1:1"
        lines.append(f"{clean(where)}: {f.code} [{f.severity.value}] {clean(f.message)}")
        if f.fix:
            lines.append(f"    fix: {clean(f.fix)}")
    return "\n".join(lines) + ("\n" if lines else "")
