"""Lenient version parsing shared by the rules, the knowledge base and plan."""

from __future__ import annotations

from functools import cache

from packaging.version import InvalidVersion, Version


@cache  # the rules parse the same few hundred installed versions many times per check
def parse_version(text: str | None) -> Version | None:
    """The PEP 440 version `text` names; None when it is empty or not a version."""
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None
