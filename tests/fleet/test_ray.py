"""`envdoctor fleet ray` against a real local Ray cluster of several nodes (ray.cluster_utils),
each node with its own resources and its own worker environment: one plants packages on its
workers' PYTHONPATH, one runs its workers with another Python environment (a venv of its own)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_dist

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")
cluster_utils = pytest.importorskip("ray.cluster_utils")

pytestmark = pytest.mark.slow

ENV = {**os.environ, "NO_COLOR": "1"}
ENV.pop("RAY_ADDRESS", None)


def envdoctor(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=timeout,
        check=False,
    )


def other_python_env(root: Path) -> Path:
    """A venv of its own for one node's workers: its own site-packages first (with planted
    packages), then this test interpreter's (for Ray itself) through a .pth file."""
    venv = root / "venv-n03"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    site = venv / "lib" / f"python{minor}" / "site-packages"
    (site / "test-ray-site.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # TensorFlow 2.10 metadata next to NumPy 2 and protobuf 5, as a later `pip install` leaves it
    make_dist(
        site,
        "tensorflow-cpu",
        "2.10.1",
        requires=["numpy>=1.20", "protobuf<3.20,>=3.9.2"],
        wheel_tags=["cp310-cp310-manylinux_2_17_x86_64"],
        top_level=[],
    )
    make_dist(site, "numpy", "2.1.3", top_level=[])
    make_dist(site, "protobuf", "5.28.0", top_level=[])
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("ray-nodes")
    planted = root / "site-n02"
    make_dist(planted, "numpy", "1.26.4", top_level=[])
    worker_python = other_python_env(root)
    client_port = free_port()
    head_args = {
        "num_cpus": 1,
        "include_dashboard": False,
        "node_name": "n01",
        "resources": {"head": 1},
        "ray_client_server_port": client_port,
        # a node stopped on purpose stays "alive" for the GCS while the test runs
        "_system_config": {"health_check_failure_threshold": 1000},
    }
    c = cluster_utils.Cluster(initialize_head=True, head_node_args=head_args)
    # n02: its workers see extra packages on PYTHONPATH (the raylet's environment, as a node's
    # profile or container image would set it)
    c.add_node(num_cpus=1, node_name="n02", resources={"trainer": 1}, env_vars={"PYTHONPATH": str(planted)})
    # n03: its workers run another interpreter. A node's raylet starts workers with the Python
    # that started the node (`ray start` there); here that is the venv's.
    started_by = sys.executable
    sys.executable = str(worker_python)
    try:
        c.add_node(num_cpus=0, node_name="n03", resources={"trainer": 1})
    finally:
        sys.executable = started_by
    # n04: like the head node, with a resource of its own
    c.add_node(num_cpus=1, node_name="n04", resources={"spare": 2})
    c.wait_for_nodes()
    c.worker_python = worker_python
    c.client_port = client_port
    yield c
    c.shutdown()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fleet_json(*args: str) -> tuple[int, dict[str, Any], str]:
    result = envdoctor("fleet", "ray", *args, "--format", "json")
    try:
        return result.returncode, json.loads(result.stdout), result.stderr
    except ValueError:
        raise AssertionError(
            f"no JSON (exit {result.returncode}): {result.stdout[-2000:]}{result.stderr[-3000:]}"
        ) from None


def test_every_node_reports_its_own_workers_environment(cluster: Any, tmp_path: Path) -> None:
    saved = tmp_path / "fleet.json"
    code, report, stderr = fleet_json("--address", cluster.address, "--timeout", "120", "--save", str(saved))
    assert code == 1, stderr
    nodes = {n["name"]: n for n in report["nodes"]}
    assert sorted(nodes) == ["n01", "n02", "n03", "n04"]
    assert all(n["status"] == "ok" for n in nodes.values()), nodes
    # the interpreter each node's workers run
    assert nodes["n03"]["environment"]["executable"] == str(cluster.worker_python)
    assert nodes["n01"]["environment"]["executable"] == sys.executable
    assert nodes["n03"]["launcher"]["worker_python"] == str(cluster.worker_python)
    assert {n["launcher"]["ray_node_id"] for n in nodes.values()} == {
        n["NodeID"] for n in ray_nodes(cluster.address) if n["Alive"]
    }
    # planted versions, seen only where they were planted
    versions = {name: n["versions"] for name, n in nodes.items()}
    assert versions["n02"]["numpy"] == "1.26.4"
    assert versions["n03"]["numpy"] == "2.1.3"
    assert "numpy" not in versions["n01"] and "numpy" not in versions["n04"]
    assert versions["n03"]["tensorflow-cpu"] == "2.10.1"
    # Ray's own source folder for envdoctor is not part of what the workers' jobs see
    assert not any(f["code"] == "ED202" for f in nodes["n01"]["findings"])
    codes = {name: {f["code"] for f in n["findings"] if f["severity"] == "error"} for name, n in nodes.items()}
    assert "ED202" in codes["n02"]  # PYTHONPATH set on that node only
    assert codes["n03"] and not codes["n01"] and not codes["n04"]
    # grouped across nodes, and the skew named
    groups = {g["code"]: g for g in report["groups"]}
    assert groups["ED202"]["nodes"] == ["n02"]
    skew = {row["what"]: row for row in report["skew"]}
    assert skew["numpy"]["majority"] == {"value": None, "nodes": ["n01", "n04"]}
    assert {o["value"]: o["nodes"] for o in skew["numpy"]["outliers"]} == {"1.26.4": ["n02"], "2.1.3": ["n03"]}
    assert skew["tensorflow-cpu"]["outliers"] == [{"value": "2.10.1", "nodes": ["n03"]}]
    assert skew["protobuf"]["outliers"][0] == {"value": "5.28.0", "nodes": ["n03"]}
    assert report["verdict"]["status"] == "not-ready"
    # the saved snapshots read back to the same report, and one node is picked out for check
    again = envdoctor("fleet", str(saved), "--format", "json")
    assert again.returncode == 1, again.stderr
    reread = json.loads(again.stdout)
    assert [(n["name"], n["findings"]) for n in reread["nodes"]] == [
        (n["name"], n["findings"]) for n in report["nodes"]
    ]
    assert reread["skew"] == report["skew"]
    picked = subprocess.run(
        [sys.executable, "-m", "envdoctor", "fleet", str(saved), "--pick", "n03"],
        capture_output=True,
        env=ENV,
        check=False,
    )
    assert picked.returncode == 0, picked.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "envdoctor", "check", "--snapshot", "-", "--format", "json"],
        input=picked.stdout,
        capture_output=True,
        env=ENV,
        check=False,
    )
    assert checked.returncode == 1
    assert json.loads(checked.stdout)["findings"] == nodes["n03"]["findings"]


