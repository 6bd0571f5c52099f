"""Which environment to read: the one `Target` (an interpreter and/or a prefix, and how the user
named it), resolved from --python, --prefix or the active environment. Light stdlib imports only:
`check` resolves its target and starts the probe before anything heavy is imported."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import NamedTuple

from envdoctor.errors import SourceError

_INTERPRETERS = ("bin/python", "bin/python3", "python.exe", "Scripts/python.exe")


class Target(NamedTuple):
    """The environment to inspect: an interpreter and/or a prefix, and how the user named it.
    `python` is None for a prefix without an interpreter that exists (its files are read)."""

    python: str | None
    prefix: str | None
    description: str


def python_in(prefix: str) -> str | None:
    """The interpreter of a venv or conda prefix (bin/python, python.exe...), None when none is there."""
    for rel in _INTERPRETERS:
        candidate = os.path.join(prefix, rel)
        if os.path.isfile(candidate):
            return candidate
    return None


def python_target(request: str, env: Mapping[str, str] | None = None) -> Target:
    """`--python REQUEST` as uv reads it: a path, a prefix, a command on PATH, or a version (3.11)."""
    env = os.environ if env is None else env
    expanded = os.path.expanduser(request)
    if os.path.isfile(expanded):  # the common case, answered without the interpreter finders
        return Target(python=expanded, prefix=None, description=f"--python {request}")
    # lazy: keeps probe.interpreters out of check's start-up (15.9 ms, 19 modules)
    from envdoctor.probe.interpreters import resolve_python_request

    resolved = resolve_python_request(request, env)
    if resolved is None:
        raise SourceError(f"no interpreter found for --python {request!r} (a path, a command on PATH or a version)")
    return Target(python=resolved[0], prefix=None, description=f"--python {request}")


def prefix_target(prefix: str) -> Target:
    """`--prefix DIR`: a venv or conda prefix; its interpreter may be missing or unable to run."""
    root = os.path.expanduser(prefix)
    if not os.path.isdir(root):
        raise SourceError(f"prefix {prefix!r} does not exist or is not a folder")
    return Target(python=python_in(root), prefix=os.path.realpath(root), description=f"--prefix {prefix}")


def active_target(env: Mapping[str, str] | None = None) -> Target:
    """The user's active environment: $VIRTUAL_ENV, then $CONDA_PREFIX, then the `python` on PATH
    -- never envdoctor's own interpreter unless that is what PATH gives."""
    env = os.environ if env is None else env
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        # An activated venv sits on top of a conda env when both are set: the venv wins, as on PATH.
        value = env.get(var)
        if value and os.path.isdir(value):
            interp = python_in(value)
            if interp:
                return Target(python=interp, prefix=value, description=f"active: ${var}={value}")
    for name in ("python", "python3"):
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return Target(python=found, prefix=None, description=f"{name} on PATH ({found})")
    raise SourceError("no active environment and no python on PATH: use --python or --prefix")


def resolve_target(
    python: str | None = None, prefix: str | None = None, env: Mapping[str, str] | None = None
) -> Target:
    """--python / --prefix, else the active environment."""
    if python and prefix:
        raise SourceError("give --python or --prefix, not both")
    if python:
        return python_target(python, env)
    if prefix:
        return prefix_target(prefix)
    return active_target(env)
