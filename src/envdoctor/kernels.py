"""`envdoctor kernels`: every Jupyter kernel spec the user's Jupyter finds, the interpreter each
runs, its environment and frameworks, and the kernel rules (ED231-ED233) for each (shown by
envdoctor.render.views.kernels)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from envdoctor.frameworks import of_distribution
from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Finding, Interpreter, KernelSpecFacts, SeenInterpreter, Session, Severity, Snapshot
from envdoctor.rules import Context, get_rule, run_rules

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
