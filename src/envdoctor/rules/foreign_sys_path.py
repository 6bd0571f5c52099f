"""ED203: sys.path entries inside another environment."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from envdoctor.model import Finding, Remedy, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe, is_important, same_path, under
from envdoctor.rules._registry import rule

_PACKAGES_DIR = re.compile(r"(^|/)(site-packages|dist-packages)(/|$)", re.IGNORECASE)
_LIB_PYTHON = re.compile(r"(^|/)lib/python\d+\.\d+t?(/|$)", re.IGNORECASE)
_CONDA_ENV = re.compile(r"^(.*?/envs/[^/]+)(/|$)")


def _norm(path: str) -> str:
    return path.replace("\\", "/").rstrip("/")


@rule(
    "ED203",
    "foreign-sys-path",
    title="sys.path reaches into another environment",
    severity=Severity.WARNING,
    cause="env-leakage",
)
def foreign_sys_path(ctx: Context) -> Iterator[Finding]:
    """What:
    Entries of the target's sys.path that lie inside another environment: a site-packages /
    dist-packages folder or a lib/pythonX.Y folder outside the interpreter's prefix, another conda
    env's folder (`.../envs/other/...`), or, in a venv created with
    `include-system-site-packages = true`, the base interpreter's site-packages. Entries from
    PYTHONPATH (ED202) and the user site (ED201) are left to their own rules. An error when a
    framework or a core dependency loads from such an entry.

    Why:
    Packages from another environment were built for its Python and its NumPy; they win or mix
    with the environment's own and fail in ways that point nowhere near the cause (a .pth file
    written by an old `pip install -e` / `conda develop`, or a venv on top of the conda base env).

    Example:
    /opt/conda/envs/old/lib/python3.10/site-packages on the sys.path of /opt/conda/envs/tf.

    Fix:
    Remove the line that adds it: find the .pth file (`grep -l ENTRY SITE-PACKAGES/*.pth`) and
    delete it, or, for a venv, set `include-system-site-packages = false` in pyvenv.cfg.
    """
    interp = ctx.interpreter
    own = [p for p in (interp.prefix, interp.exec_prefix) if p]
    separator = ";" if interp.sys_platform == "win32" else ":"
    pythonpath = [e for e in interp.env.get("PYTHONPATH", "").split(separator) if e]
    own_env = _CONDA_ENV.match(_norm(interp.prefix)) if interp.prefix else None
    for entry in interp.sys_path:
        if not entry:
            continue
        norm = _norm(entry)
        if any(under(entry, root) for root in own):
            continue
        if same_path(entry, interp.user_site) or any(under(entry, p) for p in pythonpath):
            continue
        other_env = _CONDA_ENV.match(norm)
        base_site = (
            interp.is_venv and interp.base_prefix and under(entry, interp.base_prefix) and _PACKAGES_DIR.search(norm)
        )
        if under(entry, interp.base_prefix) and not base_site:
            continue  # the base interpreter's standard library
        foreign = bool(_PACKAGES_DIR.search(norm) or _LIB_PYTHON.search(norm))
        if other_env and (own_env is None or other_env.group(1) != own_env.group(1)):
            foreign = True
        if not foreign:
            continue
        loaded = sorted((d for d in ctx.installed.values() if same_path(d.location, entry)), key=lambda d: d.name)
        important = [d for d in loaded if is_important(d.name)]
        evidence = [
            f"sys.path entry: {entry}",
            f"the environment: {interp.prefix} ({interp.executable})",
        ]
        evidence += [f"loaded from it: {describe(d)}" for d in loaded[:15]]
        if len(loaded) > 15:
            evidence.append(f"... and {len(loaded) - 15} more")
        fix: Remedy | None = None
        hints: list[str] = []
        if base_site:
            cfg = f"{interp.prefix.rstrip('/')}/pyvenv.cfg"
            fix = ctx.manual(
                "turn the base interpreter's site-packages off for this venv",
                "sed -i.bak 's/^include-system-site-packages *= *true/include-system-site-packages = false/' "
                + shlex.quote(cfg),
            )
            reason = "the base interpreter's site-packages (include-system-site-packages = true)"
        else:
            reason = "another environment"
            fix = ctx.manual(f"take {entry} off sys.path: delete the .pth line (or setting) that adds it")
            sites = [s for s in interp.site_packages if s] or [entry]
            hints.append(
                "Find the .pth file that adds it: "
                + " ".join(f"grep -l {shlex.quote(entry)} {shlex.quote(s.rstrip('/') + '/')}*.pth" for s in sites[:2])
                + " — then delete that line (or file)."
            )
            hints.append("A sitecustomize.py or an IDE / Jupyter kernel setting can add it too.")
        yield foreign_sys_path.finding(
            f"sys.path includes {entry}, inside {reason}"
            + (f"; {len(loaded)} distribution(s) load from it" if loaded else ""),
            evidence=evidence,
            fix=fix,
            hints=hints,
            severity=Severity.ERROR if important else Severity.WARNING,
            subject=entry,
            about=[d.name for d in loaded],
        )
