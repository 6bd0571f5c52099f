"""Loading the labelled corpus in tests/corpus/<split>/*.log (header lines, then `---`).

Splits: tuning, heldout, then blind, blind2, ... (every `blind*` folder, in order).

blind*: collected later by people who never saw the classifier; never used for tuning. blind6 is
the integrator's final measure: measured only, never looked into."""

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


def splits() -> list[str]:
    blind = sorted((p.name for p in CORPUS.glob("blind*") if p.is_dir()), key=lambda n: int(n[5:] or 1))
    return ["tuning", "heldout", *blind]


def load(split: str | None = None) -> list[Case]:
    cases = []
    for part in splits():
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
