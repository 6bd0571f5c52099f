"""`envdoctor fleet` at scale: aggregation of 1,000 node snapshots, and collection on a Ray cluster.

    python bench/fleet.py [--nodes 1000] [--env .bench/large] [--runs 3] [--ray-nodes 4] [--no-ray]
                          [--distinct] [--jobs N]

--distinct: only the two aggregation cases that matter for the budget, each timed --runs times:
the typical fleet (`fleet DIR --format json`) and the worst case, every node a distinct
environment; --jobs N passes `--jobs N` to envdoctor (default: its own, the CPUs).

Aggregation: real snapshots are taken with the real probe (the large environment built from
bench/large-env.txt, 365 distributions, as for bench/check_speed.py; and this interpreter's own
environment), and N synthetic nodes are generated from them: each a copy with its own hostname,
creation time, 8 GPUs with their own UUIDs and an NVIDIA driver, and planted skew (NumPy 2 on
every 37th node, an older driver on every 101st, an older glibc on one rack of 50, protobuf
missing on one node, the small environment on every 250th). Then `envdoctor fleet DIR` runs as a
fresh process per format (and with --save), timed, with its peak RSS from wait4. A last
"worst case" set makes every node a distinct environment (one package version per node), so
each is diagnosed.

Collection: a local Ray cluster (ray.cluster_utils) with 1 and then K nodes; `envdoctor fleet ray`
is timed against one `envdoctor snapshot` of the same interpreter: one task per node, in parallel.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENVDOCTOR = [sys.executable, "-m", "envdoctor"]
CHILD_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "RAY_ADDRESS")}


def real_snapshot(python: str) -> dict[str, Any]:
    out = subprocess.run(
        [*ENVDOCTOR, "snapshot", "--python", python], capture_output=True, check=True, env=CHILD_ENV, timeout=300
    )
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def gpu_facts(node: int, driver: str) -> dict[str, Any]:
    return {
        "driver_version": driver,
        "cuda_driver_version": "12.4",
        "cuda_driver_source": "nvml",
        "source": "nvml",
        "driver_present": True,
        "gpus": [
            {
                "index": i,
                "name": "NVIDIA H100 80GB HBM3",
                "compute_capability": "9.0",
                "memory_mib": 81559,
                "uuid": f"GPU-{node:05d}{i:03d}-7c1f-4e2b-9d1a-5b3c2e1f0a{i:02d}",
            }
            for i in range(8)
        ],
        "wsl": False,
        "cuda_visible_devices": None,
        "ld_library_path": [],
        "cuda_home": None,
        "libraries": [
            {
                "name": "cuda",
                "version": driver,
                "path": f"/usr/lib/x86_64-linux-gnu/libcuda.so.{driver}",
                "origin": "system",
                "package": None,
                "soname": "libcuda.so.1",
                "version_source": "filename",
            },
            {
                "name": "cudnn",
                "version": "8.9.7",
                "path": "/usr/lib/x86_64-linux-gnu/libcudnn.so.8",
                "origin": "system",
                "package": None,
                "soname": "libcudnn.so.8",
                "version_source": "header",
            },
        ],
        "nvcc_version": None,
        "nvcc_path": None,
        "problems": [],
    }


def synthetic_node(
    base: dict[str, Any], small: dict[str, Any], i: int, *, distinct: bool = False
) -> tuple[str, dict[str, Any]]:
    name = f"gpu{i:04d}"
    snap = copy.deepcopy(small if i % 250 == 17 else base)
    machine = snap["machine"]
    machine["hostname"] = name
    machine["gpu"] = gpu_facts(i, "535.104.05" if i % 101 == 7 else "550.54.14")
    if 900 <= i < 950:
        machine["libc_version"] = "2.31"
    snap["created"] = f"2026-12-01T10:{i // 60 % 60:02d}:{i % 60:02d}+00:00"
    dists = snap["distributions"]
    if i % 37 == 5:
        for dist in dists:
            if dist["name"] == "numpy":
                dist["version"] = "2.1.0"
    if i == 500:
        snap["distributions"] = [d for d in dists if d["name"] != "protobuf"]
    if distinct:  # every node its own environment: one small package at a version of its own
        for dist in snap["distributions"]:
            if dist["name"] in ("six", "idna", "packaging"):
                dist["version"] = f"{dist['version']}.post{i}"
                break
    return name, snap


def write_fleet(folder: Path, base: dict[str, Any], small: dict[str, Any], nodes: int, *, distinct: bool) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(1, nodes + 1):
        name, snap = synthetic_node(base, small, i, distinct=distinct)
        text = json.dumps(snap, indent=2) + "\n"  # as `envdoctor snapshot -o` writes it
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def timed_run(cmd: list[str]) -> tuple[float, float, int, bytes]:
    """Wall seconds, peak RSS (MiB) and exit code of one fresh process, and its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=CHILD_ENV)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, output


