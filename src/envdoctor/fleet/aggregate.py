"""From node snapshots to the fleet report: one diagnosis per distinct environment, the findings
grouped across nodes, the skew table and the verdict for distributed training. Pure but for the
spool that keeps raw snapshots for `--save`."""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import IO, Any

from envdoctor import exitcodes
from envdoctor.diagnosis import diagnose
from envdoctor.fleet.facts import CATEGORIES, Item, Training, version_facts
from envdoctor.fleet.inputs import NodeInput, assign_names, fingerprint, natural_key
from envdoctor.fleet.parse import RecordCache
from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Finding, Severity, Skipped
from envdoctor.rules import Context, Rule
from envdoctor.rules._shared import Store, sharing


@dataclass
class Profile:
    """One distinct environment: every node whose snapshot has the same fingerprint shares it."""

    error: str | None = None  # the snapshot could not be read
    environment: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    facts: dict[Item, str | None] = field(default_factory=dict)
    training: Training | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


@dataclass
class Node:
    name: str
    source: str
    status: str  # "ok" | "unreachable" | "failed"
    reason: str = ""
    hostname: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    profile: Profile | None = None
    spooled: tuple[int, int] | None = None  # (offset, length) of its raw snapshot in the spool

    @property
    def answered(self) -> bool:
        return self.status == "ok" and self.profile is not None and self.profile.error is None


@dataclass
class Variant:
    message: str
    fix: str | None
    nodes: list[str]


@dataclass
class Group:
    """One finding code across the fleet: "ED102 numpy-abi on 3 of 16 nodes"."""

    code: str
    rule: str
    severity: Severity
    cause: str | None
    nodes: list[str]
    variants: list[Variant]


@dataclass
class SkewRow:
    category: str
    what: str
    majority: str | None
    majority_nodes: list[str]
    outliers: list[tuple[str | None, list[str]]]
    allowed: bool = False

    @property
    def absent(self) -> str:
        return CATEGORIES[self.category]


@dataclass
class Verdict:
    status: str  # "ready" | "not-ready" | "no-framework" | "no-nodes"
    reasons: list[str]
    frameworks: tuple[str, ...] = ()
    cuda_runtime: str = ""
    nccl: str = ""


@dataclass
class FleetReport:
    origin: str  # "Ray cluster at auto", "3 snapshot files"
    nodes: list[Node]
    groups: list[Group]
    skew: list[SkewRow]
    verdict: Verdict
    notes: list[str] = field(default_factory=list)
    environments: int = 0  # distinct environments among the nodes

    @property
    def answered(self) -> list[Node]:
        return [n for n in self.nodes if n.answered]

    @property
    def missing(self) -> list[Node]:
        return [n for n in self.nodes if not n.answered]

    @property
    def nodes_with_errors(self) -> list[Node]:
        return [n for n in self.answered if n.profile is not None and n.profile.errors]

    @property
    def blocking_skew(self) -> list[SkewRow]:
        return [row for row in self.skew if not row.allowed]

    @property
    def exit_code(self) -> int:
        """2: no node answered; 1: an error finding, a node missing, a skewed key version or a
        fleet not ready for distributed training; 0: all clear."""
        if not self.answered:
            return exitcodes.USAGE
        failed = self.nodes_with_errors or self.missing or self.blocking_skew
        return exitcodes.outcome(not (failed or self.verdict.status == "not-ready"))


