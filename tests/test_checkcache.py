"""The check result cache: keys, storage, and the early 'did it change' hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from envdoctor import checkcache
from envdoctor.probe.distributions import metadata_signature
from tests.factories import make_dist


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ENVDOCTOR_NO_CACHE", raising=False)


def test_key_depends_on_every_part_and_the_options() -> None:
    base = checkcache.key([b"facts", b"sig"], "[]")
    assert base and base == checkcache.key([b"facts", b"sig"], "[]")
    assert base != checkcache.key([b"facts", b"sig2"], "[]")
    assert base != checkcache.key([b"facts", b"sig"], '[["ED101"], []]')
    assert base != checkcache.key([b"factssig"], "[]")  # parts are length-prefixed
    assert checkcache.key([], "[]") is None  # nothing to fingerprint (the interpreter did not run)


def test_no_cache_variable_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVDOCTOR_NO_CACHE", "1")
    assert checkcache.key([b"x"], "[]") is None


def test_store_load_and_prune(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkcache, "KEEP", 3)
    for i in range(5):
        checkcache.store(f"k{i}", {"findings": [], "n": i})
    assert checkcache.load("k4") == {"format": checkcache.FORMAT, "racy": {}, "findings": [], "n": 4}
    assert checkcache.load("k0") is None  # pruned, oldest first
    assert checkcache.load("missing") is None


def test_probably_changed_compares_the_last_sys_path_now_and_then(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_dist(site, "numpy", "1.26.4")
    target = "/env/bin/python"
    assert checkcache.probably_changed(target, metadata_signature).changed  # never checked: assume changed
    checkcache.remember(target, [str(site)], metadata_signature([str(site)]))
    hint = checkcache.probably_changed(target, metadata_signature)
    assert not hint.changed
    assert hint.sys_path == [str(site)] and hint.signature == metadata_signature([str(site)])
    make_dist(site, "protobuf", "5.28.0")
    assert checkcache.probably_changed(target, metadata_signature).changed
