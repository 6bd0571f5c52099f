"""`envdoctor verify`: each framework and compiled package, whether it imports and computes, and
for a failure its cause and fix (also shown by create and fix after they verify)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from envdoctor.render.document import (
    Block,
    Code,
    Document,
    Entries,
    Entry,
    Field,
    JsonData,
    Para,
    Span,
    command,
    line,
)

if TYPE_CHECKING:
    from envdoctor.actions.verify import FrameworkResult, VerifyReport


def ok_mark(ok: bool) -> Span:
    return Span("[ok  ]", "ok") if ok else Span("[FAIL]", "fail")


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""


def _device_name(device: dict[str, Any]) -> str:
    return str(device.get("name", "?")).replace("/physical_device:", "")


def build_summary(fw: FrameworkResult) -> str:
    # lazy: frameworks costs 39.9 ms, 10 modules; only build_summary() needs it
    from envdoctor import frameworks as registry

    framework = registry.get(fw.framework) if fw.kind == "framework" else None
    return ", ".join(framework.verify_summary(fw.build)) if framework is not None else ""


def framework_entry(fw: FrameworkResult) -> Entry:
    version = fw.version or (fw.distributions[0].split("==")[-1] if fw.distributions else "?")
    label = fw.framework if fw.kind == "framework" else f"{fw.framework} (package)"
    head = line(Span(label, "code"), f" {version} ({', '.join(fw.distributions)})")
    if fw.import_seconds is not None:
        head = line(*head, Span(f"  import {fw.import_seconds:.2f} s", "dim"))
    fields = []
    build = build_summary(fw)
    if build:
        fields.append(Field("build:", line(build)))
    if fw.keras is not None:
        which = f"Keras {fw.keras.get('version') or '?'} ({fw.keras.get('module') or '?'})"
        fields.append(Field("tf.keras:", line(which if fw.keras.get("ok") else Span("FAILED", "fail"))))
    if fw.devices:
        fields.append(Field("devices:", line(", ".join(_device_name(d) for d in fw.devices))))
    for comp in fw.computations:
        secs = f" {comp.seconds:.3f} s" if comp.seconds is not None else ""
        state = Span("ok", "ok") if comp.ok else Span("FAILED", "fail")
        fields.append(Field(f"compute on {comp.device}:", line(state, secs)))
    body: list[Block] = []
    if not fw.ok:
        fields.append(Field("error:", line(Span(_first_line(fw.error), "error")), style="error"))
        if fw.diagnosis:
            diagnosis = fw.diagnosis
            code = f" ({diagnosis.code})" if diagnosis.code else ""
            title = f" -- {diagnosis.title}" if diagnosis.title else ""
            fields.append(Field("cause:", line(Span(f"{diagnosis.cause}{code}", "warning"), title)))
            fields += [Field("|", line(Span(text.strip(), "literal")), style="dim") for text in diagnosis.lines[:3]]
            fields += [Field("fix:", line(command(fix)), style="fix") for fix in diagnosis.fixes[:3]]
        if fw.output_tail:
            tail = "\n".join(fw.output_tail.splitlines()[-20:])
            body.append(Code(tail, summary="output (last lines)", indent=2))
    return Entry(head, fields, mark=ok_mark(fw.ok), body=body)


def verify_summary(report: VerifyReport) -> Para:
    working = sum(1 for f in report.frameworks if f.ok)
    packages = (
        f", {sum(1 for p in report.packages if p.ok)} of {len(report.packages)} package(s)" if report.packages else ""
    )
    text = (
        f"verify: {working} of {len(report.frameworks)} framework(s){packages} work"
        + ("" if report.ok else f"; failed: {', '.join(report.failed)}")
        + f" ({report.seconds:.1f} s)"
    )
    return Para(line(text), "ok" if report.ok else "fail")


def _families() -> str:
    # lazy: frameworks costs 39.9 ms, 10 modules; only _families() needs it
    from envdoctor import frameworks as registry

    return ", ".join(registry.families())


def verify_blocks(report: VerifyReport) -> list[Block]:
    """What verify found, as blocks (create and fix show them under their own title)."""
    if not report.frameworks and not report.packages:
        return [Para(line(f"no framework ({_families()}) or compiled package to verify"), "dim")]
    blocks: list[Block] = []
    if not report.frameworks:
        blocks.append(Para(line(f"no framework installed ({_families()})"), "dim"))
    blocks.append(Entries([framework_entry(fw) for fw in [*report.frameworks, *report.packages]]))
    return blocks


def verify_document(report: VerifyReport) -> Document:
    return Document(
        verb="verify",
        title=line("envdoctor verify: ", Span(report.python, "literal"), f" (Python {report.python_version or '?'})"),
        blocks=verify_blocks(report),
        verdict=verify_summary(report),
        data=JsonData(report.to_dict()),
    )
