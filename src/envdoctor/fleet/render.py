"""The fleet report as text, JSON, Markdown and one self-contained HTML page. Formatters return
strings. Everything a snapshot carries came from another machine: text output drops control
characters, Markdown and HTML escape their markup."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

from envdoctor import __version__
from envdoctor.fleet.aggregate import FleetReport, Group, Node, Profile, SkewRow
from envdoctor.fleet.inputs import natural_key
from envdoctor.model import Severity
from envdoctor.output import document_header
from envdoctor.render.findings import Style

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LIST_IN_FULL = 8  # node lists longer than this are written as ranges: n[001-250,252]


def plain(text: object) -> str:
    """Text safe for a terminal: control characters (escape sequences) shown, not sent."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def node_list(names: Sequence[str]) -> str:
    """ "n04, n09, n11"; longer lists as Slurm-style ranges "n[001-096,098]" (hand-written: no
    library in envdoctor's dependencies folds host names)."""
    if len(names) <= _LIST_IN_FULL:
        return ", ".join(names)
    folded: dict[tuple[str, int], list[int]] = {}
    loose: list[str] = []
    order: list[tuple[str, int] | str] = []
    for name in names:
        match = re.fullmatch(r"(.*?)(\d+)", name)
        if match is None:
            loose.append(name)
            order.append(name)
            continue
        key = (match.group(1), len(match.group(2)))
        if key not in folded:
            folded[key] = []
            order.append(key)
        folded[key].append(int(match.group(2)))
    parts: list[str] = []
    for entry in order:
        if isinstance(entry, str):
            parts.append(entry)
            continue
        prefix, width = entry
        numbers = sorted(set(folded[entry]))
        if len(numbers) == 1:
            parts.append(f"{prefix}{numbers[0]:0{width}d}")
            continue
        spans: list[str] = []
        start = previous = numbers[0]
        for number in [*numbers[1:], None]:
            if number is not None and number == previous + 1:
                previous = number
                continue
            spans.append(f"{start:0{width}d}" if start == previous else f"{start:0{width}d}-{previous:0{width}d}")
            if number is not None:
                start = previous = number
        parts.append(f"{prefix}[{','.join(spans)}]")
    return ", ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _value(row: SkewRow, value: str | None) -> str:
    return value if value is not None else row.absent


def environment_groups(report: FleetReport) -> list[tuple[Profile, list[Node]]]:
    """The answered nodes by distinct environment, largest group first."""
    groups: dict[int, tuple[Profile, list[Node]]] = {}
    for node in report.answered:
        assert node.profile is not None
        groups.setdefault(id(node.profile), (node.profile, []))[1].append(node)
    return sorted(groups.values(), key=lambda g: (-len(g[1]), natural_key(g[1][0].name)))


def describe(profile: Profile) -> str:
    """One line about an environment: Python, frameworks, driver."""
    env = profile.environment
    bits = [f"Python {env.get('python') or '?'}"]
    if profile.training is not None and profile.training.frameworks:
        bits.append(" + ".join(profile.training.frameworks))
    else:
        bits.append("no framework")
    if profile.training is not None and profile.training.cuda_runtime not in ("", "CPU"):
        bits.append(f"CUDA runtime {profile.training.cuda_runtime}")
    driver = env.get("gpu_driver")
    gpus = env.get("gpus") or []
    if driver:
        bits.append(f"driver {driver}, {_plural(len(gpus), 'GPU')}")
    return " · ".join(bits)


def status_of(profile: Profile) -> str:
    counts = {s: sum(1 for f in profile.findings if f.severity is s) for s in Severity}
    if not profile.findings:
        return "ok"
    parts = []
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "note")):
        if counts[severity]:
            codes = sorted({f.code for f in profile.findings if f.severity is severity})
            parts.append(f"{_plural(counts[severity], word)} ({', '.join(codes)})")
    return ", ".join(parts)


