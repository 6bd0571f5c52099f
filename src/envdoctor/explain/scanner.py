"""The scanner: signatures and fact probes over a stream of byte blocks, in time linear in the log.

Speed: a block is lowered and its digits masked to `0` in one `bytes.translate`, split into lines and
de-duplicated (a log repeats the same warning with other timestamps thousands of times); every
needle is then searched with `bytes.find` over the distinct lines only (C speed, no per-line Python
work). Only lines that hold a needle are decoded and matched with their signatures' regexes, on a
bounded window around the needle, so no pattern ever sees more than `WINDOW_BEFORE + WINDOW_AFTER`
characters of a line.
Memory: only matched lines (a few per signature), fact lines (a few dozen per kind), the lines
captured after solver headers, and the head and tail of the log are kept.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from envdoctor.explain.model import Evidence
from envdoctor.explain.signatures import COMPILED, Signature, by_anchor

ANSI_RE = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]")
MARKDOWN_LINK_RE = re.compile(rb"\[([^\]\n]{1,200})\]\(https?://[^)\s]{1,300}\)")
# A Markdown quote's markers ("> ", "> > "), as a pasted log in an issue often carries them; a
# Python prompt (">>> ") has no blank after its first ">" and is kept.
MARKDOWN_QUOTE_RE = re.compile(rb"(?m)^[ \t]*(?:>[ \t])+")
HEAD_LINES = 200
TAIL_LINES = 200
KEEP_PER_SIGNATURE = 4  # evidence lines kept per signature (first ones); the rest are counted
MAX_LINE_CHARS = 2000  # evidence text is cut here
WINDOW_BEFORE = 600  # a signature's regex sees this much of the line before its needle ...
WINDOW_AFTER = 4000  # ... and this much after it
MAX_FACT_CAPTURES = 4  # per fact signature: a repeated GPU check must not use up the slots of solver blocks
MAX_CAPTURES = 20
MAX_HITS_PER_ANCHOR = 400  # lines looked at per anchor (then per needle) in one block
SEEN_LIMIT = 2 << 20  # bytes of distinct lines remembered across blocks (then per block only)

# One table lowers ASCII letters and turns every digit into "0": lines that differ only in their
# timestamps, counters or versions are searched once. Needles are masked the same way.
_MASK = bytes((b + 32) if 65 <= b <= 90 else (48 if 48 <= b <= 57 else b) for b in range(256))


def mask(text: str) -> bytes:
    """A needle as the scanner searches it (lowered, digits as 0)."""
    return text.encode("utf-8").translate(_MASK)


# What the fact extractor reads besides the head, the tail and the matched lines: lines holding one
# of these needles, up to `limit` distinct lines per kind (first ones kept, then the latest ones).
FACT_PROBES: tuple[tuple[str, str, int] | tuple[str, str, int, int], ...] = (
    ("site-packages", "path", 48),
    ("dist-packages", "path", 24),
    ('file "', "frame", 48),
    (".whl", "wheel", 32),
    ("python", "python", 64),
    ("requirement already satisfied", "install", 48),
    ("successfully installed", "install", 8),
    ("collecting ", "install", 48),
    ("installing collected packages", "install", 8),
    ("existing installation", "install", 24),
    ("uninstall", "install", 24),
    ("downloading ", "install", 32),
    ("from versions:", "offered", 8, 30),
    ("no matching distribution", "offered", 8),
    ("no compatible version found", "offered", 8),
    ("which is incompatible", "pip-check", 32),
    ("has requirement", "pip-check", 32),
    ("driver version", "gpu", 16),
    ("cuda version", "gpu", 16),
    ("nvidia-smi", "gpu", 8),
    ("nvcc", "gpu", 8),
    ("release 0", "gpu", 8),
    ("cudnn", "gpu", 16),
    (".so.", "lib", 32),
    (".dll", "lib", 16),
    ("version", "version", 64),
    ("==", "version", 48),
    ("error", "error", 48),
    ("exception", "error", 16),
    ("pip install", "command", 16),
    ("pip3 install", "command", 16),
    ("conda install", "command", 16),
    ("uv pip", "command", 8),
    ("uv add", "command", 8),
    ("uv sync", "command", 8),
    ("conda activate", "command", 8),
    ("source activate", "command", 8),
    ("sys.executable", "interpreter", 8),
    ("which python", "interpreter", 8),
    ("where python", "interpreter", 8),
    ("which pip", "interpreter", 8),
    ("pip -v", "interpreter", 8),
    ("pip --version", "interpreter", 8),
    ("kernel", "kernel", 16),
    ("ipykernel", "kernel", 16),
    ("in [0]", "kernel", 8),
    ("ipython-input", "kernel", 8),
    ("uname", "machine", 8),
    ("x00_00", "machine", 8),
    ("aarch00", "machine", 8),
    ("arm00", "machine", 8),
    ("rosetta", "machine", 8),
    ("glibc", "machine", 8),
    ("ldd ", "machine", 8),
    ("musl", "machine", 8),
    ("alpine", "machine", 8),
    ("macos", "machine", 8),
    ("darwin", "machine", 8),
    ("windows", "machine", 8),
    ("ubuntu", "machine", 8),
    ("bit (", "machine", 8),
    ("platform", "machine", 16),
    # what the user says fixed it or caused it ("solved by installing the VC++ redistributable")
    ("solved", "prose", 24),
    ("fixed", "prose", 24),
    ("resolved", "prose", 24),
    ("works now", "prose", 24),
    ("working now", "prose", 24),
    ("turned out", "prose", 24),
    ("problem", "prose", 24),
    ("issue was", "prose", 24),
    ("the cause", "prose", 24),
    ("because", "prose", 24),
    ("helped", "prose", 24),
    ("workaround", "prose", 24),
    ("the fix", "prose", 24),
    ("solution", "prose", 24),
)


@dataclass
class Hit:
    signature: Signature
    count: int = 0
    evidence: list[Evidence] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)


@dataclass
class Capture:
    signature: Signature
    header: Evidence
    lines: list[str] = field(default_factory=list)
    wanted: int = 0


@dataclass(frozen=True)
class _Probe:
    kind: str
    limit: int
    follow: int = 0  # following lines kept too (pip wraps a long "from versions:" list)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _clean(segment: str) -> str:
    return segment.strip()[:MAX_LINE_CHARS]


def _segment(line: str, needle: str) -> str:
    """A `\\r`-overwritten line shows only its last state; keep the part that holds the needle."""
    if "\r" not in line:
        return line
    parts = [p for p in line.split("\r") if p.strip()]
    for part in parts:
        if needle in part.lower():
            return part
    return parts[-1] if parts else ""


def _window(segment: str, needle: str) -> str:
    """The part of a long line a regex may look at: bounded around the needle's first occurrence."""
    if len(segment) <= WINDOW_BEFORE + WINDOW_AFTER:
        return segment
    low = segment.lower()
    at = low.find(needle)
    if at == -1:  # the needle was found in the masked line (digits); search the masked text
        at = low.translate(_DIGITS).find(needle.translate(_DIGITS))
    at = max(at, 0)
    return segment[max(0, at - WINDOW_BEFORE) : at + len(needle) + WINDOW_AFTER]