def aggregation(args: argparse.Namespace, work: Path) -> None:
    big_python = args.env / "bin" / "python"
    if not big_python.exists():
        sys.path.insert(0, str(ROOT / "bench"))
        from check_speed import build_env

        print(f"building {args.env} from bench/large-env.txt (first run only)...", file=sys.stderr)
        build_env(args.env)
    base = real_snapshot(str(big_python))
    small = real_snapshot(sys.executable)
    print(
        f"real snapshots: {len(base['distributions'])} distributions ({args.env.name}), "
        f"{len(small['distributions'])} distributions (this interpreter)"
    )
    rows = []
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    for label, distinct in (("typical fleet", False), ("worst case: every node distinct", True)):
        folder = work / ("distinct" if distinct else "fleet")
        size = write_fleet(folder, base, small, args.nodes, distinct=distinct)
        print(f"{label}: {args.nodes} snapshot files, {size / 2**20:.0f} MiB in {folder}")
        variants = [("--format json", ["--format", "json", *jobs])]
        if not distinct and not args.distinct:
            variants += [
                ("text", []),
                ("--format html", ["--format", "html"]),
                ("--format json --save", ["--format", "json", "--save", str(work / "saved.json")]),
                ("saved bundle, --format json", ["--format", "json"]),
            ]
        for name, extra in variants:
            source = str(work / "saved.json") if name.startswith("saved") else str(folder)
            cmd = [*ENVDOCTOR, "fleet", source, *extra]
            if distinct and not args.distinct:  # once (the files are in the page cache since written)
                samples = [timed_run(cmd)]
            else:
                timed_run(cmd)  # warm-up: page cache, byte code
                samples = [timed_run(cmd) for _ in range(args.runs)]
            walls = [s[0] for s in samples]
            peak = max(s[1] for s in samples)
            code = samples[-1][2]
            envs = ""
            if "json" in name:
                document = json.loads(samples[-1][3])
                envs = f"{document['fleet']['environments']} environments, {len(document['skew'])} skew rows"
            rows.append((label, name, statistics.median(walls), min(walls), peak, code, envs))
    print()
    print(f"| fleet ({args.nodes} nodes) | command | median s | best s | peak RSS MiB | exit | report |")
    print("|---|---|---|---|---|---|---|")
    for label, name, median, best, peak, code, envs in rows:
        print(f"| {label} | `fleet DIR {name}` | {median:.2f} | {best:.2f} | {peak:.0f} | {code} | {envs} |")


def ray_collection(args: argparse.Namespace) -> None:
    try:
        from ray.cluster_utils import Cluster
    except ImportError:
        print("\nRay is not installed (pip install -e '.[ray]'): collection not measured")
        return
    snapshot_walls = [timed_run([*ENVDOCTOR, "snapshot", "--python", sys.executable])[0] for _ in range(args.runs)]
    print(f"\none `envdoctor snapshot` of this interpreter: median {statistics.median(snapshot_walls):.2f} s")
    print()
    print("| Ray nodes | `fleet ray` median s | best s | first run s (ships envdoctor, starts workers) |")
    print("|---|---|---|---|")
    for count in sorted({1, args.ray_nodes}):
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
        try:
            for _ in range(count - 1):
                cluster.add_node(num_cpus=1)
            cluster.wait_for_nodes()
            cmd = [*ENVDOCTOR, "fleet", "ray", "--address", cluster.address, "--format", "json"]
            first = timed_run(cmd)
            document = json.loads(first[3])
            assert document["summary"]["answered"] == count, document["summary"]
            walls = [timed_run(cmd)[0] for _ in range(args.runs)]
            print(f"| {count} | {statistics.median(walls):.2f} | {min(walls):.2f} | {first[0]:.2f} |")
        finally:
            cluster.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--env", type=Path, default=ROOT / ".bench" / "large")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ray-nodes", type=int, default=4)
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument(
        "--distinct", action="store_true", help="only the typical and the all-distinct fleet, N runs each"
    )
    parser.add_argument("--jobs", type=int, default=0, help="envdoctor fleet --jobs N (default: its own)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="envdoctor-fleet-bench-"))
    try:
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}"
        )
        aggregation(args, work)
        if not args.no_ray and not args.distinct:
            ray_collection(args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
