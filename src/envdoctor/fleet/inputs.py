"""Node snapshots as they arrive: raw JSON bytes, named, fingerprinted without being parsed.

A fleet is mostly copies of one environment. Each snapshot is fingerprinted on its raw bytes with
the fields that name the node blanked (hostname, creation time, GPU UUIDs where no rule needs
them), so only the first node of each distinct environment is parsed and diagnosed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor.errors import UsageError

BUNDLE_KIND = "envdoctor-fleet"
BUNDLE_HEADER = b'{"kind": "envdoctor-fleet"'

# The fields that identify a node rather than its environment: blanked before fingerprinting.
_NODE_FIELDS = re.compile(rb'"(hostname|created|uuid)"\s*:\s*("(?:[^"\\]|\\.)*"|null)')
_NODE_FIELDS_KEEP_UUID = re.compile(rb'"(hostname|created)"\s*:\s*("(?:[^"\\]|\\.)*"|null)')
# GPU UUIDs count only where CUDA_VISIBLE_DEVICES names GPUs by UUID (rule ED407 matches them).
_UUID_SELECTOR = re.compile(rb'"cuda_visible_devices"\s*:\s*"[^"]*(?:gpu-|mig-)', re.IGNORECASE)
_NODE_LINE = re.compile(rb'^\s*"((?:[^"\\]|\\.)*)"\s*:\s*')
_BUNDLE_KIND = re.compile(rb'"kind"\s*:\s*"envdoctor-fleet"')


@dataclass
class NodeInput:
    """One node as collected: its snapshot's raw JSON, or why there is none."""

    hints: list[str]  # names to try besides the snapshot's hostname (file name, launcher's name)
    source: str  # where it came from: a file, a bundle entry, a Ray node
    raw: bytes | None = None
    status: str = "ok"  # "ok" | "unreachable" | "failed"
    reason: str = ""  # why there is no snapshot
    extra: dict[str, str] = field(default_factory=dict)  # launcher facts (Ray node id, address)
    hints_first: bool = False  # try `hints` before the hostname (a saved name, a Ray node name)
    fallbacks: list[str] = field(default_factory=list)  # after the hostname and the hints


def fingerprint(raw: bytes) -> tuple[bytes, str]:
    """(key of the environment, the snapshot's hostname or ""). Equal keys: equal snapshots but
    for the fields that name the node, so one diagnosis serves every node with that key."""
    pattern = _NODE_FIELDS_KEEP_UUID if _UUID_SELECTOR.search(raw) else _NODE_FIELDS
    hostname = ""

    def blank(match: re.Match[bytes]) -> bytes:
        nonlocal hostname
        if match.group(1) == b"hostname" and not hostname and match.group(2) != b"null":
            try:
                hostname = str(json.loads(match.group(2)))
            except ValueError:
                hostname = ""
        return b'"' + match.group(1) + b'":null'

    blanked = pattern.sub(blank, raw)
    return hashlib.sha1(blanked).digest(), hostname


