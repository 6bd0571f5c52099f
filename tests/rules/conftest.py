"""Helpers for pure rule tests: run one rule over an in-memory snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from envdoctor.knowledge import DATA_DIR, KnowledgeBase
from envdoctor.model import Finding, Snapshot
from envdoctor.rules import Context, get_rule


def curated() -> dict[str, Any]:
    return json.loads((Path(DATA_DIR) / "curated.json").read_text(encoding="utf-8"))


def make_kb(releases: dict[str, Any] | None = None) -> KnowledgeBase:
    """The shipped curated facts; release data only as given (hermetic: no user cache)."""
    return KnowledgeBase(curated(), {"schema": 1, "packages": releases or {}})


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return make_kb()


def run(code: str, snap: Snapshot, kb: KnowledgeBase | None = None) -> list[Finding]:
    rule = get_rule(code)
    assert rule is not None, code
    return list(rule.check(Context(snap, kb or make_kb())))


def one(code: str, snap: Snapshot, kb: KnowledgeBase | None = None) -> Finding:
    found = run(code, snap, kb)
    assert len(found) == 1, found
    assert found[0].code == code
    return found[0]


def text(finding: Finding) -> str:
    """Everything a user reads, for `in` assertions."""
    return "\n".join([finding.message, *finding.evidence, finding.fix or "", *finding.hints])
