# ruff: noqa: E501  (data: the readers' regexes read better unwrapped)
"""The fact extractor: the lines a scanner kept -> `LogFacts`.

One small reader per kind of fact, each a linear regex over single lines (at most a few thousand
lines of at most `MAX_LINE_CHARS` characters reach here, whatever the size of the log). A reader
only reads what a line states about *this* machine or environment: a wheel pip downloads names this
machine's tags, a wheel a resolver skipped names someone else's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from envdoctor.explain import conflicts as conflict_parsers
from envdoctor.explain import wheelhistory
from envdoctor.explain.logfacts import (
    ErrorLine,
    Installed,
    Library,
    Located,
    LogFacts,
    Mismatch,
    Offered,
    PathFact,
    Requested,
)
from envdoctor.explain.model import Evidence
from envdoctor.explain.paths import STDLIB_PATH, classify_prefix, path_tokens
from envdoctor.explain.scanner import Scanner
from envdoctor.explain.wheeltag import manylinux_glibc, wheel_platform

Numbered = Sequence[tuple[int, str]]

_PY = r"((?:2\.7|3\.\d{1,2})(?:\.\d{1,3})?)"
_VERSION = r"\d+(?:\.\d+){0,3}(?:[a-z]+\d*)?(?:\.post\d+)?(?:\+[\w.]+)?"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip().lower())


# ---- the Python version ---------------------------------------------------------------------
# (priority, pattern): the highest priority wins; on a tie the first line.
_PYTHON_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = tuple(  # matched against lowered text
    (prio, re.compile(pattern))
    for prio, pattern in (
        (9, r"your python:\s*python=" + _PY),
        (9, r"using (?:c|pypy)?python " + _PY + r"\S* (?:interpreter|environment) at"),
        (9, r"(?m)^\W{0,4}using (?:c|pypy)?python " + _PY + r"[\w.+]*\s*$"),  # uv init / venv / add
        (8, r"\buv (?:init|venv|add|sync|run|lock|pip \w+)\b[^\n]{0,200}?--python[ =]" + _PY + r"\b"),
        (
            9,
            r"\b(?:pip3?|uv pip|python\d?(?:\.\d+)? -m pip) (?:install|download|compile)\b[^\n]{0,300}?--python-version[ =]"
            + _PY,
        ),
        (8, r"python\s*version\W{0,12}(?:is\s+)?(?:python\s*)?" + _PY + r"\b"),
        (8, r"version\s*(?:of\s*)?python\W{0,4}" + _PY + r"\b"),
        (8, r"(?m)^\W{0,4}python:?\s+((?:2\.7|3\.\d{1,2})\.\d{1,3})\S*\s*(?:\(|\||$)"),
        (6, r"\bpython:?\s+" + _PY + r"\b(?!\s*is\b)(?![\w.]*\s*(?:and|or|to)\s+(?:above|later|newer|higher))"),
        (6, r"\bwith python\s*" + _PY),
        (5, r"\bpy(?:thon)?\s*=\s*" + _PY),
        (4, r"lib[/\\]python" + r"(3\.\d{1,2}|2\.7)t?[/\\](?:site|dist)-packages"),
        (4, r"\bpython(3)(\d{1,2})[\\/]lib\b"),
        (3, r"[/\\]bin[/\\]python(3\.\d{1,2})\b"),
    )
)

# A wheel this machine chose (downloaded, cached, installed): its tags are this machine's.
_OWN_WHEEL_RE = re.compile(
    r"(?:downloading|using cached|processing|saved|installing|obtaining|file was already downloaded)\s"
    r"[^\s]*?([\w.]+)-(\d[\w.+!]*)-(cp\d{2,3}|pp\d{2,3}|py\d{1,2})-(cp\d{2,3}[a-z]?|abi3|none|pypy\w*)-([\w.]+?)\.whl",
    re.IGNORECASE,
)


def having(lines: Numbered, keywords: tuple[str, ...], follow: int = 0) -> list[tuple[int, str]]:
    """The lines whose lowered text holds one of `keywords` (and the `follow` lines after each):
    a regex runs only where its literal words are, so the readers cost little on any log."""
    out: list[tuple[int, str]] = []
    taken = -1
    for index, (_number, line) in enumerate(lines):
        low = line.lower()
        if any(k in low for k in keywords):
            for extra in range(max(index, taken + 1), min(len(lines), index + 1 + follow)):
                out.append(lines[extra])
                taken = extra
    return out


def _joined(lines: Numbered) -> tuple[str, list[int]]:
    """The kept lines as one text (issue templates put a value on the line after its heading), and
    the line number of each line of it."""
    return "\n".join(line for _, line in lines), [n for n, _ in lines]


def _line_of(text: str, numbers: list[int], pos: int) -> tuple[int, str]:
    index = text.count("\n", 0, pos)
    start = text.rfind("\n", 0, pos) + 1
    stop = text.find("\n", pos)
    return numbers[min(index, len(numbers) - 1)], text[start : stop if stop != -1 else len(text)]


def _python(lines: Numbered, facts: LogFacts) -> None:
    shown, numbers = _joined(having(lines, ("py",), follow=2))
    text = shown.lower()
    shown = shown if len(shown) == len(text) else text
    best: tuple[int, int, str, str] | None = None  # (prio, -line, value, text)
    for prio, rx in _PYTHON_PATTERNS:
        if best is not None and prio <= best[0]:
            continue
        match = rx.search(text)
        if match:
            groups = [g for g in match.groups() if g]
            value = ".".join(groups) if len(groups) == 2 and "." not in groups[0] else groups[0]
            number, line = _line_of(shown, numbers, match.start())
            best = (prio, -number, value, line)
    for tag, located in facts.abi_tags.items():
        if tag.startswith("cp") and (best is None or best[0] < 7):
            digits = tag[2:].rstrip("m")
            best = (7, -located.line, f"{digits[0]}.{digits[1:]}", located.text)
    if best is not None:
        facts.python = Located(best[2], -best[1], best[3])


# uv names this machine's own most specific tag: "has no wheels with a matching platform tag (e.g.,
# `manylinux_2_27_x86_64`)" (its glibc too, for manylinux)
_UV_OWN_TAG = re.compile(r"matching platform tag \(e\.g\., `(?P<tag>[\w.]+)`\)", re.IGNORECASE)


def _machine_tag(tag: str, number: int, line: str, facts: LogFacts) -> None:
    """A platform tag that is this machine's own: its OS, architecture, bitness (and glibc)."""
    plat = wheel_platform(tag)
    if plat.os is None:
        return
    facts.machine_signs.append(Located(f"wheel for {tag}", number, line))
    if plat.bits == 32:
        facts.bits = 32
    elif facts.bits is None:
        facts.bits = 64
    if plat.key and plat.key not in facts.platforms:
        facts.platforms = (*facts.platforms, plat.key)
    if not facts.os:
        facts.os = plat.os
        facts.os_evidence.append(Evidence(number, line, "fact/wheel-platform"))


def _own_wheels(lines: Numbered, facts: LogFacts) -> None:
    for number, line in having(lines, ("matching platform tag",)):
        own = _UV_OWN_TAG.search(line)
        if own:
            tag = own.group("tag").lower()
            _machine_tag(tag, number, line, facts)
            glibc = manylinux_glibc(tag)
            if glibc and facts.glibc is None:
                facts.glibc = Located(f"{glibc[0]}.{glibc[1]}", number, line)
            break
    for number, line in lines:
        if ".whl" not in line.lower():
            continue
        for match in _OWN_WHEEL_RE.finditer(line):
            py, abi, plat = match.group(3).lower(), match.group(4).lower(), match.group(5).lower()
            facts.own_wheels.setdefault(normalise(match.group(1)), Located(match.group(2), number, line))
            if py.startswith("cp"):
                facts.abi_tags.setdefault(py, Located(py, number, line))
            elif abi.startswith("cp"):
                facts.abi_tags.setdefault(abi, Located(abi, number, line))
            _machine_tag(plat, number, line, facts)


