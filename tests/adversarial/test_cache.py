"""The check cache and the NumPy-build cache answer only for what they were computed from:
in-place edits (same size, mtime put back) and same-tick rewrites invalidate them, --no-cache
bypasses both, a corrupt or wrong-shaped entry is discarded and written anew, a full or
read-only cache folder costs a re-run and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from envdoctor.probe.collect import gather
from envdoctor.probe.target import Target
from tests.adversarial.readers_env import cli_env, run_cli, site_packages, venv
from tests.factories import make_conda_record, make_dist

SETTLE = 2.2  # seconds: past checkcache.RACY_SECONDS, so stamps alone decide


def _check(prefix: Path, env: dict[str, str], *extra: str) -> tuple[int, set[str]]:
    result = run_cli("check", "--prefix", str(prefix), "--format", "json", *extra, env=env)
    assert b"Traceback" not in result.stderr, result.stderr
    doc = json.loads(result.stdout)
    return result.returncode, {f["code"] for f in doc["findings"]}


def _rewrite_in_place(path: Path, old: str, new: str) -> None:
    """Same size, same mtime: what `stat`'s size and mtime cannot see."""
    assert len(old) == len(new)
    st = path.stat()
    text = path.read_text()
    assert old in text
    with open(path, "r+", encoding="utf-8") as handle:  # in place: same inode
        handle.write(text.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


@pytest.fixture
def env312(tmp_path: Path) -> tuple[Path, Path]:
    prefix = venv(tmp_path, "3.12")
    site = site_packages(prefix)
    make_dist(site, "numpy", "1.26.4", wheel_tags=["cp312-cp312-manylinux_2_17_x86_64"])
    return prefix, site


@pytest.mark.parametrize("settled", [True, False], ids=["settled", "same-tick"])
def test_an_in_place_wheel_edit_is_seen(tmp_path: Path, env312: tuple[Path, Path], settled: bool) -> None:
    prefix, site = env312
    wheel = make_dist(site, "fastlib", "1.0", wheel_tags=["cp312-cp312-manylinux_2_17_x86_64"]) / "WHEEL"
    env = cli_env(tmp_path)
    if settled:
        time.sleep(SETTLE)
    assert _check(prefix, env) == (0, set())
    _rewrite_in_place(wheel, "cp312-cp312", "cp310-cp310")  # built for another Python: ED104
    code, codes = _check(prefix, env)
    assert (code, codes) == _check(prefix, env, "--no-cache")
    assert code == 1 and "ED104" in codes


@pytest.mark.parametrize("settled", [True, False], ids=["settled", "same-tick"])
def test_an_in_place_egg_requires_edit_is_seen(tmp_path: Path, env312: tuple[Path, Path], settled: bool) -> None:
    prefix, site = env312
    egg = make_dist(site, "oldpkg", "0.9", egg_info=True)
    (egg / "requires.txt").write_text("numpy<2\n")
    env = cli_env(tmp_path)
    if settled:
        time.sleep(SETTLE)
    assert _check(prefix, env) == (0, set())
    _rewrite_in_place(egg / "requires.txt", "numpy<2", "numpy>3")
    assert _check(prefix, env)[1] == _check(prefix, env, "--no-cache")[1] == {"ED101"}


def test_an_in_place_conda_record_edit_changes_the_fingerprint(tmp_path: Path) -> None:
    prefix = venv(tmp_path, "3.12")
    record = make_conda_record(prefix, "numpy", "1.26.4", depends=["python >=3.12,<3.13"])
    target = Target(python=str(prefix / "bin" / "python"), prefix=str(prefix), description="t")
    time.sleep(SETTLE)
    before = gather(target).fingerprint_parts()
    _rewrite_in_place(record, "1.26.4", "2.00.0")
    assert gather(target).fingerprint_parts() != before


def test_a_namespace_package_gaining_its_init_changes_the_fingerprint(tmp_path: Path) -> None:
    prefix = venv(tmp_path, "3.12")
    site = site_packages(prefix)
    make_dist(site, "cuda-a", "1.0", top_level=[], files={"cuda/a/__init__.py": b""})
    (site / "cuda_a-1.0.dist-info" / "top_level.txt").write_text("cuda\n")
    target = Target(python=str(prefix / "bin" / "python"), prefix=str(prefix), description="t")
    time.sleep(SETTLE)
    before = gather(target).fingerprint_parts()
    (site / "cuda" / "__init__.py").write_text("")
    assert gather(target).fingerprint_parts() != before


def _numpy1_extension() -> bytes:
    return b"\x00padding\x00numpy.core._multiarray_umath\x00more\x00"


@pytest.fixture
def numpy_abi_env(tmp_path: Path) -> Path:
    """A venv where an extension built against NumPy 1 sits under NumPy 2: ED102."""
    prefix = venv(tmp_path, "3.12")
    site = site_packages(prefix)
    make_dist(site, "numpy", "2.1.0")
    make_dist(
        site,
        "oldext",
        "0.1",
        requires=["numpy>=1.16"],
        files={"oldext/_core.cpython-312-x86_64-linux-gnu.so": _numpy1_extension()},
    )
    return prefix


def test_no_cache_bypasses_a_poisoned_numpy_builds_cache(tmp_path: Path, numpy_abi_env: Path) -> None:
    env = cli_env(tmp_path)
    time.sleep(SETTLE)  # settled files: the first run stores its NumPy-build answer
    code, codes = _check(numpy_abi_env, env, "--no-cache")
    assert code == 1 and "ED102" in codes
    assert not (tmp_path / "cache" / "numpy-builds.json").exists()  # --no-cache writes nothing either
    assert "ED102" in _check(numpy_abi_env, env)[1]
    cache_file = tmp_path / "cache" / "numpy-builds.json"
    data = json.loads(cache_file.read_text())
    for entry in data["entries"].values():
        entry["build"] = "2"  # poisoned, with valid stamps: only --no-cache can see through it
    cache_file.write_text(json.dumps(data))
    for check_cache in (tmp_path / "cache" / "check").glob("*.json"):
        check_cache.unlink()
    assert "ED102" not in _check(numpy_abi_env, env)[1]  # the user's own cache is trusted...
    assert "ED102" in _check(numpy_abi_env, env, "--no-cache")[1]  # ... but --no-cache bypasses it
    assert "ED102" in _check(numpy_abi_env, {**env, "ENVDOCTOR_NO_CACHE": "1"})[1]


@pytest.mark.parametrize(
    "content",
    [b"[1, 2]", b"{", b'{"format": 2, "entries": {"x": 5}}', b'{"format": 2, "entries": []}', b"\xff\xfe"],
    ids=["list", "truncated", "wrong-entry", "wrong-entries", "binary"],
)
def test_a_wrong_shaped_numpy_builds_cache_is_discarded_and_rewritten(
    tmp_path: Path, numpy_abi_env: Path, content: bytes
) -> None:
    env = cli_env(tmp_path, ENVDOCTOR_NO_CACHE="")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "numpy-builds.json").write_bytes(content)
    time.sleep(SETTLE)
    assert "ED102" in _check(numpy_abi_env, env)[1]
    data = json.loads((tmp_path / "cache" / "numpy-builds.json").read_text())
    assert data["format"] == 2 and all(isinstance(e, dict) for e in data["entries"].values())


