"""The knowledge base's known disagreements with the wheels and NVIDIA's tables, fixed (issue 15)."""

from __future__ import annotations

import json

import pytest

from envdoctor.frameworks._buildinfo import nvidia_lower_bound
from envdoctor.knowledge import DATA_DIR, KnowledgeBase
from envdoctor.knowledge.releasefacts import build_facts
from envdoctor.knowledge.wheeltags import known_pythons, wheel_pythons


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(prefer_user_cache=False)


# --- CUDA 13's NVIDIA wheels dropped the -cu13 suffix ----------------------------------------


def test_cuda13_runtime_without_suffix_is_read() -> None:
    requires = [
        'nvidia-cuda-runtime>=13.0.48; sys_platform == "linux" and extra == "with-cuda"',
        'nvidia-cudnn-cu13<10.0,>=9.12.0.46; sys_platform == "linux" and extra == "with-cuda"',
    ]
    assert nvidia_lower_bound(requires, "cuda-runtime")[0] == "13.0"
    assert nvidia_lower_bound(requires, "cudnn")[0] == "9.12"
    # a package that only starts like it is not taken for the runtime
    assert nvidia_lower_bound(["nvidia-cuda-runtime-tools>=1.0"], "cuda-runtime") == (None, None)
    wheel = "jax_cuda13_plugin-0.7.2-cp313-cp313-manylinux_2_27_x86_64.whl"
    facts = build_facts("jax-cuda13-plugin", {}, requires, wheel, wheel)
    assert (facts["cuda"], facts["cudnn"]) == ("13.0", "9.12")


def test_shipped_jax_cuda13_plugins_have_a_toolkit_driver(kb: KnowledgeBase) -> None:
    plugins = kb.releases("jax-cuda13-plugin")
    assert plugins
    for rel in plugins:
        build = kb.build("jax-cuda13-plugin", rel.version)
        assert build is not None and build.cuda == "13.0", rel.version
        driver = kb.min_driver(build.cuda)
        assert driver is not None and driver.toolkit_driver == "580.65.06", rel.version
    # CUDA 12 plugins keep their cu12 runtime minimum
    build12 = kb.build("jax-cuda12-plugin", "0.12.0")
    assert build12 is not None and build12.cuda == "12.1"


# --- TensorFlow 2.2.x: Linux build_info.py says "10" ----------------------------------------


def test_tensorflow_22_cuda_is_101_with_a_driver(kb: KnowledgeBase) -> None:
    raw = kb.release("tensorflow", "2.2.0")
    assert raw is not None and raw.cuda == "10"  # what the Linux wheel itself says
    for package in ("tensorflow", "tensorflow-gpu"):
        for version in ("2.2.0", "2.2.3"):
            build = kb.build(package, version)
            assert build is not None and (build.cuda, build.cudnn) == ("10.1", "7.6"), (package, version)
            assert "cuda_version_number = '10.1'" in build.source
            driver = kb.min_driver(build.cuda)
            assert driver is not None and (driver.toolkit_driver, driver.windows_toolkit_driver) == ("418.39", "418.96")
    # a build_info that already names the minor is never replaced by the table
    build23 = kb.build("tensorflow", "2.18.0")
    assert build23 is not None and build23.cuda == "12.5.1"


# --- TensorFlow 2.21: cuDNN 9.3; the tested-builds list reaches 2.21 --------------------------


def test_tensorflow_221_cudnn_and_tested_builds(kb: KnowledgeBase) -> None:
    build = kb.build("tensorflow", "2.21.0")
    assert build is not None and (build.cuda, build.cudnn) == ("12.5.1", "9.3")
    rel = kb.release("tensorflow", "2.21.0")
    assert rel is not None and any(r.startswith("nvidia-cudnn-cu12<10.0,>=9.3.0.75") for r in rel.requires)
    tested = {e["series"]: e for e in kb.curated_section("tensorflow_tested_gpu_builds")}
    newest_release = kb.releases("tensorflow")[-1].parsed_version
    assert f"{newest_release.major}.{newest_release.minor}" in tested  # the list reaches the newest release
    for series in ("2.19", "2.20", "2.21"):
        source = tested[series]["source"]
        assert "Not confirmed" not in source and "tensorflow/docs/blob/" in source, series
        assert (tested[series]["cuda"], tested[series]["cudnn"]) == ("12.5", "9.3")


# --- CUDA 11.0's toolkit driver is the GA's (11.0.2), not the 11.0.1 RC's ---------------------


def test_cuda_110_is_the_ga(kb: KnowledgeBase) -> None:
    driver = kb.min_driver("11.0")
    assert driver is not None
    assert (driver.toolkit_driver, driver.windows_toolkit_driver) == ("450.51.05", "451.48")
    rc = kb.min_driver("11.0.1")  # asked for exactly, the RC row still answers
    assert rc is not None and rc.toolkit_driver == "450.36.06"
    update = kb.min_driver("11.0.3")
    assert update is not None and update.toolkit_driver == "450.51.06"
    build = kb.build("tensorflow", "2.4.0")
    assert build is not None and build.cuda is not None and build.cuda.startswith("11.0")
    got = kb.min_driver(build.cuda)
    assert got is not None and got.toolkit_driver == "450.51.05"
    rows = kb.curated_section("cuda_drivers")["toolkits"]
    assert [r for r in rows if r.get("release") == "RC"] == [r for r in rows if r["cuda"] == "11.0.1"]


# --- the Pythons a version-agnostic wheel serves come from the wheels --------------------------


def test_known_pythons_come_from_the_wheels() -> None:
    names = [
        "jaxlib-0.12.0-cp315-cp315-manylinux_2_27_x86_64.whl",
        "jaxlib-0.12.0-cp312-cp312-win_amd64.whl",
        "jax-0.12.0-py3-none-any.whl",
        "jaxlib-0.12.0-cp315-cp315t-manylinux_2_27_x86_64.whl",
        "not-a-wheel.tar.gz",
    ]
    assert known_pythons(names) == ("3.12", "3.13", "3.14", "3.15")
    wider = known_pythons(["x-1.0-cp310-abi3-win_amd64.whl"], also=["3.16"])
    assert wider == tuple(f"3.{m}" for m in range(10, 17))
    known = known_pythons(names)
    assert wheel_pythons("py3", "none", ">=3.12", known)[0] == ["3.12", "3.13", "3.14", "3.15"]
    assert wheel_pythons("cp313", "abi3", None, known)[0] == ["3.13", "3.14", "3.15"]


def test_shipped_pure_wheels_reach_the_newest_cpython(kb: KnowledgeBase) -> None:
    data = json.loads((DATA_DIR / "releases.json").read_text(encoding="utf-8"))
    newest_compiled = max(
        (
            p
            for entry in data["packages"].values()
            for rec in entry["releases"]
            if not rec.get("pure")
            for pys in rec["pythons"].values()
            for p in pys
            if p.startswith("3.")
        ),
        key=lambda p: int(p.split(".")[1]),
    )
    assert data["known_pythons"][-1] == newest_compiled
    jaxlib = kb.releases("jaxlib")[-1]
    jax = kb.release("jax", jaxlib.version)
    assert jax is not None and jax.pure
    assert "3.15" in jaxlib.pythons("linux-x86_64")
    assert jax.pythons("linux-x86_64")[-1] == jaxlib.pythons("linux-x86_64")[-1]
