"""Against the real index (PyPI) and the shipped knowledge base: run with `pytest -m network`."""

from __future__ import annotations

from pathlib import Path

import pytest

from envdoctor.knowledge import DATA_DIR, KnowledgeBase
from envdoctor.plan import OutputFiles, Target, make_plan

pytestmark = pytest.mark.network


def test_tensorflow_gpu_linux_from_pypi(tmp_path: Path) -> None:
    kb = KnowledgeBase.load(DATA_DIR)
    target = Target(python="3.11", gpu=True, driver="550.54.14")
    plan = make_plan(["tensorflow"], target, kb, files=OutputFiles(requirements_txt=str(tmp_path / "r.txt")))
    assert plan.feasible, plan.proof
    names = {p.name for p in plan.packages}
    assert "tensorflow" in names and "numpy" in names
    assert any(n.startswith("nvidia-") for n in names)  # tensorflow[and-cuda]
    assert "tensorflow-gpu" not in names
    assert "--hash=sha256:" in (tmp_path / "r.txt").read_text()


def test_old_tensorflow_gets_numpy_1(tmp_path: Path) -> None:
    kb = KnowledgeBase.load(DATA_DIR)
    plan = make_plan(["tensorflow==2.16.*"], Target(python="3.11", gpu=False), kb)
    assert plan.feasible, plan.proof
    numpy = next(p for p in plan.packages if p.name == "numpy")
    assert numpy.version.startswith("1.")
