"""The written site: self-contained, within its size goal, its matrices true to the knowledge
base; `kb serve` serves it; `kb show --matrix` prints the same matrices."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser

import pytest

from envdoctor.explorer.site import SIZE_GOAL, answer_for
from envdoctor.knowledge import KnowledgeBase

from .conftest import BuiltSite, envdoctor


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and tag in ("script", "link", "img", "iframe"):
                self.refs.append(value)


def test_site_is_self_contained_and_small(site: BuiltSite) -> None:
    files = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_file())
    assert files == ["assets/app.css", "assets/app.js", "assets/data.js", "index.html"]
    total = sum((site.out / f).stat().st_size for f in files)
    assert total == site.report["bytes"] and total <= SIZE_GOAL
    parser = _Refs()
    parser.feed((site.out / "index.html").read_text(encoding="utf-8"))
    assert sorted(parser.refs) == ["assets/app.css", "assets/app.js", "assets/data.js"]  # local, relative
    for name in ("app.js", "app.css"):
        text = (site.out / "assets" / name).read_text(encoding="utf-8")
        assert not re.search(r"(fetch\(|XMLHttpRequest|import\(|@import|url\()", text), name  # no request at view time
    assert site.report["states"] >= 5000 and site.report["answers"] < site.report["states"]


def test_cli_prints_where_and_how_large(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "file").write_text("x")
    proc = envdoctor("kb", "html", "-o", str(tmp_path / "file"))
    assert proc.returncode == 2 and "is not a folder" in proc.stderr and "Traceback" not in proc.stderr
    proc = envdoctor("kb", "serve", str(tmp_path))
    assert proc.returncode == 2 and "has no index.html" in proc.stderr


def test_the_text_report(site: BuiltSite) -> None:
    # the JSON report of the session's build says what the text one says
    assert site.report["written"] == str(site.out)
    assert site.report["size_goal_bytes"] == SIZE_GOAL
    assert set(site.report["files"]) == {"index.html", "assets/app.css", "assets/app.js", "assets/data.js"}


def test_kb_serve_serves_the_site(site: BuiltSite) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "envdoctor", "kb", "serve", str(site.out), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert match, line
        with urllib.request.urlopen(match.group(1) + "index.html", timeout=10) as resp:
            assert b'<script src="assets/data.js">' in resp.read()
        with urllib.request.urlopen(match.group(1) + "assets/data.js", timeout=10) as resp:
            assert resp.read().startswith(b"window.ENVDOCTOR_KB=")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "Traceback" not in err


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(prefer_user_cache=False)


def test_matrices_are_the_knowledge_base(site: BuiltSite, kb: KnowledgeBase) -> None:
    strings = site.data["strings"]
    tf = site.data["matrices"]["tensorflow"]
    platforms = site.data["selector"]["platforms"]
    rows = {strings[r[0]]: r for r in tf["wheels"]}
    windows = platforms.index("windows-x86_64")
    row = rows["2.15.0"][2][windows]
    cell = row[tf["pythons"].index("3.11")]
    assert isinstance(cell, list) and cell[0] == 2 and strings[cell[1]] == "tensorflow-intel"  # stub
    linux = platforms.index("linux-x86_64")
    assert rows["2.13.0"][2][linux][tf["pythons"].index("3.12")] == 0  # no wheel: python-unsupported
    assert rows["2.13.0"][2][linux][tf["pythons"].index("3.11")] == 1
    for version, _, cells in ((strings[r[0]], r[1], r[2]) for r in tf["wheels"]):
        rel = kb.release("tensorflow", version)
        assert rel is not None
        for i, platform in enumerate(platforms):
            have = [py for py, c in zip(tf["pythons"], cells[i]) if c]
            python3 = [p for p in rel.pythons(platform) if p.startswith("3.")]  # the matrices show Python 3
            assert have == sorted(python3, key=lambda p: -int(p.split(".")[1])), (version, platform)
    builds = {(strings[b[0]], strings[b[1]]): b for b in tf["builds"]}
    b22 = builds[("tensorflow", "2.2.0")]
    assert (strings[b22[2]], strings[b22[3]], strings[b22[5]]) == ("10.1", "7.6", "418.39")
    jax = site.data["matrices"]["jax"]
    jbuilds = {(strings[b[0]], strings[b[1]]): b for b in jax["builds"]}
    j13 = jbuilds[("jax-cuda13-plugin", "0.12.0")]
    assert (strings[j13[2]], strings[j13[5]]) == ("13.0", "580.65.06")
    drivers = {strings[r[0]]: r for r in tf["drivers"]}
    assert "tensorflow 2.21.0" in [strings[u] for u in drivers["12.5.1"][4]]
    assert "11.0.1" not in drivers  # the RC row is nobody's driver
    numpy_rows = [(strings[r[0]], strings[r[1]]) for r in tf["numpy"]]
    assert ("<2.18", "1") in numpy_rows and (">=2.18", "2") in numpy_rows
    assert all(strings[r[3]].startswith("https://") for r in tf["numpy"] + tf["caps"])  # every cell has a source


def test_driver_template_is_expanded(site: BuiltSite) -> None:
    shown = answer_for(site.data, "tensorflow/linux-x86_64/3.12/gpu/550")
    assert shown is not None and any("(this machine: 550)" in r for r in shown["reasons"])
    other = answer_for(site.data, "tensorflow/linux-x86_64/3.12/gpu/560")
    assert other is not None and any("(this machine: 560)" in r for r in other["reasons"])
    assert "\u2063" not in json.dumps([shown, other])


def test_kb_show_matrix() -> None:
    proc = envdoctor("kb", "show", "tensorflow", "--matrix", "--platform", "windows-x86_64")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert (
        "tensorflow releases × Python on windows-x86_64" in out and "linux-x86_64" not in out.split("CUDA / cuDNN")[0]
    )
    line = next(x for x in out.splitlines() if x.strip("│ ").startswith("2.15.0 "))
    assert "↪" in line  # the stub that installs tensorflow-intel
    assert "installs: tensorflow-intel" in out
    assert "releases × CUDA / cuDNN" in out and "CUDA → NVIDIA driver" in out and "NumPy ABI" in out
    proc = envdoctor("kb", "show", "jaxlib", "--matrix", "--format", "json")
    data = json.loads(proc.stdout)
    assert data["framework"] == "jax" and data["wheels"]["package"] == "jaxlib"
    assert any(b["package"] == "jax-cuda13-plugin" and b["cuda"] == "13.0" for b in data["builds"])
    proc = envdoctor("kb", "show", "keras", "--matrix")
    assert proc.returncode == 2 and "matrices exist for" in proc.stderr
