"""Solver conflict extraction: which requirements clash, and which one to move.

Reads the blocks that pip (ResolutionImpossible), conda classic (UnsatisfiableError), mamba /
libmamba ("Encountered problems while solving") and uv (PubGrub "No solution found") print, as
captured by the scanner (the header line plus the lines after it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from envdoctor.explain.model import Conflict
from envdoctor.versions import parse_version

_NO_VERSION = Version("0")  # an unreadable bound sorts lowest

_FRAMEWORK = re.compile(r"^(tensorflow|tf-nightly|torch|jax|jaxlib|keras|tensorflow-\w+)\b", re.IGNORECASE)

_PIP_CONSTRAINT = re.compile(r"^\s*the user requested \(constraint\) ", re.IGNORECASE)
_PIP_USER = re.compile(r"^\s*the user requested (?:\(constraint\) )?(?P<req>\S.*?)\s*$", re.IGNORECASE)
_PIP_DEP = re.compile(r"^\s*(?P<pkg>[\w.\-\[\]]+) (?P<ver>[\w.+!-]+) depends on (?P<req>.+?)\s*$", re.IGNORECASE)
_CONDA_SPEC = re.compile(r"^\s*-\s*(?P<spec>\S.*?)\s*$")
_CONDA_PY = re.compile(r"python\[?\s*(?:version=)?['\"]?[<>=\d.*,|']+|->\s*python\b|^\s*-?\s*python\s*[\d=<>]", re.I)
_YOUR_PY = re.compile(r"your python:\s*python==?(?P<v>[\d.]+)", re.IGNORECASE)
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
# One requirement as uv prints it: a name, an optional marker `{...}` and extras, then the whole
# specifier list, whose commas have no space after them (`numpy>=1.23.5,<2.0.0` is ONE requirement;
# uv's clauses are joined by ", " and " and ").
_OP = r"(?:===|==|!=|>=|<=|~=|>|<)"
# A name starts where no name character precedes it: without the lookbehind a long word is retried
# at each of its characters (quadratic on a 2,000-character line).
_UV_REQ = (
    r"(?<![\w.-])(?P<{g}>[A-Za-z0-9][\w.-]*(?:\{{[^}}]{{0,200}}\}})?(?:\[[^\]]{{0,100}}\])?"
    r"(?:" + _OP + r"[\w.*+!-]+(?:," + _OP + r"[\w.*+!-]+)*)?)"
)
_UV_REQUIRE = re.compile(
    r"(?:you require|your project (?:depends on|requires)|your workspace requires) " + _UV_REQ.format(g="req"), re.I
)
_UV_NO_VERSION = re.compile(r"there is no version of " + _UV_REQ.format(g="req"), re.IGNORECASE)
_UV_DEPENDS = re.compile(
    r"(?:(?:all versions of|only) )?"
    + _UV_REQ.format(g="pkg")
    + r"(?: \(v(?P<ver>[\w.+!-]+)\))? depends? on "
    + _UV_REQ.format(g="req"),
    re.I,
)
_UV_REQUIRES_PYTHON = re.compile(
    r"the (?P<which>requested|current) python version \((?P<have>[^)]{1,40})\) "
    r"does not satisfy python(?P<need>[<>=!~][^ ,]{0,40})",
    re.IGNORECASE,
)
_UV_NO_WHEELS = re.compile(
    _UV_REQ.format(g="req")
    + r" has no wheels with a matching (?P<what>python abi tag|python implementation tag|python version|platform tag)",
    re.IGNORECASE,
)
_UV_NOT_FOUND = re.compile(r"because (?P<name>[A-Za-z0-9][\w.-]*) was not found in the package registry", re.IGNORECASE)
_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)_(\w+?)`")


def _newer_manylinux_only(text: str) -> bool:
    """uv: "no wheels with a matching platform tag (e.g., `manylinux_2_17_x86_64`)" and a hint listing
    `manylinux_2_27_x86_64`: the same architecture, a newer glibc only."""
    low = text.lower()
    at = low.find("no wheels with a matching platform tag")
    if at == -1:
        return False
    wanted = _MANYLINUX.search(low, at)
    hint = low.find("wheels are available for", at)
    if wanted is None or hint == -1:
        return False
    have = (int(wanted.group(1)), int(wanted.group(2)))
    offered = [m for m in _MANYLINUX.finditer(low, hint) if m.group(3) == wanted.group(3)]
    return bool(offered) and all((int(m.group(1)), int(m.group(2))) > have for m in offered)


_PLATFORM_MARKER = re.compile(r"sys_platform|platform_machine|platform_system")
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
    constrained = any(_PIP_CONSTRAINT.match(line) for line in lines)
    agreed = _requests_agree(user) if not deps and constrained else None
    if agreed is not None:
        # pip prints this "conflict" when a package has no candidate at all besides a constraint
        # (a constraints file, /etc/pip.conf): the requests agree, nothing exists to choose from
        return Conflict(
            tool="pip",
            requirements=[f"you requested {u}" for u in user],
            move=agreed,
            reason=f"the requests for {agreed} agree with each other: pip found no release of it to install here",
            kind="missing",
        )
    deps.sort(key=lambda d: not any(_violates(u, d[1]) for u in user))
    reqs = [f"you requested {u}" for u in user] + [f"{who} needs {req}" for who, req in deps]
    move, reason = _choose_pip_move(user, deps)
    return Conflict(tool="pip", requirements=reqs, move=move, reason=reason)


def _requests_agree(user: list[str]) -> str | None:
    """The one package named by every user request when an exact pin among them satisfies all the
    others (`torch==1.13.1` and `(constraint) torch<=2.14.1`): no clash, so no candidate existed."""
    if len(user) < 2 or len({_name(u) for u in user}) != 1:
        return None
    pins = [m.group(1) for u in user if (m := re.match(r"\s*[\w.\-\[\]]+\s*==\s*([\w.+!]+)\s*$", u))]
    if not pins:
        return None
    try:
        pin = Version(pins[0])
        for u in user:
            spec = re.sub(r"^\s*[\w.\-\[\]]+", "", u.split(";")[0]).strip()
            if spec and not SpecifierSet(spec).contains(pin, prereleases=True):
                return None
    except (InvalidSpecifier, InvalidVersion):
        return None
    return _name(user[0])


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", req.strip(), maxsplit=1)[0].lower()


def _violates(pin: str, requirement: str) -> bool | None:
    """Does the exact pin (numpy==1.19.2) fall outside `requirement` (numpy<1.19.0 and >=1.16.0)?"""
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


# conda 4.7+'s legend, printed once (sometimes glued to the next header by a paste)
_CONDA_LEGEND = re.compile(r"output in format: requested package -> available versions", re.IGNORECASE)
_CONDA_GROUP = re.compile(r"^\s*package (?P<pkg>\S+) conflicts for:\s*$", re.IGNORECASE)
_CONDA_HEADER = re.compile(r"specifications were found|^\s*your installed version is", re.IGNORECASE)
# a group's member without a chain: the user's own request (`python=3.10`, `cudatoolkit==11.2`)
_CONDA_BARE = re.compile(r"^\s*[A-Za-z0-9_][\w.\-]*(?:\[[^\]]*\])?(?:[=<>!~]\S*)?\s*$")


@dataclass
class _CondaReport:
    specs: list[str] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)  # conda 4.7+: package -> the chains to it
    your_python: str | None = None


def _conda_report(lines: Sequence[str]) -> _CondaReport:
    report = _CondaReport()
    group: str | None = None
    for raw in lines:
        line = _CONDA_LEGEND.sub("", raw)
        if m := _YOUR_PY.search(line):
            report.your_python = m.group("v")
        if m := _CONDA_GROUP.match(line):
            group = m.group("pkg")
            report.groups.setdefault(group, [])
            continue
        if _CONDA_HEADER.search(line):
            group = None
            continue
        stripped = line.strip()
        m = _CONDA_SPEC.match(line)
        if m:
            if stripped.startswith("- feature"):
                continue  # the machine's virtual packages (__glibc, __cuda), not a request
            spec = m.group("spec")
        elif (stripped and "->" in line and not stripped.lower().startswith(("if python", "when python"))) or (
            group is not None and _CONDA_BARE.match(line)
        ):
            spec = stripped  # a chain, or a group's bare request
        else:
            continue
        report.specs.append(spec)
        if group is not None:
            report.groups[group].append(spec)
    return report


_PY_ALTERNATIVES = re.compile(r"python\[version='(?P<alts>[^']{1,2000})'\]", re.IGNORECASE)
_LOWER = re.compile(r">=?\s*(\d+(?:\.\d+)*)")
_UPPER = re.compile(r"<=?\s*(\d+(?:\.\d+)*)")


_BUILDS_AROUND = "for Pythons older and newer than this environment's"


def python_blamed_wrongly(conflict: Conflict) -> bool:
    """Whether a conflict is conda's python report whose builds surround the environment's Python
    (`conda_conflict` read it as a clash of specs, not as the Python)."""
    return conflict.tool == "conda" and conflict.kind == "conflict" and _BUILDS_AROUND in conflict.reason


def _builds_around(chains: Sequence[str], your: str) -> bool:
    """Whether the python ranges conda lists for a package hold one wholly below and one wholly
    above `your` Python: a release's builds cover a run of Pythons without a gap, so a Python in
    the middle of that run was excluded by something else."""
    mine = parse_version(".".join(your.split(".")[:2]))
    if mine is None:
        return False
    below = above = False
    for chain in chains:
        for match in _PY_ALTERNATIVES.finditer(chain):
            for alt in match.group("alts").split("|"):
                low, high = _LOWER.search(alt), _UPPER.search(alt)
                low_v = parse_version(low.group(1)) if low else None
                high_v = parse_version(high.group(1)) if high else None
                if low_v is not None and low_v > mine:
                    above = True
                if high_v is not None and high_v <= mine:
                    below = True
    return below and above


_PYTHON_PIN = re.compile(r"^python\s*={1,2}\s*(?P<version>\d+\.\d+)(?:\.[\d*]+)?$", re.IGNORECASE)
_DIRECT_PYTHON = re.compile(r"^[^-\s][^>]*?\s*->\s*python\[version='(?P<alts>[^']{1,2000})'\]$", re.IGNORECASE)


def _pinned_python(specs: Sequence[str]) -> str | None:
    """The `python==3.6` the request pins, as major.minor."""
    return next((m.group("version") for s in specs if (m := _PYTHON_PIN.match(s.strip()))), None)


def _conda_range_holds(alternatives: str, python: str) -> bool | None:
    """Whether conda's `2.7.*|>=3.6,<3.7.0a0|3.4` admits `python` (major.minor); None when unreadable."""
    wanted = Version(f"{python}.0")
    for alt in alternatives.split("|"):
        parts = []
        for part in alt.split(","):
            part = part.strip()
            if re.fullmatch(r"\d+(?:\.\d+)*(?:\.\*)?", part):  # a bare version: that release line
                part = "==" + (part if part.endswith("*") else part + ".*")
            parts.append(part)
        try:
            if SpecifierSet(",".join(parts)).contains(wanted, prereleases=True):
                return True
        except InvalidSpecifier:
            return None
    return False


