"""envdoctor.rules._deps: the fast requirement parser agrees with packaging."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from envdoctor.rules import Context
from envdoctor.rules._deps import combined_spec, parse_requirement, under
from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb

CASES = [
    "numpy",
    "numpy>=1.20",
    "numpy (>=1.21,<2.0)",
    "Typing_Extensions>=3.6.6",
    "protobuf!=4.21.0,!=4.21.1,<5.0.0dev,>=3.20.3",
    "ml-dtypes~=0.2.0",
    'tensorflow-intel==2.15.0; platform_system == "Windows"',
    'nvidia-cudnn-cu12==8.9.4.25; extra == "and-cuda"',
    "requests[socks, security]>=2.0 ; python_version >= '3.8'",
    "pkg @ https://example.com/pkg-1.0.tar.gz ; python_version >= '3.8'",
    "tf-keras>=2.16.0rc0",
]


@pytest.mark.parametrize("text", CASES)
def test_parse_matches_packaging(text: str) -> None:
    ours = parse_requirement(text)
    theirs = Requirement(text)
    assert ours is not None
    assert ours.name == canonicalize_name(theirs.name)
    assert ours.specifier == theirs.specifier
    assert ours.extras == tuple(sorted(canonicalize_name(e) for e in theirs.extras))
    assert (ours.marker is None) == (theirs.marker is None)
    assert ours.url == theirs.url


def test_invalid_requirements_are_none() -> None:
    assert parse_requirement("not a valid requirement !!!") is None
    assert parse_requirement("numpy >= = 1") is None


def test_combined_spec_drops_redundant_bounds() -> None:
    snap = snapshot([dist("a", "1", requires=["numpy>=1.17,<2"]), dist("b", "1", requires=["numpy>=1.20,<1.27"])])
    assert combined_spec(Context(snap, make_kb()), "numpy", [">=1.0", "!=1.25.0"]) == "numpy!=1.25.0,<1.27,>=1.20"


def test_under() -> None:
    assert under("/a/b/c", "/a/b") and under("/a/b", "/a/b/") and not under("/a/bc", "/a/b")
    assert under("C:\\Env\\Lib\\site-packages", "c:/env")


def test_simple_marker_evaluation_agrees_with_packaging() -> None:
    from packaging.markers import Marker

    from envdoctor.rules._deps import _simple_marker

    envs = [
        {
            "python_version": v,
            "python_full_version": v + ".1",
            "implementation_version": v + ".1",
            "sys_platform": p,
            "platform_system": s,
            "platform_machine": m,
            "implementation_name": "cpython",
            "os_name": "posix",
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_version": "",
            "extra": "",
        }
        for v in ("3.8", "3.11", "3.13")
        for p, s in (("linux", "Linux"), ("win32", "Windows"), ("darwin", "Darwin"))
        for m in ("x86_64", "arm64")
    ]
    markers = [
        'python_version < "3.10"',
        'python_version >= "3.9" and sys_platform == "win32"',
        'sys_platform != "darwin" or platform_machine == "arm64"',
        "platform_system=='Windows'",
        '"linux" in sys_platform',
        'platform_machine not in "x86_64 AMD64"',
        'python_full_version >= "3.11.0"',
        'extra == "test" and python_version >= "3.8"',
        'extra != "x"',
        'python_version ~= "3.11"',
        'implementation_name == "cpython" and platform_machine == "x86_64" and python_version < "3.13"',
    ]
    for marker in markers:
        for env in envs:
            assert _simple_marker(marker, env) == Marker(marker).evaluate(env), (marker, env)
    # shapes it leaves to packaging
    for marker in ['(python_version < "3.9")', 'python_version < "3.10" and', 'platform_machine >= "x"']:
        assert _simple_marker(marker, envs[0]) is None


def test_marker_holds_falls_back_to_packaging_and_rejects_garbage() -> None:
    from envdoctor.rules._deps import marker_holds

    ctx = Context(snapshot([]), make_kb())
    assert marker_holds(ctx, '(python_version >= "3.8") and (sys_platform == "linux")') is True
    assert marker_holds(ctx, 'python_version >= "3.12" or (sys_platform == "win32")') is False
    assert marker_holds(ctx, "this is not a marker") is False
    assert marker_holds(ctx, None) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<2.0.0,>1.20,>=1.23.5", "<2.0.0,>=1.23.5"),
        (">=1.17,>=1.20", ">=1.20"),
        ("<2,<=2.1", "<2"),
        ("<=2,<2", "<2"),
        (">=1.2,>1.2", ">1.2"),
        (">=1.0,!=1.5,<3", "!=1.5,<3,>=1.0"),
    ],
)
def test_redundant_bounds_are_dropped(text: str, expected: str) -> None:
    from packaging.specifiers import SpecifierSet

    from envdoctor.rules._deps import spec_text

    assert spec_text(SpecifierSet(text)) == expected
