"""`envdoctor kb show` and `envdoctor kb refresh`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from envdoctor.cli import main
from envdoctor.knowledge import KnowledgeBase, user_releases_path
from envdoctor.knowledge import build as build_module
from envdoctor.knowledge.fetch import HttpClient

from .conftest import IndexServer, publish


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVDOCTOR_CACHE_DIR", str(tmp_path / "cache"))


def test_show_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "tensorflow", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["package"] == "tensorflow"
    rel = next(r for r in data["releases"] if r["version"] == "2.18.0")
    assert rel["requires_python"] == ">=3.9"
    assert rel["pythons"]["linux-x86_64"] == ["3.9", "3.10", "3.11", "3.12"]
    assert set(rel["pythons"]) == {"linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64", "windows-x86_64"}
    assert rel["cuda"].startswith("12.5") and rel["cudnn"] == "9.3" and rel["numpy_abi"] == "2"
    assert any(r.startswith("nvidia-cudnn-cu12") for r in rel["extras"]["and-cuda"])
    assert all("rc" not in r["version"] for r in data["releases"])
    assert len(data["releases"]) > 50


def test_show_text_and_one_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "torch"]) == 0
    out = capsys.readouterr().out
    assert "2.5.1" in out and "12.4" in out
    assert main(["kb", "--format", "markdown", "show", "tensorflow", "2.15.0"]) == 0
    out = capsys.readouterr().out
    assert "tensorflow-intel" in out and "8.9" in out and "525.60.13" in out
    assert main(["kb", "show"]) == 0
    assert "tensorflow-macos" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["kb", "show", "left-pad"], ["kb", "show", "torch", "0.0.1"], ["kb"], ["kb", "refresh", "--package", "left-pad"]],
)
def test_bad_input_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_refresh_without_network_fails_cleanly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(build_module, "HttpClient", lambda: HttpClient(timeout=1, retries=0))
    assert main(["kb", "refresh", "--quiet", "--package", "torch", "--index-url", "http://127.0.0.1:9/simple/"]) == 1
    err = capsys.readouterr().err
    assert "could not refresh from the package index" in err and "Traceback" not in err
    assert not user_releases_path().exists()


def test_refresh_writes_the_user_cache(
    index_server: IndexServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(index_server, ("torch",))
    monkeypatch.setattr(build_module, "HttpClient", lambda: HttpClient(timeout=5, retries=1, backoff=0.01))
    rc = main(["kb", "refresh", "--package", "torch", "--full", "--index-url", f"{index_server.url}/simple/"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "wrote" in captured.out
    kb = KnowledgeBase.load()
    assert kb.releases_path == user_releases_path()
    assert [r.version for r in kb.releases("torch")] == ["2.5.1"]  # the refreshed package
    assert kb.release("tensorflow", "2.18.0") is not None  # the others kept from the shipped data
