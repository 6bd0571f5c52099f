"""A fix is data: typed steps built against the target's owner (envdoctor.owner), and the ONE
renderer that turns them into commands. Every verb prints `render(remedy)` / `step_text(step)`,
and `fix --apply` runs `step_argv(step)`: the command a user pastes is the command envdoctor runs.

Step actions: install / uninstall (a "replace" is both, in that order), unset-env / set-env, manual
(a reason and maybe a command to show; never run), new-env (the target must not be changed; a
fresh environment is proposed). Pure, stdlib only.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence

from envdoctor.model import Remedy, Step
from envdoctor.owner import CONDA_FLAVOURS, Owner

INSTALL = "install"
UNINSTALL = "uninstall"
UNSET_ENV = "unset-env"
SET_ENV = "set-env"
MANUAL = "manual"
NEW_ENV = "new-env"
DELETE = "delete"

PACKAGE_ACTIONS = (INSTALL, UNINSTALL)
ENV_ACTIONS = (UNSET_ENV, SET_ENV)
#: install options, and how pip / uv / conda spell them
OPTIONS: dict[str, dict[str, list[str]]] = {
    "force-reinstall": {"pip": ["--force-reinstall"], "uv": ["--reinstall"], "conda": ["--force-reinstall"]},
    "no-deps": {"pip": ["--no-deps"], "uv": ["--no-deps"], "conda": ["--no-deps"]},
    "upgrade": {"pip": ["--upgrade"], "uv": ["--upgrade"], "conda": []},
    "ignore-installed": {"pip": ["--ignore-installed"], "uv": ["--reinstall"], "conda": []},
}
RATTLER_MODULE = "envdoctor.actions.rattlerfix"


# ---- constructors --------------------------------------------------------------------------------


def install(
    owner: Owner,
    specs: Iterable[str],
    *,
    manager: str | None = None,
    options: Sequence[str] = (),
    index: Sequence[str] = (),
) -> Step:
    """`index`: index arguments as pip and uv share them (`--index-url URL`, `--find-links DIR`)."""
    manager = manager or owner.python_manager
    packages = list(specs)
    if manager in CONDA_FLAVOURS or manager == "rattler":
        packages = [conda_spec(owner, s) for s in packages]
    step = _package_step(owner, INSTALL, packages, manager, list(options))
    if manager in ("pip", "uv"):
        step.index = list(index)
    return step


def uninstall(owner: Owner, names: Iterable[str], *, manager: str | None = None) -> Step:
    manager = manager or owner.python_manager
    packages = list(dict.fromkeys(names))
    if manager in CONDA_FLAVOURS or manager == "rattler":
        packages = [owner.conda_name(n) for n in packages]
    return _package_step(owner, UNINSTALL, packages, manager, [])


def _package_step(owner: Owner, action: str, packages: list[str], manager: str, options: list[str]) -> Step:
    unknown = [o for o in options if o not in OPTIONS]
    if unknown:
        raise ValueError(f"unknown install option(s): {', '.join(unknown)}")
    if manager == "pip":
        program = owner.python
    elif manager == "uv":
        program = owner.uv
    elif manager == "rattler":
        program = owner.rattler_python
    else:
        program = owner.conda or manager
    conda_like = manager in CONDA_FLAVOURS or manager == "rattler"
    return Step(
        action,
        packages=packages,
        manager=manager,
        program=program,
        python=owner.python,
        prefix=owner.prefix if conda_like else "",
        channels=list(owner.channels) if conda_like and action == INSTALL else [],
        options=options,
    )


def unset_env(owner: Owner, names: Iterable[str], *, reason: str = "") -> Step:
    shell = "cmd" if owner.windows else "posix"
    return Step(UNSET_ENV, variables=list(names), manager="shell", shell=shell, reason=reason)


def set_env(owner: Owner, name: str, value: str, *, persistent: bool = False, reason: str = "") -> Step:
    """`persistent` in a conda prefix with conda installed: `conda env config vars set` (runnable)."""
    if persistent and owner.conda and owner.conda_flavour in ("conda", "mamba"):
        return Step(
            SET_ENV,
            variables=[name],
            value=value,
            manager=owner.conda_flavour,
            program=owner.conda,
            prefix=owner.prefix,
            reason=reason,
        )
    return Step(
        SET_ENV,
        variables=[name],
        value=value,
        manager="shell",
        shell="cmd" if owner.windows else "posix",
        reason=reason,
    )


def delete(owner: Owner, paths: Sequence[str], *, reason: str = "") -> Step:
    """Delete files or folders inside the target (stale metadata); manual on Windows."""
    if owner.frozen:
        raise ValueError("nothing is deleted from an externally managed interpreter")
    return Step(DELETE, packages=list(paths), manager="shell" if owner.windows else "rm", reason=reason)


def manual(reason: str, command: str = "") -> Step:
    return Step(MANUAL, reason=reason, command=command)


def new_env(owner: Owner, specs: Sequence[str], reason: str, *, python: str = "", name: str = "fresh-env") -> Step:
    """Leave the target alone; build a fresh environment with `envdoctor create` instead."""
    argv = ["envdoctor", "create", "--name", name]
    if python:
        argv += ["--python", python]
    argv += list(specs)
    return Step(NEW_ENV, packages=list(specs), reason=reason, command=shlex.join(argv) if specs else "")


def remedy(*steps: Step) -> Remedy:
    return Remedy(steps=list(steps))


def from_text(text: str) -> Remedy:
    """A fix written as plain text (an instruction or a command envdoctor does not run)."""
    return Remedy([manual("", text)])


# ---- conda spellings ------------------------------------------------------------------------------

_COMPAT = re.compile(r"~=\s*(\d+(?:\.\d+)+)")


def conda_spec(owner: Owner, spec: str) -> str:
    """A pip requirement as a conda match spec: the conda package name, no extras, `~=` spelled out."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", spec)
    if match is None:
        return spec
    name, rest = owner.conda_name(match.group(1)), match.group(3).split(";")[0].strip()

    def compat(found: re.Match[str]) -> str:
        parts = found.group(1).split(".")
        upper = [*parts[:-2], str(int(parts[-2]) + 1)]
        return f">={found.group(1)},<{'.'.join(upper)}"

    return name + _COMPAT.sub(compat, rest).replace(" ", "")


