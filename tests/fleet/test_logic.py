"""The pieces under the fleet report: fingerprints, node names, host lists, the worker-side task."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

import pytest

import envdoctor
from envdoctor.doctor import diagnose
from envdoctor.fleet.aggregate import Collector, build_report
from envdoctor.fleet.inputs import NodeInput, assign_names, fingerprint
from envdoctor.fleet.node import node_snapshot
from envdoctor.knowledge import KnowledgeBase
from envdoctor.model import Snapshot
from envdoctor.render.views.fleet import node_list
from tests.factories import make_dist
from tests.fleet.nodes import torch_node


def raw(snap: Snapshot, **dump: object) -> bytes:
    return json.dumps(snap.to_dict(), **dump).encode()  # type: ignore[arg-type]


def test_fingerprint_ignores_only_what_names_the_node() -> None:
    a = torch_node("n01", uuid_base=0)
    b = torch_node("n02", uuid_base=8)  # other hostname, creation time, GPU UUIDs
    key_a, host_a = fingerprint(raw(a, indent=2))
    key_b, host_b = fingerprint(raw(b, indent=2))
    assert (host_a, host_b) == ("n01", "n02")
    assert key_a == key_b
    assert fingerprint(raw(torch_node("n01", numpy="2.1.0")))[0] != fingerprint(raw(torch_node("n01")))[0]
    assert fingerprint(raw(torch_node("n01", driver="550.90.07")))[0] != fingerprint(raw(torch_node("n01")))[0]
    # where CUDA_VISIBLE_DEVICES names GPUs by UUID, the UUIDs decide what CUDA sees: they count
    by_uuid = {"CUDA_VISIBLE_DEVICES": "GPU-00000000"}
    assert (
        fingerprint(raw(torch_node("x", env=by_uuid, uuid_base=0)))[0]
        != fingerprint(raw(torch_node("x", env=by_uuid, uuid_base=8)))[0]
    )
    by_index = {"CUDA_VISIBLE_DEVICES": "0,1"}
    assert (
        fingerprint(raw(torch_node("x", env=by_index, uuid_base=0)))[0]
        == fingerprint(raw(torch_node("x", env=by_index, uuid_base=8)))[0]
    )


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"numpy": "2.1.0"},
        {"driver": "470.57.02"},  # too old for CUDA 12
        {"env": {"CUDA_VISIBLE_DEVICES": "0,1"}},
        {"env": {"CUDA_VISIBLE_DEVICES": "-1"}},
        {"env": {"PYTHONPATH": "/opt/extra", "LD_LIBRARY_PATH": "/usr/local/cuda-11.8/lib64"}},
        {"system_cudnn": "8.9.7"},
    ],
)
def test_rules_do_not_read_what_the_fingerprint_ignores(variant: dict[str, object]) -> None:
    """One diagnosis serves every node with the same fingerprint: the findings must not depend on
    the hostname, the creation time or (without UUIDs in CUDA_VISIBLE_DEVICES) the GPU UUIDs."""
    kb = KnowledgeBase.load()
    one = torch_node("n01", uuid_base=0, **variant)  # type: ignore[arg-type]
    other = torch_node("n77", uuid_base=640, **variant)  # type: ignore[arg-type]
    other.target = one.target
    assert fingerprint(raw(one))[0] == fingerprint(raw(other))[0]
    first = [dataclasses.asdict(f) for f in diagnose(one, kb).findings]
    second = [dataclasses.asdict(f) for f in diagnose(other, kb).findings]
    assert first == second


def test_one_diagnosis_per_distinct_environment() -> None:
    collector = Collector(KnowledgeBase.load())
    for i in range(40):
        numpy = "2.1.0" if i % 10 == 3 else "1.26.4"
        collector.add(NodeInput([], f"mem:{i}", raw=raw(torch_node(f"n{i:02d}", numpy=numpy, uuid_base=i * 8))))
    assert len(collector.profiles) == 2
    report = build_report(collector.nodes(), origin="test")
    assert report.environments == 2
    assert [g.nodes for g in report.groups if g.code == "ED102"] == [["n03", "n13", "n23", "n33"]]


def test_node_names_are_unique() -> None:
    assert assign_names([["vm", "a"], ["vm", "b"], ["gpu1", "c"]]) == ["a", "b", "gpu1"]
    assert assign_names([["", "a"], ["b"]]) == ["a", "b"]  # no hostname: the next hint
    assert assign_names([["vm"], ["vm"], ["vm"]]) == ["vm", "vm-2", "vm-3"]
    assert assign_names([["vm"], ["vm"], ["vm-2"]]) == ["vm", "vm-3", "vm-2"]
    assert assign_names([[], []]) == ["node", "node-2"]


def test_node_lists_fold_into_ranges_when_long() -> None:
    assert node_list(["n04", "n09", "n11"]) == "n04, n09, n11"
    names = [f"n{i:03d}" for i in range(1, 101) if i != 50] + ["head", "gpu-7", "gpu-8"]
    assert node_list(names) == "n[001-049,051-100], head, gpu-[7-8]"
    assert node_list([f"x{i}" for i in (1, 2, 3, 5, 10, 11, 12, 13, 20)]) == "x[1-3,5], x[10-13,20]"


def test_the_worker_task_snapshots_its_interpreter_without_the_shipped_source(tmp_path: Path) -> None:
    """Outside Ray: the task run where envdoctor was put on PYTHONPATH (as Ray's py_modules do)."""
    shipped = str(Path(envdoctor.__file__).resolve().parent.parent)
    planted = tmp_path / "planted"
    make_dist(planted, "numpy", "1.26.4", top_level=[])
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([shipped, str(planted)])
    try:
        result = node_snapshot(30.0)
        assert os.environ["PYTHONPATH"] == os.pathsep.join([shipped, str(planted)])  # restored
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before
    snap = Snapshot.from_dict(json.loads(result["snapshot"]))
    assert result["python"] == sys.executable == snap.interpreter.executable
    assert snap.interpreter.env["PYTHONPATH"] == str(planted)
    assert snap.interpreter.sys_path[0] == str(planted)  # shipped source no longer in front of it
    assert any(d.name == "numpy" and d.version == "1.26.4" for d in snap.distributions)
    assert snap.machine.hostname == os.uname().nodename == result["hostname"]
    assert result["node_id"] == ""  # not in a Ray worker


def test_fingerprint_of_other_layouts_scans_everything() -> None:
    """A snapshot whose keys another tool reordered, or one inside a `report` document."""
    data = torch_node("n01").to_dict()
    reordered = {"machine": data["machine"], **{k: v for k, v in data.items() if k != "machine"}}
    other = torch_node("n02", uuid_base=8).to_dict()
    other_reordered = {"machine": other["machine"], **{k: v for k, v in other.items() if k != "machine"}}
    assert fingerprint(json.dumps(reordered).encode()) == (fingerprint(json.dumps(other_reordered).encode())[0], "n01")
    report_a = json.dumps({"findings": [], "snapshot": data}).encode()
    report_b = json.dumps({"findings": [], "snapshot": other}).encode()
    assert fingerprint(report_a)[0] == fingerprint(report_b)[0]
    changed = torch_node("n03", numpy="2.1.0").to_dict()
    assert fingerprint(json.dumps({"snapshot": changed}).encode())[0] != fingerprint(report_a)[0]
    # an escaped "hostname" inside a string is text, not the field
    data["skipped"] = [{"what": 'x "hostname": "evil"', "reason": "r"}]
    other["skipped"] = [{"what": 'x "hostname": "other"', "reason": "r"}]
    assert fingerprint(json.dumps(data).encode())[0] != fingerprint(json.dumps(other).encode())[0]


def test_an_empty_bundle_reads_back(tmp_path: Path) -> None:
    from envdoctor.fleet.bundle import save
    from envdoctor.fleet.inputs import iter_files

    collector = Collector(None, keep_raw=True)
    collector.add(NodeInput(["gone"], "ray", status="unreachable", reason="did not answer within 5 s"))
    path = tmp_path / "b.json"
    assert save(str(path), collector.nodes(), collector) == 0
    (node,) = list(iter_files([str(path)]))
    assert (node.hints, node.status, node.reason, node.raw) == (
        ["gone"],
        "unreachable",
        "did not answer within 5 s",
        None,
    )