def _every_direct_range_holds(chains: Sequence[str], python: str) -> bool:
    """Whether each package's own python range (a one-step chain `imageio==2.1.2 -> python[...]`)
    admits the pinned Python, with at least one such chain: then no requested package lacks builds
    for it, and the longer chains (its dependencies' ranges) are where the pins clash."""
    direct = [m.group("alts") for c in chains if c.count("->") == 1 and (m := _DIRECT_PYTHON.match(c.strip()))]
    return bool(direct) and all(_conda_range_holds(alts, python) is True for alts in direct)


def _head(chain: str) -> str:
    return chain.split("->")[0].strip()


def _only_end(virtual: str, specs: Sequence[str]) -> bool:
    """Whether the chains of a flat conflict list (conda < 4.7) end in `virtual` (`__cuda`) and in
    nothing else: when others end in cudnn, nccl or pypy too, the virtual package is one dependency
    among those the specs disagree on, not the machine's limit."""
    ends = {re.split(r"[\[=<>! ]", spec.rpartition("->")[2].strip(), maxsplit=1)[0] for spec in specs if "->" in spec}
    return virtual in ends and ends == {virtual}


def conda_conflict(lines: Sequence[str]) -> Conflict | None:
    report = _conda_report(lines)
    specs = report.specs
    if not specs:
        return None
    packages = [g for g in report.groups if not g.startswith("__")]
    python_only = packages == ["python"] if packages else all(_CONDA_PY.search(s) for s in specs)
    if python_only:
        chains = report.groups.get("python") or specs
        target = next((s for s in chains if not s.lower().startswith("python")), chains[0])
        your = report.your_python
        if your and _builds_around(chains, your):
            reason = (
                f"the channels have builds of {_head(target)} {_BUILDS_AROUND} ({your}), so its Python is not "
                "why: another requested spec excludes the builds for it (conda's classic report then blames python)"
            )
            return Conflict(tool="conda", requirements=specs, move=None, reason=reason, kind="conflict")
        python_pin = _pinned_python(specs)
        if python_pin and _every_direct_range_holds(chains, python_pin):
            reason = (
                f"every package asked for has builds for the python=={python_pin} pinned beside it: the pins clash "
                "through their dependencies, not with the Python"
            )
            return Conflict(tool="conda", requirements=specs, move=None, reason=reason, kind="conflict")
        reason = "no build of it for this environment's Python" + (f" ({your})" if your else "")
        return Conflict(tool="conda", requirements=specs, move=_head(target), reason=reason, kind="python")
    if _only_end("__cuda", specs) and not packages:
        return Conflict(
            tool="conda",
            requirements=specs,
            move=None,
            kind="cuda-driver",
            reason="a package needs a newer CUDA driver (__cuda) than this machine has",
        )
    if _only_end("__glibc", specs) and not packages:
        return Conflict(
            tool="conda",
            requirements=specs,
            move=None,
            kind="glibc",
            reason="a package needs a newer glibc (__glibc) than this machine has",
        )
    clash = next((g for g in packages if g != "python"), None)
    if clash is not None:
        # conda 4.7+ names the package the requests disagree on and each request's chain to it
        heads = list(dict.fromkeys(_head(c) for c in report.groups[clash]))
        pinned = [h for h in heads if "=" in h]
        return Conflict(
            tool="conda",
            requirements=heads,
            move=pinned[0] if pinned else heads[0],
            reason=f"these need {clash} in versions no build shares",
        )
    pinned = [s for s in specs if "==" in s and "->" not in s]
    move = pinned[0] if pinned else _head(specs[0])
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


