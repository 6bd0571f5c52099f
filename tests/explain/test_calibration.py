"""The shipped confidences are the measured ones (src/envdoctor/explain/data/calibration.json,
capped by the arrival record in data/arrival.json: `.venv/bin/python bench/explain_arrival.py --write`).

Regenerate after any change to signatures or rules:
`.venv/bin/python bench/explain_calibration.py --write --live DIR --fresh DIR` (the live corpus's and
the fresh faults' logs, batches 1-5; a source whose logs are not given keeps its shipped counts).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.calibration import (
    ARRIVAL,
    DATA,
    ArrivalRecord,
    arrival,
    arrival_bound_in,
    band_of,
    bound_in,
    calibrated_bound,
    counts,
    pooled,
    wilson_lower,
)
from envdoctor.explain.decide import CONFIDENT

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import explain_calibration as bench  # noqa: E402

from .test_rules import DEVICE_LIST_CPU  # noqa: E402


@pytest.fixture(scope="module")
def corpus() -> tuple[list[bench.Labelled], dict[tuple[str, str], bench.Raw]]:
    logs = bench.corpus_logs()
    return logs, {(log.split, log.name): bench.raw_answer(log.text) for log in logs}


def _source(table: dict[str, dict[str, list[int]]], source: str) -> dict[str, list[int]]:
    return {k: by[source] for k, by in table.items() if source in by}


def test_the_shipped_counts_are_what_the_bench_derives_from_the_corpus(
    corpus: tuple[list[bench.Labelled], dict[tuple[str, str], bench.Raw]],
) -> None:
    logs, answers = corpus
    shipped = json.loads(DATA.read_text(encoding="utf-8"))["keys"]
    derived = bench.count(logs, answers)
    assert _source(shipped, "corpus") == _source(derived, "corpus"), "run bench/explain_calibration.py --write"


@pytest.mark.parametrize(
    ("source", "folder"),
    [("live", ROOT / ".bench" / "live-corpus" / "logs"), ("fresh", ROOT / ".bench" / "fresh-faults" / "logs")],
)
def test_the_shipped_counts_match_the_cached_live_and_fresh_logs(source: str, folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} not made here (bench/live_corpus.py, bench/explain_fresh_faults.py)")
    logs = bench.live_logs(folder) if source == "live" else bench.fresh_logs(folder)
    derived = bench.count(logs, {(log.split, log.name): bench.raw_answer(log.text) for log in logs})
    shipped = json.loads(DATA.read_text(encoding="utf-8"))["keys"]
    assert _source(shipped, source) == _source(derived, source)


def test_no_shipped_answer_is_more_confident_than_its_measured_bound(
    corpus: tuple[list[bench.Labelled], dict[tuple[str, str], bench.Raw]],
) -> None:
    logs, answers = corpus
    for log in logs:
        raw = answers[(log.split, log.name)]
        got = explain_text(log.text)
        if got.cause != "unknown":
            assert got.confidence <= calibrated_bound(got.cause, raw.key, raw.confidence) + 0.005, log.name
            assert calibrated_bound(got.cause, raw.key, raw.confidence) >= CONFIDENT


def test_wilson_lower_bound() -> None:
    assert wilson_lower(0, 0) == 0.0
    assert wilson_lower(40, 40) == pytest.approx(40 / (40 + 1.645**2), abs=1e-9)  # p = 1: n / (n + z^2)
    assert wilson_lower(16, 15) == pytest.approx(0.76, abs=0.01)
    assert wilson_lower(3, 3) < 0.8 <= wilson_lower(11, 11)


def test_a_key_with_a_wrong_answer_on_record_is_held_to_its_own_record() -> None:
    wrong = [k for k, (n, r) in counts().items() if r < n]
    assert wrong, "the read sets hold no wrong answer at the bar any more: this test has nothing to hold"
    for name in wrong:
        cause, key = name.split(" <- ", 1)
        assert calibrated_bound(cause, key, 1.0) <= wilson_lower(*counts()[name])
        assert calibrated_bound(cause, key, 1.0) <= wilson_lower(*pooled(cause))


def test_an_unmeasured_key_names_nothing() -> None:
    assert calibrated_bound("numpy-abi", "no/such-rule", 1.0) == 0.0


def test_an_answer_held_below_the_bar_says_what_was_measured() -> None:
    # TensorFlow's device list with a CPU and no GPU: gpu/device-list-without-gpu decided one labelled
    # log at the bar, wrongly (a Windows platform case): no-gpu-visible stays a candidate
    got = explain_text(DEVICE_LIST_CPU)
    assert got.cause == "unknown"
    assert got.candidates and got.candidates[0].cause == "no-gpu-visible"
    assert "right 0 of 1 times" in got.candidates[0].why


def test_with_a_target_a_key_no_log_measured_keeps_its_confidence() -> None:
    # a rule that decides from the target's facts: no log corpus can measure it
    from collections.abc import Iterator

    from envdoctor.explain.rules import _registry as cause_registry
    from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule

    from .test_kb_platform import _snapshot

    @cause_rule("toy-target", "platform-unsupported")
    def toy(ctx: RuleContext) -> Iterator[Verdict]:
        """A ToyError on a Windows target."""
        if ctx.target is not None and any(text.startswith("ToyError:") for _n, text in ctx.lines):
            yield Verdict("platform-unsupported", 0.95, "the toy library has no Windows build")

    log = "ToyError: the toy library refused to load\n"
    try:
        alone = explain_text(log)
        targeted = explain_text(log, snapshot=_snapshot("windows", "AMD64", "3.11.4"))
    finally:
        cause_registry._RULES[:] = [r for r in cause_registry._RULES if r.id != "toy-target"]
    assert alone.cause == "unknown"
    assert targeted.cause == "platform-unsupported" and targeted.confidence >= CONFIDENT


def test_a_raw_confidence_falls_in_the_band_at_or_below_it() -> None:
    assert [band_of(x) for x in (0.8, 0.84, 0.844, 0.846, 0.9, 0.94, 0.95, 0.98, 0.99, 1.0)] == [
        "0.80",
        "0.80",
        "0.80",
        "0.85",  # compared at two decimals, as confidences are
        "0.90",
        "0.90",
        "0.95",
        "0.95",
        "0.99",
        "0.99",
    ]


def test_the_arrival_bound_is_the_bands_lower_bound_and_nothing_where_unmeasured() -> None:
    record = ArrivalRecord({"0.80": (27, 19), "0.95": (185, 178)})
    assert arrival_bound_in(record, 0.82, z=1.0) == pytest.approx(0.60)  # 19 of 27: below the bar
    assert arrival_bound_in(record, 0.97, z=1.0) == pytest.approx(0.94)  # 178 of 185
    assert arrival_bound_in(record, 0.91, z=1.0) == 1.0  # a band no arrival answer measured: no cap
    assert arrival_bound_in(ArrivalRecord(), 0.82) == 1.0


def test_the_shipped_arrival_record_is_what_the_replay_derives() -> None:
    import explain_arrival as replay

    shipped = json.loads(ARRIVAL.read_text(encoding="utf-8"))
    assert shipped["rounds"] == {commit: list(sets) for commit, sets in replay.ARRIVALS.items()}
    assert arrival().bands and all(n >= r >= 0 for n, r in arrival().bands.values())
    if not all((replay.CACHE / f"{commit}.json").is_file() for commit in replay.ARRIVALS):
        pytest.skip(f"{replay.CACHE} not made here (bench/explain_arrival.py replays the arrival engines)")
    answers = replay.arrived([replay.replay(c, s) for c, s in replay.ARRIVALS.items()], replay.labels())
    assert replay.record_of(answers) == arrival(), "run bench/explain_arrival.py --write"


@pytest.mark.slow
def test_the_arrival_record_is_rebuilt_from_the_history_by_replaying_each_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every arrival engine checked out from git and run again, into a cache of its own
    import shutil

    import explain_arrival as replay

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the repository's git history")
    monkeypatch.setattr(replay, "CACHE", tmp_path / "arrival")
    answers = replay.arrived([replay.replay(c, s) for c, s in replay.ARRIVALS.items()], replay.labels())
    assert len(answers) >= 900
    assert replay.record_of(answers) == arrival(), "run bench/explain_arrival.py --write"


def test_an_answer_in_a_band_that_was_often_wrong_on_arrival_is_a_candidate_that_says_so() -> None:
    # the rules decide this tuning log at raw 0.80 (a CUDA build without a kernel for the GPU), and
    # the in-sample record of what decided it would allow it; answers at 0.80-0.84 were not right
    # often enough on logs the engine had never seen
    from .corpus import load

    case = next(c for c in load("tuning") if c.name == "cudaver-nnunet-1040")
    raw = bench.raw_answer(case.text)
    assert raw.cause == "cuda-version-mismatch" and band_of(raw.confidence) == "0.80"
    assert bound_in(counts(), raw.cause, raw.key) >= CONFIDENT
    got = explain_text(case.text)
    assert got.cause == "unknown"
    assert got.candidates[0].cause == "cuda-version-mismatch"
    assert "on logs the engine had never seen, answers at raw confidence 0.80-0.84 were right" in got.candidates[0].why
