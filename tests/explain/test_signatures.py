from __future__ import annotations

import pytest

from envdoctor.explain.causes import CAUSES, PRIORITY
from envdoctor.explain.signatures import COMPILED, anchor_of

from .corpus import load


@pytest.mark.parametrize("sig", COMPILED, ids=[s.id for s in COMPILED])
def test_example_matches_its_signature(sig) -> None:  # type: ignore[no-untyped-def]
    assert sig.match(sig.example), sig.example
    assert anchor_of(sig.needle, sig.anchor) in sig.example.lower(), "the anchor must occur in matching lines"
    assert sig.needle == sig.needle.lower()
    assert sig.doc
    assert 0.0 <= sig.weight <= 1.0
    assert sig.cause is None or sig.cause in CAUSES
    assert (sig.cause is None) == (sig.role == "fact")


def test_every_cause_has_signatures_and_metadata() -> None:
    covered = {s.cause for s in COMPILED if s.cause}
    assert covered == set(CAUSES)
    assert set(PRIORITY) == set(CAUSES)
    for info in CAUSES.values():
        assert info.title and info.explanation and info.fixes


def test_signature_ids_unique() -> None:
    ids = [s.id for s in COMPILED]
    assert len(ids) == len(set(ids))


def test_every_cause_has_real_tuning_text() -> None:
    tuning = {c.cause for c in load("tuning")}
    assert set(CAUSES) <= tuning
