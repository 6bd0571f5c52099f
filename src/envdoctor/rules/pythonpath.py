"""ED202: PYTHONPATH / PYTHONHOME set."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe, is_important, under
from envdoctor.rules._registry import rule


@rule(
    "ED202",
    "pythonpath-set",
    title="PYTHONPATH or PYTHONHOME is set",
    severity=Severity.WARNING,
    cause="env-leakage",
)
def pythonpath_set(ctx: Context) -> Iterator[Finding]:
    """What:
    PYTHONPATH or PYTHONHOME is set in the environment the target interpreter runs in. PYTHONPATH
    entries come before site-packages on sys.path; PYTHONHOME replaces where Python looks for its
    standard library. An error when PYTHONHOME is set or a framework / core dependency loads from
    a PYTHONPATH entry; a warning otherwise.

    Why:
    A PYTHONPATH left from another project or another environment makes every environment load
    its packages first: a different NumPy or TensorFlow than the one installed, with tracebacks
    pointing outside the environment. A PYTHONHOME of another Python breaks `import encodings`.

    Example:
    PYTHONPATH=/opt/old-env/lib/python3.8/site-packages, holding numpy 1.19.5.

    Fix:
    Unset it for the shell that runs the environment (`unset PYTHONPATH PYTHONHOME`, or remove it
    from the profile / `conda env config vars unset PYTHONPATH -p PREFIX` where it is set).
    """
    env = ctx.interpreter.env
    names = [n for n in ("PYTHONPATH", "PYTHONHOME") if env.get(n)]
    if not names:
        return
    windows = ctx.interpreter.sys_platform == "win32"
    separator = ";" if windows else ":"
    evidence = [f"{n}={env[n]}" for n in names]
    entries = [e for e in env.get("PYTHONPATH", "").split(separator) if e]
    loaded = [d for d in ctx.installed.values() if any(under(d.location, entry) for entry in entries)]
    evidence += [f"loaded from PYTHONPATH: {describe(d)}" for d in sorted(loaded, key=lambda d: d.name)]
    important = [d for d in loaded if is_important(d.name)]
    severity = Severity.ERROR if ("PYTHONHOME" in names or important) else Severity.WARNING
    fix = ctx.unset_env(names, reason="it puts packages of another environment first on sys.path")
    hints = [
        "Find where it is set: your shell profile (~/.bashrc, ~/.profile), the IDE / kernel spec, "
        "or `conda env config vars list`; remove it there to make the fix permanent."
    ]
    if ctx.snapshot.conda is not None:
        hints.append(
            "If conda sets it: conda env config vars unset " + " ".join(names) + f" -p {ctx.snapshot.conda.prefix}"
        )
    subject = "PYTHONHOME" if names == ["PYTHONHOME"] else "PYTHONPATH"
    yield pythonpath_set.finding(
        f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} set"
        + (f"; {len(loaded)} distribution(s) load from it" if loaded else ""),
        evidence=evidence,
        fix=fix,
        hints=hints,
        severity=severity,
        subject=subject,
        about=[d.name for d in loaded],
    )
