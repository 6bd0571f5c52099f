"""The Jupyter kernel specs the user's Jupyter finds, read from their kernel.json files (no kernel
is ever started).

The search path is jupyter_core's `jupyter_path("kernels")` (plus IPython's `~/.ipython/kernels`,
which jupyter_client adds), computed for *the user's Jupyter*: the interpreter of the `jupyter`
first on PATH, whose sys.prefix, venv-ness and user site decide the order. Two ways:
- `search_path_from_jupyter_core`: ask jupyter_core itself, inside that interpreter (one
  subprocess; used by `envdoctor kernels` when jupyter_core is installed there);
- `search_path`: the same order in the standard library, from the interpreter's files (used by
  `check`, which must not spend a subprocess on it). tests/test_jupyter_paths.py checks that both agree.
Listing follows jupyter_client's KernelSpecManager: folder names lower-cased, the first folder
with a name wins, and `python3` falls back to ipykernel's built-in spec in the Jupyter's own env.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from envdoctor.bounded import load_json, read_bytes
from envdoctor.model import KernelSpecFacts, SeenInterpreter
from envdoctor.probe.envfiles import prefix_of, read_pyvenv_cfg
from envdoctor.probe.pathfind import is_python_name, which_all

_FALSE = ("no", "n", "false", "off", "0", "0.0")
_KERNEL_NAME = re.compile(r"^[a-z0-9._\-]+$", re.IGNORECASE)
_CONDA_RUNNERS = ("conda", "mamba", "micromamba")
NATIVE_KERNEL = "python3"


def _envset(env: Mapping[str, str], name: str) -> bool:
    return name in env and env[name].lower() not in _FALSE


@dataclass(frozen=True)
class JupyterHost:
    """What jupyter_core's path logic reads from the interpreter Jupyter runs in."""

    prefix: str  # sys.prefix
    base_prefix: str  # sys.base_prefix
    user_site_enabled: bool  # site.ENABLE_USER_SITE
    user_base: str | None  # site.getuserbase()
    owned: bool  # the user owns sys.prefix (jupyter_core's _do_i_own)
    platform: str = sys.platform
    ipython: bool = False  # IPython is importable there (jupyter_client then adds ~/.ipython/kernels)


def host_from_interpreter(seen: SeenInterpreter, env: Mapping[str, str], platform: str = sys.platform) -> JupyterHost:
    """The JupyterHost facts of an interpreter, from its files."""
    prefix = seen.prefix
    cfg = read_pyvenv_cfg(prefix) if prefix else {}
    base = prefix_of(os.path.join(cfg["home"], "python")) if cfg.get("home") else prefix
    # site.ENABLE_USER_SITE: a venv turns it off unless it includes the system site-packages
    enabled = cfg.get("include-system-site-packages", "false").lower() == "true" if cfg else True
    if env.get("PYTHONNOUSERSITE"):
        enabled = False
    home = env.get("HOME") or os.path.expanduser("~")
    user_base = env.get("PYTHONUSERBASE") or None
    if user_base is None:
        minor = ".".join(seen.version.split(".")[:2])
        if platform == "win32":
            user_base = os.path.join(env.get("APPDATA") or home, "Python")
        elif platform == "darwin" and "Python.framework" in (seen.resolved or prefix) and minor:
            user_base = os.path.join(home, "Library", "Python", minor)
        else:
            user_base = os.path.join(home, ".local")
    return JupyterHost(
        prefix=prefix,
        base_prefix=base,
        user_site_enabled=enabled,
        user_base=user_base,
        owned=_owned(prefix),
        platform=platform,
        ipython="ipython" in seen.packages,
    )


def _owned(path: str) -> bool:
    """jupyter_core's _do_i_own: the first existing folder up from `path` is the user's."""
    folder = os.path.abspath(path) if path else ""
    while folder and not os.path.exists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    if not folder:
        return False
    if hasattr(os, "geteuid"):
        try:
            return os.stat(folder).st_uid == os.geteuid()
        except OSError:
            pass
    return os.access(folder, os.W_OK)


