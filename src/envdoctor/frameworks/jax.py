"""JAX: the pure `jax` wheel, its compiled `jaxlib` (which decides the Pythons and carries the NumPy
ABI), and the GPU build as a separate plugin per CUDA major (jax-cuda12-plugin), installed through
the jax[cuda12] extra; older jaxlib builds named their CUDA in the version tag (+cuda12.cudnn89)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from envdoctor.frameworks._buildinfo import nvidia_lower_bound
from envdoctor.frameworks._descriptor import (
    Conda,
    Framework,
    GpuGap,
    GpuQuestion,
    Install,
    MenuEntry,
    PlanBuild,
    PlanQuestion,
    Plugins,
    TagBuild,
)

_JAXLIB_TAG = re.compile(r"cuda(\d+)(?:\.cudnn(\d+))?")


class Jax(Framework):
    def tag_build(self, name: str, local: str) -> TagBuild | None:
        match = _JAXLIB_TAG.match(local) if name == self.binary else None
        if match is None:
            return None
        cudnn = None
        if match.group(2):
            digits = match.group(2)
            cudnn = f"{digits[0]}.{digits[1:]}" if len(digits) <= 2 else f"{digits[0]}.{digits[1]}.{digits[2:]}"
        return TagBuild(cuda=match.group(1), cudnn=cudnn, source=f"{name} version tag +{local}")

    def read_build_info(
        self, package: str, members: Mapping[str, str], requires: Sequence[str], wheel: str, metadata_file: str
    ) -> dict[str, object]:
        """A CUDA plugin's CUDA / cuDNN, from its Requires-Dist (the minimums of the NVIDIA runtime and
        cuDNN wheels it pulls in); its name gives the major."""
        major = self.plugins.major(package) if self.plugins else None
        if major is None:
            return {}
        cuda, creq = nvidia_lower_bound(requires, "cuda-runtime")
        cudnn, nreq = nvidia_lower_bound(requires, "cudnn")
        return {
            "cuda": cuda if cuda and cuda.split(".")[0] == major else major,
            "cudnn": cudnn,
            "build_source": f"CUDA {major} from the package name; minimums from Requires-Dist of "
            f"{metadata_file}: {creq!r}, {nreq!r}",
        }

    def plan_build(self, question: PlanQuestion) -> PlanBuild:
        q = question
        out = PlanBuild()
        plugins = self.plugins
        if plugins is not None and q.gpu and q.os == "linux":
            major = q.cuda_major or plugins.default_major
            extra = plugins.request_extra.replace("{major}", major)
            out.extras.append(extra)
            out.detail.append(
                f"GPU through {self.distribution}[{extra}] (CUDA {q.cuda or major}, cuDNN {q.cudnn or '?'} from pip)"
            )
        return out

    def gpu_install(self, question: GpuQuestion) -> Install | None:
        if question.os != "linux":
            return Install((), hints=("JAX's CUDA builds are Linux-only; on Windows use WSL2.",))
        have = question.driver_cuda
        major = 13 if have and have[0] >= 13 else 12
        return Install((self._gpu_spec(str(major)),), ("upgrade",))

    def driver_install(self, question: GpuQuestion) -> Install | None:
        have = question.driver_cuda
        if have and question.cuda_major and int(question.cuda_major) > have[0] >= 12:
            return Install((self._gpu_spec(str(have[0])),), ("upgrade",))
        return None

    def _gpu_spec(self, major: str) -> str:
        extra = self.plugins.request_extra.replace("{major}", major) if self.plugins else f"cuda{major}"
        return f"{self.distribution}[{extra}]"


_PLUGIN_MAJORS = ("11", "12", "13")

FRAMEWORK = Jax(
    key="jax",
    label="JAX",
    distribution="jax",
    conda=Conda(request="jax", records=("jaxlib",)),
    binary="jaxlib",
    cpu_extra="cpu",
    plugins=Plugins(
        name="jax-cuda{major}-plugin",
        others=("jax-cuda{major}-pjrt",),
        extra="with-cuda",
        request_extra="cuda{major}",
        default_major="12",  # jax[cuda] means jax[cuda12]
        majors=_PLUGIN_MAJORS,
    ),
    focus=("jax", "jaxlib"),
    kb_packages={
        "jax": "0.4.0",
        "jaxlib": "0.4.0",
        **{f"jax-cuda{m}-{kind}": "0.4.0" for m in _PLUGIN_MAJORS for kind in ("plugin", "pjrt")},
    },
    numpy_binaries=("xla_extension", "_jax"),
    avx_since="0.0",  # jaxlib: every x86-64 wheel
    gpu_os={"linux": ""},  # through the CUDA plugin; plan also needs one with a wheel for the platform
    gpu_gaps={"windows": GpuGap("JAX has no GPU build for native Windows", "use WSL2 (Linux) for the GPU")},
    menu=(
        MenuEntry("jax-cpu", "jax[cpu]", "jax[cpu]", ("cpu",)),
        MenuEntry("jax-cuda12", "jax[cuda12]", "jax[cuda12]", ("gpu",)),
        MenuEntry("jax-cuda13", "jax[cuda13]", "jax[cuda13]", ("gpu",)),
    ),
    verify_file="_verify_jax.py",
    verify_keys=("jaxlib", "default_backend"),
)