# ---- OS and architecture --------------------------------------------------------------------
_OS_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = (  # matched against lowered lines
    (
        "windows",
        re.compile(
            r"\b[a-z]:\\|\bwin(?:dows)?\s?(?:7|8|10|11)\b|\bwin32\b|win_amd64|win-64|\bwindows\b|\.dll\b|winerror"
            r"|\\appdata\\|\\scripts\\|\.exe\b"
        ),
    ),
    (
        "macos",
        re.compile(
            r"\bmacos\b|\bmacbook|\bdarwin\b|\bos ?x\b|macosx_|/users/\w+/|apple (?:m\d|silicon)|osx-(?:arm)?64"
            # the word "mac" (also after CJK text, which \b does not bound), not a MAC address
            r"|(?<![a-z0-9_])mac(?![a-z0-9_]|\s*(?:address|addr)\b)"
        ),
    ),
    (
        "linux",
        re.compile(
            r"/home/\w+|/usr/(?:local/)?lib\b|\blinux\b|ubuntu|debian|centos|manylinux|\.so\.\d|/opt/conda|linux-64"
            r"|/root/|\bwsl2?\b"
        ),
    ),
)
# Lines about wheels for other machines: pip -v's skipped links, a wheel refused or only offered.
_OTHER_MACHINES = re.compile(
    r"skipping link|none of the wheel's tags|is not a supported wheel|only has wheels|wheels are available for"
    r"|with the following (?:platform|python abi) tags|has no wheels? (?:with|for)",
    re.IGNORECASE,
)
_WINDOWS_PROOF = re.compile(r"\b[a-z]:\\|\\scripts\\|\bwin32\b|win_amd64|\bwindows\b|\\appdata\\")
_WSL = re.compile(r"\bwsl2?\b")
_MAC_ARM = re.compile(
    r"\barm64\b|(?:apple|macbook(?: pro| air)?|mac mini|imac)\s+m[1-4]\b|apple (?:m\d|silicon)|\bm[1-4] (?:pro|max|ultra|chip|mac)|macosx_\d+_\d+_arm64|osx-arm64"
)
_MAC_INTEL = re.compile(
    r"macosx_\d+_\d+_x86_64|\bintel (?:mac|macbook|core|chip|processor|cpu|i\d)\b|\bmacos[ -]intel\b|\bintel[- ]based\b"
    r"|\bx86_64\b|\brosetta\b|osx-64\b"
)
_LINUX_ARM = re.compile(r"\baarch64\b|\barm64\b|\bgraviton\b|\bjetson\b|\braspberry ?pi\b|linux-aarch64")
_LINUX_X86 = re.compile(r"\bx86_64\b|\bamd64\b|linux-64\b")
# What a log says about *this machine* that no wheel exists for (never lists of skipped wheels).
_MACHINE_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        (
            "a 32-bit Python",
            r"\b32 bit \((?:intel|x86)\)|\bpython3?\d{1,2}-32\b|\b32-bit python|\bpython[^\n]{0,20}\b32[- ]?bits?\b",
        ),
        ("a 32-bit or ARM Linux", r"\b(?:i[3-6]86|armv[67]l|armhf)\b(?! wheels)"),
        ("musl libc (Alpine Linux)", r"\balpine(?:\d+(?:\.\d+)*)?\b|\bmusl\b"),  # alpine3.11: an image tag
        # piwheels.org is the index Raspberry Pi OS configures pip with ("Looking in indexes: ..., piwheels")
        ("an ARM board (Raspberry Pi / Jetson)", r"\braspberry ?pi\b|\braspbian\b|\bjetson\b|\bpiwheels\.org\b"),
        ("Intel (x86_64) macOS", r"(?:downloading|using cached|you're on macos)[^\n]*macosx_\d+_\d+_x86_64"),
        ("Rosetta (x86_64 Python on Apple silicon)", r"\brosetta\b"),
    )
)
# A 64-bit interpreter: Python's banner (`[MSC v.1933 64 bit (AMD64)]`), `64-bit` said of Python.
_BITS64 = re.compile(r"\b64 bit \(amd64\)|\(64-bit\)|\b64-bit (?:python|runtime)|python[^\n]{0,30}\b64[- ]bit\b", re.I)
_OS_WORDS = (
    ":\\",
    "win",
    "\\scripts\\",
    ".dll",
    ".exe",
    "appdata",
    "mac",
    "darwin",
    "os x",
    "osx",
    "/users/",
    "apple",
    "/home/",
    "/usr/",
    "linux",
    "ubuntu",
    "debian",
    "centos",
    ".so.",
    "/opt/conda",
    "/root/",
    "wsl",
)
_MACHINE_WORDS = (
    "32",
    "64",
    "86",
    "armv",
    "armhf",
    "alpine",
    "musl",
    "raspberr",
    "jetson",
    "piwheels",
    "macosx_",
    "rosetta",
    "glibc",
    "ldd ",
)
_ARCH_WORDS = (
    ":\\",
    "scripts",
    "win",
    "appdata",
    "wsl",
    "arm",
    "aarch",
    "x86",
    "amd64",
    "intel",
    "apple",
    " m1",
    " m2",
    " m3",
    " m4",
    "rosetta",
    "graviton",
    "jetson",
    "raspberr",
    "osx-",
    "linux-64",
    "macosx_",
)
# The glibc each distribution release ships (its package repositories): a log naming the distribution
# names its glibc.
_DISTRO_GLIBC: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), glibc)
    for pattern, glibc in (
        (r"\bcent ?os(?: linux)?(?: release)? ?6(?:\.\d+)?\b|\brhel ?6\b|\bel6\b", "2.12"),
        (
            r"\bcent ?os(?: linux)?(?: release)? ?7\b|\brhel ?7\b|\bel7\b|red hat enterprise linux (?:server )?(?:release )?7\b",
            "2.17",
        ),
        (
            r"\bcent ?os(?: linux| stream)?(?: release)? ?8\b|\brhel ?8\b|\bel8\b|\brocky ?(?:linux )?8\b|\balma ?(?:linux )?8\b",
            "2.28",
        ),
        (r"\bubuntu ?(?:14\.04|trusty)\b", "2.19"),
        (r"\bubuntu ?(?:16\.04|xenial)\b|linux mint 18\b", "2.23"),
        (r"\bubuntu ?(?:18\.04|bionic)\b|linux mint 19\b", "2.27"),
        (r"\bubuntu ?(?:20\.04|focal)\b|linux mint 20\b", "2.31"),
        (r"\bubuntu ?(?:22\.04|jammy)\b", "2.35"),
        (r"\bubuntu ?(?:24\.04|noble)\b", "2.39"),
        (r"\bubuntu ?12\.04\b", "2.15"),
        (r"\bdebian ?(?:gnu/linux )?(?:8|jessie)\b", "2.19"),
        (r"\bdebian ?(?:gnu/linux )?(?:9|stretch)\b", "2.24"),
        (r"\bdebian ?(?:gnu/linux )?(?:10|buster)\b", "2.28"),
        (r"\bdebian ?(?:gnu/linux )?(?:11|bullseye)\b", "2.31"),
        (r"\bdebian ?(?:gnu/linux )?(?:12|bookworm)\b", "2.36"),
        (r"\bdebian ?(?:gnu/linux )?(?:7|wheezy)\b", "2.13"),
        (r"\bamazon linux 2\b(?!0)", "2.26"),
    )
)
_GLIBC_RE = re.compile(r"ldd \([^)]*\)\s*(2\.\d+)|\bglibc (?:version )?(2\.\d+)\b(?! not found)", re.IGNORECASE)


_PIP_PLATFORM = re.compile(
    r"\b(?:pip3?|python\d?(?:\.\d+)? -m pip) (?:install|download)\b[^\n]{0,300}?--platform[ =](?P<tag>[\w.]+)",
    re.IGNORECASE,
)


# uv's `--python-platform` targets (its documented aliases and triples) as the wheel tag they select
_UV_PLATFORM = re.compile(
    r"\buv pip (?:install|compile|sync)\b[^\n]{0,300}?--python-platform[ =](?P<tag>[\w.-]+)", re.I
)
_UV_TARGET_TAG = {
    "windows": "win_amd64",
    "x86_64-pc-windows-msvc": "win_amd64",
    "i686-pc-windows-msvc": "win32",
    "aarch64-pc-windows-msvc": "win_arm64",
    "macos": "macosx_11_0_arm64",
    "aarch64-apple-darwin": "macosx_11_0_arm64",
    "x86_64-apple-darwin": "macosx_10_9_x86_64",
    "linux": "manylinux2014_x86_64",
    "x86_64-unknown-linux-gnu": "manylinux2014_x86_64",
    "aarch64-unknown-linux-gnu": "manylinux2014_aarch64",
}


def _asked_platform(line: str) -> str | None:
    """The wheel platform tag pip (`--platform`) or uv (`--python-platform`) was told to fetch for."""
    tag = _PIP_PLATFORM.search(line)
    if tag:
        return tag.group("tag")
    target = _UV_PLATFORM.search(line)
    if target is None:
        return None
    value = target.group("tag").lower()
    manylinux = re.match(r"(x86_64|aarch64)-(manylinux_\d+_\d+)$", value)
    return f"{manylinux.group(2)}_{manylinux.group(1)}" if manylinux else _UV_TARGET_TAG.get(value)