def verdict_line(report: FleetReport) -> str:
    answered, missing = len(report.answered), report.missing
    if report.exit_code == 0:
        return f"OK: {_plural(answered, 'node')}, no errors, no skew"
    problems = []
    if report.nodes_with_errors:
        problems.append(f"{_plural(len(report.nodes_with_errors), 'node')} with errors")
    if report.blocking_skew:
        problems.append(f"{_plural(len(report.blocking_skew), 'version')} skewed")
    if report.verdict.status == "not-ready":
        problems.append("not ready for distributed training")
    unreachable = sum(1 for n in missing if n.status == "unreachable")
    failed = len(missing) - unreachable
    if unreachable:
        problems.append(f"{_plural(unreachable, 'node')} unreachable")
    if failed:
        problems.append(f"{_plural(failed, 'node')} failed")
    if not answered:
        problems.append("no node answered")
    return "FAILED: " + ", ".join(problems)


_VERDICT_WORDS = {
    "ready": "READY",
    "not-ready": "NOT READY",
    "no-framework": "no framework installed",
    "no-nodes": "no node answered",
}


def verdict_summary(report: FleetReport) -> str:
    verdict = report.verdict
    if verdict.status == "ready":
        detail = " + ".join(verdict.frameworks)
        if verdict.cuda_runtime and verdict.cuda_runtime != "CPU":
            detail += f", CUDA runtime {verdict.cuda_runtime}"
        if verdict.nccl:
            detail += f", NCCL {verdict.nccl}"
        return f"READY: every node that answered runs {detail}"
    return _VERDICT_WORDS[verdict.status]


# -- text ----------------------------------------------------------------------------------
def fleet_text(report: FleetReport, *, color: bool = False) -> str:
    s = Style(color)
    total, answered = len(report.nodes), len(report.answered)
    lines = [
        s(f"envdoctor fleet: {_plural(total, 'node')} from {plain(report.origin)}", "bold"),
        f"{answered} answered · {_plural(report.environments, 'distinct environment')}",
    ]
    for node in report.missing:
        lines.append(s(f"  {node.status}: {plain(node.name)} ({plain(node.reason)})", "error"))
    lines.extend(f"  note: {plain(n)}" for n in report.notes)

    verdict = report.verdict
    ready = verdict.status in ("ready", "no-framework")
    lines += [
        "",
        s("Distributed training: ", "bold") + s(plain(verdict_summary(report)), "green" if ready else "error"),
    ]
    lines.extend(f"  {plain(r)}" for r in verdict.reasons if verdict.status == "not-ready")

    lines.append("")
    if not report.skew:
        lines.append(s("Skew: none", "bold") + " (every compared version is the same on every node)")
    else:
        count = len(report.skew)
        lines.append(
            s(f"Skew ({_plural(count, 'version')} {'differs' if count == 1 else 'differ'} across nodes)", "bold")
        )
        width = min(32, max(len(row.what) for row in report.skew))
        for row in report.skew:
            majority = f"{_value(row, row.majority)} on {_plural(len(row.majority_nodes), 'node')}"
            outliers = "; ".join(f"{_value(row, v)} on {node_list(names)}" for v, names in row.outliers)
            tag = s(" (allowed)", "dim") if row.allowed else ""
            lines.append(f"  {plain(row.what):<{width}}  {plain(majority)}  ·  {s(plain(outliers), 'warning')}{tag}")

    lines.append("")
    if not report.groups:
        lines.append(s("Findings: none on any node", "bold"))
    else:
        lines.append(s(f"Findings across nodes ({len(report.groups)})", "bold"))
        for group in report.groups:
            lines.extend(_group_text(group, answered, s))

    lines += ["", s("Nodes", "bold")]
    for profile, nodes in environment_groups(report):
        names = [n.name for n in nodes]
        label = node_list(names) + (f" ({len(names)} nodes)" if len(names) > 1 else "")
        state = status_of(profile)
        lines.append(f"  {plain(label)}  {plain(describe(profile))}  ·  {s(plain(state), _tone(profile))}")
    for node in report.missing:
        lines.append(f"  {plain(node.name)}  {s(node.status, 'error')}: {plain(node.reason)}")
    lines += ["", s(verdict_line(report), "bold green" if report.exit_code == 0 else "bold error")]
    return "\n".join(lines) + "\n"


def _tone(profile: Profile) -> str:
    if profile.errors:
        return "error"
    return "warning" if profile.findings else "green"


