"""ED234-ED235: the shell's `pip` and `python` are different interpreters, or the activated
environment's `python` is shadowed by an earlier PATH entry."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator

from envdoctor import remedies
from envdoctor.model import Finding, PathCommand, Remedy, SeenInterpreter, Session, Severity, Step
from envdoctor.rules._context import Context
from envdoctor.rules._interpreters import (
    conda_owner_of,
    describe,
    frameworks_in,
    inside_ipython,
    install_step,
    norm,
    owner_for,
    python_of,
    same_env,
    target_prefix,
)
from envdoctor.rules._registry import rule

_PAIRS = (("pip", "python"), ("pip3", "python3"))


def _dirname(path: str) -> str:
    return posixpath.dirname(norm(path))


def _where(cmd: PathCommand, session: Session) -> str:
    entry = session.path[cmd.path_index] if cmd.path_index < len(session.path) else _dirname(cmd.path)
    return f"PATH entry #{cmd.path_index + 1} ({entry})"


def _windows(ctx: Context) -> bool:
    return ctx.interpreter.sys_platform == "win32" or ctx.machine.os == "windows"


def prepend_path(folder: str) -> Step:
    """Put `folder` first on PATH in this shell (POSIX shells): the user's to run."""
    return remedies.manual(f"put {folder} first on PATH in this shell", f'export PATH={shlex.quote(folder)}:"$PATH"')


def ensure_pip(ctx: Context, seen: SeenInterpreter) -> list[Step] | None:
    """The steps that give `seen` a pip of its own (ensurepip needs no index); None for a
    distribution's /usr Python (its pip comes from the OS package manager)."""
    owner = owner_for(ctx, seen)
    if seen.env_kind == "conda":
        return [install_step(ctx, owner, ["pip"])]
    if owner.frozen or (seen.env_kind == "system" and seen.prefix in ("/usr", "/")):
        return None
    command = f"{shlex.quote(python_of(seen))} -m ensurepip --upgrade --default-pip"
    return [remedies.manual(f"install pip (and its `pip` script) into {seen.prefix}", command)]


def _mismatches(session: Session) -> list[tuple[list[str], PathCommand, SeenInterpreter, PathCommand, SeenInterpreter]]:
    """([pip names], pip, its interpreter, python, its interpreter) for each pip/python pair that differ."""
    found: list[tuple[list[str], PathCommand, SeenInterpreter, PathCommand, SeenInterpreter]] = []
    for pip_name, python_name in _PAIRS:
        pip = session.command(pip_name)
        python = session.command(python_name) or session.command("python3" if python_name == "python" else "python")
        if pip is None or python is None or not pip.interpreter:
            continue
        pip_seen, python_seen = session.interpreter(pip.interpreter), session.interpreter(python.interpreter)
        if pip_seen is None or python_seen is None or not pip_seen.prefix or not python_seen.exists:
            continue
        if same_env(pip_seen.prefix, python_seen.prefix):
            continue
        same = next(
            (f for f in found if same_env(f[2].prefix, pip_seen.prefix) and same_env(f[4].prefix, python_seen.prefix)),
            None,
        )
        if same is not None:
            same[0].append(pip_name)
            continue
        found.append(([pip_name], pip, pip_seen, python, python_seen))
    return found