def _machine(lines: Numbered, facts: LogFacts) -> None:
    for number, line in having(lines, ("--platform", "--python-platform")):
        tag = _asked_platform(line)
        if tag:  # pip / uv was told which platform to fetch for: that is the platform no wheel fits
            facts.machine_signs.append(Located(f"the platform pip was asked for ({tag})", number, line))

    counts = {name: 0 for name, _ in _OS_SIGNALS}
    first: dict[str, Evidence] = {}
    low_lines = [(n, line.lower()) for n, line in having(lines, _OS_WORDS) if not _OTHER_MACHINES.search(line)]
    for number, low in low_lines:
        for name, rx in _OS_SIGNALS:
            found = len(rx.findall(low))
            if found:
                counts[name] += found
                first.setdefault(name, Evidence(number, low, "fact/os"))
    top = max(counts.items(), key=lambda kv: kv[1])
    if not facts.os and top[1]:
        facts.os = top[0]
        facts.os_evidence.append(first[top[0]])
    for number, line in having(lines, _MACHINE_WORDS):
        for label, rx in _MACHINE_SIGNS:
            if rx.search(line):
                facts.machine_signs.append(Located(label, number, line))
                if label == "a 32-bit Python":
                    facts.bits = 32
        if facts.bits is None and _BITS64.search(line):
            facts.bits = 64
        glibc = _GLIBC_RE.search(line)
        if glibc and facts.glibc is None:
            facts.glibc = Located(glibc.group(1) or glibc.group(2), number, line)
    for number, line in having(
        lines,
        ("centos", "rhel", "el6", "el7", "el8", "red hat", "rocky", "alma", "ubuntu", "mint", "debian", "amazon linux"),
    ):
        # a log naming several releases ("works on 24.04, fails on 20.04"): the oldest is the one a
        # binary's glibc can be too new for
        for rx, version in _DISTRO_GLIBC:
            if rx.search(line) and (
                facts.distro_glibc is None or version_tuple(version) < version_tuple(facts.distro_glibc.value)
            ):
                facts.distro_glibc = Located(version, number, line)
    if facts.glibc is None:
        facts.glibc = facts.distro_glibc
    if facts.platforms:
        return
    low = "\n".join(text.lower() for _, text in having(lines, _ARCH_WORDS))
    if facts.os == "windows" and _WINDOWS_PROOF.search(low) and not _WSL.search(low):
        facts.platforms = ("windows-x86_64",)
    elif facts.os == "macos":
        arm, intel = bool(_MAC_ARM.search(low)), bool(_MAC_INTEL.search(low))
        facts.platforms = (
            ("macos-arm64",)
            if arm and not intel
            else ("macos-x86_64",)
            if intel and not arm
            else ("macos-arm64", "macos-x86_64")
        )
    elif facts.os == "linux":
        arm, x86 = bool(_LINUX_ARM.search(low)), bool(_LINUX_X86.search(low))
        facts.platforms = (
            ("linux-aarch64",)
            if arm and not x86
            else ("linux-x86_64",)
            if x86 and not arm
            else ("linux-x86_64", "linux-aarch64")
        )


# ---- tools and their versions ---------------------------------------------------------------
_TOOL_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "pip",
            r"^\s*(?:error: )?(?:collecting |requirement already satisfied|could not find a version that satisfies"
            r"|no matching distribution found|successfully installed|installing collected packages"
            r"|error: resolutionimpossible|error: cannot install|pip's dependency resolver|\[notice\].*\bpip\b)"
            r"|\bpip3? install\b|\bpip \d+(?:\.\d+)+ from\b",
        ),
        (
            "uv",
            r"no solution found when resolving|^\s*[╰│]─*▶|\buv (?:pip|add|sync|lock|venv)\b|^resolved \d+ packages? in",
        ),
        ("libmamba", r"libmamba|could not solve for environment specs|encountered problems while solving|\bmamba\b"),
        (
            "conda",
            r"unsatisfiableerror|solving environment|collecting package metadata|packagesnotfounderror|\bconda (?:install|create|env)\b",
        ),
        ("traceback", r"^\s*traceback \(most recent call last\)"),
        (
            "tensorflow",
            r"\btensorflow/(?:core|compiler|stream_executor|tsl)|external/(?:local_)?(?:xla|tsl)|\bimport tensorflow\b",
        ),
        ("pytorch", r"\btorch[/\\](?:cuda|_c|lib|__init__)|\bimport torch\b|\btorch\.cuda\b"),
        ("jax", r"\bjax\._src\b|\bjaxlib\b|\bimport jax\b"),
    )
)
_TOOL_WORDS = (
    "collecting",
    "requirement",
    "matching distribution",
    "successfully installed",
    "installing collected",
    "resolutionimpossible",
    "cannot install",
    "resolver",
    "pip",
    "uv ",
    "solution found",
    "─",
    "resolved",
    "mamba",
    "could not solve",
    "problems while solving",
    "unsatisfiable",
    "solving environment",
    "package metadata",
    "packagesnotfound",
    "conda",
    "traceback",
    "tensorflow",
    "external/",
    "torch",
    "jax",
)
_TOOL_KEYS = {
    "pip": (
        "collecting",
        "requirement",
        "matching distribution",
        "successfully installed",
        "installing collected",
        "resolutionimpossible",
        "cannot install",
        "resolver",
        "pip",
    ),
    "uv": ("solution found", "─", "uv ", "resolved"),
    "libmamba": ("mamba", "could not solve", "problems while solving"),
    "conda": ("unsatisfiable", "solving environment", "package metadata", "packagesnotfound", "conda"),
    "traceback": ("traceback",),
    "tensorflow": ("tensorflow", "external/"),
    "pytorch": ("torch",),
    "jax": ("jax",),
}
_TOOL_VERSION: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("pip", r"\bpip (\d+(?:\.\d+)+) from\b"),
        ("pip", r"a new release of pip(?: is)? available:?\s*(\d+(?:\.\d+)+)\s*->"),
        ("pip", r"you are using pip version (\d+(?:\.\d+)+)"),
        ("pip", r"^\W*pip(?: version)?\s*[:=]{0,2}\s*(\d+\.\d+(?:\.\d+)?)\s*$"),  # an issue form's "Pip version 22.1.2"
        ("uv", r"^\s*uv (\d+\.\d+\.\d+)\b"),
        ("conda", r"conda version\s*:\s*(\d+(?:\.\d+)+)|^\s*conda (\d+\.\d+\.\d+)\s*$"),
        ("libmamba", r"libmamba version\s*:\s*(\d+(?:\.\d+)+)|^\s*mamba (\d+\.\d+\.\d+)\s*$"),
    )
)


# a uv command the user ran: its project commands own the environment (`uv add` is how it changes)
_UV_COMMAND = re.compile(r"(?:^|[\s$>#%`'\"(])uv (?P<verb>pip (?:install|sync)|add|sync|lock|run)\b", re.IGNORECASE)


def _installer(lines: Numbered, facts: LogFacts) -> None:
    for number, line in having(lines, ("uv ",)):
        match = _UV_COMMAND.search(line)
        if match is None:
            continue
        project = not match.group("verb").lower().startswith("pip")
        if facts.installer is None or (project and facts.installer.value == "uv"):
            facts.installer = Located("uv-project" if project else "uv", number, line)
    if facts.installer is None and "uv" in facts.tools and "pip" not in facts.tools:
        facts.installer = Located("uv", facts.tools["uv"].line, facts.tools["uv"].text)


def _tools(lines: Numbered, facts: LogFacts) -> None:
    for number, line in having(lines, _TOOL_WORDS):
        low = line.lower()
        for name, rx in _TOOL_SIGNS:
            if name not in facts.tools and any(k in low for k in _TOOL_KEYS[name]) and rx.search(line):
                facts.tools[name] = Located(name, number, line)
        for name, rx in _TOOL_VERSION:
            if name not in facts.tool_versions:
                match = rx.search(line)
                if match:
                    facts.tool_versions[name] = Located(next(g for g in match.groups() if g), number, line)
    _installer(lines, facts)


# ---- the day a log was written -----------------------------------------------------------------
_PIP_NEWER = re.compile(
    r"new release of pip(?: is)? available:?\s*(?P<old>\d+(?:\.\d+)+)\s*->\s*(?P<new>\d+(?:\.\d+)+)"
    r"|using pip version (?P<old2>\d+(?:\.\d+)+)[;,]? however,? version (?P<new2>\d+(?:\.\d+)+) is available",
    re.IGNORECASE,
)
# Phrasings that date the pip that printed them (read from pip's own source): (words, regex, the
# first pip that prints it, the last pip that prints it).
_PIP_TELLS: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    # pip < 19.1 joined an empty list as "(from versions: )"; 19.1 on print "(from versions: none)"
    ("from versions: )", re.compile(r"\(from versions:\s*\)", re.IGNORECASE), "", "19.0.3"),
    # pip 22.0 on: the rich subprocess error ("× python setup.py egg_info did not run successfully.")
    ("did not run successfully", re.compile(r"did not run successfully\.", re.IGNORECASE), "22.0", ""),
)
# A pip older than the one that changed a phrasing stays in use for years (distributions ship it):
# such a log is dated before the change plus this many years.
OLD_PIP_YEARS = 3
_STAMP = re.compile(r"^\W{0,3}(?P<day>20(?:1[5-9]|2\d)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))[ t]\d\d:\d\d")
_EXTRA_INDEX = re.compile(
    r"looking in (?:indexes: \S+,|links: )|--extra-index-url\b|--find-links\b|\s-f\s+https?://|--index-url\s+https?://(?!pypi)",
    re.IGNORECASE,
)


# An OS release the log names dates it: no one reports from a release not out yet (betas run a few
# months ahead, hence the margin). (pattern, the release day) or a pattern whose groups are the day.
OS_BETA_MONTHS = 4
# A framework's release candidate named in a log (`Tensorflow 2.0.0rc0`) is in use until its final
# release, and rarely this much longer
PRERELEASE_YEARS = 1
_FRAMEWORK_PRERELEASE = re.compile(
    r"\b(?P<name>tensorflow|torch|jaxlib|jax)(?:-gpu|-cpu)?\s*(?:version\s*)?(?:==|=|:|\s)\s*v?"
    r"(?P<final>\d+\.\d+\.\d+)(?:rc|a|b|\.dev)\d+\b",
    re.IGNORECASE,
)
_OS_RELEASED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), day)
    for pattern, day in (
        (r"\bwindows[ -]?11\b", "2021-10-05"),
        (r"\bmac ?os(?: x)? ?(?:11\b|big sur)", "2020-11-12"),
        (r"\bmac ?os(?: x)? ?(?:12\b|monterey)", "2021-10-25"),
        (r"\bmac ?os(?: x)? ?(?:13\b|ventura)", "2022-10-24"),
        (r"\bmac ?os(?: x)? ?(?:14\b|sonoma)", "2023-09-26"),
        (r"\bmac ?os(?: x)? ?(?:15\b|sequoia)", "2024-09-16"),
        (r"\bmac ?os(?: x)? ?10\.15\b|\bcatalina\b", "2019-10-07"),
        (r"\bmac ?os(?: x)? ?10\.14\b|\bmojave\b", "2018-09-24"),
        (r"\bubuntu[ -]?(?P<year>1[6-9]|2\d)\.(?P<month>04|10)\b", ""),  # Ubuntu YY.MM is its own date
    )
)


