"""Reading the log corpora: the header every corpus log starts with, and the splits.

A corpus log is `key: value` header lines, a `---` line, then the log as the user pasted it:

    cause: numpy-abi
    source: https://github.com/owner/repo/issues/123
    repo: owner/repo
    tags: tensorflow linux pip
    label-confidence: high        (blind5 on, and the live corpus)
    why: maintainer: rebuilt for NumPy 2 (blind5 on, and the live corpus)
    ---
    <the log>
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from envdoctor.explain.causes import CAUSES as _PACKAGE_CAUSES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
LIVE_DEFAULT = ROOT / ".bench" / "live-corpus"

# the cause ids a label may use: the package's own cause table (docs/causes.md), and "unknown"
CAUSES = frozenset(_PACKAGE_CAUSES) | {"unknown"}
REQUIRED = ("cause", "source", "repo", "tags")
OPTIONAL = ("label-confidence", "why")
CONFIDENCES = frozenset({"high", "medium"})


class HeaderError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class CorpusLog:
    path: Path
    split: str
    header: dict[str, str]
    body: str

    @property
    def cause(self) -> str:
        return self.header["cause"]

    @property
    def source(self) -> str:
        return self.header["source"]


def parse(path: Path, split: str) -> CorpusLog:
    """Split a corpus file into its header and the log; a malformed header raises HeaderError."""
    text = path.read_text(encoding="utf-8", errors="replace")
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise HeaderError(f"{path}: no '---' line ends the header")
    header: dict[str, str] = {}
    for number, line in enumerate(head.splitlines(), 1):
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or not key or " " in key:
            raise HeaderError(f"{path}:{number}: not a 'key: value' header line: {line!r}")
        if key in header:
            raise HeaderError(f"{path}:{number}: {key} given twice")
        if key not in REQUIRED + OPTIONAL:
            raise HeaderError(f"{path}:{number}: unknown header key {key!r}")
        header[key] = value
    missing = [k for k in REQUIRED if not header.get(k)]
    if missing:
        raise HeaderError(f"{path}: header lacks {', '.join(missing)}")
    return CorpusLog(path, split, header, body)


def normalise_source(source: str) -> str:
    """One spelling per thread: no scheme, www, query, fragment or trailing slash; a GitHub pull
    request and an issue of the same number are one thread."""
    url = source.strip().lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    url = re.sub(r"[?#].*$", "", url).rstrip("/")
    return re.sub(r"^(github\.com/[^/]+/[^/]+)/(issues|pull|discussions)/", r"\1/N/", url)


def splits() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def load_split(split: str) -> list[CorpusLog]:
    return [parse(p, split) for p in sorted((CORPUS / split).glob("*.log"))]


def load_dir(folder: Path, split: str) -> list[CorpusLog]:
    return [parse(p, split) for p in sorted(folder.glob("*.log"))]
