"""envdoctor: names every problem in a Python ML environment, with evidence and the exact fix.

The public API (docs/api.md): `envdoctor.check(...)`, `envdoctor.explain(...)`,
`envdoctor.plan(...)` and `envdoctor.snapshot(...)`, defined in `envdoctor.api`. They are loaded on
first use, so `import envdoctor` stays as cheap as the CLI needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from envdoctor._version import __version__

__all__ = ["__version__", "check", "explain", "plan", "snapshot"]

if TYPE_CHECKING:
    from envdoctor.api import check, snapshot


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext envdoctor` in IPython / Jupyter: adds the `%envdoctor` magic (envdoctor.notebook)."""
    # lazy: keeps envdoctor.notebook out of every verb's start-up (72.5 ms, 25 modules)
    from envdoctor.notebook import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    # lazy: keeps envdoctor.notebook out of every verb's start-up (72.5 ms, 25 modules)
    from envdoctor.notebook import unload_ipython_extension as unload

    unload(ipython)


def __getattr__(name: str) -> object:
    if name in ("check", "snapshot"):
        # lazy: keeps envdoctor.api out of the CLI's start-up (after --help's: 43.8 ms, 25 modules)
        from envdoctor import api

        return getattr(api, name)
    if name in ("explain", "plan"):  # subpackages that are also callable (see envdoctor._callable)
        return importlib.import_module(f"envdoctor.{name}")
    raise AttributeError(f"module 'envdoctor' has no attribute {name!r}")
