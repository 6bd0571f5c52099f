"""Which environment an interpreter belongs to, read from its files without running it: the
prefix (a venv's pyvenv.cfg, a conda prefix's conda-meta, a pyenv version folder), the Python
version, the site-packages folders, and the frameworks (plus pip and ipykernel) installed there.

Used for every interpreter around the target (PATH, kernels, the active env), so it must stay a
handful of `stat`s and one listing per site-packages folder: the target itself is probed properly.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

from envdoctor.bounded import maybe_text
from envdoctor.frameworks import all_frameworks
from envdoctor.model import SeenInterpreter
from envdoctor.names import canonicalize_name

_TOOLS = ("pip", "ipykernel", "ipython", "jupyter-core")
_VERSION_IN_NAME = re.compile(r"python(\d+\.\d+)")
_LIB_PYTHON = re.compile(r"^python(\d+\.\d+)t?$")
_CONDA_PYTHON = re.compile(r"^python-(\d+\.\d+\.\d+)[^-]*-")
_VENV_DIR_NAMES = frozenset({".venv", "venv", "env", ".env", ".conda"})


def prefix_of(executable: str) -> str:
    """The folder an interpreter file belongs to: D for D/bin/python, D/Scripts/python.exe, D/python.exe."""
    folder = os.path.dirname(os.path.abspath(executable))
    if os.path.basename(folder).lower() in ("bin", "scripts"):
        return os.path.dirname(folder)
    return folder


def read_pyvenv_cfg(prefix: str) -> dict[str, str]:
    values: dict[str, str] = {}

    for line in (maybe_text(os.path.join(prefix, "pyvenv.cfg")) or "").splitlines():  # bounded, regular only
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values


def _conda_python_version(prefix: str) -> str:
    try:
        names = os.listdir(os.path.join(prefix, "conda-meta"))
    except OSError:
        return ""
    for name in names:
        match = _CONDA_PYTHON.match(name)
        if match:
            return match.group(1)
    return ""


def _lib_versions(prefix: str) -> list[str]:
    found = []
    for lib in ("lib", "lib64"):
        try:
            names = os.listdir(os.path.join(prefix, lib))
        except OSError:
            continue
        for name in names:
            match = _LIB_PYTHON.match(name)
            if match and match.group(1) not in found:
                found.append(match.group(1))
    return sorted(found, key=lambda v: tuple(int(p) for p in v.split(".")))


def conda_env_name(prefix: str) -> str:
    """conda's name for a prefix: the folder name under `envs/`, "base" for a root install."""
    parent = os.path.basename(os.path.dirname(prefix))
    return os.path.basename(prefix) if parent == "envs" else "base"


def venv_name(prefix: str) -> str:
    """The name a user calls a venv by: its folder, or project/.venv for the usual folder names."""
    base = os.path.basename(prefix)
    if base.lower() in _VENV_DIR_NAMES:
        return f"{os.path.basename(os.path.dirname(prefix))}/{base}"
    return base


