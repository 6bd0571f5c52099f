"""`envdoctor report`: the environment, the machine, check's findings, the key packages and the
whole snapshot (for `check --snapshot`), to paste into a bug report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from envdoctor.render.document import Code, Column, Document, Facts, Findings, JsonData, Para, Span, Table, line
from envdoctor.render.findings import verdict
from envdoctor.render.views.check import findings_data

if TYPE_CHECKING:
    from envdoctor.model import Finding, Skipped, Snapshot

_OTHER_KEY_PACKAGES = (
    "numpy",
    "protobuf",
    "h5py",
    "ml-dtypes",
    "typing-extensions",
    "tensorboard",
    "scipy",
    "pandas",
)


def key_packages() -> list[str]:
    """The distributions a report lists first: each framework's (the names users ask for, its Keras,
    its compiled part), then the dependencies that break them most."""
    # lazy: frameworks costs 20.4 ms, 10 modules; only key_packages() needs it
    from envdoctor.frameworks import all_frameworks

    names: list[str] = []
    for fw in all_frameworks():
        names += [v.name for v in fw.all_variants if v.request]
        if fw.keras is not None:
            names += [fw.keras.legacy, fw.keras.package]
        if fw.binary:
            names.append(fw.binary)
    return list(dict.fromkeys([*names, *_OTHER_KEY_PACKAGES]))


def report_document(
    snapshot: Snapshot,
    findings: Sequence[Finding],
    skipped: Sequence[Skipped],
    env: dict[str, Any],
    *,
    dropped: Sequence[str] = (),
) -> Document:
    machine = snapshot.machine
    facts = [(k, str(v)) for k, v in env.items() if v not in (None, "", [])]
    facts += [
        ("os", f"{machine.os_release or machine.os} {machine.arch}"),
        ("libc", f"{machine.libc} {machine.libc_version or ''}".strip()),
        ("cpu", f"{machine.cpu_model} ({' '.join(machine.cpu_flags)})"),
    ]
    if machine.gpu.cuda_driver_version:
        facts.append(("driver CUDA", machine.gpu.cuda_driver_version))
    installed = {d.name: d for d in snapshot.distributions if d.shadowed_by is None}
    rows = [(n, installed[n].version, installed[n].installer or "?") for n in key_packages() if n in installed]
    rows += sorted((d.name, d.version, d.installer or "?") for d in installed.values() if d.name.startswith("nvidia-"))
    blocks: list[Any] = [Facts([(k, line(Span(v, "literal"))) for k, v in facts]), Findings(findings, skipped)]
    if rows:
        blocks.append(
            Table(
                [Column("package"), Column("version"), Column("installer")],
                [[Span(c, "literal") for c in row] for row in rows],
                title="Key packages",
            )
        )
    if dropped:
        blocks.append(
            Para(
                line(
                    f"Left out: {', '.join(dropped)} of the shell that ran envdoctor, which named another "
                    "environment than this one."
                ),
                "dim",
            )
        )
    # ensure_ascii: no raw control or bidi character in the block
    document = json.dumps(snapshot.to_dict(), indent=1, ensure_ascii=True)
    blocks.append(Code(document, language="json", summary="snapshot (JSON, for envdoctor check --snapshot)"))
    return Document(
        verb="report",
        title=line("envdoctor report"),
        blocks=blocks,
        verdict=verdict(findings, skipped),
        data=JsonData(findings_data(findings, skipped, environment=env, snapshot=snapshot.to_dict())),
    )
