"""The zoo: real broken and healthy environments built from the package index (uv's cache makes a
rebuild take seconds), in the four kinds of target envdoctor must fix where the user is:

- "uv-venv": `uv venv` (no pip inside: fixes are `uv pip ... --python`);
- "pip-venv": `python -m venv` (pip inside: fixes are `PYTHON -m pip ...`);
- "em-prefix": a non-venv Python prefix whose standard library carries an EXTERNALLY-MANAGED
  marker (PEP 668), as a distro Python does: envdoctor must never install into it;
- "conda": a conda prefix built with py-rattler from a local channel (conda packages repackaged
  from the real wheels: python, numpy, pandas and its dependencies, pip), then pip packages
  installed over conda ones.

Each entry says how to build it and what envdoctor must find: the causes of check's error
findings and the cause verify gives (healthy ones: none).

Notes on choices:
- torch 2.1 from PyPI on Linux is the CUDA build; it imports only with its nvidia-* wheels
  (`--no-deps` leaves `libcublas.so.*[0-9] not found` at import), so torch 2.1.2 is installed
  with its dependencies (~2.5 GB, once, then from uv's cache). The CPU index
  (download.pytorch.org) is not reachable from this machine.
- The healthy torch uses the local CPU wheel in /opt/wheels when there is one (`--find-links`).
- "em-prefix": a private copy of the pyenv interpreter (the binary copied, the standard library
  linked entry by entry, its own site-packages), so the machine's interpreter is never touched;
  packages go in before the marker is written (as a distro's own packages are there before the
  user's pip refuses). Its user site is PYTHONUSERBASE=<zoo>/<env>.userbase, never ~/.local.
- "copied-site-packages": the site-packages of a Python 3.10 venv copied into a 3.11 venv.

Usage: `build(entry, root) -> Built` (a fresh environment every time: fixes change it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from envdoctor.actions.uvtool import uv_binary
from envdoctor.probe.interpreters import find_interpreter

LOCAL_WHEELS = Path("/opt/wheels")
KINDS = ("uv-venv", "pip-venv", "em-prefix", "conda")


@dataclass(frozen=True)
class Install:
    """One `uv pip install` into the environment; `target`: "env", "user" (its user site),
    "foreign" (a folder of another environment, put on PYTHONPATH), "source" (the Python 3.10
    venv whose site-packages is copied)."""

    specs: tuple[str, ...]
    options: tuple[str, ...] = ()
    target: str = "env"


@dataclass(frozen=True)
class ZooEntry:
    name: str
    python: str
    kind: str
    installs: tuple[Install, ...]
    check_causes: frozenset[str]  # causes (or codes, for rules without one) of check's errors
    verify_cause: str | None  # the cause verify must give (None: verify must pass)
    healthy: bool = False
    conda: tuple[str, ...] = ()  # conda specs (kind "conda")
    description: str = ""
    pythonpath: bool = False  # envdoctor runs with PYTHONPATH = the "foreign" folder
    copy_from: str | None = None  # "3.10": site-packages of a venv of that Python copied in


_NUMPY2 = Install(("numpy>=2",))

ZOO: tuple[ZooEntry, ...] = (
    # ---- uv venvs (no pip) -------------------------------------------------------------------
    ZooEntry(
        "tf212-numpy2",
        "3.11",
        "uv-venv",
        (Install(("tensorflow==2.12.*",)), _NUMPY2),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="TensorFlow 2.12, then `pip install numpy>=2` over it",
    ),
    ZooEntry(
        "torch21-numpy2",
        "3.11",
        "uv-venv",
        (Install(("torch==2.1.2",)), _NUMPY2),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="torch 2.1.2 (PyPI's CUDA build, built against NumPy 1) with numpy 2",
    ),
    ZooEntry(
        "pandas21-numpy2",
        "3.11",
        "uv-venv",
        (Install(("pandas==2.1.4",)), _NUMPY2),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="pandas 2.1.4 (built against NumPy 1), then numpy 2",
    ),
    ZooEntry(
        "keras3-tf215",
        "3.11",
        "uv-venv",
        (Install(("tensorflow==2.15.*",)), Install(("keras>=3",))),
        frozenset({"keras-version-mismatch"}),
        "keras-version-mismatch",
        description="TensorFlow 2.15, then Keras 3 over it (tf.keras silently becomes Keras 3)",
    ),
    ZooEntry(
        "two-tensorflows",
        "3.11",
        "uv-venv",
        (Install(("tensorflow==2.15.*", "numpy<2")), Install(("tensorflow-cpu==2.14.*", "numpy<2"))),
        frozenset({"ED105"}),  # several TensorFlow distributions (the rule has no cause id: its code)
        None,
        description="tensorflow 2.15 and tensorflow-cpu 2.14 installed over each other",
    ),
    ZooEntry(
        "copied-site-packages",
        "3.11",
        "uv-venv",
        (Install(("numpy==1.26.4", "pandas==2.1.4"), target="source"),),
        frozenset({"python-unsupported"}),
        "python-unsupported",
        description="a Python 3.10 venv's site-packages (numpy, pandas) copied under Python 3.11",
        copy_from="3.10",
    ),
    ZooEntry(
        "tf-cpu-healthy",
        "3.11",
        "uv-venv",
        (Install(("tensorflow-cpu",)),),
        frozenset(),
        None,
        healthy=True,
        description="the latest TensorFlow CPU build",
    ),
    ZooEntry(
        "jax-cpu-healthy",
        "3.11",
        "uv-venv",
        (Install(("jax[cpu]",)),),
        frozenset(),
        None,
        healthy=True,
        description="jax[cpu] as pip resolves it",
    ),
    # ---- venvs with pip --------------------------------------------------------------------------
    ZooEntry(
        "h5py310-numpy2",
        "3.11",
        "pip-venv",
        (Install(("h5py==3.10.0",)), _NUMPY2),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="h5py 3.10 (built against NumPy 1), then numpy 2",
    ),
    ZooEntry(
        "jaxlib-older-than-jax",
        "3.11",
        "pip-venv",
        (Install(("jax==0.4.30", "jaxlib==0.4.30", "numpy<2")), Install(("jaxlib==0.4.26",))),
        frozenset({"dependency-version-mismatch"}),
        "dependency-version-mismatch",
        description="jax 0.4.30 with jaxlib 0.4.26 installed over its own",
    ),
    ZooEntry(
        "tf210-protobuf4",
        "3.10",
        "pip-venv",
        (Install(("tensorflow-cpu==2.10.*", "numpy<2")), Install(("protobuf==4.*",))),
        frozenset({"protobuf-mismatch"}),
        "protobuf-mismatch",
        description="TensorFlow 2.10 (numpy 1), then protobuf 4 over it",
    ),
    ZooEntry(
        "pythonpath-leak",
        "3.11",
        "pip-venv",
        (Install(("tensorflow-cpu",)), Install(("numpy==1.24.4",), target="foreign")),
        frozenset({"env-leakage"}),
        "numpy-abi",  # TensorFlow (built against NumPy 2) fails on the leaked NumPy 1.24
        description="a healthy TensorFlow venv checked with PYTHONPATH at another environment's numpy 1.24",
        pythonpath=True,
    ),
    ZooEntry(
        "torch-pandas-sklearn-healthy",
        "3.11",
        "pip-venv",
        (
            Install(("torch", "pandas", "scikit-learn"), options=("--find-links", str(LOCAL_WHEELS)))
            if LOCAL_WHEELS.is_dir() and any(LOCAL_WHEELS.glob("torch-*.whl"))
            else Install(("torch", "pandas", "scikit-learn")),
        ),
        frozenset(),
        None,
        healthy=True,
        description="torch CPU (the local CPU wheel), pandas and scikit-learn",
    ),
    # ---- a non-venv prefix marked EXTERNALLY-MANAGED ---------------------------------------------
    ZooEntry(
        "em-pandas-numpy2",
        "3.11",
        "em-prefix",
        (Install(("pandas==2.1.4",)), _NUMPY2),
        frozenset({"numpy-abi"}),
        "numpy-abi",
        description="a distro-like Python (PEP 668 marker) with pandas 2.1.4 and numpy 2",
    ),
    ZooEntry(
        "em-user-site-shadow",
        "3.11",
        "em-prefix",
        (Install(("pandas==2.1.4", "numpy==1.26.4")), Install(("numpy>=2",), target="user")),
        frozenset({"env-leakage"}),
        "numpy-abi",
        description="a distro-like Python with pandas + numpy 1; numpy 2 in the user site wins",
    ),
    # ---- conda prefixes (py-rattler, local channel) ----------------------------------------------
    ZooEntry(
        "conda-pip-numpy2",
        "3.11",
        "conda",
        (_NUMPY2,),
        frozenset({"mixed-pip-conda", "numpy-abi"}),
        "numpy-abi",
        conda=("python=3.11", "pandas=2.1.4", "numpy=1.26.4", "pip"),
        description="conda's pandas and numpy 1.26, then `pip install numpy>=2` over conda's numpy",
    ),
    ZooEntry(
        "conda-healthy",
        "3.11",
        "conda",
        (Install(("scikit-learn",)),),
        frozenset(),
        None,
        healthy=True,
        conda=("python=3.11", "pandas=2.1.4", "numpy=1.26.4", "pip"),
        description="conda's pandas and numpy, scikit-learn (and scipy) from pip on top",
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
    env: dict[str, str] = field(default_factory=dict)  # variables to run envdoctor (and fixes) with
    seconds: float = 0.0
    root: Path = Path()


def _uv_env() -> dict[str, str]:
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return env


def _run(argv: Sequence[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(list(argv), env=env or _uv_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")


def base_python(version: str) -> Path:
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


def site_packages(prefix: Path) -> Path:
    found = sorted(prefix.glob("lib/python3*/site-packages"))
    if not found:
        raise RuntimeError(f"no site-packages in {prefix}")
    return found[0]


def build(item: ZooEntry, root: Path) -> Built:
    """Build `item` fresh under `root`."""
    start = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    prefix = root / item.name
    extras = {name: root / f"{item.name}.{name}" for name in ("userbase", "foreign", "source", "envs")}
    for path in (prefix, *extras.values()):
        if path.exists():
            shutil.rmtree(path)
    uv = uv_binary()
    base = base_python(item.python)
    run_env: dict[str, str] = {"ENVDOCTOR_ENVS_DIR": str(extras["envs"])}
    if item.kind == "em-prefix":
        python = private_prefix(base, prefix)
        extras["userbase"].mkdir()
        run_env["PYTHONUSERBASE"] = str(extras["userbase"])
    elif item.kind == "pip-venv":
        _run([str(base), "-m", "venv", str(prefix)])
        python = prefix / "bin" / "python"
    elif item.kind == "conda":
        python = _conda_prefix(item, prefix, root)
    else:
        _run([uv, "venv", "-q", "--python", str(base), str(prefix)])
        python = prefix / "bin" / "python"
    user_site = extras["userbase"] / "lib" / f"python{item.python}" / "site-packages"
    for step in item.installs:
        argv = [uv, "pip", "install", "-q", *step.options]
        if step.target == "user":
            user_site.mkdir(parents=True, exist_ok=True)
            argv += ["--python", str(python), "--target", str(user_site)]
        elif step.target == "foreign":
            argv += ["--python", str(python), "--target", str(extras["foreign"])]
        elif step.target == "source":
            source = base_python(item.copy_from or item.python)
            _run([uv, "venv", "-q", "--python", str(source), str(extras["source"])])
            argv += ["--python", str(extras["source"] / "bin" / "python")]
        else:
            argv += ["--python", str(python)]
        if item.kind == "em-prefix" and step.target == "env":
            argv.append("--break-system-packages")
        _run([*argv, *step.specs])
    if item.copy_from:
        _copy_site_packages(site_packages(extras["source"]), site_packages(prefix))
    if item.kind == "em-prefix":
        marker = prefix / "lib" / f"python{item.python}" / "EXTERNALLY-MANAGED"
        marker.write_text(
            "[externally-managed]\nError=This Python is managed by the zoo's pretend OS: use a venv.\n",
            encoding="utf-8",
        )
    if item.pythonpath:
        run_env["PYTHONPATH"] = str(extras["foreign"])
    return Built(item, prefix, python, run_env, time.perf_counter() - start, root)


def _copy_site_packages(source: Path, dest: Path) -> None:
    for entry_path in source.iterdir():
        if entry_path.name.startswith(("_virtualenv", "__pycache__")) or entry_path.suffix == ".pth":
            continue
        target = dest / entry_path.name
        if entry_path.is_dir():
            shutil.copytree(entry_path, target, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy2(entry_path, target)


def _conda_prefix(item: ZooEntry, prefix: Path, root: Path) -> Path:
    """A conda prefix from the zoo's local channel, solved and installed with py-rattler."""
    from envdoctor.actions.create import create
    from envdoctor.actions.envfile import BuildSpec
    from tests.zoo.condachan import channel

    chan = channel(root / "conda-channel", item.python)
    result = create(
        BuildSpec(conda=list(item.conda), channels=[chan.as_uri()], manager="conda"),
        prefix,
        verify=False,
        quiet=True,
    )
    if not result.ok:
        raise RuntimeError(f"py-rattler could not build {prefix}: {result.error}")
    return prefix / "bin" / "python"


def envdoctor_bin() -> str:
    """The folder of the envdoctor that runs the zoo (its printed `envdoctor ...` commands run from PATH)."""
    return str(Path(sys.executable).parent)
