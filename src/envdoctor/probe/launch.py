"""Find the target interpreter and start the in-target probe. Only light stdlib imports here (no
dataclasses, pathlib or json), so `check` starts the probe early and imports the rest meanwhile."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from envdoctor.errors import UsageError

_HERE = os.path.dirname(os.path.abspath(__file__))
# The scanner first (it defines scan_entries), then the probe that calls it.
PROBE_FILES = (os.path.join(_HERE, "_scan.py"), os.path.join(_HERE, "_inside.py"))
PROBE_MARKER = "ENVDOCTOR-PROBE:"
PROBE_MARKER_BYTES = PROBE_MARKER.encode()
SCAN_MARKER_BYTES = b"ENVDOCTOR-SCAN:"
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
    """The probe running in the target interpreter. It prints its facts first and then, when asked
    to scan, every metadata record: `wait_raw()` returns as soon as the facts are there, `scan()`
    when the records are. Reader threads drain its output meanwhile, so it never blocks on a pipe."""

    def __init__(self, python: str, timeout: float, *, scan: bool = True, env: Mapping[str, str] | None = None) -> None:
        self.python = python
        self.timeout = timeout
        self._deadline = time.monotonic() + timeout
        self._error: ProbeError | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._facts_line: bytes | None = None
        self._lines: list[bytes] = []
        self._stderr = bytearray()
        self._got_facts = threading.Event()
        self._done = threading.Event()
        self._stderr_done = threading.Event()
        try:
            self._proc = subprocess.Popen(
                [python, "-c", probe_source(), *(["--scan"] if scan else [])],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=None if env is None else dict(env),  # the variables it runs with (default: ours)
            )
        except OSError as exc:
            self._error = ProbeError(f"{python} cannot be run: {exc.strerror or exc}")
            return
        threading.Thread(target=self._drain_stdout, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    @classmethod
    def start(
        cls, python: str, timeout: float = DEFAULT_TIMEOUT, *, scan: bool = True, env: Mapping[str, str] | None = None
    ) -> ProbeRun:
        """scan: also read every metadata folder on sys.path there (on the target's own core);
        env: the variables the interpreter runs with (PYTHONPATH, ...; default: envdoctor's)."""
        return cls(python, timeout, scan=scan, env=env)

    def _drain_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        try:
            for line in self._proc.stdout:
                if self._facts_line is None and line.startswith(PROBE_MARKER_BYTES):
                    self._facts_line = line
                    self._got_facts.set()
                else:
                    self._lines.append(line)
        finally:
            self._got_facts.set()
            self._done.set()

    def _drain_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        try:
            for chunk in iter(lambda: self._proc.stderr.read(65536), b""):  # type: ignore[union-attr]
                if len(self._stderr) < 1 << 20:
                    self._stderr += chunk
        finally:
            self._stderr_done.set()

    def _remaining(self) -> float:
        return max(0.0, self._deadline - time.monotonic())

    def _timed_out(self) -> ProbeError:
        self.close()
        return ProbeError(f"{self.python} did not answer within {self.timeout:g} s")

    def wait(self) -> dict[str, object]:
        return self.wait_raw()[0]

    def wait_raw(self) -> tuple[dict[str, object], bytes]:
        """The interpreter facts and the raw line they were read from (for fingerprinting)."""
        if self._error is not None or self._proc is None:
            raise self._error or ProbeError(f"{self.python} cannot be run")
        if not self._got_facts.wait(self._remaining()):
            raise self._timed_out()
        if self._facts_line is None:  # it ended without facts: say why
            try:
                returncode = self._proc.wait(self._remaining())
            except subprocess.TimeoutExpired:
                raise self._timed_out() from None
            self._stderr_done.wait(1.0)
            raise _probe_failure(self.python, bytes(self._stderr), returncode)
        facts = _parse_line(self.python, self._facts_line[len(PROBE_MARKER_BYTES) :])
        return facts, self._facts_line

    def scan(self) -> dict[str, Any] | None:
        """The metadata records ({"records", "unlisted"}), None when the probe sent none."""
        if self._proc is None:
            return None
        if not self._done.wait(self._remaining()):
            raise self._timed_out()
        for line in self._lines:
            if line.startswith(SCAN_MARKER_BYTES):
                return _parse_line(self.python, line[len(SCAN_MARKER_BYTES) :])
        return None

    def close(self) -> None:
        """Stop the probe if it still runs (a cached answer needs no scan)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()


def probe_source() -> str:
    parts = []
    for path in PROBE_FILES:
        with open(path, encoding="utf-8") as handle:
            parts.append(handle.read())
    return "\n".join(parts)


def run_probe(python: str, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, object]:
    """Run the stdlib-only probe in `python` and return its facts."""
    return ProbeRun.start(python, timeout).wait()


def _parse_line(python: str, payload: bytes) -> dict[str, Any]:
    import json

    try:
        data = json.loads(payload.decode("utf-8", errors="replace"))
    except ValueError as exc:
        raise ProbeError(f"{python} printed unreadable probe output: {exc}") from None
    if not isinstance(data, dict):
        raise ProbeError(f"{python} printed unreadable probe output")
    return data


def _probe_failure(python: str, err: bytes, returncode: int | None) -> ProbeError:
    stderr = err.decode("utf-8", errors="replace").strip().splitlines()
    tail = stderr[-1] if stderr else f"exit code {returncode}"
    if "SyntaxError" in "\n".join(stderr):
        tail = "the interpreter is too old to run the probe (" + tail + ")"
    return ProbeError(f"{python} failed to run the probe: {tail}")
