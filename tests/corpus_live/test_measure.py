"""The measuring helper itself, on logs written here (not corpus logs)."""

from __future__ import annotations

from pathlib import Path

from tests.corpus_live.corpus import parse
from tests.corpus_live.measure import score


def write(folder: Path, name: str, cause: str, body: str) -> Path:
    path = folder / f"{name}.log"
    path.write_text(f"cause: {cause}\nsource: test:{name}\nrepo: test\ntags: t\n---\n{body}")
    return path


def test_score_counts_right_wrong_and_sends_only_the_body(tmp_path: Path) -> None:
    # the header names numpy-abi, the body holds nothing: explain must not see the header
    logs = [
        parse(write(tmp_path, "a", "unknown", "hello world\n"), "t"),
        parse(write(tmp_path, "b", "numpy-abi", "hello again\n"), "t"),
    ]
    result = score("t", logs)
    assert [a.cause for a in result.answers] == ["unknown", "unknown"]
    assert result.right == 1 and result.top1 == 0.5
    assert result.confident_wrong == []
    assert "b: labelled numpy-abi, got unknown" in result.report()
