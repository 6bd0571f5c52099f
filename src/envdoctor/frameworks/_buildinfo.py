"""Readers of the files that carry a framework's build facts (used by `kb refresh` only).

`literal_assignments` reads a build-info Python file without importing it; `nvidia_lower_bound`
reads the CUDA / cuDNN minimum of a release from its nvidia-* requirements.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from envdoctor.names import canonicalize_name


def literal_assignments(source: str) -> dict[str, Any]:
    """Top-level `name = <literal>` assignments of a Python file, evaluated safely (no import).
    `collections.OrderedDict([...])` is read as a dict (TensorFlow's build_info.py)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    values: dict[str, Any] = {}
    for node in tree.body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if not isinstance(target, ast.Name) or value is None:
            continue
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, (ast.Attribute, ast.Name))
            and (getattr(value.func, "attr", None) or getattr(value.func, "id", None)) in ("OrderedDict", "dict")
            and len(value.args) == 1
        ):
            value = value.args[0]
        try:
            literal = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if isinstance(literal, list) and all(isinstance(x, tuple) and len(x) == 2 for x in literal):
            literal = dict(literal)
        values[target.id] = literal
    return values


def nvidia_lower_bound(requires: Iterable[str], prefix: str) -> tuple[str | None, str | None]:
    """(version, requirement) of the first `nvidia-<prefix>-cuXX` requirement (CUDA 13's wheels
    dropped the suffix: `nvidia-cuda-runtime>=13.0.48`): its == pin or its >= lower bound, cut to
    major.minor."""
    # lazy: packaging.requirements costs 92.4 ms, 35 modules: packaging; only nvidia_lower_bound() needs it
    from packaging.requirements import InvalidRequirement, Requirement

    for text in requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        name = canonicalize_name(req.name)
        if name != f"nvidia-{prefix}" and not name.startswith(f"nvidia-{prefix}-cu"):
            continue
        for spec in req.specifier:
            if spec.operator in ("==", ">=", "~=", "==="):
                parts = spec.version.split(".")
                return ".".join(parts[:2]), text
    return None, None
