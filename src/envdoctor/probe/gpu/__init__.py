"""GPU facts: the NVIDIA driver, the GPUs, and the CUDA / cuDNN libraries a framework may load.

Every file read goes through `root`, every program is looked up on `path_dirs` and run through
`run`, so tests describe a fake machine with a folder (fake /proc, /sys, library folders with
versioned `.so` names) and a fake `nvidia-smi` script. Nothing here raises: what cannot be read
becomes a line in `GpuFacts.problems`.

Cost: without an NVIDIA driver (no /proc/driver/nvidia, no /sys/module/nvidia, no WSL2 libcuda)
no program is started; the library scan is a handful of directory listings and one read of
/etc/ld.so.cache.

The parts: `host` (paths, programs, tolerant reads), `driver` (driver, GPUs, the driver's CUDA),
`libraries` (CUDA / cuDNN libraries), `ldcache` (the loader's folders and cache), `toolkit` (nvcc).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Callable

from envdoctor import process
from envdoctor.model import GpuFacts
from envdoctor.probe.gpu.driver import DriverProbe
from envdoctor.probe.gpu.host import (
    DriverCuda,
    Runner,
)
from envdoctor.probe.gpu.libraries import (
    LibraryProbe,
)
from envdoctor.probe.gpu.toolkit import (
    ToolkitProbe,
)
from envdoctor.process import Completed


class _Probe(DriverProbe, LibraryProbe, ToolkitProbe):
    """The whole probe: each step of `collect_gpu` is one method."""


def collect_gpu(
    *,
    root: Path,
    env: Mapping[str, str],
    path_dirs: Sequence[str],
    site_packages: Sequence[str],
    conda_prefix: str | None,
    run: Runner | None = None,
    driver_cuda: DriverCuda | None = None,
) -> GpuFacts:
    """The GPU facts of the machine under `root` for an environment with `site_packages`. `driver_cuda`:
    the CUDA a driver version supports, by the knowledge base's table (for a driver that does not say)."""
    runner: Runner = run or _run
    probe = _Probe(Path(root), env, path_dirs, runner, driver_cuda)
    facts = GpuFacts(cuda_visible_devices=env.get("CUDA_VISIBLE_DEVICES"))
    facts.ld_library_path = [p for p in env.get("LD_LIBRARY_PATH", "").split(":") if p]
    facts.cuda_home = env.get("CUDA_HOME") or env.get("CUDA_PATH") or None
    steps: list[Callable[[], None]] = [
        lambda: probe.driver(facts),
        lambda: probe.libraries(facts, site_packages, conda_prefix),
        lambda: probe.nvcc(facts),
    ]
    for step in steps:
        try:
            step()
        except Exception as exc:  # a bug or an odd machine must not stop the rest
            facts.problems.append(f"GPU probe step failed: {type(exc).__name__}: {exc}")
    return facts


def _run(cmd: Sequence[str], timeout: float) -> Completed:
    return process.run(cmd, timeout=timeout)
