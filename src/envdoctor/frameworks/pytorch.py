"""PyTorch: `torch` on PyPI, `pytorch` on conda, builds named by their local version tag (+cpu,
+cu121, +rocm6.0), CUDA wheels from download.pytorch.org (uv --torch-backend), CUDA libraries
bundled in torch/lib, and Apple GPUs through MPS."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from envdoctor.frameworks._buildinfo import literal_assignments, nvidia_lower_bound
from envdoctor.frameworks._descriptor import (
    Conda,
    Framework,
    GpuQuestion,
    Install,
    PlanBuild,
    PlanQuestion,
    TagBuild,
    WheelIndex,
)

INDEX = WheelIndex(
    url="https://download.pytorch.org/whl/",
    uv_option="--torch-backend",
    # the CUDA variants download.pytorch.org serves wheels for, newest first
    cuda_tags=("cu130", "cu129", "cu128", "cu126", "cu124", "cu121", "cu118", "cu117"),
    releases="https://pytorch.org/get-started/previous-versions/",
)
PYPI = ("--index-url", "https://pypi.org/simple")
_CUDA_TAG = re.compile(r"cu\d{2,3}")


class PyTorch(Framework):
    def tag_build(self, name: str, local: str) -> TagBuild | None:
        if local.startswith("cpu"):
            return TagBuild(cpu_reason=f"the local version tag +{local} (CPU wheel)", source="version tag")
        if local.startswith("rocm"):
            return TagBuild(cpu_reason=f"a ROCm (AMD) build (+{local})", source="version tag")
        if _CUDA_TAG.fullmatch(local):
            digits = local[2:]
            return TagBuild(cuda=f"{digits[:-1]}.{digits[-1]}", source=f"version tag +{local}")
        return None

    def read_build_info(
        self, package: str, members: Mapping[str, str], requires: Sequence[str], wheel: str, metadata_file: str
    ) -> dict[str, object]:
        facts: dict[str, object] = {}
        for path, source in members.items():
            cuda = literal_assignments(source).get("cuda")
            facts = {"cuda": str(cuda) if cuda else None, "build_source": f"{path} in {wheel}"}
            if cuda:
                cudnn, req = nvidia_lower_bound(requires, "cudnn")
                if cudnn:
                    facts["cudnn"] = cudnn
                    facts["build_source"] = f"{facts['build_source']}; cuDNN from Requires-Dist {req!r}"
        return facts

    def plan_build(self, question: PlanQuestion) -> PlanBuild:
        q = question
        out = PlanBuild()
        index = self.wheel_index
        assert index is not None
        if q.os == "linux" and not q.gpu:
            out.index_backend = index.cpu
            out.detail.append(
                f"CPU-only wheel from the PyTorch CPU index {index.backend_url(index.cpu)} (uv {index.uv_option} "
                f"{index.cpu}): PyPI's Linux torch wheels are CUDA builds that pull several GB of nvidia-* wheels"
            )
        elif q.os == "windows" and q.gpu and q.cuda:
            out.index_backend = "cu" + q.cuda.replace(".", "")[:3]
            out.detail.append(f"CUDA {q.cuda} wheel from the PyTorch index (uv {index.uv_option} {out.index_backend})")
        elif q.gpu and q.os == "linux":
            out.detail.append(f"the PyPI wheel bundles CUDA {q.cuda or '?'} (nvidia-* packages)")
        elif q.gpu and q.os == "macos":
            out.detail.append("Apple GPU through MPS (built in)")
        # a CUDA wheel's driver floor: PyPI's on Linux, the PyTorch index's elsewhere
        out.driver_applies = q.os == "linux" or out.index_backend is not None
        return out

    def gpu_install(self, question: GpuQuestion) -> Install | None:
        q = question
        index = self.wheel_index
        assert index is not None
        base = q.version.split("+")[0]
        have = q.driver_cuda
        hints = ["Reinstall torchvision / torchaudio from the same index so their builds match."]
        if q.kb_cuda and q.os == "linux":
            cuda = tuple(int(p) for p in re.findall(r"\d+", q.kb_cuda))
            if not have or cuda[:2] <= have[:2]:  # PyPI's Linux wheel is a CUDA build the driver runs
                return Install((f"{self.distribution}=={base}",), ("force-reinstall",), PYPI, hints=tuple(hints))
        tag = index.tag_for(have)
        if tag is None:
            return Install((), hints=tuple(hints))
        hints.append(f"Check that this torch version exists for that CUDA variant: {index.releases}")
        return Install(
            (f"{self.distribution}=={base}",),
            ("force-reinstall",),
            ("--index-url", index.backend_url(tag)),
            hints=tuple(hints),
        )

    def driver_install(self, question: GpuQuestion) -> Install | None:
        index = self.wheel_index
        if index is None or not question.driver_cuda:
            return None
        tag = index.tag_for(question.driver_cuda)
        if tag is None:
            return None
        base = question.version.split("+")[0]
        return Install((f"{self.distribution}=={base}",), ("force-reinstall",), ("--index-url", index.backend_url(tag)))

    def verify_summary(self, build: Mapping[str, object]) -> list[str]:
        parts = super().verify_summary(build)
        if build and not build.get("cuda"):
            parts.insert(0, "cpu build")
        return parts


FRAMEWORK = PyTorch(
    key="torch",
    label="PyTorch",
    distribution="torch",
    aliases=("pytorch",),  # conda's name; never an installed distribution
    env_name="torch",
    conda=Conda(request="pytorch", records=("pytorch", "torch"), aliases=("pytorch", "pytorch-cpu", "pytorch-gpu")),
    parts=("torchvision", "torchaudio"),
    kb_packages={"torch": "1.13"},
    numpy_binaries=("libtorch_python", "_C."),
    gpu_os={"linux": "", "windows": "", "macos": ""},  # macOS: Apple GPUs through MPS
    no_cuda_on=("macos",),
    pypi_cpu_only_on=("windows", "macos"),
    wheel_index=INDEX,
    bundled_libraries=("torch/lib",),
    build_members=("torch/version.py",),
    verify_file="_verify_torch.py",
    verify_keys=("cuda", "cudnn", "hip"),
)
