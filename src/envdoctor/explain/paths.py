"""Which Python installations a log shows: the prefixes of site-packages paths and interpreters.

`explain` reads them to see environment leakage: a package imported from the user site (~/.local,
%APPDATA%\\Python) or from the conda base while a conda env / venv is in use, or two different
interpreters (the shell's and the Jupyter kernel's). Only the lines the scanner kept are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# A path token ending in site-packages / dist-packages (the prefix is what comes before lib/...).
_SITE_RE = re.compile(
    r"""([^\s'"()\[\],<>`=]{0,400}?)[\\/]+(?:lib[\\/]+(?:python[\d.]*[\\/]+)?)?(?:site|dist)-packages(?=[\\/'"\s,\]);:]|$)"""
)
# A path into an installation's standard library (lib/python3.9/importlib/__init__.py), not its
# site-packages: `prefix` is the installation, `v` its Python (search a line, or match a path).
STDLIB_PATH = re.compile(
    r"^(?P<prefix>.+?)[\\/]+lib[\\/]+python(?P<v>[23]\.\d{1,2})[\\/]+(?!site-packages|dist-packages)\w"
)
# An interpreter path: .../bin/python3.10, ...\python.exe
_INTERP_RE = re.compile(
    r"""((?:[a-z]:|~|\$home|\.{0,2})?[\\/][^\s'"()\[\],<>`=]{0,400}?)[\\/]+(?:bin[\\/]+)?pythonw?(?:\d(?:\.\d+)?)?(?:\.exe)?(?![\w.\\/-])"""
)
# a folder named `conda` counts as a root too (/opt/conda of the conda Docker images, ~/.local/lib/conda)
_CONDA_ROOT = r"(?:ana|mini)conda\d?|miniforge\d?|mambaforge|micromamba|\.conda|(?<=[\\/])conda(?=[\\/]|$)"
_CONDA_ENV_RE = re.compile(rf"(?:{_CONDA_ROOT})[\\/]+envs[\\/]+([\w.-]+)")
_CONDA_BASE_RE = re.compile(rf"(?:{_CONDA_ROOT})(?:[\\/]|$)")
_USER_SITE_RE = re.compile(
    r"[\\/]\.local(?:[\\/]|$)|appdata[\\/]+roaming[\\/]+python|local-packages|[\\/]library[\\/]+python[\\/]+\d"
)
# A console script installed into the user site (`pip install --user pip`): ~/.local/bin/pip,
# %APPDATA%\\Python\\Python39\\Scripts\\pip.exe.
_USER_SCRIPT_RE = re.compile(
    r"[\\/]\.local[\\/]+bin[\\/]+[\w.-]+|appdata[\\/]+roaming[\\/]+python[\\/]+python\d+[\\/]+scripts[\\/]+[\w.-]+"
)
_PIPENV_RE = re.compile(r"[\\/]\.local[\\/]+share[\\/]+virtualenvs[\\/]")  # pipenv's venvs
_VENV_RE = re.compile(r"(?:^|[\\/])\.?(?:venv|virtualenv|virtualenvs|env)[\w.-]*(?:[\\/]|$)")
# conda itself always runs from the base env: its own frames are no sign of leakage (unless they are
# in the user site: a `pip install --user conda` shadowing the base's own).
_TOOL_FRAME_RE = re.compile(r"(?:site|dist)-packages[\\/]+(?:conda|conda_libmamba_solver|mamba|libmambapy|conda_env)\b")
JUPYTER_RE = re.compile(r"ipykernel|<ipython-input-|\bcell in\s*\[\d+\]|jupyter|kernel\.json|kernelspec|\bnotebook\b")


@dataclass
class Installs:
    """The Python installations seen, by kind ("user", "conda-env", "conda-base", "venv", "system")."""

    kinds: dict[str, set[str]] = field(default_factory=dict)
    lines: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, kind: str, key: str, number: int, line: str) -> None:
        self.kinds.setdefault(kind, set()).add(key)
        seen = self.lines.setdefault(kind, [])
        if all(n != number for n, _ in seen) and len(seen) < 4:
            seen.append((number, line))

    def has(self, kind: str) -> bool:
        return bool(self.kinds.get(kind))

    def count(self) -> int:
        return sum(len(keys) for keys in self.kinds.values())


