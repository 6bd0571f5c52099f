"""Record which NumPy C API each installed extension was built against (Distribution.numpy_build).

Only worth doing when NumPy 2 is installed (extensions built against NumPy 2 run on NumPy 1), and
only for distributions that use NumPy. Answers are cached per file (path, size, mtime) so a
repeated `check` reads no binary twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from envdoctor.locations import cache_dir
from envdoctor.model import Distribution
from envdoctor.probe.distributions import read_record_extensions
from envdoctor.probe.numpy_binary import scan_distribution

# Frameworks that use NumPy's C API without declaring numpy in their metadata.
_IMPLICIT_NUMPY_USERS = {"torch", "jaxlib", "tensorflow", "tensorflow-cpu", "tensorflow-intel"}


def _uses_numpy(dist: Distribution) -> bool:
    if dist.name in _IMPLICIT_NUMPY_USERS:
        return True
    from packaging.requirements import InvalidRequirement, Requirement  # only once NumPy 2 is seen

    for text in dist.requires:
        if text.lower().startswith("numpy"):
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.name.lower() == "numpy" and (req.marker is None or "extra" not in str(req.marker)):
                return True
    return False


def _numpy_major(dists: Sequence[Distribution]) -> int | None:
    for dist in dists:
        if dist.name == "numpy" and dist.shadowed_by is None:
            match = re.match(r"\d+", dist.version)  # the major is all that is needed: no packaging import
            return int(match.group()) if match else None
    return None


def annotate_numpy_builds(dists: Sequence[Distribution], *, cache: Path | None = None) -> None:
    """Fill `extension_modules`, `numpy_build` and `numpy_build_path` where they matter."""
    major = _numpy_major(dists)
    if major is None or major < 2:
        return
    cache_file = (cache or cache_dir()) / "numpy-builds.json"
    try:
        known: dict[str, list[str | None]] = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    changed = False
    for dist in dists:
        if dist.shadowed_by is not None or dist.kind != "dist-info" or not _uses_numpy(dist):
            continue
        key = _key(dist)
        if key in known:
            build, path = known[key]
        else:
            dist.extension_modules = read_record_extensions(dist)
            found = scan_distribution(dist.location, dist.extension_modules)
            build, path = found if found else (None, None)
            known[key] = [build, path]
            changed = True
        dist.numpy_build, dist.numpy_build_path = build, path
    if changed:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(known), encoding="utf-8")
            tmp.replace(cache_file)
        except OSError:
            pass  # a read-only home only costs the next check a re-scan


def _key(dist: Distribution) -> str:
    record = Path(dist.metadata_path) / "RECORD"
    try:
        st = record.stat()
        return f"{record}|{st.st_size}|{st.st_mtime_ns}"
    except OSError:
        return f"{record}|missing"
