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

CONDA_FLAVOURS = ("micromamba", "mamba", "conda")


def bundled_uv() -> str | None:
    """The uv binary of the `uv` package envdoctor depends on: next to envdoctor's Python (a venv's
    or a `uv tool` environment's bin/, where the package puts it), else where `uv.find_uv_bin`
    looks (its import costs ~30 ms: only when the first place has none)."""
    beside = os.path.join(os.path.dirname(sys.executable), "uv.exe" if os.name == "nt" else "uv")
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
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
