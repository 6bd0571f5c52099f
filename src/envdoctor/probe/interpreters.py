"""Find an interpreter already on this machine: for a Python version ("3.11"), or for what
`--python` names (a path, a venv / conda prefix, a command on PATH, or a version, as uv reads it).

Versions: pyenv (`pyenv prefix 3.11`), `python3.11` on PATH, then uv's discovery (`uv python find`,
with downloads off; it cannot see through pyenv's shims). Nothing is downloaded here:
`create --allow-python-downloads` lets uv do that.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from envdoctor.probe.target import python_in
from envdoctor.probe.tools import uv_binary, uv_env
from envdoctor.process import run

_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")


def valid_version(version: str) -> bool:
    return bool(_VERSION.match(version))


def looks_like_version(text: str) -> bool:
    """ "3.11", "3.11.7", "python3.11"'s version part is not one: only bare versions."""
    return valid_version(text.strip())


def resolve_python_request(request: str, env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(interpreter, how it was found) for `--python REQUEST`, or None: an existing file; a folder
    (a venv or conda prefix: its bin/python); a command on PATH (`python3.12`); a version (`3.12`)."""
    env = os.environ if env is None else env
    expanded = os.path.expanduser(request)
    if os.path.isdir(expanded):
        found = python_in(expanded)
        return (found, f"the interpreter of {request}") if found else None
    if os.sep in request or os.path.isfile(expanded):
        return (expanded, request) if os.path.isfile(expanded) else None
    on_path = shutil.which(request, path=env.get("PATH"))
    if on_path and _runs(on_path):
        return on_path, f"{request} on PATH"
    if looks_like_version(request):
        return find_interpreter(request, env)
    return None


def version_of(python: str) -> str | None:
    """ "3.11" for an interpreter that runs, else None."""
    done = run([python, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], timeout=20)
    return done.stdout.strip() if done.ok and done.stdout.strip() else None


def _runs(python: str) -> bool:
    # a pyenv shim for a version that is not active is on PATH but exits 127
    return version_of(python) is not None


def find_interpreter(version: str, env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(path, how it was found) for Python `version`, or None."""
    env = os.environ if env is None else env
    minor = ".".join(version.split(".")[:2])
    for finder in (_pyenv, _on_path, _uv_find):
        found = finder(version, minor, env)
        if found and _reports(found[0], version):
            return found
    return None


def _pyenv(version: str, minor: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    pyenv = shutil.which("pyenv", path=env.get("PATH"))
    if not pyenv:
        return None
    done = run([pyenv, "prefix", version], env=dict(env), timeout=20)
    if not done.ok:
        return None
    for line in done.stdout.splitlines():
        prefix = Path(line.strip())
        for name in (f"python{minor}", "python3", "python"):
            candidate = prefix / "bin" / name
            if candidate.is_file():
                return str(candidate), f"pyenv prefix {version}"
    return None


def _on_path(version: str, minor: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    found = shutil.which(f"python{minor}", path=env.get("PATH"))
    return (found, f"python{minor} on PATH") if found else None


def _uv_find(version: str, minor: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    try:
        uv = uv_binary()
    except Exception:
        return None
    done = run([uv, "python", "find", version], env=uv_env(base=env), timeout=30)
    path = done.stdout.strip().splitlines()[-1] if done.ok and done.stdout.strip() else ""
    return (path, f"uv python find {version}") if path else None


def _reports(python: str, version: str) -> bool:
    """Does `python` really run, and is it `version`?"""
    # -E -s -S: no PYTHON* variable, user site, .pth line or sitecustomize runs (every Python has them)
    done = run(
        [python, "-E", "-s", "-S", "-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"], timeout=20
    )
    if not done.ok:
        return False
    actual = done.stdout.strip()
    return actual == version or actual.startswith(version + ".")
