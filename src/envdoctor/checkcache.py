"""Results of `check`, cached by the environment's fingerprint (as uv and mypy cache theirs).

Findings are a pure function of the snapshot and the knowledge base, and the snapshot is built from
the probe's output, the machine facts and conda-meta (see `Gathered.fingerprint_parts`). When none
of those, the knowledge base, envdoctor itself or the rule selection changed, the findings are read
back instead of importing packaging, the knowledge base and the rules again: a repeated `check`
then costs the probe and little else. Stdlib only; every failure here just means "no cache".

Files count by their `stat` stamp (inode, size, mtime, ctime: `touch -r` or a restored mtime still
changes the ctime). A file written in the last RACY_SECONDS is also hashed, as git does for "racy"
index entries: a same-size rewrite within the file system's timestamp granularity leaves the stamp
as it was, so the entry records the content's digest and is used only while it still matches.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from envdoctor._version import __version__
from envdoctor.bounded import JSON_LIMIT, read_bytes
from envdoctor.locations import SHIPPED_KB_DIR, cache_dir, user_kb_path
from envdoctor.stamps import Stamps, content_digest, file_stamp

if TYPE_CHECKING:
    from envdoctor.probe.sources import Reading

FORMAT = 2
KEEP = 64  # entries kept; the oldest go first


def key(parts: Sequence[bytes], options: str, stamps: Stamps | None = None) -> str | None:
    """The cache key, or None when the environment cannot be fingerprinted (no probe output)."""
    if not parts or os.environ.get("ENVDOCTOR_NO_CACHE"):
        return None
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{options}".encode())
    for path in (SHIPPED_KB_DIR / "curated.json", SHIPPED_KB_DIR / "releases.json", user_kb_path()):
        digest.update(file_stamp(path, stamps))
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _folder() -> Path:
    return cache_dir() / "check"


def _entry(cache_key: str) -> Path:
    return _folder() / f"{cache_key}.json"


def discard(cache_key: str) -> None:
    """Remove an entry that turned out unusable (it is written anew after the full run)."""
    with contextlib.suppress(OSError):
        _entry(cache_key).unlink()
    for shown in _folder().glob(f"{cache_key}.*.out"):
        with contextlib.suppress(OSError):
            shown.unlink()


def _shown(cache_key: str, variant: str) -> Path:
    """Where the output of entry `cache_key` shown with `variant` is kept: named after the entry as
    it is on disk too (a rewritten entry has other outputs)."""
    entry = _entry(cache_key).stat()
    named = f"{entry.st_mtime_ns}:{entry.st_size}:{entry.st_ino}\n{variant}"
    return _folder() / f"{cache_key}.{hashlib.sha256(named.encode()).hexdigest()[:32]}.out"


def rendered(cache_key: str, variant: str) -> str | None:
    """The output a cached answer was shown as, with `variant` (format, colour, width, the target's
    description, the home folder): a warm check writes it without loading a formatter (rich's
    import alone is ~60 ms). None when that answer was not shown so yet."""
    try:
        return read_bytes(_shown(cache_key, variant), JSON_LIMIT).decode("utf-8")
    except (OSError, ValueError):
        return None


def store_rendered(cache_key: str, variant: str, text: str) -> None:
    """Keep the output of the entry `cache_key` as shown with `variant` (written atomically; a
    failure only costs the next check a render)."""
    try:
        path = _shown(cache_key, variant)
    except OSError:
        return  # the answer itself was not stored (a read-only cache): nothing to attach it to
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def load(cache_key: str) -> dict[str, Any] | None:
    """The entry stored under `cache_key`, or None: absent, corrupt, of another format (those are
    discarded), or recorded while a file was racy and that file's content differs now."""
    path = _entry(cache_key)
    try:
        data = json.loads(read_bytes(path, JSON_LIMIT))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError):
        discard(cache_key)
        return None
    racy = data.get("racy") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(racy, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in racy.items())
    ):
        discard(cache_key)
        return None
    if any(content_digest(p) != digest for p, digest in racy.items()):
        return None  # changed in place within a timestamp tick: not this entry's environment
    return data