@pytest.mark.parametrize(
    "content",
    [
        b"{",
        b"[]",
        b'{"format": 2, "racy": {}, "findings": 5, "skipped": [], "environment": {}}',
        b'{"format": 2, "racy": {}, "findings": [{"code": 1}], "skipped": [], "environment": {}}',
        b'{"format": 2, "racy": [], "findings": []}',
        b'{"format": 2, "racy": {}, "findings": [], "skipped": [], "environment": {"python": 1}}',
    ],
    ids=["truncated", "list", "findings-int", "finding-shape", "racy-list", "environment"],
)
def test_a_wrong_shaped_check_cache_entry_is_discarded_and_rewritten(
    tmp_path: Path, env312: tuple[Path, Path], content: bytes
) -> None:
    prefix, site = env312
    make_dist(site, "needs", "1.0", requires=["missing-dep"])
    env = cli_env(tmp_path)
    first = _check(prefix, env)
    (entry,) = (tmp_path / "cache" / "check").glob("*.json")
    entry.write_bytes(content)
    for _ in range(2):  # the crash used to repeat on every run
        assert _check(prefix, env) == first
    assert json.loads(entry.read_text())["format"] == 2


def test_a_wrong_shaped_target_record_is_ignored(tmp_path: Path, env312: tuple[Path, Path]) -> None:
    prefix, _ = env312
    env = cli_env(tmp_path)
    first = _check(prefix, env)
    for record in (tmp_path / "cache" / "check" / "targets").glob("*.json"):
        record.write_text('{"sys_path": 5, "signature": []}')
    assert _check(prefix, env) == first


@contextmanager
def _tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_full_cache_disk_costs_nothing_but_the_cache(tmp_path: Path, numpy_abi_env: Path) -> None:
    with _tmpfs(tmp_path / "small", "16k") as small:
        (small / "filler").write_bytes(b"x" * 12 * 1024)
        env = cli_env(tmp_path, ENVDOCTOR_CACHE_DIR=str(small / "cache"))
        time.sleep(SETTLE)
        expected = _check(numpy_abi_env, env, "--no-cache")
        for _ in range(2):
            assert _check(numpy_abi_env, env) == expected
        leftovers = [p for p in small.rglob("*.tmp")]
        assert leftovers == []


def test_a_read_only_cache_folder_is_only_slower(tmp_path: Path, env312: tuple[Path, Path]) -> None:
    prefix, site = env312
    make_dist(site, "needs", "1.0", requires=["missing-dep"])
    cache = tmp_path / "ro-cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        env = cli_env(tmp_path, ENVDOCTOR_CACHE_DIR=str(cache / "inner"))
        assert _check(prefix, env) == _check(prefix, env) == (0, {"ED101"})
    finally:
        cache.chmod(0o700)