# ---- the renderer ---------------------------------------------------------------------------------


def step_argv(step: Step) -> list[str] | None:
    """What runs for `step` (the argv `fix --apply` executes); None when it is not a command
    envdoctor runs: shell variables, manual steps, a fresh environment."""
    manager = step.manager
    if step.action in PACKAGE_ACTIONS:
        if manager == "pip":
            verb = ["install"] if step.action == INSTALL else ["uninstall", "-y"]
            return [step.program or step.python, "-m", "pip", *verb, *_install_args(step, "pip"), *step.packages]
        if manager == "uv":
            return [
                step.program or "uv",
                "pip",
                step.action,
                "--python",
                step.python,
                *_install_args(step, "uv"),
                *step.packages,
            ]
        if manager in CONDA_FLAVOURS or manager == "rattler":
            head = (
                [step.program, "-m", RATTLER_MODULE, step.action if step.action == INSTALL else "remove"]
                if manager == "rattler"
                else [step.program or manager, "install" if step.action == INSTALL else "remove", "--yes"]
            )
            channels = [arg for channel in step.channels for arg in ("--channel", channel)]
            options = [a for o in step.options for a in OPTIONS[o]["conda"]] if step.action == INSTALL else []
            return [*head, "--prefix", step.prefix, *channels, *options, *step.packages]
        return None
    if step.action == DELETE and manager == "rm":
        return ["rm", "-rf", *step.packages]
    if step.action in ENV_ACTIONS and manager in ("conda", "mamba"):
        change = "set" if step.action == SET_ENV else "unset"
        values = [f"{v}={step.value}" for v in step.variables] if step.action == SET_ENV else list(step.variables)
        return [step.program or manager, "env", "config", "vars", change, *values, "-p", step.prefix]
    return None


def _install_args(step: Step, tool: str) -> list[str]:
    if step.action != INSTALL:
        return []
    args = [a for o in step.options for a in OPTIONS[o][tool]]
    index = list(step.index)
    if tool == "pip":
        index = [a for a in index if a != "--offline"]  # uv's; pip has no such option
    return list(dict.fromkeys(args)) + index


def step_text(step: Step) -> str:
    """The command a user types for `step`; for a manual step its command (or "")."""
    argv = step_argv(step)
    if argv is not None:
        return shlex.join(argv)
    if step.action == UNSET_ENV:
        if step.shell == "cmd":
            return " & ".join(f"set {v}=" for v in step.variables)
        return "unset " + " ".join(step.variables)
    if step.action == DELETE:
        return " & ".join(f'rmdir /s /q "{p}"' for p in step.packages)
    if step.action == SET_ENV:
        if step.shell == "cmd":
            return " & ".join(f"setx {v} {step.value}" for v in step.variables)
        return " ".join(f"export {v}={shlex.quote(step.value)}" for v in step.variables)
    return step.command


def render(remedy: Remedy | None) -> str | None:
    """The remedy as one command line (steps joined with &&); None when no step is a command."""
    if remedy is None:
        return None
    texts = [step_text(s) for s in remedy.steps]
    texts = [t for t in texts if t]
    return " && ".join(texts) if texts else None


def runnable(step: Step) -> bool:
    """Whether `fix --apply` runs this step itself."""
    return step_argv(step) is not None


def shell_step(step: Step) -> bool:
    """A change to the shell that runs the environment (a variable): the user's to make."""
    return step.action in ENV_ACTIONS and step.manager == "shell"


def apply_to_environment(steps: Iterable[Step], env: Mapping[str, str]) -> dict[str, str]:
    """`env` as it is once the shell steps among `steps` are done (what the user's shell will hold)."""
    result = dict(env)
    for step in steps:
        if not shell_step(step):
            continue
        for name in step.variables:
            if step.action == UNSET_ENV:
                result.pop(name, None)
            else:
                result[name] = step.value
    return result
