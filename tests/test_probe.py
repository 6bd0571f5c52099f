"""The probe against real interpreters, real venvs and fake prefixes on disk."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor.errors import UsageError
from envdoctor.probe import collect_snapshot, load_snapshot, resolve_target
from envdoctor.probe.conda import parse_history, read_conda
from envdoctor.probe.distributions import scan_path
from envdoctor.probe.launch import ProbeError, run_probe
from envdoctor.probe.machine import collect_machine
from envdoctor.probe.target import Target
from tests.factories import make_conda_record, make_dist


def pyenv_python(version: str) -> str | None:
    """The interpreter of a pyenv-installed Python X.Y, or None."""
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return None
    try:
        prefix = subprocess.run(
            [pyenv, "prefix", version], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    for name in (f"python{version}", "python"):
        candidate = Path(prefix) / "bin" / name
        if prefix and candidate.exists():
            return str(candidate)
    return None


def make_venv(tmp_path: Path, version: str) -> Path:
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed (pyenv)")
    venv = tmp_path / f"venv{version}"
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    return venv


@pytest.mark.parametrize("version", ["3.8", "3.12", "3.13"])
def test_probe_runs_in_real_interpreters(version: str, tmp_path: Path) -> None:
    venv = make_venv(tmp_path, version)
    facts = run_probe(str(venv / "bin" / "python"))
    assert str(facts["version"]).startswith(version)
    assert facts["is_venv"] is True
    assert facts["prefix"] == str(venv)
    assert facts["abi_tag"] == "cp" + version.replace(".", "")
    assert any(str(p).endswith("site-packages") for p in facts["sys_path"])  # type: ignore[attr-defined]


def test_probe_on_python_36(tmp_path: Path) -> None:
    python = pyenv_python("3.6")
    if python is None:
        pytest.skip("Python 3.6 is not installed (pyenv)")
    facts = run_probe(python)
    assert str(facts["version"]).startswith("3.6")
    assert facts["supported"] is True


def test_python_27_is_reported_unsupported_but_inspected(tmp_path: Path) -> None:
    python = pyenv_python("2.7")
    if python is None:
        pytest.skip("Python 2.7 is not installed (pyenv)")
    snap = collect_snapshot(Target(python=python, prefix=None, description="py2"))
    assert snap.interpreter.version.startswith("2.7")
    assert snap.interpreter.supported is False
    assert any("unsupported interpreter" in s.reason for s in snap.skipped)
    assert snap.distributions  # it still reports what it can


def test_snapshot_of_real_venv_reads_distributions(tmp_path: Path) -> None:
    venv = make_venv(tmp_path, "3.12")
    site = venv / "lib" / "python3.12" / "site-packages"
    make_dist(site, "numpy", "2.1.0", installer="pip", wheel_tags=["cp312-cp312-manylinux_2_17_x86_64"])
    make_dist(site, "tensorflow", "2.15.0", requires=["numpy<2.0.0,>=1.23.5"], installer="uv")
    snap = collect_snapshot(Target(python=str(venv / "bin" / "python"), prefix=None, description="t"))
    by_name = {d.name: d for d in snap.distributions}
    assert by_name["numpy"].version == "2.1.0"
    assert by_name["numpy"].wheel_tags == ["cp312-cp312-manylinux_2_17_x86_64"]
    assert by_name["tensorflow"].installer == "uv"
    assert by_name["tensorflow"].requires == ["numpy<2.0.0,>=1.23.5"]
    assert snap.interpreter.is_venv and snap.interpreter.minor == "3.12"


def test_shadowed_copy_loses_to_the_first_on_sys_path(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    make_dist(first, "numpy", "2.0.0")
    make_dist(second, "numpy", "1.26.4")
    dists = scan_path([str(first), str(second)], [])
    winner, loser = dists
    assert winner.version == "2.0.0" and winner.shadowed_by is None
    assert loser.version == "1.26.4" and loser.shadowed_by == winner.metadata_path


def test_bad_metadata_is_partial_data_not_a_crash(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_dist(site, "good", "1.0")
    broken = site / "broken-1.0.dist-info"
    broken.mkdir()  # no METADATA at all
    latin = make_dist(site, "latin", "2.0")
    (latin / "METADATA").write_bytes(b"Metadata-Version: 2.1\nName: latin\nVersion: 2.0\nSummary: caf\xe9\n")
    nameless = make_dist(site, "nameless", "3.0")
    (nameless / "METADATA").write_text("garbage without headers\n", encoding="utf-8")
    os.symlink(tmp_path / "nowhere", site / "dangling-1.0.dist-info")
    skipped: list = []
    dists = {d.name: d for d in scan_path([str(site), str(tmp_path / "missing"), str(tmp_path / "x.zip")], skipped)}
    assert dists["good"].problems == []
    assert dists["broken"].version == "1.0" and "METADATA is missing" in dists["broken"].problems[0]
    assert dists["latin"].version == "2.0" and "not valid UTF-8" in dists["latin"].problems[0]
    assert dists["nameless"].version == "3.0"
    assert "dangling" in dists


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads everything")
def test_unreadable_folder_is_skipped(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_dist(site, "a", "1.0")
    site.chmod(0)
    try:
        skipped: list = []
        assert scan_path([str(site)], skipped) == []
        assert skipped and "cannot list" in skipped[0].reason
    finally:
        site.chmod(stat.S_IRWXU)


def test_egg_info_requires_become_requires_dist(tmp_path: Path) -> None:
    site = tmp_path / "site"
    meta = make_dist(site, "oldpkg", "0.9", egg_info=True)
    (meta / "requires.txt").write_text('six\n\n[test]\npytest\n\n[:python_version < "3.8"]\nimportlib-metadata\n')
    (dist,) = scan_path([str(site)], [])
    assert dist.kind == "egg-info"
    assert dist.requires == ["six", 'pytest; extra == "test"', 'importlib-metadata; python_version < "3.8"']


def _fake_python(tmp_path: Path, body: str) -> Path:
    prefix = tmp_path / "env"
    (prefix / "bin").mkdir(parents=True)
    script = prefix / "bin" / "python"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    site = prefix / "lib" / "python3.10" / "site-packages"
    make_dist(site, "tensorflow", "2.10.1", requires=["numpy>=1.20"])
    make_dist(site, "numpy", "2.0.2")
    return prefix


@pytest.mark.parametrize(
    ("body", "reason"),
    [("sleep 30", "did not answer"), ("echo boom >&2; exit 3", "boom"), ("echo not json", "failed to run")],
)
def test_dead_interpreter_falls_back_to_the_prefix_files(tmp_path: Path, body: str, reason: str) -> None:
    prefix = _fake_python(tmp_path, body)
    target = resolve_target(prefix=str(prefix))
    snap = collect_snapshot(target, timeout=1.0)
    assert snap.interpreter.probed is False
    assert snap.interpreter.minor == "3.10"
    assert {d.name for d in snap.distributions} == {"tensorflow", "numpy"}
    assert any(reason in s.reason for s in snap.skipped)


def test_missing_prefix_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        resolve_target(prefix=str(tmp_path / "nope"))
    with pytest.raises(UsageError, match="no interpreter"):
        resolve_target(python=str(tmp_path / "nope" / "python"))


def test_probe_error_for_unrunnable_file(tmp_path: Path) -> None:
    bogus = tmp_path / "python"
    bogus.write_text("not a program")
    with pytest.raises(ProbeError):
        run_probe(str(bogus))


def test_default_target_prefers_active_venv_then_conda(tmp_path: Path) -> None:
    venv, conda = tmp_path / "venv", tmp_path / "conda"
    for p in (venv, conda):
        (p / "bin").mkdir(parents=True)
        (p / "bin" / "python").write_text("")
    assert resolve_target(env={"CONDA_PREFIX": str(conda), "PATH": ""}).prefix == str(conda)
    both = resolve_target(env={"CONDA_PREFIX": str(conda), "VIRTUAL_ENV": str(venv), "PATH": ""})
    assert both.prefix == str(venv)
    with pytest.raises(UsageError):
        resolve_target(env={"PATH": str(tmp_path / "empty")})


def test_conda_prefix_records_and_history(tmp_path: Path) -> None:
    prefix = tmp_path / "conda"
    make_conda_record(
        prefix,
        "numpy",
        "1.26.4",
        depends=["python >=3.11,<3.12.0a0"],
        files=[
            "lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA",
            "lib/python3.11/site-packages/numpy/__init__.py",
        ],
    )
    (prefix / "conda-meta" / "broken.json").write_text("{not json")
    (prefix / "conda-meta" / "history").write_text(
        "==> 2024-05-01 10:00:00 <==\n"
        "# cmd: conda create -n ml python=3.11 numpy\n"
        "# update specs: ['python=3.11', 'numpy']\n"
        "+conda-forge/linux-64::numpy-1.26.4\n"
    )
    skipped: list = []
    conda = read_conda(prefix, skipped)
    assert conda is not None and not conda.is_base
    (record,) = conda.records
    assert record.python_dists == ["numpy-1.26.4.dist-info"]
    assert record.depends == ["python >=3.11,<3.12.0a0"]
    assert conda.history[0].command.startswith("conda create")
    assert conda.history[0].specs == ["python=3.11", "numpy"]
    assert any("broken.json" in s.what for s in skipped)
    (prefix / "condabin").mkdir()
    assert read_conda(prefix, [])
    assert read_conda(prefix, []).is_base  # type: ignore[union-attr]


def test_parse_history_ignores_noise() -> None:
    assert parse_history("random\n# cmd: x\n") == []


def test_machine_facts_from_a_fake_root(tmp_path: Path) -> None:
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "cpuinfo").write_text("processor\t: 0\nmodel name\t: Old Xeon\nflags\t\t: fpu sse4_1 sse4_2\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "libc-2.17.so").write_text("")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").write_text('PRETTY_NAME="CentOS Linux 7 (Core)"\n')
    machine = collect_machine(root=tmp_path, env={}, path_dirs=[], system="Linux", arch="x86_64", with_gpu=False)
    assert machine.cpu_model == "Old Xeon"
    assert machine.cpu_flags == ["sse4_1", "sse4_2"]
    assert (machine.libc, machine.libc_version) == ("glibc", "2.17")
    assert machine.os_release == "CentOS Linux 7 (Core)"
    assert machine.platform_key == "linux-x86_64"


def test_snapshot_round_trip_is_identical(tmp_path: Path) -> None:
    venv = make_venv(tmp_path, "3.12")
    make_dist(venv / "lib" / "python3.12" / "site-packages", "numpy", "2.0.0")
    snap = collect_snapshot(Target(python=str(venv / "bin" / "python"), prefix=None, description="t"))
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap.to_dict()))
    assert load_snapshot(str(path)) == snap


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not JSON"), ("[]", "not an envdoctor snapshot"), ('{"interpreter": 5}', "malformed")],
)
def test_bad_snapshot_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        load_snapshot(str(path))


def test_own_interpreter_probe_matches_sys() -> None:
    facts = run_probe(sys.executable)
    assert facts["version"] == ".".join(map(str, sys.version_info[:3]))


def _numpy_extension(marker: bytes) -> bytes:
    return b"\x00padding\x00" + marker + b"\x00more\x00"


@pytest.mark.parametrize(
    ("numpy_version", "marker", "expected"),
    [
        ("2.1.0", b"numpy.core._multiarray_umath", "1"),
        ("2.1.0", b"numpy._core._multiarray_umath\x00numpy.core._multiarray_umath", "2"),
        ("1.26.4", b"numpy.core._multiarray_umath", None),  # NumPy 1 installed: nothing to learn
    ],
)
def test_numpy_build_is_read_from_extension_files(
    tmp_path: Path, numpy_version: str, marker: bytes, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from envdoctor.probe import numpy_builds
    from envdoctor.probe.numpy_builds import annotate_numpy_builds

    monkeypatch.setattr(numpy_builds, "RACY_SECONDS", 0.0)  # files just written count as settled

    site = tmp_path / "site"
    make_dist(site, "numpy", numpy_version)
    make_dist(
        site,
        "oldext",
        "0.1",
        requires=["numpy>=1.16"],
        files={"oldext/_core.cpython-311-x86_64-linux-gnu.so": _numpy_extension(marker)},
    )
    make_dist(site, "pure", "1.0", requires=["numpy"])
    dists = scan_path([str(site)], [])
    annotate_numpy_builds(dists, cache=tmp_path / "cache")
    by_name = {d.name: d for d in dists}
    assert by_name["oldext"].numpy_build == expected
    assert by_name["pure"].numpy_build is None
    if expected:
        assert by_name["oldext"].numpy_build_path.endswith("_core.cpython-311-x86_64-linux-gnu.so")  # type: ignore[union-attr]
        # the second run answers from the cache while the files are unchanged (a marked entry shows)
        cache_file = tmp_path / "cache" / "numpy-builds.json"
        data = json.loads(cache_file.read_text())
        (entry,) = [e for k, e in data["entries"].items() if "oldext" in k]
        entry["build"] = "2" if expected == "1" else "1"
        cache_file.write_text(json.dumps(data))
        again = scan_path([str(site)], [])
        annotate_numpy_builds(again, cache=tmp_path / "cache")
        assert {d.name: d for d in again}["oldext"].numpy_build == entry["build"]
        # ... and reads the binary again once it is touched, even with its mtime put back
        binary = site / "oldext" / "_core.cpython-311-x86_64-linux-gnu.so"
        st = binary.stat()
        binary.write_bytes(binary.read_bytes())
        os.utime(binary, ns=(st.st_atime_ns, st.st_mtime_ns))
        third = scan_path([str(site)], [])
        annotate_numpy_builds(third, cache=tmp_path / "cache")
        assert {d.name: d for d in third}["oldext"].numpy_build == expected


def test_namespace_packages_are_recorded_and_not_reported_as_clashes(tmp_path: Path) -> None:
    from envdoctor.doctor import diagnose

    site = tmp_path / "site"
    # Two distributions sharing the namespace package 'cuda' (a folder without __init__.py) ...
    make_dist(site, "cuda-bindings", "12.9.0", top_level=[], files={"cuda/bindings/__init__.py": b""})
    make_dist(site, "cuda-pathfinder", "1.1.0", top_level=[], files={"cuda/pathfinder/__init__.py": b""})
    for name in ("cuda_bindings-12.9.0.dist-info", "cuda_pathfinder-1.1.0.dist-info"):
        (site / name / "top_level.txt").write_text("cuda\n")
    # ... and two sharing a regular package 'yaml' (with __init__.py): a real clash.
    make_dist(site, "pyyaml", "6.0", top_level=["yaml"])
    make_dist(site, "yaml-fork", "1.0", top_level=["yaml"])
    dists = {d.name: d for d in scan_path([str(site)], [])}
    assert dists["cuda-bindings"].namespace_packages == ["cuda"]
    assert dists["pyyaml"].namespace_packages == []
    from tests.factories import snapshot

    report = diagnose(snapshot(dists.values()))
    clashes = [f.subject for f in report.findings if f.code == "ED204"]
    assert clashes == ["yaml"]


def test_folded_license_with_blank_looking_lines_does_not_end_the_headers(tmp_path: Path) -> None:
    # As mlflow's METADATA: a License header folded over lines holding only spaces.
    site = tmp_path / "site"
    meta = make_dist(site, "mlflow", "3.17.2")
    (meta / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: mlflow\nVersion: 3.17.2\nLicense: Copyright 2018 Databricks\n"
        "        \n        \t\t\tApache License\n        \nRequires-Dist: mlflow-skinny==3.17.2\n"
        "Requires-Dist: Flask-CORS<7\nRequires-Python: >=3.10\n\nRequires-Dist: not-a-header\n",
        encoding="utf-8",
    )
    (dist,) = scan_path([str(site)], [])
    assert dist.requires == ["mlflow-skinny==3.17.2", "Flask-CORS<7"]
    assert dist.requires_python == ">=3.10"


def test_distutils_egg_info_file_is_told_apart_from_a_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "wrapt-1.10.11-py3.7.egg-info").write_text("Metadata-Version: 1.0\nName: wrapt\nVersion: 1.10.11\n")
    make_dist(site, "six", "1.16.0", egg_info=True)
    dists = {d.name: d for d in scan_path([str(site)], [])}
    assert dists["wrapt"].version == "1.10.11" and dists["wrapt"].metadata_is_file
    assert dists["six"].kind == "egg-info" and not dists["six"].metadata_is_file
