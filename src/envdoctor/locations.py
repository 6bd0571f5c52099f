"""Where envdoctor keeps its own files. Stdlib only: `check`'s fast path imports it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """envdoctor's user cache: $ENVDOCTOR_CACHE_DIR, else $XDG_CACHE_HOME/envdoctor, else
    ~/.cache/envdoctor (%LOCALAPPDATA%\\envdoctor\\cache on Windows)."""
    env = os.environ if env is None else env
    if env.get("ENVDOCTOR_CACHE_DIR"):
        return Path(env["ENVDOCTOR_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "envdoctor"
    if os.name == "nt" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "envdoctor" / "cache"
    return Path.home() / ".cache" / "envdoctor"


def user_kb_path(env: Mapping[str, str] | None = None) -> Path:
    """Where `kb refresh` writes the release data (preferred over the shipped copy)."""
    return cache_dir(env) / "kb" / "releases.json"


SHIPPED_KB_DIR = Path(__file__).with_name("knowledge") / "data"
