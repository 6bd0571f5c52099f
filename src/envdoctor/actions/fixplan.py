"""From check's findings to a fix plan: their typed remedies, merged and ordered. Pure.

No command text is parsed: each finding carries its remedy as data (envdoctor.model.Remedy), and
the plan's commands are rendered by the one renderer (envdoctor.remedies), so `fix` prints exactly
what `fix --apply` runs and what `check` printed.

Root causes first: a finding that follows from another (`caused_by`, see envdoctor.roots) brings
no step of its own; it is listed under its root, whose remedy clears it.

Order: variables of the user's shell (a leaked PYTHONPATH, the user site: step 1, envdoctor cannot
change them), conda environment variables, stale metadata deletions, conda removes, pip / uv
uninstalls, conda installs, pip / uv installs -- so that two distributions sharing files
(tensorflow and tensorflow-cpu) are both gone before one is put back -- then manual steps and
fresh environments, which are never run. Installs with the same manager and options merge into
one command (`numpy<2` and `protobuf<3.20` install together, so the resolver sees both); two
specifiers for one package are joined (`numpy<2` + `numpy>=1.23` -> `numpy<2,>=1.23`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from envdoctor import remedies
from envdoctor.model import Finding, Severity, Step
from envdoctor.names import canonicalize_name
from envdoctor.owner import CONDA_FLAVOURS
from envdoctor.versions import satisfiable


def phase(step: Step) -> int:
    conda = step.manager in CONDA_FLAVOURS or step.manager == "rattler"
    if step.action in remedies.ENV_ACTIONS:
        return 0 if step.manager == "shell" else 1
    if step.action == remedies.DELETE:
        return 2
    if step.action == remedies.UNINSTALL:
        return 3 if conda else 4
    if step.action == remedies.INSTALL:
        return 5 if conda else 6
    if step.action == remedies.MANUAL:
        return 8
    return 9  # new-env


@dataclass
class FixStep:
    """One step of the plan: a typed step (merged from one or more findings) and where it came from."""

    step: Step
    codes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def command(self) -> str:
        """What the user sees (and would type); for a manual step without a command, ""."""
        return remedies.step_text(self.step)

    @property
    def argv(self) -> list[str]:
        """What `fix --apply` runs ([] when it runs nothing for this step)."""
        return remedies.step_argv(self.step) or []

    @property
    def applies(self) -> bool:
        """Run by `fix --apply` (package changes, conda env variables, stale metadata)."""
        return remedies.step_argv(self.step) is not None

    @property
    def shell(self) -> bool:
        """A change to the user's shell (step 1 of a leak): printed, the user's to make."""
        return remedies.shell_step(self.step)

    @property
    def kind(self) -> str:
        return f"{self.step.manager}-{self.step.action}" if self.step.manager else self.step.action

    @property
    def packages(self) -> list[str]:
        return list(self.step.packages)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "action": self.step.action,
            "manager": self.step.manager,
            "command": self.command,
            "argv": self.argv,
            "packages": self.packages,
            "codes": list(self.codes),
            "subjects": list(self.subjects),
            "applies": self.applies,
            "shell": self.shell,
            "reason": self.step.reason,
            "note": self.note,
            "step": dataclasses.asdict(self.step),
        }


@dataclass
class FixPlan:
    python: str
    steps: list[FixStep] = field(default_factory=list)
    no_fix: list[Finding] = field(default_factory=list)  # findings without a remedy
    consequences: dict[str, list[Finding]] = field(default_factory=dict)  # root key -> findings it causes

    @property
    def actionable(self) -> list[FixStep]:
        return [s for s in self.steps if s.applies]

    @property
    def shell_steps(self) -> list[FixStep]:
        return [s for s in self.steps if s.shell]

    @property
    def manual(self) -> list[FixStep]:
        return [s for s in self.steps if not s.applies and not s.shell]

    def to_dict(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "steps": [s.to_dict() for s in self.steps],
            "without_fix": [{"code": f.code, "subject": f.subject, "message": f.message} for f in self.no_fix],
            "consequences": {
                root: [{"code": f.code, "subject": f.subject, "message": f.message} for f in found]
                for root, found in self.consequences.items()
            },
        }


def make_plan(findings: Iterable[Finding], python: str, *, index: Sequence[str] = ()) -> FixPlan:
    """The fix plan for `findings` of the environment of `python`. `index`: index arguments
    (`--find-links DIR`, `--index-url URL`, ...) that every pip / uv install gets."""
    plan = FixPlan(python=python)
    ordered = sorted(findings, key=lambda f: (Severity(f.severity).rank, f.code, f.subject or ""))
    roots = {f.key for f in ordered}
    merged: dict[tuple[Any, ...], FixStep] = {}
    for finding in ordered:
        if finding.caused_by and finding.caused_by in roots:
            plan.consequences.setdefault(finding.caused_by, []).append(finding)
            continue
        if finding.remedy is None or not finding.remedy.steps:
            plan.no_fix.append(finding)
            continue
        for original in finding.remedy.steps:
            step = dataclasses.replace(
                original,
                packages=list(original.packages),
                index=_with_index(original, index),
            )
            key = _merge_key(step)
            target = merged.get(key)
            if target is None:
                merged[key] = target = FixStep(step)
            elif step.action in remedies.PACKAGE_ACTIONS or step.action == remedies.DELETE:
                target.step.packages += [p for p in step.packages if p not in target.step.packages]
            if finding.code not in target.codes:
                target.codes.append(finding.code)
            if finding.subject and finding.subject not in target.subjects:
                target.subjects.append(finding.subject)
    steps = list(merged.values())
    for item in steps:
        if item.step.action == remedies.INSTALL and item.step.manager in ("pip", "uv"):
            item.step.packages, notes = merge_requirements(item.step.packages)  # conda match specs stay as written
            item.note = "; ".join(notes)
    plan.steps = sorted(
        (s for s in steps if s.step.packages or s.step.action not in remedies.PACKAGE_ACTIONS),
        key=lambda s: phase(s.step),
    )
    return plan


def _with_index(step: Step, index: Sequence[str]) -> list[str]:
    if step.action != remedies.INSTALL or step.manager not in ("pip", "uv"):
        return list(step.index)
    return [*step.index, *index]


def _merge_key(step: Step) -> tuple[Any, ...]:
    base = (step.action, step.manager, step.program, step.python, step.prefix)
    if step.action == remedies.INSTALL:
        return (*base, tuple(step.channels), tuple(sorted(step.options)), tuple(step.index))
    if step.action in (remedies.UNINSTALL, remedies.DELETE):
        return base
    if step.action in remedies.ENV_ACTIONS:
        return (*base, tuple(step.variables), step.value, step.shell)
    return (*base, step.reason, step.command)


def merge_requirements(specs: list[str]) -> tuple[list[str], list[str]]:
    """(specs merged by package, notes). Specs that cannot merge (URLs, other markers, conda match
    specs, bad syntax) stay as they are. Findings that ask for contradictory versions of one package
    (`tensorboard>=2.15` for one TensorFlow, `tensorboard<2.15` for the other) drop that package:
    the resolver then picks the version the packages being installed need."""
    by_name: dict[str, Requirement] = {}
    order: list[tuple[str, str]] = []  # ("name", canonical name) | ("raw", spec kept as written)
    conflicting: dict[str, list[str]] = {}
    for spec in specs:
        try:
            req = Requirement(spec)
        except InvalidRequirement:
            order.append(("raw", spec))
            continue
        name = canonicalize_name(req.name)
        if req.url or (name in by_name and str(by_name[name].marker or "") != str(req.marker or "")):
            order.append(("raw", spec))
            continue
        if name in conflicting or not satisfiable(req.specifier):
            conflicting.setdefault(name, []).append(spec)
            continue
        if name not in by_name:
            by_name[name] = req
            order.append(("name", name))
            continue
        old = by_name[name]
        combined = Requirement(str(old))
        combined.extras = set(old.extras) | set(req.extras)
        combined.specifier = old.specifier & req.specifier
        if not satisfiable(combined.specifier):
            conflicting[name] = [str(old), spec]
            continue
        by_name[name] = combined
    notes = [
        f"{name}: no version satisfies {' and '.join(reqs)}: left to the resolver" for name, reqs in conflicting.items()
    ]
    merged = [
        str(by_name[value]) if kind == "name" else value
        for kind, value in order
        if kind == "raw" or value not in conflicting
    ]
    return merged, notes