def _home(env: Mapping[str, str]) -> str:
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.realpath(home)


def _appname(host: JupyterHost) -> str:
    if host.platform == "win32" or (host.platform == "darwin" and not host.prefix.startswith("/opt/homebrew")):
        return "Jupyter"
    return "jupyter"


def data_dir(host: JupyterHost, env: Mapping[str, str]) -> str:
    """jupyter_core.paths.jupyter_data_dir: where `--user` installs write."""
    if env.get("JUPYTER_DATA_DIR"):
        return env["JUPYTER_DATA_DIR"]
    home = _home(env)
    if _envset(env, "JUPYTER_PLATFORM_DIRS"):
        if host.platform == "darwin":
            return os.path.join(home, "Library", "Application Support", _appname(host))
        if host.platform == "win32":
            return os.path.join(env.get("LOCALAPPDATA") or home, _appname(host))
        xdg = env.get("XDG_DATA_HOME", "")
        return os.path.join(xdg if xdg.strip() else os.path.join(home, ".local", "share"), _appname(host))
    if host.platform == "darwin":
        return os.path.join(home, "Library", "Jupyter")
    if host.platform == "win32":
        appdata = env.get("APPDATA")
        if appdata:
            return os.path.realpath(os.path.join(appdata, "jupyter"))
        config = env.get("JUPYTER_CONFIG_DIR") or os.path.join(home, ".jupyter")
        return os.path.join(config, "data")
    xdg = env.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    return os.path.join(xdg, "jupyter")


def _system_path(host: JupyterHost, env: Mapping[str, str]) -> list[str]:
    windows = host.platform == "win32"
    programdata = env.get("PROGRAMDATA") if windows and _envset(env, "JUPYTER_USE_PROGRAMDATA") else None
    if _envset(env, "JUPYTER_PLATFORM_DIRS") and not (windows and programdata is None):
        if host.platform == "darwin":
            return [os.path.join("/Library/Application Support", _appname(host))]
        if windows:
            return [os.path.join(env.get("PROGRAMDATA", "C:\\ProgramData"), _appname(host))]
        dirs = env.get("XDG_DATA_DIRS", "")
        entries = dirs.split(os.pathsep) if dirs.strip() else ["/usr/local/share", "/usr/share"]
        return [os.path.join(os.path.expanduser(p), _appname(host)) for p in entries]
    if windows:
        return (
            [os.path.join(programdata, "jupyter")] if programdata else [os.path.join(host.prefix, "share", "jupyter")]
        )
    return ["/usr/local/share/jupyter", "/usr/share/jupyter"]


def _prefer_env(host: JupyterHost, env: Mapping[str, str]) -> bool:
    if "JUPYTER_PREFER_ENV_PATH" in env:
        return _envset(env, "JUPYTER_PREFER_ENV_PATH")
    if host.prefix != host.base_prefix and host.owned:
        return True
    conda = env.get("CONDA_PREFIX")
    return bool(
        conda and host.prefix.startswith(conda) and env.get("CONDA_DEFAULT_ENV", "base") != "base" and host.owned
    )


def search_path(host: JupyterHost, env: Mapping[str, str]) -> list[str]:
    """jupyter_core.paths.jupyter_path("kernels") for `host`, then IPython's kernels folder."""
    paths: list[str] = []
    if env.get("JUPYTER_PATH"):
        paths.extend(p.rstrip(os.sep) for p in env["JUPYTER_PATH"].split(os.pathsep))
    user = [data_dir(host, env)]
    if host.user_site_enabled and host.user_base:
        user_dir = os.path.join(host.user_base, "share", "jupyter")
        if user_dir not in user:
            user.append(user_dir)
    system = _system_path(host, env)
    env_dirs = [os.path.join(host.prefix, "share", "jupyter")]
    env_only = env_dirs if env_dirs == system else [p for p in env_dirs if p not in system]
    paths += (env_only + user) if _prefer_env(host, env) else (user + env_only)
    paths += [p for p in system if p not in paths]
    kernels = [os.path.join(p, "kernels") for p in paths]
    if host.ipython:
        ipython_dir = env.get("IPYTHONDIR") or os.path.join(_home(env), ".ipython")
        kernels.append(os.path.join(ipython_dir, "kernels"))
    return kernels


