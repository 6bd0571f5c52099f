"""Start the in-target probe: the one way envdoctor asks an interpreter about itself. Only light
stdlib imports here (no dataclasses, pathlib or json), so `check` starts the probe early and
imports the rest meanwhile."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Mapping
from typing import Any

from envdoctor import process

_HERE = os.path.dirname(os.path.abspath(__file__))
# The scanner first (it defines scan_entries), then the probe that calls it.
PROBE_FILES = (os.path.join(_HERE, "_scan.py"), os.path.join(_HERE, "_inside.py"))
PROBE_MARKER = "ENVDOCTOR-PROBE:"
PROBE_MARKER_BYTES = PROBE_MARKER.encode()
SCAN_MARKER_BYTES = b"ENVDOCTOR-SCAN:"
DEFAULT_TIMEOUT = 20.0


class ProbeError(Exception):
    pass


# How the target interpreter runs the probe: isolated (-I: no PYTHON* variables, no user site, no
# current folder on sys.path) and without site (-S: no .pth line or sitecustomize runs; the probe
# computes sys.path from site's own functions, reading .pth files as data). Interpreters without
# -I (Python 2.7, 3.3) get -E -s -S, and every probe starts in a new, empty folder.
ISOLATED_FLAGS = ("-I", "-S")
LEGACY_FLAGS = ("-E", "-s", "-S")
PROBE_SHARE = 0.75  # of a verb's --timeout: what is left reads the files here if the probe fails
MAX_OUTPUT = 256 << 20  # bytes of probe output accepted (a real scan of 2,000 distributions: ~10 MB)
_LIVE: set[ProbeRun] = set()


def probe_timeout(total: float) -> float:
    """How long the probe may take within a verb's time limit `total`."""
    return total * PROBE_SHARE


def _kill_live_probes() -> None:
    for run in list(_LIVE):
        run.close()


atexit.register(_kill_live_probes)


def _empty_folder() -> str:
    """A new, empty, private folder for the probe to start in (tempfile's import costs ~3 ms)."""
    base = os.environ.get("TMPDIR") or os.environ.get("TEMP") or ("/tmp" if os.name == "posix" else "")
    for _ in range(8):
        path = os.path.join(base, f"envdoctor-probe-{os.getpid()}-{os.urandom(6).hex()}")
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue
        except OSError:
            break
    # lazy: keeps tempfile out of check's start-up (2.1 ms, 7 modules)
    import tempfile

    return tempfile.mkdtemp(prefix="envdoctor-probe-")


class _Output:
    """What one launch of the probe printed, filled by its reader threads."""

    def __init__(self) -> None:
        self.facts_line: bytes | None = None
        self.lines: list[bytes] = []
        self.stderr: process.Collector | None = None
        self.error: ProbeError | None = None
        self.got_facts = threading.Event()
        self.done = threading.Event()


