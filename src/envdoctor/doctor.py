"""The thin core: a snapshot and the knowledge base in, an ordered report out."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Finding, Severity, Skipped, Snapshot
from envdoctor.roots import group as group_root_causes
from envdoctor.rules import Context, Rule, all_rules, run_rules


@dataclass
class Report:
    snapshot: Snapshot
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(f.severity.value for f in self.findings)
        return {s.value: counts.get(s.value, 0) for s in Severity}

    @property
    def exit_code(self) -> int:
        """0: no error-severity finding; 1: errors found."""
        return 1 if self.counts["error"] else 0


def diagnose(
    snapshot: Snapshot,
    kb: KnowledgeBase | None = None,
    *,
    rules: Iterable[Rule] | None = None,
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
) -> Report:
    """Run every rule (or `rules`) on `snapshot`; findings ordered by severity, then code.
    `severity` overrides a rule's findings' severity, by code or rule name (configuration)."""
    knowledge = kb or KnowledgeBase.load()
    ignored = set(ignore)
    selected = [r for r in (all_rules() if rules is None else rules) if r.code not in ignored and r.name not in ignored]
    findings = list(run_rules(Context(snapshot, knowledge), selected))
    if severity:
        findings = [override_severity(f, severity) for f in findings]
    findings.sort(key=lambda f: (f.severity.rank, f.code, f.subject or "", f.message))
    findings = group_root_causes(snapshot, findings)
    from envdoctor.rules.unread_metadata import unread_skipped

    # What was not read is said, whatever rules ran: never "OK" for it (see ED108).
    return Report(snapshot=snapshot, findings=findings, skipped=[*snapshot.skipped, *unread_skipped(snapshot)])


def override_severity(finding: Finding, severity: Mapping[str, str]) -> Finding:
    """The finding with the severity the configuration gives its rule (by code or name), if any."""
    wanted = severity.get(finding.code) or severity.get(finding.rule)
    if wanted and wanted != finding.severity.value:
        return dataclasses.replace(finding, severity=Severity(wanted))
    return finding


def environment_summary(snapshot: Snapshot) -> dict[str, Any]:
    """The short description of the environment that every output format shows."""
    return snapshot.summary()
