"""Distinct environments in one fleet: the shared parsing and the per-distribution work kept
across nodes (fleet/parse.py, rules/_shared.py, the per-environment caches of rules/_deps.py)
must give every node exactly the findings, skipped entries and compared versions that
diagnosing its snapshot alone gives. The reference runs in a fresh process, with none of those
caches warm and sharing off, on the same files."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from envdoctor.doctor import fleet
from envdoctor.fleet import aggregate
from envdoctor.fleet.inputs import iter_files, parse_snapshot_document
from envdoctor.fleet.parse import RecordCache
from envdoctor.model import Snapshot
from tests.fleet.nodes import torch_node

ROOT = Path(__file__).resolve().parents[2]

# Diagnoses each file on its own, the way `check --snapshot FILE` does: parsed whole, sharing
# off, and each in a process of its own forked before any diagnosis (no cache warm from another).
REFERENCE = r"""
import json, multiprocessing, sys
from envdoctor.doctor import diagnose
from envdoctor.fleet.facts import version_facts
from envdoctor.fleet.inputs import parse_snapshot_document
from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Snapshot
kb = KnowledgeBase.load()

def alone(path):
    with open(path, "rb") as handle:
        snap = Snapshot.from_dict(parse_snapshot_document(handle.read()))
    report = diagnose(snap, kb)
    facts, training = version_facts(snap, kb)
    return path, {
        "findings": [f.to_dict() for f in report.findings],
        "skipped": [[s.what, s.reason] for s in report.skipped],
        "environment": report.environment,
        "facts": sorted([list(k), v] for k, v in facts.items()),
        "training": [list(training.frameworks), training.cuda_runtime, training.nccl],
    }

with multiprocessing.get_context("fork").Pool(2, maxtasksperchild=1) as pool:
    json.dump(dict(pool.map(alone, sys.argv[1:], chunksize=1)), sys.stdout)
"""


def _real_snapshot() -> dict[str, Any]:
    """This interpreter's environment, taken by the real probe."""
    out = subprocess.run(
        [sys.executable, "-m", "envdoctor", "snapshot", "--python", sys.executable],
        capture_output=True,
        check=True,
        timeout=120,
        cwd=ROOT,
    )
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def _by_name(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in data["distributions"] if d["name"] == name)


