"""The JSON of a Document: its `data`, whose shape per verb docs/json-schema.md documents (and
docs/schemas/ validates). Indented; `ensure_ascii` keeps raw control and bidi characters out."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from envdoctor.render.document import Document

if TYPE_CHECKING:
    from envdoctor.render.formats import RenderOptions

_SLOT = "\x00envdoctor-slot\x00"  # cannot come from a command line, a file or an environment


class JsonFormatter:
    machine_readable = True

    def render(self, document: Document, options: RenderOptions) -> str:
        if document.data is None:
            raise TypeError(f"envdoctor {document.verb}: this document has no JSON data")
        data = document.data
        value = data.value
        if not data.one_per_line or not isinstance(value, dict):
            return json.dumps(value, indent=2, ensure_ascii=data.ensure_ascii, default=str) + "\n"
        # Lists written one item per line: indenting thousands of nodes' findings takes json's
        # pure-Python encoder seconds; a line each keeps the C encoder and stays easy to grep.
        slots = {key: f"{_SLOT}{key}" for key in data.one_per_line if isinstance(value.get(key), list)}
        text = json.dumps(
            {k: slots.get(k, v) for k, v in value.items()}, indent=2, ensure_ascii=data.ensure_ascii, default=str
        )
        for key, slot in slots.items():
            items = ",\n    ".join(json.dumps(item, ensure_ascii=data.ensure_ascii, default=str) for item in value[key])
            text = text.replace(json.dumps(slot), f"[\n    {items}\n  ]" if items else "[]", 1)
        return text + "\n"


FORMATTER = JsonFormatter()
