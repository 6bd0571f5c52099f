"""Results of `check`, cached by the environment's fingerprint (as uv and mypy cache theirs).

Findings are a pure function of the snapshot and the knowledge base, and the snapshot is built from
the probe's output, the machine facts and conda-meta (see `Gathered.fingerprint_parts`). When none
of those, the knowledge base, envdoctor itself or the rule selection changed, the findings are read
back instead of importing packaging, the knowledge base and the rules again: a repeated `check`
then costs the probe and little else. Stdlib only; every failure here just means "no cache".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from envdoctor import __version__
from envdoctor.locations import SHIPPED_KB_DIR, cache_dir, user_kb_path

FORMAT = 1
KEEP = 64  # entries kept; the oldest go first


def file_stamp(path: str | os.PathLike[str]) -> bytes:
    """A file's path, mtime and size: changes whenever the file is written."""
    try:
        st = os.stat(path)
        return f"{path}|{st.st_mtime_ns}|{st.st_size}".encode()
    except OSError:
        return f"{path}|-".encode()


def key(parts: Sequence[bytes], options: str) -> str | None:
    """The cache key, or None when the environment cannot be fingerprinted (no probe output)."""
    if not parts or os.environ.get("ENVDOCTOR_NO_CACHE"):
        return None
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{options}".encode())
    for path in (SHIPPED_KB_DIR / "curated.json", SHIPPED_KB_DIR / "releases.json", user_kb_path()):
        digest.update(file_stamp(path))
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _folder() -> Path:
    return cache_dir() / "check"


def load(cache_key: str) -> dict[str, Any] | None:
    try:
        data = json.loads((_folder() / f"{cache_key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def store(cache_key: str, document: dict[str, Any]) -> None:
    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{cache_key}.tmp"
        tmp.write_text(json.dumps({"format": FORMAT, **document}), encoding="utf-8")
        tmp.replace(folder / f"{cache_key}.json")
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink()
    except OSError:
        pass  # a read-only cache only costs the next check the full run


def _target_file(target: str) -> Path:
    return _folder() / "targets" / (hashlib.sha256(target.encode()).hexdigest()[:32] + ".json")


def remember(target: str, sys_path: Sequence[str], signature: bytes) -> None:
    """What the last check of `target` saw: its sys.path and the metadata signature there."""
    folder = _folder() / "targets"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(signature).hexdigest()
        _target_file(target).write_text(json.dumps({"sys_path": list(sys_path), "signature": digest}), "utf-8")
    except OSError:
        pass


class Hint(NamedTuple):
    changed: bool  # only a hint: the real key decides
    sys_path: list[str] | None  # the sys.path of the last check
    signature: bytes | None  # its metadata signature now (reusable when sys.path is the same)


def probably_changed(target: str, signature_of: Callable[[Sequence[str]], bytes]) -> Hint:
    """Whether `target` changed since its last check, judged before the probe answers: the last
    sys.path's metadata signature now against then. `changed` is True when there is no record, so
    the caller starts loading the rules early."""
    try:
        last = json.loads(_target_file(target).read_text(encoding="utf-8"))
        sys_path = [str(p) for p in last["sys_path"]]
        signature = signature_of(sys_path)
        return Hint(hashlib.sha256(signature).hexdigest() != last["signature"], sys_path, signature)
    except (OSError, ValueError, KeyError, TypeError):
        return Hint(True, None, None)