_ASK_JUPYTER_CORE = (
    "import json, os, sys\n"
    "from jupyter_core.paths import jupyter_path\n"
    "import jupyter_core\n"
    "dirs = jupyter_path('kernels')\n"
    "try:\n"
    "    from IPython.paths import get_ipython_dir\n"
    "    dirs.append(os.path.join(get_ipython_dir(), 'kernels'))\n"
    "except ImportError:\n"
    "    pass\n"
    "print(json.dumps({'dirs': dirs, 'version': jupyter_core.__version__}))\n"
)


def search_path_from_jupyter_core(
    python: str, env: Mapping[str, str], timeout: float = 20.0
) -> tuple[list[str], str] | None:
    """The search path as jupyter_core computes it inside `python` (and its version); None when
    that interpreter cannot tell (no jupyter_core, or it fails)."""
    # lazy: keeps tempfile out of check's start-up (4.0 ms, 14 modules)
    import tempfile

    # lazy: defers process (10.1 ms, 13 modules) until search_path_from_jupyter_core() runs (check's start-up)
    from envdoctor import process

    try:
        # It imports jupyter_core in `python` on purpose; from an empty folder, so a jupyter_core.py
        # or json.py in the current folder is not what answers.
        with tempfile.TemporaryDirectory(prefix="envdoctor-jupyter-") as empty:
            done = process.run([python, "-c", _ASK_JUPYTER_CORE], env=env, timeout=timeout, cwd=empty, limit=1 << 20)
        data = json.loads(done.stdout.strip().splitlines()[-1]) if done.ok and done.stdout else None
    except (OSError, process.StartError, ValueError, IndexError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("dirs"), list):
        return None
    return [str(d) for d in data["dirs"]], str(data.get("version", "?"))


def _list_kernels_in(folder: str) -> dict[str, str]:
    """jupyter_client's _list_kernels_in: lower-cased folder name -> the folder with a kernel.json."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return {}
    found: dict[str, str] = {}
    for name in names:
        path = os.path.join(folder, name)
        if os.path.isdir(path) and os.path.isfile(os.path.join(path, "kernel.json")):
            found[name.lower()] = path
    return found


def find_kernel_specs(dirs: Sequence[str]) -> list[KernelSpecFacts]:
    """Every kernel name the search path yields, with the spec that wins and the ones it hides."""
    winners: dict[str, KernelSpecFacts] = {}
    for folder in dirs:
        for name, path in _list_kernels_in(folder).items():
            if name in winners:
                winners[name].shadows.append(path)
                continue
            spec = read_kernel_json(name, path)
            spec.search_dir = folder
            winners[name] = spec
    return list(winners.values())


def read_kernel_json(name: str, resource_dir: str) -> KernelSpecFacts:
    spec = KernelSpecFacts(name=name, resource_dir=resource_dir)
    if not _KERNEL_NAME.match(name):
        spec.problems.append(f"{name!r} is not a valid kernel name (letters, digits, '.', '-', '_')")
    path = os.path.join(resource_dir, "kernel.json")

    try:
        data = load_json(read_bytes(path, 1 << 20).decode("utf-8", errors="replace"), path)
    except (OSError, ValueError) as exc:
        spec.problems.append(f"{path}: unreadable kernel.json ({exc})")
        return spec
    if not isinstance(data, dict):
        spec.problems.append(f"{path}: kernel.json is not an object")
        return spec
    spec.display_name = str(data.get("display_name") or "")
    spec.language = str(data.get("language") or "")
    argv = data.get("argv")
    if isinstance(argv, list) and all(isinstance(a, str) for a in argv) and argv:
        spec.argv = [a.replace("{resource_dir}", resource_dir) for a in argv]
    else:
        spec.problems.append(f"{path}: no argv list")
    env = data.get("env")
    if isinstance(env, dict):
        spec.env = {str(k): str(v) for k, v in env.items()}
    return spec


@dataclass
class KernelCommand:
    """The Python interpreter (and module) a kernel's argv runs."""

    interpreter: str  # "" when the kernel runs no Python interpreter envdoctor can name
    module: str = ""
    conda_env: str = ""  # `conda run -n NAME`: the env named (resolved by the caller)
    conda_prefix: str = ""  # `conda run -p PREFIX`
    note: str = ""


