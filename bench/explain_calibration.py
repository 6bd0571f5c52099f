# ruff: noqa: E501  (Markdown table rows)
"""Calibration of explain's confidence: each deciding signature / rule's measured precision.

    .venv/bin/python bench/explain_calibration.py [--write] [--live DIR] [--fresh DIR] [--unseen SPLIT]
    .venv/bin/python bench/explain_calibration.py --cross-validate

Runs the raw engine (`decide(..., calibrated=False)`) over every labelled log that may be read:
the corpus splits in READ (never a sealed one), the live corpus's logs (bench/live_corpus.py) and
the fresh planted faults of batches 1-5 (bench/explain_fresh_faults.py). For every answer named at
the bar (raw confidence >= 0.8) it counts, per (cause <- deciding key), firings and right answers,
prints them with the Wilson lower bound (src/envdoctor/explain/calibration.py) and the splits'
figures before (raw) and after (capped at the bound and by the arrival record, data/arrival.json). `--write` stores the counts in
src/envdoctor/explain/data/calibration.json, which the engine reads (a source whose logs are not
here, say the live corpus in a fresh checkout, keeps its shipped counts); tests/explain/test_calibration.py
holds that file to what this script derives from the corpus.

The after figures are in-sample (the counts come from these same logs): they show what the cap
costs in top-1, not how well it generalises. `--cross-validate` answers each read split with the
counts of the others (its keys unmeasured there as on new logs), once per policy for a key no log
measured; the engine was tuned on these splits, so it favours less calibration than new logs would.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from explain_common import READ_BLIND  # noqa: E402

from envdoctor.explain import calibration  # noqa: E402
from envdoctor.explain.calibration import DATA, table_key, wilson_lower  # noqa: E402
from envdoctor.explain.decide import CONFIDENT, decide  # noqa: E402
from envdoctor.explain.scanner import Scanner  # noqa: E402

# The corpus splits this script may read; the sealed sets (explain_accuracy.SEALED) are never among them.
READ = ("tuning", "heldout", *READ_BLIND)
FRESH_BATCHES = (1, 2, 3, 4, 5)  # batch 6 was read but is not counted (its misses were only named)


@dataclass(frozen=True)
class Labelled:
    source: str  # corpus / live / fresh (the file's groups)
    split: str  # the row it is reported in
    name: str
    cause: str
    text: str


@dataclass(frozen=True)
class Raw:
    cause: str  # the raw top cause (even below the bar)
    confidence: float
    key: str


def raw_answer(text: str) -> Raw:
    scanner = Scanner()
    data = text.encode("utf-8", errors="replace")
    scanner.feed(data if data.endswith(b"\n") else data + b"\n")
    decision = decide(scanner, calibrated=False)
    top = decision.ranked[0][0] if decision.ranked else "unknown"
    return Raw(top, decision.raw_confidence, decision.key)


def corpus_logs() -> list[Labelled]:
    from tests.explain.corpus import load

    return [Labelled("corpus", c.split, c.name, c.cause, c.text) for split in READ for c in load(split)]


def live_logs(folder: Path) -> list[Labelled]:
    if not folder.is_dir():
        return []
    from tests.corpus_live.corpus import load_dir

    return [Labelled("live", "live", log.path.stem, log.header["cause"], log.body) for log in load_dir(folder, "live")]


def fresh_logs(folder: Path) -> list[Labelled]:
    out: list[Labelled] = []
    for path in sorted(folder.glob("*.log")) if folder.is_dir() else ():
        head, sep, body = path.read_text(encoding="utf-8").partition("---\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        batch = int(fields.get("batch", "0") or 0)
        if sep and batch in FRESH_BATCHES:
            out.append(Labelled("fresh", f"fresh {batch}", path.stem, fields["cause"], body))
    return out


def count(logs: list[Labelled], answers: dict[tuple[str, str], Raw]) -> dict[str, dict[str, list[int]]]:
    """(cause <- key) -> source -> [firings, right], over the answers named at the bar."""
    assert all(log.split in READ or log.source != "corpus" for log in logs)
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for log in logs:
        raw = answers[(log.split, log.name)]
        if raw.cause == "unknown" or round(raw.confidence, 2) < CONFIDENT:
            continue
        cell = table[table_key(raw.cause, raw.key)][log.source]
        cell[0] += 1
        cell[1] += raw.cause == log.cause
    return {k: {s: list(v) for s, v in sorted(by.items())} for k, by in sorted(table.items())}


Bound = Callable[[str, str, float], float]


def bounds(table: dict[str, dict[str, list[int]]], policy: str = "", on_arrival: bool = True) -> Bound:
    """What `calibrated_bound` answers with `table` shipped (the engine's own policy, re-run here),
    capped by the shipped arrival record unless `on_arrival` is off."""
    summed = {k: (sum(v[0] for v in by.values()), sum(v[1] for v in by.values())) for k, by in table.items()}
    record = calibration.arrival() if on_arrival else calibration.ArrivalRecord()
    return lambda cause, key, raw: min(
        calibration.bound_in(summed, cause, key, policy), calibration.arrival_bound_in(record, raw)
    )


def answer(raw: Raw, bound: Bound | None) -> str:
    confidence = raw.confidence
    if bound is not None:
        confidence = min(confidence, bound(raw.cause, raw.key, raw.confidence))
    return raw.cause if raw.cause != "unknown" and round(confidence, 2) >= CONFIDENT else "unknown"


def row(split: str, logs: list[Labelled], answers: dict[tuple[str, str], Raw], bound: Bound | None) -> str:
    got = [(log, answer(answers[(log.split, log.name)], bound)) for log in logs]
    right = sum(1 for log, a in got if a == log.cause)
    named = [(log, a) for log, a in got if a != "unknown"]
    named_right = sum(1 for log, a in named if a == log.cause)
    share = f"{100 * named_right / len(named):.1f}% ({named_right}/{len(named)})" if named else "–"
    return f"{100 * right / len(logs):.1f}% ({right}) | {len(named) - named_right} | {share}"


def by_split(logs: list[Labelled]) -> dict[str, list[Labelled]]:
    splits: dict[str, list[Labelled]] = defaultdict(list)
    for log in logs:
        splits[log.split].append(log)
    return splits


def print_rows(groups: list[tuple[str, list[Labelled]]], answers: dict[tuple[str, str], Raw], bound: Bound) -> None:
    """One Markdown row per group of logs: raw → calibrated."""
    print(
        "| split | logs | top-1 raw → calibrated | confidently wrong raw → calibrated | right when named raw → calibrated |"
    )
    print("| --- | ---: | --- | --- | --- |")
    for split, members in groups:
        before = row(split, members, answers, None).split(" | ")
        after = row(split, members, answers, bound).split(" | ")
        print(f"| {split} | {len(members)} | " + " | ".join(f"{b} → {a}" for b, a in zip(before, after)) + " |")


POLICIES = (
    ("raw (no calibration)", None),
    ("never measured -> 0", "zero"),
    ("never measured -> its family's record", "family"),
)


def cross_validate(logs: list[Labelled], answers: dict[tuple[str, str], Raw]) -> None:
    """Each read split answered with the counts of all the others: how the calibration carries to
    logs it did not count (its keys unmeasured there as on new logs), per unmeasured-key policy.
    The engine was tuned on these splits, so the raw column is in-sample; the calibration is not."""
    splits = by_split(logs)
    print(f"Leave-one-split-out over {len(logs)} read logs ({len(splits)} splits):")
    print()
    print("| unmeasured-key policy | top-1 | confidently wrong | right when named |")
    print("| --- | --- | --- | --- |")
    for title, policy in POLICIES:
        right = named = named_right = 0
        for split, members in splits.items():
            others = [log for log in logs if log.split != split]
            # the arrival record holds these splits' own arrival answers: it is left out here
            # (bench/explain_arrival.py --policies measures it leaving one round out)
            bound = None if policy is None else bounds(count(others, answers), policy, on_arrival=False)
            for log in members:
                got = answer(answers[(log.split, log.name)], bound)
                right += got == log.cause
                if got != "unknown":
                    named += 1
                    named_right += got == log.cause
        share = f"{100 * named_right / named:.1f}% ({named_right}/{named})" if named else "–"
        print(f"| {title} | {100 * right / len(logs):.1f}% ({right}) | {named - named_right} | {share} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help=f"write the counts to {DATA.relative_to(ROOT)}")
    parser.add_argument("--live", type=Path, default=ROOT / ".bench" / "live-corpus" / "logs")
    parser.add_argument("--fresh", type=Path, default=ROOT / ".bench" / "fresh-faults" / "logs")
    parser.add_argument(
        "--unseen",
        action="append",
        default=[],
        metavar="SPLIT",
        help="also print one summary row (raw → calibrated) for this never-read split; it is never counted",
    )
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="leave one read split out at a time: its answers calibrated by the others' counts, per policy",
    )
    args = parser.parse_args()
    logs = corpus_logs() + live_logs(args.live) + fresh_logs(args.fresh)
    answers = {(log.split, log.name): raw_answer(log.text) for log in logs}
    if args.cross_validate:
        cross_validate(logs, answers)
        return
    table = count(logs, answers)
    bound = bounds(table)
    print(
        f"Logs: {len(logs)} ({sum(1 for x in logs if x.source == 'corpus')} corpus, "
        f"{sum(1 for x in logs if x.source == 'live')} live, {sum(1 for x in logs if x.source == 'fresh')} fresh 1-5)."
    )
    print()
    print("| cause <- deciding key | firings | right | own lower bound | in-sample bound |")
    print("| --- | ---: | ---: | ---: | ---: |")
    in_sample = bounds(table, on_arrival=False)
    shipped = {key: in_sample(key.split(" <- ", 1)[0], key.split(" <- ", 1)[1], 1.0) for key in table}
    for key, by in sorted(table.items(), key=lambda kv: (shipped[kv[0]], kv[0])):
        firings = sum(v[0] for v in by.values())
        right = sum(v[1] for v in by.values())
        print(f"| {key} | {firings} | {right} | {wilson_lower(firings, right):.2f} | {shipped[key]:.2f} |")
    print()
    read_blind = [log for log in logs if log.split in READ_BLIND[:7]]
    print_rows([*by_split(logs).items(), ("blind .. blind7", read_blind), ("all read", logs)], answers, bound)
    if args.unseen:
        from tests.explain.corpus import load

        # summary rows only: a never-read split's answers are neither printed nor counted
        unseen = [Labelled("unseen", c.split, c.name, c.cause, c.text) for split in args.unseen for c in load(split)]
        unseen_answers = {(log.split, log.name): raw_answer(log.text) for log in unseen}
        print()
        print("Never-read splits (summary rows only):")
        print()
        print_rows([*by_split(unseen).items(), ("all of them", unseen)], unseen_answers, bound)
    if args.write:
        measured = {log.source for log in logs}
        kept = sorted({"corpus", "live", "fresh"} - measured)
        if kept and DATA.is_file():  # a source not measured here keeps its shipped counts
            shipped = json.loads(DATA.read_text(encoding="utf-8")).get("keys", {})
            for key, by in shipped.items():
                for source in kept:
                    if source in by:
                        table.setdefault(key, {})[source] = by[source]
            print(f"\nkept the shipped counts of: {', '.join(kept)} (their logs are not here)")
        DATA.write_text(
            json.dumps({"z": "see calibration.Z", "keys": table}, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"\nwrote {DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
