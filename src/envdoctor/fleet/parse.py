"""Snapshots of many nodes parsed with their distribution records shared: nodes of one cluster
have nearly the same packages, so each distinct record (its exact bytes) is decoded and built
into a `Distribution` once, and every node that carries the same bytes gets that same object.

Hand-written because no JSON library decodes a document while reusing sub-values by their text.
The result is the snapshot `Snapshot.from_dict(json.loads(raw))` builds, field for field; any
document this cannot split for certain (another layout, a record that is not one whole JSON
object, a malformed record) is parsed the ordinary way, so errors read as they always did.
Callers must treat the shared `Distribution` objects as read-only (the rules do: they are pure).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from envdoctor.fleet.inputs import parse_snapshot_document
from envdoctor.model import Distribution, Snapshot, from_dict

# The array's opening; a record's end: `}` then `,` before the next record, or `]` (the array's end).
_ARRAY = re.compile(rb'"distributions"\s*:\s*\[\s*')
_RECORD_END = re.compile(rb"\}\s*(?:,\s*(?=\{)|\])")


class RecordCache:
    """Distribution objects by the bytes of their JSON record; bounded (cleared when full)."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._records: dict[bytes, Distribution] = {}
        # Stands in for the array while the rest of the document is decoded: a random string, so
        # a document cannot hold it by chance, and seeing it at the top level proves that the
        # array replaced was the snapshot's own `distributions`.
        self._token = "envdoctor-records-" + os.urandom(8).hex()
        self.hits = 0
        self.misses = 0

    def snapshot(self, raw: bytes) -> Snapshot:
        """The snapshot in `raw` (as `parse_snapshot_document` + `Snapshot.from_dict`); ValueError
        when it is not one."""
        fast = self._split(raw)
        if fast is not None:
            return fast
        return Snapshot.from_dict(parse_snapshot_document(raw))

    def _split(self, raw: bytes) -> Snapshot | None:
        array = _ARRAY.search(raw)
        if array is None:
            return None
        records: list[Distribution] = []
        view = memoryview(raw)  # records are looked up by a view of their bytes: no copy
        at = array.end()
        if raw.startswith(b"]", at):
            end = at + 1
        else:
            while True:
                if not raw.startswith(b"{", at):
                    return None
                close = _RECORD_END.search(raw, at)
                if close is None:
                    return None
                dist = self._record(view[at : close.start() + 1])
                if dist is None:
                    return None
                records.append(dist)
                at = close.end()
                if raw[close.end() - 1] == 0x5D:  # "]": the last record
                    end = at
                    break
        rest = raw[: array.start()] + b'"distributions": "' + self._token.encode() + b'"' + raw[end:]
        try:
            data = json.loads(rest)
        except ValueError:
            return None
        if not isinstance(data, dict) or "interpreter" not in data or data.get("distributions") != self._token:
            return None  # a report wrapping the snapshot, or the array was not the top-level one
        del data["distributions"]
        try:
            snapshot = Snapshot.from_dict(data)
        except ValueError:
            return None
        snapshot.distributions = records
        return snapshot

    def _record(self, text: memoryview) -> Distribution | None:
        """The record's Distribution; None when `text` is not exactly one valid record (then the
        split was wrong, e.g. a `}` inside a string, and the document is parsed whole)."""
        # A view hashes and compares as its bytes: the lookup copies nothing.
        found: Distribution | None = self._records.get(text)  # type: ignore[call-overload]
        if found is not None:
            self.hits += 1
            return found
        data = bytes(text)
        try:
            parsed: Any = json.loads(data)
            dist = from_dict(Distribution, parsed)
        except ValueError:
            return None
        self.misses += 1
        if len(self._records) >= self.limit:
            self._records.clear()
        self._records[data] = dist
        return dist
