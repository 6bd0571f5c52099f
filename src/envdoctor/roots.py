"""Root causes first: findings that follow from one cause are grouped under it. Pure.

A root and what follows from it:
- a leak (ED202 PYTHONPATH, ED201 the user site, ED203 a foreign sys.path entry): every other
  finding about a distribution that loads from there. Changing the environment cannot fix those
  (the foreign copy keeps winning) and may break it (the environment's own NumPy downgraded for a
  TensorFlow that lives elsewhere): the leak's remedy is the only step;
- several TensorFlow distributions (ED105): the findings about a distribution the root removes
  (and does not put back), and the unmet requirements of any TensorFlow distribution (the
  reinstall resolves them);
- a site-packages built for another Python (ED104's binary finding): the other findings that are
  only about the distributions it reinstalls.

A consequence gets `caused_by` = the root's key and the root's remedy (its own would be wrong or
useless), and a hint that names the root. The fix planner then plans the root's remedy once and
lists the consequences under it. Grouping is conservative: a finding about anything else keeps its
own remedy and is planned after the root's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from packaging.requirements import InvalidRequirement, Requirement

from envdoctor import frameworks
from envdoctor.model import Distribution, Finding, Snapshot
from envdoctor.names import canonicalize_name

LEAK_ROOTS = ("ED202", "ED201", "ED203")
#: roots whose remedy puts exact versions back (a second TensorFlow, pip over conda): what only
#: asks for those versions follows from them
PIN_ROOTS = ("ED105", "ED211")


def _norm(path: str) -> str:
    return path.replace("\\", "/").rstrip("/")


def _under(path: str, root: str) -> bool:
    p, r = _norm(path), _norm(root)
    return bool(r) and (p == r or p.startswith(r + "/"))


def _winners(snapshot: Snapshot) -> dict[str, Distribution]:
    found: dict[str, Distribution] = {}
    for dist in snapshot.distributions:
        if dist.shadowed_by is None:
            found.setdefault(dist.name, dist)
    return found


def leaked_names(snapshot: Snapshot, root: Finding) -> set[str]:
    """The distributions that load from the place a leak root names."""
    interp = snapshot.interpreter
    if root.code == "ED202":
        separator = ";" if interp.sys_platform == "win32" else ":"
        places = [e for e in interp.env.get("PYTHONPATH", "").split(separator) if e]
    elif root.code == "ED201":
        places = [interp.user_site] if interp.user_site else []
    else:
        places = [root.subject] if root.subject else []
    return {name for name, d in _winners(snapshot).items() if any(_under(d.location, p) for p in places)}


_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _spec_name(spec: str) -> str:
    match = _NAME.match(spec)
    return canonicalize_name(match.group(1)) if match else ""


def _pins(root: Finding) -> dict[str, str]:
    """{name: version} the root's remedy installs exactly (`numpy==1.26.4`)."""
    pins: dict[str, str] = {}
    for step in root.remedy.steps if root.remedy else []:
        if step.action != "install":
            continue
        for spec in step.packages:
            name, sep, version = spec.partition("==")
            if sep and version and not any(c in version for c in ",;<>!~*="):
                pins[_spec_name(name)] = version.strip()
    return pins


def _cleared_by_pins(root: Finding, finding: Finding) -> bool:
    """The finding's remedy only (re)installs packages the root installs exactly, at versions
    its specs admit: once the root's remedy ran, there is nothing left for it to do."""
    pins = _pins(root)
    steps = finding.remedy.steps if finding.remedy else []
    if not pins or not steps or any(s.action not in ("install", "uninstall") for s in steps):
        return False
    for step in steps:
        for spec in step.packages:
            if _spec_name(spec) not in pins:
                return False
            if step.action == "install":
                try:
                    req = Requirement(spec.replace(" ", ""))
                except InvalidRequirement:
                    return False
                if not req.specifier.contains(pins[_spec_name(spec)], prereleases=True):
                    return False
    return True


def _follows(root: Finding, finding: Finding, leaked: set[str]) -> bool:
    about = set(finding.about)
    if root.code in LEAK_ROOTS:
        return bool(about & leaked)
    if root.code in PIN_ROOTS and _cleared_by_pins(root, finding):
        return True
    if root.code == "ED105" and root.remedy is not None:
        steps = root.remedy.steps
        removed = {canonicalize_name(p) for s in steps if s.action == "uninstall" for p in s.packages}
        kept = {_spec_name(p) for s in steps if s.action == "install" for p in s.packages}
        framework = frameworks.get(root.subject or "")
        variants = set(framework.distributions) if framework else set()
        overlaid = about & variants
        if overlaid and overlaid <= removed - kept:
            return True  # about a distribution the root removes for good
        # an unmet requirement of one of those distributions: the reinstall resolves it
        return finding.code == "ED101" and bool(overlaid) and finding.subject not in variants
    if root.code == "ED104" and root.subject == "python":
        return bool(about) and about <= set(root.about)
    return False


def _is_root(finding: Finding) -> bool:
    if finding.remedy is None or not finding.remedy.steps:
        return False
    return (
        finding.code in LEAK_ROOTS
        or finding.code in PIN_ROOTS
        or (finding.code == "ED104" and finding.subject == "python")
    )


def _attach(finding: Finding, root: Finding) -> Finding:
    return dataclasses.replace(
        finding,
        caused_by=root.key,
        remedy=root.remedy,
        fix=root.fix,
        hints=[f"Follows from {root.code}: {root.message}. Its fix clears this too.", *finding.hints],
    )


def group(snapshot: Snapshot, findings: Iterable[Finding]) -> list[Finding]:
    """`findings` with each consequence marked (`caused_by`) and given its root's remedy. Leaks are
    grouped first (a second TensorFlow on PYTHONPATH follows from PYTHONPATH), then the others."""
    out = list(findings)
    leaks = [f for f in out if _is_root(f) and f.code in LEAK_ROOTS]
    leaked = {r.key: leaked_names(snapshot, r) for r in leaks}
    for passes in (leaks, None):
        roots = passes if passes is not None else [f for f in out if _is_root(f) and f.code not in LEAK_ROOTS]
        for n, finding in enumerate(out):
            if finding.caused_by is not None or (passes is not None and finding in leaks):
                continue
            for root in roots:
                if (
                    root is not finding
                    and root.caused_by is None
                    and _follows(root, finding, leaked.get(root.key, set()))
                ):
                    out[n] = _attach(finding, root)
                    break
    return _name_consequences(out)


def _name_consequences(findings: list[Finding]) -> list[Finding]:
    """Each root says what its fix clears (the consequences are listed under it)."""
    cleared: dict[str, list[str]] = {}
    for finding in findings:
        if finding.caused_by:
            cleared.setdefault(finding.caused_by, []).append(f"{finding.code} ({finding.subject or finding.rule})")
    return [
        dataclasses.replace(f, hints=[*f.hints, "Its fix also clears: " + ", ".join(cleared[f.key]) + "."])
        if f.key in cleared and f.caused_by is None
        else f
        for f in findings
    ]
