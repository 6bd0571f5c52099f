"""The CUDA / cuDNN libraries a framework may load, by where they come from: pip's nvidia-* wheels, the conda
prefix, LD_LIBRARY_PATH, the loader's folders and cache, CUDA toolkits; each with its version and owner.
"""

from __future__ import annotations

import glob
import os
import re
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from envdoctor.frameworks import all_frameworks
from envdoctor.model import CudaLibrary, GpuFacts
from envdoctor.names import canonicalize_name
from envdoctor.probe.gpu.host import (
    Host,
    glob_names,
    list_dir,
    path_exists,
    read_file,
    version_key,
)
from envdoctor.probe.gpu.ldcache import (
    ld_so_conf,
    parse_ldconfig_p,
    read_ld_so_cache,
)
from envdoctor.probe.gpu.toolkit import TOOLKIT_GLOBS, toolkit_components

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

DEFAULT_LIB_DIRS = (
    "lib",
    "lib64",
    "usr/lib",
    "usr/lib64",
    "lib/x86_64-linux-gnu",
    "usr/lib/x86_64-linux-gnu",
    "lib/aarch64-linux-gnu",
    "usr/lib/aarch64-linux-gnu",
)


class LibraryProbe(Host):
    """The library scan."""

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
            for sub in list_dir(nvidia):
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
            for sub in ("lib64", "lib", *glob_names(home, "targets/*/lib")):
                scan(home / sub, "cuda_home")
        if facts.wsl:
            scan(self.at("/usr/lib/wsl/lib"), "wsl")
        for directory in self._loader_dirs(facts):
            scan(directory, "system")
        for pattern in TOOLKIT_GLOBS:
            for toolkit in sorted(glob.glob(str(self.root / pattern))):
                for sub in ("lib64", "lib", *glob_names(Path(toolkit), "targets/*/lib")):
                    scan(Path(toolkit) / sub, "toolkit")

    def _loader_dirs(self, facts: GpuFacts) -> list[Path]:
        """The folders the dynamic loader searches: its cache, ld.so.conf, the trusted dirs."""
        dirs: list[Path] = []
        cached = read_ld_so_cache(self.at("/etc/ld.so.cache"))
        if cached is None and self.live and sys.platform.startswith("linux"):
            cached = self._ldconfig_p(facts)
        for _, path in cached or []:
            dirs.append(self.at(os.path.dirname(path)))
        for conf_dir in ld_so_conf(self.root, self.at("/etc/ld.so.conf"), depth=0):
            dirs.append(self.at(conf_dir))
        dirs.extend(self.root / d for d in DEFAULT_LIB_DIRS)
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
        for entry in list_dir(directory):
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
            if not path_exists(path):
                path = directory / f"lib{stem}.so.{max(versions, key=version_key)}"
            version: str | None = max(versions, key=version_key)
            source = "filename"
            owner = package
            if version is not None and version.count(".") == 0 and stem == "cudart":
                version = None  # libcudart.so.12 says only the major
            if version is None or version.count(".") == 0:
                component = toolkit_components(directory).get(name)
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
                text = read_file(place / header)
                if not text:
                    continue
                parts = [re.search(rf"#define\s+CUDNN_{k}\s+(\d+)", text) for k in ("MAJOR", "MINOR", "PATCHLEVEL")]
                if parts[0] and parts[0].group(1) == major:
                    return ".".join(m.group(1) for m in parts if m)
        return None


def _pip_dists(site: Path) -> dict[str, list[tuple[str, str]]]:
    """{normalized "nvidia-..." name: [(name, version)]} from the *.dist-info folder names."""
    result: dict[str, list[tuple[str, str]]] = {}
    for entry in list_dir(site):
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
    for entry in list_dir(meta):
        if not entry.endswith(".json"):
            continue
        parts = entry[: -len(".json")].rsplit("-", 2)
        if len(parts) == 3:
            result[parts[0]] = parts[1]
    return result


# version.json keys / wheel names of a toolkit's components, per CudaLibrary.name
