"""Accuracy on the labelled corpus of real error output (tests/corpus, each case cites its source).

The held-out part was never used to write or tune signatures; its threshold is the one reported in
bench/RESULTS.md and must not drop. The blind parts (collected later by people who never saw the
classifier) are measured by bench/explain_accuracy.py, not gated here: a gate would invite tuning
to them.
"""

from __future__ import annotations

from collections import Counter

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.causes import CAUSES

from .corpus import load

ALL_CASES = load()
CASES = [c for c in ALL_CASES if c.split in ("tuning", "heldout")]


def _accuracy(split: str) -> tuple[float, list[str]]:
    cases = [c for c in CASES if c.split == split]
    wrong = []
    for case in cases:
        got = explain_text(case.text)
        if got.cause != case.cause:
            wrong.append(f"{case.name}: want {case.cause}, got {got.cause} ({got.confidence})")
    return 1 - len(wrong) / len(cases), wrong


def test_corpus_shape() -> None:
    assert len(CASES) >= 80
    counts = Counter(c.cause for c in CASES)
    for cause in [*CAUSES, "unknown"]:
        assert counts[cause] >= 3, f"{cause}: only {counts[cause]} cases"
    assert set(counts) <= {*CAUSES, "unknown"}
    for case in CASES:
        assert case.source.startswith("https://"), f"{case.name}: no source URL"
    tags = Counter(t for c in CASES for t in c.tags)
    for needed in ("tensorflow", "pytorch", "jax", "conda", "pip"):
        assert tags[needed] >= 3, needed
    assert {"tuning", "heldout", "blind", "blind2", "blind3", "blind4"} <= {c.split for c in ALL_CASES}


def test_tuning_accuracy() -> None:
    accuracy, wrong = _accuracy("tuning")
    # 0.97 before the 0.8 bar; a bare 32-bit Python is now an honest `unknown` between
    # python-unsupported and platform-unsupported (causes.md counts bitness under both)
    # round 4: 0.979 (186/190); round 6: 0.947 (180/190) with measured calibration (a cause is named
    # only where what decided it was right often enough on the labelled logs: cuda-libs/shared-object,
    # right 15 of 16, no longer names cuda-libs-missing alone; bench/explain_calibration.py)
    # round 8: 0.937 (178/190): blind16 measured "Torch not compiled with CUDA enabled" wrong once
    # in 8 logs, which holds that key to 0.59 (two tuning logs are now `unknown` with it first)
    # round 10: 0.911 (173/190): blind31 labels a notebook kernel of the base env env-leakage
    # (causes.md: "other kernel"), which the two-installations rule reads as wrong-interpreter: 7 of 8,
    # so four tuning logs it decides are now `unknown` with it first
    # round 18: 0.863 (164/190): an answer is also capped by its raw confidence's record on arrival
    # (data/arrival.json: raw 0.80-0.84 was right 19 of 27 times on logs the engine had never seen),
    # so the tuning logs the rules decide at 0.80-0.84 are `unknown` with that cause first
    # round 18b: 0.837 (159/190): blind47 measured "libX.so.N: cannot open shared object file" wrong twice
    # more (CUDA of another version, which the log did not show): 29 of 32, which holds it to 0.78
    # round 27: 0.826 (157/190): blind63 measured it wrong twice more (mxnet's and dgl's libcudart.so.10.0
    # where another CUDA was the fault), which holds it to 0.76: its tuning logs are `unknown` with it first
    assert accuracy >= 0.82, wrong


def test_heldout_accuracy() -> None:
    accuracy, wrong = _accuracy("heldout")
    # 0.95 before the 0.8 confidence bar; pyver-tf-85298 (Windows, "from versions: none", no Python shown)
    # is now an honest `unknown` between the Python version and a 32-bit Python
    # round 4: 1.0 (40/40); round 8: 0.95 (38/40), nogpu-hat-85 held below the bar as in tuning
    # round 18b: 0.925 (37/40): cudalibs-jax-3746's shared-object key, held to 0.78 as in tuning
    assert accuracy >= 0.92, wrong


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_confident_wrong_answer(case) -> None:  # type: ignore[no-untyped-def]
    got = explain_text(case.text)
    if got.cause != case.cause:
        # Saying "unknown" is allowed; naming another cause is not.
        assert got.cause == "unknown", f"{case.name}: {got.cause} ({got.confidence}) instead of {case.cause}"
