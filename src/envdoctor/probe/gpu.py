"""GPU facts: the NVIDIA driver, the GPUs, and the CUDA / cuDNN libraries a framework may load.

Every file read goes through `root`, every program is looked up on `path_dirs` and run through
`run`, so tests describe a fake machine with a folder (fake /proc, /sys, library folders with
versioned `.so` names) and a fake `nvidia-smi` script. Nothing here raises: what cannot be read
becomes a line in `GpuFacts.problems`.

Cost: without an NVIDIA driver (no /proc/driver/nvidia, no /sys/module/nvidia, no WSL2 libcuda)
no program is started; the library scan is a handful of directory listings and one read of
/etc/ld.so.cache.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import json
import os
import re
import stat
import struct
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Callable

from envdoctor import process
from envdoctor.bounded import JSON_LIMIT, maybe_text, read_bytes
from envdoctor.frameworks import all_frameworks
from envdoctor.model import CudaLibrary, GpuDevice, GpuFacts
from envdoctor.names import canonicalize_name
from envdoctor.process import Completed

Runner = Callable[..., Completed]  # (argv, timeout=) -> how it ended (envdoctor.process.run)

NVIDIA_SMI_TIMEOUT = 4.0  # seconds; nvidia-smi is slow without persistence mode
NVCC_TIMEOUT = 3.0

# The libraries that decide whether a framework finds its GPU, by the name in lib<name>.so.N.
LIBRARY_NAMES = (
    "cudart",
    "cudnn",
    "cublas",
    "cublasLt",
    "cufft",
    "curand",
    "cusolver",
    "cusparse",
    "nvrtc",
    "nvJitLink",
    "nccl",
    "cupti",
    "cuda",
    "nvidia-ml",
)
_LIB_RE = re.compile(r"^lib(" + "|".join(re.escape(n) for n in LIBRARY_NAMES) + r")\.so\.(\d+(?:\.\d+)*)$")
# CudaLibrary.name for each file name stem.
_CANONICAL = {"nvJitLink": "nvjitlink", "cublasLt": "cublaslt", "nvidia-ml": "nvml"}

# pip wheel (nvidia-<base>[-cuNN]) and conda package names per library.
PIP_BASE = {
    "cudart": "cuda-runtime",
    "cudnn": "cudnn",
    "cublas": "cublas",
    "cublaslt": "cublas",
    "cufft": "cufft",
    "curand": "curand",
    "cusolver": "cusolver",
    "cusparse": "cusparse",
    "nvrtc": "cuda-nvrtc",
    "nvjitlink": "nvjitlink",
    "nccl": "nccl",
    "cupti": "cuda-cupti",
}
CONDA_PACKAGES = {
    "cudart": ("cuda-cudart", "cudatoolkit"),
    "cudnn": ("cudnn",),
    "cublas": ("libcublas", "cudatoolkit"),
    "cublaslt": ("libcublas", "cudatoolkit"),
    "cufft": ("libcufft", "cudatoolkit"),
    "curand": ("libcurand", "cudatoolkit"),
    "cusolver": ("libcusolver", "cudatoolkit"),
    "cusparse": ("libcusparse", "cudatoolkit"),
    "nvrtc": ("cuda-nvrtc", "cudatoolkit"),
    "nvjitlink": ("libnvjitlink",),
    "nccl": ("nccl",),
    "cupti": ("cuda-cupti", "cudatoolkit"),
}

_DEFAULT_LIB_DIRS = (
    "lib",
    "lib64",
    "usr/lib",
    "usr/lib64",
    "lib/x86_64-linux-gnu",
    "usr/lib/x86_64-linux-gnu",
    "lib/aarch64-linux-gnu",
    "usr/lib/aarch64-linux-gnu",
)
_TOOLKIT_GLOBS = ("usr/local/cuda*", "opt/cuda*", "opt/nvidia/cuda*")


def collect_gpu(
    *,
    root: Path,
    env: Mapping[str, str],
    path_dirs: Sequence[str],
    site_packages: Sequence[str],
    conda_prefix: str | None,
    run: Runner | None = None,
) -> GpuFacts:
    """The GPU facts of the machine under `root` for an environment with `site_packages`."""
    runner: Runner = run or _run
    probe = _Probe(Path(root), env, path_dirs, runner)
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


class _Probe:
    def __init__(self, root: Path, env: Mapping[str, str], path_dirs: Sequence[str], run: Runner) -> None:
        self.root = root
        self.live = str(root) == "/"
        self.env = env
        self.path_dirs = path_dirs
        self.run = run

    # -- paths ---------------------------------------------------------------------------------
    def at(self, path: str) -> Path:
        """A path of the probed machine, on this file system."""
        return self.root / path.lstrip("/") if path.startswith("/") else self.root / path

    def host(self, path: Path | str) -> str:
        """A path on this file system, as the probed machine names it."""
        text = str(path)
        if self.live:
            return text
        base = str(self.root).rstrip("/")
        if text == base:
            return "/"
        return text[len(base) :] if text.startswith(base + "/") else text

    def which(self, name: str, extra: Iterable[str] = ()) -> Path | None:
        names = [name, name + ".exe"] if sys.platform == "win32" and self.live else [name]
        for directory in [*self.path_dirs, *extra]:
            if not directory:
                continue
            for n in names:
                candidate = self.at(directory) / n
                if candidate.is_file() and os.access(candidate, os.X_OK):
                    return candidate
        return None

    def call(self, facts: GpuFacts, cmd: Sequence[str], timeout: float) -> str | None:
        try:
            done = self.run(list(cmd), timeout=timeout)
        except process.StartError as exc:
            facts.problems.append(f"could not run {self.host(cmd[0])}: {exc.cause}")
            return None
        if done.timed_out:
            facts.problems.append(f"{Path(cmd[0]).name} did not answer within {timeout:g} s")
            return None
        out = (done.stdout or "") + ("\n" + done.stderr if done.stderr else "")
        if done.returncode != 0:
            first = (out.strip().splitlines() or [""])[0][:200]
            facts.problems.append(f"{self.host(cmd[0])} {' '.join(cmd[1:2])} exited {done.returncode}: {first}")
            return None
        return done.stdout or ""

    # -- driver and devices --------------------------------------------------------------------
    def driver(self, facts: GpuFacts) -> None:
        proc = _read(self.at("/proc/driver/nvidia/version"))
        sysver = _read(self.at("/sys/module/nvidia/version"))
        wsl_lib = self.at("/usr/lib/wsl/lib/libcuda.so.1")
        osrelease = _read(self.at("/proc/sys/kernel/osrelease")) or ""
        facts.wsl = _exists(wsl_lib) or "wsl2" in osrelease.lower()
        windows_live = self.live and sys.platform == "win32"
        facts.driver_present = bool(proc or sysver or _exists(wsl_lib) or windows_live)
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
        if facts.cuda_driver_version is None and facts.driver_version and not facts.wsl:
            derived = cuda_for_driver(facts.driver_version)
            if derived:
                facts.cuda_driver_version = derived
                facts.cuda_driver_source = "driver-table"

    def _nvml(self, facts: GpuFacts) -> bool:
        import importlib.util

        try:
            if importlib.util.find_spec("pynvml") is None:
                return False
        except (ImportError, ValueError):
            return False
        import importlib

        try:
            nvml: Any = importlib.import_module("pynvml")
            nvml.nvmlInit()
        except Exception as exc:
            facts.problems.append(f"NVML could not start: {type(exc).__name__}: {exc}")
            return False
        try:
            facts.driver_version = _text(nvml.nvmlSystemGetDriverVersion())
            try:
                facts.cuda_driver_version = _cuda_int(int(nvml.nvmlSystemGetCudaDriverVersion_v2()))
                facts.cuda_driver_source = "nvml"
            except Exception:
                pass
            for index in range(int(nvml.nvmlDeviceGetCount())):
                handle = nvml.nvmlDeviceGetHandleByIndex(index)
                device = GpuDevice(index=index, name=_text(nvml.nvmlDeviceGetName(handle)))
                try:
                    major, minor = nvml.nvmlDeviceGetCudaComputeCapability(handle)
                    device.compute_capability = f"{int(major)}.{int(minor)}"
                except Exception:
                    pass
                with contextlib.suppress(Exception):
                    device.memory_mib = int(nvml.nvmlDeviceGetMemoryInfo(handle).total) // 2**20
                with contextlib.suppress(Exception):
                    device.uuid = _text(nvml.nvmlDeviceGetUUID(handle))
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
            values = {k: _na(v) for k, v in zip(fields, row)}
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
                    memory_mib=int(float(memory)) if memory and _number(memory) else None,
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
            info = _read(base / bus / "information") or ""
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
        import ctypes

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
                    facts.cuda_driver_version = _cuda_int(value.value)
                    facts.cuda_driver_source = "libcuda"
                    return
            except (OSError, AttributeError):
                continue

    # -- libraries -----------------------------------------------------------------------------
    def libraries(self, facts: GpuFacts, site_packages: Sequence[str], conda_prefix: str | None) -> None:
        seen: set[str] = set()
        frameworks = all_frameworks()

        def scan(directory: Path, origin: str, **kw: Any) -> None:
            try:
                info = os.stat(directory)
            except (OSError, ValueError):
                return
            key = f"{info.st_dev}:{info.st_ino}"
            if key in seen or not stat.S_ISDIR(info.st_mode):
                return
            seen.add(key)
            facts.libraries.extend(self._scan_dir(directory, origin, **kw))

        for entry in facts.ld_library_path:
            scan(self.at(entry), "ld_library_path")
        for site in site_packages:
            site_dir = self.at(site)
            nvidia = site_dir / "nvidia"
            dists = _pip_dists(site_dir) if nvidia.is_dir() else {}
            for sub in _listdir(nvidia):
                for libdir in ("lib", "lib64"):
                    scan(nvidia / sub / libdir, "pip", pip_dists=dists)
            for framework in frameworks:
                for folder in framework.bundled_libraries:  # CUDA libraries inside its wheel (torch/lib)
                    scan(site_dir / folder, "bundled", package=framework.key)
        if conda_prefix:
            records = _conda_records(self.at(conda_prefix) / "conda-meta")
            scan(self.at(conda_prefix) / "lib", "conda", conda_records=records)
        if facts.cuda_home:
            home = self.at(facts.cuda_home)
            for sub in ("lib64", "lib", *_globs(home, "targets/*/lib")):
                scan(home / sub, "cuda_home")
        if facts.wsl:
            scan(self.at("/usr/lib/wsl/lib"), "wsl")
        for directory in self._loader_dirs(facts):
            scan(directory, "system")
        for pattern in _TOOLKIT_GLOBS:
            for toolkit in sorted(glob.glob(str(self.root / pattern))):
                for sub in ("lib64", "lib", *_globs(Path(toolkit), "targets/*/lib")):
                    scan(Path(toolkit) / sub, "toolkit")

    def _loader_dirs(self, facts: GpuFacts) -> list[Path]:
        """The folders the dynamic loader searches: its cache, ld.so.conf, the trusted dirs."""
        dirs: list[Path] = []
        cached = read_ld_so_cache(self.at("/etc/ld.so.cache"))
        if cached is None and self.live and sys.platform.startswith("linux"):
            cached = self._ldconfig_p(facts)
        for _, path in cached or []:
            dirs.append(self.at(os.path.dirname(path)))
        for conf_dir in _ld_so_conf(self.root, self.at("/etc/ld.so.conf"), depth=0):
            dirs.append(self.at(conf_dir))
        dirs.extend(self.root / d for d in _DEFAULT_LIB_DIRS)
        unique: list[Path] = []
        for d in dirs:
            if d not in unique:
                unique.append(d)
        return unique

    def _ldconfig_p(self, facts: GpuFacts) -> list[tuple[str, str]] | None:
        ldconfig = self.which("ldconfig", ["/sbin", "/usr/sbin"])
        if ldconfig is None:
            return None
        out = self.call(facts, [str(ldconfig), "-p"], 2.0)
        if out is None:
            return None
        return parse_ldconfig_p(out)

    def _scan_dir(
        self,
        directory: Path,
        origin: str,
        *,
        package: str | None = None,
        pip_dists: Mapping[str, list[tuple[str, str]]] | None = None,
        conda_records: Mapping[str, str] | None = None,
    ) -> list[CudaLibrary]:
        groups: dict[tuple[str, str], list[str]] = {}
        for entry in _listdir(directory):
            match = _LIB_RE.match(entry)
            if not match:
                continue
            stem, file_version = match.group(1), match.group(2)
            if stem == "cuda" and origin not in ("system", "wsl", "ld_library_path"):
                continue  # stub libcuda.so.1 files in toolkits are not the driver
            groups.setdefault((stem, file_version.split(".")[0]), []).append(file_version)
        found: list[CudaLibrary] = []
        for (stem, major), versions in sorted(groups.items()):
            name = _CANONICAL.get(stem, stem)
            soname_file = f"lib{stem}.so.{major}"
            if stem == "cudart" and f"{major}.0" in versions and major == "11":
                soname_file = "libcudart.so.11.0"
            elif stem == "nvrtc" and major == "11":
                soname_file = next((f"libnvrtc.so.{v}" for v in versions if v.count(".") == 1), soname_file)
            path = directory / soname_file
            if not _exists(path):
                path = directory / f"lib{stem}.so.{max(versions, key=_vkey)}"
            version: str | None = max(versions, key=_vkey)
            source = "filename"
            owner = package
            if version is not None and version.count(".") == 0 and stem == "cudart":
                version = None  # libcudart.so.12 says only the major
            if version is None or version.count(".") == 0:
                component = _toolkit_components(directory).get(name)
                if component and component.split(".")[0] == major:
                    version, source = component, "toolkit"
            if pip_dists is not None:
                dist = _pick_dist(pip_dists, name, major)
                if dist:
                    owner, version, source = dist[0], dist[1], "dist"
            if conda_records is not None:
                for conda_name in CONDA_PACKAGES.get(name, ()):
                    if conda_name in conda_records:
                        owner = conda_name
                        if (conda_name != "cudatoolkit" or name == "cudart") and (
                            version is None or version.count(".") < 2
                        ):
                            version, source = conda_records[conda_name], "conda"
                        break
            if name == "cudnn" and (version is None or version.count(".") < 1):
                header = self._cudnn_header(directory, major)
                if header:
                    version, source = header, "header"
            found.append(
                CudaLibrary(
                    name=name,
                    version=version,
                    path=self.host(path),
                    origin=origin,
                    package=owner,
                    soname=soname_file,
                    version_source=source if version else None,
                )
            )
        return found

    def _cudnn_header(self, libdir: Path, major: str) -> str | None:
        places = [libdir.parent / "include", self.at("/usr/include")]
        places.append(self.at("/usr/local/cuda/include"))
        places += [self.at(f"/usr/include/{t}") for t in ("x86_64-linux-gnu", "aarch64-linux-gnu")]
        for place in places:
            for header in ("cudnn_version.h", f"cudnn_version_v{major}.h"):
                text = _read(place / header)
                if not text:
                    continue
                parts = [re.search(rf"#define\s+CUDNN_{k}\s+(\d+)", text) for k in ("MAJOR", "MINOR", "PATCHLEVEL")]
                if parts[0] and parts[0].group(1) == major:
                    return ".".join(m.group(1) for m in parts if m)
        return None

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
            version = _toolkit_version(toolkit)
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
def _read(path: Path) -> str | None:
    return maybe_text(path)  # regular files only, at most 1 MiB (headers, version files, /proc)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _listdir(path: Path) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except (OSError, ValueError):
        return []


def _globs(base: Path, pattern: str) -> list[str]:
    return [os.path.relpath(p, base) for p in sorted(glob.glob(str(base / pattern)))]


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _na(value: str) -> str | None:
    value = value.strip()
    return None if not value or value.startswith("[") or value.upper() == "N/A" else value


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cuda_int(value: int) -> str:
    """12040 -> "12.4" (the encoding of cuDriverGetVersion / NVML)."""
    return f"{value // 1000}.{(value % 1000) // 10}"


def _vkey(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def _pip_dists(site: Path) -> dict[str, list[tuple[str, str]]]:
    """{normalized "nvidia-..." name: [(name, version)]} from the *.dist-info folder names."""
    result: dict[str, list[tuple[str, str]]] = {}
    for entry in _listdir(site):
        if not entry.startswith("nvidia") or not entry.endswith(".dist-info"):
            continue
        stem = entry[: -len(".dist-info")]
        name, _, version = stem.partition("-")
        canonical = canonicalize_name(name)
        result.setdefault(canonical, []).append((canonical, version))
    return result


def _pick_dist(dists: Mapping[str, list[tuple[str, str]]], name: str, major: str) -> tuple[str, str] | None:
    base = PIP_BASE.get(name)
    if base is None:
        return None
    candidates: list[tuple[str, str]] = []
    for dist_name, entries in dists.items():
        if dist_name == f"nvidia-{base}" or re.fullmatch(rf"nvidia-{base}-cu\d+", dist_name):
            candidates.extend(entries)
    if not candidates:
        return None
    # the wheel whose version major matches the soname (cuDNN 9 ships libcudnn.so.9, ...)
    for dist_name, version in candidates:
        if version.split(".")[0] == major:
            return dist_name, version
    return candidates[0] if len(candidates) == 1 and name in ("cufft", "curand", "cusolver", "cusparse") else None


def _conda_records(meta: Path) -> dict[str, str]:
    """{name: version} from conda-meta/<name>-<version>-<build>.json file names (no JSON read)."""
    result: dict[str, str] = {}
    for entry in _listdir(meta):
        if not entry.endswith(".json"):
            continue
        parts = entry[: -len(".json")].rsplit("-", 2)
        if len(parts) == 3:
            result[parts[0]] = parts[1]
    return result


# version.json keys / wheel names of a toolkit's components, per CudaLibrary.name
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


def _toolkit_components(libdir: Path) -> dict[str, str]:
    """{library name: version} from the version.json (or dist-info folder) of the CUDA toolkit
    that `libdir` (<toolkit>/lib64, <toolkit>/targets/<arch>/lib) belongs to."""
    for toolkit in (libdir.parent, libdir.parent.parent.parent):
        data: Any = None
        text = _read(toolkit / "version.json")
        if text:
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        wheels = {
            canonicalize_name(n.partition("-")[0]): n.partition("-")[2][: -len(".dist-info")]
            for n in _listdir(toolkit / "dist-info")
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


def _toolkit_version(toolkit: Path) -> str | None:
    """The CUDA toolkit version from version.json (CUDA >= 11.1) or version.txt (older)."""
    text = _read(toolkit / "version.json")
    if text:
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        for key in ("cuda_nvcc", "cuda"):
            entry = data.get(key) if isinstance(data, dict) else None
            if isinstance(entry, dict) and entry.get("version"):
                return str(entry["version"])
    text = _read(toolkit / "version.txt")
    match = re.search(r"CUDA Version\s+(\d+\.\d+(?:\.\d+)?)", text or "")
    return match.group(1) if match else None


def _ld_so_conf(root: Path, conf: Path, depth: int) -> list[str]:
    text = _read(conf)
    if not text or depth > 4:
        return []
    dirs: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("include "):
            pattern = line.split(None, 1)[1].strip()
            if not pattern.startswith("/"):
                pattern = "/etc/" + pattern
            for path in sorted(glob.glob(str(root / pattern.lstrip("/")))):
                dirs.extend(_ld_so_conf(root, Path(path), depth + 1))
        elif line.startswith("/"):
            dirs.append(line.split()[0])
    return dirs


_CACHE_NEW = b"glibc-ld.so.cache1.1"


_CUDA_SONAMES = (
    "libcud",
    "libcub",
    "libcuf",
    "libcur",
    "libcus",
    "libnvrtc",
    "libnvJitLink",
    "libnccl",
    "libcupti",
    "libnvidia-ml",
)


def read_ld_so_cache(path: Path, prefixes: tuple[str, ...] = _CUDA_SONAMES) -> list[tuple[str, str]] | None:
    """[(soname, path)] of the CUDA-family entries of a glibc ld.so.cache; None if unreadable.

    The new format (glibc >= 2.32 writes only it): a 48-byte header, `nlibs` entries of
    (int32 flags, uint32 key, uint32 value, uint32 osversion, uint64 hwcap), string offsets
    relative to the header. Older files put it after the libc5-style table; we look it up.
    """
    try:
        data = read_bytes(path, JSON_LIMIT)
    except (OSError, ValueError):
        return None
    start = data.find(_CACHE_NEW)
    if start < 0 or len(data) < start + 48:
        return None
    try:
        nlibs = struct.unpack_from("<I", data, start + 20)[0]
        result: list[tuple[str, str]] = []
        for i in range(nlibs):
            _, key, value, _, _ = struct.unpack_from("<iIIIQ", data, start + 48 + 24 * i)
            soname = _cstring(data, start + key)
            if soname.startswith(prefixes):
                result.append((soname, _cstring(data, start + value)))
        return result
    except (struct.error, UnicodeDecodeError, ValueError):
        return None


def _cstring(data: bytes, offset: int) -> str:
    end = data.index(b"\0", offset)
    return data[offset:end].decode("utf-8")


def parse_ldconfig_p(text: str) -> list[tuple[str, str]]:
    """[(soname, path)] from `ldconfig -p`: "\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/..."."""
    result = []
    for line in text.splitlines():
        match = re.match(r"\s*(\S+)\s+\(.*\)\s+=>\s+(\S+)", line)
        if match:
            result.append((match.group(1), match.group(2)))
    return result


def cuda_for_driver(driver_version: str) -> str | None:
    """The highest CUDA whose toolkit driver (Linux) is <= `driver_version`, from the knowledge
    base's driver table; None when the table does not say."""
    try:
        from envdoctor.knowledge import KnowledgeBase

        kb = KnowledgeBase.load()
    except Exception:
        return None
    have = _vkey(driver_version)
    best: tuple[int, int] | None = None
    for major in range(10, 14):
        for minor in range(0, 10):
            try:
                req = kb.min_driver(f"{major}.{minor}")
            except Exception:
                return None
            if req is None or not req.toolkit_driver:
                continue
            if _vkey(req.toolkit_driver) <= have and (best is None or (major, minor) > best):
                best = (major, minor)
    return f"{best[0]}.{best[1]}" if best else None