def ray_nodes(address: str) -> list[dict[str, Any]]:
    code = "import json, sys, ray; ray.init(address=sys.argv[1], logging_level='ERROR'); print(json.dumps(ray.nodes()))"
    out = subprocess.run([sys.executable, "-c", code, address], capture_output=True, text=True, env=ENV, timeout=120)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_ray_client_address(cluster: Any) -> None:
    port = cluster.client_port
    code, report, stderr = fleet_json("--address", f"ray://127.0.0.1:{port}", "--resource", "spare")
    assert [n["name"] for n in report["nodes"]] == ["n04"], stderr
    assert report["nodes"][0]["status"] == "ok"
    assert report["fleet"]["origin"] == f"the Ray cluster at ray://127.0.0.1:{port}"
    assert code == 0, report


def test_resource_picks_the_nodes_that_offer_it(cluster: Any) -> None:
    code, report, stderr = fleet_json("--address", cluster.address, "--resource", "trainer")
    assert sorted(n["name"] for n in report["nodes"]) == ["n02", "n03"], stderr
    assert any("resource 'trainer'" in note for note in report["fleet"]["notes"])
    assert code == 1


def test_a_hung_node_is_reported_unreachable_not_dropped(cluster: Any) -> None:
    node = cluster.add_node(num_cpus=1, node_name="n05")
    cluster.wait_for_nodes()
    raylet = node.all_processes[ray._private.ray_constants.PROCESS_TYPE_RAYLET][0].process
    os.kill(raylet.pid, signal.SIGSTOP)
    try:
        code, report, stderr = fleet_json("--address", cluster.address, "--timeout", "20")
    finally:
        os.kill(raylet.pid, signal.SIGCONT)
        cluster.remove_node(node)
    nodes = {n["name"]: n for n in report["nodes"]}
    assert nodes["n05"]["status"] == "unreachable", stderr
    assert "did not answer within 20 s" in nodes["n05"]["reason"]
    assert {nodes[n]["status"] for n in ("n01", "n02", "n03", "n04")} == {"ok"}
    assert report["summary"]["unreachable"] == 1
    assert code == 1