def _os_day(line: str) -> str | None:
    """The day of the newest OS release a line names, moved back by the beta margin."""
    days = []
    for rx, day in _OS_RELEASED:
        for match in rx.finditer(line):
            days.append(day or f"20{match.group('year')}-{match.group('month')}-01")
    if not days:
        return None
    newest = max(days)
    months = int(newest[:4]) * 12 + int(newest[5:7]) - 1 - OS_BETA_MONTHS
    return f"{months // 12:04d}-{months % 12 + 1:02d}-01"


def _era(lines: Numbered, facts: LogFacts) -> None:
    """The day a log was written, from the tool releases it names and its timestamps: pip's
    "A new release of pip is available: 23.3.1 -> 24.0" puts it between 24.0 and the next pip."""

    def later(day: str, found: Located) -> None:
        if facts.era_from is None or day > facts.era_from.value:
            facts.era_from = Located(day, found.line, found.text)

    def sooner(day: str, found: Located) -> None:
        if facts.era_until is None or day < facts.era_until.value:
            facts.era_until = Located(day, found.line, found.text)

    for tool in ("pip", "uv"):
        version = facts.tool_versions.get(tool)
        if version is not None:
            day = wheelhistory.tool_day(tool, version.value)
            if day:
                later(day, version)
    for number, line in having(lines, ("release of pip", "pip version")):
        match = _PIP_NEWER.search(line)
        if match:
            newest = match.group("new") or match.group("new2")
            here = Located(newest, number, line)
            day = wheelhistory.tool_day("pip", newest)
            if day:
                later(day, here)
            until = wheelhistory.tool_next_day("pip", newest)
            if until:
                sooner(until, here)
    for words, rx, first, last in _PIP_TELLS:
        for number, line in having(lines, (words,)):
            if not rx.search(line):
                continue
            here = Located(words, number, line)
            if first:
                day = wheelhistory.tool_day("pip", first)
                if day:
                    later(day, here)
            if last:
                day = wheelhistory.tool_next_day("pip", last)
                if day:
                    sooner(f"{int(day[:4]) + OLD_PIP_YEARS:04d}{day[4:]}", here)
            break
    for number, line in lines:
        if line[:1].isdigit() or line[:2].lstrip("[ ")[:1].isdigit():
            stamp = _STAMP.match(line)
            if stamp:
                day = stamp.group("day")
                later(day, Located(day, number, line))
                next_month = f"{int(day[:4]) + (day[5:7] == '12'):04d}-{int(day[5:7]) % 12 + 1:02d}-01"
                sooner(next_month, Located(day, number, line))
                break
    for number, line in having(lines, ("windows", "mac", "ubuntu", "catalina", "mojave")):
        day = _os_day(line)
        if day:
            later(day, Located(day, number, line))
    for number, line in having(lines, ("tensorflow", "torch", "jax")):
        pre = _FRAMEWORK_PRERELEASE.search(line)
        final = wheelhistory.release(pre.group("name").lower(), pre.group("final")) if pre else None
        if pre is not None and final is not None and final.uploaded:
            # a release candidate in use: the log is from before its final release, give or take a year
            year, rest = int(final.uploaded[:4]) + PRERELEASE_YEARS, final.uploaded[4:]
            sooner(f"{year:04d}{rest}", Located(pre.group(0), number, line))
            break
    for number, line in having(lines, ("looking in", "index-url", "find-links", " -f ")):
        if _EXTRA_INDEX.search(line):
            facts.extra_index = Located("extra index", number, line)
            break


# ---- what the user says fixed it -----------------------------------------------------------------
# An affirmative statement of what solved the problem or what it was, in the user's words.
_RESOLVED = re.compile(
    r"\b(?:solved|fixed|resolved|(?:it |this |that |everything )?works? (?:now|fine now|again)|working (?:now|again)"
    r"|turned out|the (?:fix|solution|cause|culprit|problem|issue) (?:was|is)|(?:problem|issue) (?:was|is)"
    r"|caused by|(?:was|is) due to|(?:was|is) because of|problem of|(?:this|that|it) helped|fixes it|workaround)\b",
    re.IGNORECASE,
)
_NOT_RESOLVED = re.compile(
    r"\b(?:not|no|never|still|tried|trying|doesn't|didn't|does not|did not|won't|unable|cannot|can't|nothing|neither"
    r"|without|if|whether|maybe|perhaps|might|could)\b|n't\b|\?",
    re.IGNORECASE,
)
# What a remedy (or a named cause) in such a statement points at: the cause table's own fixes.
_REMEDY_CAUSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (cause, re.compile(pattern, re.IGNORECASE))
    for cause, pattern in (
        (
            "msvc-runtime-missing",
            r"visual c\+\+|\bvc\+\+|\bvc ?runtime|vc_?redist|\bmsvc|redistributable|msvcp1\d\d|vcruntime",
        ),
        (
            "numpy",
            r"\bnumpy\s*(?:<|==|=|version)\s*[12]|\bnumpy<2|\b(?:downgrad|pin)\w* (?:the )?numpy|\bnumpy 1\.\d+|older numpy",
        ),
        ("protobuf-mismatch", r"\bprotobuf\b|protocol_buffers"),
        ("keras-version-mismatch", r"tf[-_]keras|tf_use_legacy_keras|\bkeras\s*(?:==|=|version)?\s*2\.|legacy keras"),
        ("env-leakage", r"\bpythonpath\b|pythonnousersite|\.local[/\\]lib|\buser[- ]site\b"),
        (
            "wrong-interpreter",
            r"\bipykernel\b|kernel ?spec|\b(?:right|correct|proper) (?:interpreter|kernel|python)\b|python -m pip"
            r"|sys\.executable|wrong (?:python|interpreter|kernel)|different (?:python|interpreter)",
        ),
        ("windows-long-paths", r"long ?paths?\b|longpathsenabled|path length|260 char"),
        (
            "driver-too-old",
            r"(?:updat|upgrad|install|reinstall)\w* (?:the |my )?(?:latest )?(?:nvidia |gpu |graphics )?drivers?\b"
            r"|newer (?:nvidia |gpu )?driver",
        ),
        (
            "cuda-libs-missing",
            r"install\w* (?:the )?(?:cudnn|cuda toolkit|cuda libraries)|ld_library_path|\[and-cuda\]",
        ),
        (
            "cuda-version-mismatch",
            r"(?:matching|same|compatible|correct|right) (?:version of )?(?:cuda|cudnn)\b|(?:downgrad|upgrad)\w* (?:the )?(?:cuda|cudnn)\b",
        ),
        ("cpu-instructions", r"\bavx2?\b|(?:old|older|newer|new) cpu\b"),
        (
            "python-unsupported",
            r"(?:downgrad|upgrad)\w* (?:the |my )?python\b|(?:use|using|switch\w* to|install\w*|with) python ?3\.\d+"
            r"|64[- ]bit python|python version",
        ),
        ("platform-unsupported", r"\bwsl2?\b|\brosetta\b|apple silicon build|arm64 python"),
        (
            "mixed-pip-conda",
            # "(re)install it with conda" is a remedy; "what's installed with conda" describes the env
            r"conda install\w* instead|(?<!what's )(?<!what is )(?<!that's )(?:re)?install\w* (?:it |them |\w+ )?"
            r"(?:with|using|via|through) conda\b|instead of pip"
            r"|conda (?:and|with|vs\.?) pip|pip (?:and|with|vs\.?) conda",
        ),
        ("network-or-index", r"\bproxy\b|\bvpn\b|certificate|trusted-host|\bmirror\b|firewall"),
        ("package-removed", r"instead of (?:tensorflow-gpu|sklearn|tf-nightly-gpu)|scikit-learn instead"),
        ("glibc-too-old", r"\bglibc\b|newer (?:os|distro|linux|ubuntu|centos)"),
        (
            "dependency-version-mismatch",
            r"(?:upgrad|downgrad|updat|pin)\w* (?:the )?(?:typing[-_]extensions|ml[-_]dtypes|jaxlib|wrapt|setuptools"
            r"|urllib3|pydantic|transformers|huggingface[-_]hub|torchvision|torchaudio|scipy|h5py)\b",
        ),
        (
            "no-gpu-visible",
            r"cuda_visible_devices|(?:the )?(?:gpu|cuda) (?:version|build|wheel) of (?:torch|pytorch|tensorflow)",
        ),
    )
)
_SENTENCE = re.compile(r"(?<=[.!;])\s+(?=[A-Z(])|\s+-\s+")
_RESOLUTION_WORDS = (
    "solved",
    "fixed",
    "resolved",
    "work",
    "turned out",
    "problem",
    "issue",
    "the fix",
    "solution",
    "cause",
    "due to",
    "because",
    "helped",
    "workaround",
)


