"""Keep every test (and the subprocesses it starts) away from the user's real cache and config."""

from __future__ import annotations

import os
import tempfile

import pytest

_CACHE = tempfile.mkdtemp(prefix="envdoctor-test-cache-")
os.environ["ENVDOCTOR_CACHE_DIR"] = _CACHE
os.environ["ENVDOCTOR_STATE_DIR"] = tempfile.mkdtemp(prefix="envdoctor-test-state-")  # locks, restore points
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):  # type: ignore[no-untyped-def]
    """py-rattler 0.28 can crash while the interpreter finalises after its async calls (a few
    percent of runs): once the session has reported, leave without finalising when it was loaded."""
    import sys

    if "rattler" in sys.modules and _EXIT_STATUS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])