class Collector:
    """Takes the nodes as they arrive. Only the first snapshot of each distinct environment is
    parsed and diagnosed; the raw snapshots go to a spool file when they are to be saved."""

    def __init__(
        self,
        kb: KnowledgeBase | None,
        *,
        rules: Sequence[Rule[Context]] | None = None,
        severity: Mapping[str, str] | None = None,
        keep_raw: bool = False,
        diagnose: bool = True,
        workers: int = 1,
    ) -> None:
        self.kb = kb
        self.diagnose = diagnose and kb is not None
        self.rules = list(rules) if rules is not None else None
        self.severity = dict(severity or {})
        self.profiles: dict[bytes, Profile] = {}
        self._pending: list[tuple[NodeInput, str, Profile | None, tuple[int, int] | None]] = []
        self.spool: IO[bytes] | None = tempfile.TemporaryFile() if keep_raw else None  # noqa: SIM115
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._running: dict[Future[Profile], Profile] = {}

    def add(self, item: NodeInput) -> None:
        profile: Profile | None = None
        hostname = ""
        spooled: tuple[int, int] | None = None
        if item.raw is not None:
            key, hostname = fingerprint(item.raw)
            profile = self.profiles.get(key)
            if profile is None:
                profile = self.profiles[key] = self._start(item.raw) if self.diagnose else Profile()
            if self.spool is not None:
                spooled = (self.spool.tell(), len(item.raw))
                self.spool.write(item.raw)
            item.raw = None  # done with it: a thousand snapshots never sit in memory together
        self._pending.append((item, hostname, profile, spooled))

    def _start(self, raw: bytes) -> Profile:
        """The profile of a new environment: diagnosed here for the first one, in worker
        processes (forked, so the knowledge base and the rules come loaded) from the second
        on, a few at a time so that their snapshots do not pile up in memory."""
        assert self.kb is not None
        if self.workers < 2 or not self.profiles:
            return diagnose_raw(raw, self.kb, self.rules, self.severity)
        if self._pool is None:
            _WORKER_STATE[:] = [self.kb, self.rules, self.severity]
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        while len(self._running) >= 2 * self.workers:
            done, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
            self._finish(done)
        placeholder = Profile()
        self._running[self._pool.submit(_diagnose_in_worker, raw)] = placeholder
        return placeholder

    def _finish(self, done: Iterable[Future[Profile]]) -> None:
        for future in done:
            placeholder = self._running.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # a worker that died: say so for the nodes of that environment
                result = Profile(error=f"diagnosis failed: {type(exc).__name__}: {exc}")
            placeholder.__dict__.update(result.__dict__)

    def _drain(self) -> None:
        if self._running:
            self._finish(wait(list(self._running)).done)
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def raw_of(self, node: Node) -> bytes | None:
        if self.spool is None or node.spooled is None:
            return None
        offset, length = node.spooled
        self.spool.seek(offset)
        data = self.spool.read(length)
        self.spool.seek(0, 2)
        return data

    def nodes(self) -> list[Node]:
        """Every node with a unique name: the hostname, else the launcher's or the file's name."""
        self._drain()
        hints = [
            [*item.hints, hostname, *item.fallbacks] if item.hints_first else [hostname, *item.hints, *item.fallbacks]
            for item, hostname, _, _ in self._pending
        ]
        names = assign_names(hints)
        nodes: list[Node] = []
        for name, (item, hostname, profile, spooled) in zip(names, self._pending):
            status, reason = item.status, item.reason
            if status == "ok" and profile is not None and profile.error:
                status, reason = "failed", profile.error
            elif status == "ok" and profile is None:
                status, reason = "failed", reason or "no snapshot"
            nodes.append(Node(name, item.source, status, reason, hostname, dict(item.extra), profile, spooled))
        nodes.sort(key=lambda n: natural_key(n.name))
        return nodes

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self.spool is not None:
            self.spool.close()


# The distribution records seen so far in this process, and what the rules worked out per
# record (each worker fills its own copies): nodes share most of their distributions.
_RECORDS = RecordCache()
_PER_DISTRIBUTION: Store = {}


def diagnose_raw(
    raw: bytes, kb: KnowledgeBase, rules: Sequence[Rule[Context]] | None, severity: Mapping[str, str]
) -> Profile:
    """One environment's findings and compared versions, from its snapshot's JSON."""
    try:
        snapshot = _RECORDS.snapshot(raw)
    except ValueError as exc:
        return Profile(error=f"malformed snapshot: {exc}")
    with sharing(_PER_DISTRIBUTION):  # the records' Distribution objects are read-only here
        report = diagnose(snapshot, kb, rules=rules, severity=severity)
        facts, training = version_facts(snapshot, kb)
    return Profile(
        environment=report.environment,  # snapshot.summary(), already made by the report
        findings=report.findings,
        skipped=report.skipped,
        facts=facts,
        training=training,
    )


# What forked workers diagnose with: set by the parent before the pool starts, inherited.
_WORKER_STATE: list[Any] = []


def _diagnose_in_worker(raw: bytes) -> Profile:
    kb, rules, severity = _WORKER_STATE
    return diagnose_raw(raw, kb, rules, severity)


