"""`envdoctor kb show PACKAGE --matrix`: which framework a package name is, and the matrices as
JSON (shown by envdoctor.render.views.kb.matrix_document)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from envdoctor.errors import UsageError
from envdoctor.explorer import matrices
from envdoctor.explorer.selector import PLATFORMS

_FRAMEWORK_OF = {"tensorflow": "tensorflow", "torch": "torch", "pytorch": "torch", "jax": "jax", "jaxlib": "jax"}


def framework_of(package: str) -> str:
    """ "tensorflow-cpu" -> "tensorflow", "jax-cuda12-plugin" -> "jax"; UsageError for others."""
    name = package.lower().replace("_", "-")
    if name.startswith("tensorflow") or name.startswith("tf-nightly"):
        return "tensorflow"
    if name.startswith("jax-cuda"):
        return "jax"
    if name in _FRAMEWORK_OF:
        return _FRAMEWORK_OF[name]
    raise UsageError(f"matrices exist for tensorflow, torch and jax, not {package!r}")


def matrices_json(kb: Any, framework: str) -> dict[str, Any]:
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