def kernel_command(
    argv: Sequence[str], path: Sequence[str], env: Mapping[str, str], *, host: str = "", host_version: str = ""
) -> KernelCommand:
    """What `argv` runs: `python -m ipykernel_launcher`, through `env VAR=x`, `conda run -n NAME`
    or `bash -c "... python -m ..."`. A bare `python` / `python3` / `python3.X` (of the Jupyter's
    own version) first in argv is the Jupyter's interpreter `host` (jupyter_client swaps in
    sys.executable); another bare name is looked up on `path` (the kernel's PATH)."""
    args = list(argv)
    result = KernelCommand(interpreter="")
    major_minor = host_version.split(".")[:2]
    own_names = {"python", *(f"python{v}" for v in (major_minor[0], ".".join(major_minor)) if v)} if host else set()
    if args and args[0] in own_names:
        result.interpreter = host
        if "-m" in args[1:]:
            index = args.index("-m", 1)
            result.module = args[index + 1] if index + 1 < len(args) else ""
        return result
    if args and os.path.basename(args[0]) == "env":
        args = args[1:]
        while args and ("=" in args[0] or args[0] in ("-i", "-")):
            args = args[1:]
    if args and os.path.basename(args[0]).split(".")[0] in _CONDA_RUNNERS and "run" in args[1:3]:
        rest = args[args.index("run") + 1 :]
        while rest and rest[0].startswith("-"):
            flag = rest.pop(0)
            if flag in ("-n", "--name") and rest:
                result.conda_env = rest.pop(0)
            elif flag in ("-p", "--prefix") and rest:
                result.conda_prefix = rest.pop(0)
            elif flag.startswith("--name="):
                result.conda_env = flag.split("=", 1)[1]
            elif flag.startswith("--prefix="):
                result.conda_prefix = flag.split("=", 1)[1]
        args = rest
    if args and os.path.basename(args[0]) in ("bash", "sh", "zsh", "cmd", "cmd.exe") and "-c" in args:
        script = args[args.index("-c") + 1] if args.index("-c") + 1 < len(args) else ""
        try:
            words = shlex.split(script.replace("&&", " ; ").replace(";", " ; "))
        except ValueError:
            words = script.split()
        starts = [i for i, w in enumerate(words) if is_python_name(w)]
        if not starts:
            result.note = "a shell command that runs no python envdoctor can see"
            return result
        args = words[starts[-1] :]
        result.note = "through a shell command"
    if not args or not is_python_name(args[0]):
        result.note = result.note or (f"runs {args[0]}, not a Python interpreter" if args else "empty argv")
        return result
    program = args[0]
    if result.conda_prefix and os.sep not in program:
        program = os.path.join(result.conda_prefix, "bin", program)
    elif os.sep not in program and "/" not in program and not result.conda_env:
        found = which_all(program, path, env)
        program = found[0][1] if found else program
    result.interpreter = program
    if "-m" in args[1:]:
        index = args.index("-m", 1)
        result.module = args[index + 1] if index + 1 < len(args) else ""
    return result