@rule(
    "ED234",
    "pip-python-mismatch",
    title="`pip` on PATH installs into another interpreter than `python` on PATH",
    severity=Severity.WARNING,
    cause="wrong-interpreter",
)
def pip_python_mismatch(ctx: Context) -> Iterator[Finding]:
    """What:
    The `pip` (or `pip3`) the shell finds first on PATH belongs to another interpreter than the
    `python` (`python3`) it finds first: its shebang (through pyenv shims and `#!/usr/bin/env`)
    names a Python of another environment. Reported when the inspected environment is one of the
    two, and inside a notebook (where `!pip` is the shell's pip).

    Why:
    `pip install tensorflow` then succeeds, and `python -c "import tensorflow"` fails with
    `ModuleNotFoundError`: the package went into the other interpreter. Usual causes: the
    environment has no pip of its own (so the next one on PATH answers), `~/.local/bin` or a pyenv
    shims folder before the environment's `bin`, or a pyenv version without pip.

    Example:
    `pip` -> /home/me/.local/bin/pip (#!/usr/bin/python3.10), `python` -> /home/me/venvs/tf/bin/python
    (Python 3.12).

    Fix:
    Give `python`'s environment its own pip and put it first: `/home/me/venvs/tf/bin/python -m
    ensurepip --upgrade` when that environment lacks pip, or `export PATH=/home/me/venvs/tf/bin:"$PATH"`
    when an earlier PATH entry's pip wins. Always safe: install with `python -m pip install ...`
    (in a notebook, `%pip install ...`), which uses the pip of the interpreter you run.
    """
    session = ctx.snapshot.session
    own = target_prefix(ctx)
    for names, pip, pip_seen, python, python_seen in _mismatches(session):
        # inside IPython `!pip` is the shell's pip
        if not (same_env(own, pip_seen.prefix) or same_env(own, python_seen.prefix) or inside_ipython(session)):
            continue
        fix: Remedy | None = None
        hints: list[str] = []
        python_dir = _dirname(python.path)
        has_own_pip = any(_dirname(o) == python_dir for o in pip.others)
        if pip.path_index < python.path_index and has_own_pip and not _windows(ctx):
            fix = Remedy([prepend_path(python_dir)])
            hints.append(
                f"{_where(pip, session)} comes before {python_dir}; to keep the order for new shells, fix the PATH "
                "line in your shell start-up file (~/.bashrc, ~/.zshrc, ~/.profile)."
            )
        else:
            steps = ensure_pip(ctx, python_seen)
            if steps and python.how == "pyenv shim":
                steps.append(remedies.manual("make pyenv's shims see the new pip", "pyenv rehash"))
            fix = Remedy(steps) if steps else None
            if fix is None:
                hints.append(
                    f"{python_seen.prefix} is the distribution's Python: install its pip (apt install python3-pip)."
                )
        pip_python = python_of(python_seen)
        hints.append(
            f"Install with the interpreter you run: {shlex.quote(pip_python)} -m pip install PACKAGE "
            "(`python -m pip` instead of `pip`); in a notebook: %pip install PACKAGE."
        )
        shown = " / ".join(f"`{n}`" for n in names)
        yield pip_python_mismatch.finding(
            f"{shown} on PATH installs into {pip_seen.prefix} (Python {pip_seen.version or '?'}), but `{python.name}` "
            f"on PATH runs {python_seen.prefix} (Python {python_seen.version or '?'})",
            evidence=[
                f"`{pip.name}`: {pip.path}, {_where(pip, session)}, {pip.how or 'script'} -> {describe(pip_seen)}",
                f"`{python.name}`: {python.path}, {_where(python, session)} -> {describe(python_seen)}",
                *(f"also on PATH for `{pip.name}`: {o}" for o in pip.others[:3]),
            ],
            fix=fix,
            hints=hints,
            subject=f"path:{names[0]}",
        )