def _variants(real: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Distinct environments that share most records, each planting what one or more rules report."""
    required = sorted(
        {
            r.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower()
            for d in real["distributions"]
            for r in d["requires"]
            if ";" not in r
        }
        & {d["name"] for d in real["distributions"]}
    )
    assert required, "the test environment has no distribution that another one requires"
    target = required[0]
    first = real["distributions"][0]["name"]
    # A requirement only Python < 3.12 has (missing: ED101 there), on every node but python312's.
    _by_name(real, first)["requires"].append('zz-only-before-312; python_version < "3.12"')
    variants: dict[str, dict[str, Any]] = {"real": real}

    def variant(name: str) -> dict[str, Any]:
        data = copy.deepcopy(real)
        data["machine"]["hostname"] = name
        variants[name] = data
        return data

    _by_name(variant("unmet"), target)["version"] = "0.0.1"  # below what its requirers want
    gone = variant("missing")
    gone["distributions"] = [d for d in gone["distributions"] if d["name"] != target]
    _by_name(variant("bad-version"), first)["version"] = "not-a-version"
    _by_name(variant("unreadable"), first)["problems"] = ["METADATA is not valid UTF-8"]
    _by_name(variant("bad-requirement"), first)["requires"] = ["foo >>> 1", "bar; os_name =="]
    _by_name(variant("requires-python"), first)["requires_python"] = ">=3.99"
    _by_name(variant("python-tag"), first)["wheel_tags"] = ["cp27-cp27mu-manylinux1_x86_64"]
    glibc = variant("glibc")
    glibc["machine"]["libc"], glibc["machine"]["libc_version"] = "glibc", "2.17"
    _by_name(glibc, first)["wheel_tags"] = ["cp311-cp311-manylinux_2_34_x86_64"]
    shadow = variant("shadowed")
    loser = copy.deepcopy(_by_name(shadow, first))
    loser.update(version="0.1", location="/home/u/.local/lib", metadata_path="/home/u/.local/lib/x.dist-info")
    loser["shadowed_by"] = _by_name(shadow, first)["metadata_path"]
    shadow["distributions"].append(loser)
    clash = variant("clash")
    clone = copy.deepcopy(_by_name(clash, first))
    clone.update(name="zz-fork", display_name="zz-fork", metadata_path="/env/zz_fork-1.0.dist-info", version="1.0")
    clone["top_level"] = ["clashing_module"]
    _by_name(clash, first)["top_level"] = ["clashing_module"]
    clash["distributions"].append(clone)
    # The same records under another Python and an older glibc: what the rules kept per record
    # must be keyed by what else they read (the Python, the marker environment).
    other = variant("python312")
    other["interpreter"].update(version="3.12.4", abi_tag="cp312")
    old = variant("old-glibc")
    old["machine"]["libc"], old["machine"]["libc_version"] = "glibc", "2.12"
    # A record that cannot be split on its bytes (`}, {` inside a string): parsed whole.
    _by_name(variant("unsplittable"), first)["requires"] = ["weird; extra == '}, {'"]
    # Nodes of a GPU cluster: torch with its nvidia-* wheels, NumPy 2 under it, an old driver.
    for name, snap in {
        "torch": torch_node("torch"),
        "torch-numpy2": torch_node("torch-numpy2", numpy="2.1.0"),
        "torch-driver": torch_node("torch-driver", driver="470.57.02"),
        "torch-py312": torch_node("torch-py312", python="3.12.4"),
    }.items():
        variants[name] = snap.to_dict()
    return variants


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("distinct")
    for i, (name, data) in enumerate(_variants(_real_snapshot()).items()):
        if i % 3 == 1:
            text = json.dumps(data)  # compact, as Ray brings snapshots back
        elif name == "glibc":
            text = json.dumps({"snapshot": data, "findings": []}, indent=2)  # a report document: parsed whole
        else:
            text = json.dumps(data, indent=2) + "\n"  # as `envdoctor snapshot -o` writes it
        (path / f"{name}.json").write_text(text, encoding="utf-8")
    return path


def _reference(folder: Path) -> dict[str, Any]:
    files = sorted(str(p) for p in folder.glob("*.json"))
    out = subprocess.run(
        [sys.executable, "-c", REFERENCE, *files], capture_output=True, check=True, timeout=300, cwd=ROOT
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("workers", [1, 2])
def test_each_node_gets_the_findings_of_its_own_check(folder: Path, workers: int) -> None:
    reference = _reference(folder)
    report = fleet(iter_files([str(folder)]), origin="test", workers=workers)
    assert report.environments == len(reference) == len(report.nodes)  # every node distinct
    seen_codes: set[str] = set()
    for node in report.nodes:
        assert node.answered, node.reason
        profile = node.profile
        assert profile is not None
        expected = reference[node.source]
        findings = [f.to_dict() for f in profile.findings]
        assert findings == expected["findings"], node.name
        assert [[s.what, s.reason] for s in profile.skipped] == expected["skipped"], node.name
        assert profile.environment == expected["environment"], node.name
        assert sorted([list(k), v] for k, v in profile.facts.items()) == expected["facts"], node.name
        assert profile.training is not None
        training = profile.training
        assert [list(training.frameworks), training.cuda_runtime, training.nccl] == expected["training"]
        seen_codes.update(f["code"] for f in findings)
    # the planted problems were found (else equal findings would prove little)
    assert {"ED101", "ED102", "ED104", "ED108", "ED204", "ED302"} <= seen_codes, seen_codes


def test_the_shared_parse_was_used_and_builds_the_same_snapshot(folder: Path) -> None:
    cache = RecordCache()
    split = 0
    for path in sorted(folder.glob("*.json")):
        raw = path.read_bytes()
        expected = Snapshot.from_dict(parse_snapshot_document(raw)).to_dict()
        assert cache.snapshot(raw).to_dict() == expected, path.name
        split += cache._split(raw) is not None
    assert cache.hits > cache.misses  # the nodes' records were shared, not decoded per node
    files = len(list(folder.glob("*.json")))
    assert 0 < split < files  # the report document and the unsplittable record took the plain path


@pytest.mark.parametrize(
    "document",
    [
        b'{"interpreter": {"executable": "/p"}, "distributions": []}',
        b'{"interpreter": {"executable": "/p"}, "distributions": [{"name": "a", "version": "1", "x": [{"y": 1}]}]}',
        b'{"interpreter": {"executable": "/p"}, "distributions": [{"name": "a", "version": "1", "requires": ["}]"]}]}',
        b'{"interpreter": {"executable": "/p"}, "session": {"distributions": [{"name": "b"}]}, "distributions": []}',
        b'{"interpreter": {"executable": "/p"}, "distributions": [{"name": "a", "version": 3}]}',
        b'{"interpreter": {"executable": "/p"}, "distributions": [{"name": "a"}]}',
        b'{"interpreter": {"executable": "/p"}, "distributions": [{"name": "a", "version": "1"}, 7]}',
        b'{"interpreter": {"executable": "/p"}, "distributions": [{"name": "a", "version": "1"}], "x": [}',
        b'{"distributions": [{"name": "a", "version": "1"}]}',
    ],
)
def test_odd_documents_read_as_the_plain_parse_reads_them(document: bytes) -> None:
    def plain() -> object:
        try:
            return Snapshot.from_dict(parse_snapshot_document(document)).to_dict()
        except ValueError as exc:
            return f"ValueError: {exc}"

    def shared() -> object:
        try:
            return RecordCache().snapshot(document).to_dict()
        except ValueError as exc:
            return f"ValueError: {exc}"

    assert shared() == plain()


def test_sharing_is_off_outside_the_fleet() -> None:
    """A plain check keeps nothing per distribution between checks."""
    from envdoctor.rules import _shared

    store: _shared.Store = {}
    snap = torch_node("n")
    calls: list[int] = []
    dist = snap.distributions[0]
    for _ in range(2):
        _shared.per_distribution("t", dist, None, lambda: calls.append(1))
    assert len(calls) == 2
    with _shared.sharing(store):
        for _ in range(2):
            _shared.per_distribution("t", dist, None, lambda: calls.append(1))
    assert len(calls) == 3 and len(store) == 1
    assert aggregate._PER_DISTRIBUTION is not store