# libmamba's problem tree (conda >= 23.10, mamba >= 1.4), each node one line:
#   ├─ cvnn is installable and it requires
#   │  └─ tensorflow >=2.0  with the potential options
#   │     ├─ tensorflow [2.0.0|2.1.0] would require
#   │     │  └─ python 3.6.* , which can be installed;
#   └─ pin-1 is not installable because it requires
#      └─ python 3.11.* , which conflicts with any installable versions previously reported.
_TREE_NODE = re.compile(r"^[\s│|]*[├└]─+\s*(?P<body>\S.*?)\s*[;.]?\s*$")
_TREE_LEAF = re.compile(
    r"^(?P<spec>.+?)\s*,?\s*which (?P<how>conflicts with any installable versions previously reported"
    r"|does not exist|is missing on the system|can be installed|cannot be installed|requires)",
    re.IGNORECASE,
)
_TREE_ROOT_MISSING = re.compile(r"^(?P<spec>\S+(?: [^ ]+)?)\s+does not exist", re.IGNORECASE)
_TREE_ROOT = re.compile(
    r"^(?P<spec>\S.*?)\s+is (?:requested and can be installed|installable|not installable|uninstallable|installed)\b",
    re.IGNORECASE,
)
_TREE_PIN = re.compile(r"^(?P<pin>pin[-_]\d+) is not installable because it requires", re.IGNORECASE)
_PINNED = re.compile(r"^\s*-\s*(?P<spec>\S.*?)\s*\(labell?ed as '(?P<pin>pin[-_]\d+)'\)", re.IGNORECASE)


