"""A small, hand-written knowledge base with real TensorFlow / PyTorch / JAX facts (a subset)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from packaging.requirements import Requirement
from packaging.version import Version

from envdoctor.knowledge import BuildInfo, Constraint, DriverRequirement, EmptyKnowledge, Release, RemovedPackage

_TF = {
    # version: (pythons on linux-x86_64, cuda, cudnn, numpy requirement)
    "2.10.1": (("3.7", "3.8", "3.9", "3.10"), "11.2", "8.1", "numpy>=1.20"),
    "2.13.1": (("3.8", "3.9", "3.10", "3.11"), "11.8", "8.6", "numpy<=1.24.3,>=1.22"),
    "2.14.1": (("3.9", "3.10", "3.11"), "11.8", "8.7", "numpy>=1.23.5"),
    "2.15.1": (("3.9", "3.10", "3.11"), "12.2", "8.9", "numpy<2.0.0,>=1.23.5"),
    "2.16.2": (("3.9", "3.10", "3.11", "3.12"), "12.3", "8.9", "numpy<2.0.0,>=1.23.5"),
    "2.17.1": (("3.9", "3.10", "3.11", "3.12"), "12.3", "8.9", "numpy<2.0.0,>=1.23.5"),
    "2.18.0": (("3.9", "3.10", "3.11", "3.12"), "12.5", "9.3", "numpy<2.1.0,>=1.26.0"),
}
_TORCH = {
    "2.0.1": (("3.8", "3.9", "3.10", "3.11"), "11.7", "8.5"),
    "2.5.1": (("3.9", "3.10", "3.11", "3.12"), "12.4", "9.1"),
}
_DRIVERS = {"11": ("450.80.02", "520.61.05"), "12": ("525.60.13", "555.42.02")}


def FakeRelease(
    version: str,
    pythons_by_platform: dict[str, tuple[str, ...]] | None = None,
    requires: tuple[str, ...] = (),
    yanked: bool = False,
    package: str = "tensorflow",
) -> Release:
    """A real `Release` record with only the fields the fakes know."""
    return Release(package, version, pythons_by_platform=pythons_by_platform or {}, requires=requires, yanked=yanked)


class FakeKB(EmptyKnowledge):
    def __init__(self) -> None:
        self.data: dict[str, list[FakeRelease]] = {"tensorflow": [], "torch": [], "jax": []}
        for version, (pys, _cuda, _cudnn, numpy) in _TF.items():
            by_platform = {"linux-x86_64": pys, "linux-aarch64": pys, "macos-arm64": pys}
            by_platform["windows-x86_64"] = pys
            self.data["tensorflow"].append(FakeRelease(version, by_platform, (numpy, "protobuf>=3.20")))
        for version, (pys, _cuda, _cudnn) in _TORCH.items():
            by_platform = {p: pys for p in ("linux-x86_64", "windows-x86_64", "macos-arm64")}
            self.data["torch"].append(FakeRelease(version, by_platform, package="torch"))
        self.data["tensorflow-gpu"] = [FakeRelease("2.10.1", {"linux-x86_64": ("3.10",)}, package="tensorflow-gpu")]

    def packages(self) -> list[str]:
        return sorted(self.data)

    def releases(self, package: str, *, include_yanked: bool = True) -> list[Release]:
        return [r for r in self.data.get(package, []) if include_yanked or not r.yanked]

    def pythons(self, package: str, version: str, platform: str) -> list[str]:
        for release in self.data.get(package, []):
            if release.version == version:
                return release.pythons(platform)
        return []

    def build(self, package: str, version: str) -> BuildInfo | None:
        table = {"tensorflow": _TF, "torch": _TORCH}.get(package, {})
        row = table.get(version)
        return BuildInfo(row[1], row[2], (), "test") if row else None

    def min_driver(self, cuda_version: str) -> DriverRequirement | None:
        minor, toolkit = _DRIVERS.get(cuda_version.split(".")[0], (None, None))
        return DriverRequirement(cuda_version, toolkit, minor, "test")

    def requirements(
        self,
        package: str,
        version: str,
        extras: Iterable[str] = (),
        environment: Mapping[str, str] | None = None,
    ) -> list[Requirement]:
        for release in self.data.get(package, []):
            if release.version == version:
                return [Requirement(r) for r in release.requires]
        return []

    def extra_constraints(self, package: str, version: str) -> list[Constraint]:
        if package != "tensorflow":
            return []
        result = []
        if Version(version) < Version("2.18"):
            result.append(Constraint("tensorflow", "<2.18", "numpy<2", "numpy-abi", "built against NumPy 1.x", "src"))
        if Version(version) < Version("2.10"):
            result.append(Constraint("tensorflow", "<2.10", "protobuf<3.20", "protobuf-mismatch", "old pb2", "src"))
        return result

    def removed(self, package: str) -> RemovedPackage | None:
        if package == "tensorflow-gpu":
            return RemovedPackage(
                "tensorflow-gpu",
                "2.12.0",
                "tensorflow[and-cuda]",
                "tensorflow",
                "package-removed",
                "removed after 2.11",
                "src",
            )
        return None
