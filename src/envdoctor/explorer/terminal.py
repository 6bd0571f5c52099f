"""`envdoctor kb show PACKAGE --matrix`: the explorer's matrices as rich tables (a string)."""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from envdoctor import frameworks as registry
from envdoctor.errors import UsageError
from envdoctor.explorer import matrices
from envdoctor.explorer.selector import PLATFORMS

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase

_SYMBOL = {matrices.WHEEL: "●", matrices.STUB: "↪", matrices.MISSING: "·"}


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


def render(
    kb: KnowledgeBase, framework: str, *, color: bool, width: int, platforms: tuple[str, ...] = PLATFORMS
) -> str:
    from rich.console import Console
    from rich.table import Table

    out = io.StringIO()
    console = Console(file=out, force_terminal=color, no_color=not color, width=width, highlight=False)
    label = matrices.label(framework)
    wheel = matrices.wheels(kb, framework)
    for platform in platforms:
        table = Table(
            title=f"{label}: {wheel.package} releases × Python on {platform}",
            caption="● wheel  ↪ stub wheel that installs another package  · none  (source: the wheels on PyPI)",
        )
        table.add_column(wheel.package, no_wrap=True)
        for py in wheel.pythons:
            table.add_column(py, justify="center", no_wrap=True)
        for i, (version, yanked, _) in enumerate(wheel.rows):
            cells = []
            for py in wheel.pythons:
                kind, _stub = wheel.cell(i, platform, py)
                style = {matrices.WHEEL: "green", matrices.STUB: "magenta"}.get(kind, "dim")
                cells.append(f"[{style}]{_SYMBOL[kind]}[/]")
            table.add_row(version + (" (yanked)" if yanked else ""), *cells)
        console.print(table)
        stubs = sorted(
            {
                stub
                for i in range(len(wheel.rows))
                for py in wheel.pythons
                for kind, stub in [wheel.cell(i, platform, py)]
                if stub
            }
        )
        if stubs:
            console.print(f"  ↪ installs: {', '.join(stubs)}")
        console.print()
    builds = Table(title=f"{label}: releases × CUDA / cuDNN")
    for name in ("package", "version", "CUDA", "cuDNN", "toolkit driver", "minor-compat", "Windows toolkit", "source"):
        builds.add_column(name, overflow="fold")
    for b in matrices.builds(kb, framework):
        builds.add_row(
            b.package,
            b.version,
            b.cuda or "-",
            b.cudnn or "-",
            b.toolkit_driver or "-",
            b.minor_compat_driver or "-",
            b.windows_toolkit_driver or "-",
            matrices.first_url(b.source) or matrices.pypi_files(b.package, b.version),
        )
    console.print(builds)
    console.print()
    driver_table = matrices.drivers(kb, framework)
    drivers = Table(title=f"{label}: CUDA → NVIDIA driver", caption=matrices.first_url(driver_table.source))
    for name in ("CUDA", "Linux x86_64", "Windows x86_64", "used by"):
        drivers.add_column(name, overflow="fold")
    for row in driver_table.rows:
        used = ", ".join(row.used_by[:4]) + (f" (+{len(row.used_by) - 4})" if len(row.used_by) > 4 else "")
        drivers.add_row(
            row.cuda + (f" {row.release}" if row.release else ""), row.linux or "-", row.windows or "N/A", used
        )
    for major, linux, windows, _ in driver_table.minor_compat:
        drivers.add_row(f"{major}.x minor-version compat", linux or "-", windows or "-", f"any {major}.x build")
    console.print(drivers)
    console.print()
    abi, caps = matrices.numpy(kb, framework)
    numpy_table = Table(title=f"{label}: NumPy ABI and the caps metadata lacks")
    for name in ("releases", "fact", "platforms", "source"):
        numpy_table.add_column(name, overflow="fold")
    for r in abi:
        numpy_table.add_row(
            r.versions, f"built against NumPy {r.abi}.x", ", ".join(r.platforms) or "all", matrices.first_url(r.source)
        )
    for c in caps:
        numpy_table.add_row(c.versions, f"needs {c.requirement}", "all", matrices.first_url(c.source))
    console.print(numpy_table)
    return out.getvalue().rstrip("\n")
