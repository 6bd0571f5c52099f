"""Facts: the only package that reads the live system.

Attributes are loaded lazily (PEP 562) so that `envdoctor.probe.launch` can start the in-target
probe before the heavier modules are imported.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Target": "envdoctor.probe.target",
    "resolve_target": "envdoctor.probe.target",
    "collect_snapshot": "envdoctor.probe.collect",
    "load_machine": "envdoctor.probe.collect",
    "load_snapshot": "envdoctor.probe.collect",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'envdoctor.probe' has no attribute {name!r}")
