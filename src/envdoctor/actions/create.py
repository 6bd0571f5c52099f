"""create: build a planned environment, then verify it.

pip manager (uv): `uv venv --python <an interpreter already on this machine>` (UV_PYTHON_DOWNLOADS=
never unless allowed), then `uv pip sync` of a pinned set (`uv pip install` when not pinned), then
pip itself, so the environment's own `python -m pip` works.

conda manager: conda / mamba / micromamba when one is installed (`env create -f` or `create`), else
py-rattler (`rattler.solve` + `rattler.install`); the pip part then goes in with uv. An
environment.yml's own python spec is kept as written (`python >=3.10` stays a range) unless --python
is given. py-rattler solves for this machine's virtual packages (`__glibc`, `__cuda`, ...), which
the CONDA_OVERRIDE_CUDA / CONDA_OVERRIDE_GLIBC / CONDA_OVERRIDE_OSX / CONDA_OVERRIDE_ARCHSPEC
variables override, as they do for conda; `nodefaults` is dropped and `defaults` means Anaconda's
main and r channels. Packages are cached in $RATTLER_CACHE_DIR (default ~/.cache/rattler).

--name NAME puts the environment in the envs folder: $ENVDOCTOR_ENVS_DIR, else
$XDG_DATA_HOME/envdoctor/envs (default ~/.local/share/envdoctor/envs).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor._version import __version__
from envdoctor.actions import interrupts
from envdoctor.actions import restore as points
from envdoctor.actions.containment import Boundary
from envdoctor.actions.containment import move_aside as rename_aside
from envdoctor.actions.envfile import BuildSpec
from envdoctor.actions.lock import hold, lock_path
from envdoctor.actions.proc import StepRun, progress, run_step
from envdoctor.actions.rattlerenv import rattler_channels
from envdoctor.actions.uvtool import IndexOptions, uv_binary, uv_env, uv_pip
from envdoctor.actions.verify import verify as run_verify
from envdoctor.errors import EnvdoctorError, UsageError
from envdoctor.frameworks import uv_index_option
from envdoctor.model import Interpreter
from envdoctor.probe.interpreters import find_interpreter
from envdoctor.probe.target import python_in
from envdoctor.probe.tools import conda_tool
from envdoctor.process import Completed, run


def envs_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("ENVDOCTOR_ENVS_DIR"):
        return Path(env["ENVDOCTOR_ENVS_DIR"]).expanduser()
    data = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "envdoctor" / "envs"


def destination(name: str | None, prefix: str | None) -> Path:
    if bool(name) == bool(prefix):
        raise UsageError("give exactly one of --name NAME or --prefix DIR")
    if name:
        if "/" in name or name in (".", "..") or not name.strip():
            raise UsageError(f"--name {name!r}: a name, not a path (use --prefix DIR for a path)")
        return envs_dir() / name
    assert prefix is not None
    return Path(prefix).expanduser().absolute()


@dataclass
class CreateResult:
    prefix: str
    python: str = ""
    manager: str = "pip"
    interpreter_source: str = ""
    spec: BuildSpec | None = None
    steps: list[StepRun] = field(default_factory=list)
    ok: bool = False
    error: str | None = None
    verify: Any = None  # VerifyReport
    seconds: float = 0.0
    moved_aside: str | None = None  # where a folder that was at the destination went
    replaced: bool = False  # an environment envdoctor made there was removed first (--force)

    def to_dict(self) -> dict[str, Any]:
        return {
            "prefix": self.prefix,
            "python": self.python,
            "manager": self.manager,
            "interpreter_source": self.interpreter_source,
            "spec": self.spec.to_dict() if self.spec else None,
            "steps": [s.to_dict() for s in self.steps],
            "ok": self.ok,
            "error": self.error,
            "verify": self.verify.to_dict() if self.verify is not None else None,
            "seconds": round(self.seconds, 3),
            "moved_aside": self.moved_aside,
            "replaced": self.replaced,
        }


class _Runner:
    """Runs the steps of a build, with progress lines, and stops at the first failure."""

    def __init__(self, result: CreateResult, total: int, env: Mapping[str, str], quiet: bool) -> None:
        self.result = result
        self.total = total
        self.index = 0
        self.env = env
        self.quiet = quiet

    def step(self, name: str, argv: Sequence[str], *, required: bool = True) -> Completed:
        self.index += 1
        done = run_step(f"[{self.index}/{self.total}] {name}:", argv, env=self.env, quiet=self.quiet)
        self.result.steps.append(StepRun.of(done, name=name))
        if not done.ok and required:
            raise EnvdoctorError(f"{name} failed:\n{done.tail(15)}")
        return done


MARKER = Path(".envdoctor") / "created.json"
_VCS_FOLDERS = (".git", ".hg", ".svn", ".bzr")


@dataclass
class Destination:
    """How the destination was made ready: `fresh` (absent or empty before: envdoctor makes it),
    `replaced` (an environment envdoctor made, removed), `moved_aside` (where a folder went)."""

    path: Path
    fresh: bool = True
    replaced: bool = False
    moved_aside: Path | None = None


def made_by_envdoctor(dest: Path) -> bool:
    """Does `dest` hold an environment envdoctor created there? Its marker (written at creation)
    names this very folder; a copied or moved one does not count."""
    marker = dest / MARKER
    if marker.is_symlink() or not marker.is_file():
        return False
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict) and data.get("made_by") == "envdoctor" and data.get("prefix") == os.path.realpath(dest)
    )


def write_marker(dest: Path) -> None:
    """Mark `dest` as made by envdoctor (only ever for a folder that was absent or empty)."""
    bound = Boundary([dest], f"the new environment {dest}")
    bound.make_dirs(dest / MARKER.parent)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    data = {"made_by": "envdoctor", "version": __version__, "prefix": os.path.realpath(dest), "created": stamp}
    bound.write_text(dest / MARKER, json.dumps(data, indent=2) + "\n")


def prepare_destination(dest: Path, *, force: bool, move_aside: bool = False, quiet: bool = True) -> Destination:
    """Make `dest` ready to build into. Never removes a folder envdoctor did not create: an
    existing non-empty folder is refused, or with `move_aside` renamed next to itself (kept whole);
    with `force` only an environment envdoctor made there (its marker) is removed and rebuilt."""
    if dest.is_symlink():
        raise UsageError(f"{dest} is a symlink: give the folder it points to, or another --prefix")
    occupied = dest.exists() and (not dest.is_dir() or any(dest.iterdir()))
    prepared = Destination(dest)
    if occupied and move_aside:
        prepared.moved_aside = rename_aside(dest)
        if not quiet:
            progress(f"moved {dest} aside to {prepared.moved_aside} (nothing in it was removed)")
    elif occupied:
        mine = dest.is_dir() and made_by_envdoctor(dest)
        kept = [name for name in _VCS_FOLDERS if (dest / name).exists()] if dest.is_dir() else []
        if not force or not mine or kept:
            if mine and kept:
                why = f"it holds {', '.join(kept)}, which envdoctor never puts in an environment"
            elif mine:
                why = "it is an environment envdoctor made: --force replaces it"
            elif dest.is_dir() and ((dest / "pyvenv.cfg").is_file() or (dest / "conda-meta").is_dir()):
                why = "it holds an environment envdoctor did not create, so --force does not remove it"
            else:
                why = "it is not an environment envdoctor created, so --force does not remove it"
            raise UsageError(
                f"{dest} exists and is not empty ({why}); --move-aside renames it to "
                f"{dest.name}.aside-<time> next to it, never deleting anything, and builds there"
            )
        Boundary([dest.parent], f"the folder of {dest}").remove(dest)
        prepared.replaced = True
        if not quiet:
            progress(f"removed {dest}, an environment envdoctor made there (--force)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return prepared


def create(
    spec: BuildSpec,
    dest: Path,
    *,
    python: str | None = None,
    allow_python_downloads: bool = False,
    index: IndexOptions | None = None,
    force: bool = False,
    move_aside: bool = False,
    verify: bool = True,
    verify_timeout: float = 300.0,
    quiet: bool = False,
) -> CreateResult:
    """Build `spec` at `dest`; a failure is reported in the result (ok False, error). The
    destination is locked meanwhile; SIGINT / SIGTERM / SIGHUP stop the running step and raise
    interrupts.Interruption."""
    with _locked(dest), interrupts.guarded():
        try:
            return _create(
                spec, dest, python, allow_python_downloads, index, force, move_aside, verify, verify_timeout, quiet
            )
        except interrupts.Interrupted as exc:
            state = (
                f"the unfinished environment at {dest} was made by envdoctor: `--force` replaces it"
                if made_by_envdoctor(dest)
                else "nothing was changed"
            )
            raise interrupts.Interruption(f"interrupted by {exc.label}; {state}", exc.signum) from None


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """The destination's lock (in the state folder: the prefix may not exist yet), and the
    environment's own lock (the one `fix --apply` takes) when envdoctor made the one there: a
    folder it did not make gets nothing written into it."""
    state = points.state_dir()
    path = lock_path(str(dest), state=state, in_prefix=False)
    try:
        Boundary([state], "envdoctor's state folder").make_dirs(path.parent)
    except OSError as exc:
        raise EnvdoctorError(f"cannot create the lock folder {path.parent}: {exc.strerror or exc}") from None
    with hold(path, prefix=str(dest), verb="create"):
        existing = Interpreter(
            executable="",
            prefix=str(dest),
            is_venv=(dest / "pyvenv.cfg").is_file(),
            is_conda=(dest / "conda-meta").is_dir(),
        )
        if (existing.is_venv or existing.is_conda) and made_by_envdoctor(dest):
            with points.locked(existing, "create"):
                yield
        else:
            yield


def _create(
    spec: BuildSpec,
    dest: Path,
    python: str | None,
    allow_python_downloads: bool,
    index: IndexOptions | None,
    force: bool,
    move_aside: bool,
    verify: bool,
    verify_timeout: float,
    quiet: bool,
) -> CreateResult:
    start = time.perf_counter()
    index = index or IndexOptions()
    version = python or spec.python
    result = CreateResult(prefix=str(dest), manager=spec.manager, spec=spec)
    prepared = prepare_destination(dest, force=force, move_aside=move_aside, quiet=quiet)
    result.moved_aside = str(prepared.moved_aside) if prepared.moved_aside else None
    result.replaced = prepared.replaced
    try:
        if spec.manager == "conda":
            _create_conda(spec, dest, python, index, result, allow_python_downloads, quiet)
        else:
            _create_pip(spec, dest, version, index, result, allow_python_downloads, quiet)
        result.ok = True
    except UsageError:
        raise
    except EnvdoctorError as exc:
        result.error = str(exc)
    finally:
        # whatever is at dest now, envdoctor made (it was absent or empty): marked, so --force may
        # replace it later, and nothing else ever will be
        if dest.is_dir() and not dest.is_symlink():
            with interrupts.shielded():
                write_marker(dest)
    if result.ok and verify:
        if not quiet:
            progress("verifying the new environment (import + a tiny computation per framework)")
        result.verify = run_verify(result.python, timeout=verify_timeout)
        result.ok = result.verify.ok
        if not result.ok:
            result.error = "verify failed: " + ", ".join(result.verify.failed)
    result.seconds = time.perf_counter() - start
    return result


def _base_interpreter(version: str | None, allow_downloads: bool) -> tuple[str, str]:
    """(what to pass to `uv venv --python`, how it was found). `version` may be an interpreter's
    path (`create --python /usr/bin/python3.12`)."""
    if version and os.path.isfile(version):
        return version, f"--python {version}"
    if version:
        found = find_interpreter(version)
        if found:
            return found
        if allow_downloads:
            return version, "uv (may download it)"
        raise UsageError(
            f"no Python {version} on this machine (looked at pyenv, python{version} on PATH, "
            f"`uv python find`): install it (e.g. `pyenv install {version}`) or pass "
            "--allow-python-downloads"
        )
    for name in ("python3", "python"):
        which = shutil.which(name)
        if which:
            return which, f"{name} on PATH"
    raise UsageError("no python3 on PATH: pass --python X.Y")


def _create_pip(
    spec: BuildSpec,
    dest: Path,
    version: str | None,
    index: IndexOptions,
    result: CreateResult,
    allow_downloads: bool,
    quiet: bool,
) -> None:
    base, how = _base_interpreter(version, allow_downloads)
    result.interpreter_source = how
    env = uv_env(allow_python_downloads=allow_downloads)
    runner = _Runner(result, 3, env, quiet)
    runner.step("venv", [uv_binary(), "venv", "--python", base, str(dest)])
    venv_python = _venv_python(dest)
    result.python = venv_python
    _install_pip_part(runner, spec, dest, venv_python, index, sync=True)
    if spec.manager == "pip" and not (dest / "bin" / "pip").exists():
        runner.step("pip itself", uv_pip("install", venv_python, "pip", index=index), required=False)


def _install_pip_part(
    runner: _Runner,
    spec: BuildSpec,
    dest: Path,
    python: str,
    index: IndexOptions,
    *,
    sync: bool,
) -> None:
    bound = Boundary([dest], f"the new environment {dest}")
    record = bound.make_dirs(dest / ".envdoctor" / "create")
    if spec.requirements_file:
        verb = "sync" if spec.pinned and sync else "install"
        argv = uv_pip(verb, python, *(["-r"] if verb == "install" else []), spec.requirements_file, index=index)
    elif spec.pip and spec.pinned and sync:
        req = record / "requirements.txt"
        bound.write_text(req, "\n".join(spec.pip) + "\n")
        argv = uv_pip("sync", python, str(req), index=index)
    elif spec.pip:
        argv = uv_pip("install", python, *spec.pip, index=index)
    else:
        runner.index += 1
        return
    option = uv_index_option()
    if spec.index_backend and option and not index.no_index:
        # the plan's framework came from its own wheel index (a CPU plan: the CPU wheel, never PyPI's CUDA one)
        argv += [option, spec.index_backend]
    runner.step("packages" if sync else "pip packages", argv)


def _venv_python(dest: Path) -> str:
    found = python_in(str(dest))
    if found is None:
        raise EnvdoctorError(f"no interpreter in {dest} after creating it")
    return found


def conda_command(tool: str, spec: BuildSpec, dest: Path, version: str | None) -> list[str]:
    """The conda / mamba / micromamba command that builds the conda part of `spec` at `dest`."""
    flavour = os.path.basename(tool).split(".")[0]
    if spec.env_file and not version:
        if flavour == "micromamba":
            return [tool, "create", "--yes", "--prefix", str(dest), "--file", spec.env_file]
        return [tool, "env", "create", "--prefix", str(dest), "--file", spec.env_file]
    argv = [tool, "create", "--yes", "--prefix", str(dest)]
    channels = [c for c in spec.channels if c != "nodefaults"] or ["conda-forge"]
    for channel in channels:
        argv += ["--channel", channel]
    if "nodefaults" in spec.channels:  # an environment.yml's `nodefaults`, on the command line
        argv.append("--override-channels")
    argv.append(f"python={version}" if version else "python")
    argv += spec.conda
    if spec.pip:
        argv.append("pip")
    return argv


def _create_conda(
    spec: BuildSpec,
    dest: Path,
    python: str | None,
    index: IndexOptions,
    result: CreateResult,
    allow_downloads: bool,
    quiet: bool,
) -> None:
    """`python` is the version asked for with --python (None: the spec's own python)."""
    tool = conda_tool()
    env = uv_env(allow_python_downloads=allow_downloads)
    runner = _Runner(result, 2, env, quiet)
    if tool:
        result.interpreter_source = os.path.basename(tool)
        version = python or (None if spec.env_file else spec.python)  # an environment.yml is used as written
        runner.step(f"conda packages ({os.path.basename(tool)})", conda_command(tool, spec, dest, version))
        env_file_has_pip = bool(spec.env_file) and not version
    else:
        result.interpreter_source = "py-rattler"
        runner.index += 1
        _rattler_install(spec, dest, python, result, quiet)
        env_file_has_pip = False
    result.python = _venv_python(dest)
    if spec.pip and not env_file_has_pip:
        _install_pip_part(runner, spec, dest, result.python, index, sync=False)


def rattler_specs(spec: BuildSpec, python: str | None) -> list[str]:
    """The match specs py-rattler solves: python (--python X.Y, else the spec's own), the conda
    part, and pip when there is a pip part."""
    if python:
        first = f"python={python}"
    elif spec.python_spec:
        first = spec.python_spec
    else:
        first = f"python={spec.python}" if spec.python else "python"
    return [first, *spec.conda] + (["pip"] if spec.pip else [])


def _solve_hint(message: str) -> str:
    """What to do when the solver's message names a virtual package this machine lacks."""
    hints = []
    if "__cuda" in message and not os.environ.get("CONDA_OVERRIDE_CUDA"):
        hints.append(
            "hint: a package needs __cuda (a CUDA driver) this machine does not offer; to build for a CUDA "
            "machine anyway, set CONDA_OVERRIDE_CUDA to its CUDA version (e.g. 12.4)"
        )
    if "__glibc" in message and not os.environ.get("CONDA_OVERRIDE_GLIBC"):
        hints.append(
            "hint: a package needs __glibc (the C library) in a version this machine may lack; "
            "CONDA_OVERRIDE_GLIBC (e.g. 2.28) solves for another machine"
        )
    return "".join(f"; {h}" for h in hints)


def _rattler_install(spec: BuildSpec, dest: Path, python: str | None, result: CreateResult, quiet: bool) -> None:
    """Solve and install the conda part with py-rattler (no conda on this machine).

    In a child process (`python -m envdoctor.actions.rattlerenv rattler-install`, the request as JSON on
    stdin, the outcome as one JSON line on stdout) that leaves with os._exit: py-rattler 0.28's
    runtime threads crash the interpreter's exit now and then (SIGSEGV / SIGABRT in
    PyGILState_Release), which would turn a built environment into a failed `create`."""
    if importlib.util.find_spec("rattler") is None:
        raise EnvdoctorError("no conda, mamba or micromamba, and py-rattler is not installed")
    specs = rattler_specs(spec, python)
    channels = rattler_channels(spec.channels)
    start = time.perf_counter()
    name = "conda packages (py-rattler)"
    if not quiet:
        progress(f"solving {' '.join(specs)} from {', '.join(channels)} (py-rattler)")
    request = {"channels": channels, "specs": specs, "prefix": str(dest), "quiet": quiet}
    # through envdoctor.process: in envdoctor's process group, known to the guardian, stopped on a signal
    done = run(
        [sys.executable, "-m", "envdoctor.actions.rattlerenv", "rattler-install"],
        input=json.dumps(request),
        stream_stderr=not quiet,
    )
    seconds = time.perf_counter() - start
    try:
        outcome = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = "\n".join((done.stderr or "").strip().splitlines()[-10:])
        result.steps.append(StepRun(["rattler", "install", *specs], False, seconds, tail, name))
        raise EnvdoctorError(f"py-rattler stopped before it was done (exit {done.returncode})") from None
    message = str(outcome.get("message") or "").strip()
    if outcome.get("stage") == "solve":
        result.steps.append(StepRun(["rattler", "solve", *specs], False, seconds, message, name))
        if outcome.get("solver"):
            headline = f"no conda environment satisfies {' '.join(specs)} (py-rattler)"
        else:
            first = message.splitlines()[0] if message else "unknown error"
            headline = f"py-rattler could not solve {' '.join(specs)}: {first}"
        raise EnvdoctorError(headline + _solve_hint(message))
    if not outcome.get("ok"):
        result.steps.append(StepRun(["rattler", "install", *specs], False, seconds, message, name))
        raise EnvdoctorError(f"py-rattler could not install the conda part into {dest}: {message}")
    result.steps.append(StepRun(["rattler", "install", *specs], True, seconds, name=name))
