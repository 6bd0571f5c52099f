"""`envdoctor fix`: the findings, the fix plan (root causes first, their consequences under them)
and, with --apply, what ran, the result after and the rollback. The plan is shown once: before
applying it (the confirmation) or, applied, as the steps that ran."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from envdoctor.actions.restore import restore_command
from envdoctor.model import Severity
from envdoctor.render.document import (
    Block,
    Bullets,
    Document,
    Entries,
    Entry,
    Field,
    JsonData,
    Para,
    Section,
    Span,
    command,
    line,
)
from envdoctor.render.views.steps import step_run_entry

if TYPE_CHECKING:
    from envdoctor.actions.fix import FixReport
    from envdoctor.actions.fixplan import FixPlan, FixStep
    from envdoctor.model import Finding


def _errors(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if Severity(f.severity) is Severity.ERROR]


def _tally(findings: Sequence[Finding]) -> str:
    codes = ": " + ", ".join(sorted({f.code for f in findings})) if findings else ""
    return f"{len(findings)} finding(s), {len(_errors(findings))} error(s){codes}"


def _clears(plan: FixPlan, step: FixStep) -> list[Entry]:
    out = []
    for root, found in plan.consequences.items():
        code, _, subject = root.partition(":")
        if code in step.codes and (not subject or subject in step.subjects):
            out += [Entry(line(Span(f"clears {f.code}", "dim"), f" {f.message}")) for f in found]
    return out


def plan_entries(plan: FixPlan, *, applied: bool = False) -> list[Entry]:
    """The plan's steps, numbered in the order they run; `applied`: only those --apply does not
    run (the shell's and the manual ones: what ran is shown as runs)."""
    # lazy: remedies costs 7.8 ms, 3 modules; only plan_entries() needs it
    from envdoctor import remedies

    out: list[Entry] = []
    number = 0
    for step in plan.steps:
        codes = Span(f"    [{', '.join(step.codes)}]", "dim")
        fields: list[Field] = []
        if step.shell:
            number += 1
            head = line("in your shell: ", command(step.command), codes)
            mark = Span(f"{number}.", "step")
            if step.step.reason:
                fields.append(
                    Field("why:", line(f"{step.step.reason}; envdoctor cannot change your shell's variables"))
                )
        elif step.applies:
            number += 1
            if applied:
                continue
            head = line(command(step.command), codes)
            mark = Span(f"{number}.", "step")
            if step.note:
                fields.append(Field("note:", line(step.note)))
        elif step.step.action == remedies.NEW_ENV:
            head = line(Span("not changed:", "warning"), f" {step.step.reason}", codes)
            mark = None
            if step.command:
                fields.append(Field("instead, a fresh environment:", line(command(step.command))))
        else:
            reason = step.step.reason
            shown = line(
                reason, ": " if reason and step.command else "", command(step.command) if step.command else None
            )
            head = line(Span("manual:", "warning"), " ", *shown, codes, Span(" (not run by --apply)", "dim"))
            mark = None
        out.append(Entry(head, fields, _clears(plan, step), mark=mark))
    for finding in plan.no_fix:
        if Severity(finding.severity) is not Severity.INFO:
            out.append(Entry(line(Span("no automatic fix:", "warning"), f" {finding.code} {finding.message}")))
    return out


def plan_blocks(plan: FixPlan) -> list[Block]:
    entries = plan_entries(plan)
    return [Entries(entries)] if entries else [Para(line("  nothing to apply"), "dim")]


def plan_document(plan: FixPlan) -> Document:
    """The plan alone: what `fix --apply` asks to confirm."""
    return Document(
        verb="fix",
        title=line("fix plan for ", Span(plan.python, "literal"), ":"),
        blocks=plan_blocks(plan),
        data=JsonData(plan.to_dict()),
    )


def fix_document(report: FixReport) -> Document:
    blocks: list[Block] = [Para(line(_tally(report.before)))]
    if not report.applied:
        blocks.append(Section(line("fix plan:"), plan_blocks(report.plan)))
        if report.plan.actionable:
            blocks.append(Para(line("not applied: run again with --apply (a restore point is recorded first)"), "dim"))
        if report.after is not None and report.shell_steps:
            after = _errors(report.after)
            codes = ": " + ", ".join(sorted({f.code for f in after})) if after else ""
            blocks.append(
                Para(
                    line(
                        "nothing to change in the environment; once you run ",
                        command(" && ".join(report.shell_steps)),
                        f" in your shell: {len(after)} error(s){codes}",
                    )
                )
            )
    else:
        if report.point:
            blocks.append(
                Para(
                    line(
                        "restore point: ",
                        Span(report.point.id, "code"),
                        " (",
                        Span(str(report.point.path), "literal"),
                        ")",
                    )
                )
            )
        ran = [step_run_entry(r) for r in report.runs]
        blocks.append(Section(line("applied:"), [Entries(ran)] if ran else [Para(line("nothing ran"), "dim")]))
        rest = plan_entries(report.plan, applied=True)
        if rest:
            blocks.append(Section(line("not run by --apply:"), [Entries(rest)]))
        blocks.append(Para(line("after: ", _tally(report.after or []))))
        if report.verify_after is not None:
            v = report.verify_after
            working = sum(1 for f in v.frameworks if f.ok)
            failed = "" if v.ok else f"; failed: {', '.join(v.failed)}"
            blocks.append(Para(line(f"verify after: {working} of {len(v.frameworks)} framework(s) work{failed}")))
        if report.shell_steps:
            blocks.append(
                Para(
                    line(
                        "in your shell (envdoctor cannot): ",
                        command(" && ".join(report.shell_steps)),
                        "; checked as if done",
                    )
                )
            )
        if report.rolled_back:
            blocks += _rollback(report)
    verdict = Para(
        line("fix: " + ("the environment works" if report.ok else "problems remain")), "ok" if report.ok else "fail"
    )
    return Document(
        verb="fix",
        title=line("envdoctor fix: ", Span(report.python, "literal")),
        blocks=blocks,
        verdict=verdict,
        data=JsonData(report.to_dict()),
    )


def _rollback(report: FixReport) -> list[Block]:
    state = "rolled back (verified)" if report.rollback_ok else "ROLLBACK INCOMPLETE"
    where = report.point.id if report.point else "?"
    out: list[Block] = [
        Para(
            line(
                Span(f"{state} to {where}", "warning" if report.rollback_ok else "fail"),
                f": {'; '.join(report.worse_because)}",
            )
        )
    ]
    items = [line(Span("rollback:", "label"), f" {problem}") for problem in report.rollback_problems]
    if not report.rollback_ok and report.point:
        items += [line(Span("still different:", "label"), f" {r}") for r in report.rollback_remaining[:40]]
        restore = restore_command(report.python, report.point.id)
        items.append(line(Span("bring it back with:", "label"), " ", command(restore)))
    if items:
        out.append(Bullets(items))
    return out