def default_workers() -> int:
    """Processes for diagnosing distinct environments: the CPUs this process may use (at most 8),
    only where fork is (Linux) and no threads are running that a fork would copy half-way."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus))


def build_report(
    nodes: Sequence[Node], *, origin: str, allow_skew: Iterable[str] = (), notes: Iterable[str] = ()
) -> FleetReport:
    answered = [n for n in nodes if n.answered]
    by_profile: dict[int, tuple[Profile, list[str]]] = {}
    for node in answered:
        assert node.profile is not None
        by_profile.setdefault(id(node.profile), (node.profile, []))[1].append(node.name)
    groups = list(by_profile.values())
    return FleetReport(
        origin=origin,
        nodes=list(nodes),
        groups=group_findings(groups),
        skew=skew_table(groups, allow=allow_skew),
        verdict=training_verdict(groups, total=len(answered)),
        notes=list(notes),
        environments=len(groups),
    )


def group_findings(groups: Sequence[tuple[Profile, list[str]]]) -> list[Group]:
    """Findings by code across nodes, each with its distinct messages and the nodes that show them."""
    by_code: dict[tuple[str, str, Severity], dict[tuple[str, str | None], set[str]]] = {}
    causes: dict[tuple[str, str, Severity], str | None] = {}
    for profile, names in groups:
        for finding in profile.findings:
            key = (finding.code, finding.rule, finding.severity)
            causes.setdefault(key, finding.cause)
            by_code.setdefault(key, {}).setdefault((finding.message, finding.fix), set()).update(names)
    result: list[Group] = []
    for (code, rule, severity), variants in by_code.items():
        every = sorted(set().union(*variants.values()), key=natural_key)
        ordered = sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0][0]))
        result.append(
            Group(
                code,
                rule,
                severity,
                causes[(code, rule, severity)],
                every,
                [Variant(message, fix, sorted(members, key=natural_key)) for (message, fix), members in ordered],
            )
        )
    result.sort(key=lambda g: (g.severity.rank, -len(g.nodes), g.code))
    return result


def skew_table(groups: Sequence[tuple[Profile, list[str]]], *, allow: Iterable[str] = ()) -> list[SkewRow]:
    """Every version that is not the same on every answered node: the majority and the outliers."""
    allowed = {a.strip().lower() for a in allow}
    items: set[Item] = set()
    for profile, _ in groups:
        items.update(profile.facts)
    order = list(CATEGORIES)
    rows: list[SkewRow] = []
    for item in sorted(items, key=lambda i: (order.index(i[0]), i[1])):
        values: dict[str | None, list[str]] = {}
        for profile, names in groups:
            values.setdefault(profile.facts.get(item), []).extend(names)
        if len(values) < 2:
            continue
        ranked = sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0] is None, kv[0] or ""))
        (majority, majority_nodes), *rest = ranked
        category, what = item
        rows.append(
            SkewRow(
                category,
                what,
                majority,
                sorted(majority_nodes, key=natural_key),
                [(value, sorted(names, key=natural_key)) for value, names in rest],
                allowed=category in allowed or what.lower() in allowed,
            )
        )
    return rows


def training_verdict(groups: Sequence[tuple[Profile, list[str]]], *, total: int) -> Verdict:
    """Ready when every answered node has the same framework build, CUDA runtime and NCCL."""
    if not total:
        return Verdict("no-nodes", ["no node answered"])
    trainings = [(p.training or Training((), "", ""), names) for p, names in groups]
    if not any(t.frameworks for t, _ in trainings):
        return Verdict("no-framework", ["no node has TensorFlow, PyTorch or JAX installed"])
    reasons: list[str] = []
    majority: dict[str, str | tuple[str, ...]] = {}
    aspects: list[tuple[str, str]] = [
        ("frameworks", "framework build"),
        ("cuda_runtime", "CUDA runtime"),
        ("nccl", "NCCL"),
    ]
    for attr, label in aspects:
        counts: Counter[str | tuple[str, ...]] = Counter()
        members: dict[str | tuple[str, ...], list[str]] = {}
        for training, names in trainings:
            value: str | tuple[str, ...] = getattr(training, attr)
            counts[value] += len(names)
            members.setdefault(value, []).extend(names)
        ranked = sorted(counts, key=lambda v: (-counts[v], str(v)))
        majority[attr] = ranked[0]
        if len(ranked) > 1:
            parts = [f"{_show(v, label)} on {counts[v]} node{'s' * (counts[v] != 1)}" for v in ranked[:1]]
            parts += [
                f"{_show(v, label)} on {', '.join(sorted(members[v], key=natural_key)[:8])}"
                + (f" and {len(members[v]) - 8} more" if len(members[v]) > 8 else "")
                for v in ranked[1:]
            ]
            reasons.append(f"{label} differs: " + "; ".join(parts))
    frameworks = majority["frameworks"]
    return Verdict(
        "not-ready" if reasons else "ready",
        reasons,
        frameworks if isinstance(frameworks, tuple) else (),
        str(majority["cuda_runtime"]),
        str(majority["nccl"]),
    )


def _show(value: str | tuple[str, ...], label: str) -> str:
    if isinstance(value, tuple):
        return " + ".join(value) if value else "no framework"
    return value or f"no {label}"
