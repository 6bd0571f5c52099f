"""Against the real package index (deselected by default: `pytest -m network`)."""

from __future__ import annotations

import pytest

from envdoctor.knowledge import KnowledgeBase
from envdoctor.knowledge.build import build


@pytest.mark.network
def test_refresh_one_real_release() -> None:
    data, stats = build(["torch"], versions={"torch": "==2.5.1"}, cache=None, workers=4)
    assert stats.errors == []
    (rel,) = data["packages"]["torch"]["releases"]
    assert rel["version"] == "2.5.1" and rel["cuda"] == "12.4" and rel["cudnn"] == "9.1"
    assert "3.13" in rel["pythons"]["linux-x86_64"]
    shipped = KnowledgeBase.load(prefer_user_cache=False).release("torch", "2.5.1")
    assert shipped is not None and list(shipped.requires) == rel["requires"]
    assert stats.bytes < 50_000_000  # range requests, not the 900 MB wheel