_DIGITS = str.maketrans("0123456789", "0000000000")


class Scanner:
    """Feed byte blocks of whole lines; read the hits, captures, fact lines and retained lines after."""

    def __init__(
        self,
        signatures: tuple[Signature, ...] = COMPILED,
        probes: tuple[tuple[str, str, int] | tuple[str, str, int, int], ...] = FACT_PROBES,
    ) -> None:
        self._table = _table(signatures)
        self._probes = _probe_table(probes)
        # anchors and probes still worth searching: one whose signatures all have their evidence (and
        # capture nothing), or whose fact kind is full, is not searched again
        self._anchors: list[bytes] = list(self._table)
        self._probing: list[bytes] = list(self._probes)
        self.hits: dict[str, Hit] = {}
        self.captures: list[Capture] = []
        self._open: list[Capture] = []
        self.head: list[str] = []
        self.tail: deque[tuple[int, str]] = deque(maxlen=TAIL_LINES)
        self.fact_lines: dict[str, list[tuple[int, str]]] = {}
        self._fact_late: dict[str, deque[tuple[int, str]]] = {}
        self._seen: set[bytes] = set()
        self._seen_bytes = 0
        self.lines = 0

    # -- feeding -----------------------------------------------------------------------------
    def feed(self, block: bytes | str) -> None:
        if isinstance(block, str):
            block = block.encode("utf-8", errors="replace")
        if not block:
            return
        if b"\x1b" in block:
            block = ANSI_RE.sub(b"", block)
        if b"](http" in block:  # GitHub turns `libcudnn.so` into a link: read the text, not the link
            block = MARKDOWN_LINK_RE.sub(rb"\1", block)
        if b"> " in block:
            block = MARKDOWN_QUOTE_RE.sub(b"", block)
        masked = block.translate(_MASK).split(b"\n")
        if block.endswith(b"\n"):
            masked.pop()
        lines = _Lines(block, masked)  # the original lines, sliced from the block only when needed
        base = self.lines
        if self._open:
            self._continue_captures(lines.first(max(c.wanted - len(c.lines) for c in self._open)))
        if len(self.head) < HEAD_LINES:
            self.head.extend(_clean(_decode(x)) for x in lines.first(HEAD_LINES - len(self.head)))
        tail = lines.last(TAIL_LINES)
        start = len(masked) - len(tail)
        for offset, raw in enumerate(tail):
            if raw.strip():
                self.tail.append((base + start + offset + 1, _clean(_decode(raw))))
        self.lines = base + len(masked)
        fresh = [m for m in dict.fromkeys(masked) if m not in self._seen]  # distinct, in log order
        if self._seen_bytes < SEEN_LIMIT:
            self._seen.update(fresh)
            self._seen_bytes += sum(map(len, fresh))
        distinct = fresh
        text = b"\n".join(distinct)
        if not text:
            return
        found: list[tuple[int, bytes]] = []
        probes: list[tuple[int, bytes]] = []
        for anchor in self._anchors:
            at_anchor = list(itertools.islice(_line_positions(text, anchor), MAX_HITS_PER_ANCHOR))
            if len(at_anchor) == MAX_HITS_PER_ANCHOR:
                # a noisy anchor: search its needles one by one, each capped, so that a flood of one
                # warning cannot hide the single line that matters further down
                for needle in self._table[anchor]:
                    at_anchor.extend(itertools.islice(_line_positions(text, needle), MAX_HITS_PER_ANCHOR))
            found.extend((at, anchor) for at in at_anchor)
        for anchor in self._probing:
            room = max(p.limit - len(self.fact_lines.get(p.kind, ())) for _n, p in self._probes[anchor]) + 4
            probes.extend((at, anchor) for at in itertools.islice(_line_positions(text, anchor), max(room, 0)))
        if not found and not probes:
            return
        # anchors per line in the search order (a dict, not a set: a set's order follows the hash seed,
        # and the first signature to capture a group names it, so the answer's fix text varied by process)
        anchors_on: dict[int, dict[bytes, None]] = {}
        probes_on: dict[int, list[bytes]] = {}
        numbers = dict(_line_numbers(text, sorted({at for at, _a in found} | {at for at, _p in probes})))
        for at, anchor in found:
            anchors_on.setdefault(numbers[at], {})[anchor] = None
        for at, probe_anchor in probes:
            probes_on.setdefault(numbers[at], []).append(probe_anchor)
        for number in sorted(anchors_on.keys() | probes_on.keys()):
            mline = distinct[number]
            index = lines.index_of(mline)
            text_line = _decode(lines[index])
            for anchor in anchors_on.get(number, ()):
                for mneedle, (plain, sigs) in self._table[anchor].items():
                    if mneedle in mline:
                        self._match_line(sigs, plain, text_line, index, base, lines)
            for anchor in probes_on.get(number, ()):
                for mneedle, probe in self._probes[anchor]:
                    if mneedle not in mline:
                        continue
                    self._keep_fact(probe, base + index + 1, text_line)
                    for offset, follow in enumerate(lines.following(index, probe.follow), index + 2):
                        self._keep_fact(probe, base + offset, _decode(follow), force=True)
        self._retire()

    def _retire(self) -> None:
        """Stop searching anchors whose signatures are all proven and probes whose kind is full."""

        def done(sig: Signature) -> bool:
            hit = self.hits.get(sig.id)
            full = hit is not None and len(hit.evidence) >= KEEP_PER_SIGNATURE
            return full and (not sig.capture or len(self.captures) >= MAX_CAPTURES)

        self._anchors = [
            a for a in self._anchors if not all(done(sig) for _n, sigs in self._table[a].values() for sig in sigs)
        ]
        self._probing = [
            a for a in self._probing if any(len(self.fact_lines.get(p.kind, ())) < p.limit for _n, p in self._probes[a])
        ]

    def _keep_fact(self, probe: _Probe, number: int, raw: str, force: bool = False) -> None:
        kept = self.fact_lines.setdefault(probe.kind, [])
        text = _clean(raw)
        if any(n == number for n, _ in kept[-4:]):
            return
        if len(kept) < probe.limit or (force and len(kept) < probe.limit + probe.follow * 2):
            kept.append((number, text))
            return
        late = self._fact_late.setdefault(probe.kind, deque(maxlen=max(4, probe.limit // 4)))
        if not late or late[-1][0] != number:
            late.append((number, text))

    def _match_line(self, sigs: list[Signature], needle: str, raw: str, index: int, base: int, lines: _Lines) -> None:
        segment = _segment(raw, needle)
        window = _window(segment, needle)
        for sig in sigs:
            known = self.hits.get(sig.id)
            if known is not None and len(known.evidence) >= KEEP_PER_SIGNATURE and not sig.capture:
                known.count += 1  # already proven: skip the regex on the thousandth repeat of a warning
                continue
            matched = sig.match(window)
            if not matched and sig.pattern is not None:
                # a message wrapped onto the next line ("... used to compile" / "PyTorch (11.8).")
                following = lines.following(index, 1)
                if following:
                    joined = window + " " + _clean(_decode(following[0]))[:WINDOW_AFTER]
                    matched = sig.match(joined)
            if not matched:
                continue
            hit = self.hits.setdefault(sig.id, Hit(sig))
            hit.count += 1
            ev = Evidence(line=base + index + 1, text=_clean(window), signature=sig.id)
            if len(hit.evidence) < KEEP_PER_SIGNATURE:
                hit.evidence.append(ev)
            if isinstance(matched, re.Match):
                for key, value in matched.groupdict().items():
                    if value and key not in hit.groups:
                        hit.groups[key] = value
            if (
                sig.capture
                and len(self.captures) < MAX_CAPTURES
                and (sig.role != "fact" or self._captures_of(sig) < MAX_FACT_CAPTURES)
            ):
                cap = Capture(sig, ev, wanted=sig.capture)
                cap.lines.extend(_clean(_decode(x)) for x in lines.following(index, sig.capture))
                self.captures.append(cap)
                if len(cap.lines) < cap.wanted:
                    self._open.append(cap)

    def _captures_of(self, sig: Signature) -> int:
        return sum(1 for cap in self.captures if cap.signature is sig)

    def _continue_captures(self, lines: list[bytes]) -> None:
        still: list[Capture] = []
        for cap in self._open:
            need = cap.wanted - len(cap.lines)
            cap.lines.extend(_clean(_decode(x)) for x in lines[:need])
            if len(cap.lines) < cap.wanted:
                still.append(cap)
        self._open = still

    # -- reading -----------------------------------------------------------------------------
    def facts_of(self, kind: str) -> list[tuple[int, str]]:
        """The kept lines of one fact kind (numbered), first ones then the latest ones."""
        return self.fact_lines.get(kind, []) + list(self._fact_late.get(kind, ()))

    def numbered(self) -> list[tuple[int, str]]:
        """Every retained line once, with its 1-based number, in log order."""
        out: dict[int, str] = dict(enumerate(self.head, 1))
        for hit in self.hits.values():
            for e in hit.evidence:
                out.setdefault(e.line, e.text)
        for cap in self.captures:
            for offset, line in enumerate(cap.lines, cap.header.line + 1):
                out.setdefault(offset, line)
        for kind in self.fact_lines:
            for number, line in self.facts_of(kind):
                out.setdefault(number, line)
        for number, line in self.tail:
            out.setdefault(number, line)
        return sorted(out.items())

    def retained(self) -> list[str]:
        return [line for _, line in self.numbered()]

    def tags(self) -> set[str]:
        present: set[str] = set()
        for hit in self.hits.values():
            present.update(hit.signature.tags)
        return present


class _Lines:
    """The original lines of a block, by index, without splitting the block a second time: a
    masked line has the same length as its original, so offsets come from the masked lines."""

    def __init__(self, block: bytes, masked: list[bytes]) -> None:
        self.block = block
        self.masked = masked
        self._offsets: list[int] | None = None
        self._index: dict[bytes, int] | None = None
        self._lookups = 0

    def __len__(self) -> int:
        return len(self.masked)

    def _offset(self, index: int) -> int:
        if self._offsets is None:
            self._offsets = [0, *itertools.accumulate(len(m) + 1 for m in self.masked)]
        return self._offsets[index]

    def __getitem__(self, index: int) -> bytes:
        start = self._offset(index)
        return self.block[start : start + len(self.masked[index])]

    def index_of(self, mline: bytes) -> int:
        """The first index of a masked line (a C-speed scan for a few; a table for many)."""
        self._lookups += 1
        if self._index is None and self._lookups > 32:
            self._index = dict(zip(reversed(self.masked), range(len(self.masked) - 1, -1, -1)))
        return self._index[mline] if self._index is not None else self.masked.index(mline)

    def following(self, index: int, count: int) -> list[bytes]:
        return [self[i] for i in range(index + 1, min(len(self.masked), index + 1 + count))]

    def first(self, count: int) -> list[bytes]:
        count = min(count, len(self.masked))
        return self.block.split(b"\n", count)[:count] if count > 0 else []

    def last(self, count: int) -> list[bytes]:
        count = min(count, len(self.masked))
        body = self.block[:-1] if self.block.endswith(b"\n") else self.block
        return body.rsplit(b"\n", count)[-count:] if body and count > 0 else []


Table = dict[bytes, dict[bytes, tuple[str, list[Signature]]]]


# Probe needles are searched through these shared words (one pass each), then told apart per line.
PROBE_ANCHORS = ("packages", "python", "install", "version", "error", "cuda", "kernel", "activate", "pip", "uv ")


@functools.cache
def _table(signatures: tuple[Signature, ...]) -> Table:
    """masked anchor -> masked needle -> (plain needle, signatures)."""
    table: Table = {}
    for anchor, needles in by_anchor(signatures).items():
        group = table.setdefault(mask(anchor), {})
        for needle, sigs in needles.items():
            group[mask(needle)] = (needle, sigs)
    return table


@functools.cache
def _probe_table(
    probes: tuple[tuple[str, str, int] | tuple[str, str, int, int], ...],
) -> dict[bytes, list[tuple[bytes, _Probe]]]:
    """masked probe anchor -> [(masked needle, probe)]."""
    out: dict[bytes, list[tuple[bytes, _Probe]]] = {}
    for entry in probes:
        needle = entry[0]
        anchor = next((a for a in PROBE_ANCHORS if a in needle), needle)
        out.setdefault(mask(anchor), []).append((mask(needle), _Probe(entry[1], entry[2], *entry[3:])))
    return out


def _line_positions(text: bytes, needle: bytes) -> Iterable[int]:
    """Offsets of `needle` in `text`, at most one per line."""
    pos = text.find(needle)
    while pos != -1:
        yield pos
        end = text.find(b"\n", pos)
        if end == -1:
            return
        pos = text.find(needle, end + 1)


def _line_numbers(text: bytes, offsets: list[int]) -> Iterable[tuple[int, int]]:
    """(offset, line index) for sorted offsets: newlines counted between neighbours, at C speed."""
    line = 0
    last = 0
    for offset in offsets:
        line += text.count(b"\n", last, offset)
        last = offset
        yield offset, line
