"""Conda match specs ("numpy >=1.21,<2.0a0", "python_abi 3.11.* *_cp311") read as PEP 440."""

from __future__ import annotations

import re
from functools import cache

from packaging.specifiers import SpecifierSet

from envdoctor.frameworks import of_conda, of_distribution
from envdoctor.rules._deps import satisfies, specifier

_OPS = ("==", "!=", ">=", "<=", "~=", ">", "<", "=")

#: Conda package names whose Python distribution is called otherwise (the frameworks' are in their descriptors).
_OTHER_NAMES = {
    "msgpack-python": "msgpack",
    "py-opencv": "opencv-python",
}


def conda_to_pypi(name: str) -> str | None:
    """The Python distribution of a conda package called otherwise ("pytorch-cpu" -> "torch"), else None."""
    framework = of_conda(name)
    if framework is not None and framework.conda is not None and name in framework.conda.aliases:
        return framework.distribution
    return _OTHER_NAMES.get(name)


def conda_names_of(distribution: str) -> list[str]:
    """The conda package names whose Python distribution is `distribution` (the inverse of `conda_to_pypi`)."""
    framework = of_distribution(distribution)
    names = (
        list(framework.conda.aliases)
        if framework and framework.conda and framework.distribution == distribution
        else []
    )
    return names + [n for n, p in _OTHER_NAMES.items() if p == distribution]


def split_match_spec(text: str) -> tuple[str, str, str]:
    """("numpy", ">=1.21,<2.0a0", "") from "numpy >=1.21,<2.0a0"; channel / bracket parts are
    dropped; missing parts are ""."""
    text = text.strip()
    if "::" in text:
        text = text.split("::", 1)[1]
    if "[" in text:
        text = text.split("[", 1)[0]
    pieces = text.split()
    if len(pieces) == 1:  # "numpy>=1.21" / "numpy=1.21"
        match = re.match(r"^([A-Za-z0-9_.\-]+)(.*)$", pieces[0])
        if match is None:
            return "", "", ""
        return match.group(1), match.group(2), ""
    return pieces[0], pieces[1] if len(pieces) > 1 else "", pieces[2] if len(pieces) > 2 else ""


@cache
def conda_version_spec(text: str) -> tuple[SpecifierSet, ...] | None:
    """The alternatives ("|") of a conda version spec as PEP 440 specifier sets; () for "any";
    None when it cannot be converted."""
    text = text.strip()
    if text in ("", "*"):
        return ()
    if "(" in text or ")" in text:
        return None
    result: list[SpecifierSet] = []
    for alternative in text.split("|"):
        parts: list[str] = []
        for part in alternative.split(","):
            converted = _convert(part.strip())
            if converted is None:
                return None
            if converted:
                parts.append(converted)
        spec = specifier(",".join(parts))
        if spec is None:
            return None
        result.append(spec)
    return tuple(result)


def _convert(part: str) -> str | None:
    if part in ("", "*"):
        return ""
    op = next((o for o in _OPS if part.startswith(o)), "")
    version = part[len(op) :].strip()
    if not version:
        return None
    if op == "=":  # conda's fuzzy "=1.21" means 1.21.*
        return f"=={version.rstrip('*').rstrip('.')}.*"
    if op == "":
        if version.endswith("*"):
            return f"=={version.rstrip('*').rstrip('.')}.*"
        return f"=={version}"
    if version.endswith("*"):
        if op in ("==", "!="):
            return f"{op}{version.rstrip('*').rstrip('.')}.*"
        version = version.rstrip("*").rstrip(".")
    return f"{op}{version}"


def conda_spec_allows(spec_text: str, version: str) -> bool | None:
    """Whether a conda version spec admits `version`; None when either cannot be read."""
    alternatives = conda_version_spec(spec_text)
    if alternatives is None:
        return None
    if not alternatives:
        return True
    verdicts = [satisfies(spec, version) for spec in alternatives]
    if any(v is None for v in verdicts):
        return None
    return any(verdicts)
