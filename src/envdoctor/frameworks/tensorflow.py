"""TensorFlow: its distributions (the CPU, vendor and platform variants, the removed tensorflow-gpu),
Keras, the and-cuda extra, its build_info.py, and no GPU on native Windows after 2.10."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from envdoctor.frameworks._buildinfo import literal_assignments
from envdoctor.frameworks._descriptor import (
    Conda,
    Framework,
    GpuGap,
    GpuQuestion,
    Install,
    Keras,
    MenuEntry,
    PlanBuild,
    PlanQuestion,
    Variant,
)

WINDOWS_SOURCE = "https://www.tensorflow.org/install/pip#windows-native"


class TensorFlow(Framework):
    def read_build_info(
        self, package: str, members: Mapping[str, str], requires: Sequence[str], wheel: str, metadata_file: str
    ) -> dict[str, object]:
        facts: dict[str, object] = {}
        for path, source in members.items():
            info = build_info(source)
            facts = {"cuda": info["cuda"], "cudnn": info["cudnn"], "build_source": f"{path} in {wheel}"}
            if info["compute_capabilities"]:
                facts["compute_capabilities"] = info["compute_capabilities"]
        return facts

    def plan_build(self, question: PlanQuestion) -> PlanBuild:
        # lazy: keeps packaging.version out of check's start-up (8.0 ms, 2 modules: packaging)
        from packaging.version import Version

        out = PlanBuild()
        q = question
        since = self.variant(self.distribution).cuda_extra_since  # type: ignore[union-attr]
        if q.gpu and q.os == "linux" and Version(q.version) >= Version(since):
            out.extras.append(self.cuda_extra)
            out.detail.append(
                f"GPU through {self.distribution}[{self.cuda_extra}] (CUDA {q.cuda or '?'}, cuDNN {q.cudnn or '?'} "
                "from pip)"
            )
        elif q.gpu and q.os in ("linux", "windows"):
            out.system_cuda = True
            where = (
                "from conda (cudatoolkit, cudnn)"
                if q.manager == "conda"
                else "installed on the system (or use --manager conda)"
            )
            out.detail.append(f"GPU needs CUDA {q.cuda or '?'} and cuDNN {q.cudnn or '?'} {where}")
        return out

    def gpu_install(self, question: GpuQuestion) -> Install | None:
        q = question
        linux = q.os == "linux"
        spec = f"{self.distribution}[{self.cuda_extra}]=={q.version}" if linux else f"{self.distribution}=={q.version}"
        # the CPU variant is replaced: never two TensorFlow distributions
        return Install((spec,), remove=(q.name,) if q.name != self.distribution else ())

    def verify_args(self, installed: frozenset[str], environ: Mapping[str, str]) -> tuple[str, ...]:
        keras = self.keras
        if keras is not None and ({keras.package, keras.legacy} & installed or environ.get(keras.legacy_env)):
            return ("--keras",)
        return ()

    def verify_summary(self, build: Mapping[str, object]) -> list[str]:
        parts = super().verify_summary(build)
        if "is_cuda_build" in build:
            parts.insert(0, "cuda build" if build.get("is_cuda_build") else "cpu build")
        return parts

    def verify_problem(self, version: str, keras: Mapping[str, object] | None) -> str | None:
        """tf.keras is Keras 3 under a TensorFlow that predates it (<= 2.15): Keras 2 code breaks."""
        # lazy: keeps versions out of check's start-up (9.1 ms, 3 modules: packaging)
        from envdoctor.versions import parse_version

        if not keras or not keras.get("ok") or not version or self.keras is None:
            return None
        tf_version = parse_version(version.split("+")[0])
        keras_version = parse_version(str(keras.get("version") or ""))
        since = parse_version(self.keras.keras3_since)
        if tf_version is None or keras_version is None or since is None:
            return None
        if tf_version.release[:2] < since.release[:2] and keras_version.major >= 3:
            return (
                f"tf.keras is Keras {keras_version} under TensorFlow {version}, which was built for Keras 2 "
                f"(keras<{self.keras.keras3_since}): Keras 2 code fails (keras-version-mismatch)"
            )
        return None


def build_info(source: str) -> dict[str, object]:
    """CUDA facts from TensorFlow's build_info.py (both the 2.0-era flat form and the dict)."""
    values = literal_assignments(source)
    info = values.get("build_info")
    if not isinstance(info, dict):
        info = {
            "is_cuda_build": values.get("is_cuda_build"),
            "cuda_version": values.get("cuda_version_number"),
            "cudnn_version": values.get("cudnn_version_number"),
        }
    is_cuda = bool(info.get("is_cuda_build"))
    caps = info.get("cuda_compute_capabilities") or []
    return {
        "cuda": str(info["cuda_version"]) if is_cuda and info.get("cuda_version") else None,
        "cudnn": str(info["cudnn_version"]) if is_cuda and info.get("cudnn_version") else None,
        "compute_capabilities": [str(c) for c in caps] if is_cuda else [],
        "is_cuda_build": is_cuda,
    }


