"""Keep every test (and the subprocesses it starts) away from the user's real cache and config."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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


@pytest.fixture(scope="session")
def broken_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real Python 3.12 venv holding TensorFlow 2.10's metadata next to NumPy 2 and protobuf 5 (as
    pip leaves it): ED102 numpy-abi, ED103 protobuf-mismatch, ED104. Tests only read it."""
    from tests.factories import make_dist
    from tests.test_probe import make_venv

    venv = make_venv(tmp_path_factory.mktemp("broken"), "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(
        site,
        "tensorflow-cpu",
        "2.10.1",
        requires=["numpy>=1.20", "protobuf<3.20,>=3.9.2"],
        wheel_tags=["cp310-cp310-manylinux_2_17_x86_64"],
        top_level=["tensorflow"],
    )
    make_dist(site, "numpy", "2.1.3", wheel_tags=["cp312-cp312-manylinux_2_17_x86_64"])
    make_dist(site, "protobuf", "5.28.0")
    return venv
