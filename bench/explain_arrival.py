# ruff: noqa: E501  (Markdown table rows)
"""Replays each read blind set through the engine it arrived at: out-of-sample answers to study calibration on.

    .venv/bin/python bench/explain_arrival.py [--policies] [--write]

Every blind set in ARRIVALS was measured on arrival by the engine named in explain_accuracy's
HISTORY, before any of its files was read; it was read afterwards (it is in READ_BLIND, never a
sealed set). This script checks each of those engines out (a detached git worktree under
.bench/arrival/), answers the set's logs with it (raw cause, raw confidence, deciding key, shipped
answer) and caches the answers in .bench/arrival/<commit>.json. Those answers were given by an
engine that had never seen the logs: what a calibration policy does with them is what it would
have done on new logs, which the leave-one-split-out of bench/explain_calibration.py (in-sample
answers, the rules written from those same logs) cannot show.

The per-set table must equal explain_accuracy's HISTORY rows (a check that the replay is faithful).
`--write` stores the arrival record (answers at the bar before calibration, per raw-confidence band
and per cause <- key) in src/envdoctor/explain/data/arrival.json, which caps the shipped confidence
(calibration.arrival_bound_in). `--policies` is how its caps and z were chosen: leave one round out,
each round's raw answers capped by the counts its own engine shipped and by the other rounds'
arrival record, per policy.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from explain_common import READ_BLIND  # noqa: E402

from envdoctor.explain import calibration  # noqa: E402
from envdoctor.explain.calibration import table_key, wilson_lower  # noqa: E402
from envdoctor.explain.decide import CONFIDENT  # noqa: E402

CACHE = ROOT / ".bench" / "arrival"

# engine commit -> the read blind sets it measured on arrival (explain_accuracy.HISTORY, calibrated engines only)
ARRIVALS: dict[str, tuple[str, ...]] = {
    "8a8c15a": ("blind14",),
    "ed2cc5d": ("blind16", "blind17"),
    "4605c92": ("blind18", "blind19"),
    "4dbaa2e": ("blind20",),
    "2372daa": ("blind22",),
    "9b49c56": ("blind24",),
    "7b954e1": ("blind26", "blind27"),
    "3fda4c5": ("blind28", "blind29"),
    "040f377": ("blind31",),
    "b5db0fb": ("blind32",),
    "f4acd57": ("blind34",),
    "d9eec1e": ("blind37",),
    "3b1cd60": ("blind39",),
    "15b044d": ("blind41",),
    "40318e0": ("blind42",),
    "2f69f03": ("blind44",),
    "c56f048": ("blind47",),
    "a8fee98": ("blind48",),
    "b9550da": ("blind51",),
    "7c06835": ("blind52",),
    "b199d14": ("blind55",),
    "f22759e": ("blind56",),
    "3a6e249": ("blind59",),
    "371a9e2": ("blind60",),
    "de1ae82": ("blind63",),
    "8fadac3": ("blind64",),
    "0f2fc8b": ("blind67",),
    "8ca31ec": ("blind68",),
    "6c58c95": ("blind71",),
    "dce8760": ("blind72",),
}
assert all(s in READ_BLIND for sets in ARRIVALS.values() for s in sets), "only read sets are replayed"

# Run inside the old engine's worktree: reads [{split, name, text}] on stdin, prints the answers.
CHILD = """
import json, sys
from envdoctor.explain import explain_text
from envdoctor.explain.decide import decide
from envdoctor.explain.scanner import Scanner
out = []
for log in json.load(sys.stdin):
    data = log["text"].encode("utf-8", errors="replace")
    scanner = Scanner()
    scanner.feed(data if data.endswith(b"\\n") else data + b"\\n")
    raw = decide(scanner, calibrated=False)
    shipped = explain_text(log["text"])
    out.append({
        "split": log["split"], "name": log["name"],
        "raw_cause": raw.ranked[0][0] if raw.ranked else "unknown", "raw_confidence": raw.raw_confidence,
        "key": raw.key, "ranked": [[c, round(v, 4)] for c, v in raw.ranked[:4]], "shipped_cause": shipped.cause, "shipped_confidence": shipped.confidence,
    })
