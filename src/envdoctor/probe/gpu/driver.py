"""The NVIDIA driver and the GPUs: NVML (pynvml) on the live machine, else nvidia-smi, /proc/driver/nvidia and
/sys/module/nvidia; the CUDA version the driver supports (NVML, libcuda, nvidia-smi, or the driver table the
caller passes in as `driver_cuda`: the probe does not read the knowledge base).
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import importlib.util
import os
import re
import sys
from pathlib import Path
from typing import Any

from envdoctor.model import GpuDevice, GpuFacts
from envdoctor.probe.gpu.host import (
    Host,
    cuda_int,
    is_number,
    not_na,
    path_exists,
    read_file,
    text_of,
)

NVIDIA_SMI_TIMEOUT = 4.0  # seconds; nvidia-smi is slow without persistence mode


class DriverProbe(Host):
    """The driver and device facts."""

    # -- driver and devices --------------------------------------------------------------------
    def driver(self, facts: GpuFacts) -> None:
        proc = read_file(self.at("/proc/driver/nvidia/version"))
        sysver = read_file(self.at("/sys/module/nvidia/version"))
        wsl_lib = self.at("/usr/lib/wsl/lib/libcuda.so.1")
        osrelease = read_file(self.at("/proc/sys/kernel/osrelease")) or ""
        facts.wsl = path_exists(wsl_lib) or "wsl2" in osrelease.lower()
        windows_live = self.live and sys.platform == "win32"
        facts.driver_present = bool(proc or sysver or path_exists(wsl_lib) or windows_live)
        if not facts.driver_present:
            return
        if self.live and not windows_live and self._nvml(facts):
            pass
        else:
            smi = self.which("nvidia-smi", ["/usr/lib/wsl/lib"] if facts.wsl else [])
            if smi is not None:
                self._nvidia_smi(facts, smi)
        if facts.driver_version is None and proc:
            match = re.search(r"Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)?)", proc)
            if match:
                facts.driver_version = match.group(1)
                facts.source = facts.source or "proc"
        if not facts.gpus and proc:
            self._proc_gpus(facts)
        if facts.driver_version is None and sysver and re.match(r"\d+\.\d+", sysver.strip()):
            facts.driver_version = sysver.strip()
            facts.source = facts.source or "sys"
        if facts.cuda_driver_version is None and self.live:
            self._libcuda_version(facts)
        if facts.cuda_driver_version is None and facts.source != "nvml":
            smi = self.which("nvidia-smi", ["/usr/lib/wsl/lib"] if facts.wsl else [])
            if smi is not None:
                out = self.call(facts, [str(smi)], NVIDIA_SMI_TIMEOUT)
                match = re.search(r"CUDA Version:\s*(\d+\.\d+)", out or "")
                if match:
                    facts.cuda_driver_version = match.group(1)
                    facts.cuda_driver_source = "nvidia-smi"
                if facts.driver_version is None:
                    match = re.search(r"Driver Version:\s*(\d+\.\d+(?:\.\d+)?)", out or "")
                    if match:
                        facts.driver_version = match.group(1)
                        facts.source = facts.source or "nvidia-smi"
        if facts.cuda_driver_version is None and facts.driver_version and not facts.wsl and self.driver_cuda:
            derived = self.driver_cuda(facts.driver_version)
            if derived:
                facts.cuda_driver_version = derived
                facts.cuda_driver_source = "driver-table"

    def _nvml(self, facts: GpuFacts) -> bool:
        try:
            if importlib.util.find_spec("pynvml") is None:
                return False
        except (ImportError, ValueError):
            return False
        try:
            nvml: Any = importlib.import_module("pynvml")
            nvml.nvmlInit()
        except Exception as exc:
            facts.problems.append(f"NVML could not start: {type(exc).__name__}: {exc}")
            return False
        try:
            facts.driver_version = text_of(nvml.nvmlSystemGetDriverVersion())
            try:
                facts.cuda_driver_version = cuda_int(int(nvml.nvmlSystemGetCudaDriverVersion_v2()))
                facts.cuda_driver_source = "nvml"
            except Exception:
                pass
            for index in range(int(nvml.nvmlDeviceGetCount())):
                handle = nvml.nvmlDeviceGetHandleByIndex(index)
                device = GpuDevice(index=index, name=text_of(nvml.nvmlDeviceGetName(handle)))
                try:
                    major, minor = nvml.nvmlDeviceGetCudaComputeCapability(handle)
                    device.compute_capability = f"{int(major)}.{int(minor)}"
                except Exception:
                    pass
                with contextlib.suppress(Exception):
                    device.memory_mib = int(nvml.nvmlDeviceGetMemoryInfo(handle).total) // 2**20
                with contextlib.suppress(Exception):
                    device.uuid = text_of(nvml.nvmlDeviceGetUUID(handle))
                facts.gpus.append(device)
            facts.source = "nvml"
            return True
        except Exception as exc:
            facts.problems.append(f"NVML query failed: {type(exc).__name__}: {exc}")
            return bool(facts.driver_version)
        finally:
            with contextlib.suppress(Exception):
                nvml.nvmlShutdown()

    def _nvidia_smi(self, facts: GpuFacts, smi: Path) -> None:
        fields = ["index", "name", "compute_cap", "memory.total", "uuid", "driver_version"]
        out = self.call(
            facts,
            [str(smi), "--query-gpu=" + ",".join(fields), "--format=csv,noheader,nounits"],
            NVIDIA_SMI_TIMEOUT,
        )
        if out is None and any("compute_cap" in p for p in facts.problems[-1:]):
            # drivers older than ~510 do not know the compute_cap field
            facts.problems.pop()
            fields.remove("compute_cap")
            out = self.call(
                facts,
                [str(smi), "--query-gpu=" + ",".join(fields), "--format=csv,noheader,nounits"],
                NVIDIA_SMI_TIMEOUT,
            )
        if out is None:
            return
        for row in csv.reader(out.splitlines(), skipinitialspace=True):
            if len(row) != len(fields):
                continue
            values = {k: not_na(v) for k, v in zip(fields, row)}
            try:
                index = int(values["index"] or len(facts.gpus))
            except ValueError:
                continue
            memory = values.get("memory.total")
            facts.gpus.append(
                GpuDevice(
                    index=index,
                    name=values.get("name") or "",
                    compute_capability=values.get("compute_cap"),
                    memory_mib=int(float(memory)) if memory and is_number(memory) else None,
                    uuid=values.get("uuid"),
                )
            )
            if values.get("driver_version") and facts.driver_version is None:
                facts.driver_version = values["driver_version"]
        if facts.gpus or facts.driver_version:
            facts.source = "nvidia-smi"

    def _proc_gpus(self, facts: GpuFacts) -> None:
        base = self.at("/proc/driver/nvidia/gpus")
        try:
            entries = sorted(os.listdir(base))
        except OSError:
            return
        for index, bus in enumerate(entries):
            info = read_file(base / bus / "information") or ""
            model = re.search(r"^Model:\s*(.+)$", info, re.M)
            uuid = re.search(r"^GPU UUID:\s*(\S+)", info, re.M)
            facts.gpus.append(
                GpuDevice(
                    index=index,
                    name=model.group(1).strip() if model else "",
                    uuid=uuid.group(1) if uuid else None,
                )
            )

    def _libcuda_version(self, facts: GpuFacts) -> None:
        """cuDriverGetVersion through ctypes: no CUDA context, no subprocess (live machine only)."""
        import ctypes  # lazy: ctypes loads a shared library; only a live machine with a driver asks libcuda

        candidates = ["libcuda.so.1"]
        if facts.wsl:
            candidates.insert(0, "/usr/lib/wsl/lib/libcuda.so.1")
        if sys.platform == "win32":
            candidates = ["nvcuda.dll"]
        for name in candidates:
            try:
                lib = ctypes.CDLL(name)
                value = ctypes.c_int(0)
                if lib.cuDriverGetVersion(ctypes.byref(value)) == 0 and value.value > 0:
                    facts.cuda_driver_version = cuda_int(value.value)
                    facts.cuda_driver_source = "libcuda"
                    return
            except (OSError, AttributeError):
                continue