def _classify(prefix: str) -> tuple[str, str]:
    p = prefix.replace("\\\\", "\\").rstrip("\\/")
    env = _CONDA_ENV_RE.search(p)
    if env:  # before the user site: conda's envs/<name> layout under ~/.local is still an env
        return "conda-env", env.group(1)
    if _PIPENV_RE.search(p):
        return "venv", p
    if _USER_SITE_RE.search(p):
        return "user", "user"
    if _CONDA_BASE_RE.search(p):
        return "conda-base", p
    if _VENV_RE.search(p):
        return "venv", p
    return "system", p


def installs(lines: Iterable[tuple[int, str]]) -> Installs:
    """The installations named in numbered `lines` (site-packages paths and interpreter paths)."""
    found = Installs()
    for number, line in lines:
        low = line.lower()
        if "packages" in low:
            for match in _SITE_RE.finditer(low):
                tool = _TOOL_FRAME_RE.search(low, match.start(), match.end() + 40)
                if tool and not _USER_SITE_RE.search(match.group(1)):
                    continue
                kind, key = _classify(match.group(1))
                found.add(kind, key, number, line.strip())
        if ("local" in low or "roaming" in low) and _USER_SCRIPT_RE.search(low):
            found.add("user", "user", number, line.strip())
        if "python" in low and ("bin" in low or ".exe" in low or "sys.executable" in low):
            for match in _INTERP_RE.finditer(low):
                kind, key = _classify(match.group(1))
                found.add(kind, key, number, line.strip())
    return found


def classify_prefix(prefix: str) -> str:
    """The kind of installation a prefix is: user, conda-env, conda-base, venv, pyenv or system."""
    kind, _key = _classify(prefix.lower())
    if kind == "system" and re.search(r"[\\/]\.pyenv[\\/]+versions[\\/]", prefix.lower()):
        return "pyenv"
    return kind


_PREFIX_OF_INTERP = re.compile(r"[\\/]+(?:bin|scripts)$")
_HEADERS_DIR = re.compile(r"[\\/](?:include|lib|lib64|libs|share)$")


_KERNELSPEC_RE = re.compile(r"([^\s'\"`]{0,400}?)[\\/]+share[\\/]+jupyter[\\/]+kernels[\\/]")


# hyphens a paste (a word processor, a web page) puts in `site-packages`: the path had an ASCII one
_PASTED_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})


def path_tokens(line: str) -> list[tuple[str, str, str]]:
    """(prefix, kind, source) of every site-packages path ("site"), interpreter path ("interpreter"),
    kernel spec folder ("kernel") and user-site script ("user") in one line."""
    low = line.lower().translate(_PASTED_HYPHENS)
    out: list[tuple[str, str, str]] = []
    if "packages" in low:
        for match in _SITE_RE.finditer(low):
            prefix = re.sub(r"[\\/]+lib[\\/]*$", "", match.group(1).rstrip("\\/"))
            tool = _TOOL_FRAME_RE.search(low, match.start(), match.end() + 40)
            if tool and not _USER_SITE_RE.search(prefix):
                continue
            if prefix:
                out.append((prefix, classify_prefix(prefix), "site"))
    if "python" in low and ("bin" in low or ".exe" in low or "scripts" in low or "python3" in low):
        for match in _INTERP_RE.finditer(low):
            if _HEADERS_DIR.search(match.group(1)):
                continue  # include/python3.10, lib/python3.10: a prefix's folders, not an interpreter
            prefix = _PREFIX_OF_INTERP.sub("", match.group(1).replace("\\\\", "\\").rstrip("\\/"))
            if prefix and all(p != prefix for p, _k, _s in out):
                out.append((prefix, classify_prefix(prefix), "interpreter"))
    if "kernels" in low:
        for match in _KERNELSPEC_RE.finditer(low):
            prefix = match.group(1).rstrip("\\/")
            if prefix:
                out.append((prefix, classify_prefix(prefix), "kernel"))
    if ("local" in low or "roaming" in low) and _USER_SCRIPT_RE.search(low):
        out.append(("user", "user", "user"))
    return out
