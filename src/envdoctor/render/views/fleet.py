"""`envdoctor fleet`: the report as a Document (grouped findings, the skew, the distributed-training
verdict, the nodes by environment). Everything a snapshot carries came from another machine: the
formatters neutralise it (text shows control characters, Markdown and HTML escape their markup)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from envdoctor.fleet.aggregate import FleetReport, Group, Node, Profile, SkewRow
from envdoctor.fleet.inputs import natural_key
from envdoctor.model import Severity
from envdoctor.output import document_header
from envdoctor.render.document import (
    Block,
    Bullets,
    Column,
    Document,
    Entries,
    Entry,
    Field,
    Findings,
    JsonData,
    Para,
    Section,
    Span,
    Stats,
    Table,
    command,
    line,
)

_LIST_IN_FULL = 8  # node lists longer than this are written as ranges: n[001-250,252]


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


_STATUS_STYLE = {"error": "error", "warning": "warning", "green": "ok"}


def _tone(profile: Profile) -> str:
    if profile.errors:
        return "error"
    return "warning" if profile.findings else "ok"


def _group_entry(group: Group, answered: int) -> Entry:
    head = line(
        Span(group.severity.value, group.severity.value),
        " ",
        Span(f"{group.code} {group.rule}", "heading"),
        f" on {len(group.nodes)} of {answered} nodes: {node_list(group.nodes)}",
    )
    children = []
    for variant in group.variants:
        fields = [Field("fix:", line(command(variant.fix)), style="fix")] if variant.fix else []
        where = "" if len(group.variants) == 1 else f"  [{node_list(variant.nodes)}]"
        children.append(Entry(line(variant.message, Span(where, "dim")), fields))
    return Entry(head, children=children)


def fleet_document(report: FleetReport) -> Document:
    total, answered = len(report.nodes), len(report.answered)
    verdict = report.verdict

    def counted(n: int, what: str) -> tuple[str, str]:
        return str(n), _plural(n, what).split(" ", 1)[1]

    blocks: list[Block] = [
        Stats(
            [
                counted(total, "node"),
                (str(answered), "answered"),
                counted(report.environments, "distinct environment"),
                (str(len(report.nodes_with_errors)), "with errors"),
                counted(len(report.blocking_skew), "skewed version"),
            ]
        ),
    ]
    notices = [line(Span(f"{node.status}:", "error"), f" {node.name} ({node.reason})") for node in report.missing]
    notices += [line(Span("note:", "label"), f" {n}") for n in report.notes]
    if notices:
        blocks.append(Bullets(notices))
    ready = verdict.status in ("ready", "no-framework")
    training: list[Block] = [Bullets([line(r) for r in verdict.reasons])] if verdict.status == "not-ready" else []
    blocks.append(
        Section(line("Distributed training: ", verdict_summary(report)), training, style="ok" if ready else "fail")
    )
    if not report.skew:
        blocks.append(
            Section(line("Skew: none"), [Para(line("every compared version is the same on every node"), "dim")])
        )
    else:
        count = len(report.skew)
        rows: list[list[Any]] = []
        for row in report.skew:
            outliers = "; ".join(f"{_value(row, v)} on {node_list(names)}" for v, names in row.outliers)
            rows.append(
                [
                    line(row.what, Span(" (allowed)", "dim") if row.allowed else None),
                    Span(_value(row, row.majority), "literal"),
                    str(len(row.majority_nodes)),
                    Span(outliers, "dim" if row.allowed else "warning"),
                ]
            )
        columns = [Column("what"), Column("majority"), Column("nodes", align="right"), Column("outliers", wrap=True)]
        title = f"Skew ({_plural(count, 'version')} {'differs' if count == 1 else 'differ'} across nodes)"
        blocks.append(Section(line(title), [Table(columns, rows)]))
    if not report.groups:
        blocks.append(Section(line("Findings: none on any node"), []))
    else:
        entries = [_group_entry(g, answered) for g in report.groups]
        blocks.append(Section(line(f"Findings across nodes ({len(report.groups)})"), [Entries(entries)]))
    node_rows: list[list[Any]] = []
    groups = environment_groups(report)
    for profile, nodes in groups:
        names = [n.name for n in nodes]
        label = node_list(names) + (f" ({len(names)} nodes)" if len(names) > 1 else "")
        node_rows.append([label, describe(profile), Span(status_of(profile), _tone(profile))])
    for node in report.missing:
        node_rows.append([node.name, node.source, Span(f"{node.status}: {node.reason}", "error")])
    columns = [Column("nodes"), Column("environment", wrap=True), Column("status", wrap=True)]
    blocks.append(Section(line("Nodes"), [Table(columns, node_rows)]))
    for profile, nodes in groups:
        if profile.findings or profile.skipped:
            heading = line(Span(node_list([n.name for n in nodes]), "heading"), f": {status_of(profile)}")
            blocks.append(Section(heading, [Findings(profile.findings, profile.skipped)], fold=True))
    return Document(
        "fleet",
        line(f"envdoctor fleet: {_plural(total, 'node')} from {report.origin}"),
        blocks,
        verdict=Para(line(verdict_line(report)), "ok" if report.exit_code == 0 else "fail"),
        data=JsonData(fleet_data(report), one_per_line=("nodes",)),
    )


def fleet_data(report: FleetReport) -> dict[str, Any]:
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
    document["nodes"] = [_node_json(n) for n in report.nodes]
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
    return document


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
