"""From check's findings to a fix plan: exact commands, deduplicated, merged, ordered. Pure.

Each finding's `fix` is an exact command (or several joined by `&&` / `;`). They are parsed:
pip install / uninstall (`python -m pip ...`, `pip ...`, `uv pip ...`) and conda / mamba /
micromamba install / remove are understood and can be applied; anything else (setting a variable,
deleting a file) is shown as a manual step and never run.

Order: conda removes, pip uninstalls, conda installs, pip installs -- so that two distributions
sharing files (tensorflow and tensorflow-cpu) are both gone before one is put back. pip installs
with the same options merge into one command (`numpy<2` and `protobuf<3.20` install together,
so the resolver sees both); two specifiers for one package are joined (`numpy<2` + `numpy>=1.23`
-> `numpy<2,>=1.23`). A pip step runs as `uv pip install --python <target>`, except where uv
would act elsewhere than pip (`--user`, `--target`, an uninstall of a copy outside the
environment such as the user site): there the exact pip command runs.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from envdoctor.model import Finding, Severity

# pip install options: those taking a value, and flags
_VALUE_OPTS = {
    "-i": "--index-url",
    "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "-f": "--find-links",
    "--find-links": "--find-links",
    "-c": "--constraint",
    "--constraint": "--constraint",
    "-r": "--requirement",
    "--requirement": "--requirement",
    "--target": "--target",
    "-t": "--target",
    "--prefix": "--prefix",
    "--upgrade-strategy": "--upgrade-strategy",
    "--python": "--python",
    "-p": "--prefix-conda",
    "-n": "--name-conda",
    "--name": "--name-conda",
    "--channel": "--channel",
}
_FLAGS = {
    "-U": "--upgrade",
    "--upgrade": "--upgrade",
    "--force-reinstall": "--force-reinstall",
    "--no-deps": "--no-deps",
    "--pre": "--pre",
    "--user": "--user",
    "--no-index": "--no-index",
    "--no-cache-dir": None,
    "-q": None,
    "--quiet": None,
    "-y": None,
    "--yes": None,
    "--no-input": None,
    "--disable-pip-version-check": None,
    "--break-system-packages": "--break-system-packages",
}
# options with which pip and uv act on different places: run the exact pip command
_PIP_ONLY = {"--user", "--target", "--prefix", "--upgrade-strategy"}
_UV_FLAG = {
    "--upgrade": ["--upgrade"],
    "--force-reinstall": ["--reinstall"],
    "--no-deps": ["--no-deps"],
    "--pre": ["--prerelease", "allow"],
    "--no-index": ["--no-index"],
    "--break-system-packages": ["--break-system-packages"],
}
_UV_VALUE = {
    "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "--find-links": "--find-links",
    "--constraint": "--constraint",
    "--requirement": "--requirement",
}

ORDER = {"conda-remove": 0, "pip-uninstall": 1, "conda-install": 2, "pip-install": 3, "manual": 9}


@dataclass
class Command:
    """One parsed command of a finding's fix."""

    kind: str  # pip-install | pip-uninstall | conda-install | conda-remove | manual
    text: str  # exact, as check wrote it
    argv: list[str] = field(default_factory=list)
    python: str | None = None  # the interpreter a pip command names ("python": the target)
    tool: str | None = None  # pip program, or conda / mamba / micromamba
    options: list[tuple[str, str | None]] = field(default_factory=list)  # canonical name, value
    packages: list[str] = field(default_factory=list)  # requirement strings / names as written


@dataclass
class FixStep:
    kind: str
    command: str  # what the user sees (and would type)
    argv: list[str]  # what apply runs
    packages: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    runner: str = "uv"  # "uv" | "pip" | "conda" | "manual"
    note: str = ""

    @property
    def applies(self) -> bool:
        return self.kind != "manual"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "command": self.command,
            "argv": list(self.argv),
            "packages": list(self.packages),
            "codes": list(self.codes),
            "subjects": list(self.subjects),
            "runner": self.runner,
            "applies": self.applies,
            "note": self.note,
        }


