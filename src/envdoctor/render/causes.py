"""The cause table (`explain --list-causes`, docs/causes.md), generated from the package's own
table (envdoctor.explain.causes), which `check`'s rules and `explain` both report ids from."""

from __future__ import annotations

import json

from envdoctor.explain.causes import CAUSES, PRIORITY


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def causes_markdown() -> str:
    lines = [
        "# Causes",
        "",
        "The ids `check` and `explain` report (`envdoctor explain --list-causes`). Generated from",
        "`envdoctor.explain.causes`; regenerate with",
        "`envdoctor explain --list-causes --format markdown > docs/causes.md`.",
        "",
        "| id | what went wrong | what always helps |",
        "| --- | --- | --- |",
    ]
    for cause in CAUSES.values():
        lines.append(f"| {cause.id} | {_md(cause.title)}: {_md(cause.explanation)} | {_md(' '.join(cause.fixes))} |")
    lines += ["", "On a tie between causes, the earlier in this order wins (the root cause over its symptoms):", ""]
    lines.append(", ".join(f"`{c}`" for c in PRIORITY))
    return "\n".join(lines) + "\n"


def causes_text() -> str:
    width = max(len(c) for c in CAUSES)
    return "\n".join(f"{c.id:<{width}}  {c.title}" for c in CAUSES.values()) + "\n"


def causes_json() -> str:
    from envdoctor.output import document_header

    doc = document_header()
    doc["causes"] = [
        {"id": c.id, "title": c.title, "explanation": c.explanation, "fixes": list(c.fixes)} for c in CAUSES.values()
    ]
    doc["priority"] = list(PRIORITY)
    return json.dumps(doc, indent=2) + "\n"
