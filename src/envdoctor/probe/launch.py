"""Find the target interpreter and start the in-target probe. Only light stdlib imports here (no
dataclasses, pathlib or json), so `check` starts the probe early and imports the rest meanwhile."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from typing import NamedTuple

from envdoctor.errors import UsageError

_HERE = os.path.dirname(os.path.abspath(__file__))
# The scanner first (it defines scan_entries), then the probe that calls it.
PROBE_FILES = (os.path.join(_HERE, "_scan.py"), os.path.join(_HERE, "_inside.py"))
PROBE_MARKER = "ENVDOCTOR-PROBE:"
DEFAULT_TIMEOUT = 20.0


class Target(NamedTuple):
    """The environment to inspect: an interpreter and/or a prefix, and how the user named it."""

    python: str | None
    prefix: str | None
    description: str


def _python_in(prefix: str) -> str | None:
    for rel in ("bin/python", "bin/python3", "python.exe", "Scripts/python.exe"):
        candidate = os.path.join(prefix, rel)
        if os.path.exists(candidate):
            return candidate
    return None


def resolve_target(
    python: str | None = None, prefix: str | None = None, env: Mapping[str, str] | None = None
) -> Target:
    """--python / --prefix, else the user's active environment: $CONDA_PREFIX, $VIRTUAL_ENV, then
    the `python` on PATH -- never envdoctor's own interpreter unless that is what PATH gives."""
    env = os.environ if env is None else env
    if python and prefix:
        raise UsageError("give --python or --prefix, not both")
    if python:
        found = shutil.which(python) if os.sep not in python else python
        if not found or not os.path.exists(found):
            raise UsageError(f"no interpreter at {python!r}")
        return Target(python=found, prefix=None, description=f"--python {python}")
    if prefix:
        root = os.path.expanduser(prefix)
        if not os.path.isdir(root):
            raise UsageError(f"prefix {prefix!r} does not exist or is not a folder")
        return Target(python=_python_in(root), prefix=os.path.realpath(root), description=f"--prefix {prefix}")
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        # An activated venv sits on top of a conda env when both are set: the venv wins, as on PATH.
        value = env.get(var)
        if value and os.path.isdir(value):
            interp = _python_in(value)
            if interp:
                return Target(python=interp, prefix=value, description=f"active: ${var}={value}")
    for name in ("python", "python3"):
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return Target(python=found, prefix=None, description=f"{name} on PATH ({found})")
    raise UsageError("no active environment and no python on PATH: use --python or --prefix")


class ProbeError(Exception):
    pass


class ProbeRun:
    """The probe running in the target interpreter; `wait()` returns its facts."""

    def __init__(self, python: str, timeout: float, *, scan: bool = True) -> None:
        self.python = python
        self.timeout = timeout
        self._error: ProbeError | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        try:
            self._proc = subprocess.Popen(
                [python, "-c", probe_source(), *(["--scan"] if scan else [])],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            self._error = ProbeError(f"{python} cannot be run: {exc.strerror or exc}")

    @classmethod
    def start(cls, python: str, timeout: float = DEFAULT_TIMEOUT, *, scan: bool = True) -> ProbeRun:
        """scan: also read every metadata folder on sys.path there (on the target's own core);
        `check` leaves it out and fingerprints the folders with `stat` first (see checkcache)."""
        return cls(python, timeout, scan=scan)

    def wait(self) -> dict[str, object]:
        return self.wait_raw()[0]

    def wait_raw(self) -> tuple[dict[str, object], bytes]:
        """The facts and the raw bytes they were read from (for fingerprinting)."""
        if self._error is not None or self._proc is None:
            raise self._error or ProbeError(f"{self.python} cannot be run")
        try:
            stdout, stderr = self._proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.communicate()
            raise ProbeError(f"{self.python} did not answer within {self.timeout:g} s") from None
        return _parse_probe_output(self.python, stdout, stderr, self._proc.returncode), stdout


def probe_source() -> str:
    parts = []
    for path in PROBE_FILES:
        with open(path, encoding="utf-8") as handle:
            parts.append(handle.read())
    return "\n".join(parts)


def run_probe(python: str, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, object]:
    """Run the stdlib-only probe in `python` and return its facts."""
    return ProbeRun.start(python, timeout).wait()


def _parse_probe_output(python: str, out: bytes, err: bytes, returncode: int | None) -> dict[str, object]:
    import json

    stdout = out.decode("utf-8", errors="replace")
    for line in stdout.splitlines():
        if line.startswith(PROBE_MARKER):
            try:
                data = json.loads(line[len(PROBE_MARKER) :])
            except ValueError as exc:
                raise ProbeError(f"{python} printed unreadable probe output: {exc}") from None
            if isinstance(data, dict):
                return data
    stderr = err.decode("utf-8", errors="replace").strip().splitlines()
    tail = stderr[-1] if stderr else f"exit code {returncode}"
    if "SyntaxError" in "\n".join(stderr):
        tail = "the interpreter is too old to run the probe (" + tail + ")"
    raise ProbeError(f"{python} failed to run the probe: {tail}")
