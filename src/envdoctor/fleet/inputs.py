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
    for the fields that name the node, so one diagnosis serves every node with that key.

    Hand-written on bytes.find, and only over the parts that can hold those fields: a regular
    expression over the whole document is slower than parsing it, which costs seconds on a
    thousand nodes. In a snapshot as `to_dict` lays it out, the bulk (the distributions and the
    conda records, between "distributions" and the snapshot's "machine") has no such field: it
    is keyed by Python's 64-bit SipHash and its length (a collision among a thousand distinct
    snapshots: about 1e-14)."""
    head_end, tail_start = _bulk(raw)
    scanned = [raw[:head_end], raw[tail_start:]] if head_end else [raw]
    keys = [b'"hostname"', b'"created"']
    if not any(_uuids_select_gpus(part) for part in scanned):
        keys.append(b'"uuid"')
    digest = hashlib.sha1()
    hostname = ""
    for part in scanned:
        found = _update_blanked(digest, part, keys)
        hostname = hostname or found
        digest.update(b"\x00")
    if head_end:
        bulk = raw[head_end:tail_start]
        digest.update(len(bulk).to_bytes(8, "little") + hash(bulk).to_bytes(8, "little", signed=True))
    return digest.digest(), hostname


_SNAPSHOT_START = re.compile(rb'\s*\{\s*"interpreter"\s*:')


def _bulk(raw: bytes) -> tuple[int, int]:
    """(start, end) of the distributions and conda records in a snapshot laid out as `to_dict`
    writes it (interpreter, distributions, conda, machine, ...); (0, 0) for any other layout."""
    if not _SNAPSHOT_START.match(raw):
        return 0, 0
    start = raw.find(b'"distributions"')
    end = raw.rfind(b'"machine"')
    if not 0 < start < end:
        return 0, 0
    after = end + len(b'"machine"')
    rest = raw[after : after + 16].lstrip()
    return (start, end) if rest.startswith(b":") and rest[1:].lstrip().startswith(b"{") else (0, 0)


def _update_blanked(digest: Any, raw: bytes, keys: list[bytes]) -> str:
    """Feed `raw` to `digest` with the values of `keys` left out; the first hostname found."""
    spans: list[tuple[int, int]] = []
    hostname = ""
    for key in keys:
        at = raw.find(key)
        while at >= 0:
            value = _value_span(raw, at + len(key))
            if value is not None:
                spans.append(value)
                if key == b'"hostname"' and not hostname and raw[value[0]] == 0x22:
                    try:
                        hostname = str(json.loads(raw[value[0] : value[1]]))
                    except ValueError:
                        hostname = ""
            at = raw.find(key, at + len(key))
    view = memoryview(raw)
    position = 0
    for begin, finish in sorted(spans):
        digest.update(view[position:begin])
        position = finish
    digest.update(view[position:])
    return hostname


def _value_span(raw: bytes, at: int) -> tuple[int, int] | None:
    """Where the string (or null) value after a key ending at `at` lies; None when `at` is not
    followed by `:` and such a value (then it was not that key)."""
    end = len(raw)
    while at < end and raw[at] in b" \t\r\n":
        at += 1
    if at >= end or raw[at] != 0x3A:  # ":"
        return None
    at += 1
    while at < end and raw[at] in b" \t\r\n":
        at += 1
    if raw.startswith(b"null", at):
        return at, at + 4
    if at >= end or raw[at] != 0x22:
        return None
    close = at + 1
    while True:
        close = raw.find(b'"', close)
        if close < 0:
            return None
        backslashes = 0
        while raw[close - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2 == 0:
            return at, close + 1
        close += 1


def _uuids_select_gpus(raw: bytes) -> bool:
    """CUDA_VISIBLE_DEVICES names GPUs by UUID (rule ED407 then matches the GPUs' UUIDs)."""
    for key in (b'"CUDA_VISIBLE_DEVICES"', b'"cuda_visible_devices"'):
        at = raw.find(key)
        while at >= 0:
            span = _value_span(raw, at + len(key))
            if span is not None:
                value = raw[span[0] : span[1]].upper()
                if b"GPU-" in value or b"MIG-" in value:
                    return True
            at = raw.find(key, at + len(key))
    return False


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
            handle.seek(0)
            raw = handle.read()
    except OSError as exc:
        yield NodeInput(stem_hints, str(path), status="failed", reason=f"cannot read: {exc.strerror or exc}")
        return
    if not _SNAPSHOT_START.match(raw) and _BUNDLE_KIND.search(raw):
        yield from _bundle_document(path, raw)  # a saved bundle that a JSON tool rewrote
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
        if not line.strip():
            continue
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