def _group_text(group: Group, answered: int, s: Style) -> list[str]:
    head = f"{group.code} {group.rule}"
    where = f"on {len(group.nodes)} of {answered} nodes: {node_list(group.nodes)}"
    lines = [f"  {s(head, group.severity.value)} {group.severity.value} {plain(where)}"]
    for variant in group.variants:
        suffix = "" if len(group.variants) == 1 else f"  [{node_list(variant.nodes)}]"
        lines.append(f"      {plain(variant.message)}{s(plain(suffix), 'dim')}")
        if variant.fix:
            lines.append(f"        {s('fix:', 'green')} {plain(variant.fix)}")
    return lines


# -- JSON ----------------------------------------------------------------------------------
def fleet_json(report: FleetReport) -> str:
    document: dict[str, Any] = document_header()
    verdict = report.verdict
    document["fleet"] = {
        "origin": report.origin,
        "nodes": len(report.nodes),
        "answered": len(report.answered),
        "environments": report.environments,
        "notes": report.notes,
    }
    document["verdict"] = {
        "status": verdict.status,
        "reasons": verdict.reasons,
        "frameworks": list(verdict.frameworks),
        "cuda_runtime": verdict.cuda_runtime,
        "nccl": verdict.nccl,
    }
    document["skew"] = [
        {
            "category": row.category,
            "what": row.what,
            "majority": {"value": row.majority, "nodes": row.majority_nodes},
            "outliers": [{"value": value, "nodes": names} for value, names in row.outliers],
            "allowed": row.allowed,
        }
        for row in report.skew
    ]
    document["groups"] = [
        {
            "code": g.code,
            "rule": g.rule,
            "severity": g.severity.value,
            "cause": g.cause,
            "nodes": g.nodes,
            "variants": [{"message": v.message, "fix": v.fix, "nodes": v.nodes} for v in g.variants],
        }
        for g in report.groups
    ]
    document["nodes"] = _NODES_SLOT
    missing = report.missing
    document["summary"] = {
        "nodes": len(report.nodes),
        "answered": len(report.answered),
        "unreachable": sum(1 for n in missing if n.status == "unreachable"),
        "failed": sum(1 for n in missing if n.status != "unreachable"),
        "nodes_with_errors": len(report.nodes_with_errors),
        "skewed": len(report.blocking_skew),
        "exit_code": report.exit_code,
    }
    # One node per line: indenting a thousand nodes' findings takes json's pure-Python encoder
    # seconds; a line each keeps the C encoder and stays easy to grep.
    nodes = ",\n    ".join(json.dumps(_node_json(n)) for n in report.nodes)
    text = json.dumps(document, indent=2)
    return text.replace(json.dumps(_NODES_SLOT), f"[\n    {nodes}\n  ]" if nodes else "[]", 1) + "\n"


_NODES_SLOT = "\x00nodes\x00"  # cannot come from a command line or a file name


def _node_json(node: Node) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": node.name,
        "status": node.status,
        "reason": node.reason or None,
        "hostname": node.hostname or None,
        "source": node.source,
        "launcher": node.extra,
    }
    profile = node.profile if node.answered else None
    if profile is not None:
        entry["environment"] = profile.environment
        entry["findings"] = [f.to_dict() for f in profile.findings]
        entry["skipped"] = [{"what": k.what, "reason": k.reason} for k in profile.skipped]
        entry["versions"] = {what: value for (_, what), value in sorted(profile.facts.items())}
    return entry


# -- Markdown ------------------------------------------------------------------------------
def _md(text: object) -> str:
    """Markdown-safe inline text: no markup, no HTML, one line."""
    value = plain(text).replace("\n", " ").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", value)


def _code(text: object) -> str:
    value = plain(text).replace("\n", " ").replace("`", "'")
    return f"`{value}`"


