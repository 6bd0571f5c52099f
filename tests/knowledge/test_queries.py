"""The query API over the shipped data, and which copy `load()` reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from envdoctor.knowledge import DATA_DIR, KnowledgeBase, user_releases_path

LINUX_311 = {
    "implementation_name": "cpython",
    "platform_machine": "x86_64",
    "platform_system": "Linux",
    "python_full_version": "3.11.7",
    "python_version": "3.11",
    "sys_platform": "linux",
    "os_name": "posix",
}
WINDOWS_311 = {
    **LINUX_311,
    "platform_machine": "AMD64",
    "platform_system": "Windows",
    "sys_platform": "win32",
    "os_name": "nt",
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(prefer_user_cache=False)


def test_coverage(kb: KnowledgeBase) -> None:
    for package in (
        "tensorflow",
        "tensorflow-cpu",
        "tensorflow-gpu",
        "tensorflow-intel",
        "tensorflow-macos",
        "keras",
        "tf-keras",
        "torch",
        "jax",
        "jaxlib",
        "jax-cuda12-plugin",
        "jax-cuda12-pjrt",
    ):
        assert kb.releases(package), package
    tf = [r.version for r in kb.releases("tensorflow")]
    assert tf[0] == "2.0.0" and "2.13.0" in tf and "2.18.0" in tf
    assert all("rc" not in v for v in tf)
    assert kb.releases("torch")[0].version == "1.13.0"
    assert kb.releases("jax")[0].version.startswith("0.4.")
    assert kb.releases("Not-A-Package") == []


def test_pythons_and_releases_for(kb: KnowledgeBase) -> None:
    assert kb.pythons("tensorflow", "2.13.0", "linux-x86_64") == ["3.8", "3.9", "3.10", "3.11"]
    assert "3.12" not in kb.pythons("tensorflow", "2.13.0", "linux-x86_64")  # python-unsupported
    assert kb.pythons("tensorflow", "2.18.0", "macos-x86_64") == []
    assert kb.pythons("tensorflow", "9.9.9", "linux-x86_64") == []
    versions = [r.version for r in kb.releases_for("tensorflow", "3.12", "linux-x86_64")]
    assert "2.16.1" in versions and "2.15.0" not in versions
    newest = kb.newest("tensorflow", "3.8", "linux-x86_64")
    assert newest is not None and newest.version == "2.13.1"
    assert kb.release("tensorflow", "2.15.0").stubs["windows-x86_64"] == "tensorflow-intel"  # type: ignore[union-attr]


def test_build_and_driver(kb: KnowledgeBase) -> None:
    tf = kb.build("tensorflow", "2.15.0")
    assert tf is not None and tf.cuda is not None and tf.cuda.startswith("12.2") and tf.cudnn == "8.9"
    assert "tensorflow.org/install/source" in tf.source
    torch = kb.build("torch", "2.5.1")
    assert torch is not None and (torch.cuda, torch.cudnn) == ("12.4", "9.1")
    assert kb.build("keras", "3.6.0") is None
    drv = kb.min_driver("12.4")
    assert drv is not None
    assert (drv.toolkit_driver, drv.minor_compat_driver) == ("550.54.14", "525.60.13")
    assert kb.min_driver("12.4.1").toolkit_driver == "550.54.15"  # type: ignore[union-attr]
    assert kb.min_driver("11.8").minor_compat_driver == "450.80.02"  # type: ignore[union-attr]
    assert kb.min_driver("10.1").minor_compat_driver is None  # type: ignore[union-attr]
    assert kb.min_driver("nonsense") is None


def test_requirements_with_extras_and_markers(kb: KnowledgeBase) -> None:
    plain = {r.name for r in kb.requirements("tensorflow", "2.18.0")}
    assert "numpy" in plain and "nvidia-cudnn-cu12" not in plain
    cuda = {r.name for r in kb.requirements("tensorflow", "2.18.0", extras=["and-cuda"])}
    assert "nvidia-cudnn-cu12" in cuda
    linux = {r.name for r in kb.requirements("tensorflow", "2.18.0", environment=LINUX_311)}
    windows = {r.name for r in kb.requirements("tensorflow", "2.18.0", environment=WINDOWS_311)}
    assert "tensorflow-intel" in windows and "tensorflow-intel" not in linux
    assert "tensorflow-io-gcs-filesystem" in linux  # python_version < "3.12"
    numpy = next(r for r in kb.requirements("tensorflow", "2.15.0") if r.name == "numpy")
    assert not numpy.specifier.contains("2.0.0")
    assert kb.requirements("tensorflow", "0.0.1") == []


def test_curated_queries_unchanged(kb: KnowledgeBase) -> None:
    assert kb.numpy_abi("tensorflow", "2.15.0") == ("1", kb.numpy_abi("tensorflow", "2.15.0")[1])  # type: ignore[index]
    assert kb.numpy_abi("tensorflow-cpu", "2.18.0")[0] == "2"  # type: ignore[index]
    assert kb.numpy_abi("torch", "2.2.2")[0] == "1"  # type: ignore[index]
    assert kb.numpy_abi("jaxlib", "0.4.25")[0] == "1"  # type: ignore[index]
    assert kb.numpy_abi("jaxlib", "0.4.26")[0] == "2"  # type: ignore[index]
    assert kb.numpy_abi("tensorflow-io-gcs-filesystem", "0.37.0") is None
    assert any(c.requirement == "protobuf<3.20" for c in kb.extra_constraints("tensorflow", "2.9.0"))
    assert any(c.requirement == "numpy<2" for c in kb.extra_constraints("tensorflow", "2.12.0"))
    removed = kb.removed("tensorflow_gpu")
    assert removed is not None and removed.since == "2.12.0"
    assert kb.release("tensorflow-gpu", "2.12.0").sdist_only  # type: ignore[union-attr]


def _copy_data(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((DATA_DIR / "releases.json").read_bytes())  # type: ignore[no-any-return]


def test_load_prefers_a_valid_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    target = user_releases_path()
    assert target == tmp_path / "cache" / "kb" / "releases.json"
    target.parent.mkdir(parents=True)
    data = {
        "schema": 1,
        "generated": "2030-01-01T00:00:00Z",
        "packages": {
            "torch": {"releases": [{"version": "9.0.0", "pythons": {"linux-x86_64": ["3.14"]}, "requires": []}]}
        },
    }
    target.write_text(json.dumps(data, separators=(",", ":")))
    kb = KnowledgeBase.load()
    assert [r.version for r in kb.releases("torch")] == ["9.0.0"]
    assert kb.releases_path == target and kb.generated == "2030-01-01T00:00:00Z"


@pytest.mark.parametrize("content", ['{"schema":1,"packages":', '{"schema":99,"packages":{}}', "garbage"])
def test_load_ignores_a_broken_user_cache(content: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVDOCTOR_CACHE_DIR", str(tmp_path))
    user_releases_path().parent.mkdir(parents=True)
    user_releases_path().write_text(content)
    kb = KnowledgeBase.load()
    assert kb.release("torch", "2.5.1") is not None
    assert kb.releases_path == DATA_DIR / "releases.json"


def test_load_from_another_data_dir(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "curated.json", tmp_path / "curated.json")
    kb = KnowledgeBase.load(tmp_path)  # no releases.json there: curated facts still answer
    assert kb.releases("tensorflow") == []
    assert kb.numpy_abi("tensorflow", "2.15.0") is not None
