"""The generator, end to end against a local index serving recorded responses."""

from __future__ import annotations

from email.parser import HeaderParser
from pathlib import Path

import pytest

from envdoctor.errors import UsageError
from envdoctor.frameworks._buildinfo import literal_assignments
from envdoctor.frameworks.tensorflow import build_info as tensorflow_build
from envdoctor.knowledge import KnowledgeBase
from envdoctor.knowledge.build import build
from envdoctor.knowledge.fetch import FetchError, HttpClient
from envdoctor.knowledge.wheeltags import platform_keys, wheel_pythons

from .conftest import IndexServer, publish, recorded

PACKAGES = ("tensorflow", "torch", "jax-cuda12-plugin")


def _requires(name: str) -> list[str]:
    msg = HeaderParser().parsestr(recorded(name).decode())
    return [" ".join(v.split()) for v in msg.get_all("Requires-Dist") or []]


def _build(server: IndexServer, tmp_path: Path, **kw):  # type: ignore[no-untyped-def]
    return build(
        list(PACKAGES),
        index_url=f"{server.url}/simple/",
        client=HttpClient(timeout=5, retries=1, backoff=0.01),
        workers=4,
        **kw,
    )


def _release(data: dict, package: str) -> dict:  # type: ignore[type-arg]
    releases = data["packages"][package]["releases"]
    assert len(releases) == 1, [r["version"] for r in releases]
    return releases[0]  # type: ignore[no-any-return]


def test_build_from_recorded_index(index_server: IndexServer, tmp_path: Path) -> None:
    publish(index_server)
    data, stats = _build(index_server, tmp_path, cache=tmp_path / "cache")
    assert stats.errors == []

    tf = _release(data, "tensorflow")  # 2.18.0rc2 is left out: final releases only
    assert tf["version"] == "2.18.0"
    assert tf["requires_python"] == ">=3.9"
    assert tf["pythons"] == {
        "linux-x86_64": ["3.9", "3.10", "3.11", "3.12"],
        "linux-aarch64": ["3.9", "3.10", "3.11", "3.12"],
        "macos-arm64": ["3.9", "3.10", "3.11", "3.12"],
        "windows-x86_64": ["3.9", "3.10", "3.11", "3.12"],
    }
    assert tf["stubs"] == {"windows-x86_64": "tensorflow-intel"}
    assert tf["requires"] == _requires("tensorflow-2.18.0-linux-x86_64.METADATA")
    assert tf["extras"] == ["and-cuda"]
    assert (tf["cuda"], tf["cudnn"]) == ("12.5.1", "9")
    assert "sm_89" in tf["compute_capabilities"]
    assert tf["metadata_file"].endswith("manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    assert tf["upload_time"].startswith("2024-10-25")
    assert tf["yanked"] is False

    torch = _release(data, "torch")
    assert (torch["cuda"], torch["cudnn"]) == ("12.4", "9.1")
    assert torch["pythons"]["linux-x86_64"] == ["3.9", "3.10", "3.11", "3.12", "3.13"]
    assert "macos-x86_64" not in torch["pythons"]
    assert torch["requires"] == _requires("torch-2.5.1-linux-x86_64.METADATA")

    plugin = _release(data, "jax-cuda12-plugin")
    assert (plugin["cuda"], plugin["cudnn"]) == ("12.1", "9.1")
    assert plugin["extras"] == ["with-cuda"]

    # never a whole wheel: every wheel request was a range request, and small
    wheel_hits = [h for h in index_server.hits if h.path.startswith("/files/")]
    assert wheel_hits and all(h.status == 206 and h.range for h in wheel_hits)
    for hit in wheel_hits:
        size = (index_server.root / hit.path.lstrip("/")).stat().st_size
        assert hit.sent < size

    # the queries work over what was built
    kb = KnowledgeBase({}, data)
    assert kb.pythons("tensorflow", "2.18.0", "windows-x86_64") == ["3.9", "3.10", "3.11", "3.12"]
    assert [r.version for r in kb.releases_for("torch", "3.13", "linux-x86_64")] == ["2.5.1"]
    assert kb.releases_for("torch", "3.13", "macos-arm64") == []


def test_incremental_refresh_reads_nothing_new(index_server: IndexServer, tmp_path: Path) -> None:
    publish(index_server)
    first, _ = _build(index_server, tmp_path, cache=None)
    index_server.hits.clear()
    second, stats = _build(index_server, tmp_path, cache=None, previous=first)
    assert stats.reused == 3 and stats.wheels_read == 0
    assert all(h.path.startswith("/simple/") for h in index_server.hits)
    assert second["packages"] == first["packages"]


def test_disk_cache_avoids_reading_wheels_again(index_server: IndexServer, tmp_path: Path) -> None:
    publish(index_server)
    first, _ = _build(index_server, tmp_path, cache=tmp_path / "cache")
    index_server.hits.clear()
    again, stats = _build(index_server, tmp_path, cache=tmp_path / "cache")
    assert stats.wheels_read == 0 and stats.wheels_cached > 0
    assert not [h for h in index_server.hits if h.path.startswith("/files/")]
    assert again["packages"] == first["packages"]


def test_bad_input(index_server: IndexServer, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a covered package"):
        build(["left-pad"], index_url=f"{index_server.url}/simple/")
    with pytest.raises(UsageError, match="not on the index"):
        build(["torch"], index_url=f"{index_server.url}/simple/", client=HttpClient(retries=0))
    with pytest.raises(FetchError):
        build(["torch"], index_url="http://127.0.0.1:9/simple/", client=HttpClient(timeout=1, retries=0))


@pytest.mark.parametrize(
    ("tag", "keys"),
    [
        ("manylinux_2_17_x86_64", ["linux-x86_64"]),
        ("manylinux2014_aarch64", ["linux-aarch64"]),
        ("macosx_12_0_arm64", ["macos-arm64"]),
        ("macosx_10_15_x86_64", ["macos-x86_64"]),
        ("macosx_11_0_universal2", ["macos-arm64", "macos-x86_64"]),
        ("win_amd64", ["windows-x86_64"]),
        ("win32", []),
        ("musllinux_1_1_x86_64", []),
    ],
)
def test_platform_keys(tag: str, keys: list[str]) -> None:
    assert platform_keys(tag) == keys


def test_wheel_pythons() -> None:
    assert wheel_pythons("cp310", "cp310", None) == (["3.10"], False)
    assert wheel_pythons("cp313", "cp313t", None) == ([], False)  # free-threaded: not counted
    pys, agnostic = wheel_pythons("cp39", "abi3", ">=3.9,<3.12")
    assert (pys, agnostic) == (["3.9", "3.10", "3.11"], True)
    assert wheel_pythons("py3", "none", ">=3.13")[0] == ["3.13", "3.14"]


def test_build_info_forms() -> None:
    old = "is_rocm_build = False\nis_cuda_build = True\ncuda_version_number = '10.1'\ncudnn_version_number = '7'\n"
    assert tensorflow_build(old)["cuda"] == "10.1"
    new = recorded("tensorflow-2.18.0-linux-x86_64.build_info.py.txt").decode()
    assert tensorflow_build(new)["cudnn"] == "9"
    cpu = "build_info = collections.OrderedDict([('is_cuda_build', False), ('cuda_version', '12')])"
    assert tensorflow_build(cpu)["cuda"] is None
    assert literal_assignments("import os\nx = os.getcwd()\ny: int = 3\n") == {"y": 3}
    assert literal_assignments("def (") == {}
