"""Real environments and real faults for the adversarial tests of envdoctor's changing verbs
(fix --apply, restore, create): broken venvs built with uv from local wheels, a package index
that holds its downloads until told to let go, process scans, and small tmpfs mounts."""

from __future__ import annotations

import http.server
import json
import os
import select
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.actions.fakes import build_wheel, make_venv, uv_install, wheel_folder

ENVDOCTOR = [sys.executable, "-m", "envdoctor"]


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for an envdoctor child: private state and uv cache, no proxy for 127.0.0.1."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.update(
        ENVDOCTOR_STATE_DIR=str(tmp_path / "state"),
        UV_CACHE_DIR=str(tmp_path / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str], stdin: int | None = subprocess.DEVNULL, timeout: float = 300):
    return subprocess.run([*ENVDOCTOR, *args], capture_output=True, text=True, env=env, timeout=timeout, stdin=stdin)


def broken_venv(tmp_path: Path, name: str = "env") -> tuple[Path, Path]:
    """(python, wheels): a real venv holding the fake tensorflow 2.15.0 under numpy 2.0.0, which
    check reports as ED102 with the fix `pip install 'numpy<2'` (numpy 1.26.4 in `wheels`)."""
    wheels = wheel_folder(tmp_path / "wheels")
    python = make_venv(tmp_path / name)
    env = dict(os.environ, UV_CACHE_DIR=str(tmp_path / "uv-cache"))
    with _env(env):
        uv_install(python, wheels, "tensorflow==2.15.0", "numpy==2.0.0")
    return python, wheels


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def big_numpy_wheel(folder: Path, version: str = "1.26.4", files: int = 1, size: int = 0) -> Path:
    """A numpy `version` wheel with `files` extra modules and one data file of `size` random
    bytes (base64, so it does not compress): slow to install, or larger than a small disk."""
    import base64

    contents = {"numpy/__init__.py": f'__version__ = "{version}"\n'}
    for n in range(files):
        contents[f"numpy/part{n // 100}/m{n}.py"] = f"X = {n}\n"
    if size:
        contents["numpy/blob.txt"] = base64.b64encode(os.urandom(size * 3 // 4)).decode()
    for old in folder.glob(f"numpy-{version}-*.whl"):
        old.unlink()
    return build_wheel(folder, "numpy", version, contents)


def site_of(python: Path) -> Path:
    found = sorted((python.parent.parent / "lib").glob("python3*/site-packages"))
    assert found
    return found[0]


def installed(python: Path) -> dict[str, str]:
    out = {}
    for info in site_of(python).glob("*.dist-info"):
        name, version = info.name[: -len(".dist-info")].split("-", 1)
        out[name.lower()] = version
    return out


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` (relative path -> sha256), symlinks as their target."""
    import hashlib

    out: dict[str, str] = {}
    for here, _dirs, names in os.walk(root):
        for name in names:
            path = Path(here) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = "link:" + os.readlink(path)
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# ---- a package index that holds its downloads ----------------------------------------------------


class HoldingIndex:
    """A find-links page over HTTP (127.0.0.1) whose wheel downloads wait until `release()`:
    an install that is under way for as long as a test needs. `requests` counts wheel requests,
    `open_downloads` those still connected."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.released = threading.Event()
        self.requests = 0
        self.open_downloads = 0
        self.lock = threading.Lock()
        index = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                super().__init__(*args, directory=str(folder), **kwargs)

            def log_message(self, format, *args):  # type: ignore[no-untyped-def]
                pass

            def _closed_by_client(self) -> bool:
                readable, _, _ = select.select([self.connection], [], [], 0)
                if not readable:
                    return False
                try:
                    return self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    return True

            def copyfile(self, source, outputfile):  # type: ignore[no-untyped-def]
                if not self.path.endswith(".whl"):
                    return super().copyfile(source, outputfile)
                with index.lock:
                    index.requests += 1
                    index.open_downloads += 1
                try:
                    while not index.released.wait(0.1):
                        if self._closed_by_client():
                            return None
                    return super().copyfile(source, outputfile)
                except OSError:
                    return None
                finally:
                    with index.lock:
                        index.open_downloads -= 1

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HoldingIndex:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        self.released.set()


# ---- processes -----------------------------------------------------------------------------------


def processes_mentioning(text: str) -> list[tuple[int, str]]:
    """Living processes (not this one, not zombies) whose command line contains `text`."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append((int(name), cmdline.strip()))
    return found


def wait_for(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def journal_events(prefix: Path) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for path in sorted((prefix / ".envdoctor" / "restore").glob("*/journal.jsonl")):
        for line in path.read_text().splitlines():
            with suppress(ValueError):
                events.append(json.loads(line))
    return events


def step_started(prefix: Path) -> bool:
    return any(e.get("event") == "start" for e in journal_events(prefix))


def start_fix(
    python: Path, find_links: str, env: dict[str, str], *extra: str, stdout: int = subprocess.PIPE
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *ENVDOCTOR,
            "fix",
            "--apply",
            "--yes",
            "--no-verify",
            "--python",
            str(python),
            "--find-links",
            find_links,
            "--no-index",
            *extra,
        ],
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def send(proc: subprocess.Popen[str], signum: int) -> None:
    os.kill(proc.pid, signum)


SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP, "SIGINT": signal.SIGINT}


# ---- small disks ---------------------------------------------------------------------------------


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` (we run as root); skip cleanly where mounting is refused."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` bind-mounted read-only onto itself (root cannot write there either); skip if refused."""
    first = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if first.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {first.stderr.decode(errors='replace').strip()}")
    second = subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True)
    try:
        if second.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {second.stderr.decode(errors='replace').strip()}")
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(path: Path) -> None:
    """Fill the file system holding `path` (a tmpfs) to the last byte."""
    for n, chunk in enumerate((1 << 20, 4096, 1)):
        try:
            fd = os.open(path / f"filler{n}", os.O_WRONLY | os.O_CREAT)
        except OSError:
            return
        try:
            while True:
                os.write(fd, b"\0" * chunk)
        except OSError:
            pass
        finally:
            os.close(fd)


def uv_install_private(python: Path, folder: Path, tmp_path: Path, *specs: str) -> None:
    with _env(dict(os.environ, UV_CACHE_DIR=str(tmp_path / "uv-cache"))):
        uv_install(python, folder, *specs)
