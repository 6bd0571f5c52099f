"""Text, JSON and Markdown for a plan."""

from __future__ import annotations

import json

from envdoctor.plan.model import Pin, Plan


def _label(pin: Pin) -> str:
    return f"{pin.name}[{','.join(pin.extras)}]" if pin.extras else pin.name


def _header(plan: Plan) -> str:
    build = "GPU" if plan.gpu else "CPU"
    return f"Python {plan.python or '?'} · {plan.platform} · {build} · {plan.manager}"


def render_json(plan: Plan) -> str:
    from envdoctor import __version__

    data = plan.to_dict()
    data["envdoctor"] = __version__
    return json.dumps(data, indent=2)


def _table(pins: list[Pin]) -> list[str]:
    if not pins:
        return []
    width_name = max(len(_label(p)) for p in pins)
    width_version = max(len(p.version) for p in pins)
    lines = [f"  {'package':<{width_name}}  {'version':<{width_version}}  reason"]
    for pin in pins:
        lines.append(f"  {_label(pin):<{width_name}}  {pin.version:<{width_version}}  {pin.reason}")
    return lines


def render_text(plan: Plan) -> str:
    lines: list[str] = []
    if plan.status == "unresolved":
        lines.append(f"envdoctor plan: could not resolve ({_header(plan)}); this is not a proof that nothing fits")
        lines += [f"  {line}" for line in plan.proof]
        lines.append("try:")
        lines += [f"  - {step}" for step in plan.next_steps]
        return "\n".join(lines)
    if not plan.feasible:
        lines.append(f"envdoctor plan: nothing fits ({_header(plan)})")
        lines += [f"  {line}" for line in plan.proof]
        if plan.alternatives:
            lines.append("nearest feasible alternatives:")
            lines += [f"  - {alt}" for alt in plan.alternatives]
        return "\n".join(lines)
    lines.append(f"envdoctor plan: {_header(plan)}")
    if plan.conda:
        lines.append("conda packages:")
        lines += _table([p for p in plan.conda if p.reason != "conda dependency"])
        deps = sum(1 for p in plan.conda if p.reason == "conda dependency")
        if deps:
            lines.append(f"  (+ {deps} conda dependencies)")
    if plan.packages:
        lines.append("pip packages:" if plan.conda else "packages:")
        lines += _table(plan.packages)
    if plan.reasons:
        lines.append("why:")
        lines += [f"  - {r}" for r in plan.reasons]
    if plan.files:
        lines.append("wrote:")
        lines += [f"  {kind}: {path}" for kind, path in plan.files.items()]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(plan: Plan) -> str:
    lines = [f"## envdoctor plan ({_header(plan)})", ""]
    if plan.status == "unresolved":
        lines += ["**Could not resolve** (not a proof that nothing fits).", ""]
        lines += [f"- {_md_cell(p)}" for p in plan.proof]
        lines += ["", "Try:", ""] + [f"- {_md_cell(s)}" for s in plan.next_steps]
        return "\n".join(lines) + "\n"
    if not plan.feasible:
        lines.append("**Nothing fits.**")
        lines.append("")
        lines += [f"- {_md_cell(p)}" for p in plan.proof]
        if plan.alternatives:
            lines += ["", "Nearest feasible alternatives:", ""]
            lines += [f"- {_md_cell(a)}" for a in plan.alternatives]
        return "\n".join(lines) + "\n"
    lines += ["| package | version | source | reason |", "| --- | --- | --- | --- |"]
    for pin in [*plan.conda, *plan.packages]:
        if pin.reason == "conda dependency":
            continue
        lines.append(f"| {_md_cell(_label(pin))} | {pin.version} | {pin.source} | {_md_cell(pin.reason)} |")
    if plan.reasons:
        lines += ["", "Why:", ""] + [f"- {_md_cell(r)}" for r in plan.reasons]
    if plan.files:
        lines += ["", "Files:", ""] + [f"- `{k}`: `{v}`" for k, v in plan.files.items()]
    return "\n".join(lines) + "\n"


def render(plan: Plan, fmt: str) -> str:
    if fmt == "json":
        return render_json(plan)
    if fmt == "markdown":
        return render_markdown(plan)
    return render_text(plan)
