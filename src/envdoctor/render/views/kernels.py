"""`envdoctor kernels`: the kernel search path, each kernel spec with what it runs, and the kernel
rules' findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from envdoctor.model import to_dict
from envdoctor.output import document_header
from envdoctor.render.document import (
    Bullets,
    Document,
    Entries,
    Entry,
    Field,
    Findings,
    JsonData,
    Span,
    line,
)
from envdoctor.render.findings import counts, verdict

if TYPE_CHECKING:
    from envdoctor.kernels import KernelRow
    from envdoctor.model import SeenInterpreter, Session


def environment_text(seen: SeenInterpreter | None) -> str:
    if seen is None:
        return ""
    if not seen.exists:
        return "missing"
    kind = " ".join(p for p in (seen.env_kind, seen.env_name) if p)
    return ", ".join(p for p in (kind, f"Python {seen.version}" if seen.version else "") if p)


def packages_text(seen: SeenInterpreter | None) -> str:
    # lazy: frameworks costs 20.0 ms, 10 modules; only packages_text() needs it
    from envdoctor.frameworks import of_distribution

    if seen is None or not seen.exists:
        return ""
    names = [f"{n} {v}" for n, v in sorted(seen.packages.items()) if of_distribution(n)]
    names.append(f"ipykernel {seen.packages['ipykernel']}" if "ipykernel" in seen.packages else "no ipykernel")
    return ", ".join(names)


def _status_style(row: KernelRow) -> str:
    if row.status == "ok":
        return "ok"
    return "error" if row.status.startswith(("broken", "unreadable")) else "warning"


def kernels_document(session: Session, rows: Sequence[KernelRow]) -> Document:
    jupyter = session.jupyter
    host = jupyter.host if jupyter and jupyter.host else "none on PATH"
    folders = []
    for folder in jupyter.kernel_dirs if jupyter else []:
        count = sum(1 for r in rows if r.spec.search_dir == folder)
        folders.append(line(Span(folder, "literal"), f"  ({count})" if count else ""))
    entries = []
    for row in rows:
        spec = row.spec
        fields = []
        if spec.interpreter:
            fields.append(Field("runs", line(Span(spec.interpreter, "literal"))))
            fields.append(Field("env", line(environment_text(row.interpreter))))
            packages = packages_text(row.interpreter)
            if packages:
                fields.append(Field("packages", line(packages)))
        where = "built in (ipykernel in the Jupyter's env)" if spec.native else f"{spec.resource_dir}/kernel.json"
        fields.append(Field("spec", line(Span(where, "literal") if not spec.native else where)))
        fields += [Field("hides", line(s)) for s in spec.shadows]
        fields += [Field("problem", line(p), style="error") for p in spec.problems]
        head = line(
            Span(spec.name, "code"), f"  \u201c{spec.display_name}\u201d  ", Span(row.status, _status_style(row))
        )
        entries.append(Entry(head, fields))
    findings = [f for r in rows for f in r.findings]
    data: dict[str, Any] = document_header()
    data["jupyter"] = {k: v for k, v in to_dict(jupyter).items() if k != "kernels"} if jupyter else None
    data["kernels"] = [r.to_dict() for r in rows]
    data["findings"] = [f.to_dict() for f in findings]
    data["summary"] = counts(findings)
    count = len(rows)
    return Document(
        verb="kernels",
        title=line(f"envdoctor kernels: {count} kernel spec{'s' * (count != 1)} · Jupyter: ", Span(host, "literal")),
        blocks=[
            Bullets(
                folders, title=f"search path ({jupyter.path_source if jupyter else '?'}; first wins):", numbered=True
            ),
            Entries(entries),
            Findings(findings),
        ],
        verdict=verdict(findings, []),
        data=JsonData(data),
    )
