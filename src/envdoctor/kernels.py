"""`envdoctor kernels`: every Jupyter kernel spec the user's Jupyter finds, the interpreter each
runs, its environment and frameworks, and the kernel rules (ED231-ED233) for each. Formatters
return strings."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from envdoctor.frameworks import of_distribution
from envdoctor.model import Finding, Interpreter, KernelSpecFacts, SeenInterpreter, Session, Severity, Snapshot
from envdoctor.output import document_header

KERNEL_RULES = ("ED231", "ED232", "ED233")


@dataclass
class KernelRow:
    spec: KernelSpecFacts
    interpreter: SeenInterpreter | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.spec.interpreter:
            return "not a Python kernel envdoctor can inspect" if not self.spec.problems else "unreadable"
        if any(f.severity is Severity.ERROR for f in self.findings):
            return "broken (" + ", ".join(f.code for f in self.findings) + ")"
        if self.findings:
            return "check (" + ", ".join(f.code for f in self.findings) + ")"
        return "ok"

    def to_dict(self) -> dict[str, Any]:
        seen = self.interpreter
        spec = self.spec
        return {
            "name": spec.name,
            "display_name": spec.display_name,
            "language": spec.language,
            "resource_dir": spec.resource_dir,
            "search_dir": spec.search_dir,
            "argv": list(spec.argv),
            "native": spec.native,
            "interpreter": spec.interpreter or None,
            "exists": seen.exists if seen else None,
            "environment": {
                "prefix": seen.prefix,
                "kind": seen.env_kind,
                "name": seen.env_name,
                "python": seen.version,
            }
            if seen
            else None,
            "frameworks": {n: v for n, v in sorted(seen.packages.items()) if of_distribution(n)} if seen else {},
            "ipykernel": seen.packages.get("ipykernel") if seen else None,
            "shadows": list(spec.shadows),
            "problems": list(spec.problems),
            "status": self.status,
            "findings": [f.code for f in self.findings],
        }


def kernel_rows(session: Session) -> list[KernelRow]:
    """One row per kernel, with the kernel rules run for it (as `check --kernel NAME` would)."""
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.rules import Context, get_rule, run_rules

    rules = [r for r in (get_rule(code) for code in KERNEL_RULES) if r is not None]
    kb = KnowledgeBase.load()
    rows = []
    for spec in session.jupyter.kernels if session.jupyter else []:
        snapshot = Snapshot(
            interpreter=Interpreter(executable=""), session=dataclasses.replace(session, kernel=spec.name)
        )
        findings = list(run_rules(Context(snapshot, kb), rules))
        seen = session.interpreter(spec.interpreter) if spec.interpreter else None
        rows.append(KernelRow(spec, seen, findings))
    return rows


def _environment(seen: SeenInterpreter | None) -> str:
    if seen is None:
        return ""
    if not seen.exists:
        return "missing"
    kind = " ".join(p for p in (seen.env_kind, seen.env_name) if p)
    return ", ".join(p for p in (kind, f"Python {seen.version}" if seen.version else "") if p)


def _packages(seen: SeenInterpreter | None) -> str:
    if seen is None or not seen.exists:
        return ""
    names = [f"{n} {v}" for n, v in sorted(seen.packages.items()) if of_distribution(n)]
    names.append(f"ipykernel {seen.packages['ipykernel']}" if "ipykernel" in seen.packages else "no ipykernel")
    return ", ".join(names)


def _header(session: Session, rows: Sequence[KernelRow]) -> list[str]:
    jupyter = session.jupyter
    host = jupyter.host if jupyter and jupyter.host else "none on PATH"
    lines = [
        f"envdoctor kernels: {len(rows)} kernel spec{'s' * (len(rows) != 1)} · Jupyter: {host}",
        f"search path ({jupyter.path_source if jupyter else '?'}; first wins):",
    ]
    for index, folder in enumerate(jupyter.kernel_dirs if jupyter else [], 1):
        count = sum(1 for r in rows if r.spec.search_dir == folder)
        lines.append(f"  {index}. {folder}" + (f"  ({count})" if count else ""))
    return lines


def render_text(session: Session, rows: Sequence[KernelRow], *, color: bool = False) -> str:
    from envdoctor.render.findings import findings_text

    lines = _header(session, rows)
    for row in rows:
        spec = row.spec
        lines.append("")
        lines.append(f"{spec.name}  \u201c{spec.display_name}\u201d  {row.status}")
        if spec.interpreter:
            lines.append(f"    runs      {spec.interpreter}")
            lines.append(f"    env       {_environment(row.interpreter)}")
            packages = _packages(row.interpreter)
            if packages:
                lines.append(f"    packages  {packages}")
        where = "built in (ipykernel in the Jupyter's env)" if spec.native else f"{spec.resource_dir}/kernel.json"
        lines.append(f"    spec      {where}")
        lines += [f"    hides     {s}" for s in spec.shadows]
        lines += [f"    problem   {p}" for p in spec.problems]
    findings = [f for r in rows for f in r.findings]
    return findings_text(findings, [], header=lines, color=color)


def render_json(session: Session, rows: Sequence[KernelRow]) -> str:
    from envdoctor.model import to_dict

    findings = [f for r in rows for f in r.findings]
    jupyter = session.jupyter
    document = document_header()
    document["jupyter"] = {k: v for k, v in to_dict(jupyter).items() if k != "kernels"} if jupyter else None
    document["kernels"] = [r.to_dict() for r in rows]
    document["findings"] = [f.to_dict() for f in findings]
    counts = {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}
    document["summary"] = counts
    return json.dumps(document, indent=2) + "\n"


def render_markdown(session: Session, rows: Sequence[KernelRow]) -> str:
    from envdoctor.render.findings import findings_markdown

    def cell(text: str) -> str:
        return text.replace("|", "\\|") or " "

    jupyter = session.jupyter
    table = [
        "| kernel | display name | interpreter | environment | packages | status |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        table.append(
            f"| `{row.spec.name}` | {cell(row.spec.display_name)} | `{row.spec.interpreter or '-'}` | "
            f"{cell(_environment(row.interpreter))} | {cell(_packages(row.interpreter))} | {cell(row.status)} |"
        )
    facts = [("Jupyter", jupyter.host or "none on PATH"), ("search path", jupyter.path_source)] if jupyter else []
    if jupyter:
        facts += [(f"kernels folder {i}", d) for i, d in enumerate(jupyter.kernel_dirs, 1)]
    findings = [f for r in rows for f in r.findings]
    text = findings_markdown(findings, [], title="envdoctor kernels", facts=facts)
    head, _, tail = text.partition("\n\n")
    return head + "\n\n" + "\n".join(table) + "\n\n" + tail
