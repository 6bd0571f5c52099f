"""Measured confidence: a cause is named (>= 0.8) only where what decided it was measured right.

Each answer is decided by its strongest contributor, a signature id or a cause rule id (the
`Decision.key`). `bench/explain_calibration.py` runs the raw engine over every log that may be read
(tuning, heldout, the read blind sets, the live corpus, fresh planted faults 1-5) and counts, per
(cause, key), the answers it decided at the bar and how many were right. `data/calibration.json`
holds those counts; the shipped confidence is the raw one capped at a Wilson lower bound (z below):
the cause's pooled precision over every key that named it, or the key's own where it was ever wrong
(`calibrated_bound`). Right 40 times of 40 supports 0.94, 15 of 16 only 0.76 (below the bar); a key
never measured is held to its family's record (the rule module or signature group: `wheels/`), and
a key of a family never measured supports nothing. A target (`--snapshot` / `--python` / `--prefix`, the notebook's own
kernel) is the exception: a key no log measured that decides with a target reads the environment's
own facts, which no log corpus can measure, and keeps its raw confidence. Regenerate with
`.venv/bin/python bench/explain_calibration.py --write`; tests/explain/test_calibration.py holds the
file to what the script derives.

Those counts are in-sample: the rules were written from the same logs, and on logs the engine never
saw it is right less often. `data/arrival.json` holds an out-of-sample record: every read blind set
answered by the engine it arrived at, before any of its files was read (`bench/explain_arrival.py`),
counted per band of raw confidence. The shipped confidence is also capped at its band's Wilson lower
bound at Z_ARRIVAL (`arrival_bound_in`): raw 0.80-0.84 was right 19 times of 27 on arrival.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "calibration.json"
Z = 1.645  # one-sided 95 %: the precision is at least the bound 19 times out of 20
# How a key no labelled log measured is bounded: "family" -> its family's record for the cause;
# "zero" -> 0 (it supports nothing). Chosen by leave-one-split-out over the read logs
# (`bench/explain_calibration.py --cross-validate`, RESULTS "explain round 8"): "zero" cost 13
# points of top-1 out of fold for one confident wrong answer fewer than none, "family" 6 for the same.
POLICY = "family"
ARRIVAL = DATA.with_name("arrival.json")
# The arrival cap: what it is kept per and its z, chosen by leave-one-round-out over the arrival
# answers (`bench/explain_arrival.py --policies`, RESULTS "explain calibration on arrival"). Per band
# of raw confidence: out of fold, 8 of 36 confident wrong answers fewer for 13 right ones, the live
# corpus 98.9 -> 97.8 %. A cap per deciding key reached 97 % right when named out of fold but cost the
# live corpus 14 points and the planted faults 30 (a key wrong on some thread logs was right on every
# planted one): not kept. z = 1 keeps the band 0.85-0.89 (66 of 74) at the bar, 1.645 would not.
Z_ARRIVAL = 1.0
BAND_EDGES = (0.80, 0.85, 0.90, 0.95, 0.99)  # a raw confidence's band is the highest edge at or below it


def wilson_lower(firings: int, right: int, z: float = Z) -> float:
    """The Wilson score interval's lower bound of `right / firings` (0 when never measured)."""
    if firings <= 0:
        return 0.0
    p = right / firings
    z2 = z * z
    centre = p + z2 / (2 * firings)
    spread = z * math.sqrt(p * (1 - p) / firings + z2 / (4 * firings * firings))
    return max(0.0, (centre - spread) / (1 + z2 / firings))


def table_key(cause: str, key: str) -> str:
    return f"{cause} <- {key}"


@lru_cache(maxsize=1)
def counts() -> dict[str, tuple[int, int]]:
    """(cause <- key) -> (firings, right), summed over the measured sources."""
    try:
        raw = json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, tuple[int, int]] = {}
    for name, by_source in raw.get("keys", {}).items():
        firings = sum(int(v[0]) for v in by_source.values())
        right = sum(int(v[1]) for v in by_source.values())
        out[name] = (firings, right)
    return out


def pooled(cause: str, counted: Mapping[str, tuple[int, int]] | None = None, family: str = "") -> tuple[int, int]:
    """(firings, right) of every key that decided `cause` at the bar (of one family: `wheels/`)."""
    prefix = table_key(cause, family)
    firings = right = 0
    for name, (n, r) in (counts() if counted is None else counted).items():
        if name.startswith(prefix):
            firings, right = firings + n, right + r
    return firings, right


def family_of(key: str) -> str:
    """A key's family: the rule module or signature group it belongs to (`wheels/`, `numpy-api/`)."""
    head, sep, _rest = key.partition("/")
    return head + sep if sep else ""


