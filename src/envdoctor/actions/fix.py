"""fix: check -> fix plan -> (with --apply) restore point, apply, re-check, verify, roll back if worse.

Safety, in order:
1. nothing changes without --apply (and --yes, or a "y" on a terminal);
2. the restore point (see `restore.py`) is written atomically before the first command runs;
3. every command is journaled (start / end) in the restore point, fsynced, so an interrupted fix
   is visible (`restore --list`: "interrupted") and restorable (`restore ID`);
4. after applying, check and verify run again; when the result is worse -- a step failed, more
   error findings than before, or a framework that verified before now fails -- the environment
   is rolled back to the restore point.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from envdoctor.actions import interrupts, safeapply
from envdoctor.actions import restore as restore_points
from envdoctor.actions.fixplan import FixPlan, FixStep, make_plan
from envdoctor.actions.proc import Completed, StepRun, progress, quote, run_step
from envdoctor.actions.target import Target, describe
from envdoctor.actions.uvtool import IndexOptions, uv_env
from envdoctor.actions.verify import VerifyReport
from envdoctor.errors import EnvdoctorError
from envdoctor.model import Finding, Severity

Diagnose = Callable[[str], list[Finding]]
Verifier = Callable[[str], VerifyReport]


def default_diagnose(python: str, timeout: float = 20.0) -> list[Finding]:
    """check's findings for the environment of `python` (envdoctor.probe + envdoctor.doctor)."""
    from envdoctor.doctor import diagnose
    from envdoctor.probe import collect_snapshot, resolve_target

    snapshot = collect_snapshot(resolve_target(python=python), timeout=timeout)
    report: Any = diagnose(snapshot)
    findings = getattr(report, "findings", report)
    return list(findings)


def default_verify(python: str, timeout: float = 300.0) -> VerifyReport:
    from envdoctor.actions.verify import verify

    return verify(python, timeout=timeout)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if Severity(f.severity) == Severity.ERROR]


