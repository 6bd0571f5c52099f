"""The zoo: real broken (and two healthy) environments built from the package index with uv.

Each entry says how to build it and what envdoctor must find: the causes of check's error
findings, the cause verify gives, and that `fix --apply` repairs it so that verify passes.
Builds use uv's cache (hardlinks), so a rebuild takes seconds after the first download (~2.5 GB
in all: TensorFlow 2.15 / 2.14-cpu / 2.10-cpu / current, torch 2.2.2 with its CUDA wheels).

Notes on choices:
- torch < 2.3 from PyPI on Linux is the CUDA build; it imports only with its nvidia-* wheels
  (`--no-deps` leaves `libcublas.so.*[0-9] not found` at import), so torch 2.2.2 is installed with
  its dependencies (~2 GB, once, then cached). The CPU wheel index (download.pytorch.org) is not
  reachable from this machine.
- The healthy torch uses the local CPU wheel in /opt/wheels when present (`--find-links`).
- "user site shadows a package in a non-venv prefix": a private copy of the pyenv interpreter
  (the binary copied, the standard library linked file by file, its own empty site-packages), so
  it is a real non-venv prefix and the machine's own interpreter is never touched; the user site
  is PYTHONUSERBASE=<zoo>/<env>.userbase, never the real ~/.local.

Usage: `build(entry, root) -> Built` (a fresh environment every time; fix changes it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from envdoctor.actions.interpreters import find_interpreter
from envdoctor.actions.uvtool import uv_binary

LOCAL_WHEELS = Path("/opt/wheels")


@dataclass(frozen=True)
class Install:
    """One `uv pip install` into the environment (or with `target="user"` into its user site)."""

    specs: tuple[str, ...]
    options: tuple[str, ...] = ()
    target: str = "env"  # "env" | "user"


@dataclass(frozen=True)
class ZooEntry:
    name: str
    python: str
    installs: tuple[Install, ...]
    check_causes: frozenset[str]  # causes (or codes, for rules without one) of check's errors
    verify_cause: str | None  # the cause verify must give (None: verify must pass)
    healthy: bool = False
    layout: str = "venv"  # "venv" | "prefix" (a non-venv prefix with a user site)
    description: str = ""


ZOO: tuple[ZooEntry, ...] = (
    ZooEntry(
        "tf215-numpy2",
        "3.11",
        (Install(("tensorflow==2.15.*",)), Install(("numpy>=2",))),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="TensorFlow 2.15, then `pip install numpy>=2` over it",
    ),
    ZooEntry(
        "tfcpu210-as-today",
        "3.10",
        (Install(("tensorflow-cpu==2.10.*",)),),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="`pip install tensorflow-cpu==2.10.*` today: metadata admits numpy 2, which comes in",
    ),
    ZooEntry(
        "tf210-protobuf4",
        "3.10",
        (Install(("tensorflow-cpu==2.10.*", "numpy<2")), Install(("protobuf==4.*",))),
        frozenset({"protobuf-mismatch"}),
        "protobuf-mismatch",
        description="TensorFlow 2.10 (numpy 1), then protobuf 4 over it",
    ),
    ZooEntry(
        "user-site-shadow",
        "3.11",
        (
            Install(("tensorflow==2.15.*", "numpy<2", "pip")),
            Install(("numpy>=2",), target="user"),
        ),
        frozenset({"env-leakage"}),
        "numpy-abi",
        layout="prefix",
        description="non-venv prefix with TensorFlow 2.15 + numpy 1; numpy 2 in the user site wins",
    ),
    ZooEntry(
        "two-tensorflows",
        "3.11",
        (Install(("tensorflow==2.15.*", "numpy<2")), Install(("tensorflow-cpu==2.14.*", "numpy<2"))),
        frozenset({"ED105"}),  # several TensorFlow distributions (the rule has no cause id: its code)
        None,
        description="tensorflow 2.15 and tensorflow-cpu 2.14 installed over each other",
    ),
    ZooEntry(
        "torch22-numpy2",
        "3.11",
        (Install(("torch==2.2.2",)), Install(("numpy>=2",))),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="torch 2.2.2 (built against NumPy 1) with numpy 2",
    ),
    ZooEntry(
        "tf-healthy",
        "3.11",
        (Install(("tensorflow",)),),
        frozenset(),
        None,
        healthy=True,
        description="the current TensorFlow as pip resolves it",
    ),
    ZooEntry(
        "torch-cpu-healthy",
        "3.11",
        (Install(("torch", "numpy"), options=("--find-links", str(LOCAL_WHEELS))),)
        if LOCAL_WHEELS.is_dir() and any(LOCAL_WHEELS.glob("torch-*.whl"))
        else (Install(("torch", "numpy")),),
        frozenset(),
        None,
        healthy=True,
        description="torch CPU (the local CPU wheel when there is one) and numpy",
    ),
)


def entry(name: str) -> ZooEntry:
    for item in ZOO:
        if item.name == name:
            return item
    raise KeyError(name)


@dataclass
class Built:
    entry: ZooEntry
    prefix: Path
    python: Path
    env: dict[str, str] = field(default_factory=dict)  # environment to run envdoctor with
    seconds: float = 0.0


def _uv_env() -> dict[str, str]:
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    env.pop("VIRTUAL_ENV", None)
    return env


def _run(argv: Sequence[str], env: dict[str, str]) -> None:
    done = subprocess.run(list(argv), env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")


def _base_python(version: str) -> Path:
    found = find_interpreter(version)
    if found is None:
        raise RuntimeError(f"no Python {version} on this machine (pyenv install {version})")
    return Path(found[0])


def private_prefix(base_python: Path, dest: Path) -> Path:
    """A real, non-venv prefix: the interpreter binary copied, the stdlib linked entry by entry,
    and an empty site-packages of its own (the original interpreter is never written to)."""
    base_prefix = base_python.parent.parent
    minor = base_python.name.replace("python", "") or "3"
    stdlib = base_prefix / "lib" / f"python{minor}"
    (dest / "bin").mkdir(parents=True)
    shutil.copy2(base_python, dest / "bin" / base_python.name)
    (dest / "bin" / "python").symlink_to(base_python.name)
    (dest / "bin" / "python3").symlink_to(base_python.name)
    lib = dest / "lib" / f"python{minor}"
    lib.mkdir(parents=True)
    for item in stdlib.iterdir():
        if item.name != "site-packages":
            (lib / item.name).symlink_to(item)
    (lib / "site-packages").mkdir()
    for shared in (base_prefix / "lib").glob("libpython*"):
        (dest / "lib" / shared.name).symlink_to(shared)
    return dest / "bin" / base_python.name


def build(item: ZooEntry, root: Path) -> Built:
    """Build `item` fresh under `root`."""
    start = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    prefix = root / item.name
    userbase = root / f"{item.name}.userbase"
    for path in (prefix, userbase):
        if path.exists():
            shutil.rmtree(path)
    env = _uv_env()
    uv = uv_binary()
    base = _base_python(item.python)
    run_env: dict[str, str] = {}
    if item.layout == "prefix":
        python = private_prefix(base, prefix)
        userbase.mkdir()
        run_env["PYTHONUSERBASE"] = str(userbase)
    else:
        _run([uv, "venv", "-q", "--python", str(base), str(prefix)], env)
        python = prefix / "bin" / "python"
    minor = item.python
    user_site = userbase / "lib" / f"python{minor}" / "site-packages"
    for step in item.installs:
        argv = [uv, "pip", "install", "-q", *step.options]
        if step.target == "user":
            user_site.mkdir(parents=True, exist_ok=True)
            argv += ["--python", str(python), "--target", str(user_site)]
        else:
            argv += ["--python", str(python)]
        _run([*argv, *step.specs], env)
    return Built(item, prefix, python, run_env, time.perf_counter() - start)
