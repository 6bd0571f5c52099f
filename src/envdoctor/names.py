"""PEP 503 name normalisation, shared by every module on `check`'s path.

Not packaging.utils.canonicalize_name: importing packaging.utils pulls in packaging.tags, logging
and platform (~25 ms, a sixth of check's budget) for this one regular expression from PEP 503.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[-_.]+")
_CACHE: dict[str, str] = {}


def canonicalize_name(name: str) -> str:
    """'Typing_Extensions' -> 'typing-extensions' (PEP 503), cached."""
    found = _CACHE.get(name)
    if found is None:
        found = _CACHE[name] = _SEPARATORS.sub("-", name).lower()
    return found
