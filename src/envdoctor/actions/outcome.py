"""What `fix --apply` actually did: each step's real outcome, before / after compared per framework
and per compiled package, and whether a rollback really brought the environment back.

A step's exit code is not its outcome: pip exits 0 after "Not uninstalling numpy at
/other/site-packages, outside environment /env" and after "Skipping numpy as it is not installed",
and an install that a resolver quietly satisfied another way leaves the asked-for version absent.
So each step is judged by its output and by the environment afterwards: an install step's specs
must hold for the distributions in the target's own site-packages, an uninstall step's names must
be gone from there.

Worse is judged per framework and per compiled package, never by a total alone: one that imported
and computed before and fails after, or a distribution with an error finding after that it did not
have before, is worse even if the error count went down elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from envdoctor.actions.fixplan import FixStep
from envdoctor.actions.verify import VerifyReport
from envdoctor.model import Finding, Interpreter, Severity
from envdoctor.probe.distributions import read_distributions
from envdoctor.process import Completed

#: output that means the step did not do what it says, whatever its exit code
FAILURE_OUTPUT = (
    (re.compile(r"Not uninstalling \S+ at .*outside environment", re.I), "pip left a copy outside the environment"),
    (re.compile(r"(WARNING: )?Skipping \S+ as it is not installed", re.I), "the package to remove is not installed"),
    (re.compile(r"Can't uninstall '[^']+'\. No files were found", re.I), "pip found no files to uninstall"),
    (re.compile(r"Cannot uninstall '?[^'\s]+'?", re.I), "pip cannot uninstall it"),
    (re.compile(r"externally-managed-environment", re.I), "the interpreter is externally managed (PEP 668)"),
    (re.compile(r"No module named pip\b"), "the target has no pip"),
)


@dataclass
class StepOutcome:
    ok: bool
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": list(self.problems)}


def step_outcome(step: FixStep, done: Completed, target: Interpreter | None) -> StepOutcome:
    """Did `step` really happen? Its exit code, its output, and the target afterwards."""
    problems: list[str] = []
    if done.timed_out:
        problems.append("timed out")
    elif done.returncode != 0:
        problems.append(f"exit code {done.returncode}")
    text = f"{done.stdout}\n{done.stderr}"
    for pattern, meaning in FAILURE_OUTPUT:
        found = pattern.search(text)
        if found:
            problems.append(f"{meaning}: {found.group(0).strip()}")
    if not problems and target is not None and step.step.manager in ("pip", "uv"):
        problems += _effect_problems(step, target)
    return StepOutcome(not problems, problems)


def _effect_problems(step: FixStep, target: Interpreter) -> list[str]:
    inside = {d.name: d.version for d in read_distributions(target.install_dirs) if d.shadowed_by is None}
    problems: list[str] = []
    if step.step.action == "uninstall":
        left = [n for n in step.packages if canonicalize_name(n) in inside]
        if left:
            problems.append("still installed in the environment: " + ", ".join(left))
    elif step.step.action == "install":
        for spec in step.packages:
            try:
                req = Requirement(spec)
            except InvalidRequirement:
                continue
            if req.marker is not None and not req.marker.evaluate():
                continue
            have = inside.get(canonicalize_name(req.name))
            if have is None:
                problems.append(f"{req.name} is not installed in the environment after the step")
            elif req.specifier and not req.specifier.contains(have, prereleases=True):
                problems.append(f"{req.name} {have} does not satisfy {req.specifier} after the step")
    return problems


# ---- before / after --------------------------------------------------------------------------------


def _errors_by_distribution(findings: Iterable[Finding]) -> dict[str, set[str]]:
    """{distribution: the codes of the error findings about it} ("*" collects findings about none)."""
    out: dict[str, set[str]] = {}
    for finding in findings:
        if Severity(finding.severity) != Severity.ERROR:
            continue
        for name in finding.about or ["*"]:
            out.setdefault(name, set()).add(finding.code)
    return out


def _working(report: VerifyReport | None) -> dict[str, bool]:
    if report is None:
        return {}
    results = [*report.frameworks, *report.packages]
    return {f"{r.kind} {r.framework}": r.ok for r in results}


def compare(
    before: Sequence[Finding],
    after: Sequence[Finding],
    verify_before: VerifyReport | None,
    verify_after: VerifyReport | None,
) -> list[str]:
    """Why the environment is worse after than before ([] when it is not), per framework and
    compiled package (does it import and compute) and per distribution (its error findings)."""
    reasons: list[str] = []
    was, now = _working(verify_before), _working(verify_after)
    broken = sorted(name for name, ok in was.items() if ok and now.get(name) is False)
    if broken:
        reasons.append("verify newly fails: " + ", ".join(n.split(" ", 1)[1] for n in broken))
    errors_then, errors_now = _errors_by_distribution(before), _errors_by_distribution(after)
    for name in sorted(errors_now):
        new = sorted(errors_now[name] - errors_then.get(name, set()))
        if new:
            where = f"about {name}" if name != "*" else "about the environment"
            reasons.append(f"new error finding(s) {where}: {', '.join(new)}")
    count_then = sum(1 for f in before if Severity(f.severity) == Severity.ERROR)
    count_now = sum(1 for f in after if Severity(f.severity) == Severity.ERROR)
    if count_now > count_then and not any(r.startswith("new error") for r in reasons):
        reasons.append(f"{count_now} error findings after, {count_then} before")
    return reasons


@dataclass
class RollbackCheck:
    """Whether a rollback really brought the environment back: the restore point's versions, and
    nothing worse than before the fix (per framework and package, per distribution)."""

    ok: bool
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": list(self.problems)}


def check_rollback(
    restored_ok: bool,
    remaining: Sequence[str],
    before: Sequence[Finding],
    after: Sequence[Finding],
    verify_before: VerifyReport | None,
    verify_after: VerifyReport | None,
) -> RollbackCheck:
    problems: list[str] = []
    if not restored_ok:
        problems.append("the restore commands failed")
    if remaining:
        problems.append("not as recorded: " + "; ".join(remaining[:8]))
    problems += compare(before, after, verify_before, verify_after)
    return RollbackCheck(not problems, problems)
