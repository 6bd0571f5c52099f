"""envdoctor run -- CMD ARGS...: run a command, stream its output live, explain it if it fails.

The command's stdout and stderr go to this process's stdout and stderr as they arrive; envdoctor
reads them in passing (bounded memory) and, when the command fails, prints the explanation to
stderr. Exit code: the command's own (128+N when killed by signal N; 127 when it cannot be started).
The fixes are tailored to the environment that failed: the command's own interpreter when CMD is a
Python (`/env/bin/python -c ...`), else the interpreter of the script CMD names (its `#!` line, or
the python next to it: `/env/bin/pytest`), else the active environment. --python / --prefix /
--snapshot choose another; --no-env turns tailoring off.
"""

from __future__ import annotations

import argparse
import codecs
import os
import re
import shlex
import shutil
import signal
import sys
import threading
from typing import IO

from envdoctor import exitcodes
from envdoctor.commands.explain import add_tailoring_arguments, tailoring
from envdoctor.errors import Terminated, UsageError
from envdoctor.output import emit_error


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit code: the command's own; the explanation goes to stderr"
    parser.add_argument("--always", action="store_true", help="explain even when the command succeeds")
    add_tailoring_arguments(parser, default_env=True)
    parser.add_argument("cmd", nargs=argparse.REMAINDER, metavar="-- CMD ARGS", help="the command to run")


def run(args: argparse.Namespace) -> int:
    from envdoctor.explain import Session  # lazy: kept out of `run --help` (52 ms, 22 modules) and completion (4.9 ms)

    command = list(args.cmd)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError("no command given: envdoctor run -- CMD ARGS...")
    session = Session()
    lock = threading.Lock()

    def pump(source: IO[bytes], sink: IO[bytes], decoder_holder: list[str]) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        fd = source.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            try:
                sink.write(chunk)
                sink.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass
            text = decoder.decode(chunk)
            with lock:
                session.feed_text(text)
        tail = decoder.decode(b"", final=True)
        if tail:
            with lock:
                session.feed_text(tail)

    from envdoctor import process  # lazy: kept out of `run --help` (3.6 ms, 7 modules)

    try:  # in envdoctor's process group: it reads the terminal, and the terminal's Ctrl-C reaches it
        child = process.spawn(command, stdin=None, stdout=process.PIPE, stderr=process.PIPE, group="ours")
    except process.StartError as exc:
        if isinstance(exc.cause, PermissionError):
            emit_error(f"envdoctor run: cannot execute {command[0]} (permission denied)")
            return exitcodes.NOT_EXECUTABLE
        if isinstance(exc.cause, FileNotFoundError):
            emit_error(f"envdoctor run: command not found: {command[0]}")
        else:
            emit_error(f"envdoctor run: cannot start {command[0]}: {exc.cause.strerror or exc.cause}")
        return exitcodes.NOT_FOUND
    stdout, stderr = child.popen.stdout, child.popen.stderr
    assert stdout is not None and stderr is not None
    threads = [
        threading.Thread(target=pump, args=(stdout, sys.stdout.buffer, []), daemon=True),
        threading.Thread(target=pump, args=(stderr, sys.stderr.buffer, []), daemon=True),
    ]
    # lazy: kept out of `run --help` (18 ms, 20 modules) and completion (1.0 ms)
    from envdoctor.childsignals import held_signals, wait_child

    # Signals to envdoctor reach the child; a second one, or SIGTERM, never leaves it running.
    with held_signals() as held:
        for thread in threads:
            thread.start()
        waited = wait_child(child.popen, held=held)
        for thread in threads:
            thread.join(5.0)  # a background grandchild may keep the pipes open
    code = exitcodes.of_child(waited.returncode)
    if waited.stopped_by is not None:
        raise Terminated(waited.stopped_by)
    if waited.interrupted:
        return code or exitcodes.signalled(signal.SIGINT)
    if code == exitcodes.OK and not args.always:
        return exitcodes.OK
    from envdoctor.render import formats  # lazy: kept out of `run --help` (12 ms, 14 modules)

    # lazy: kept out of `run --help` (27 ms, 16 modules) and completion (11 ms)
    from envdoctor.render.views.explain import explanation_document

    snapshot, kb = tailoring(args, probe_default=True, failing=failing_interpreter(command))
    with lock:
        result = session.finish(snapshot=snapshot, kb=kb)
    if code:
        emit_error(f"\nenvdoctor: `{shlex.join(command)}` exited with {code}")
    else:
        emit_error("")
    formats.show(explanation_document(result), args.format, stream=sys.stderr)
    return code


_PYTHON_NAME = re.compile(r"^python(\d+(\.\d+)?)?[tdmu]*(\.exe)?$", re.IGNORECASE)


def failing_interpreter(command: list[str], path: str | None = None) -> str | None:
    """The interpreter whose environment `command` ran in: CMD itself when it is a Python, else the
    interpreter of CMD's `#!` line, else a python next to CMD (a venv's or conda env's bin/), else
    None. Paths are kept as found on PATH, not resolved: a venv's bin/python is a link to its base."""
    if not command:
        return None
    found = shutil.which(command[0], path=path) if os.sep not in command[0] else command[0]
    if not found or not os.path.isfile(found):
        return None
    found = os.path.abspath(found)
    if _PYTHON_NAME.match(os.path.basename(found)):
        return found
    try:
        with open(found, "rb") as handle:
            first = handle.readline(512).decode("utf-8", "replace").strip()
    except OSError:
        first = ""
    if first.startswith("#!"):
        words = first[2:].split()
        if words and os.path.basename(words[0]) == "env":
            words = [w for w in words[1:] if not w.startswith("-") and "=" not in w][:1]
            words = [shutil.which(words[0], path=path) or words[0]] if words else []
        if words and _PYTHON_NAME.match(os.path.basename(words[0])) and os.path.isfile(words[0]):
            return words[0]
    folder = os.path.dirname(found)
    for name in ("python", "python3", "python.exe"):
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None
