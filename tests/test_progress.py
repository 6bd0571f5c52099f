"""Progress on standard error: a spinner on a terminal, plain lines in logs, nothing with -q."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envdoctor import output, progress

SRC = Path(__file__).resolve().parents[1] / "src"


def test_a_log_gets_a_line_for_a_slow_step_and_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "SLOW_S", 0.05)
    stream = io.StringIO()
    with progress.step("importing tensorflow", stream=stream) as status:
        time.sleep(0.2)
        status.update("running a matmul")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "… importing tensorflow"
    assert lines[-1].startswith("✓ importing tensorflow: running a matmul (done, ")


def test_a_quick_step_gets_only_its_outcome_and_failures_are_marked() -> None:
    stream = io.StringIO()
    with progress.step("planning six (uv)", stream=stream) as status:
        status.fail("nothing fits")
    assert stream.getvalue().splitlines() == [stream.getvalue().splitlines()[0]]
    assert stream.getvalue().startswith("✗ planning six (uv) (failed: nothing fits, ")
    with pytest.raises(RuntimeError), progress.step("boom", stream=stream):
        raise RuntimeError("x")
    assert "✗ boom (failed, " in stream.getvalue()


def test_quiet_prints_nothing() -> None:
    stream = io.StringIO()
    output.set_verbosity(-1)
    try:
        with progress.step("x", stream=stream):
            pass
    finally:
        output.set_verbosity(0)
    assert stream.getvalue() == ""


def test_a_terminal_gets_a_spinner_with_the_step() -> None:
    """A real pseudo-terminal: the spinner redraws the label, then the outcome line stays."""
    code = (
        "import time, sys\n"
        "from envdoctor import progress\n"
        "with progress.step('creating the venv', stream=sys.stderr):\n"
        "    time.sleep(0.6)\n"
    )
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "TERM": "xterm", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    deadline = time.time() + 30
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    text = seen.decode("utf-8", errors="replace")
    assert proc.returncode == 0, text
    assert text.count("creating the venv") >= 2, text  # the spinner's frames, then the outcome
    assert "✓ creating the venv (done, 0." in text or "✓ creating the venv (done, 1." in text
