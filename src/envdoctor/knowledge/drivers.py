"""The driver -> CUDA direction of the knowledge base's driver table: the highest CUDA a Linux driver version
runs every feature of. The GPU probe does not read the knowledge base: the service layer passes this (as
`ReadOptions.driver_cuda`) to the probe for a driver that does not say its CUDA (no NVML, libcuda, nvidia-smi)."""

from __future__ import annotations

from envdoctor.knowledge import KnowledgeBase
from envdoctor.knowledge.interface import KnowledgeSource

# the CUDA versions the table is asked about: 10.0 ... 13.9
_MAJORS = range(10, 14)
_MINORS = range(0, 10)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def cuda_for_driver(driver_version: str, kb: KnowledgeSource | None = None) -> str | None:
    """The highest CUDA whose toolkit driver (Linux) is <= `driver_version`, from `kb`'s driver table (the
    shipped or refreshed knowledge base when None); None when the table does not say or cannot be read."""
    try:
        kb = KnowledgeBase.load() if kb is None else kb
    except Exception:
        return None
    have = _version_key(driver_version)
    best: tuple[int, int] | None = None
    for major in _MAJORS:
        for minor in _MINORS:
            try:
                req = kb.min_driver(f"{major}.{minor}")
            except Exception:
                return None
            if req is None or not req.toolkit_driver:
                continue
            if _version_key(req.toolkit_driver) <= have and (best is None or (major, minor) > best):
                best = (major, minor)
    return f"{best[0]}.{best[1]}" if best else None
