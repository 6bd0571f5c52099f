"""Asserting a cause rule's reasoning apart from the calibration of its confidence.

`assert_reasoned(text, cause)`: the rules conclude `cause` at the bar before calibration, and the
shipped answer is what the calibration table (src/envdoctor/explain/data/calibration.json) makes of
it: `cause` where what decided it was measured right often enough, else `unknown` with `cause` as the
first candidate. A minimal log of a kind no labelled log showed is the second case."""

from __future__ import annotations

from envdoctor.explain import Explanation, explain_text
from envdoctor.explain.calibration import calibrated_bound
from envdoctor.explain.decide import CONFIDENT, Decision, decide
from envdoctor.explain.scanner import Scanner


def _scanned(text: str) -> Scanner:
    scanner = Scanner()
    data = text.encode("utf-8")
    scanner.feed(data if data.endswith(b"\n") else data + b"\n")
    return scanner


def raw_decision(text: str) -> Decision:
    return decide(_scanned(text), calibrated=False)


def fired(text: str, rule: str) -> bool:
    """Whether the cause rule `rule` gave a verdict on `text`."""
    return any(v.rule == rule for v in raw_decision(text).verdicts)


def matched(text: str, signature: str) -> bool:
    """Whether the signature `signature` matched a line of `text`."""
    return signature in _scanned(text).hits


def assert_reasoned(text: str, cause: str) -> Explanation:
    raw = raw_decision(text)
    assert raw.cause == cause and raw.raw_confidence >= CONFIDENT, (raw.cause, raw.raw_confidence, raw.ranked)
    got = explain_text(text)
    if round(min(raw.raw_confidence, calibrated_bound(cause, raw.key, raw.raw_confidence)), 2) >= CONFIDENT:
        assert got.cause == cause
    else:
        assert got.cause == "unknown" and got.candidates and got.candidates[0].cause == cause, (got.cause, raw.key)
    return got


def assert_not_concluded(text: str, cause: str) -> None:
    """The rules do not conclude `cause` at the bar on `text` (a near miss), before calibration."""
    raw = raw_decision(text)
    assert raw.cause != cause or raw.raw_confidence < CONFIDENT, (raw.cause, raw.raw_confidence, raw.key)