def _spec_name(spec: str) -> str:
    return re.split(r"[\s\[=<>!~*]", spec.strip(), maxsplit=1)[0].lower()


def mamba_tree(lines: Sequence[str]) -> Conflict | None:
    """libmamba's problem tree read whole: the leaves that clash ("conflicts with any installable
    versions previously reported"), that no channel has ("does not exist (perhaps a missing
    channel)") or that the machine lacks ("__cuda ... is missing on the system")."""
    clash: list[str] = []
    absent: list[str] = []
    system: list[str] = []
    roots_absent: list[str] = []
    roots: list[str] = []
    pins: dict[str, str] = {}
    pinned_python = False
    for raw in lines:
        pinned = _PINNED.match(raw)
        if pinned:
            pins[pinned.group("pin").lower()] = pinned.group("spec")
            continue
        node = _TREE_NODE.match(raw)
        if node is None:
            continue
        body = node.group("body")
        if _TREE_PIN.match(body):
            pinned_python = True
            continue
        leaf = _TREE_LEAF.match(body)
        if leaf:
            spec = re.sub(r"\s+\*\s*$", "", leaf.group("spec").strip()).rstrip(" ,")
            how = leaf.group("how").lower()
            if how.startswith("conflicts"):
                clash.append(spec)
            elif how == "does not exist":
                absent.append(spec)
            elif how.startswith("is missing"):
                system.append(spec)
            continue
        root = _TREE_ROOT_MISSING.match(body)
        if root and "would require" not in body:
            roots_absent.append(root.group("spec").strip())
            continue
        asked = _TREE_ROOT.match(body)
        if asked and not asked.group("spec").lower().startswith("pin"):
            roots.append(re.sub(r"\s+\*\s*$", "", asked.group("spec").strip()))
    if not (clash or absent or system or roots_absent):
        return None
    clash = list(dict.fromkeys(clash))
    absent = list(dict.fromkeys(absent))
    reqs = [f"{c} clashes with what else is asked" for c in clash[:4]]
    reqs += [f"asked for {r}" for r in dict.fromkeys(roots) if clash][:4]
    newest = max(absent, key=lambda a: [int(x) for x in re.findall(r"\d+", a)[:4]], default=None)
    shown = absent[:3] + ([newest] if newest and newest not in absent[:3] else [])
    reqs += [f"no channel has {a}" for a in shown]
    reqs += [f"{r} is not in the channels" for r in roots_absent[:4]]
    reqs += [f"{v} is missing on this machine" for v in system[:2]]
    if any(v.startswith("__cuda") for v in system):
        reason = "a package needs an NVIDIA driver (__cuda), and conda found none on this machine"
        return Conflict("libmamba", reqs, None, reason, "no-cuda")
    if any(v.startswith("__glibc") for v in system + clash):
        reason = "a package needs a newer glibc (__glibc) than this machine has"
        return Conflict("libmamba", reqs, None, reason, "glibc")
    if clash and all(_spec_name(c) == "python" for c in clash):
        pin = next((v for v in pins.values() if _spec_name(v) == "python"), None)
        reason = "no build of the requested packages for this environment's Python" + (f" ({pin})" if pin else "")
        return Conflict("libmamba", reqs, pin or clash[0], reason, "python")
    if (absent or roots_absent) and not clash:
        names = list(dict.fromkeys(_spec_name(a) for a in absent + roots_absent))
        reason = "no configured channel has " + ", ".join(names[:3]) + " (for this platform, or at all)"
        return Conflict("libmamba", reqs, names[0], reason, "missing")
    move = clash[0] if clash else None
    if clash:  # the user's own request for the clashing name is what to move (numpy 1.21.* vs >=1.23.5)
        move = next((r for r in roots if _spec_name(r) == _spec_name(clash[0])), move)
    if pinned_python and not clash:
        move = next(iter(pins.values()), None)
    return Conflict("libmamba", reqs, move, "these requirements exclude each other", "conflict")


