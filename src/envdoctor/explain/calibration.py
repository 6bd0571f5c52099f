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
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "calibration.json"
Z = 1.645  # one-sided 95 %: the precision is at least the bound 19 times out of 20
# How a key no labelled log measured is bounded: "family" -> its family's record for the cause;
# "zero" -> 0 (it supports nothing). Chosen by leave-one-split-out over the read logs
# (`bench/explain_calibration.py --cross-validate`, RESULTS "explain round 8"): "zero" cost 13
# points of top-1 out of fold for one confident wrong answer fewer than none, "family" 6 for the same.
POLICY = "family"


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


def _down(bound: float) -> float:
    """A ceiling at the two decimals confidences are shown and compared with (0.795 -> 0.79, not 0.80)."""
    return math.floor(bound * 100 + 1e-9) / 100


def calibrated_bound(cause: str, key: str) -> float:
    """The most confidence an answer `cause` decided by `key` may carry (the shipped counts)."""
    return bound_in(counts(), cause, key)


def is_measured(cause: str, key: str) -> bool:
    return table_key(cause, key) in counts()


def measured(cause: str, key: str) -> str:
    """In words, for an answer left below the bar by calibration."""
    firings, right = counts().get(table_key(cause, key), (0, 0))
    if not firings:
        family = family_of(key)
        kin = pooled(cause, family=family) if family and POLICY == "family" else (0, 0)
        if not kin[0]:
            return f"what points at it ({key}) was never measured on a labelled log"
        return (
            f"what points at it ({key}) was never measured on a labelled log; its family ({family}) named "
            f"{cause} right {kin[1]} of {kin[0]} times (confidence at most {calibrated_bound(cause, key):.2f})"
        )
    total, total_right = pooled(cause)
    return (
        f"what points at it ({key}) was right {right} of {firings} times on the labelled logs, "
        f"{cause} {total_right} of {total} (confidence at most {calibrated_bound(cause, key):.2f})"
    )


__all__ = [
    "DATA",
    "POLICY",
    "Z",
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
