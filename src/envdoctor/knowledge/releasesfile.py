"""The generated `releases.json`: compact JSON with the schema header first, written atomically, merged with the
previous data for a partial refresh.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def dump(data: Mapping[str, Any]) -> bytes:
    """Compact JSON whose first bytes are the schema header `KnowledgeBase` checks."""
    ordered = {"schema": data["schema"], **{k: v for k, v in data.items() if k != "schema"}}
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


def write(data: Mapping[str, Any], path: Path) -> None:
    """Write atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(dump(data))
    os.replace(tmp, path)


def merge(base: Mapping[str, Any] | None, update: Mapping[str, Any]) -> dict[str, Any]:
    """`update`'s packages replace those of `base`; the rest of `base` is kept."""
    packages = dict((base or {}).get("packages", {}))
    packages.update(update.get("packages", {}))
    return {**update, "packages": {k: packages[k] for k in sorted(packages)}}
