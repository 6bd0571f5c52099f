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


def render_text(plan: Plan, *, color: bool = False, width: int | None = None) -> str:
    """The plan for a terminal (rich): a table of the pins whose reason column wraps on a terminal
    instead of breaking the table; the proof, or what to try, as indented lists."""
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

    from envdoctor.render.terminal import to_text

    items: list[RenderableType] = []

    def bullets(title: str, entries: list[str], style: str = "") -> None:
        if not entries:
            return
        items.append(Text(title, style="heading"))
        grid = Table.grid()  # a hanging indent: wrapped lines stay under their text
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for entry in entries:
            grid.add_row(Text("  - ", style="dim"), Text(entry, style=style))
        items.append(grid)

    def table(pins: list[Pin]) -> Table:
        grid = Table(box=None, pad_edge=True, padding=(0, 1), show_edge=False, header_style="label")
        grid.add_column("package", no_wrap=True, style="code")
        grid.add_column("version", no_wrap=True)
        grid.add_column("reason", overflow="fold", ratio=1 if width else None)
        for pin in pins:
            grid.add_row(_label(pin), pin.version, pin.reason)
        return grid

    if plan.status == "unresolved":
        items.append(
            Text(
                f"envdoctor plan: could not resolve ({_header(plan)}); this is not a proof that nothing fits",
                style="fail",
            )
        )
        items += [Text(f"  {line}") for line in plan.proof]
        bullets("try:", plan.next_steps)
        return to_text(items, color=color, width=width)
    if not plan.feasible:
        items.append(Text(f"envdoctor plan: nothing fits ({_header(plan)})", style="fail"))
        items += [Text(f"  {line}") for line in plan.proof]
        bullets("nearest feasible alternatives:", plan.alternatives, style="fix")
        return to_text(items, color=color, width=width)
    items.append(Text(f"envdoctor plan: {_header(plan)}", style="ok"))
    if plan.conda:
        items.append(Text("conda packages:", style="heading"))
        items.append(table([p for p in plan.conda if p.reason != "conda dependency"]))
        deps = sum(1 for p in plan.conda if p.reason == "conda dependency")
        if deps:
            items.append(Text(f"  (+ {deps} conda dependencies)", style="dim"))
    if plan.packages:
        items.append(Text("pip packages:" if plan.conda else "packages:", style="heading"))
        items.append(table(plan.packages))
    bullets("why:", plan.reasons)
    bullets("wrote:", [f"{kind}: {path}" for kind, path in plan.files.items()])
    return to_text(items, color=color, width=width)


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


def render(plan: Plan, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    if fmt == "json":
        return render_json(plan)
    if fmt == "markdown":
        return render_markdown(plan)
    return render_text(plan, color=color, width=width)
