"""Renderers for an Explanation: terminal text, JSON (stable keys) and Markdown."""

from __future__ import annotations

import json

from envdoctor.explain.model import Explanation


def to_json(result: Explanation) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


def to_text(result: Explanation, color: bool = False) -> str:
    bold, dim, red, green, reset = ("\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[0m") if color else ("",) * 5
    out: list[str] = []
    if result.found:
        out.append(f"{bold}{red}cause: {result.cause}{reset} (confidence {result.confidence:.2f}) — {result.title}")
    elif result.candidates:
        out.append(
            f"{bold}cause: unknown{reset} — the log points at {len(result.candidates)} cause(s) without proving one "
            f"({result.lines_read} lines read)"
        )
    else:
        out.append(
            f"{bold}cause: unknown{reset} — no known cause is shown by this log ({result.lines_read} lines read)"
        )
    if result.evidence:
        out.append("")
        out.append(f"{bold}evidence{reset}")
        width = len(str(result.evidence[-1].line))
        for ev in result.evidence:
            text = ev.text if len(ev.text) <= 300 else ev.text[:297] + "..."
            out.append(f"  {dim}line {ev.line:>{width}}:{reset} {text}")
    out.append("")
    out.append(f"{bold}why{reset}")
    out.append(f"  {result.explanation}")
    if result.reasons:
        out.append("")
        out.append(f"{bold}reasoning{reset}")
        out.extend(f"  - {reason}" for reason in result.reasons)
    if result.candidates:
        out.append("")
        out.append(f"{bold}candidates{reset}")
        for cand in result.candidates:
            where = f" (line {cand.evidence[0].line})" if cand.evidence else ""
            out.append(
                f"  - {cand.cause} (confidence {cand.confidence:.2f}){where}" + (f": {cand.why}" if cand.why else "")
            )
            out.append(f"    to tell: {cand.tell_apart}")
    if result.conflicts:
        out.append("")
        out.append(f"{bold}conflicting requirements{reset}")
        for c in result.conflicts:
            for req in c.requirements[:10]:
                out.append(f"  - {req}")
            if c.move:
                out.append(f"  {green}move: {c.move}{reset} ({c.reason})")
    if result.fixes:
        out.append("")
        out.append(f"{bold}fix{reset}")
        for i, fix in enumerate(result.fixes, 1):
            out.append(f"  {i}. {fix}")
    if result.secondary:
        out.append("")
        out.append(f"{bold}also seen{reset}")
        for s in result.secondary:
            where = f" (line {s.evidence[0].line})" if s.evidence else ""
            out.append(f"  - {s.cause} (confidence {s.confidence:.2f}){where}")
    return "\n".join(out)


def to_markdown(result: Explanation) -> str:
    out = [f"## envdoctor explain: `{result.cause}`", ""]
    if result.found:
        out += [f"**{result.title}** (confidence {result.confidence:.2f})", ""]
    if result.evidence:
        out += ["**Evidence**", "", "| line | text |", "| ---: | --- |"]
        for ev in result.evidence:
            text = ev.text.replace("|", "\\|").replace("`", "'")
            out.append(f"| {ev.line} | `{text[:300]}` |")
        out.append("")
    out += ["**Why**", "", result.explanation, ""]
    if result.reasons:
        out += ["**Reasoning**", ""] + [f"- {reason}" for reason in result.reasons] + [""]
    if result.candidates:
        out += ["**Candidates**", ""]
        for cand in result.candidates:
            why = f": {cand.why}" if cand.why else ""
            out.append(f"- `{cand.cause}` ({cand.confidence:.2f}){why}; to tell: {cand.tell_apart}")
        out.append("")
    if result.conflicts:
        out += ["**Conflicting requirements**", ""]
        for c in result.conflicts:
            out += [f"- {req}" for req in c.requirements[:10]]
            if c.move:
                out.append(f"- **move:** `{c.move}` ({c.reason})")
        out.append("")
    if result.fixes:
        out += ["**Fix**", ""] + [f"{i}. {fix}" for i, fix in enumerate(result.fixes, 1)] + [""]
    if result.secondary:
        out += ["**Also seen**", ""] + [f"- `{s.cause}` ({s.confidence:.2f})" for s in result.secondary] + [""]
    return "\n".join(out)


def render(result: Explanation, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "markdown":
        return to_markdown(result)
    return to_text(result, color=color)
