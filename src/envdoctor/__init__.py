"""envdoctor: names every problem in a Python ML environment, with evidence and the exact fix."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext envdoctor` in IPython / Jupyter: adds the `%envdoctor` magic (envdoctor.notebook)."""
    from envdoctor.notebook import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from envdoctor.notebook import unload_ipython_extension as unload

    unload(ipython)