json.dump(out, sys.stdout)
"""


def replay(commit: str, sets: tuple[str, ...]) -> dict[str, Any]:
    """The answers of `commit` on `sets` (cached), with the calibration counts it shipped."""
    cached = CACHE / f"{commit}.json"
    if cached.is_file():
        data: dict[str, Any] = json.loads(cached.read_text(encoding="utf-8"))
        if tuple(data["sets"]) == sets:
            return data
    from tests.explain.corpus import load

    logs = [{"split": c.split, "name": c.name, "text": c.text} for s in sets for c in load(s)]
    tree = CACHE / f"tree-{commit}"
    if not tree.is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), commit], check=True)
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=json.dumps(logs),
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        )
        counts_text = (tree / "src" / "envdoctor" / "explain" / "data" / "calibration.json").read_text(encoding="utf-8")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    data = {
        "commit": commit,
        "sets": list(sets),
        "answers": json.loads(done.stdout),
        "keys": json.loads(counts_text)["keys"],
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    return data


def summed(keys: Mapping[str, Mapping[str, list[int]]]) -> dict[str, tuple[int, int]]:
    return {k: (sum(v[0] for v in by.values()), sum(v[1] for v in by.values())) for k, by in keys.items()}


def labels() -> dict[tuple[str, str], str]:
    from tests.explain.corpus import load

    return {(c.split, c.name): c.cause for s in {s for sets in ARRIVALS.values() for s in sets} for c in load(s)}


@dataclass(frozen=True)
class Arrived:
    """One log as the engine it arrived at answered it (raw), with that engine's shipped counts."""

    commit: str
    label: str
    cause: str
    raw: float
    key: str
    counted: Mapping[str, tuple[int, int]]

    @property
    def named(self) -> bool:  # named at the bar before calibration: what the arrival record counts
        return self.cause != "unknown" and round(self.raw, 2) >= CONFIDENT


def arrived(replays: list[dict[str, Any]], truth: dict[tuple[str, str], str]) -> list[Arrived]:
    out: list[Arrived] = []
    for data in replays:
        counted = summed(data["keys"])
        for a in data["answers"]:
            out.append(
                Arrived(
                    data["commit"],
                    truth[(a["split"], a["name"])],
                    a["raw_cause"],
                    a["raw_confidence"],
                    a["key"],
                    counted,
                )
            )
    return out


def tally(answers: list[Arrived], group: Callable[[Arrived], str]) -> dict[str, tuple[int, int]]:
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in answers:
        if a.named:
            cell = table[group(a)]
            cell[0] += 1
            cell[1] += a.cause == a.label
    return {k: (v[0], v[1]) for k, v in sorted(table.items())}


def record_of(answers: list[Arrived]) -> calibration.ArrivalRecord:
    """The arrival record the engine ships: answers at the bar per band of raw confidence."""
    return calibration.ArrivalRecord(tally(answers, lambda a: calibration.band_of(a.raw)))


# A cap: (the arrival answers the cap may learn from, z) -> (an answer -> the most confidence allowed).
Cap = Callable[[list[Arrived], float], Callable[[Arrived], float]]


def _capped_where_wrong(group: Callable[[Arrived], str], every: bool = False) -> Cap:
    def make(train: list[Arrived], z: float) -> Callable[[Arrived], float]:
        table = tally(train, group)

        def cap(a: Arrived) -> float:
            firings, right = table.get(group(a), (0, 0))
            return wilson_lower(firings, right, z) if firings and (every or right < firings) else 1.0

        return cap

    return make


def _shipped(train: list[Arrived], z: float) -> Callable[[Arrived], float]:
    record = record_of(train)
    return lambda a: calibration.arrival_bound_in(record, a.raw, z)


_KEY = _capped_where_wrong(lambda a: table_key(a.cause, a.key))
_FAMILY = _capped_where_wrong(lambda a: table_key(a.cause, calibration.family_of(a.key)))
_KEY_EVERY = _capped_where_wrong(lambda a: table_key(a.cause, a.key), every=True)


def _both(first: Cap, second: Cap) -> Cap:
    def make(train: list[Arrived], z: float) -> Callable[[Arrived], float]:
        one, two = first(train, z), second(train, z)
        return lambda a: min(one(a), two(a))

    return make


POLICIES: tuple[tuple[str, Cap | None], ...] = (
    ("in-sample counts only (before)", None),
    ("band (shipped)", _shipped),
    ("band + key wrong on arrival", _both(_shipped, _KEY)),
    ("band + family wrong on arrival", _both(_shipped, _FAMILY)),
    ("band + every key's record", _both(_shipped, _KEY_EVERY)),
)


def leave_one_round_out(answers: list[Arrived], cap: Cap | None, z: float) -> tuple[int, int, int]:
    """(right, named, named right): each round answered with the caps the other rounds measured."""
    right = named = named_right = 0
    for commit in ARRIVALS:
        allowed = None if cap is None else cap([a for a in answers if a.commit != commit], z)
        for a in (a for a in answers if a.commit == commit):
            confidence = min(a.raw, calibration.bound_in(a.counted, a.cause, a.key)) if a.cause != "unknown" else 0.0
            if allowed is not None:
                confidence = min(confidence, allowed(a))
            got = a.cause if round(confidence, 2) >= CONFIDENT else "unknown"
            right += got == a.label
            if got != "unknown":
                named += 1
                named_right += got == a.label
    return right, named, named_right


