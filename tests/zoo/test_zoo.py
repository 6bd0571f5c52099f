"""The zoo as tests: real environments from PyPI (slow, network; deselected by default).

    .venv/bin/python -m pytest tests/zoo -m "slow and network"

For each broken environment: check and verify give the expected causes; every command `fix`
prints runs verbatim (shlex-split, no edits) and exits 0, after which check has no error and
verify passes (PEP 668 targets: the fresh environment the printed command builds, the target
unchanged); `fix --apply` on a fresh build reaches the same (PEP 668 targets: changes nothing).
For each healthy one: no error finding, verify passes, `fix --apply` changes nothing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.zoo.envs import KINDS, ZOO, ZooEntry
from tests.zoo.evaluate import evaluate

pytestmark = [pytest.mark.slow, pytest.mark.network]

ROOT = Path(os.environ.get("ENVDOCTOR_ZOO_DIR") or Path(tempfile.gettempdir()) / "envdoctor-zoo-tests")


def test_the_zoo_covers_every_kind_of_target_and_fault() -> None:
    assert len(ZOO) >= 16
    assert {z.kind for z in ZOO} == set(KINDS)
    assert sum(z.healthy for z in ZOO) >= 4


@pytest.mark.parametrize("item", ZOO, ids=[z.name for z in ZOO])
def test_zoo(item: ZooEntry) -> None:
    try:
        outcome = evaluate(item, ROOT)
    except RuntimeError as exc:
        pytest.skip(f"cannot build {item.name}: {exc}")
    report = outcome.to_dict()
    if item.healthy:
        assert outcome.verify_ok, report
        assert not outcome.false_errors, outcome.false_errors
        assert outcome.fix_changed_nothing, report
        return
    assert set(item.check_causes) <= set(outcome.check_causes), report
    assert outcome.verify_found, report
    assert outcome.same_remedy, report  # fix plans the very commands check printed
    for command in outcome.commands:
        assert command.ok, (command.text, command.returncode, command.output)
    assert not outcome.commands_errors_after and outcome.commands_verify_after, report
    if outcome.fresh_env:
        assert outcome.target_unchanged, report
    assert outcome.apply_repaired, report