def store(cache_key: str, document: dict[str, Any], racy: dict[str, str] | None = None) -> None:
    """Write the entry (atomically); `racy`: the digests `Stamps` took with the key."""
    folder = _folder()
    tmp = folder / f"{cache_key}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"format": FORMAT, "racy": dict(racy or {}), **document}), encoding="utf-8")
        tmp.replace(_entry(cache_key))
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink()
        kept = {p.stem for p in entries[-KEEP:]}
        for shown in folder.glob("*.out"):  # the outputs of entries gone, and a changed entry's
            if shown.name.split(".", 1)[0] not in kept or shown.name.startswith(f"{cache_key}."):
                shown.unlink()
    except OSError:  # a read-only or full cache only costs the next check the full run
        with contextlib.suppress(OSError):
            tmp.unlink()  # and never leaves half an entry behind


def _target_file(target: str) -> Path:
    return _folder() / "targets" / (hashlib.sha256(target.encode()).hexdigest()[:32] + ".json")


def remember(target: str, sys_path: Sequence[str], signature: bytes) -> None:
    """What the last check of `target` saw: its sys.path and the metadata signature there."""
    folder = _folder() / "targets"
    path = _target_file(target)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(signature).hexdigest()
        tmp.write_text(json.dumps({"sys_path": list(sys_path), "signature": digest}), "utf-8")
        tmp.replace(path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()


class Hint(NamedTuple):
    changed: bool  # only a hint: the real key decides
    sys_path: list[str] | None  # the sys.path of the last check
    signature: bytes | None  # its metadata signature now (reusable when sys.path is the same)


def probably_changed(target: str, signature_of: Callable[[Sequence[str]], bytes]) -> Hint:
    """Whether `target` changed since its last check, judged before the probe answers: the last
    sys.path's metadata signature now against then. `changed` is True when there is no record, so
    the caller starts loading the rules early."""
    try:
        last = json.loads(read_bytes(_target_file(target), JSON_LIMIT))
        sys_path = [str(p) for p in last["sys_path"]]
        signature = signature_of(sys_path)
        return Hint(hashlib.sha256(signature).hexdigest() != last["signature"], sys_path, signature)
    except (OSError, ValueError, KeyError, TypeError, RecursionError, AttributeError):
        return Hint(True, None, None)


class Lookup:
    """check's cache for one reading of a live environment (`Reading.cache_identity` set):

    1. `probably_changed()`, right after the probe started: the metadata signature of the sys.path
       the last check saw, now against then (a `stat` of each file; no probe answer needed). The
       caller loads the rules meanwhile when it says yes.
    2. `entry()`: waits for the interpreter's facts, fingerprints the environment (the signature
       of step 1 is reused when sys.path is the same) and returns the stored answer, or None.
    3. `store(document)` after a full run."""

    def __init__(self, reading: Reading, options: str) -> None:
        self.reading = reading
        self.options = options
        self.stamps = Stamps()  # shared by every stamp of this check
        self.key: str | None = None
        self._hint: Hint | None = None

    def probably_changed(self) -> bool:
        identity = self.reading.cache_identity
        if identity is None:
            return True
        self._hint = probably_changed(identity, lambda sys_path: self.reading.signature_now(sys_path, self.stamps))
        return self._hint.changed

    def entry(self) -> dict[str, Any] | None:
        identity = self.reading.cache_identity
        hint = self._hint
        taken = (hint.sys_path, hint.signature) if hint and hint.sys_path is not None and hint.signature else None
        fingerprint = self.reading.fingerprint(self.stamps, taken)
        if identity is None or fingerprint is None:
            return None
        self.key = key(fingerprint.parts, self.options, self.stamps)
        if self.key is None:
            return None
        remember(identity, fingerprint.sys_path, fingerprint.signature)
        return load(self.key)

    def discard(self) -> None:
        if self.key is not None:
            discard(self.key)

    def store(self, document: dict[str, Any]) -> None:
        if self.key is not None:
            store(self.key, document, racy=self.stamps.racy)
