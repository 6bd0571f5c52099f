"""Which installers this machine has, so that a printed fix names one that runs here.

uv: `uv` when one is on PATH (printed as `uv`), else the absolute path of the uv that ships with
envdoctor (the `uv` package). conda, mamba, micromamba: $MAMBA_EXE / $CONDA_EXE (conda is often a
shell function, not a file on PATH), else on PATH. rattler: the Python running envdoctor, when it
can import py-rattler (conda prefixes without any conda). Stdlib only; no subprocess.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping

from envdoctor.errors import EnvdoctorError

CONDA_FLAVOURS = ("micromamba", "mamba", "conda")


def uv_binary() -> str:
    """$ENVDOCTOR_UV if set, else uv from the `uv` Python package (a dependency of envdoctor),
    else uv on PATH."""
    chosen = os.environ.get("ENVDOCTOR_UV")
    if chosen:
        if not os.access(chosen, os.X_OK):
            raise EnvdoctorError(f"ENVDOCTOR_UV={chosen}: not an executable file")
        return chosen
    try:
        # lazy: optional dependency (uv)
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found:
            return found
    raise EnvdoctorError("uv is not available: install it (`pip install uv`)")


def uv_env(*, allow_python_downloads: bool = False, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment uv runs with: no interpreter downloads unless asked, no stray venv."""
    env = dict(os.environ if base is None else base)
    env["UV_PYTHON_DOWNLOADS"] = "automatic" if allow_python_downloads else "never"
    env.pop("VIRTUAL_ENV", None)  # always pass --python explicitly
    env.pop("UV_VENV_CLEAR", None)  # `uv venv` never clears a folder: create decides what may go
    if not _tty():
        env.setdefault("UV_NO_PROGRESS", "1")
    return env


def _tty() -> bool:
    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


def bundled_uv() -> str | None:
    """The uv binary of the `uv` package envdoctor depends on: next to envdoctor's Python (a venv's
    or a `uv tool` environment's bin/, where the package puts it), else where `uv.find_uv_bin`
    looks (its import costs ~30 ms: only when the first place has none)."""
    beside = os.path.join(os.path.dirname(sys.executable), "uv.exe" if os.name == "nt" else "uv")
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    try:
        # lazy: optional dependency (uv)
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return None


def conda_tool(env: Mapping[str, str] | None = None) -> str | None:
    """The conda, mamba or micromamba to run (its path): $MAMBA_EXE / $CONDA_EXE when it is a file,
    else the first of micromamba, mamba, conda on PATH; None when there is none."""
    env = os.environ if env is None else env
    for var in ("MAMBA_EXE", "CONDA_EXE"):
        value = env.get(var)
        if value and os.path.isfile(value):
            return value
    for name in CONDA_FLAVOURS:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return found
    return None


def find_tools(env: Mapping[str, str] | None = None) -> dict[str, str]:
    env = os.environ if env is None else env
    path = env.get("PATH")
    tools: dict[str, str] = {}
    if shutil.which("uv", path=path):
        tools["uv"] = "uv"
    else:
        uv = bundled_uv()
        if uv:
            tools["uv"] = uv
    for var in ("MAMBA_EXE", "CONDA_EXE"):
        value = env.get(var)
        if value and os.path.isfile(value):
            flavour = os.path.basename(value).split(".")[0]
            if flavour in CONDA_FLAVOURS:
                tools.setdefault(flavour, value)
    for name in CONDA_FLAVOURS:
        if name not in tools and shutil.which(name, path=path):
            tools[name] = name
    if _importable("rattler"):
        tools["rattler"] = sys.executable
    return tools


def _importable(package: str) -> bool:
    """Whether envdoctor's Python can import `package` (a folder on sys.path: importlib.util's
    import and find_spec cost more than the rest of this module)."""
    return any(os.path.isfile(os.path.join(entry or ".", package, "__init__.py")) for entry in sys.path)