def fleet_markdown(report: FleetReport) -> str:
    total, answered = len(report.nodes), len(report.answered)
    lines = [
        "## envdoctor fleet",
        "",
        f"{_plural(total, 'node')} from {_md(report.origin)}: {answered} answered, "
        f"{_plural(report.environments, 'distinct environment')}.",
        "",
    ]
    lines.extend(f"- **{node.status}**: {_md(node.name)} ({_md(node.reason)})" for node in report.missing)
    lines.extend(f"- note: {_md(n)}" for n in report.notes)
    lines += ["", f"### Distributed training: {_md(verdict_summary(report))}", ""]
    lines.extend(f"- {_md(r)}" for r in report.verdict.reasons if report.verdict.status == "not-ready")
    lines += ["", "### Skew", ""]
    if not report.skew:
        lines.append("Every compared version is the same on every node.")
    else:
        lines += ["| what | majority | nodes | outliers |", "|---|---|---|---|"]
        for row in report.skew:
            outliers = "; ".join(f"{_code(_value(row, v))} on {_md(node_list(n))}" for v, n in row.outliers)
            allowed = " (allowed)" if row.allowed else ""
            lines.append(
                f"| {_md(row.what)}{allowed} | {_code(_value(row, row.majority))} | {len(row.majority_nodes)} "
                f"| {outliers} |"
            )
    lines += ["", "### Findings across nodes", ""]
    if not report.groups:
        lines.append("No finding on any node.")
    for group in report.groups:
        lines.append(
            f"- **{group.code} {group.rule}** ({group.severity.value}) on {len(group.nodes)} of {answered} "
            f"nodes: {_md(node_list(group.nodes))}"
        )
        for variant in group.variants:
            lines.append(f"  - {_md(variant.message)} — {_md(node_list(variant.nodes))}")
            if variant.fix:
                lines.append(f"    - fix: {_code(variant.fix)}")
    lines += ["", "### Nodes", ""]
    for profile, nodes in environment_groups(report):
        names = [n.name for n in nodes]
        lines.append(f"#### {_md(node_list(names))}" + (f" ({len(names)} nodes)" if len(names) > 1 else ""))
        lines += ["", f"{_md(describe(profile))} · **{_md(status_of(profile))}**", ""]
        for finding in profile.findings:
            lines.append(f"- **{finding.code}** ({finding.severity.value}) {_md(finding.message)}")
            lines.extend(f"  - evidence: {_code(e)}" for e in finding.evidence)
            if finding.fix:
                lines.append(f"  - fix: {_code(finding.fix)}")
        lines.extend(f"- skipped: {_md(k.what)}: {_md(k.reason)}" for k in profile.skipped)
        lines.append("")
    lines.append(f"_{_md(verdict_line(report))} · envdoctor {__version__}_")
    return "\n".join(lines) + "\n"