def user_site(version: str, env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """The user site-packages a non-venv Python of `version` ("3.11") adds, None when disabled."""
    if env.get("PYTHONNOUSERSITE") or not re.match(r"^\d+\.\d+", version):
        return None
    major_minor = ".".join(version.split(".")[:2])
    home = env.get("HOME") or os.path.expanduser("~")
    base = env.get("PYTHONUSERBASE")
    if platform == "win32":
        base = base or os.path.join(env.get("APPDATA") or home, "Python")
        return os.path.join(base, "Python" + major_minor.replace(".", ""), "site-packages")
    return os.path.join(base or os.path.join(home, ".local"), "lib", f"python{major_minor}", "site-packages")


def site_folders(prefix: str, version: str, kind: str, cfg: Mapping[str, str], env: Mapping[str, str]) -> list[str]:
    """The site-packages folders of an interpreter, in sys.path order (user site first)."""
    minors = [".".join(version.split(".")[:2])] if version else _lib_versions(prefix)
    folders: list[str] = []
    system_site = cfg.get("include-system-site-packages", "false").lower() == "true"
    if kind != "venv" or system_site:
        for minor in minors:
            site = user_site(minor, env)
            if site:
                folders.append(site)
    roots = [prefix]
    if kind == "venv" and system_site and cfg.get("home"):
        roots.append(prefix_of(os.path.join(cfg["home"], "python")))
    for root in roots:
        for minor in minors:
            folders += [
                os.path.join(root, "lib", f"python{minor}", "site-packages"),
                os.path.join(root, "lib64", f"python{minor}", "site-packages"),
            ]
            if root in ("/usr", "/usr/local") or root == "/":
                # Debian's layout: /usr/local/lib/python3.X/dist-packages, /usr/lib/python3/dist-packages
                folders += [f"/usr/local/lib/python{minor}/dist-packages", "/usr/lib/python3/dist-packages"]
                folders.append(f"/usr/lib/python{minor}/dist-packages")
        folders.append(os.path.join(root, "Lib", "site-packages"))
    seen: list[str] = []
    real: set[str] = set()
    for folder in folders:
        if folder not in seen and os.path.isdir(folder) and os.path.realpath(folder) not in real:
            seen.append(folder)
            real.add(os.path.realpath(folder))  # a venv's lib64 is a link to lib
    return seen


def interesting() -> frozenset[str]:
    """What is worth knowing about an interpreter the user runs besides the target: the frameworks
    (with their compiled part and Keras) and the tools that run them."""
    names = set(_TOOLS)
    for fw in all_frameworks():
        names.update(fw.distributions)
        if fw.binary:
            names.add(fw.binary)
        if fw.keras is not None:
            names.update((fw.keras.package, fw.keras.legacy))
    return frozenset(names)


def interesting_packages(folders: list[str], wanted: frozenset[str] | None = None) -> dict[str, str]:
    """name -> version of the `wanted` distributions (default: `interesting()`), from the metadata
    folder names (first wins)."""
    wanted = interesting() if wanted is None else wanted
    found: dict[str, str] = {}
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for entry in names:
            stem, dot, suffix = entry.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                continue
            name, _, rest = stem.partition("-")
            key = canonicalize_name(name)
            if key in wanted and key not in found:
                found[key] = rest.split("-py")[0]
    return found


def identify(
    executable: str,
    *,
    resolved: str | None = None,
    env: Mapping[str, str],
    pyenv_root: str | None = None,
    via: str = "",
) -> SeenInterpreter:
    """What the files say about the interpreter `executable` (`resolved`: the file it runs, when
    a shim stands in between)."""
    target = resolved if resolved is not None else executable
    seen = SeenInterpreter(executable=executable, via=via)
    if not target or not os.path.isfile(target):
        seen.exists = False
        seen.resolved = ""
        if target and not os.path.exists(target):
            seen.problems.append(f"{target} does not exist")
        prefix = prefix_of(target or executable)
        if os.path.isdir(prefix):
            seen.prefix = os.path.realpath(prefix)
        return seen
    seen.resolved = target
    # A venv's bin/python is a link to its base: the venv is where the named file sits.
    prefix = prefix_of(target)
    cfg = read_pyvenv_cfg(prefix)
    if not cfg and not os.path.isdir(os.path.join(prefix, "conda-meta")):
        prefix = prefix_of(os.path.realpath(target))
        cfg = read_pyvenv_cfg(prefix)
    prefix = os.path.realpath(prefix)
    seen.prefix = prefix
    version = cfg.get("version_info") or cfg.get("version") or ""
    if cfg:
        seen.env_kind, seen.env_name = "venv", venv_name(prefix)
    elif os.path.isdir(os.path.join(prefix, "conda-meta")):
        seen.env_kind, seen.env_name = "conda", conda_env_name(prefix)
        version = version or _conda_python_version(prefix)
    elif pyenv_root and _under(prefix, os.path.join(os.path.realpath(pyenv_root), "versions")):
        seen.env_kind, seen.env_name = "pyenv", os.path.basename(prefix)
        version = os.path.basename(prefix) if re.match(r"^\d+\.\d+", os.path.basename(prefix)) else ""
    else:
        seen.env_kind = "system"
    if not version:
        for name in (target, os.path.realpath(target)):
            match = _VERSION_IN_NAME.search(os.path.basename(name))
            if match:
                version = match.group(1)
                break
    if not version:
        libs = _lib_versions(prefix)
        version = libs[-1] if len(libs) == 1 else ""
    seen.version = version.split("+")[0].strip()
    minor = ".".join(seen.version.split(".")[:2])
    marker = os.path.join(prefix, "lib", f"python{minor}", "EXTERNALLY-MANAGED")
    if seen.env_kind != "venv" and minor and os.path.isfile(marker):
        seen.externally_managed = marker
    seen.site_packages = site_folders(prefix, seen.version, seen.env_kind, cfg, env)
    seen.packages = interesting_packages(seen.site_packages)
    return seen


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
