"""ED108 unread-metadata: what could not be read is a warning and a skipped entry, never "OK"."""

from __future__ import annotations

import os
from pathlib import Path

from envdoctor.doctor import diagnose
from envdoctor.model import Severity
from envdoctor.probe.distributions import scan_path
from envdoctor.render import formats
from envdoctor.render.views.check import check_document
from tests.factories import dist, make_dist, snapshot
from tests.rules.conftest import make_kb, one, run


def test_invalid_version_and_requirement_are_named() -> None:
    broken = dist("oddpkg", "one-point-oh", requires=["numpy (>=1.2", "six; python_version >> '3'", "rich>=13"])
    f = one("ED108", snapshot([broken, dist("numpy", "1.26.4")]))
    assert f.severity is Severity.WARNING and f.subject == "oddpkg"
    assert any("'one-point-oh' is not a PEP 440 version" in e for e in f.evidence)
    assert any("'numpy (>=1.2'" in e for e in f.evidence)
    assert any("python_version >> '3'" in e for e in f.evidence)
    assert not any("rich>=13" in e for e in f.evidence)


def test_unreadable_files_on_disk_become_skipped_entries_and_no_ok(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_dist(site, "good", "1.0")
    latin = make_dist(site, "latin", "2.0")
    (latin / "METADATA").write_bytes(b"Metadata-Version: 2.1\nName: latin\nVersion: 2.0\nSummary: caf\xe9\n")
    fifo = make_dist(site, "piped", "3.0")
    (fifo / "METADATA").unlink()
    os.mkfifo(fifo / "METADATA")
    dists = scan_path([str(site)], [])
    report = diagnose(snapshot(dists), make_kb())
    flagged = {f.subject for f in report.findings if f.code == "ED108"}
    assert flagged == {"latin", "piped"}
    reasons = [s.reason for s in report.skipped]
    assert any("not valid UTF-8" in r for r in reasons)
    assert any("a FIFO, not read" in r for r in reasons)
    env = {"target": "t", "python": "3.11", "kind": "venv", "prefix": "/p", "platform": "x", "distributions": 3}
    text = formats.render(check_document(report.findings, report.skipped, env), "text")
    assert "OK:" not in text and "INCOMPLETE:" in text


def test_passing() -> None:
    assert run("ED108", snapshot([dist("numpy", "1.26.4", requires=["packaging>=20; extra == 'test'"])])) == []
    report = diagnose(snapshot([dist("numpy", "1.26.4")]), make_kb())
    assert report.skipped == []
