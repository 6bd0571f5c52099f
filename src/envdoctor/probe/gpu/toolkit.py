"""CUDA toolkits: nvcc (on PATH, CUDA_HOME or the usual folders) and its version, a toolkit's version and
its components' versions from its files.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from envdoctor.model import GpuFacts
from envdoctor.names import canonicalize_name
from envdoctor.probe.gpu.host import (
    Host,
    list_dir,
    read_file,
)

NVCC_TIMEOUT = 3.0
TOOLKIT_GLOBS = ("usr/local/cuda*", "opt/cuda*", "opt/nvidia/cuda*")


class ToolkitProbe(Host):
    """nvcc and the toolkit's version."""

    # -- nvcc ----------------------------------------------------------------------------------
    def nvcc(self, facts: GpuFacts) -> None:
        extra = [f"{facts.cuda_home}/bin"] if facts.cuda_home else []
        nvcc = self.which("nvcc", extra)
        if nvcc is None:
            return
        facts.nvcc_path = self.host(nvcc)
        try:
            real = Path(os.path.realpath(nvcc))
        except (OSError, ValueError):
            real = nvcc
        for toolkit in (real.parent.parent, nvcc.parent.parent):
            version = toolkit_version(toolkit)
            if version:
                facts.nvcc_version = version
                return
        if not facts.driver_present:
            return  # no GPU: not worth a subprocess; the path is recorded
        out = self.call(facts, [str(nvcc), "--version"], NVCC_TIMEOUT)
        match = re.search(r"release (\d+\.\d+), V(\d+\.\d+\.\d+)", out or "")
        if match:
            facts.nvcc_version = match.group(2)
        elif out is not None:
            match = re.search(r"release (\d+\.\d+)", out)
            facts.nvcc_version = match.group(1) if match else None


# -- helpers (pure or read-only) ---------------------------------------------------------------


_COMPONENTS = {
    "cudart": ("cuda_cudart", "nvidia-cuda-runtime"),
    "cublas": ("libcublas", "nvidia-cublas"),
    "cublaslt": ("libcublas", "nvidia-cublas"),
    "cufft": ("libcufft", "nvidia-cufft"),
    "curand": ("libcurand", "nvidia-curand"),
    "cusolver": ("libcusolver", "nvidia-cusolver"),
    "cusparse": ("libcusparse", "nvidia-cusparse"),
    "nvrtc": ("cuda_nvrtc", "nvidia-cuda-nvrtc"),
    "nvjitlink": ("libnvjitlink", "nvidia-nvjitlink"),
    "cupti": ("cuda_cupti", "nvidia-cuda-cupti"),
}


def toolkit_components(libdir: Path) -> dict[str, str]:
    """{library name: version} from the version.json (or dist-info folder) of the CUDA toolkit
    that `libdir` (<toolkit>/lib64, <toolkit>/targets/<arch>/lib) belongs to."""
    for toolkit in (libdir.parent, libdir.parent.parent.parent):
        data: Any = None
        text = read_file(toolkit / "version.json")
        if text:
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        wheels = {
            canonicalize_name(n.partition("-")[0]): n.partition("-")[2][: -len(".dist-info")]
            for n in list_dir(toolkit / "dist-info")
            if n.endswith(".dist-info")
        }
        if not isinstance(data, dict) and not wheels:
            continue
        result: dict[str, str] = {}
        for name, (key, wheel) in _COMPONENTS.items():
            entry = data.get(key) if isinstance(data, dict) else None
            if isinstance(entry, dict) and entry.get("version"):
                result[name] = str(entry["version"])
            elif wheel in wheels:
                result[name] = wheels[wheel]
        return result
    return {}


def toolkit_version(toolkit: Path) -> str | None:
    """The CUDA toolkit version from version.json (CUDA >= 11.1) or version.txt (older)."""
    text = read_file(toolkit / "version.json")
    if text:
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        for key in ("cuda_nvcc", "cuda"):
            entry = data.get(key) if isinstance(data, dict) else None
            if isinstance(entry, dict) and entry.get("version"):
                return str(entry["version"])
    text = read_file(toolkit / "version.txt")
    match = re.search(r"CUDA Version\s+(\d+\.\d+(?:\.\d+)?)", text or "")
    return match.group(1) if match else None
