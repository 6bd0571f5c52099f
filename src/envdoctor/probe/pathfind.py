"""How the shell finds a command: every match on PATH, the interpreter a script's shebang names,
and what a pyenv shim runs. File reads only (nothing is run).

pyenv's choice of version is reimplemented here (PYENV_VERSION, `.python-version` up from the
working directory, `$PYENV_ROOT/version`, then "system"): pyenv is a set of shell scripts with no
library, and running `pyenv which` costs a bash process per command. tests/test_pathfind.py checks
that both agree.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from envdoctor.bounded import read_prefix

_WINDOWS = os.name == "nt"
_PYENV_EXEC = re.compile(r'exec\s+"?([^"\s]*pyenv)"?\s+exec\b')
_PYENV_ROOT_LINE = re.compile(r'^export PYENV_ROOT="([^"]+)"', re.MULTILINE)
_NUMERIC_VERSION = re.compile(r"^\d+(\.\d+)*$")


def path_entries(env: Mapping[str, str]) -> list[str]:
    """PATH as the shell splits it (empty entries mean the working directory; dropped here)."""
    return [p for p in env.get("PATH", "").split(os.pathsep) if p]


def _executable_names(name: str, env: Mapping[str, str]) -> list[str]:
    if not _WINDOWS or os.path.splitext(name)[1]:
        return [name]
    exts = [e for e in env.get("PATHEXT", ".COM;.EXE;.BAT;.CMD").split(";") if e]
    return [name + e.lower() for e in exts]


def which_all(name: str, entries: Sequence[str], env: Mapping[str, str] | None = None) -> list[tuple[int, str]]:
    """Every (PATH index, file) that the shell could run for `name`, in PATH order."""
    found: list[tuple[int, str]] = []
    names = _executable_names(name, env or {})
    for index, folder in enumerate(entries):
        for candidate_name in names:
            candidate = os.path.join(folder, candidate_name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                found.append((index, candidate))
                break
    return found


def read_head(path: str, size: int = 1024) -> bytes:
    try:
        return read_prefix(path, size)  # regular files only: a FIFO on PATH cannot hang this
    except (OSError, ValueError):
        return b""


def shebang(path: str) -> list[str] | None:
    """The command a script's first line runs, as argv: `#!/venv/bin/python3` -> ["/venv/bin/python3"].
    Also pip's long-path form (`#!/bin/sh` then `'''exec' "/long path/python" "$0" "$@"`) and the
    interpreter a Windows launcher .exe carries (distlib writes `#!C:\\...\\python.exe` before its zip)."""
    head = read_head(path, 2048)
    if head.startswith(b"#!"):
        lines = head.decode("utf-8", errors="replace").splitlines()
        first = lines[0][2:].strip()
        if first in ("/bin/sh", "/bin/bash", "/usr/bin/env sh") and len(lines) > 1 and lines[1].startswith("'''exec'"):
            try:
                words = shlex.split(lines[1][len("'''exec'") :])
            except ValueError:
                return None
            return words[:1] or None
        try:
            return shlex.split(first) or None
        except ValueError:
            return first.split() or None
    if head.startswith(b"MZ"):  # a Windows launcher: the shebang sits before the appended zip
        return _launcher_shebang(path)
    return None


def _launcher_shebang(path: str) -> list[str] | None:
    try:
        tail = read_prefix(path, 65536, from_end=True)
    except (OSError, ValueError):
        return None
    zip_start = tail.rfind(b"PK\x03\x04")
    start = tail.rfind(b"#!", 0, zip_start if zip_start > 0 else len(tail))
    if start < 0:
        return None
    line = tail[start + 2 :].split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().strip('"')
    return [line] if line else None


def is_python_name(name: str) -> bool:
    """python, python3, python3.11, python3.13t, python.exe, pythonw.exe"""
    base = os.path.basename(name).lower()
    if base.endswith(".exe"):
        base = base[:-4]
    return re.fullmatch(r"pythonw?(\d+(\.\d+)?t?)?", base) is not None


@dataclass
class PyenvChoice:
    """What a pyenv shim runs: the file ("" when pyenv finds none) and why."""

    file: str
    reason: str


def pyenv_root_of_shim(path: str) -> str | None:
    """The PYENV_ROOT of a pyenv shim, None when `path` is no shim."""
    text = read_head(path, 2048).decode("utf-8", errors="replace")
    if not text.startswith("#!") or not _PYENV_EXEC.search(text):
        return None
    match = _PYENV_ROOT_LINE.search(text)
    if match:
        return match.group(1)
    return os.path.dirname(os.path.dirname(os.path.abspath(path)))


def pyenv_version_names(root: str, env: Mapping[str, str], cwd: str) -> tuple[list[str], str]:
    """The versions pyenv selects, and where they were set (pyenv-version-name / version-file)."""
    if env.get("PYENV_VERSION"):
        return env["PYENV_VERSION"].split(":"), "PYENV_VERSION"
    for start in [d for d in (env.get("PYENV_DIR"), cwd) if d]:
        folder = os.path.abspath(start)
        while True:
            candidate = os.path.join(folder, ".python-version")
            if os.path.isfile(candidate):
                names = _read_version_file(candidate)
                if names:
                    return names, candidate
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    global_file = os.path.join(root, "version")
    names = _read_version_file(global_file) if os.path.isfile(global_file) else []
    return (names or ["system"]), (global_file if names else "default")


def _read_version_file(path: str) -> list[str]:
    try:
        text = read_prefix(path, 1 << 16).decode("utf-8", errors="replace")
    except (OSError, ValueError):
        return []
    names = []
    for line in text.replace("\r", "\n").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == ".." or "/" in words[0]:
            continue  # pyenv ignores versions that could leave $PYENV_ROOT/versions
        names.append(words[0])
    return names


def _pyenv_prefix(root: str, version: str, *, from_file: bool) -> str | None:
    """pyenv-prefix: an installed version folder or the latest installed match of a prefix
    ("3.12" -> 3.12.x). A version read from a file may also be spelled `python-3.12`
    (pyenv-version-name strips it; PYENV_VERSION is taken as it is)."""
    versions = os.path.join(root, "versions")
    wanted = version[len("python-") :] if from_file and version.startswith("python-") else version
    for name in dict.fromkeys((version, wanted)):
        if os.path.isdir(os.path.join(versions, name)):
            return os.path.join(versions, name)
    try:
        installed = os.listdir(versions)
    except OSError:
        return None
    matches = [v for v in installed if _NUMERIC_VERSION.match(v) and (v == wanted or v.startswith(wanted + "."))]
    if not matches:
        return None
    best = max(matches, key=lambda v: tuple(int(p) for p in v.split(".")))
    return os.path.join(versions, best)


def resolve_pyenv_shim(
    shim: str, command: str, root: str, env: Mapping[str, str], cwd: str, entries: Sequence[str]
) -> PyenvChoice:
    """pyenv-which for `command`: the first selected version that has it, else "system" (PATH
    without the shims folder). Hooks of pyenv plugins are not run."""
    names, origin = pyenv_version_names(root, env, cwd)
    origin_text = "PYENV_VERSION" if origin == "PYENV_VERSION" else f"set by {origin}"
    for version in [*names, "system"]:
        if version == "system":
            shims = os.path.join(root, "shims")
            rest = [e for e in entries if os.path.abspath(e) != os.path.abspath(shims)]
            found = which_all(command, rest, env)
            if found:
                return PyenvChoice(found[0][1], f"pyenv shim: system ({origin_text})")
            continue
        prefix = _pyenv_prefix(root, version, from_file=origin != "PYENV_VERSION")
        if prefix is None:
            continue
        candidate = os.path.join(prefix, "bin", command)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return PyenvChoice(candidate, f"pyenv shim: {os.path.basename(prefix)} ({origin_text})")
    return PyenvChoice("", f"pyenv shim: `{command}` is in none of {', '.join(names)} ({origin_text})")
