"""check's core below the service layer: `diagnose(snapshot, ...)` (a snapshot and the knowledge
base in, an ordered `Report` out) and `read_options` (the probe's options with the knowledge base's
driver table). `envdoctor.doctor` (the service layer) re-exports them; actions and fleet, which sit
below it, import them from here. Module-level imports stay light: check imports this module before
it starts the probe, and its cached answer is read without the knowledge base or the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from envdoctor import exitcodes
from envdoctor.probe.sources import ReadOptions

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource
    from envdoctor.model import Finding, Skipped, Snapshot
    from envdoctor.rules import Context, Rule


class Report:
    """check's answer about one environment. `snapshot` is None when the answer came from the
    cache (`cached`); `environment` is the short description every output format shows.
    (A plain class, not a dataclass: check imports this module before it starts the probe.)"""

    def __init__(
        self,
        snapshot: Snapshot | None,
        findings: list[Finding],
        skipped: list[Skipped] | None = None,
        environment: dict[str, Any] | None = None,
        *,
        inspected: bool = True,
        cached: bool = False,
    ) -> None:
        self.snapshot = snapshot
        self.findings = findings
        self.skipped = list(skipped or [])
        self.environment = environment or (snapshot.summary() if snapshot is not None else {})
        self.inspected = inspected  # False: nothing could be read (exit 2)
        self.cached = cached
        self.cache_key: str | None = None  # the cache entry a cached answer came from

    def __repr__(self) -> str:
        return f"Report({len(self.findings)} findings, {len(self.skipped)} skipped, cached={self.cached})"

    @property
    def counts(self) -> dict[str, int]:
        # lazy: check imports this module before it starts the probe (envdoctor.model: 17 ms)
        from envdoctor.model import Severity

        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def exit_code(self) -> int:
        """0: no error-severity finding; 1: errors found; 2: nothing could be inspected."""
        return exitcodes.of_findings(self.findings, inspected=self.inspected)


def diagnose(
    snapshot: Snapshot,
    kb: KnowledgeSource | None = None,
    *,
    rules: Iterable[Rule[Context]] | None = None,
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
) -> Report:
    """Run every rule (or `rules`) on `snapshot`; findings ordered by severity, then code.
    `severity` overrides a rule's findings' severity, by code or rule name (configuration)."""
    # lazy: keeps the knowledge base out of check's cached answer (60 ms, 26 modules: packaging)
    from envdoctor.knowledge import KnowledgeBase

    # lazy: keeps envdoctor.roots out of check's cached answer (33 ms, 2 modules)
    from envdoctor.roots import group as group_root_causes

    # lazy: keeps the rules out of check's cached answer (21 ms, 10 modules, after the knowledge base)
    from envdoctor.rules import Context, all_rules, run_rules

    # lazy: keeps the rules out of check's cached answer (11 ms, 3 modules)
    from envdoctor.rules.unread_metadata import unread_skipped

    knowledge = kb if kb is not None else KnowledgeBase.load()
    ignored = set(ignore)
    selected = [r for r in (all_rules() if rules is None else rules) if r.code not in ignored and r.name not in ignored]
    findings = list(run_rules(Context(snapshot, knowledge), selected))
    if severity:
        findings = [override_severity(f, severity) for f in findings]
    findings.sort(key=lambda f: (f.severity.rank, f.code, f.subject or "", f.message))
    findings = group_root_causes(snapshot, findings)
    # What was not read is said, whatever rules ran: never "OK" for it (see ED108).
    return Report(
        snapshot=snapshot,
        findings=findings,
        skipped=[*snapshot.skipped, *unread_skipped(snapshot)],
    )


def override_severity(finding: Finding, severity: Mapping[str, str]) -> Finding:
    """The finding with the severity the configuration gives its rule (by code or name), if any."""
    # lazy: keeps dataclasses out of a Ray worker's envdoctor.fleet.node (13-20 ms, 17 modules: inspect, ast)
    import dataclasses

    # lazy: check imports this module before it starts the probe (envdoctor.model: 17 ms)
    from envdoctor.model import Severity

    wanted = severity.get(finding.code) or severity.get(finding.rule)
    if wanted and wanted != finding.severity.value:
        return dataclasses.replace(finding, severity=Severity(wanted))
    return finding


def driver_cuda(driver_version: str) -> str | None:
    """The highest CUDA a driver version supports, by the knowledge base's driver table: what the GPU
    probe is given (`ReadOptions.driver_cuda`) for a driver that does not say its CUDA itself."""
    from envdoctor.knowledge.drivers import cuda_for_driver  # lazy: the kb loads only for such a driver

    return cuda_for_driver(driver_version)


def read_options(options: ReadOptions | None = None) -> ReadOptions:
    """`options` (default: the defaults) with the knowledge base's driver table for the probe."""
    options = options or ReadOptions()
    return options if options.driver_cuda is not None else options._replace(driver_cuda=driver_cuda)
