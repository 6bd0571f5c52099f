"""The range-request zip reader and the HTTP client, against a local server."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from envdoctor.knowledge.fetch import FetchError, HttpClient, RemoteZip, ZipFormatError

from .conftest import IndexServer, make_wheel

METADATA = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: numpy (<2)\n"
BUILD_INFO = b"build_info = {'cuda_version': '12.3', 'is_cuda_build': True}\n"


def _client() -> HttpClient:
    return HttpClient(timeout=5, retries=2, backoff=0.01)


def _wheel(server: IndexServer, name: str = "demo-1.0-py3-none-any.whl", filler: int = 300_000) -> Path:
    path = server.root / name
    make_wheel(
        path,
        {"demo/platform/build_info.py": BUILD_INFO, "demo-1.0.dist-info/METADATA": METADATA},
        filler=filler,
    )
    return path


def test_reads_members_without_downloading_the_wheel(index_server: IndexServer) -> None:
    path = _wheel(index_server)
    rz = RemoteZip(_client(), f"{index_server.url}/{path.name}", tail_size=4096)
    assert set(rz.names()) == {"pkg/_filler.bin", "demo/platform/build_info.py", "demo-1.0.dist-info/METADATA"}
    assert rz.read("demo-1.0.dist-info/METADATA") == METADATA
    assert rz.read("demo/platform/build_info.py") == BUILD_INFO
    assert rz.size == path.stat().st_size
    sent = index_server.bytes_for(path.name)
    assert sent < 20_000 < path.stat().st_size
    assert all(h.status == 206 and h.range for h in index_server.hits)


def test_member_outside_the_tail_is_fetched_with_its_own_range(index_server: IndexServer) -> None:
    path = index_server.root / "late-1.0-py3-none-any.whl"
    make_wheel(path, {"late/version.py": b"cuda = '11.8'\n"})
    with zipfile.ZipFile(path, "a") as zf:  # push the member far from the end
        zf.writestr(zipfile.ZipInfo("late/blob.bin"), bytes(range(256)) * 1000, zipfile.ZIP_STORED)
    rz = RemoteZip(_client(), f"{index_server.url}/{path.name}", tail_size=1024)
    assert rz.read("late/version.py") == b"cuda = '11.8'\n"
    assert index_server.bytes_for(path.name) < 10_000


def test_zip64_records(index_server: IndexServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1 << 10)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    path = _wheel(index_server, filler=5_000)
    monkeypatch.undo()
    with zipfile.ZipFile(path) as zf:  # the stdlib agrees it is a zip64 archive
        assert zf.read("demo-1.0.dist-info/METADATA") == METADATA
    assert b"PK\x06\x06" in path.read_bytes()[-200:]
    rz = RemoteZip(_client(), f"{index_server.url}/{path.name}", tail_size=2048)
    assert rz.read("demo-1.0.dist-info/METADATA") == METADATA


def test_missing_member_and_not_a_zip(index_server: IndexServer) -> None:
    path = _wheel(index_server, filler=0)
    rz = RemoteZip(_client(), f"{index_server.url}/{path.name}")
    with pytest.raises(KeyError):
        rz.read("nope/METADATA")
    (index_server.root / "junk.whl").write_bytes(b"not a zip at all" * 10)
    with pytest.raises(ZipFormatError):
        RemoteZip(_client(), f"{index_server.url}/junk.whl").names()


def test_server_without_ranges(index_server: IndexServer) -> None:
    index_server.ranges = False
    small = _wheel(index_server, "small-1.0-py3-none-any.whl", filler=0)
    rz = RemoteZip(_client(), f"{index_server.url}/{small.name}")
    assert rz.read("demo-1.0.dist-info/METADATA") == METADATA  # small: whole file is fine
    big = _wheel(index_server, "big-1.0-py3-none-any.whl", filler=600_000)
    with pytest.raises(FetchError, match="ignored the range request"):
        RemoteZip(_client(), f"{index_server.url}/{big.name}", tail_size=4096).names()


def test_retries_then_succeeds(index_server: IndexServer) -> None:
    path = _wheel(index_server, filler=0)
    index_server.fail_first = 2
    client = _client()
    rz = RemoteZip(client, f"{index_server.url}/{path.name}")
    assert rz.read("demo-1.0.dist-info/METADATA") == METADATA
    assert [h.status for h in index_server.hits][:2] == [503, 503]


def test_gives_up_with_a_clear_error(index_server: IndexServer) -> None:
    index_server.fail_first = 10
    with pytest.raises(FetchError, match=r"HTTP 503 \(after 3 tries\)"):
        _client().get(f"{index_server.url}/whatever")
    with pytest.raises(FetchError, match="could not fetch"):
        HttpClient(timeout=1, retries=0).get("http://127.0.0.1:9/nothing-listens-here")