@dataclass
class FixPlan:
    python: str
    steps: list[FixStep] = field(default_factory=list)
    no_fix: list[Finding] = field(default_factory=list)  # findings without a fix command

    @property
    def actionable(self) -> list[FixStep]:
        return [s for s in self.steps if s.applies]

    @property
    def manual(self) -> list[FixStep]:
        return [s for s in self.steps if not s.applies]

    def to_dict(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "steps": [s.to_dict() for s in self.steps],
            "without_fix": [{"code": f.code, "subject": f.subject, "message": f.message} for f in self.no_fix],
        }


def split_commands(text: str) -> list[list[str]]:
    """`a && b; c` -> [[a...], [b...], [c...]] (shell words, quotes honoured)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in ("&&", ";", "&", "||", "|"):
            if commands[-1]:
                commands.append([])
            continue
        commands[-1].append(token)
    return [c for c in commands if c]


def parse_command(argv: list[str], text: str) -> Command:
    manual = Command("manual", text, argv)
    if not argv or "=" in argv[0]:  # VAR=value cmd ...: environment changes are manual
        return manual
    program = os.path.basename(argv[0])
    rest = argv[1:]
    python: str | None = None
    tool = program
    if len(rest) >= 2 and rest[0] == "-m" and rest[1] == "pip" and program.startswith("python"):
        python, tool, rest = argv[0], "pip", rest[2:]
    elif program in ("pip", "pip3") or (program.startswith("pip3.") and program[5:].isdigit()):
        tool = "pip"
    elif program == "uv" and rest[:1] == ["pip"]:
        tool, rest = "uv", rest[1:]
    elif program in ("conda", "mamba", "micromamba"):
        return _parse_conda(argv, text, program)
    else:
        return manual
    if not rest or rest[0] not in ("install", "uninstall"):
        return manual
    kind = "pip-install" if rest[0] == "install" else "pip-uninstall"
    cmd = Command(kind, text, argv, python=python, tool=tool)
    if not _parse_options(cmd, rest[1:]):
        return manual
    if tool == "uv":
        cmd.python = dict(cmd.options).get("--python") or cmd.python
        cmd.options = [(k, v) for k, v in cmd.options if k != "--python"]
    return cmd if cmd.packages or any(k == "--requirement" for k, _ in cmd.options) else manual


def _parse_options(cmd: Command, args: list[str]) -> bool:
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg.startswith("-") and arg != "-":
            if name in _VALUE_OPTS:
                if eq:
                    value = inline
                else:
                    i += 1
                    if i >= len(args):
                        return False
                    value = args[i]
                cmd.options.append((_VALUE_OPTS[name], value))
            elif name in _FLAGS:
                canonical = _FLAGS[name]
                if canonical:
                    cmd.options.append((canonical, None))
            else:
                return False  # an option we do not understand: do not guess
        else:
            cmd.packages.append(arg)
        i += 1
    return True


def _parse_conda(argv: list[str], text: str, program: str) -> Command:
    rest = argv[1:]
    if not rest or rest[0] not in ("install", "remove", "uninstall"):
        return Command("manual", text, argv)
    kind = "conda-install" if rest[0] == "install" else "conda-remove"
    cmd = Command(kind, text, argv, tool=program)
    if not _parse_options(cmd, rest[1:]):
        return Command("manual", text, argv)
    return cmd if cmd.packages else Command("manual", text, argv)


@dataclass
class _Group:
    kind: str
    key: tuple[Any, ...]
    commands: list[Command] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)


def make_plan(
    findings: Iterable[Finding],
    python: str,
    *,
    outside: Iterable[str] = (),
    extra_install_args: Sequence[str] = (),
) -> FixPlan:
    """The fix plan for `findings` of the environment of `python`.

    `outside`: names whose winning copy lies outside the environment's site-packages (user site,
    PYTHONPATH): uninstalling those needs pip itself. `extra_install_args`: index options for uv.
    """
    outside_names: set[str] = {str(canonicalize_name(n)) for n in outside}
    plan = FixPlan(python=python)
    groups: dict[tuple[Any, ...], _Group] = {}
    seen_text: set[str] = set()
    ordered = sorted(findings, key=lambda f: (Severity(f.severity).rank, f.code))
    for finding in ordered:
        if not finding.fix:
            plan.no_fix.append(finding)
            continue
        for argv in split_commands(finding.fix):
            text = " ".join(shlex.quote(a) for a in argv)
            cmd = parse_command(argv, text)
            if cmd.kind.startswith("pip") and not _same_python(cmd.python, python):
                cmd = Command("manual", text, argv)
            key = _group_key(cmd, text)
            group = groups.setdefault(key, _Group(cmd.kind, key))
            if text not in seen_text:
                group.commands.append(cmd)
                seen_text.add(text)
            if finding.code not in group.codes:
                group.codes.append(finding.code)
            if finding.subject and finding.subject not in group.subjects:
                group.subjects.append(finding.subject)
    steps: list[FixStep] = []
    for group in groups.values():
        steps.extend(_steps_for(group, python, outside_names, list(extra_install_args)))
    steps.sort(key=lambda s: ORDER.get(s.kind, 5))
    plan.steps = steps
    return plan


def _same_python(named: str | None, python: str) -> bool:
    if named is None or named in ("python", "python3"):
        return True
    return os.path.abspath(named) == os.path.abspath(python)


def _group_key(cmd: Command, text: str) -> tuple[Any, ...]:
    if cmd.kind == "pip-install":
        options = tuple(sorted((k, v or "") for k, v in cmd.options if k != "--upgrade"))
        return (cmd.kind, options)
    if cmd.kind == "pip-uninstall":
        return (cmd.kind,)
    if cmd.kind.startswith("conda"):
        return (cmd.kind, cmd.tool, tuple(sorted((k, v or "") for k, v in cmd.options)))
    return ("manual", text)


def _steps_for(group: _Group, python: str, outside: set[str], extra: list[str]) -> list[FixStep]:
    kind = group.kind
    if kind == "pip-uninstall":
        return _uninstall_steps(group, python, outside)
    if kind == "pip-install":
        return _install_steps(group, python, extra)
    if kind.startswith("conda"):
        return _conda_steps(group)
    return [
        FixStep("manual", c.text, [], codes=group.codes, subjects=group.subjects, runner="manual")
        for c in group.commands
    ]


def _uninstall_steps(group: _Group, python: str, outside: set[str]) -> list[FixStep]:
    names: list[str] = []
    for cmd in group.commands:
        for pkg in cmd.packages:
            name = canonicalize_name(pkg)
            if name not in names:
                names.append(name)
    inside = [n for n in names if n not in outside]
    elsewhere = [n for n in names if n in outside]
    steps = []
    if inside:
        argv = ["uv", "pip", "uninstall", "--python", python, *inside]
        steps.append(
            FixStep(
                "pip-uninstall",
                _pip_text(python, ["uninstall", "-y", *inside]),
                argv,
                inside,
                group.codes,
                group.subjects,
            )
        )
    if elsewhere:  # uv only acts on the environment's own site-packages; pip removes the winner
        argv = [python, "-m", "pip", "uninstall", "-y", *elsewhere]
        steps.append(
            FixStep(
                "pip-uninstall",
                _pip_text(python, ["uninstall", "-y", *elsewhere]),
                argv,
                elsewhere,
                group.codes,
                group.subjects,
                runner="pip",
                note="the copy that wins is outside the environment (user site / PYTHONPATH)",
            )
        )
    return steps


def _install_steps(group: _Group, python: str, extra: list[str]) -> list[FixStep]:
    options = group.commands[0].options
    option_names = {k for k, _ in options}
    merged, separate, notes = _merge_requirements([p for c in group.commands for p in c.packages])
    steps: list[FixStep] = []
    for packages in [merged, *[[s] for s in separate]] if merged else [[s] for s in separate]:
        if not packages and not any(k == "--requirement" for k, _ in options):
            continue
        pip_args = ["install", *_pip_option_args(options), *packages]
        if option_names & _PIP_ONLY:
            steps.append(
                FixStep(
                    "pip-install",
                    _pip_text(python, pip_args),
                    [python, "-m", "pip", *pip_args],
                    packages,
                    group.codes,
                    group.subjects,
                    runner="pip",
                    note="pip options uv does not share (--user / --target / --prefix)",
                )
            )
            continue
        argv = ["uv", "pip", "install", "--python", python]
        for key, value in options:
            if key in _UV_FLAG:
                argv += _UV_FLAG[key]
            elif key in _UV_VALUE and value is not None:
                argv += [_UV_VALUE[key], value]
        argv += extra
        argv += packages
        steps.append(
            FixStep(
                "pip-install",
                _pip_text(python, pip_args),
                argv,
                packages,
                group.codes,
                group.subjects,
                note="; ".join(notes),
            )
        )
    return steps


def _merge_requirements(specs: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(specs merged by package, specs that cannot merge: URLs, other markers, bad syntax;
    notes). Findings that ask for contradictory versions of one package (`tensorboard>=2.15` for
    one TensorFlow, `tensorboard<2.15` for the other) drop that package: the resolver then picks
    the version the packages being installed need."""
    by_name: dict[str, Requirement] = {}
    order: list[str] = []
    separate: list[str] = []
    conflicting: dict[str, list[str]] = {}
    for spec in specs:
        try:
            req = Requirement(spec)
        except InvalidRequirement:
            separate.append(spec)
            continue
        if req.url:
            separate.append(spec)
            continue
        name = canonicalize_name(req.name)
        if name in conflicting or not satisfiable(req.specifier):
            conflicting.setdefault(name, []).append(spec)
            continue
        if name not in by_name:
            by_name[name] = req
            order.append(name)
            continue
        old = by_name[name]
        if str(old.marker or "") != str(req.marker or ""):
            separate.append(spec)
            continue
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
    merged = [str(by_name[n]) for n in order if n not in conflicting]
    return merged, separate, notes