FRAMEWORK = TensorFlow(
    key="tensorflow",
    label="TensorFlow",
    distribution="tensorflow",
    variants=(
        Variant("tensorflow", request=True, cuda_extra_since="2.14"),
        Variant("tensorflow-cpu", request=True, cpu_only=True, own_plan=True),
        Variant(
            "tensorflow-gpu",
            request=True,
            installed_as="tensorflow",
            removed=True,
            note="tensorflow-gpu was removed after 2.11 (its 2.12 sdist fails on purpose)",
        ),
        Variant("tensorflow-intel", request=True, installed_as="tensorflow"),
        Variant("tensorflow-macos", request=True, cpu_only=True),
        Variant("tensorflow-aarch64"),
        Variant("tensorflow-cpu-aws", cpu_only=True, installed_as="tensorflow"),
        Variant("tf-nightly", cuda_extra_since="2.14.0.dev0"),
        Variant("tf-nightly-cpu", cpu_only=True),
        Variant("tf-nightly-gpu", installed_as="tf-nightly"),
        Variant("intel-tensorflow"),
        Variant("intel-tensorflow-avx512"),
    ),
    env_name="tf",
    conda=Conda(request="tensorflow", records=("tensorflow-base", "tensorflow"), cuda_build="cuda*"),
    parts=("tensorboard", "keras", "tf-keras", "tensorflow-estimator"),
    focus=(
        "h5py",
        "keras",
        "tf-keras",
        "ml-dtypes",
        "tensorboard",
        "tensorflow-estimator",
        "tensorflow-io-gcs-filesystem",
        "wrapt",
        "flatbuffers",
        "gast",
        "opt-einsum",
    ),
    shared_modules=("tensorflow_estimator", "keras", "tf_keras"),
    kb_packages={
        "tensorflow": "2.0",
        "tensorflow-cpu": "2.0",
        "tensorflow-gpu": "2.0",
        "tensorflow-intel": "2.0",
        "tensorflow-macos": "2.0",
        "keras": "2.0",
        "tf-keras": "2.0",
        # companions users install beside it, whose wheels cover fewer platforms than TensorFlow's
        "tensorflow-text": "2.0",
        "tensorflow-addons": "0.6",
        "tensorflow-io": "0.8",
        "tensorflow-io-gcs-filesystem": "0.20",
        "tensorflow-decision-forests": "0.1",
    },
    numpy_binaries=("_pywrap_tensorflow_internal",),
    avx_since="1.6",
    keras=Keras(),
    cuda_extra="and-cuda",
    gpu_os={"linux": "", "windows": "<2.11"},
    gpu_gaps={
        "windows": GpuGap(
            "TensorFlow has no GPU build on native Windows after 2.10",
            "use WSL2 (envdoctor plan tensorflow --gpu --platform linux-x86_64), or pin tensorflow<2.11 with "
            "Python <= 3.10",
            WINDOWS_SOURCE,
            last_release="2.10",
            last_python="3.10",
            last_setup="conda install -c conda-forge cudatoolkit=11.2 cudnn=8.1.0",
            evidence="https://github.com/tensorflow/tensorflow/releases/tag/v2.11.1 ('TensorFlow 2.10 was the last "
            "TensorFlow release that supported GPU on native-Windows')",
        ),
        "macos": GpuGap("TensorFlow has no GPU build on macOS"),
    },
    no_cuda_on=("macos",),
    pip_libs_next_to_itself=True,  # it looks for the nvidia wheels next to itself ($ORIGIN/../nvidia)
    tested_builds="tensorflow_tested_gpu_builds",
    build_members=("/python/platform/build_info.py",),
    menu=(
        MenuEntry("tensorflow", "tensorflow", "tensorflow"),
        MenuEntry("tensorflow-cpu", "tensorflow-cpu", "tensorflow-cpu", ("cpu",)),
        MenuEntry("tensorflow-and-cuda", "tensorflow[and-cuda]", "tensorflow[and-cuda]", ("gpu",)),
    ),
    verify_file="_verify_tensorflow.py",
    verify_keys=("cuda_version", "cudnn_version"),
)