def _resolutions(lines: Numbered, facts: LogFacts) -> None:
    """The user's own statement of what fixed it ("solved by installing the Visual C++ redistributable",
    "the problem was PYTHONPATH"), read for the one cause the remedy it names belongs to. Tried fixes,
    questions and hedged guesses are not statements."""
    for number, line in having(lines, _RESOLUTION_WORDS):
        if len(line) > 2000:
            continue
        for sentence in _SENTENCE.split(line):
            if not _RESOLVED.search(sentence) or _NOT_RESOLVED.search(sentence):
                continue
            named = [cause for cause, rx in _REMEDY_CAUSES if rx.search(sentence)]
            if len(named) == 1:
                facts.resolutions.append((named[0], Located(named[0], number, line)))
                break


# ---- what the user says is installed, and where the code runs --------------------------------------
_CLAIMED = re.compile(
    r"\bi(?:'ve| have)? (?:already |successfully )?(?:pip3? |conda )?install(?:ed)? (?P<a>[A-Za-z][\w.-]{1,60})"
    r"|\b(?P<b>[A-Za-z][\w.-]{1,60}) is (?:already |definitely |clearly )?installed\b"
    r"|(?<![a-z0-9_])(?:pip3?|conda) (?:list|show|freeze)\s*(?:shows?|says|lists?|has|contains|includes|有|中有|里有|显示有?)\s*"
    r"(?:that )?(?P<c>[A-Za-z][\w.-]{1,60})",
    re.IGNORECASE,
)
_IDE = re.compile(r"\bvs ?code\b|visual studio code|\bpycharm\b|\bspyder\b|\bidle\b|\bsublime\b", re.IGNORECASE)
_NOT_A_PACKAGE = frozenset(
    {"it", "the", "them", "this", "that", "all", "everything", "python", "with", "and", "pip", "via"}
)


def _claims(lines: Numbered, facts: LogFacts) -> None:
    for number, line in having(lines, ("install", "pip list", "pip show", "pip freeze", "conda list")):
        for match in _CLAIMED.finditer(line):
            name = match.group("a") or match.group("b") or match.group("c")
            if name and name.lower() not in _NOT_A_PACKAGE:
                facts.claimed.append(Located(normalise(name), number, line))
    for number, line in having(lines, ("code", "pycharm", "spyder", "idle", "sublime")):
        if _IDE.search(line):
            facts.ide.append(Located("ide", number, line))
            break


# ---- requests, offered versions, installed distributions -------------------------------------
_REQ_TOKEN = r"""['"]?(?P<req>[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]\s]*\])?(?:\s*(?:===|==|~=|!=|<=|>=|<|>)\s*[\w.*+!-]+(?:\s*,\s*(?:===|==|~=|!=|<=|>=|<|>)\s*[\w.*+!-]+)*)?)['"]?"""
_PIP_NO_VERSION = re.compile(
    r"(?:c|\b)ould not find a version that satisfies the requirement " + _REQ_TOKEN + r"(?P<rest>[^\n]*)", re.IGNORECASE
)
_PIP_NO_DIST = re.compile(r"no matching distribution found for " + _REQ_TOKEN, re.IGNORECASE)
_PIP_YANKED = re.compile(
    r"the candidate selected for download or install is a yanked version: '(?P<name>[\w.-]+)' candidate", re.IGNORECASE
)
_FROM_VERSIONS = re.compile(r"\(from versions:\s*([^)]{0,8000})\)", re.IGNORECASE)
_UV_REQUEST = re.compile(
    r"distribution `(?P<dist>[A-Za-z0-9][\w.-]*==[\w.+!-]+)|because (?P<because>[A-Za-z0-9][\w.-]*==[\w.+!-]+) has no\b"
    r"|failed to (?:build|prepare|download|fetch) `(?P<built>[A-Za-z0-9][\w.-]*==[\w.+!-]+)`"
    r"|(?:running setup\.py (?:install|bdist_wheel|egg_info|develop) for|building wheel for|failed building wheel for) (?P<setup>[A-Za-z0-9][\w.-]*)",
    re.IGNORECASE,
)
_UV_NO_VERSION = re.compile(r"no compatible version found for:?\s+`?(?P<name>[A-Za-z0-9][\w.-]*)", re.IGNORECASE)
_COLLECTING = re.compile(r"^\s*collecting " + _REQ_TOKEN, re.IGNORECASE)
# an install command, after a shell prompt (`$ `, `(env) C:\x>`, busybox's `/ # `), a backquote, `&&` or `;`
_INSTALL_CMD = re.compile(
    r"(?:^\s*(?:\([\w.-]+\)\s*)?(?:[\w@.:~/\\-]{0,300} ?[$>#%]\s*|!|%|ps [^>]{0,200}>\s*)?|`+\s*|&&\s*|;\s*)(?P<sudo>sudo (?:-[HE] )*)?(?P<tool>(?:[^\s`]{0,300}[\\/])?(?:python\d?(?:\.\d+)?(?:\.exe)? -m )?pip\d?(?:\.\d+)?(?:\.exe)?|uv pip|conda|mamba|micromamba|uv)"
    r" (?:install|add)\b(?P<args>[^\n|;&]{0,600})",
    re.IGNORECASE,
)
_SPLIT_REQ = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?(?P<spec>.*)$")
_ALREADY = re.compile(
    r"requirement already satisfied:\s*(?P<name>[A-Za-z0-9][\w.-]*)(?:\[[^\]]*\])?[^\s]*\s+in\s+(?P<where>.+?)"
    r"(?:\s+\(from [^)]*\))?(?:\s+\((?P<ver>\d[\w.+!-]*)\))?\s*$",
    re.IGNORECASE,
)
_SUCCESS = re.compile(r"successfully installed\s+(?P<list>.+)$", re.IGNORECASE)
_DIST_NAME = re.compile(r"[A-Za-z][\w.-]{0,80}")
_PIP_CHECK = re.compile(
    r"(?<![\w.-])(?P<pkg>[A-Za-z0-9][\w.-]{0,100}) (?P<ver>\d[\w.+!-]{0,60}) (?:requires|has requirement) (?P<req>[^\n]{1,300}?), but you(?: have|'ll have) "
    r"(?P<dep>[A-Za-z0-9][\w.-]*) (?P<depver>\d[\w.+!-]*) which is incompatible",
    re.IGNORECASE,
)
_LISTED = re.compile(
    r"^[\s`>]*(?P<name>[A-Za-z][\w.-]*)\s{2,}(?P<ver>\d+(?:\.\d+)+[\w.+!-]*)(?:\s+(?P<build><pip>|[\w.+!-]+))?(?:\s+(?P<channel><pip>|[\w./:-]+))?[\s`]*$"
)
_REPLACED = re.compile(r"(?:found existing installation|attempting uninstall):\s*(?P<name>[A-Za-z0-9][\w.-]*)", re.I)
_SHOW_NAME = re.compile(r"^\s*name:\s*(?P<name>[A-Za-z][\w.-]*)\s*$", re.IGNORECASE)
_SHOW_VERSION = re.compile(r"^\s*version:\s*(?P<ver>\d[\w.+!-]*)\s*$", re.IGNORECASE)


_POETRY_NO_CANDIDATE = re.compile(
    r"unable to find installation candidates for (?P<name>[A-Za-z0-9][\w.-]*) \((?P<version>[\w.+!]+)\)", re.IGNORECASE
)


def _requirement(token: str, number: int, line: str, source: str) -> Requested | None:
    token = token.strip().strip("'\"`,;)")
    match = _SPLIT_REQ.match(token)
    if not match:
        return None
    spec = re.sub(r"\s+", "", match.group("spec"))
    return Requested(normalise(match.group("name")), spec, number, line, source)


def _requests(lines: Numbered, facts: LogFacts) -> None:
    seen: set[tuple[str, str, str]] = set()

    def add(req: Requested | None) -> None:
        if req is not None and (req.name, req.spec, req.source) not in seen:
            seen.add((req.name, req.spec, req.source))
            facts.requests.append(req)

    for position, (number, line) in enumerate(lines):
        low = line.lower()
        if "satisfies the requirement" in low:
            match = _PIP_NO_VERSION.search(line)
            read_on, shown = position + 1, line
            if match is None and low.rstrip().endswith("satisfies the requirement") and read_on < len(lines):
                # the requirement itself wrapped onto the next line (a terminal's width)
                line = f"{line.rstrip()} {lines[read_on][1].strip()}"
                match = _PIP_NO_VERSION.search(line)
                read_on += 1
            if match:
                req = _requirement(match.group("req"), number, shown, "pip-error")
                add(req)
                rest = match.group("rest")
                if "(from versions:" in rest.lower() and ")" not in rest.split("(from versions:", 1)[-1]:
                    # pip's list wrapped onto the next lines (a terminal's width): read on to the ")"
                    for follow_number, follow in lines[read_on : position + 40]:
                        if follow_number - number > 40:
                            break
                        rest += " " + follow
                        if ")" in follow:
                            break
                offered = _FROM_VERSIONS.search(rest)
                if req is not None and offered:
                    versions = tuple(
                        v.strip()
                        for v in offered.group(1).replace("\n", " ").split(",")
                        if v.strip() and v.strip() != "none"
                    )
                    facts.offered.append(Offered(req.name, versions, number, shown))
        if "no matching distribution found for" in low:
            match = _PIP_NO_DIST.search(line)
            if match:
                add(_requirement(match.group("req"), number, line, "pip-error"))
        if "is a yanked version" in low:
            # pip takes a yanked release only when no other release installs here (PEP 592): the same
            # failure as "no matching distribution", for every release not yanked
            yanked = _PIP_YANKED.search(line)
            if yanked:
                add(Requested(normalise(yanked.group("name")), "", number, line, "pip-error"))
        if "distribution `" in low or " has no " in low or "failed to " in low or " for " in low:
            for match in _UV_REQUEST.finditer(line):
                if match.group("setup"):
                    add(_requirement(match.group("setup"), number, line, "build"))
                    continue
                token = match.group("dist") or match.group("because") or match.group("built")
                add(_requirement(token, number, line, "uv"))
        if "unable to find installation candidates for" in low:
            # Poetry: no file of that release installs here (its wheels are for other machines)
            poetry = _POETRY_NO_CANDIDATE.search(line)
            if poetry:
                add(_requirement(f"{poetry.group('name')}=={poetry.group('version')}", number, line, "poetry"))
        if "no compatible version found for" in low:
            # uv's resolver (`-v`): the package it found no version of; the spec is the one asked for
            uv = _UV_NO_VERSION.search(line)
            if uv:
                name = normalise(uv.group("name"))
                spec = next((r.spec for r in facts.requests if r.name == name and r.spec), "")
                add(Requested(name, spec, number, line, "uv"))
        if low.lstrip().startswith("collecting "):
            match = _COLLECTING.search(line)
            if match:
                add(_requirement(match.group("req"), number, line, "collecting"))
        if " install" in low or " add" in low:
            for match in _INSTALL_CMD.finditer(line):
                facts.install_commands.append(Located(match.group(0).strip(), number, line))
                for token in match.group("args").split():
                    if token.startswith(("-", "/", ".")) or "://" in token or token.endswith((".txt", ".yml")):
                        continue
                    add(_requirement(token, number, line, "command"))


