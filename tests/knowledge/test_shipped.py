"""The shipped release data agrees with METADATA files recorded from the index."""

from __future__ import annotations

import time
from email.parser import HeaderParser

import pytest

from envdoctor.knowledge import DATA_DIR, KnowledgeBase, read_releases_file

from .conftest import recorded


def _metadata(name: str) -> tuple[list[str], str | None]:
    msg = HeaderParser().parsestr(recorded(name).decode())
    return [" ".join(v.split()) for v in msg.get_all("Requires-Dist") or []], msg.get("Requires-Python")


@pytest.mark.parametrize(
    ("package", "version", "recording"),
    [
        ("tensorflow", "2.18.0", "tensorflow-2.18.0-linux-x86_64.METADATA"),
        ("torch", "2.5.1", "torch-2.5.1-linux-x86_64.METADATA"),
        ("jax-cuda12-plugin", "0.4.35", "jax-cuda12-plugin-0.4.35-linux-x86_64.METADATA"),
    ],
)
def test_shipped_requires_match_recorded_metadata(package: str, version: str, recording: str) -> None:
    kb = KnowledgeBase.load(prefer_user_cache=False)
    rel = kb.release(package, version)
    assert rel is not None
    requires, requires_python = _metadata(recording)
    assert list(rel.requires) == requires
    assert rel.requires_python == requires_python


def test_shipped_build_info_matches_recorded_files() -> None:
    kb = KnowledgeBase.load(prefer_user_cache=False)
    tf = kb.release("tensorflow", "2.18.0")
    assert tf is not None and tf.cuda == "12.5.1" and tf.cudnn == "9"
    assert "'cuda_version', '12.5.1'" in recorded("tensorflow-2.18.0-linux-x86_64.build_info.py.txt").decode()
    torch = kb.release("torch", "2.5.1")
    assert torch is not None and torch.cuda == "12.4"


def test_shipped_file_is_valid_and_quick_to_load() -> None:
    data = read_releases_file(DATA_DIR / "releases.json")
    assert data["schema"] == 1 and data["generated"]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        kb = KnowledgeBase.load(prefer_user_cache=False)
        kb.releases("tensorflow")
        best = min(best, time.perf_counter() - start)
    assert best < 0.2  # generous here (shared CI machines); bench/kb_load.py measures the budget
