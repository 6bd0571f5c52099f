"""`fleet --save FILE`: every collected snapshot in one JSON file, one node per line, so that it
reads back a node at a time (`envdoctor fleet FILE`) and one node is picked out for
`envdoctor check --snapshot` (`envdoctor fleet FILE --pick NODE`, or `jq '.nodes["NODE"]' FILE`)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from envdoctor import __version__
from envdoctor.errors import UsageError
from envdoctor.fleet.aggregate import Collector, Node


def save(path: str, nodes: Sequence[Node], collector: Collector) -> int:
    """Write the bundle (atomically); the number of snapshots in it."""
    tmp = f"{path}.tmp{os.getpid()}"
    written = 0
    try:
        with open(tmp, "wb") as out:
            header = {"kind": "envdoctor-fleet", "schema": 1, "envdoctor": __version__}
            out.write(json.dumps(header).encode()[:-1] + b', "nodes": {\n')
            with_raw = [(n, collector.raw_of(n)) for n in nodes]
            kept = [(n, raw) for n, raw in with_raw if raw is not None]
            for index, (node, raw) in enumerate(kept):
                # A newline never stands inside a JSON string (it is escaped there): dropping the
                # raw ones puts the snapshot on one line, unchanged.
                line = json.dumps(node.name).encode() + b": " + raw.replace(b"\r", b"").replace(b"\n", b"")
                out.write(line + (b",\n" if index + 1 < len(kept) else b"\n"))
                written += 1
            sources = {n.name: {"from": n.source, **n.extra} for n, _ in kept}
            missing = [
                {"name": n.name, "status": n.status, "reason": n.reason, "source": {"from": n.source, **n.extra}}
                for n, raw in with_raw
                if raw is None
            ]
            out.write(b'}, "sources": ' + json.dumps(sources).encode())
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
            from envdoctor.fleet.inputs import parse_snapshot_document

            try:
                return json.dumps(parse_snapshot_document(raw), indent=2) + "\n"
            except ValueError as exc:
                raise UsageError(f"node {name!r}: malformed snapshot: {exc}") from None
    known = ", ".join(n.name for n in nodes[:10]) + (" ..." if len(nodes) > 10 else "")
    raise UsageError(f"no node named {name!r} (nodes: {known or 'none'})")
