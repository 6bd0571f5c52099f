"""envdoctor's exit codes, decided here for every verb (each result's `exit_code` uses these).

- OK (0): nothing wrong, or the verb did what it was asked.
- FAILED (1): a problem was found or remains: an error-severity finding (check, report, lint,
  kernels, fleet), a framework that does not work (verify), a fix that left errors or rolled back,
  a log without a known cause (explain), a restore that did not complete or was refused.
- USAGE (2): bad input (a missing file, an unknown option value, an interpreter that cannot be
  read), or nothing could be inspected.
- UNRESOLVED (3): a resolver (uv, the conda solver) could not answer: not a proof that nothing fits.
- 128 + N: stopped by signal N (130: SIGINT, 143: SIGTERM, 129: SIGHUP).
- `envdoctor run -- CMD` exits with CMD's own code, as a shell would: 128 + N when CMD was killed
  by signal N, NOT_EXECUTABLE (126) and NOT_FOUND (127) when it could not be started.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

OK = 0
FAILED = 1
USAGE = 2
UNRESOLVED = 3
SIGNALLED = 128
NOT_EXECUTABLE = 126
NOT_FOUND = 127


class _HasSeverity(Protocol):
    @property
    def severity(self) -> object: ...


def outcome(ok: bool) -> int:
    """OK when the verb's result is good, else FAILED."""
    return OK if ok else FAILED


def of_findings(findings: Iterable[_HasSeverity], *, inspected: bool = True) -> int:
    """FAILED when any finding is an error; USAGE when nothing could be inspected."""
    if not inspected:
        return USAGE
    return outcome(not any(getattr(f.severity, "value", f.severity) == "error" for f in findings))


def signalled(signum: int) -> int:
    return SIGNALLED + signum


def of_child(returncode: int) -> int:
    """A child's exit status as a shell reports it (-N from subprocess: killed by signal N)."""
    return signalled(-returncode) if returncode < 0 else returncode