_FROZEN = re.compile(r"^\s*(?P<name>[A-Za-z][\w.-]*)==(?P<ver>\d[\w.+!-]*)\s*$")
# uv's summary of what it changed: " + numpy==2.0.0" installed, " - numpy==1.26.4" removed, " ~ x==1" reinstalled
_UV_CHANGE = re.compile(r"^\s{0,2}(?P<op>[+~-]) (?P<name>[A-Za-z][\w.-]*)==(?P<ver>\d[\w.+!-]*)\s*$")


def _installed(lines: Numbered, facts: LogFacts) -> None:
    def put(name: str, version: str, where: str, number: int, line: str) -> None:
        key = normalise(name)
        known = facts.installed.get(key)
        if known is None or (not known.version and version):
            facts.installed[key] = Installed(key, version, where, number, line)

    show_name: tuple[str, int] | None = None
    freezing = False  # inside the output of `pip freeze` (pins there are installed, not asked for)
    by_uv = "uv" in facts.tools or facts.installer is not None
    for number, line in lines:
        low = line.lower()
        changed = _UV_CHANGE.match(line) if by_uv else None
        if changed:
            if changed.group("op") == "-":
                facts.replaced.append(Located(normalise(changed.group("name")), number, line))
            else:
                put(changed.group("name"), changed.group("ver"), "", number, line)
            continue
        pinned = _FROZEN.match(line) if freezing else None
        if pinned:
            put(pinned.group("name"), pinned.group("ver"), "", number, line)
            continue
        freezing = "pip freeze" in low or "pip3 freeze" in low or "--format=freeze" in low
        if "already satisfied" in low:
            match = _ALREADY.search(line)
            if match:
                put(match.group("name"), match.group("ver") or "", match.group("where").strip(), number, line)
        if "successfully installed" in low:
            match = _SUCCESS.search(line)
            if match:
                # a quoted line ends at its quote ("... (as shown as "Successfully installed x y")")
                tokens = re.split(r"[\"'`)]", match.group("list"), maxsplit=1)[0].split()
                versioned = [(n, v) for n, _, v in (t.rpartition("-") for t in tokens) if n and v[:1].isdigit()]
                for name, version in versioned:
                    put(name, version, "", number, line)
                if not versioned:
                    for token in tokens:  # pip < 1.5 named the packages without versions
                        if _DIST_NAME.fullmatch(token):
                            put(token, "", "", number, line)
        if "which is incompatible" in low:
            for match in _PIP_CHECK.finditer(line):
                put(match.group("pkg"), match.group("ver"), "", number, line)
                put(match.group("dep"), match.group("depver"), "", number, line)
                facts.mismatches.append(
                    Mismatch(
                        normalise(match.group("pkg")),
                        match.group("ver"),
                        match.group("req").strip(),
                        normalise(match.group("dep")),
                        match.group("depver"),
                        number,
                        line,
                    )
                )
        listed = _LISTED.match(line)
        if listed and not low.lstrip().startswith(("python ", "cuda ", "driver ")):
            put(listed.group("name"), listed.group("ver"), listed.group("channel") or "", number, line)
            where = " ".join(g for g in (listed.group("build"), listed.group("channel")) if g)
            facts.listed.append((normalise(listed.group("name")), listed.group("ver"), where, number, line))
        if "existing installation" in low or "attempting uninstall" in low:
            gone = _REPLACED.search(line)
            if gone:
                facts.replaced.append(Located(normalise(gone.group("name")), number, line))
        name = _SHOW_NAME.match(line)
        if name:
            show_name = (name.group("name"), number)
            continue
        version = _SHOW_VERSION.match(line)
        if version and show_name is not None and number - show_name[1] <= 2:
            put(show_name[0], version.group("ver"), "", number, line)
        show_name = None if version else show_name


# Framework versions stated in prose or printed by the code (`tf.__version__`).
_FRAMEWORK_PATTERNS: tuple[tuple[str, int, re.Pattern[str]], ...] = tuple(  # matched against lowered text
    (name, prio, re.compile(pattern))
    for name, prio, pattern in (
        (
            "tensorflow",
            8,
            r"tensor\s?flow\s*version(?:\s*\(use command below\))?\W{0,12}(?:tf\s*)?v?(2\.\d+(?:\.\d+)?|1\.\d+(?:\.\d+)?)",
        ),
        (
            "tensorflow",
            6,
            r"tensorflow(?:-gpu|-cpu|-intel|-macos)?\s*(?:==|=|\s)\s*v?(2\.\d+(?:\.\d+)?|1\.\d+(?:\.\d+)?)\b",
        ),
        ("tensorflow", 4, r"\btf\s*v?(2\.\d+(?:\.\d+)?)\b"),
        ("tensorflow", 5, r"tensorflow(?:_gpu|-gpu|-intel|_intel|_cpu|-cpu)?-(2\.\d+\.\d+)[-.]"),
        ("torch", 8, r"pytorch version\W{0,6}(\d+\.\d+(?:\.\d+)?(?:\+\w+)?)"),
        ("torch", 6, r"torch\s*(?:==|\s)\s*(\d+\.\d+(?:\.\d+)?(?:\+\w+)?)"),
        ("torch", 7, r"\b(?:py)?torch\s*(\d+\.\d+(?:\.\d+)?\+cu\d{3,})\b"),  # "pytorch2.2.1+cu118"
        ("torch", 5, r"torch-(\d+\.\d+\.\d+(?:\+\w+)?)-"),
        ("torch", 6, r"\btorch-(\d+\.\d+\.\d+\+\w+)\b(?!-)"),  # Ultralytics' banner: "Python-3.9.16 torch-2.0.0+cpu"
        ("numpy", 9, r"numpy\s+(2\.\d+\.\d+\w*)\s+as it may crash"),
        ("numpy", 5, r"numpy\s*(?:version\W{0,6}|==|\s)\s*(\d+\.\d+\.\d+)"),
        ("numpy", 4, r"numpy-(\d+\.\d+\.\d+)-"),
        ("jax", 6, r"jax(?:\s*version)?\s*[:=]+\s*(0\.\d+\.\d+)"),
        ("jaxlib", 6, r"jaxlib(?: is)?(?: version)?\s*(?:[:=]+|is)?\s*(0\.\d+\.\d+)"),
        ("keras", 5, r"keras\s*(?:version\W{0,6}|==|\s)\s*(\d+\.\d+\.\d+)"),
        ("protobuf", 5, r"protobuf\s*(?:version\W{0,6}|==|\s)\s*(\d+\.\d+\.\d+)"),
    )
)


def _frameworks(lines: Numbered, facts: LogFacts) -> None:
    text, numbers = _joined(having(lines, ("tensor", "tf", "torch", "numpy", "jax", "keras", "protobuf"), follow=2))
    low = text.lower()
    text = text if len(text) == len(low) else low
    best: dict[str, tuple[int, Located]] = {}
    for name, prio, rx in _FRAMEWORK_PATTERNS:
        if name in best and best[name][0] >= prio:
            continue
        match = rx.search(low)
        if match:
            number, line = _line_of(text, numbers, match.start())
            best[name] = (prio, Located(match.group(1), number, line))
    for name, (_prio, located) in best.items():
        facts.frameworks[name] = located


