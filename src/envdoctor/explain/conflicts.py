"""Solver conflict extraction: which requirements clash, and which one to move.

Reads the blocks that pip (ResolutionImpossible), conda classic (UnsatisfiableError), mamba /
libmamba ("Encountered problems while solving") and uv (PubGrub "No solution found") print, as
captured by the scanner (the header line plus the lines after it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from envdoctor.explain.model import Conflict

_FRAMEWORK = re.compile(r"^(tensorflow|tf-nightly|torch|jax|jaxlib|keras|tensorflow-\w+)\b", re.IGNORECASE)

_PIP_USER = re.compile(r"^\s*the user requested (?:\(constraint\) )?(?P<req>\S.*?)\s*$", re.IGNORECASE)
_PIP_DEP = re.compile(r"^\s*(?P<pkg>[\w.\-\[\]]+) (?P<ver>[\w.+!-]+) depends on (?P<req>.+?)\s*$", re.IGNORECASE)
_CONDA_SPEC = re.compile(r"^\s*-\s*(?P<spec>\S.*?)\s*$")
_CONDA_PY = re.compile(r"python\[?\s*(?:version=)?['\"]?[<>=\d.*,|']+|->\s*python\b|^\s*-?\s*python\s*[\d=<>]", re.I)
_YOUR_PY = re.compile(r"your python:\s*python=(?P<v>[\d.]+)", re.IGNORECASE)
_MAMBA_REQUIRES = re.compile(
    r"^\s*-\s*(?:package )?(?P<pkg>\S+?) requires (?P<req>.+?), but none of the providers can be installed", re.I
)
_MAMBA_BOTH = re.compile(r"^\s*-\s*cannot install both (?P<a>\S+) and (?P<b>\S+)", re.IGNORECASE)
_MAMBA_NOTHING = re.compile(
    r"^\s*-\s*nothing provides (?:requested )?(?P<req>.+?)(?: needed by (?P<by>\S+))?\s*$", re.I
)
_MAMBA_CONSTRAINT = re.compile(
    r"^\s*-\s*package (?P<pkg>\S+) has constraint (?P<req>.+?) conflicting with (?P<c>\S+)", re.I
)
_UV_REQUIRE = re.compile(r"(?:you|your project) (?:require|requires|depends on) (?P<req>[^,]+?)(?:,| and | we )", re.I)
_UV_NO_VERSION = re.compile(r"there is no version of (?P<req>\S+)", re.IGNORECASE)
_UV_DEPENDS = re.compile(
    r"(?P<pkg>[\w.\-]+(?:\{[^}]*\})?)(?:==| )(?P<ver>[\w.+]+) depends on (?P<req>[^,]+?)(?:,| we |$)", re.I
)
_UV_SPLIT = re.compile(r"for split \((?P<split>[^)]*)\)", re.IGNORECASE)


def _strip_markers(req: str) -> str:
    return re.sub(r"\{[^}]*\}", "", req).strip().rstrip(".")


def pip_conflict(lines: Sequence[str]) -> Conflict | None:
    user: list[str] = []
    deps: list[tuple[str, str]] = []
    for line in lines:
        if m := _PIP_USER.match(line):
            user.append(m.group("req"))
        elif m := _PIP_DEP.match(line):
            deps.append((f"{m.group('pkg')} {m.group('ver')}", m.group("req")))
        elif line.strip().lower().startswith(("to fix this", "error:")):
            break
    if not user and not deps:
        return None
    deps.sort(key=lambda d: not any(_violates(u, d[1]) for u in user))
    reqs = [f"you requested {u}" for u in user] + [f"{who} needs {req}" for who, req in deps]
    move, reason = _choose_pip_move(user, deps)
    return Conflict(tool="pip", requirements=reqs, move=move, reason=reason)


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", req.strip(), maxsplit=1)[0].lower()


def _violates(pin: str, requirement: str) -> bool | None:
    """Does the exact pin (numpy==1.19.2) fall outside `requirement` (numpy<1.19.0 and >=1.16.0)?"""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    m = re.match(r"\s*[\w.\-\[\]]+\s*==\s*([\w.+!]+)\s*$", pin)
    spec = re.sub(r"^\s*[\w.\-\[\]]+", "", requirement.split(";")[0]).replace(" and ", ",").strip()
    if not m or not spec:
        return None
    try:
        return not SpecifierSet(spec).contains(Version(m.group(1)), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return None


def _choose_pip_move(user: list[str], deps: list[tuple[str, str]]) -> tuple[str | None, str]:
    # A user pin that some package's dependency excludes: move the user's pin into that range.
    for u in user:
        name = _name(u)
        against = [(who, req) for who, req in deps if _name(req) == name and req.strip().lower() != name]
        violated = [(who, req) for who, req in against if _violates(u, req)]
        if violated:
            who, req = violated[0]
            return u, f"{who} needs {req}: change the pin to fit, or use a {who.split()[0]} release that accepts it"
        if against and any(op in u for op in ("<", ">", "~=")):
            return u, f"{u} contradicts " + "; ".join(f"{w} needs {r}" for w, r in against[:3])
    if len(user) >= 2 and len({_name(u) for u in user}) == 1:
        pinned = [u for u in user if "=" in u or "<" in u or ">" in u]
        return (pinned[0] if pinned else user[0]), "the same package is requested twice with different versions"
    # Two packages need different ranges of one dependency: move the one that is not a framework.
    by_dep: dict[str, list[tuple[str, str]]] = {}
    for who, req in deps:
        by_dep.setdefault(_name(req), []).append((who, req))
    for dep, needers in by_dep.items():
        if len(needers) >= 2 and len({r for _w, r in needers}) >= 2:
            non_fw = [w for w, _r in needers if not _FRAMEWORK.match(w)]
            target = non_fw[0] if non_fw else needers[-1][0]
            ranges = "; ".join(f"{w} needs {r}" for w, r in needers[:4])
            return target, f"they need different {dep} versions ({ranges})"
    if deps and len({who.split()[0] for who, _r in deps}) == 1:
        return deps[0][0].split()[0], "no release of it has requirements that fit the rest"
    return (user[0] if user else None), "loosen this requirement"


def conda_conflict(lines: Sequence[str]) -> Conflict | None:
    specs: list[str] = []
    your_python = None
    for line in lines:
        if m := _YOUR_PY.search(line):
            your_python = m.group("v")
        m = _CONDA_SPEC.match(line)
        if m and not line.strip().startswith("- feature"):
            specs.append(m.group("spec"))
        elif m is None and line.strip() and "->" in line and not line.lower().startswith(("if python", "when python")):
            specs.append(line.strip())
    if not specs:
        return None
    python_only = all(_CONDA_PY.search(s) for s in specs)
    if python_only:
        target = next((s for s in specs if not s.lower().startswith("python")), specs[0])
        reason = "no build of it for this environment's Python" + (f" ({your_python})" if your_python else "")
        return Conflict(
            tool="conda", requirements=specs, move=target.split("->")[0].strip(), reason=reason, kind="python"
        )
    if any("__cuda" in s for s in specs):
        return Conflict(
            tool="conda",
            requirements=specs,
            move=None,
            kind="cuda-driver",
            reason="a package needs a newer CUDA driver (__cuda) than this machine has",
        )
    if any("__glibc" in s for s in specs):
        return Conflict(
            tool="conda",
            requirements=specs,
            move=None,
            kind="glibc",
            reason="a package needs a newer glibc (__glibc) than this machine has",
        )
    pinned = [s for s in specs if "==" in s and "->" not in s]
    move = pinned[0] if pinned else specs[0].split("->")[0].strip()
    return Conflict(
        tool="conda",
        requirements=specs,
        move=move,
        reason="an exact pin that the other specifications cannot follow"
        if pinned
        else "the first specification of the conflicting chain",
    )


def mamba_conflict(lines: Sequence[str]) -> Conflict | None:
    reqs: list[str] = []
    move: str | None = None
    kind = "conflict"
    reason = ""
    for line in lines:
        if m := _MAMBA_CONSTRAINT.match(line):
            reqs.append(f"{m.group('pkg')} needs {m.group('req')} (have {m.group('c')})")
            if "__cuda" in line:
                kind, reason = "cuda-driver", "a package needs a newer CUDA driver (__cuda) than this machine has"
            elif "__glibc" in line:
                kind, reason = "glibc", "a package needs a newer glibc than this machine has"
        elif m := _MAMBA_REQUIRES.match(line):
            reqs.append(f"{m.group('pkg')} needs {m.group('req')}")
            move = move or m.group("pkg")
        elif m := _MAMBA_BOTH.match(line):
            reqs.append(f"cannot install both {m.group('a')} and {m.group('b')}")
            move = move or m.group("a")
        elif m := _MAMBA_NOTHING.match(line):
            reqs.append(
                f"nothing provides {m.group('req')}" + (f" (needed by {m.group('by')})" if m.group("by") else "")
            )
            if kind == "conflict":
                kind = "missing"
            move = move or (m.group("by") or m.group("req"))
        elif line.strip() and not line.lstrip().startswith(("-", "│", "├", "└", "|")) and reqs:
            break
    if not reqs:
        return None
    if kind == "python" or (reqs and all("python" in r.lower() for r in reqs)):
        kind = "python"
    if not reason:
        reason = {
            "missing": (
                "no channel provides these packages for this platform/python "
                "(exported with build strings from another OS?)"
            ),
            "python": "the conflict is the Python version",
        }.get(kind, "these requirements exclude each other")
    return Conflict(tool="libmamba", requirements=reqs, move=move, reason=reason, kind=kind)


def uv_conflict(lines: Sequence[str], header: str = "") -> Conflict | None:
    text = " ".join(line.strip().lstrip("╰─▶│ ").strip() for line in lines)
    if not text:
        return None
    reqs: list[str] = []
    for m in _UV_DEPENDS.finditer(text):
        if m.group("pkg").lower() in ("your", "you", "project"):
            continue
        reqs.append(f"{_strip_markers(m.group('pkg'))} {m.group('ver')} needs {_strip_markers(m.group('req'))}")
    required = [_strip_markers(m.group("req")) for m in _UV_REQUIRE.finditer(text)]
    missing = [_strip_markers(m.group("req")) for m in _UV_NO_VERSION.finditer(text)]
    reqs += [f"you require {r}" for r in required]
    reqs += [f"no version of {r}" for r in missing]
    split = _UV_SPLIT.search(header)
    kind = "conflict"
    reason = "these requirements exclude each other"
    if (
        missing
        and not any(" needs " in r for r in reqs)
        and split
        and re.search(r"sys_platform|platform_machine|platform_system", split.group("split"))
    ):
        kind, reason = "platform", f"no build of {missing[0]} for this platform ({split.group('split')})"
    elif "no wheels with a matching python" in text.lower():
        kind, reason = "python", "no wheel for this Python"
    elif missing and not required and not reqs[: -len(missing) or None]:
        kind, reason = "missing", f"the index has no {missing[0]}"
    move = required[-1] if required else (missing[0] if missing else None)
    if required and any(_name(r) in {_name(x.split(" needs ")[-1]) for x in reqs if " needs " in x} for r in required):
        move = next((r for r in required if not _FRAMEWORK.match(r)), required[-1])
    if not reqs:
        return None
    return Conflict(tool="uv", requirements=reqs, move=move, reason=reason, kind=kind)