def _uv_text(lines: Sequence[str]) -> str:
    """uv's explanation as one text: box drawing and wrapping removed (a wrapped requirement is
    joined back), hints kept."""
    parts = [line.strip().lstrip("╰─▶│ ").strip() for line in lines]
    return " ".join(p for p in parts if p)


def uv_conflict(lines: Sequence[str], header: str = "") -> Conflict | None:
    """uv's PubGrub explanation, read whole: every "X depends on Y", "you require Z", "there is no
    version of W" and "has no wheels with a matching ..." clause, each requirement with all its bounds."""
    text = _uv_text(lines)
    if not text:
        return None
    reqs: list[str] = []
    needs: list[tuple[str, str]] = []
    for m in _UV_DEPENDS.finditer(text):
        pkg = m.group("pkg")
        if pkg.lower() in ("your", "you", "project", "it", "this"):
            continue
        who = _strip_markers(pkg) + (f" {m.group('ver')}" if m.group("ver") else "")
        needs.append((who, _strip_markers(m.group("req"))))
    required = list(
        dict.fromkeys(
            _strip_markers(m.group("req"))
            for m in _UV_REQUIRE.finditer(text)
            if not text[max(0, m.start() - 20) : m.start()].rstrip().endswith("conclude that")  # uv's own inference
            and m.group("req").lower() not in ("cpython", "python", "pypy")  # the hint's "You require CPython 3.13"
        )
    )
    missing = list(dict.fromkeys(_strip_markers(m.group("req")) for m in _UV_NO_VERSION.finditer(text)))
    no_wheels = [(m.group("req"), m.group("what").lower()) for m in _UV_NO_WHEELS.finditer(text)]
    python = _UV_REQUIRES_PYTHON.search(text)
    reqs += [f"{who} needs {req}" for who, req in dict.fromkeys(needs)]
    reqs += [f"you require {r}" for r in required]
    reqs += [f"no version of {r}" for r in missing]
    reqs += [f"{_strip_markers(r)} has no wheels with a matching {what}" for r, what in no_wheels]
    if python:
        reqs.append(f"the Python ({python.group('have')}) does not satisfy Python{python.group('need')}")
    if not reqs:
        return None
    split = _UV_SPLIT.search(header)
    not_found = _UV_NOT_FOUND.search(text)
    kind = "conflict"
    reason = "these requirements exclude each other"
    move = required[-1] if required else (missing[0] if missing else None)
    # uv's "requested Python version" is a range both for `--python-version 3.9` (read as >=3.9: the
    # Python asked for) and for a project's requires-python (a pin in pyproject.toml: a conflict
    # to move); the project's shows in its hint, its split, or "your project"
    project = "requires-python" in text.lower() or "your project" in text.lower() or bool(_UV_SPLIT.search(header))
    project_range = (
        project
        and python is not None
        and python.group("which").lower() == "requested"
        and bool(_RANGE.match(python.group("have")))
    )
    if project_range and python is not None:
        # uv's "requested Python version" as a range is the project's requires-python: a pin the user
        # wrote, which a dependency's own requires-python excludes in part: move it
        kind, move = "conflict", "requires-python"
        reason = (
            f"the project's requires-python ({python.group('have')}) admits Pythons a requirement does not "
            f"support (it needs Python{python.group('need')}): raise requires-python"
        )
    elif (
        python or any("python" in what for _r, what in no_wheels) or "no wheels with a matching python" in text.lower()
    ):
        kind, reason = "python", "no release fits this Python"
        if python:
            reason = f"a requirement needs Python{python.group('need')}, and the Python is {python.group('have')}"
    elif no_wheels and _newer_manylinux_only(text):
        kind, reason = (
            "glibc",
            "wheels exist for this architecture, but only for a newer manylinux (glibc) than this one",
        )
    elif no_wheels:
        kind, reason = "platform", f"no wheel of {_strip_markers(no_wheels[0][0])} for this platform"
    elif not_found is not None and not needs:
        kind, reason = "not-found", f"{not_found.group('name')} is not on the index (a typo, or a private index)"
    elif missing and not needs and split and _PLATFORM_MARKER.search(split.group("split")):
        kind, reason = "platform", f"no build of {missing[0]} for this platform ({split.group('split')})"
    elif missing and not needs:
        kind, reason = "missing", f"the index has no {missing[0]}"
    else:
        move, reason = _uv_move(required, needs) or (move, reason)
    return Conflict(tool="uv", requirements=reqs, move=move, reason=reason, kind=kind)