# ---- shared libraries and the GPU stack -------------------------------------------------------
_LIB_FAMILIES = r"cudart|cublaslt|cublas|cudnn\w*|cufft|curand|cusolver|cusparse|nvrtc|nvinfer\w*|nccl|cupti|nvjitlink|nvtoolsext|cuda"
_SO_RE = re.compile(r"\blib(" + _LIB_FAMILIES + r")\.so((?:\.\d+){0,3})", re.IGNORECASE)
_DLL_RE = re.compile(r"\b(" + _LIB_FAMILIES + r")64_(\d+)\.dll", re.IGNORECASE)
_NVCUDA_RE = re.compile(r"\b(nvcuda)\.dll()", re.IGNORECASE)  # the driver's own DLL (libcuda.so.1 on Linux)
_LIB_FOUND = re.compile(r"successfully opened (?:dynamic|cuda) library|opened dynamic library", re.IGNORECASE)
_LIB_MISSING = re.compile(
    r"could not load|cannot open shared object|not found|dlerror|cannot load|could not find|unable to load|error loading",
    re.IGNORECASE,
)
# a CUDA version said of the machine ("running cuda 12.8", "CUDA v12.1", "cuda version11.8", "安装的版本是cuda11.8"),
# not of a build or a requirement (`built with CUDA 11.8`, `requires CUDA 12`, `torch+cu118`)
_STATED_CUDA = re.compile(
    r"(?<![A-Za-z0-9_./-])cuda[\s_-]{0,2}(?:toolkit\s*)?(?:v(?:ersion)?\s*)?:?\s*(\d{1,2}\.\d)(?![\d.]*\s*\+)",
    re.IGNORECASE,
)
_NOT_THE_MACHINES = re.compile(
    r"\b(?:built|compiled|requires?|required|needs?|supports?|wants?|expects?|for|with|against|wheels?|image|"
    r"pytorch|torch|tensorflow|jax|paddle\w*|ctranslate2|onnxruntime)\W{1,3}(?:\w+\W{1,3}){0,2}cuda",
    re.IGNORECASE,
)
# _NOT_THE_MACHINES ending at one mention of CUDA: that mention is a build's, not the machine's
_NOT_THE_MACHINES_HERE = re.compile(_NOT_THE_MACHINES.pattern + r"$", re.IGNORECASE)


def _machines_cuda(line: str) -> re.Match[str] | None:
    """The first CUDA version on `line` that is not a build's ("built for CUDA 8.0"): a line can
    name both ("I have installed CUDA 7.5 ... libcudart.so.8.0 is a lib file for the CUDA 8.0")."""
    for match in _STATED_CUDA.finditer(line):
        if not _NOT_THE_MACHINES_HERE.search(line, 0, match.start() + 4):
            return match
    return None


_LIB_PATH_ALONE = re.compile(
    r"\s*(?:[/~]|[a-z]:\\)[^\s'\"]{0,400}?[\\/]lib(?:" + _LIB_FAMILIES + r")\.so(?:\.\d+){0,3}\s*", re.IGNORECASE
)
_GPU_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("driver", r"driver version\s*[:=]?\s*(\d{3}\.\d+(?:\.\d+)?)"),
        ("driver", r"nvidia driver version\s*[:=]?\s*(\d{3}(?:\.\d+){0,2})"),
        ("driver_cuda", r"cuda version\s*:\s*(\d+\.\d+)\s*\|?"),
        ("driver_cuda", r"driver on your system is too old \(found version (\d+)\)"),
        ("toolkit", r"cuda compilation tools, release (\d+\.\d+)"),
        ("toolkit", r"cuda/cudnn version\s*:\s*(?:cuda\s*)?(\d+\.\d+)"),  # TensorFlow's issue template
        ("toolkit", r"cuda runtime version\s*:\s*(\d+\.\d+)"),
        # NVIDIA's CUDA container images print their toolkit as a banner line: `CUDA Version 12.1.1`
        ("toolkit", r"^\s*cuda version (\d+\.\d+)(?:\.\d+)?\s*$"),
        # NVIDIA's CUDA images are tagged by the toolkit they hold: `nvidia/cuda:10.1-cudnn7-devel-ubuntu18.04`
        ("toolkit", r"\bnvidia/cuda:(\d+\.\d+)"),
        ("toolkit", r"successfully opened (?:dynamic|cuda) library libcudart\.so\.(\d+(?:\.\d+)?)"),
        ("stated_cuda", _STATED_CUDA.pattern),
        ("cudnn_pair", r"loaded runtime cudnn library:?\s*([\d.]+)\D{1,40}compiled with:?\s*([\d.]+)"),
        (
            "gpu_named",
            r"(?:name: |gpu \d+: |\|\s+\d+\s+)(nvidia [\w -]+?|geforce [\w -]+?|tesla [\w -]+?|quadro [\w -]+?)(?:,|\s{2}|\s*\(|\s*\||$)",
        ),
    )
)


_GPU_WORDS = ("driver", "cuda", "cudnn", "nvidia", "geforce", "tesla", "quadro", "name:", "gpu")


def _lib_version(family: str, raw: str, dll: bool) -> str:
    raw = raw.strip(".")
    if not dll or not raw:
        return raw
    if family.startswith("cudart") or family in ("cublas", "cublaslt", "cufft", "cusolver", "cusparse", "curand"):
        return f"{raw[:-1]}.{raw[-1]}" if len(raw) >= 3 else raw  # cudart64_110.dll -> 11.0
    return raw


def _gpu(lines: Numbered, facts: LogFacts) -> None:
    seen: set[tuple[str, str, bool]] = set()
    for number, line in lines:
        low = line.lower()
        if ".so" in low or ".dll" in low:
            # a line that is only a library's path is `ls` / `find` output: that library is there
            found = bool(_LIB_FOUND.search(line)) or bool(_LIB_PATH_ALONE.fullmatch(line))
            if found or _LIB_MISSING.search(line):
                hits = [
                    (m.group(1).lower(), _lib_version(m.group(1).lower(), m.group(2), False))
                    for m in _SO_RE.finditer(line)
                ]
                hits += [
                    (m.group(1).lower(), _lib_version(m.group(1).lower(), m.group(2), True))
                    for m in _DLL_RE.finditer(line)
                ]
                hits += [("nvcuda", "") for _m in _NVCUDA_RE.finditer(line)]
                for family, version in hits[:2]:
                    if (family, version, found) not in seen:
                        seen.add((family, version, found))
                        facts.libraries.append(Library(family, version, number, line, found))
        if not any(k in low for k in _GPU_WORDS):
            continue
        for name, rx in _GPU_PATTERNS:
            match = rx.search(line)
            if not match:
                continue
            if name == "cudnn_pair":
                facts.gpu.cudnn_loaded = facts.gpu.cudnn_loaded or Located(match.group(1), number, line)
                facts.gpu.cudnn_compiled = facts.gpu.cudnn_compiled or Located(match.group(2), number, line)
                continue
            if name == "stated_cuda":
                if "nvidia-smi" in low or "|" in line:
                    continue
                match = _machines_cuda(line)
                if match is None:
                    continue
            value = match.group(1)
            if name == "driver_cuda" and value.isdigit():  # torch prints 10010 for CUDA 10.1
                value = f"{int(value) // 1000}.{int(value) % 1000 // 10}"
            if getattr(facts.gpu, name) is None:
                setattr(facts.gpu, name, Located(value, number, line))


# ---- paths: which installation each traceback frame, install and interpreter belongs to ------
# a traceback frame: Python's `File "x.py", line 3`, IPython 8's `File /x.py:98, in f()`, rich's, and
# IPython 7's / Colab's `/x.py in <module>()` (Colab links it: `[/x.py](https://localhost:8080/#) in f()`)
_FRAME_RE = re.compile(
    r'^\s*file "(?P<path>[^"]{1,1000})", line \d+'
    r"|^\s*file (?P<ipython>(?:[a-z]:)?[\\/~][^\s:]{1,1000}?\.py):\d+\b"
    # rich's tracebacks (accelerate, typer, huggingface-cli): `│ C:\x\runpy.py:196 in _run_module_as_main │`
    r"|^[\s│|]*(?P<rich>(?:[a-z]:)?[\\/~][^\s:]{1,1000}?\.py):\d+ in [<\w]"
    r"|^\s*\[?(?P<cell>(?:[a-z]:)?[\\/~][^\s\[\]()]{1,1000}?\.py)\]?(?:\([^)\s]{0,200}\))?\s+in\s+<?[\w.]{1,200}>?(?:\(|\s*$)",
    re.IGNORECASE,
)


# a console script in an installation's bin / Scripts folder, as a traceback frame's file
_CONSOLE_SCRIPT = re.compile(
    r"^(?P<prefix>(?:[a-z]:)?[\\/~].+?)(?:[\\/]+bin[\\/]+[\w-]+(?:\d(?:\.\d+)?)?"
    r"|[\\/]+scripts[\\/]+[\w.-]+\.exe(?:[\\/]+__main__\.py)?)$",
    re.IGNORECASE,
)


def _frame_path(frame: re.Match[str]) -> str:
    return frame.group("path") or frame.group("ipython") or frame.group("rich") or frame.group("cell")