def natural_key(name: str) -> tuple[Any, ...]:
    """'n2' before 'n10'."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def iter_files(paths: Sequence[str]) -> Iterator[NodeInput]:
    """The nodes in snapshot files, folders of them (`*.json`, not recursive) and saved bundles."""
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found = sorted((p for p in path.glob("*.json") if p.is_file()), key=lambda p: natural_key(p.name))
            if not found:
                raise UsageError(f"{text}: no *.json snapshots in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"{text}: no such file or folder")
    stems = Counter(p.stem for p in files)
    for path in files:
        yield from _read_file(path, unique_stem=stems[path.stem] == 1)


def _read_file(path: Path, *, unique_stem: bool) -> Iterator[NodeInput]:
    stem_hints = [path.stem] if unique_stem else [f"{path.parent.name}/{path.stem}", str(path)]
    try:
        with open(path, "rb") as handle:
            first = handle.readline()
            if first.startswith(BUNDLE_HEADER):
                yield from read_bundle(path, handle, first)
                return
            raw = first + handle.read()
    except OSError as exc:
        yield NodeInput(stem_hints, str(path), status="failed", reason=f"cannot read: {exc.strerror or exc}")
        return
    if _BUNDLE_KIND.search(raw):  # a saved bundle that a JSON tool rewrote: read as one document
        yield from _bundle_document(path, raw)
        return
    yield NodeInput(stem_hints, str(path), raw=raw)


def read_bundle(path: Path, handle: Any, first: bytes) -> Iterator[NodeInput]:
    """The nodes of a file written by `fleet --save`: one node per line (read line by line, so a
    thousand nodes never sit in memory at once), else the whole document."""
    if not first.rstrip().endswith(b'"nodes": {'):
        yield from _bundle_document(path, first + handle.read())
        return
    pending: list[NodeInput] = []
    for line in handle:
        if line.startswith(b"}"):
            yield from _bundle_trailer(path, pending, b"{" + line[1:].lstrip(b" ,\t"))
            return
        match = _NODE_LINE.match(line)
        if match is None:
            raise UsageError(f"{path}: malformed fleet bundle line: {line[:60]!r}")
        name = _decode_name(path, match.group(1))
        raw = line[match.end() :].rstrip()
        raw = raw[:-1] if raw.endswith(b",") else raw
        pending.append(NodeInput([name], f"{path}:{name}", raw=raw, hints_first=True))
        if len(pending) >= 64:  # the sources are at the end: hold back only a few
            yield from pending
            pending = []
    raise UsageError(f"{path}: the fleet bundle is cut short (no closing line)")


def _decode_name(path: Path, raw_name: bytes) -> str:
    try:
        return str(json.loads(b'"' + raw_name + b'"'))
    except ValueError:
        raise UsageError(f"{path}: malformed node name in the fleet bundle") from None


def _bundle_trailer(path: Path, pending: list[NodeInput], text: bytes) -> Iterator[NodeInput]:
    try:
        trailer = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: malformed fleet bundle ending: {exc}") from None
    sources = trailer.get("sources") if isinstance(trailer, dict) else None
    for node in pending:
        _apply_source(node, sources)
        yield node
    yield from _unreachable(path, trailer)


def _apply_source(node: NodeInput, sources: object) -> None:
    info = sources.get(node.hints[0]) if isinstance(sources, dict) else None
    if isinstance(info, dict):
        node.extra = {str(k): str(v) for k, v in info.items()}


def _unreachable(path: Path, document: object) -> Iterator[NodeInput]:
    entries = document.get("unreachable") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("name"):
            extra = entry.get("source") if isinstance(entry.get("source"), dict) else {}
            yield NodeInput(
                [str(entry["name"])],
                f"{path}:{entry['name']}",
                status=str(entry.get("status") or "unreachable"),
                reason=str(entry.get("reason") or ""),
                extra={str(k): str(v) for k, v in (extra or {}).items()},
                hints_first=True,
            )


def _bundle_document(path: Path, text: bytes) -> Iterator[NodeInput]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: not JSON ({exc})") from None
    nodes = document.get("nodes") if isinstance(document, dict) else None
    if not isinstance(nodes, dict):
        raise UsageError(f"{path}: a fleet bundle without 'nodes'")
    sources = document.get("sources")
    for name, snapshot in nodes.items():
        node = NodeInput([str(name)], f"{path}:{name}", raw=json.dumps(snapshot).encode(), hints_first=True)
        _apply_source(node, sources)
        yield node
    yield from _unreachable(path, document)


def assign_names(hints: Sequence[Sequence[str]]) -> list[str]:
    """A unique name per node: each node's first hint, moving the nodes that share one on to their
    next hint, and numbering whatever still collides ("vm", "vm-2")."""
    options = [[h for h in node if h] or ["node"] for node in hints]
    level = [0] * len(options)
    while True:
        current = [options[i][level[i]] for i in range(len(options))]
        counts = Counter(current)
        moved = False
        for i, name in enumerate(current):
            if counts[name] > 1 and level[i] + 1 < len(options[i]):
                level[i] += 1
                moved = True
        if not moved:
            break
    names: list[str] = []
    taken = set(current)
    used: set[str] = set()
    for name in current:
        unique, number = name, 1
        while unique in used or (unique != name and unique in taken):
            number += 1
            unique = f"{name}-{number}"
        used.add(unique)
        names.append(unique)
    return names


def parse_snapshot_document(raw: bytes) -> dict[str, Any]:
    """The snapshot object in `raw`: a bare snapshot or a `report --format json` document."""
    data = json.loads(raw)
    if isinstance(data, dict) and "snapshot" in data and "interpreter" not in data:
        data = data["snapshot"]
    if not isinstance(data, dict) or "interpreter" not in data:
        raise ValueError("not an envdoctor snapshot (no 'interpreter')")
    return data