_RANGE = re.compile(r"^\s*(?:>=|>|<|<=|~=|!=)")


def _uv_move(required: list[str], needs: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The user's requirement that a dependency's own requirement excludes: move it into that range
    (or move the package asking, when the user pinned a framework)."""
    for req in required:
        name = _name(req)
        against = [(who, need) for who, need in needs if _name(need) == name]
        if against:
            who, need = against[0]
            if _FRAMEWORK.match(req) and not _FRAMEWORK.match(who):
                return who.split()[0], f"it needs {need}, which the requested {req} excludes"
            return req, f"{who} needs {need}"
    # two packages need different ranges of one dependency
    by_dep: dict[str, list[tuple[str, str]]] = {}
    for who, need in needs:
        by_dep.setdefault(_name(need), []).append((who, need))
    for dep, needers in by_dep.items():
        if len({n for _w, n in needers}) >= 2:
            non_fw = [w for w, _n in needers if not _FRAMEWORK.match(w)]
            target = (non_fw[0] if non_fw else needers[-1][0]).split()[0]
            ranges = "; ".join(f"{w} needs {n}" for w, n in needers[:4])
            return target, f"they need different {dep} versions ({ranges})"
    return None


_POETRY_RANGE = re.compile(r"supported python range \((?P<range>[^)]{1,60})\)", re.IGNORECASE)
_POETRY_NEEDS = re.compile(
    r"^\s*-\s*(?P<pkg>[A-Za-z0-9][\w.-]*) requires python (?P<need>[^,]+(?:, ?[<>=!~][^,]+)*?), so it will not",
    re.IGNORECASE,
)
_POETRY_HINT = re.compile(r"set the `python` property to \"(?P<range>[^\"]{1,60})\"", re.IGNORECASE)


def poetry_python_range(lines: Sequence[str], header: str = "") -> Conflict | None:
    """Poetry's "The current project's supported Python range (>=3.10,<4.0) is not compatible with
    some of the required packages Python requirement": the project's range, each dependency's
    Requires-Python, and the range that fits them (Poetry's own hint when shown, else the project's
    lower bound with the lowest upper bound the dependencies set)."""
    project = _POETRY_RANGE.search(header or (lines[0] if lines else ""))
    needs: dict[str, str] = {}
    hint = None
    for line in lines:
        if m := _POETRY_NEEDS.match(line):
            needs.setdefault(m.group("pkg"), m.group("need").replace(" ", ""))
        if m := _POETRY_HINT.search(line):
            hint = hint or m.group("range")
    if not needs:
        return None
    fits = hint
    if fits is None and project is not None:
        lows = [s for s in project.group("range").split(",") if s.strip().startswith(">")]
        uppers = [s for need in needs.values() for s in need.split(",") if s.strip().startswith("<")]
        top = min(uppers, key=lambda s: parse_version(s.lstrip("<=").strip()) or _NO_VERSION, default=None)
        fits = ",".join([*lows[:1], *([top] if top else [])]) or None
    requirements = [f"{pkg} requires Python {need}" for pkg, need in needs.items()]
    where = f"the project's python range ({project.group('range')})" if project else "the project's python range"
    reason = f"{where} reaches Pythons {', '.join(needs)} has no release for"
    fix = (
        f'set the project\'s python range to "{fits}" in pyproject.toml (`python` under '
        "[tool.poetry.dependencies], or `requires-python` in [project]), then run `poetry lock`"
        if fits
        else ""
    )
    return Conflict(tool="poetry", requirements=requirements, move=where, reason=reason, kind="python", fix=fix)


def conda_not_found(lines: Sequence[str]) -> Conflict | None:
    """conda's PackagesNotFoundError list: the specs no channel has a build of for this subdir."""
    specs: list[str] = []
    for line in lines:
        m = _CONDA_SPEC.match(line)
        if m:
            specs.append(m.group("spec"))
        elif specs and line.strip():
            break  # the list ends at its first other line ("Current channels:")
    if not specs:
        return None
    return Conflict(
        tool="conda",
        requirements=specs,
        move=_head(specs[0]),
        reason="no build of it in these channels for this platform",
        kind="missing",
    )


def _conda_block(lines: Sequence[str], _header: str) -> Conflict | None:
    return conda_conflict(lines)


def _conda_python_block(lines: Sequence[str], _header: str) -> Conflict | None:
    no_build = Conflict(tool="conda", kind="python", reason="no build for this environment's Python")
    return conda_conflict(lines) or no_build


# The solver block each signature captures, and the parser that reads it: the one place that
# knows which tool printed which block (extract's `_conflicts` walks the captured blocks once).
BLOCK_PARSERS: dict[str, Callable[[Sequence[str], str], Conflict | None]] = {
    "solver/pip-caused-by": lambda lines, _header: pip_conflict(lines),
    "solver/pip-user-requested": lambda lines, header: pip_conflict([header, *lines]),
    "solver/conda-conflict": _conda_block,
    "solver/conda-packages-not-found": lambda lines, _header: conda_not_found(lines),
    "solver/conda-in-conflict": _conda_block,
    "solver/conda-in-conflict-compact": _conda_block,
    "solver/conda-python": _conda_python_block,
    "solver/mamba-problems": lambda lines, _header: mamba_conflict(lines),
    "solver/mamba-tree": lambda lines, _header: mamba_tree(lines),
    "solver/uv-no-solution": lambda lines, header: uv_conflict(lines, header=header),
    "solver/poetry-python-range": lambda lines, header: poetry_python_range(lines, header=header),
}


def parse_block(signature_id: str, lines: Sequence[str], header: str = "") -> Conflict | None:
    """The conflict a captured solver block states, read by its tool's parser (None: not a solver block)."""
    parser = BLOCK_PARSERS.get(signature_id)
    return parser(lines, header) if parser is not None else None
