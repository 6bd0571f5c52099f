"""The choice shares what it learns about releases between its choosers and across Pythons
(`chooser.Memo`): these pin down that the sharing changes no result and keeps proofs fast."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement

from envdoctor.knowledge import Release
from envdoctor.plan import Target, choose
from tests.plan.fakekb import FakeKB, FakeRelease

PYS = ("3.10", "3.11", "3.12")


def _marker_kb() -> FakeKB:
    """tensorflow 2.19.0 requires numpy<2 only below Python 3.12 (no curated cap: >= 2.18)."""
    kb = FakeKB()
    by_platform = {"linux-x86_64": PYS}
    requires = ('numpy<2; python_version < "3.12"', "protobuf>=3.20")
    kb.data["tensorflow"].append(FakeRelease("2.19.0", by_platform, requires))
    return kb


class _EnvKB(FakeKB):
    """A KB that hands out no release records (so no raw Requires-Dist): requirements come from
    its `requirements`, markers evaluated there."""

    def release(self, package: str, version: str) -> Release | None:
        return None

    def pythons(self, package: str, version: str, platform: str) -> list[str]:
        found = next((r for r in self.data.get(package, []) if r.version == version), None)
        return found.pythons(platform) if found else []

    def requirements(
        self,
        package: str,
        version: str,
        extras: Iterable[str] = (),
        environment: Mapping[str, str] | None = None,
    ) -> list[Requirement]:
        found = super().requirements(package, version, extras, environment)
        if environment is None:
            return found
        return [r for r in found if r.marker is None or Marker(str(r.marker)).evaluate({**environment, "extra": ""})]


def _env_kb() -> _EnvKB:
    kb = _EnvKB()
    kb.data = _marker_kb().data
    return kb


@pytest.mark.parametrize("make_kb", [_marker_kb, _env_kb])
def test_metadata_conflict_holds_only_on_its_pythons(make_kb: Any) -> None:
    kb = make_kb()
    free = choose(["tensorflow==2.19.*", "numpy>=2"], Target(gpu=False), kb)
    assert free.feasible and free.python == "3.12"
    assert free.requirements == ["tensorflow==2.19.0", "numpy>=2"]
    pinned = choose(["tensorflow==2.19.*", "numpy>=2"], Target(python="3.11", gpu=False), kb)
    assert not pinned.feasible
    assert pinned.proof[0].startswith("tensorflow==2.19.* needs numpy<2")
    assert "its metadata requires it" in pinned.proof[0]
    assert pinned.alternatives == ["use Python 3.12", "tensorflow==2.18.0", "drop numpy>=2"]
    assert choose(["tensorflow==2.19.*", "numpy>=2"], Target(python="3.12", gpu=False), kb).feasible


def test_results_do_not_depend_on_what_was_asked_before() -> None:
    """Nothing learnt in one call leaks into the next (different pins, Pythons, GPU)."""
    asks = [
        (["tensorflow<2.18", "numpy>=2"], Target(python="3.11", gpu=False)),
        (["tensorflow<2.18", "numpy>=2"], Target(gpu=False)),
        (["tensorflow", "numpy<2"], Target(python="3.11", gpu=False)),
        (["tensorflow"], Target(python="3.11", gpu=True, driver="450.80.02")),
        (["tensorflow==2.19.*", "numpy>=2"], Target(python="3.11", gpu=False)),
        (["tensorflow==2.19.*", "numpy>=2"], Target(gpu=False)),
        (["torch", "numpy>=2"], Target(python="3.11", gpu=True, driver="550.54.14")),
    ]
    alone = [choose(specs, target, _marker_kb()) for specs, target in asks]
    kb = _marker_kb()
    together = [choose(specs, target, kb) for specs, target in [*asks, *reversed(asks)]]
    assert together[: len(asks)] == alone
    assert together[len(asks) :] == list(reversed(alone))


def test_infeasible_pin_against_cap_with_real_kb() -> None:
    """The proofs against the real knowledge base (their speed: bench/plan_speed.py)."""
    from envdoctor.knowledge import DATA_DIR, KnowledgeBase

    kb = KnowledgeBase.load(DATA_DIR)
    choose(["tensorflow"], Target(python="3.11", gpu=False), kb)  # warm: parse the release file
    for specs, target in [
        (["tensorflow==2.15.*", "numpy>=2"], Target(python="3.11", gpu=False)),
        (["tensorflow<2.18", "numpy>=2"], Target(python="3.11", gpu=False)),
        (["tensorflow<2.18", "numpy>=2"], Target(gpu=False)),
        (["tensorflow", "numpy<1.20"], Target(python="3.11", gpu=False)),
    ]:
        choice = choose(specs, target, kb)
        assert not choice.feasible
        assert choice.alternatives[-1] == f"drop {specs[1]}"
