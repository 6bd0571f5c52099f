"""Context facts read from the retained lines of a log: Python version, OS, framework versions.

Only the lines the scanner kept are read (the head and tail of the log, matched lines and the lines
captured after them), so facts cost nothing on a 100 MB log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_V = r"(\d+\.\d+(?:\.\d+)?)"
_PY = r"((?:2\.7|3\.\d{1,2})(?:\.\d+)?)"

# (fact, pattern, priority): higher priority wins when several lines disagree.
_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE | re.MULTILINE), prio)
    for name, pattern, prio in (
        ("python", r"your python:\s*python=" + _PY, 9),
        ("python", r"python\s*version\W{0,12}(?:python\s*)?" + _PY + r"\b", 8),
        ("python", r"\bpython\s+" + _PY + r"\b(?!\s*is\b)", 6),
        ("python", r"\bwith python\s*" + _PY, 6),
        ("python", r"\bpy(?:thon)?\s*=\s*" + _PY, 5),
        ("python", r"lib[/\\]python" + r"(3\.\d{1,2}|2\.7)[/\\](?:site|dist)-packages", 3),
        ("python", r"\bpython(3)(\d{1,2})[\\/]lib\b", 3),
        ("python", r"-cp(3)(\d{1,2})-cp3\d", 2),
        ("tensorflow", r"tensor\s?flow\s*version\W{0,12}(?:tf\s*)?v?(2\.\d+(?:\.\d+)?|1\.\d+(?:\.\d+)?)", 8),
        ("tensorflow", r"\btensorflow(?:-gpu|-cpu|-intel)?\s*(?:==|=|\s)\s*v?(2\.\d+(?:\.\d+)?|1\.\d+(?:\.\d+)?)\b", 6),
        ("tensorflow", r"\btf\s*v?(2\.\d+(?:\.\d+)?)\b", 4),
        ("tensorflow", r"\btensorflow(?:_gpu|-gpu|-intel)?-(2\.\d+\.\d+)[-.]", 4),
        ("torch", r"pytorch version\W{0,6}" + _V, 8),
        ("torch", r"\btorch\s*(?:==|\s)\s*(\d+\.\d+(?:\.\d+)?)", 6),
        ("numpy", r"numpy\s+(2\.\d+\.\d+\w*)\s+as it may crash", 9),
        ("numpy", r"numpy\s*(?:version\W{0,6}|==|\s)\s*(\d+\.\d+\.\d+)", 5),
        ("jax", r"\bjax(?:\s*version)?\s*[:=]+\s*(0\.\d+\.\d+)", 6),
        ("jaxlib", r"\bjaxlib(?: is)?(?: version)?\s*(?:[:=]+|is)?\s*(0\.\d+\.\d+)", 6),
        ("cuda", r"cuda version\W{0,6}" + _V, 6),
        ("driver", r"driver version\W{0,6}(\d{3}\.\d+(?:\.\d+)?)", 6),
        ("glibc", r"ldd \([^)]*\)\s*(2\.\d+)", 6),
        ("available", r"\(from versions:\s*([^)]{0,4000})\)", 6),
    )
)

_OS_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = (  # matched against lowered text
    (
        "windows",
        re.compile(
            r"\b[a-z]:\\|\bwin(?:dows)?\s?(?:7|8|10|11)\b|\bwin32\b|win_amd64|win-64|\bwindows\b|\.dll\b|winerror"
        ),
    ),
    ("macos", re.compile(r"\bmacos\b|\bdarwin\b|\bos ?x\b|macosx_|/users/\w+/|apple (?:m1|m2|silicon)")),
    ("linux", re.compile(r"/home/\w+|/usr/(?:local/)?lib\b|\blinux\b|ubuntu|debian|centos|manylinux|\.so\.\d")),
)


def extract_facts(lines: Iterable[str]) -> dict[str, str]:
    text = "\n".join(lines)
    best: dict[str, tuple[int, str]] = {}
    for name, rx, prio in _PATTERNS:
        match = rx.search(text)
        if not match:
            continue
        groups = [g for g in match.groups() if g]
        if not groups:  # e.g. pip's empty "(from versions: )"
            continue
        value = ".".join(groups) if name == "python" and len(groups) == 2 and "." not in groups[0] else groups[0]
        if name not in best or prio > best[name][0]:
            best[name] = (prio, value)
    facts = {name: value for name, (_prio, value) in best.items()}
    if "available" in facts:  # keep only the newest version pip could see
        seen = [v.strip() for v in facts.pop("available").replace("\n", " ").split(",") if v.strip()]
        if seen and seen[-1] != "none":
            facts["newest_available"] = seen[-1]
    low = text.lower()
    counts = {os_name: len(rx.findall(low)) for os_name, rx in _OS_SIGNALS}
    top = max(counts.items(), key=lambda kv: kv[1])
    if top[1]:
        facts["os"] = top[0]
    return facts


def version_tuple(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


# The machine a log was made on, as knowledge-base platform keys. Read only from phrases that
# describe this machine (paths, an interpreter banner, `uname`, the wheel pip downloads); `None`
# when the log does not show its OS, so callers keep their log-only reading.
_WINDOWS_PROOF = re.compile(r"\b[a-z]:\\|\\scripts\\|\bwin32\b|win_amd64|\bwindows\b|\\appdata\\")
_WSL = re.compile(r"\bwsl2?\b")
_MAC_ARM = re.compile(r"\barm64\b|apple (?:m\d|silicon)|\bm[1-4] (?:pro|max|ultra|chip|mac)|macosx_\d+_\d+_arm64")
_MAC_INTEL = re.compile(
    r"macosx_\d+_\d+_x86_64|\bintel (?:mac|macbook|core|chip|processor|cpu|i\d)\b|\bmacos[ -]intel\b|\bintel[- ]based\b"
    r"|\bx86_64\b|\brosetta\b"
)
_LINUX_ARM = re.compile(r"\baarch64\b|\barm64\b|\bgraviton\b|\bjetson\b|\braspberry ?pi\b")
_LINUX_X86 = re.compile(r"\bx86_64\b|\bamd64\b")


def machine_platforms(lines: Iterable[str], os_name: str | None) -> tuple[str, ...]:
    """The platform keys (linux-x86_64, ..., windows-x86_64) the machine of the log can be, given
    the OS `facts` chose; () when unknown. Two keys when the architecture is not shown."""
    low = "\n".join(lines).lower()
    if os_name == "windows" and _WINDOWS_PROOF.search(low) and not _WSL.search(low):
        return ("windows-x86_64",)
    if os_name == "macos":
        arm, intel = bool(_MAC_ARM.search(low)), bool(_MAC_INTEL.search(low))
        if arm != intel:
            return ("macos-arm64",) if arm else ("macos-x86_64",)
        return ("macos-arm64", "macos-x86_64")
    if os_name == "linux":
        arm, x86 = bool(_LINUX_ARM.search(low)), bool(_LINUX_X86.search(low))
        if arm != x86:
            return ("linux-aarch64",) if arm else ("linux-x86_64",)
        return ("linux-x86_64", "linux-aarch64")
    return ()