# -- HTML ----------------------------------------------------------------------------------
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#5b6673}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:20px}.banner{border-radius:8px;padding:12px 16px;margin:12px 0;font-weight:600}
.ok{background:#e5f5ea;color:#135c2b}.bad{background:#fde8e8;color:#8a1c1c}.neutral{background:#eef1f5}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e6}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eceff2;vertical-align:top}
th{background:#f0f2f5;font-weight:600}code{font:12px ui-monospace,Menlo,monospace;background:#f0f2f5;
padding:1px 4px;border-radius:4px;word-break:break-all}.sev{font-weight:600;text-transform:uppercase;font-size:11px}
.error{color:#b42318}.warning{color:#9a6700}.info{color:#1f6feb}.allowed{color:#5b6673;font-style:italic}
details{background:#fff;border:1px solid #dde1e6;border-radius:8px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}ul{margin:6px 0 6px 18px;padding:0}li{margin:3px 0}.nodes{color:#5b6673}
footer{color:#5b6673;margin:32px 0 8px;font-size:12px}
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def fleet_html(report: FleetReport) -> str:
    total, answered = len(report.nodes), len(report.answered)
    verdict = report.verdict
    tone = {"ready": "ok", "not-ready": "bad"}.get(verdict.status, "neutral")
    overall = "ok" if report.exit_code == 0 else "bad"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>envdoctor fleet: {_h(report.origin)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>envdoctor fleet</h1>",
        f'<div class="sub">{_plural(total, "node")} from {_h(report.origin)} · envdoctor {_h(__version__)}</div>',
        '<div class="cards">',
        f"<div class='card'><b>{total}</b>nodes</div>",
        f"<div class='card'><b>{answered}</b>answered</div>",
        f"<div class='card'><b>{report.environments}</b>distinct environments</div>",
        f"<div class='card'><b>{len(report.nodes_with_errors)}</b>nodes with errors</div>",
        f"<div class='card'><b>{len(report.blocking_skew)}</b>skewed versions</div>",
        "</div>",
        f'<div class="banner {overall}">{_h(verdict_line(report))}</div>',
    ]
    if report.missing or report.notes:
        parts.append("<ul>")
        parts += [f"<li><b>{_h(n.status)}</b>: {_h(n.name)} ({_h(n.reason)})</li>" for n in report.missing]
        parts += [f"<li>note: {_h(n)}</li>" for n in report.notes]
        parts.append("</ul>")
    parts += ["<h2>Distributed training</h2>", f'<div class="banner {tone}">{_h(verdict_summary(report))}</div>']
    if verdict.status == "not-ready":
        parts += ["<ul>", *[f"<li>{_h(r)}</li>" for r in verdict.reasons], "</ul>"]
    parts.append("<h2>Skew</h2>")
    if not report.skew:
        parts.append("<p>Every compared version is the same on every node.</p>")
    else:
        parts.append("<table><tr><th>what</th><th>majority</th><th>nodes</th><th>outliers</th></tr>")
        for row in report.skew:
            outliers = "<br>".join(
                f"<code>{_h(_value(row, v))}</code> on <span class='nodes'>{_h(node_list(n))}</span>"
                for v, n in row.outliers
            )
            allowed = " <span class='allowed'>(allowed)</span>" if row.allowed else ""
            parts.append(
                f"<tr><td>{_h(row.what)}{allowed}</td><td><code>{_h(_value(row, row.majority))}</code></td>"
                f"<td>{len(row.majority_nodes)}</td><td>{outliers}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Findings across nodes</h2>")
    if not report.groups:
        parts.append("<p>No finding on any node.</p>")
    for group in report.groups:
        sev = group.severity.value
        parts.append(
            f"<details{' open' if group.severity is Severity.ERROR else ''}><summary>"
            f"<span class='sev {sev}'>{sev}</span> <b>{_h(group.code)} {_h(group.rule)}</b> on "
            f"{len(group.nodes)} of {answered} nodes: <span class='nodes'>{_h(node_list(group.nodes))}</span>"
            "</summary><ul>"
        )
        for variant in group.variants:
            fix = f"<br>fix: <code>{_h(variant.fix)}</code>" if variant.fix else ""
            parts.append(
                f"<li>{_h(variant.message)} <span class='nodes'>({_h(node_list(variant.nodes))})</span>{fix}</li>"
            )
        parts.append("</ul></details>")
    parts.append("<h2>Nodes</h2>")
    parts.append("<table><tr><th>nodes</th><th>environment</th><th>status</th></tr>")
    for profile, nodes in environment_groups(report):
        names = [n.name for n in nodes]
        parts.append(
            f"<tr><td>{_h(node_list(names))}" + (f" ({len(names)})" if len(names) > 1 else "") + "</td>"
            f"<td>{_h(describe(profile))}</td><td class='{_tone(profile).replace('green', 'ok')}'>"
            f"{_h(status_of(profile))}</td></tr>"
        )
    for node in report.missing:
        parts.append(
            f"<tr><td>{_h(node.name)}</td><td>{_h(node.source)}</td>"
            f"<td class='error'>{_h(node.status)}: {_h(node.reason)}</td></tr>"
        )
    parts.append("</table>")
    detailed = [(p, n) for p, n in environment_groups(report) if p.findings or p.skipped]
    if detailed:
        parts.append("<h2>Findings per node</h2>")
    for profile, nodes in detailed:
        names = [n.name for n in nodes]
        parts.append(f"<details><summary><b>{_h(node_list(names))}</b>: {_h(status_of(profile))}</summary><ul>")
        for finding in profile.findings:
            sev = finding.severity.value
            evidence = "".join(f"<br>evidence: <code>{_h(e)}</code>" for e in finding.evidence)
            fix = f"<br>fix: <code>{_h(finding.fix)}</code>" if finding.fix else ""
            parts.append(
                f"<li><span class='sev {sev}'>{sev}</span> <b>{_h(finding.code)}</b> {_h(finding.message)}"
                f"{evidence}{fix}</li>"
            )
        parts += [f"<li>skipped: {_h(k.what)}: {_h(k.reason)}</li>" for k in profile.skipped]
        parts.append("</ul></details>")
    parts.append(f"<footer>envdoctor {_h(__version__)} · self-contained page, no external resources</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