def today(answers: list[Arrived], cap: Cap | None, z: float) -> str:
    """Today's engine, capped with every round's arrival record, on the read corpus, the live corpus
    and the planted faults (in-sample: what a cap costs where the engine is known to be right)."""
    import explain_calibration as bench

    logs = [*bench.corpus_logs(), *bench.live_logs(LIVE), *bench.fresh_logs(FRESH)]
    if not TODAY:
        TODAY.update({(log.split, log.name): bench.raw_answer(log.text) for log in logs})
    in_sample = bench.bounds(bench.count(logs, TODAY), on_arrival=False)
    allowed = None if cap is None else cap(answers, z)
    cells = []
    for source in ("corpus", "live", "fresh"):
        mine = [log for log in logs if log.source == source]
        right = 0
        for log in mine:
            raw = TODAY[(log.split, log.name)]
            confidence = min(raw.confidence, in_sample(raw.cause, raw.key, raw.confidence))
            if allowed is not None:
                confidence = min(confidence, allowed(Arrived("", log.cause, raw.cause, raw.confidence, raw.key, {})))
            right += (
                raw.cause if raw.cause != "unknown" and round(confidence, 2) >= CONFIDENT else "unknown"
            ) == log.cause
        cells.append(f"{100 * right / len(mine):.1f}%" if mine else "–")
    return " | ".join(cells)


LIVE = ROOT / ".bench" / "live-corpus" / "logs"
FRESH = ROOT / ".bench" / "fresh-faults" / "logs"
TODAY: dict[tuple[str, str], Any] = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--write", action="store_true", help=f"write the arrival record to {calibration.ARRIVAL.relative_to(ROOT)}"
    )
    parser.add_argument(
        "--policies",
        action="store_true",
        help="each arrival-cap policy, leave one round out (how z and the caps were chosen)",
    )
    args = parser.parse_args()
    truth = labels()
    replays = [replay(commit, sets) for commit, sets in ARRIVALS.items()]
    total = sum(len(r["answers"]) for r in replays)
    print(
        f"{total} logs of {sum(len(s) for s in ARRIVALS.values())} read blind sets, each answered by its arrival engine."
    )
    print()
    print("| engine | set | logs | shipped top-1 | shipped confidently wrong |")
    print("| --- | --- | ---: | ---: | ---: |")
    for data in replays:
        for split in data["sets"]:
            mine = [a for a in data["answers"] if a["split"] == split]
            right = sum(1 for a in mine if a["shipped_cause"] == truth[(split, a["name"])])
            wrong = sum(1 for a in mine if a["shipped_cause"] not in ("unknown", truth[(split, a["name"])]))
            print(
                f"| `{data['commit']}` | {split} | {len(mine)} | {100 * right / len(mine):.1f}% ({right}) | {wrong} |"
            )
    answers = arrived(replays, truth)
    record = record_of(answers)
    print()
    print("Arrival record by raw-confidence band (answers at the bar before calibration):")
    print()
    print("| band | firings | right | lower bound at Z_ARRIVAL |")
    print("| --- | ---: | ---: | ---: |")
    for band, (firings, right) in record.bands.items():
        print(f"| {band} | {firings} | {right} | {wilson_lower(firings, right, calibration.Z_ARRIVAL):.2f} |")
    if args.policies:
        print()
        print(f"Leave one round out ({len(ARRIVALS)} rounds, {total} logs): each round's raw answers, capped by the")
        print("counts its engine shipped and by the arrival record of the other rounds:")
        print()
        print("The last three columns: today's engine with that cap (every round's record), top-1 on the read")
        print("corpus, the live corpus and fresh planted faults 1-5 (in-sample).")
        print()
        print("| arrival caps | z | top-1 | confidently wrong | right when named | read corpus | live | planted |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for title, cap in POLICIES:
            for z in (calibration.Z,) if cap is None else (0.5, 1.0, calibration.Z):
                right, named, named_right = leave_one_round_out(answers, cap, z)
                share = f"{100 * named_right / named:.1f}% ({named_right}/{named})" if named else "–"
                shown = "–" if cap is None else f"{z:g}"
                print(
                    f"| {title} | {shown} | {100 * right / total:.1f}% ({right}) | {named - named_right} | {share} "
                    f"| {today(answers, cap, z)} |"
                )
    if args.write:
        body = {
            "about": "bench/explain_arrival.py: answers at the bar of each read blind set's arrival engine",
            "rounds": {commit: list(sets) for commit, sets in ARRIVALS.items()},
            "bands": {k: list(v) for k, v in record.bands.items()},
        }
        calibration.ARRIVAL.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nwrote {calibration.ARRIVAL.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
