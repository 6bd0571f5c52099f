"""Failures of verify (and of fix's commands) go through `envdoctor.explain`: cause id + fix.

A thin adapter, so that verify keeps working (cause "unknown") if explain cannot run, and so that
a crash by signal -- which leaves no log text -- is turned into the line a shell would print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from envdoctor.model import Remedy, Snapshot

#: what a shell prints for a child killed by these signals (explain's signatures match the text)
SIGNAL_TEXT = {
    "SIGILL": "Illegal instruction (core dumped)",
    "SIGSEGV": "Segmentation fault (core dumped)",
    "SIGBUS": "Bus error (core dumped)",
    "SIGABRT": "Aborted (core dumped)",
    "SIGKILL": "Killed",
}


@dataclass
class Diagnosis:
    cause: str = "unknown"
    title: str = ""
    fixes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the log lines that show the cause
    secondary: list[str] = field(default_factory=list)
    code: str | None = None  # check's finding that explains it (the same cause and remedy as check)
    remedy: Remedy | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "title": self.title,
            "fixes": list(self.fixes),
            "lines": list(self.lines),
            "secondary": list(self.secondary),
            "code": self.code,
            "remedy": self.remedy.to_dict() if self.remedy is not None else None,
        }


def failure_text(output: str, signal: str | None) -> str:
    text = output.rstrip("\n")
    if signal and signal in SIGNAL_TEXT:
        text += "\n" + SIGNAL_TEXT[signal]
    return text


def explain_failure(output: str, *, signal: str | None = None, snapshot: Snapshot | None = None) -> Diagnosis:
    text = failure_text(output, signal)
    try:
        return _from_explain(text, snapshot)
    except Exception:  # explain missing or failing must not break verify
        return _fallback(signal)


def _from_explain(text: str, snapshot: Snapshot | None) -> Diagnosis:
    # lazy: only a failure is explained: keeps envdoctor.explain out of verify's start-up (7.5 ms, 3 modules)
    from envdoctor.explain import explain_text

    return _convert(explain_text(text, snapshot=snapshot))


def _convert(result: Any) -> Diagnosis:
    cause = _attr(result, "cause", "cause_id", "id") or "unknown"
    if not isinstance(cause, str):
        cause = _attr(cause, "id", "cause") or "unknown"
    title = _attr(result, "title", "summary", "message") or ""
    fixes_value = _attr(result, "fixes", "fix") or []
    fixes = [fixes_value] if isinstance(fixes_value, str) else [_fix_text(f) for f in fixes_value]
    lines_value = _attr(result, "lines", "evidence", "matched_lines") or []
    lines = [_line_text(x) for x in lines_value] if not isinstance(lines_value, str) else [lines_value]
    secondary_value = _attr(result, "secondary", "secondary_causes") or []
    secondary = [s if isinstance(s, str) else str(_attr(s, "id", "cause") or s) for s in secondary_value]
    return Diagnosis(str(cause), str(title), [f for f in fixes if f], lines, secondary)


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value:
            return value
    return None


def _fix_text(fix: Any) -> str:
    if isinstance(fix, str):
        return fix
    return str(_attr(fix, "command", "text", "fix") or "")


def _line_text(line: Any) -> str:
    if isinstance(line, str):
        return line
    return str(_attr(line, "text", "line") or line)


def _fallback(signal: str | None) -> Diagnosis:
    if signal == "SIGILL":
        return Diagnosis(
            "cpu-instructions",
            "the CPU lacks instructions the binary needs (illegal instruction)",
            ["install a build made for this CPU (e.g. conda-forge's, or a release without AVX)"],
            [SIGNAL_TEXT["SIGILL"]],
        )
    return Diagnosis()
