"""Loading the labelled corpus in tests/corpus/<split>/*.log (header lines, then `---`).

Splits: tuning, heldout, blind, blind2, blind3, blind4.

blind, blind2, blind3, blind4: collected later by people who never saw the classifier; never used for tuning."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class Case:
    name: str
    split: str
    cause: str
    source: str
    tags: tuple[str, ...]
    text: str


def load(split: str | None = None) -> list[Case]:
    cases = []
    for part in ("tuning", "heldout", "blind", "blind2", "blind3", "blind4"):
        if split and part != split:
            continue
        for path in sorted((CORPUS / part).glob("*.log")):
            raw = path.read_text(encoding="utf-8")
            head, sep, body = raw.partition("\n---\n")
            assert sep, f"{path}: no --- separator"
            meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
            meta = {k.strip(): v.strip() for k, v in meta.items()}
            cases.append(
                Case(path.stem, part, meta["cause"], meta.get("source", ""), tuple(meta.get("tags", "").split()), body)
            )
    return cases
