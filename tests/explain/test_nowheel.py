"""The wheel table (file names -> Pythons per platform) and the no-wheel reading over it.

The reading is tested on small tables written here, so each test shows one piece of reasoning
(pip's list names the Python; "none" on a platform no release reached; a request for a release
that was not out yet); a few tests check the shipped table against facts of the index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from envdoctor.explain import nowheel, wheelhistory
from envdoctor.explain.nowheel import PLAT, PY, Question, read, read_all
from envdoctor.explain.wheelhistory import WheelRelease, platform_keys, python_minors, releases_from_files

# ---- reading file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "keys"),
    [
        ("win_amd64", ["windows-x86_64"]),
        ("win32", ["windows-x86"]),
        ("manylinux2014_x86_64", ["linux-x86_64"]),
        ("manylinux_2_17_aarch64.manylinux2014_aarch64", ["linux-aarch64"]),
        ("macosx_11_0_arm64", ["macos-arm64"]),
        ("macosx_10_9_universal2", ["macos-arm64", "macos-x86_64"]),
        ("macosx_10_13_intel", ["macos-x86_64"]),
        ("musllinux_1_1_x86_64", ["musllinux-x86_64"]),
        ("linux_armv7l", ["linux-armv7l"]),
    ],
)
def test_platform_tags(tag: str, keys: list[str]) -> None:
    assert platform_keys(tag) == keys


def test_python_tags() -> None:
    assert python_minors("cp310", "cp310", None) == ["3.10"]
    assert python_minors("cp38", "abi3", None)[:3] == ["3.8", "3.9", "3.10"]
    assert python_minors("py3", "none", ">=3.11")[0] == "3.11"
    assert python_minors("cp27", "cp27mu", None) == ["2.7"]


def test_releases_from_a_project_page() -> None:
    files = [
        {"filename": "demo-1.0-cp39-cp39-win_amd64.whl", "upload-time": "2021-03-01T10:00:00Z"},
        {"filename": "demo-1.0-cp39-cp39-manylinux2014_x86_64.whl", "upload-time": "2021-02-27T10:00:00Z"},
        {"filename": "demo-1.0-cp310-cp310-manylinux2014_x86_64.whl", "upload-time": "2021-11-01T10:00:00Z"},
        {"filename": "demo-2.0.tar.gz", "upload-time": "2022-01-01T00:00:00Z"},
        {"filename": "demo-3.0-cp311-cp311-win_amd64.whl", "upload-time": "2023-01-01T00:00:00Z", "yanked": True},
    ]
    rels = {r.version: r for r in releases_from_files("demo", files)}
    assert rels["1.0"].uploaded == "2021-02-27"
    assert rels["1.0"].pythons("linux-x86_64") == ["3.9", "3.10"]
    assert rels["1.0"].pythons("windows-x86_64") == ["3.9"]
    assert rels["2.0"].sdist and not rels["2.0"].pythons_by_platform
    assert rels["3.0"].yanked


def test_shipped_table_knows_the_index() -> None:
    # facts of the index: torch 1.10.0 had no 3.10 wheels; jaxlib 0.4.13 added native Windows wheels
    torch = wheelhistory.release("torch", "1.10.0")
    assert torch is not None and "3.10" not in torch.pythons("linux-x86_64")
    assert "3.9" in torch.pythons("windows-x86_64")
    jaxlib = wheelhistory.release("jaxlib", "0.4.13")
    assert jaxlib is not None and jaxlib.pythons("windows-x86_64") and jaxlib.uploaded == "2023-06-22"
    assert wheelhistory.first_on("jaxlib", "windows-x86_64") is not None
    assert wheelhistory.tool_day("pip", "19.1") == "2019-04-24"
    assert wheelhistory.tool_next_day("pip", "19.0.3") == "2019-04-24"


# ---- the reading on a small table of its own -----------------------------------------------------


def _rel(version: str, day: str, **pythons: str) -> WheelRelease:
    return WheelRelease("demo", version, day, {k.replace("_", "-", 1): tuple(v.split(",")) for k, v in pythons.items()})


TABLE = (
    # 1.0 for 3.8 / 3.9 on Linux and Windows; 2.0 adds 3.10; 3.0 adds Apple silicon; none ever for 32-bit
    _rel("1.0", "2021-01-10", linux_x86_64="3.8,3.9", windows_x86_64="3.8,3.9"),
    _rel("2.0", "2022-03-10", linux_x86_64="3.8,3.9,3.10", windows_x86_64="3.8,3.9,3.10"),
    _rel(
        "3.0", "2023-05-10", linux_x86_64="3.9,3.10,3.11", windows_x86_64="3.9,3.10,3.11", macos_arm64="3.9,3.10,3.11"
    ),
)


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(nowheel, "_releases", lambda name: TABLE if name == "demo" else ())
    yield


def test_the_list_pip_offered_names_the_python(table: None) -> None:
    # on Linux / Windows only Python 3.11 sees exactly 3.0 (3.8 - 3.10 would have seen 1.0 or 2.0 too)
    reading = read(Question("demo", "==1.0", offered=("3.0",), platforms=("linux-x86_64", "windows-x86_64")))
    assert reading is not None and reading.top() == (PY, 1.0)
    assert reading.best[PY][1] == "3.11"
    # any machine: Apple silicon sees only 3.0 too, and 1.0 has nothing there
    reading = read(Question("demo", "==1.0", offered=("3.0",)))
    assert reading is not None and 0 < reading.share(PLAT) < 0.5


def test_the_list_pip_offered_names_the_platform(table: None) -> None:
    # 3.0 only, with Python 3.10: Apple silicon (Linux / Windows 3.10 would have listed 2.0)
    reading = read(Question("demo", "==2.0", offered=("3.0",), python="3.10"))
    assert reading is not None and reading.top()[0] == PLAT
    assert reading.best[PLAT][2] == "macos-arm64"


def test_none_on_a_python_no_release_had(table: None) -> None:
    # Python 3.12 on Linux: no release ever had it, whatever the day
    reading = read(Question("demo", "", offered=(), python="3.12", platforms=("linux-x86_64",)))
    assert reading is not None and reading.top() == (PY, 1.0)


def test_a_release_that_fits_is_no_hypothesis(table: None) -> None:
    # 3.9 on Windows always had a wheel of 1.0: pip cannot have found none there
    assert read(Question("demo", "==1.0", offered=None, python="3.9", platforms=("windows-x86_64",))) is None


def test_32_bit_windows_is_its_own_reading(table: None) -> None:
    reading = read(Question("demo", "==1.0", offered=(), python="3.9", platforms=("windows-x86",)))
    assert reading is not None and reading.top() == (nowheel.BITNESS, 1.0)


def test_a_list_no_machine_showed_reads_nothing(table: None) -> None:
    # 1.0 and 3.0 without 2.0: every hypothesis disagrees twice (a release missing, one extra)
    assert read(Question("demo", "==9.0", offered=("1.0", "3.0"))) is None
    assert read(Question("demo", "==0.5", offered=("1.0", "3.0"))) is None


def test_every_failed_request_must_fit_the_same_machine_and_day(table: None) -> None:
    # "none" for Python 3.11 on Linux is a day before 3.0; a failed demo==3.0 is a day after it
    first = Question("demo", "", offered=(), python="3.11", platforms=("linux-x86_64",))
    second = Question("demo", "==3.0", offered=None, python="3.11", platforms=("linux-x86_64",))
    alone = read(first)
    assert alone is not None and alone.top()[0] == PY
    assert read_all([first, second]) is None


def test_the_day_bounds_the_hypotheses(table: None) -> None:
    # before 3.0 came out no platform had Python 3.11 wheels: a log from then with 3.11 is the Python
    question = Question("demo", "", offered=(), python="3.11", platforms=("macos-arm64",), last_day="2023-01-01")
    reading = read(question)
    assert reading is not None and reading.top()[0] == PY
    # after 3.0 Apple silicon had 3.11 wheels: "none" there is impossible
    later = Question("demo", "", offered=(), python="3.11", platforms=("macos-arm64",), first_day="2023-06-01")
    assert read(later) is None


def test_a_prerelease_request_reads_as_its_release(table: None) -> None:
    reading = read(Question("demo", "==2.0rc1", offered=(), python="3.11", platforms=("linux-x86_64",)))
    assert reading is not None and reading.top()[0] == PY


def test_a_version_the_tables_do_not_know_reads_nothing(table: None) -> None:
    assert read(Question("demo", "==7.7", offered=())) is None
    assert read(Question("other", "==1.0", offered=())) is None


def test_an_sdist_serves_every_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    rels = (_rel("1.0", "2021-01-10", linux_x86_64="3.9"), WheelRelease("demo", "2.0", "2022-01-10", {}, True))
    monkeypatch.setattr(nowheel, "_releases", lambda name: rels)
    # after 2.0 (an sdist) pip lists something everywhere: "none" can only be from before it
    reading = read(Question("demo", "", offered=(), python="3.9", platforms=("windows-x86_64",)))
    assert reading is not None
    assert all(when < nowheel.month("2022-01-10") for _w, _py, _plat, when in reading.best.values())


def test_the_shipped_tables_read_real_requests() -> None:
    # TensorFlow 1.13.1 asked for where pip offered 2.2.0 ... 2.4.0: Python 3.8 (2.2 was the first with it)
    versions = ("2.2.0", "2.2.1", "2.2.2", "2.3.0", "2.3.1", "2.3.2", "2.4.0")
    reading = read(Question("tensorflow", "==1.13.1", offered=versions))
    assert reading is not None and reading.top()[0] == PY and reading.best[PY][1] == "3.8"
    # jaxlib 0.4.6 where pip offered only 0.4.13 on: the Windows wheels began there
    reading = read(Question("jaxlib", "==0.4.6", offered=("0.4.13", "0.4.14", "0.4.16")))
    assert reading is not None and reading.top()[0] == PLAT and reading.best[PLAT][2] == "windows-x86_64"


# ---- the glibc a Linux wheel needs ----------------------------------------------------------------


def test_a_wheels_manylinux_tag_gives_the_glibc_it_needs() -> None:
    files = [
        {"filename": "demo-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "upload-time": "2023"},
        {"filename": "demo-2.0-cp310-cp310-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "upload-time": "2024"},
        {"filename": "demo-2.0-cp311-cp311-manylinux_2_28_x86_64.whl", "upload-time": "2024"},
        {"filename": "demo-2.0-cp311-cp311-manylinux2014_aarch64.whl", "upload-time": "2024"},
        {"filename": "demo-2.0-cp311-cp311-win_amd64.whl", "upload-time": "2024"},
    ]
    rels = {r.version: r for r in releases_from_files("demo", files)}
    assert rels["1.0"].glibc_needed("3.10", "linux-x86_64") is None  # manylinux2014 is everywhere: not kept
    assert rels["2.0"].glibc_needed("3.10", "linux-x86_64") == (2, 27)  # the lowest of a compressed tag
    assert rels["2.0"].glibc_needed("3.11", "linux-x86_64") == (2, 28)
    assert rels["2.0"].glibc_needed(None, "linux-x86_64") == (2, 27)
    assert rels["2.0"].glibc_needed("3.11", "linux-aarch64") is None
    assert rels["2.0"].fits("3.11", "linux-x86_64") and not rels["2.0"].fits("3.11", "linux-x86_64", (2, 17))
    assert rels["2.0"].fits("3.10", "linux-x86_64", (2, 27)) and not rels["2.0"].fits("3.11", "linux-x86_64", (2, 27))
    # the table on disk keeps the levels, per Python where they differ
    table = wheelhistory.to_json({"demo": list(rels.values())}, "2026-12-03T00:00:00Z")
    row = next(r for r in __import__("json").loads(table)["packages"]["demo"] if r[0] == "2.0")
    assert row[4] == {"linux-x86_64": "3.10=2.27,3.11=2.28"}


def test_the_shipped_table_knows_the_manylinux_levels() -> None:
    # facts of the index: onnxruntime moved its Linux wheels to manylinux_2_27 / 2_28 with 1.17.0
    assert wheelhistory.release("onnxruntime", "1.16.3").glibc_needed("3.10", "linux-x86_64") is None  # type: ignore[union-attr]
    assert wheelhistory.release("onnxruntime", "1.17.0").glibc_needed("3.10", "linux-x86_64") == (2, 27)  # type: ignore[union-attr]


GLIBC_TABLE = (
    # 1.0 for glibc 2.17 on; 2.0 and 3.0 only for manylinux_2_28 (the project moved up)
    _rel("1.0", "2022-01-10", linux_x86_64="3.9,3.10", windows_x86_64="3.9,3.10"),
    WheelRelease(
        "demo",
        "2.0",
        "2023-03-10",
        {"linux-x86_64": ("3.9", "3.10"), "windows-x86_64": ("3.9", "3.10")},
        glibc_by_platform={"linux-x86_64": {"3.9": (2, 28), "3.10": (2, 28)}},
    ),
    WheelRelease(
        "demo",
        "3.0",
        "2023-09-10",
        {"linux-x86_64": ("3.9", "3.10"), "windows-x86_64": ("3.9", "3.10")},
        glibc_by_platform={"linux-x86_64": {"3.9": (2, 28), "3.10": (2, 28)}},
    ),
)


@pytest.fixture
def glibc_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(nowheel, "_releases", lambda name: GLIBC_TABLE if name == "demo" else ())
    yield


def test_a_list_that_stops_where_the_manylinux_level_rose_names_the_glibc(glibc_table: None) -> None:
    # pip lists 1.0 only, long after 3.0: only a Linux whose glibc is older than 2.28 sees that
    question = Question("demo", "==3.0", offered=("1.0",), python="3.10", first_day="2024-01-01")
    reading = read(question)
    # (other machines keep a little weight: pip's list disagrees with each of them once, a glitch at most)
    assert reading is not None and reading.top()[0] == nowheel.GLIBC and reading.top()[1] > 0.8
    assert reading.best[nowheel.GLIBC][2] == "linux-x86_64"
    # on a Linux machine the log shows, nothing else is left
    linux = Question("demo", "==3.0", offered=("1.0",), python="3.10", platforms=("linux-x86_64",))
    assert (linux_reading := read(linux)) is not None and linux_reading.top() == (nowheel.GLIBC, 1.0)


def test_the_logs_own_glibc_decides_the_glibc(glibc_table: None) -> None:
    question = Question("demo", "==3.0", offered=("1.0",), python="3.10", platforms=("linux-x86_64",), glibc=(2, 17))
    reading = read(question)
    assert reading is not None and reading.top() == (nowheel.GLIBC, 1.0)
    # a glibc new enough: 2.0 and 3.0 would have been listed; no machine printed this list
    newer = Question("demo", "==3.0", offered=("1.0",), python="3.10", platforms=("linux-x86_64",), glibc=(2, 31))
    assert read(newer) is None


def test_an_old_glibc_is_no_reading_where_the_python_explains_it(glibc_table: None) -> None:
    # Python 3.11: no release has its wheel anywhere; glibc does not come into it
    reading = read(Question("demo", "==3.0", offered=(), python="3.11", platforms=("linux-x86_64",)))
    assert reading is not None and reading.top() == (PY, 1.0)
