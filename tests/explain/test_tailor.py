"""Fixes tailored from a Snapshot and the knowledge base."""

from __future__ import annotations

from envdoctor.explain import explain_text
from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Conda, CondaRecord, Distribution, GpuFacts, Interpreter, Machine, Snapshot

from .corpus import load

BY_NAME = {c.name: c for c in load()}
SITE = "/opt/env/lib/python3.11/site-packages"


def _snapshot(*dists: tuple[str, str], conda: bool = False, **machine: object) -> Snapshot:
    interp = Interpreter(
        executable="/opt/env/bin/python",
        version="3.11.7",
        prefix="/opt/env",
        user_site="/home/u/.local/lib/python3.11/site-packages",
        user_site_enabled=True,
    )
    snap = Snapshot(
        interpreter=interp,
        distributions=[
            Distribution(name=n, version=v, installer="conda" if conda else "pip", location=SITE) for n, v in dists
        ],
        machine=Machine(os="linux", arch="x86_64", **machine),
    )  # type: ignore[arg-type]
    if conda:
        snap.conda = Conda(prefix="/opt/env", records=[CondaRecord(name=n, version=v) for n, v in dists])
    return snap


def test_numpy_abi_fix_names_versions_and_the_way_out() -> None:
    snap = _snapshot(("tensorflow", "2.15.0"), ("numpy", "2.1.0"))
    got = explain_text(BY_NAME["numpy-abi-pingmapper-123"].text, snapshot=snap, kb=KnowledgeBase.load())
    first = got.fixes[0]
    assert "tensorflow 2.15.0" in first and "NumPy 2.1.0" in first
    # check's own remedy (same rules, same pins); no pip in this venv: uv, as check prints it
    assert first.endswith(": uv pip install --python /opt/env/bin/python 'numpy<2'")
    assert any("'tensorflow>=2.18'" in fix for fix in got.fixes)
    assert got.remedies[0].text() == "uv pip install --python /opt/env/bin/python 'numpy<2'"


def test_conda_owned_numpy_gets_conda_install() -> None:
    snap = _snapshot(("tensorflow", "2.15.0"), ("numpy", "2.1.0"), conda=True)
    got = explain_text(BY_NAME["numpy-abi-pingmapper-123"].text, snapshot=snap, kb=KnowledgeBase.load())
    assert "conda install --yes --prefix /opt/env 'numpy<2'" in got.fixes[0]


def test_removed_package_uses_knowledge_base() -> None:
    got = explain_text(BY_NAME["removed-tf-60074"].text, kb=KnowledgeBase.load())
    assert "tensorflow[and-cuda]" in got.fixes[0]


def test_env_leakage_fix_from_snapshot() -> None:
    # a conda env's code importing the user site's numpy: a foreign copy is loaded (env-leakage)
    text = (
        "Traceback (most recent call last):\n"
        '  File "/home/u/miniconda3/envs/tf/lib/python3.11/site-packages/tensorflow/__init__.py", line 3\n'
        '  File "/home/u/.local/lib/python3.11/site-packages/numpy/__init__.py", line 1\n'
        "ImportError: cannot import name 'foo' from 'numpy' (/home/u/.local/lib/python3.11/site-packages/numpy)\n"
    )
    got = explain_text(text, snapshot=_snapshot())
    assert got.cause == "env-leakage"
    assert "PYTHONNOUSERSITE=1" in got.fixes[0]
    assert "/home/u/.local/lib/python3.11/site-packages" in got.fixes[0]


def test_driver_fix_reads_machine_facts() -> None:
    snap = _snapshot(gpu=GpuFacts(driver_version="470.82", cuda_driver_version="11.4"))
    got = explain_text(BY_NAME["driver-yolov3-12"].text, snapshot=snap)
    assert "470.82" in got.fixes[0] and "11.4" in got.fixes[0]


def test_no_snapshot_still_gives_log_derived_fix() -> None:
    got = explain_text(BY_NAME["pyver-tf-61873"].text)
    assert "2.11.0" in got.fixes[0]
    got = explain_text(BY_NAME["cudaver-kohya-2787"].text)
    assert "8.9.4" in got.fixes[0]


def test_unknown_gives_no_guess() -> None:
    got = explain_text(BY_NAME["unknown-mgfn-35"].text)
    assert got.cause == "unknown"
    assert "envdoctor check" in got.fixes[0]
