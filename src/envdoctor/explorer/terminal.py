"""`envdoctor kb show PACKAGE --matrix`: which framework a package name is, and the matrices as
JSON (shown by envdoctor.render.views.kb.matrix_document)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from envdoctor import frameworks as registry
from envdoctor.errors import UsageError
from envdoctor.explorer import matrices
from envdoctor.explorer.selector import PLATFORMS

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase


def framework_of(package: str) -> str:
    """ "tensorflow-cpu" -> "tensorflow", "jax-cuda12-plugin" -> "jax"; UsageError for others."""
    compiled = registry.compiled_family(package)
    found = registry.of_request(package) or registry.of_distribution(package) or (compiled[0] if compiled else None)
    if found is None:
        names = ", ".join(registry.families())
        raise UsageError(f"matrices exist for {names}, not {package!r}")
    return found.key


def matrices_json(kb: KnowledgeBase, framework: str) -> dict[str, Any]:
    wheel = matrices.wheels(kb, framework)
    abi, caps = matrices.numpy(kb, framework)
    return {
        "framework": framework,
        "wheels": {
            "package": wheel.package,
            "pythons": wheel.pythons,
            "releases": [
                {
                    "version": version,
                    "yanked": yanked,
                    "cells": {
                        platform: {py: {"kind": kind, "installs": stub} for py, (kind, stub) in cells[platform].items()}
                        for platform in PLATFORMS
                        if cells.get(platform)
                    },
                }
                for version, yanked, cells in wheel.rows
            ],
        },
        "builds": [asdict(b) for b in matrices.builds(kb, framework)],
        "drivers": asdict(matrices.drivers(kb, framework)),
        "numpy_abi": [asdict(r) for r in abi],
        "caps": [asdict(c) for c in caps],
    }
