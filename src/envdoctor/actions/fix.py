"""fix: check -> fix plan -> (with --apply) restore point, apply, re-check, verify, roll back if worse.

Safety, in order:
1. nothing changes without --apply (and --yes, or a "y" on a terminal);
2. the restore point (see `restore.py`) is written atomically before the first command runs;
3. every command is journaled (start / end) in the restore point, fsynced, so an interrupted fix
   is visible (`restore --list`: "interrupted") and restorable (`restore ID`);
4. each step's real outcome is checked (exit code, output such as pip's "Not uninstalling ...
   outside environment", and the environment afterwards: see `outcome.py`);
5. after applying, check and verify run again and are compared with before per framework and per
   compiled package; when the result is worse -- a step failed, a framework or package that
   worked now fails, a distribution has a new error finding -- the environment is rolled back to
   the restore point, and the rollback itself is verified the same way.

Steps for the user's shell (unset a leaked PYTHONPATH, turn the user site off) are printed, never
run: envdoctor cannot change its caller's variables. The result is then checked as the
environment will be once they are done (check and verify run with those variables changed).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from envdoctor import exitcodes, remedies
from envdoctor.actions import interrupts, safeapply
from envdoctor.actions import restore as restore_points
from envdoctor.actions.fixplan import FixPlan, FixStep, make_plan
from envdoctor.actions.outcome import StepOutcome, check_rollback, compare, step_outcome
from envdoctor.actions.proc import StepRun, progress, quote, run_step
from envdoctor.actions.uvtool import IndexOptions, uv_env
from envdoctor.actions.verify import VerifyReport, verify
from envdoctor.diagnosis import diagnose, read_options
from envdoctor.errors import EnvdoctorError
from envdoctor.model import Finding, Interpreter, Severity
from envdoctor.output import document_header
from envdoctor.probe.collect import describe
from envdoctor.probe.sources import InterpreterSource, ReadOptions, read_snapshot
from envdoctor.probe.target import Target
from envdoctor.process import Completed


class Diagnose(Protocol):
    """check's findings for `python` (`env`: the variables its interpreter runs with)."""

    def __call__(self, python: str, /, env: Mapping[str, str] | None = None) -> list[Finding]: ...


class Verifier(Protocol):
    def __call__(self, python: str, /, env: Mapping[str, str] | None = None) -> VerifyReport: ...


def default_diagnose(python: str, env: Mapping[str, str] | None = None, *, timeout: float = 20.0) -> list[Finding]:
    """check's findings for the environment of `python` (run with `env`), read afresh: the
    environment was just changed (no result cache)."""
    source = InterpreterSource(Target(python, None, f"--python {python}"))
    return diagnose(read_snapshot(source, read_options(ReadOptions(timeout=timeout, env=env)))).findings


def default_verify(python: str, env: Mapping[str, str] | None = None, *, timeout: float = 300.0) -> VerifyReport:
    return verify(python, timeout=timeout, env=env)


def shell_environment(plan: FixPlan, base: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The variables as they will be once the plan's shell steps are done (None: there are none)."""
    if not plan.shell_steps:
        return None
    return remedies.apply_to_environment([s.step for s in plan.shell_steps], os.environ if base is None else base)


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
    outcomes: list[StepOutcome] = field(default_factory=list)  # each run step's real outcome
    rollback_problems: list[str] = field(default_factory=list)  # why the rollback is not verified
    shell_steps: list[str] = field(default_factory=list)  # for the user's shell; `after` assumes them done

    @property
    def ok(self) -> bool:
        """No error left (after applying, if applied) and every framework verifies."""
        findings = self.after if self.after is not None else self.before
        verified = self.verify_after if self.verify_after is not None else self.verify_before
        return not errors(findings) and (verified is None or verified.ok) and not self.rolled_back

    @property
    def exit_code(self) -> int:
        return exitcodes.outcome(self.ok)

    def to_dict(self) -> dict[str, Any]:
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
            "rollback_problems": list(self.rollback_problems),
            "outcomes": [o.to_dict() for o in self.outcomes],
            "shell_steps": list(self.shell_steps),
            "rollback_remaining": list(self.rollback_remaining),
            "worse_because": list(self.worse_because),
            "seconds": round(self.seconds, 3),
        }


def plan_fix(
    python: str,
    *,
    diagnose: Diagnose | None = None,
    index: IndexOptions | None = None,
    target: Interpreter | None = None,
) -> tuple[Interpreter, list[Finding], FixPlan]:
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
    shell = shell_environment(plan)
    report.shell_steps = [s.command for s in plan.shell_steps]
    if not plan.actionable:
        if shell is not None:  # nothing to change in the environment: check it as it will be
            report.after = _with_env(diagnose, python, shell)
            if verify_frameworks:
                report.verify_after = _with_env(verifier, python, shell)
        report.seconds = time.perf_counter() - start
        return report
    if confirm is not None and not confirm(plan):
        raise EnvdoctorError("not applied: the plan was not confirmed")
    if verify_frameworks:
        if not quiet:
            progress("verifying the frameworks before the fix (to compare after)")
        report.verify_before = _with_env(verifier, python, shell)
    baseline = _with_env(diagnose, python, shell) if shell is not None else before
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
            result = step_outcome(step, done, target)
            report.outcomes.append(result)
            report.runs.append(_as_run(done, result))
            if not result.ok:
                failed = True
                break
        report.after = _with_env(diagnose, python, shell)
        if verify_frameworks:
            report.verify_after = _with_env(verifier, python, shell)
    except interrupts.Interrupted as exc:
        raise safeapply.after_interrupt(point, python, exc, index=index, quiet=quiet) from None
    report.worse_because = worse(report, failed, baseline)
    if report.worse_because:
        if not quiet:
            progress("the result is worse (" + "; ".join(report.worse_because) + "): rolling back")
        restored = safeapply.roll_back(point, python, index=index, quiet=quiet)
        report.rolled_back = True
        report.rollback_remaining = restored.remaining()
        report.after = _with_env(diagnose, python, shell)
        if verify_frameworks:
            report.verify_after = _with_env(verifier, python, shell)
        verified = check_rollback(
            restored.ok, report.rollback_remaining, baseline, report.after, report.verify_before, report.verify_after
        )
        report.rollback_ok, report.rollback_problems = verified.ok, verified.problems
        restore_points.journal(point, "result", state="rolled-back" if verified.ok else "rollback-failed")
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


def _with_env(call: Callable[..., Any], python: str, env: Mapping[str, str] | None) -> Any:
    """`call(python)`, with `env=` only when the shell steps change the variables (a one-argument
    diagnose or verifier still works for every plan without shell steps)."""
    return call(python) if env is None else call(python, env=env)


def _as_run(done: Completed, result: StepOutcome) -> StepRun:
    run = StepRun.of(done)
    if not result.ok:
        run.ok = False
        run.output_tail = "\n".join([*result.problems, run.output_tail]).strip()
    return run


def worse(report: FixReport, step_failed: bool, baseline: list[Finding] | None = None) -> list[str]:
    """Why the result is worse than before: a step that did not do what it says, or (per framework,
    compiled package and distribution) anything that worked before and does not now. `baseline`:
    the findings before, in the same variables as after (when there are shell steps)."""
    reasons = ["a fix command failed"] if step_failed else []
    before = baseline if baseline is not None else report.before
    return reasons + compare(before, report.after or [], report.verify_before, report.verify_after)
