"""Facts: the only package that reads the live system."""

from envdoctor.probe.collect import (
    Target,
    collect_snapshot,
    load_machine,
    load_snapshot,
    resolve_target,
)

__all__ = ["Target", "collect_snapshot", "load_machine", "load_snapshot", "resolve_target"]
