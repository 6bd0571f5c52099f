"""Node snapshots for the fleet tests: a GPU training node (torch from PyPI with its nvidia-*
wheels, 8 GPUs, a driver) whose versions each test varies, written as real snapshot files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from envdoctor.model import CudaLibrary, GpuDevice, GpuFacts, Machine, Snapshot
from tests.factories import dist, snapshot

SITE = "/env/lib/python3.11/site-packages"


def torch_node(
    hostname: str = "",
    *,
    numpy: str = "1.26.4",
    torch: str = "2.1.2+cu121",
    driver: str | None = "550.54.14",
    cudart: str = "12.1.105",
    nccl: str = "2.18.1",
    glibc: str = "2.35",
    python: str = "3.11.7",
    system_cudnn: str | None = None,
    uuid_base: int = 0,
    env: dict[str, str] | None = None,
) -> Snapshot:
    requires = [
        f"nvidia-cuda-runtime-cu12=={cudart}; platform_system == 'Linux'",
        f"nvidia-nccl-cu12=={nccl}; platform_system == 'Linux'",
        "numpy",
    ]
    dists = [
        dist("torch", torch, requires=requires),
        dist("numpy", numpy),
        dist("protobuf", "4.25.3"),
        dist("nvidia-cuda-runtime-cu12", cudart),
        dist("nvidia-nccl-cu12", nccl),
    ]
    libraries = [
        CudaLibrary(
            "cudart",
            cudart,
            f"{SITE}/nvidia/cuda_runtime/lib/libcudart.so.12",
            "pip",
            package="nvidia-cuda-runtime-cu12",
            soname="libcudart.so.12",
        ),
        CudaLibrary(
            "nccl",
            nccl,
            f"{SITE}/nvidia/nccl/lib/libnccl.so.2",
            "pip",
            package="nvidia-nccl-cu12",
            soname="libnccl.so.2",
        ),
    ]
    if system_cudnn:
        major = system_cudnn.split(".")[0]
        libraries.append(
            CudaLibrary(
                "cudnn",
                system_cudnn,
                f"/usr/lib/x86_64-linux-gnu/libcudnn.so.{major}",
                "system",
                soname=f"libcudnn.so.{major}",
            )
        )
    gpus = [GpuDevice(i, "NVIDIA H100 80GB HBM3", "9.0", 81559, f"GPU-{uuid_base + i:08x}-aaaa") for i in range(8)]
    gpu = GpuFacts(
        driver_version=driver,
        cuda_driver_version="12.4" if driver else None,
        source="nvidia-smi" if driver else None,
        driver_present=driver is not None,
        gpus=gpus if driver else [],
        libraries=libraries,
    )
    machine = Machine(
        os="linux",
        arch="x86_64",
        libc="glibc",
        libc_version=glibc,
        cpu_flags=["avx", "avx2", "fma"],
        gpu=gpu,
        hostname=hostname,
    )
    snap = snapshot(dists, python=python, machine=machine, env=dict(env or {}))
    snap.created = f"2026-12-01T10:00:{uuid_base % 60:02d}+00:00"
    return snap


def write(folder: Path, name: str, snap: Snapshot, *, drop_hostname: bool = False) -> Path:
    """The snapshot as `envdoctor snapshot -o folder/name.json` writes it (older envdoctor
    versions wrote no hostname: `drop_hostname`)."""
    folder.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = snap.to_dict()
    if drop_hostname:
        del data["machine"]["hostname"]
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path
