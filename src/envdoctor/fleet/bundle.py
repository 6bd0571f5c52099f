"""`fleet --save FILE`: every collected snapshot in one JSON file, one node per line, so that it
reads back a node at a time (`envdoctor fleet FILE`) and one node is picked out for
`envdoctor check --snapshot` (`envdoctor fleet FILE --pick NODE`, or `jq '.nodes["NODE"]' FILE`)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from envdoctor._version import __version__
from envdoctor.errors import UsageError
from envdoctor.fleet.aggregate import Collector, Node
from envdoctor.fleet.inputs import parse_snapshot_document


def save(path: str, nodes: Sequence[Node], collector: Collector) -> int:
    """Write the bundle (atomically); the number of snapshots in it."""
    tmp = f"{path}.tmp{os.getpid()}"
    written = 0
    sources: dict[str, dict[str, str]] = {}
    missing: list[dict[str, Any]] = []
    try:
        with open(tmp, "wb") as out:
            header = {"kind": "envdoctor-fleet", "schema": 1, "envdoctor": __version__}
            out.write(json.dumps(header).encode()[:-1] + b', "nodes": {\n')
            for node in nodes:  # one snapshot in memory at a time
                raw = collector.raw_of(node) if node.answered else None
                if raw is None:
                    source = {"from": node.source, **node.extra}
                    missing.append({"name": node.name, "status": node.status, "reason": node.reason, "source": source})
                    continue
                # A newline never stands inside a JSON string (it is escaped there): dropping the
                # raw ones puts the snapshot on one line, unchanged.
                if written:
                    out.write(b",\n")
                out.write(json.dumps(node.name).encode() + b": ")
                out.write(raw.replace(b"\r", b"").replace(b"\n", b""))
                sources[node.name] = {"from": node.source, **node.extra}
                written += 1
            out.write(b'\n}, "sources": ' + json.dumps(sources).encode())
            out.write(b', "unreachable": ' + json.dumps(missing).encode() + b"}\n")
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return written


def pick(nodes: Sequence[Node], collector: Collector, name: str) -> str:
    """The snapshot of node `name`, as `envdoctor snapshot` writes it."""
    for node in nodes:
        if node.name == name:
            raw = collector.raw_of(node)
            if raw is None:
                raise UsageError(f"node {name!r} has no snapshot ({node.status}: {node.reason})")
            try:
                return json.dumps(parse_snapshot_document(raw), indent=2) + "\n"
            except ValueError as exc:
                raise UsageError(f"node {name!r}: malformed snapshot: {exc}") from None
    known = ", ".join(n.name for n in nodes[:10]) + (" ..." if len(nodes) > 10 else "")
    raise UsageError(f"no node named {name!r} (nodes: {known or 'none'})")