@dataclass
class FixReport:
    python: str
    before: list[Finding]
    plan: FixPlan
    applied: bool = False
    runs: list[StepRun] = field(default_factory=list)
    after: list[Finding] | None = None
    verify_before: VerifyReport | None = None
    verify_after: VerifyReport | None = None
    point: restore_points.RestorePoint | None = None
    rolled_back: bool = False
    rollback_ok: bool | None = None
    rollback_remaining: list[str] = field(default_factory=list)
    worse_because: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No error left (after applying, if applied) and every framework verifies."""
        findings = self.after if self.after is not None else self.before
        verified = self.verify_after if self.verify_after is not None else self.verify_before
        return not errors(findings) and (verified is None or verified.ok) and not self.rolled_back

    def to_dict(self) -> dict[str, Any]:
        from envdoctor.output import document_header

        return {
            **document_header(),
            "python": self.python,
            "ok": self.ok,
            "findings_before": [f.to_dict() for f in self.before],
            "plan": self.plan.to_dict(),
            "applied": self.applied,
            "runs": [r.to_dict() for r in self.runs],
            "findings_after": [f.to_dict() for f in self.after] if self.after is not None else None,
            "verify_before": self.verify_before.to_dict() if self.verify_before else None,
            "verify_after": self.verify_after.to_dict() if self.verify_after else None,
            "restore_point": self.point.summary() if self.point else None,
            "rolled_back": self.rolled_back,
            "rollback_ok": self.rollback_ok,
            "rollback_remaining": list(self.rollback_remaining),
            "worse_because": list(self.worse_because),
            "seconds": round(self.seconds, 3),
        }


def plan_fix(
    python: str,
    *,
    diagnose: Diagnose | None = None,
    index: IndexOptions | None = None,
    target: Target | None = None,
) -> tuple[Target, list[Finding], FixPlan]:
    target = target or describe(python)
    findings = (diagnose or default_diagnose)(python)
    plan = make_plan(findings, python, index=(index or IndexOptions()).args())
    return target, findings, plan


def apply_fix(
    python: str,
    *,
    diagnose: Diagnose | None = None,
    verifier: Verifier | None = None,
    index: IndexOptions | None = None,
    confirm: Callable[[FixPlan], bool] | None = None,
    quiet: bool = False,
    verify_frameworks: bool = True,
) -> FixReport:
    """Plan, then apply with a restore point; roll back when the result is worse. The target is
    locked throughout (LockBusy when another envdoctor changes it); SIGINT / SIGTERM / SIGHUP stop
    the running step, roll back and raise interrupts.Interruption (one line, exit 128+N)."""
    with restore_points.locked(describe(python), "fix --apply"), interrupts.guarded():
        try:
            return _apply_fix(python, diagnose, verifier, index, confirm, quiet, verify_frameworks)
        except interrupts.Interrupted as exc:  # before anything changed, or after a rollback
            raise safeapply.interruption(exc) from None


def _apply_fix(
    python: str,
    diagnose: Diagnose | None,
    verifier: Verifier | None,
    index: IndexOptions | None,
    confirm: Callable[[FixPlan], bool] | None,
    quiet: bool,
    verify_frameworks: bool,
) -> FixReport:
    start = time.perf_counter()
    diagnose = diagnose or default_diagnose
    verifier = verifier or default_verify
    index = index or IndexOptions()
    target, before, plan = plan_fix(python, diagnose=diagnose, index=index)
    report = FixReport(python=python, before=before, plan=plan)
    if not plan.actionable:
        report.seconds = time.perf_counter() - start
        return report
    if confirm is not None and not confirm(plan):
        raise EnvdoctorError("not applied: the plan was not confirmed")
    if verify_frameworks:
        if not quiet:
            progress("verifying the frameworks before the fix (to compare after)")
        report.verify_before = verifier(python)
    restore_points.refuse_unsafe_removals(target, "apply the fix")
    point = restore_points.record(target, reason="fix --apply", index=index)
    report.point = point
    if not quiet:
        progress(f"restore point {point.id} recorded at {point.path}")
    restore_points.journal(point, "plan", steps=[s.to_dict() for s in plan.actionable])
    report.applied = True
    failed = False
    try:
        for number, step in enumerate(plan.actionable, 1):
            interrupts.check()
            done = _run_step(point, number, step, quiet)
            report.runs.append(StepRun.of(done))
            if not done.ok:
                failed = True
                break
        report.after = diagnose(python)
        if verify_frameworks:
            report.verify_after = verifier(python)
    except interrupts.Interrupted as exc:
        raise safeapply.after_interrupt(point, python, exc, index=index, quiet=quiet) from None
    report.worse_because = worse(report, failed)
    if report.worse_because:
        if not quiet:
            progress("the result is worse (" + "; ".join(report.worse_because) + "): rolling back")
        restored = safeapply.roll_back(point, python, index=index, quiet=quiet)
        report.rolled_back = True
        report.rollback_ok = restored.ok
        report.rollback_remaining = restored.remaining()
        restore_points.journal(point, "result", state="rolled-back" if restored.ok else "rollback-failed")
        report.after = diagnose(python)
        if verify_frameworks:
            report.verify_after = verifier(python)
    else:
        restore_points.journal(point, "result", state="applied")
    report.seconds = time.perf_counter() - start
    return report


def _run_step(point: restore_points.RestorePoint, number: int, step: FixStep, quiet: bool) -> Completed:
    argv = list(step.argv)  # exactly the command the plan printed
    restore_points.journal(point, "start", step=number, command=quote(argv))
    done = run_step(f"[{number}]", argv, env=uv_env(), quiet=quiet)
    restore_points.journal(point, "end", step=number, rc=done.returncode)
    return done


def worse(report: FixReport, step_failed: bool) -> list[str]:
    reasons: list[str] = []
    if step_failed:
        reasons.append("a fix command failed")
    before_errors = len(errors(report.before))
    after_errors = len(errors(report.after or []))
    if after_errors > before_errors:
        reasons.append(f"{after_errors} error findings after, {before_errors} before")
    if report.verify_before is not None and report.verify_after is not None:
        worked = {f.framework for f in report.verify_before.frameworks if f.ok}
        now_failing = [f.framework for f in report.verify_after.frameworks if not f.ok and f.framework in worked]
        if now_failing:
            reasons.append(f"verify newly fails: {', '.join(now_failing)}")
    return reasons


# ---- rendering ---------------------------------------------------------------------------------


def render_text(report: FixReport) -> str:
    from envdoctor.actions.fixplan import render_text as plan_text

    errs = errors(report.before)
    out = [
        f"envdoctor fix: {report.python}",
        f"  {len(report.before)} finding(s), {len(errs)} error(s)"
        + (": " + ", ".join(sorted({f.code for f in report.before})) if report.before else ""),
        "fix plan:",
        plan_text(report.plan),
    ]
    if not report.applied:
        if report.plan.actionable:
            out.append("not applied: run again with --apply (a restore point is recorded first)")
        return "\n".join(out)
    if report.point:
        out.append(f"restore point: {report.point.id} ({report.point.path})")
    for r in report.runs:
        out.append(f"  [{'ok  ' if r.ok else 'FAIL'}] {quote(r.argv)} ({r.seconds:.1f} s)")
        if not r.ok and r.output_tail:
            out += ["         " + line for line in r.output_tail.splitlines()[-8:]]
    after = report.after or []
    out.append(
        f"after: {len(after)} finding(s), {len(errors(after))} error(s)"
        + (": " + ", ".join(sorted({f.code for f in after})) if after else "")
    )
    if report.verify_after is not None:
        v = report.verify_after
        out.append(
            f"verify after: {sum(1 for f in v.frameworks if f.ok)} of {len(v.frameworks)} framework(s) work"
            + ("" if v.ok else f"; failed: {', '.join(v.failed)}")
        )
    if report.rolled_back:
        state = "rolled back" if report.rollback_ok else "ROLLBACK INCOMPLETE"
        out.append(f"{state} to {report.point.id if report.point else '?'}: {'; '.join(report.worse_because)}")
        if not report.rollback_ok and report.point:
            out += [f"  still different: {r}" for r in report.rollback_remaining[:40]]
            out.append(f"  bring it back with: envdoctor restore --python {report.python} --yes {report.point.id}")
    out.append("fix: " + ("the environment works" if report.ok else "problems remain"))
    return "\n".join(out)


def render_markdown(report: FixReport) -> str:
    out = [
        "## envdoctor fix",
        "",
        f"`{report.python}`",
        "",
        "| # | command | findings | run by --apply |",
        "| --- | --- | --- | --- |",
    ]
    for n, step in enumerate(report.plan.steps, 1):
        runs = "yes" if step.applies else ("in your shell" if step.shell else "no (manual)")
        out.append(f"| {n} | `{step.command or step.step.reason}` | {', '.join(step.codes)} | {runs} |")
    if report.applied:
        out += [
            "",
            f"Applied: restore point `{report.point.id if report.point else ''}`; "
            f"errors before {len(errors(report.before))}, after {len(errors(report.after or []))}"
            + ("; rolled back" if report.rolled_back else ""),
        ]
    return "\n".join(out)