_INTERPRETER_LINE = re.compile(
    r"sys\.executable|which python|where python|using (?:c|pypy)?python [\d.]+ \S* at|interpreter at|^\s*[a-z]:\\[^\s]*python(?:\d[\d.]*)?\.exe\s*$"
    r"|^\s*/\S*/bin/python\d?(?:\.\d+)?\s*$|\bpip3? \d+(?:\.\d+)+ from ",
    re.IGNORECASE,
)
# A line that sets PYTHONPATH (`export PYTHONPATH=...`, `set PYTHONPATH=...`, `$env:PYTHONPATH = ...`,
# `PYTHONPATH: ...`): the paths on it are put on every interpreter's import path.
_PYTHONPATH_LINE = re.compile(r"\bpythonpath\s*[=:]", re.IGNORECASE)
_KERNEL_LINE = re.compile(r"ipykernel_launcher|kernel\.json|/kernels/|\\kernels\\|\"argv\"", re.IGNORECASE)
JUPYTER_RE = re.compile(
    r"ipykernel|\bipython3?\b|<ipython-input-|\bcell in\s*\[\d+\]|\bin \[\d+\]:|jupyter|kernel\.json|kernelspec|\bnotebook\b|\bcolab\b",
    re.IGNORECASE,
)


_INTERPRETER_WORDS = ("executable", "which", "where", "python", "interpreter", "pip")
_JUPYTER_WORDS = ("ipy", "cell in", "in [", "jupyter", "kernel", "notebook", "colab")


# `echo $PYTHONPATH` (or `%PYTHONPATH%`): the line after it is PYTHONPATH's value
_ECHO_PYTHONPATH = re.compile(r"\becho\s+[\"']?(?:\$\{?|%)pythonpath\b", re.IGNORECASE)


def _paths(lines: Numbered, facts: LogFacts) -> None:
    seen: set[tuple[str, str]] = set()
    echoed = False
    for number, line in lines:
        low = line.lower()
        after_echo, echoed = echoed, bool(_ECHO_PYTHONPATH.search(line))
        frame = _FRAME_RE.match(line)
        frame_path = _frame_path(frame) if frame else ""
        if frame and len(facts.frames) < 400:
            facts.frames.append(Located(frame_path, number, line))
        role = (
            "frame"
            if frame
            else (
                "pythonpath"
                if ("pythonpath" in low and _PYTHONPATH_LINE.search(line)) or (after_echo and line.strip())
                else "install"
                if "already satisfied" in low or "installing " in low
                else "kernel"
                if ("kernel" in low or "argv" in low) and _KERNEL_LINE.search(line)
                else "interpreter"
                if any(k in low for k in _INTERPRETER_WORDS) and _INTERPRETER_LINE.search(line)
                else "site"
            )
        )
        tokens = path_tokens(frame_path if frame else line)
        script = _CONSOLE_SCRIPT.match(frame_path) if frame and not tokens else None
        if script is not None and not script.group("prefix").lower().endswith(("/usr", "/usr/local")):
            # an environment's console script (`.../envs/tf/bin/pip`, `...\Scripts\pip.exe\__main__.py`) runs
            # under that environment's interpreter: the frame is that prefix's
            prefix = script.group("prefix").lower()
            tokens = [(prefix, classify_prefix(prefix), "script")]
        stdlib = STDLIB_PATH.match(frame_path) if frame and not tokens else None
        if stdlib is not None and classify_prefix(stdlib.group("prefix")).startswith("conda"):
            # a conda installation's own standard library runs this frame: that prefix's interpreter runs
            tokens = [(stdlib.group("prefix").lower(), classify_prefix(stdlib.group("prefix")), "stdlib")]
        for prefix, kind, source in tokens:
            where = role
            if role == "site" and source in ("interpreter", "kernel"):
                where = source
            # PYTHONPATH may be shown twice (before and after an activation): each showing counts
            seen_key = (prefix, f"{where}:{number}" if where == "pythonpath" else where)
            if seen_key in seen:
                continue
            seen.add(seen_key)
            facts.paths.append(PathFact(prefix, kind, where, number, line))
        if len(facts.jupyter) < 8 and any(k in low for k in _JUPYTER_WORDS) and JUPYTER_RE.search(line):
            facts.jupyter.append(Located("jupyter", number, line))


# ---- errors ---------------------------------------------------------------------------------
# an exception line, after a prompt, a bullet, a `stderr:` label, or a run of non-ASCII text that
# leads into it without a space ("会说AttributeError: ...", a Chinese sentence pasted around it)
_EXCEPTION = re.compile(
    r"^\s*(?:E\s+|>+\s*|`+\s*|[-*]\s+|\w[\w ]{0,40}:\s+|[^\x00-\x7f]{1,40}\s*)?(?P<kind>(?:[A-Za-z_]\w*\.){0,6}[A-Z]\w{0,80}(?:Error|Exception|Exit|NotFound|Interrupt|timeout))(?::\s?(?P<msg>.*))?$"
)
_PIP_ERROR = re.compile(r"^\s*(?:error|fatal):\s+(?P<msg>\S.*)$", re.IGNORECASE)
_FATAL = re.compile(
    r"illegal (?:hardware )?instruction|segmentation fault|core dumped|process finished with exit code -?\d+|"
    r"^\s*(?:\S+\s+)?f\d{4} |\] check failed|aborted \(core dumped\)|kernel (?:died|restarting)|the kernel appears to have died",
    re.IGNORECASE,
)
_MISSING_MODULE = re.compile(r"no module named\s+['\"]?(?P<name>[\w.]+)", re.IGNORECASE)
_ACTIVATED = re.compile(
    r"^\s*\((?P<prompt>[\w.-]+)\)\s*(?:\S+\s*)?[$#>%]|\b(?:conda|source|mamba) activate (?P<env>[\w./-]+)"
    r"|active environment\s*:\s*(?P<active>[\w.-]+)|source (?P<venv>\S+?)/bin/activate",
    re.IGNORECASE,
)


_EXCEPTION_WORDS = ("error", "exception", "exit", "notfound", "interrupt", "timeout", "did not run", "failed building")
_FATAL_WORDS = ("illegal", "segmentation", "dumped", "exit code", "check failed", "kernel", "f0", "f1", "f ")
_ACTIVATE_WORDS = ("activate", "active environment", ")")


def _errors(lines: Numbered, facts: LogFacts) -> None:
    for number, line in lines:
        low = line.lower()
        exc = _EXCEPTION.match(line.rstrip().rstrip("`")) if any(k in low for k in _EXCEPTION_WORDS) else None
        if exc and not exc.group("kind").endswith("Warning"):
            facts.errors.append(
                ErrorLine(exc.group("kind").rsplit(".", 1)[-1], (exc.group("msg") or "").strip(), number, line)
            )
        else:
            pip = _PIP_ERROR.match(line)
            if pip:
                facts.errors.append(ErrorLine("pip", pip.group("msg").strip(), number, line))
            elif "did not run successfully" in low or "failed building wheel" in low:
                facts.errors.append(ErrorLine("pip", line.strip(), number, line))  # pip's build failure
            elif any(k in low for k in _FATAL_WORDS) and _FATAL.search(line):
                facts.errors.append(ErrorLine("fatal", line.strip(), number, line))
        if "module named" in low:
            missing = _MISSING_MODULE.search(line)
            if missing:
                facts.missing_modules.append(Located(missing.group("name"), number, line))
        if facts.activated_env is None and any(k in low for k in _ACTIVATE_WORDS):
            active = _ACTIVATED.search(line)
            if active:
                name = next((g for g in active.groups() if g), "")
                if name and name.lower() not in ("base", "none"):
                    facts.activated_env = Located(name, number, line)


# ---- solver conflicts -----------------------------------------------------------------------
def _conflicts(scanner: Scanner, facts: LogFacts) -> None:
    headed = any(cap.signature.id == "solver/pip-caused-by" for cap in scanner.captures)
    for cap in scanner.captures:
        sid = cap.signature.id
        if sid == "solver/pip-user-requested" and (headed or any(c.tool == "pip" for c in facts.conflicts)):
            continue  # pip's report with its header (or its first line) is read once, whole
        parsed = conflict_parsers.parse_block(sid, cap.lines, cap.header.text)
        if parsed is not None and parsed.kind == "missing" and parsed.tool in ("pip", "uv") and parsed.move:
            # no release to choose from: the request is one the installer found no version for
            source = "pip-error" if parsed.tool == "pip" else "uv"
            pinned = next((r for r in parsed.requirements if "==" in r), "") if parsed.tool == "pip" else parsed.move
            req = _requirement(re.sub(r"^you requested ", "", pinned), cap.header.line, cap.header.text, source)
            if req is not None and all(
                (r.name, r.spec, r.source) != (req.name, req.spec, source) for r in facts.requests
            ):
                facts.requests.append(req)
        if parsed is not None and parsed not in facts.conflicts:
            facts.conflicts.append(parsed)
    if any(c.tool == "libmamba" and c.kind != "conflict" for c in facts.conflicts):
        # libmamba's problem tree says why; its one-line "requires X, but none of the providers can
        # be installed" summary only names the chain
        facts.conflicts = [c for c in facts.conflicts if c.tool != "libmamba" or c.kind != "conflict"]


def extract(scanner: Scanner) -> LogFacts:
    """Every fact the kept lines of a scanned log show."""
    lines = scanner.numbered()
    facts = LogFacts()
    _tools(lines, facts)
    _own_wheels(lines, facts)
    _machine(lines, facts)
    _python(lines, facts)
    _requests(lines, facts)
    _installed(lines, facts)
    _frameworks(lines, facts)
    _gpu(lines, facts)
    _paths(lines, facts)
    _errors(lines, facts)
    _conflicts(scanner, facts)
    _era(lines, facts)
    _resolutions(lines, facts)
    _claims(lines, facts)
    facts.gpu_question = "gpu-query" in scanner.tags()
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


def lines_of(items: Iterable[Located]) -> list[Evidence]:
    return [item.evidence() for item in items]