def satisfiable(specifier: SpecifierSet) -> bool:
    """Can any version satisfy `specifier`? Tries the versions it names, their neighbours and
    extremes (exact for the <, <=, >, >=, ==, ~=, != ranges fixes use)."""
    from packaging.version import InvalidVersion, Version

    candidates: set[Version] = {Version("0"), Version("0.0.1"), Version("99999")}
    for spec in specifier:
        text = spec.version.rstrip(".*")
        try:
            version = Version(text)
        except InvalidVersion:
            return True
        release = list(version.release)
        candidates.add(version)
        for i in range(len(release)):
            bumped = release[: i + 1]
            bumped[-1] += 1
            candidates.add(Version(".".join(map(str, bumped))))
            candidates.add(Version(".".join(map(str, [*release[: i + 1], 0, 1]))))
            candidates.add(Version(".".join(map(str, [*release, 1]))))
    return any(specifier.contains(v, prereleases=True) for v in candidates)


def _pip_option_args(options: list[tuple[str, str | None]]) -> list[str]:
    out: list[str] = []
    for key, value in options:
        if key in ("--python",):
            continue
        out += [key] if value is None else [key, value]
    return out


def _pip_text(python: str, args: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in [python, "-m", "pip", *args])


def _conda_steps(group: _Group) -> list[FixStep]:
    first = group.commands[0]
    packages: list[str] = []
    for cmd in group.commands:
        for pkg in cmd.packages:
            if pkg not in packages:
                packages.append(pkg)
    verb = "install" if group.kind == "conda-install" else "remove"
    options: list[str] = []
    for key, value in first.options:
        if key == "--prefix-conda" and value:
            options += ["--prefix", value]
        elif key == "--name-conda" and value:
            options += ["--name", value]
        elif key == "--channel" and value:
            options += ["--channel", value]
    argv = [first.tool or "conda", verb, "--yes", *options, *packages]
    return [
        FixStep(
            group.kind,
            " ".join(shlex.quote(a) for a in argv),
            argv,
            packages,
            group.codes,
            group.subjects,
            runner="conda",
        )
    ]


def render_text(plan: FixPlan) -> str:
    out: list[str] = []
    if not plan.steps:
        out.append("  nothing to apply")
    for n, step in enumerate(plan.actionable, 1):
        out.append(f"  {n}. {step.command}    [{', '.join(step.codes)}]")
        if step.runner == "uv":
            out.append(f"     runs as: {' '.join(shlex.quote(a) for a in step.argv)}")
        if step.note:
            out.append(f"     note: {step.note}")
    for step in plan.manual:
        out.append(f"  manual: {step.command}    [{', '.join(step.codes)}] (not run by --apply)")
    for finding in plan.no_fix:
        if Severity(finding.severity) != Severity.INFO:
            out.append(f"  no automatic fix: {finding.code} {finding.message}")
    return "\n".join(out)