@rule(
    "ED235",
    "activated-env-shadowed",
    title="The activated environment's `python` is shadowed by an earlier PATH entry",
    severity=Severity.WARNING,
    cause="wrong-interpreter",
)
def activated_env_shadowed(ctx: Context) -> Iterator[Finding]:
    """What:
    A conda env or venv is active ($CONDA_PREFIX / $VIRTUAL_ENV) but the `python` the shell finds
    first on PATH is another interpreter: a pyenv shim, /usr/bin, ~/.local/bin or another env's
    bin folder comes before the environment's own, or the environment has no Python of its own
    (a conda env created without `python`). An error when the active environment holds a
    framework that the `python` which runs lacks.

    Why:
    The prompt says `(tf)`, `pip list` (or `conda list`) shows TensorFlow, and `python` still
    cannot import it: a shell start-up file re-adds pyenv's shims or a PATH entry after
    `conda activate`, or an IDE terminal builds its own PATH.

    Example:
    $CONDA_PREFIX=/opt/conda/envs/tf, but `python` -> /home/me/.pyenv/shims/python (pyenv 3.11.7)
    from PATH entry #1, before /opt/conda/envs/tf/bin (#4).

    Fix:
    Put the environment first again: `export PATH=/opt/conda/envs/tf/bin:"$PATH"`, then move the
    line that shadows it (`eval "$(pyenv init -)"`, a PATH export) before conda's initialize block
    in ~/.bashrc; for an env without Python, `conda install -y -p /opt/conda/envs/tf python`.
    """
    session = ctx.snapshot.session
    if session.virtual_env:
        var, active = "VIRTUAL_ENV", session.virtual_env
    elif session.conda_prefix:
        var, active = "CONDA_PREFIX", session.conda_prefix
    else:
        return
    python = session.command("python") or session.command("python3")
    python_seen = session.interpreter(python.interpreter) if python else None
    if python is None or python_seen is None or not python_seen.exists:
        return
    active_seen = next((i for i in session.interpreters if f"${var}" in i.roles), None)
    active_real = active_seen.prefix if active_seen is not None else active
    if same_env(python_seen.prefix, active_real) or same_env(python_seen.prefix, active):
        return
    own = target_prefix(ctx)
    if not (same_env(own, active_real) or same_env(own, active) or same_env(own, python_seen.prefix)):
        return
    label = (
        f"conda env {session.conda_default_env or posixpath.basename(norm(active))}"
        if var == "CONDA_PREFIX"
        else "venv"
    )
    evidence = [f"${var}={active}" + (f": {describe(active_seen)}" if active_seen else " (no python in it)")]
    evidence.append(f"`{python.name}` on PATH: {python.path}, {_where(python, session)} -> {describe(python_seen)}")
    bin_dir = posixpath.join(norm(active), "Scripts" if _windows(ctx) else "bin")
    index = next((i for i, e in enumerate(session.path) if norm(e) == bin_dir), None)
    evidence.append(f"{bin_dir}: " + (f"PATH entry #{index + 1}" if index is not None else "not on PATH"))
    missing = sorted(set(frameworks_in(active_seen)) - set(frameworks_in(python_seen))) if active_seen else []
    if missing:
        evidence.append(f"the environment has {', '.join(missing)}; `{python.name}` does not")
    hints: list[str] = []
    fix: Remedy | None = None
    if active_seen is None:
        if var == "CONDA_PREFIX":
            conda_owner = conda_owner_of(ctx, active)
            fix = Remedy([install_step(ctx, conda_owner, ["python"])])
        message = f"the active {label} ({active}) has no Python of its own: `{python.name}` runs {python_seen.prefix}"
        if fix is None:
            hints.append(f"Recreate the venv: {python_of(python_seen)} -m venv --clear {active}")
    else:
        fix = None if _windows(ctx) else Remedy([prepend_path(bin_dir)])
        message = (
            f"the active {label} ({active}) is shadowed: `{python.name}` runs {python_seen.prefix} from "
            f"{_where(python, session)}"
        )
        shadow = session.path[python.path_index] if python.path_index < len(session.path) else ""
        if "pyenv" in shadow or python.how == "pyenv shim":
            hints.append(
                'pyenv\'s shims come first: `eval "$(pyenv init -)"` runs after the activation in your shell '
                "start-up; move it before conda's initialize block (or run `pyenv shell system` in this shell)."
            )
        else:
            hints.append(
                f"Find the line that puts {shadow or 'it'} first on PATH (~/.bashrc, ~/.profile) and move it up."
            )
        hints.append(f"Or run the environment's interpreter by its path: {python_of(active_seen)}")
    yield activated_env_shadowed.finding(
        message,
        evidence=evidence,
        fix=fix,
        hints=hints,
        severity=Severity.ERROR if missing or active_seen is None else Severity.WARNING,
        subject=f"path:{var}",
    )
