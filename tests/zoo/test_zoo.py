"""The zoo as tests: real environments from PyPI (slow, network; deselected by default).

    .venv/bin/python -m pytest tests/zoo -m "slow and network"

For each environment: check reports the expected causes, verify gives the expected cause, and
`fix --apply` leaves an environment where verify passes; the healthy ones verify and have no
error finding.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.zoo.envs import ZOO, ZooEntry, build
from tests.zoo.evaluate import evaluate

pytestmark = [pytest.mark.slow, pytest.mark.network]

ROOT = Path(os.environ.get("ENVDOCTOR_ZOO_DIR") or Path(tempfile.gettempdir()) / "envdoctor-zoo-tests")


@pytest.mark.parametrize("item", ZOO, ids=[z.name for z in ZOO])
def test_zoo(item: ZooEntry) -> None:
    try:
        built = build(item, ROOT)
    except RuntimeError as exc:
        pytest.skip(f"cannot build {item.name}: {exc}")
    outcome = evaluate(built)
    if item.healthy:
        assert outcome.verify_ok, outcome.to_dict()
        assert not [f for f in outcome.false_findings if f.startswith("error")], outcome.false_findings
        return
    assert set(item.check_causes) <= set(outcome.check_causes), outcome.to_dict()
    if item.verify_cause:
        assert item.verify_cause in outcome.verify_causes, outcome.to_dict()
    else:
        assert outcome.verify_ok is not None
    assert outcome.fix_applied and not outcome.fix_rolled_back, outcome.to_dict()
    assert outcome.verify_after_ok, outcome.to_dict()