def bound_in(counted: Mapping[str, tuple[int, int]], cause: str, key: str, policy: str = "") -> float:
    """The most confidence an answer `cause` decided by `key` may carry, given `counted`.

    A key with a wrong answer on record is held to its own lower bound; a key with a clean record to
    its cause's, pooled over every key that named the cause (the wrong ones included), since one
    key's few firings say little by themselves. A key never measured at the bar supports nothing
    (0) under policy "zero"; under "family" its family's pooled record for that cause stands in (a
    new rule of a module whose rules were measured is as good as they were, a lone new one nothing)."""
    policy = policy or POLICY
    firings, right = counted.get(table_key(cause, key), (0, 0))
    cause_bound = wilson_lower(*pooled(cause, counted))
    if not firings:
        family = family_of(key)
        if policy != "family" or not family:
            return 0.0
        kin = pooled(cause, counted, family)
        return _down(min(wilson_lower(*kin), cause_bound)) if kin[0] else 0.0
    own = wilson_lower(firings, right)
    return _down(min(own, cause_bound) if right < firings else cause_bound)


def band_of(raw: float) -> str:
    """The raw-confidence band an answer is recorded in on arrival ("0.80" holds 0.80-0.84)."""
    rounded = round(raw, 2)
    return f"{max((e for e in BAND_EDGES if e <= rounded + 1e-9), default=BAND_EDGES[0]):.2f}"


@dataclass(frozen=True)
class ArrivalRecord:
    """Answers at the bar given by an engine that had never seen the logs, per band: (firings, right)."""

    bands: dict[str, tuple[int, int]] = field(default_factory=dict)  # band_of(raw) -> counts


@lru_cache(maxsize=1)
def arrival() -> ArrivalRecord:
    """The shipped arrival record (empty when the file is missing or unreadable: no cap)."""
    try:
        raw = json.loads(ARRIVAL.read_text(encoding="utf-8"))
        bands = {str(band): (int(n), int(r)) for band, (n, r) in raw["bands"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return ArrivalRecord()
    return ArrivalRecord(bands)


def arrival_bound_in(record: ArrivalRecord, raw: float, z: float = Z_ARRIVAL) -> float:
    """The most confidence the arrival record allows an answer of raw confidence `raw`: its band's
    lower bound (1 where the band was never measured)."""
    firings, right = record.bands.get(band_of(raw), (0, 0))
    return _down(wilson_lower(firings, right, z)) if firings else 1.0


def _band_top(raw: float) -> str:
    """The highest two-decimal confidence of `raw`'s band (0.84 for the band 0.80)."""
    later = [e for e in BAND_EDGES if e > float(band_of(raw)) + 1e-9]
    return f"{later[0] - 0.01:.2f}" if later else "1.00"


def _down(bound: float) -> float:
    """A ceiling at the two decimals confidences are shown and compared with (0.795 -> 0.79, not 0.80)."""
    return math.floor(bound * 100 + 1e-9) / 100


def calibrated_bound(cause: str, key: str, raw: float) -> float:
    """The most confidence an answer `cause` decided by `key` at raw confidence `raw` may carry:
    the shipped counts' bound, capped by the arrival record."""
    return min(bound_in(counts(), cause, key), arrival_bound_in(arrival(), raw))


def is_measured(cause: str, key: str) -> bool:
    return table_key(cause, key) in counts()


def measured(cause: str, key: str, raw: float) -> str:
    """In words, for an answer left below the bar by calibration."""
    on_arrival = arrival_bound_in(arrival(), raw)
    if on_arrival < bound_in(counts(), cause, key):
        firings, right = arrival().bands[band_of(raw)]
        return (
            f"on logs the engine had never seen, answers at raw confidence {band_of(raw)}-{_band_top(raw)} were "
            f"right {right} of {firings} times (confidence at most {on_arrival:.2f})"
        )
    firings, right = counts().get(table_key(cause, key), (0, 0))
    if not firings:
        family = family_of(key)
        kin = pooled(cause, family=family) if family and POLICY == "family" else (0, 0)
        if not kin[0]:
            return f"what points at it ({key}) was never measured on a labelled log"
        return (
            f"what points at it ({key}) was never measured on a labelled log; its family ({family}) named "
            f"{cause} right {kin[1]} of {kin[0]} times (confidence at most {bound_in(counts(), cause, key):.2f})"
        )
    total, total_right = pooled(cause)
    return (
        f"what points at it ({key}) was right {right} of {firings} times on the labelled logs, "
        f"{cause} {total_right} of {total} (confidence at most {bound_in(counts(), cause, key):.2f})"
    )


__all__ = [
    "ARRIVAL",
    "BAND_EDGES",
    "DATA",
    "POLICY",
    "Z_ARRIVAL",
    "ArrivalRecord",
    "Z",
    "arrival",
    "arrival_bound_in",
    "band_of",
    "bound_in",
    "calibrated_bound",
    "counts",
    "family_of",
    "is_measured",
    "measured",
    "pooled",
    "table_key",
    "wilson_lower",
]
