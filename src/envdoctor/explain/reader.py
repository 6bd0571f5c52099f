"""Streaming input: a log of any size is read in blocks of whole lines, never loaded whole.

Tolerates CRLF, `\\r` progress bars (handled per line by the scanner), ANSI colours (stripped by the
scanner), non-UTF-8 bytes (replaced) and UTF-16 files with a byte-order mark (Windows PowerShell `>`).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import BinaryIO

BLOCK_BYTES = 4 << 20  # 4 MiB of text per block: bounded memory whatever the log's size


def iter_blocks(stream: BinaryIO, block_bytes: int = BLOCK_BYTES) -> Iterator[str]:
    """Yield decoded text blocks that each end at a line boundary (the last may not end in \\n)."""
    first = stream.read(block_bytes)
    if not first:
        return
    encoding = "utf-8"
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    chunk: bytes = first
    while chunk:
        text = pending + decoder.decode(chunk)
        cut = text.rfind("\n")
        if cut == -1:
            pending = text
            if len(pending) > block_bytes:  # one enormous line: hand it over anyway
                yield pending
                pending = ""
        else:
            yield text[: cut + 1]
            pending = text[cut + 1 :]
        chunk = stream.read(block_bytes)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def blocks_from_lines(lines: Iterable[str], block_chars: int = BLOCK_BYTES) -> Iterator[str]:
    """Group already-decoded lines (with or without their newlines) into blocks of whole lines."""
    buf: list[str] = []
    size = 0
    for line in lines:
        if not line.endswith("\n"):
            line += "\n"
        buf.append(line)
        size += len(line)
        if size >= block_chars:
            yield "".join(buf)
            buf = []
            size = 0
    if buf:
        yield "".join(buf)
