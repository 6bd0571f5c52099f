"""Property-based fuzzing (hypothesis) of the three readers of untrusted input, through their
public API: the METADATA reader (scan_path), the snapshot loader (load_snapshot) and explain's log
reader (explain_stream). Whatever the input: no exception but the documented UsageError, no rule
crash (ED000), output that renders and carries no control character, and a bounded time (the
deadline is a hang guard; bench/adversarial.py measures)."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envdoctor.doctor import diagnose
from envdoctor.errors import UsageError
from envdoctor.explain import explain_stream
from envdoctor.probe.collect import load_snapshot
from envdoctor.probe.distributions import scan_path
from envdoctor.render import formats
from envdoctor.render.views.check import check_document
from envdoctor.render.views.explain import explanation_document
from envdoctor.safetext import terminal_safe
from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb

settings.register_profile(
    "readers",
    max_examples=int(os.environ.get("ENVDOCTOR_FUZZ_EXAMPLES", "120")),
    deadline=timedelta(seconds=10),
    database=None,  # hermetic: nothing written into the work tree
    derandomize=bool(os.environ.get("CI")),  # CI: the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("readers")
KB = make_kb()
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HEADER_NAMES = ["Name", "Version", "Requires-Dist", "Requires-Python", "Summary", "License", "name", "VERSION"]
text_chars = st.characters(codec="utf-8")  # surrogates excluded; controls, C1, bidi included
fields = st.text(text_chars, max_size=60)


@st.composite
def metadata_bytes(draw: st.DrawFn) -> bytes:
    """METADATA-like files: header lines (some folded, some broken), maybe a body, maybe garbage."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        name = draw(st.sampled_from(HEADER_NAMES) | st.text(text_chars, max_size=10))
        sep = draw(st.sampled_from([": ", ":", " ", ": \r"]))
        lines.append(f"{name}{sep}{draw(fields)}")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from([" ", "\t", "        "])) + draw(fields))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline + newline + draw(fields)
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data += draw(st.binary(max_size=200))
    return data


ENVIRONMENT = {"target": "t", "python": "3.11", "kind": "venv", "prefix": "/p", "platform": "x", "distributions": 1}


def _assert_renders_inert(report_findings: list, skipped: list) -> None:
    document = check_document(report_findings, skipped, ENVIRONMENT)
    for fmt in ("text", "markdown", "html"):  # inert before output.emit's gate, in colour too
        text = formats.render(document, fmt, formats.RenderOptions(color=True, width=60))
        assert not UNSAFE.search(text.replace("\x1b[", "")), fmt
        assert not UNSAFE.search(terminal_safe(text))
    json.loads(formats.render(document, "json"))


@FUZZ
@given(st.lists(metadata_bytes(), min_size=1, max_size=4), st.binary(max_size=100), st.binary(max_size=100))
def test_metadata_reader(files: list[bytes], wheel: bytes, requires: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        for i, data in enumerate(files):
            meta = site / f"pkg{i}-1.0.dist-info"
            meta.mkdir()
            (meta / "METADATA").write_bytes(data)
            (meta / "WHEEL").write_bytes(wheel)
            (meta / "INSTALLER").write_bytes(requires[:20])
        egg = site / "old-0.1.egg-info"
        egg.mkdir()
        (egg / "PKG-INFO").write_bytes(files[0])
        (egg / "requires.txt").write_bytes(requires)
        skipped: list = []
        dists = scan_path([str(site)], skipped)
        assert len(dists) == len(files) + 1
        assert all(isinstance(p, str) for d in dists for p in d.problems)
        report = diagnose(snapshot(dists), KB)
        assert not [f for f in report.findings if f.code == "ED000"], [f.message for f in report.findings]
        _assert_renders_inert(report.findings, report.skipped)


def _json_values() -> st.SearchStrategy[Any]:
    leaves = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | fields
    return st.recursive(
        leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(fields, inner, max_size=4), max_leaves=12
    )


BASE = snapshot(
    [
        dist("tensorflow", "2.15.0", requires=["numpy<2.0.0,>=1.23.5", "protobuf>=3.20"]),
        dist("numpy", "2.0.0"),
        dist("torch", "2.5.1", requires=["nvidia-cudnn-cu12==9.1.0.70; platform_system == 'Linux'"]),
    ]
).to_dict()


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


ALL_PATHS = _paths(BASE)[1:]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), _json_values()), min_size=1, max_size=6))
def test_snapshot_loader(mutations: list[tuple[tuple[Any, ...], Any]]) -> None:
    doc = json.loads(json.dumps(BASE))
    for path, value in mutations:
        target = doc
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced the parent
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "s.json"
        try:
            file.write_text(json.dumps(doc), encoding="utf-8")
        except ValueError:
            return  # not JSON-serialisable (cannot be a file)
        try:
            snap = load_snapshot(str(file))
        except UsageError as exc:
            assert "\n" not in str(exc)
            return
    report = diagnose(snap, KB)
    assert not [f for f in report.findings if f.code == "ED000"], [f.message for f in report.findings]
    _assert_renders_inert(report.findings, report.skipped)


LOG_PIECES = [
    "Traceback (most recent call last):\n",
    "ImportError: numpy.core.multiarray failed to import\n",
    "ERROR: Could not find a version that satisfies the requirement tensorflow==2.13 (from versions: 2.16.1)\n",
    "Could not load dynamic library 'libcudart.so.11.0'\n",
    "The conflict is caused by:\n    tensorflow 2.15.0 depends on numpy<2.0.0\n",
    "\x1b[31mERROR\x1b[0m \x1bc\x9b2J",
    "\r" * 50,
    "a" * 5000,
]


@FUZZ
@given(
    st.lists(st.sampled_from(LOG_PIECES) | st.text(text_chars, max_size=200), max_size=20),
    st.binary(max_size=300),
    st.sampled_from(["", "\ufeff", "utf-16"]),
)
def test_log_reader(pieces: list[str], garbage: bytes, bom: str) -> None:
    text = "".join(pieces)
    raw = text.encode("utf-16") if bom == "utf-16" else (bom + text).encode("utf-8")
    result = explain_stream(io.BytesIO(raw + garbage))
    for fmt in ("text", "markdown", "json"):
        out = formats.render(explanation_document(result), fmt)
        assert not UNSAFE.search(terminal_safe(out))
    json.loads(formats.render(explanation_document(result), "json"))
