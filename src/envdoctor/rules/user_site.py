"""ED201: the user site is enabled and holds distributions."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe, is_important, same_path
from envdoctor.rules._registry import rule


@rule(
    "ED201",
    "user-site-leakage",
    title="Packages load from the user site",
    severity=Severity.WARNING,
    cause="env-leakage",
)
def user_site_leakage(ctx: Context) -> Iterator[Finding]:
    """What:
    The interpreter's user site (`~/.local/lib/pythonX.Y/site-packages`, `%APPDATA%\\Python`) is
    enabled and holds distributions. It comes before the environment's own site-packages on
    sys.path, and it is shared by every environment of that Python version; conda environments
    leave it enabled by default (venvs disable it). An error when it holds a framework or one of
    its core dependencies (numpy, protobuf, keras, ...), a warning otherwise.

    Why:
    A `pip install --user` (or a pip that fell back to --user) made months ago silently replaces
    the environment's NumPy or TensorFlow: tracebacks show `~/.local/...` paths and versions that
    `conda list` does not show.

    Example:
    numpy 1.24.4 in /home/me/.local/lib/python3.10/site-packages under a conda env with numpy 1.26.

    Fix:
    Turn the user site off for this environment: `conda env config vars set PYTHONNOUSERSITE=1 -p
    PREFIX` (conda; re-activate), or `export PYTHONNOUSERSITE=1`; or remove those packages from
    the user site with `python -m pip uninstall` (it removes the user-site copy first).
    """
    interp = ctx.interpreter
    if not interp.user_site_enabled or not interp.user_site:
        return
    held = sorted(
        (d for d in ctx.snapshot.distributions if same_path(d.location, interp.user_site)),
        key=lambda d: d.name,
    )
    if not held:
        return
    important = [d for d in held if is_important(d.name) and d.shadowed_by is None]
    severity = Severity.ERROR if important else Severity.WARNING
    evidence = [f"user site: {interp.user_site} (enabled, on sys.path before site-packages)"]
    if interp.is_conda or ctx.snapshot.conda is not None:
        evidence.append("conda environments do not disable the user site (venvs do)")
    shown = held[:20]
    evidence += [f"{d.name}: {describe(d)}" for d in shown]
    if len(held) > len(shown):
        evidence.append(f"... and {len(held) - len(shown)} more")
    for dist in held:
        env_copy = [
            d
            for d in ctx.all_copies.get(dist.name, [])
            if d is not dist and not same_path(d.location, interp.user_site)
        ]
        if env_copy and dist.shadowed_by is None:
            evidence.append(
                f"{dist.name} {dist.version} from the user site hides {env_copy[0].version} in {env_copy[0].location}"
            )
    fix = ctx.set_env("PYTHONNOUSERSITE", "1", persistent=True, reason="turn the user site off")
    if fix.steps[0].manager != "shell":
        hints = ["Re-activate the environment afterwards (conda deactivate; conda activate ...)."]
    elif interp.sys_platform == "win32":
        hints = []
    else:
        hints = ["Add it to the environment's activate script or your shell profile to keep it."]
    names = [d.name for d in held]
    if ctx.owner.has_pip:  # pip removes the first copy on sys.path: the user site's (uv would not)
        hints.append(
            "Or remove them from the user site itself (shared by every environment of Python "
            f"{interp.minor}): {shlex.join([interp.executable, '-m', 'pip', 'uninstall', '-y', *names])}"
        )
    label = ", ".join(f"{d.name} {d.version}" for d in held[:8]) + (" ..." if len(held) > 8 else "")
    yield user_site_leakage.finding(
        f"the user site is enabled and holds {len(held)} distribution{'s' if len(held) != 1 else ''}: {label}",
        evidence=evidence,
        fix=fix,
        hints=hints,
        severity=severity,
        subject="user-site",
        about=names,
    )
