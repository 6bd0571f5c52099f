"""ED236: the framework is installed in another interpreter than the one the user runs."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from envdoctor import remedies
from envdoctor.frameworks import families
from envdoctor.model import Finding, Remedy, SeenInterpreter, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._interpreters import (
    describe,
    display_for,
    frameworks_in,
    inside_ipython,
    install_step,
    kernel_mode,
    owner_for,
    python_of,
    register_step,
    same_env,
    target_prefix,
)
from envdoctor.rules._registry import rule

# Where a `pip install` the user ran may have gone, most telling first.
_ROLES = ("pip on PATH", "pip3 on PATH", "$CONDA_PREFIX", "$VIRTUAL_ENV", "python on PATH", "python3 on PATH")


def _rank(seen: SeenInterpreter) -> int:
    ranks = [_ROLES.index(r) for r in seen.roles if r in _ROLES]
    if ranks:
        return min(ranks)
    return len(_ROLES) if any(r.startswith("environment ") for r in seen.roles) else len(_ROLES) + 1


def _elsewhere(ctx: Context) -> list[SeenInterpreter]:
    """The interpreters the user installs into or runs besides the target (other environments only)."""
    own = target_prefix(ctx)
    notebook = kernel_mode(ctx)
    found: list[SeenInterpreter] = []
    for seen in ctx.snapshot.session.interpreters:
        if not seen.exists or not seen.prefix or same_env(seen.prefix, own):
            continue
        wanted = any(r in _ROLES for r in seen.roles) or (
            notebook and any(r.startswith("environment ") for r in seen.roles)
        )
        if wanted and not any(same_env(seen.prefix, f.prefix) for f in found):
            found.append(seen)
    return sorted(found, key=_rank)


def _pin(ctx: Context, name: str, version: str) -> str:
    """`name==version` when that release has a wheel for the target's Python here (or the
    knowledge base does not know the release), else the bare name."""
    minor = ctx.interpreter.minor
    if ctx.kb.release(name, version) is None or not minor:
        return f"{name}=={version}"
    return f"{name}=={version}" if minor in ctx.kb.pythons(name, version, ctx.machine.platform_key) else name


@rule(
    "ED236",
    "framework-elsewhere",
    title="The framework is installed in another interpreter than the one you run",
    severity=Severity.WARNING,
    cause="wrong-interpreter",
)
def framework_elsewhere(ctx: Context) -> Iterator[Finding]:
    """What:
    TensorFlow, PyTorch or JAX is missing from the inspected environment (the one you run: the
    active env, `python` on PATH, the kernel of `check --kernel` or of `%envdoctor`) but installed
    in another interpreter you use: the one `pip` / `pip3` on PATH installs into, the activated
    env, `python` on PATH, or (for a kernel) the environment the kernel is named after. An error
    for a kernel (its imports fail), a warning otherwise.

    Why:
    "I installed it and it still says No module named 'tensorflow'": `pip install` (or `!pip` in
    a notebook) put it into another interpreter than the one that imports it. envdoctor names both.

    Example:
    tensorflow 2.15.0 in /home/me/venvs/tf (where `pip` installs); the kernel `python3` runs
    /usr/bin/python3, which has no tensorflow.

    Fix:
    Install it into the interpreter you run, with that interpreter: in the notebook
    `%pip install tensorflow==2.15.0`, in a shell `/usr/bin/python3 -m pip install tensorflow==2.15.0`;
    or run the environment that has it (register it as a kernel:
    `/home/me/venvs/tf/bin/python -m ipykernel install --user --name tf --display-name "Python (tf)"`).
    """
    snapshot = ctx.snapshot
    if not snapshot.session.read or not snapshot.interpreter.executable:
        return
    if not (snapshot.interpreter.probed or snapshot.distributions):
        return  # nothing is known of the target's packages (its interpreter is missing)
    others = _elsewhere(ctx)
    notebook = inside_ipython(snapshot.session)
    in_kernel = kernel_mode(ctx)
    target = snapshot.interpreter
    for family in families():
        if family in ctx.frameworks:
            continue
        holders = [(s, frameworks_in(s)[family]) for s in others if family in frameworks_in(s)]
        if not holders:
            continue
        holder, (name, version) = holders[0]
        spec = _pin(ctx, name, version)
        shell_fix = ctx.install([spec], for_package=name)
        fix = _in_notebook(ctx, shell_fix, spec) if notebook else shell_fix
        roles = ", ".join(holder.roles)
        runs = f"the kernel '{snapshot.session.kernel}'" if snapshot.session.kernel else "you"
        hints = []
        if notebook:
            hints.append(
                (
                    "%pip installs into this kernel's interpreter"
                    if _by_pip(shell_fix)
                    else "this kernel's interpreter has no pip"
                )
                + "; !pip uses the `pip` on PATH, which is the other one."
            )
            hints.append("Then restart the kernel (Kernel > Restart; or IPython) before importing it.")
        elif in_kernel:
            inside = _in_notebook(ctx, shell_fix, spec)
            hints.append(f"Inside the notebook the same fix is: {ctx.command(inside)}")
        if spec == name:
            hints.append(
                f"{name} {version} has no build for Python {target.minor} here, so the fix takes the newest that has."
            )
        label = holder.env_name or "env"
        steps = [register_step(python_of(holder), label, display_for(label))]
        if holder.site_packages and "ipykernel" not in holder.packages:
            steps.insert(0, install_step(ctx, owner_for(ctx, holder), ["ipykernel"]))
        register = ctx.command(Remedy(steps))
        hints.append(f"Or use the environment that has it: {register} (then pick 'Python ({label})' as the kernel)")
        yield framework_elsewhere.finding(
            f"{name} {version} is installed in {holder.prefix} ({roles}), not in {target_prefix(ctx)}, which {runs} run"
            + ("s" if snapshot.session.kernel else ""),
            evidence=[
                f"the interpreter {runs} run{'s' if snapshot.session.kernel else ''}: {target.executable} "
                f"(Python {target.version or '?'}, no {family})",
                f"{name} {version} in: {describe(holder)}",
                *(f"also in: {describe(s)}" for s, _ in holders[1:3]),
            ],
            fix=fix,
            hints=hints,
            severity=Severity.ERROR if in_kernel else Severity.WARNING,
            subject=name,
        )


def _by_pip(remedy: Remedy) -> bool:
    """Every step is pip's: pip installs into the kernel's own environment (`%pip` works there)."""
    return all(s.manager == "pip" for s in remedy.steps)


def _in_notebook(ctx: Context, shell_fix: Remedy, spec: str) -> Remedy:
    """The same install typed in a notebook cell: `%pip install` when pip installs into the kernel's
    environment, else the shell command behind `!` (uv, conda); a remedy that changes nothing
    (an externally managed Python) stays as it is."""
    steps = shell_fix.steps
    if any(s.action != "install" for s in steps):
        return shell_fix
    if _by_pip(shell_fix):
        return Remedy([remedies.manual("inside the notebook", f"%pip install {shlex.quote(spec)}")])
    return Remedy([remedies.manual("inside the notebook", "!" + (ctx.command(shell_fix)))])
