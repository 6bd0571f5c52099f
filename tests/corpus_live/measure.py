"""Measure `envdoctor explain --format json` as a black box on corpus logs (issue 11's bar)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

from tests.corpus_live.corpus import CorpusLog

BAR_TOP1 = 0.90
CONFIDENT = 0.8


@dataclasses.dataclass(frozen=True)
class Answer:
    name: str
    label: str
    cause: str
    confidence: float


@dataclasses.dataclass(frozen=True)
class Score:
    split: str
    answers: tuple[Answer, ...]

    @property
    def right(self) -> int:
        return sum(a.cause == a.label for a in self.answers)

    @property
    def top1(self) -> float:
        return self.right / len(self.answers) if self.answers else 0.0

    @property
    def confident_wrong(self) -> list[Answer]:
        return [a for a in self.answers if a.cause != a.label and a.confidence >= CONFIDENT]

    def report(self) -> str:
        misses = [a for a in self.answers if a.cause != a.label]
        lines = [
            f"{self.split}: {self.right}/{len(self.answers)} = {self.top1:.1%} top-1, "
            f"{len(self.confident_wrong)} confidently wrong"
        ]
        lines += [f"  {a.name}: labelled {a.label}, got {a.cause} ({a.confidence:.2f})" for a in misses]
        return "\n".join(lines)


def explain(body: str) -> tuple[str, float]:
    """The log alone (never its header, which names the label) into `envdoctor explain`."""
    proc = subprocess.run(
        [sys.executable, "-m", "envdoctor", "explain", "--format", "json", "-"],
        input=body.encode("utf-8"),
        capture_output=True,
        timeout=300,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"explain exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}")
    doc = json.loads(proc.stdout)
    return str(doc["cause"]), float(doc["confidence"])


def score(split: str, logs: list[CorpusLog]) -> Score:
    answers = []
    for log in logs:
        cause, confidence = explain(log.body)
        answers.append(Answer(log.path.stem, log.cause, cause, confidence))
    return Score(split, tuple(answers))
