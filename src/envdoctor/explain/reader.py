"""Streaming input: a log of any size is read in blocks of whole lines, never loaded whole.

Blocks are UTF-8 bytes (the scanner searches bytes; only matched lines are decoded). Tolerates CRLF,
`\\r` progress bars (handled per line by the scanner), ANSI colours (stripped by the scanner),
non-UTF-8 bytes (replaced when a line is decoded) and UTF-16 files with a byte-order mark (Windows
PowerShell `>`), which are re-encoded as UTF-8.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import BinaryIO

BLOCK_BYTES = 4 << 20  # 4 MiB per block: bounded memory whatever the log's size


def _utf16_blocks(first: bytes, stream: BinaryIO, block_bytes: int) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    chunk = first
    while chunk:
        yield decoder.decode(chunk).encode("utf-8")
        chunk = stream.read(block_bytes)
    yield decoder.decode(b"", final=True).encode("utf-8")


def iter_blocks(stream: BinaryIO, block_bytes: int = BLOCK_BYTES) -> Iterator[bytes]:
    """Yield UTF-8 byte blocks that each end at a line boundary (the last may not end in \\n)."""
    first = stream.read(block_bytes)
    if not first:
        return
    chunks: Iterator[bytes]
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        chunks = _utf16_blocks(first, stream, block_bytes)
    else:
        if first.startswith(codecs.BOM_UTF8):
            first = first[len(codecs.BOM_UTF8) :]
        chunks = _raw_blocks(first, stream, block_bytes)
    pending = b""
    for chunk in chunks:
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n")
        if cut == -1:
            pending = data
            if len(pending) > block_bytes:  # one enormous line: hand it over anyway
                yield pending
                pending = b""
        else:
            yield data[: cut + 1]
            pending = data[cut + 1 :]
    if pending:
        yield pending


def _raw_blocks(first: bytes, stream: BinaryIO, block_bytes: int) -> Iterator[bytes]:
    chunk = first
    while chunk:
        yield chunk
        chunk = stream.read(block_bytes)


def blocks_from_lines(lines: Iterable[str], block_chars: int = BLOCK_BYTES) -> Iterator[bytes]:
    """Group already-decoded lines (with or without their newlines) into UTF-8 blocks of whole lines."""
    buf: list[str] = []
    size = 0
    for line in lines:
        if not line.endswith("\n"):
            line += "\n"
        buf.append(line)
        size += len(line)
        if size >= block_chars:
            yield "".join(buf).encode("utf-8", errors="replace")
            buf = []
            size = 0
    if buf:
        yield "".join(buf).encode("utf-8", errors="replace")