class ProbeRun:
    """The probe running in the target interpreter. It prints its facts first and then, when asked
    to scan, every metadata record: `wait_raw()` returns as soon as the facts are there, `scan()`
    when the records are. Reader threads drain its output meanwhile, so it never blocks on a pipe.
    It runs in its own process group (`envdoctor.process`, group "own"), killed whole when it times
    out or is no longer needed."""

    def __init__(self, python: str, timeout: float, *, scan: bool = True, env: Mapping[str, str] | None = None) -> None:
        self.python = os.path.abspath(python) if os.sep in python else python  # it starts elsewhere
        self.timeout = timeout
        self.flags: tuple[str, ...] = ISOLATED_FLAGS
        self._scan = scan
        self._env = None if env is None else dict(env)  # the variables it runs with (default: ours)
        self._deadline = time.monotonic() + timeout
        self._error: ProbeError | None = None
        self._proc: process.Child | None = None
        self._workdir: str | None = None
        self._launch()

    def _launch(self) -> None:
        out = self._out = _Output()
        self._workdir = self._workdir or _empty_folder()
        argv = [self.python, *self.flags, "-c", probe_source(), *(["--scan"] if self._scan else [])]
        with contextlib.suppress(OSError):  # PYTHONPATH's relative entries are relative to it
            argv.append("--cwd=" + os.getcwd())
        try:
            self._proc = process.spawn(argv, cwd=self._workdir, env=self._env, group="own")
        except process.StartError as exc:
            self._error = ProbeError(f"{self.python} cannot be run: {exc.cause.strerror or exc.cause}")
            self._proc = None
            self._remove_workdir()
            return
        _LIVE.add(self)
        assert self._proc.popen.stderr is not None
        out.stderr = process.Collector(self._proc.popen.stderr, 1 << 20)
        threading.Thread(target=self._drain_stdout, args=(self._proc, out), daemon=True).start()

    @classmethod
    def start(
        cls, python: str, timeout: float = DEFAULT_TIMEOUT, *, scan: bool = True, env: Mapping[str, str] | None = None
    ) -> ProbeRun:
        """scan: also read every metadata folder on sys.path there (on the target's own core);
        env: the variables the interpreter runs with (PYTHONPATH, ...; default: envdoctor's)."""
        return cls(python, timeout, scan=scan, env=env)

    def _drain_stdout(self, proc: process.Child, out: _Output) -> None:
        stdout = proc.popen.stdout
        assert stdout is not None
        total = 0
        pending: list[bytes] = []
        try:
            while True:
                piece = stdout.readline(1 << 20)
                if not piece:
                    break
                total += len(piece)
                if total > MAX_OUTPUT:
                    out.error = ProbeError(f"{self.python} printed more than {MAX_OUTPUT >> 20} MiB of probe output")
                    proc.kill()
                    break
                pending.append(piece)
                if not piece.endswith(b"\n"):
                    continue
                line = b"".join(pending)
                pending = []
                if out.facts_line is None and line.startswith(PROBE_MARKER_BYTES):
                    out.facts_line = line
                    out.got_facts.set()
                else:
                    out.lines.append(line)
            if pending:
                out.lines.append(b"".join(pending))
        except (OSError, ValueError):
            pass
        finally:
            out.got_facts.set()
            out.done.set()

    def _remaining(self) -> float:
        return max(0.0, self._deadline - time.monotonic())

    def _timed_out(self) -> ProbeError:
        self.close()
        return ProbeError(f"{self.python} did not answer within {self.timeout:g} s")

    def wait(self) -> dict[str, object]:
        return self.wait_raw()[0]

    def wait_raw(self) -> tuple[dict[str, object], bytes]:
        """The interpreter facts and the raw line they were read from (for fingerprinting)."""
        while True:
            if self._error is not None or self._proc is None:
                raise self._error or ProbeError(f"{self.python} cannot be run")
            out = self._out
            if not out.got_facts.wait(self._remaining()):
                raise self._timed_out()
            if out.error is not None:
                self.close()
                raise out.error
            if out.facts_line is not None:
                break
            # It ended without facts: an interpreter without -I gets the legacy flags, else say why.
            try:
                returncode = self._proc.wait(self._remaining())
            except process.TimeoutExpired:
                raise self._timed_out() from None
            stderr = b""
            if out.stderr is not None:
                out.stderr.join(1.0)
                stderr = out.stderr.data
            if self.flags == ISOLATED_FLAGS and b"nknown option" in stderr and b"-I" in stderr:
                self._stop()
                self.flags = LEGACY_FLAGS
                self._launch()
                continue
            self.close()
            raise _probe_failure(self.python, stderr, returncode)
        line = out.facts_line
        if not self._scan:
            self.close()  # nothing more to come
        try:
            facts = _parse_line(self.python, line[len(PROBE_MARKER_BYTES) :])
        except ProbeError:
            self.close()
            raise
        return facts, line

    def scan(self) -> dict[str, Any] | None:
        """The metadata records ({"records", "unlisted"}), None when the probe sent none."""
        if self._proc is None:
            return None
        out = self._out
        if not out.done.wait(self._remaining()):
            raise self._timed_out()
        if out.error is not None:
            self.close()
            raise out.error
        try:
            for line in out.lines:
                if line.startswith(SCAN_MARKER_BYTES):
                    return _parse_line(self.python, line[len(SCAN_MARKER_BYTES) :])
            return None
        finally:
            self.close()

    def _stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        proc.stop()
        proc.close_streams()

    def close(self) -> None:
        """Stop the probe and everything it started, if still running (a cached answer needs no
        scan), and remove its working folder."""
        self._stop()
        _LIVE.discard(self)
        self._remove_workdir()

    def _remove_workdir(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def probe_source() -> str:
    parts = []
    for path in PROBE_FILES:
        with open(path, encoding="utf-8") as handle:
            parts.append(handle.read())
    return "\n".join(parts)


def run_probe(python: str, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, object]:
    """Run the stdlib-only probe in `python` (isolated, no metadata scan) and return its facts."""
    return ProbeRun.start(python, timeout, scan=False).wait()


def _parse_line(python: str, payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise ProbeError(f"{python} printed unreadable probe output: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise ProbeError(f"{python} printed unreadable probe output")
    return data


def _probe_failure(python: str, err: bytes, returncode: int | None) -> ProbeError:
    stderr = err.decode("utf-8", errors="replace").strip().splitlines()
    tail = stderr[-1] if stderr else f"exit code {returncode}"
    if "SyntaxError" in "\n".join(stderr):
        tail = "the interpreter is too old to run the probe (" + tail + ")"
    return ProbeError(f"{python} failed to run the probe: {tail}")
