"""Compatibility: `version_tuple` (read by the fix tailoring). The facts themselves are `LogFacts`
(`logfacts.py`), built by the extractor (`extract.py`)."""

from __future__ import annotations

from envdoctor.explain.extract import version_tuple

__all__ = ["version_tuple"]
