"""The ED4xx rules on in-memory snapshots: a failing and a passing case each."""

from __future__ import annotations

from typing import Any

from envdoctor.knowledge import BuildInfo, KnowledgeBase
from envdoctor.model import (
    CondaRecord,
    CudaLibrary,
    Finding,
    GpuDevice,
    GpuFacts,
    Machine,
    Severity,
    Snapshot,
)
from envdoctor.rules._context import Context
from envdoctor.rules._registry import get_rule
from tests.factories import dist, snapshot
from tests.gpu.conftest import FakeKB

SITE = "/env/lib/python3.11/site-packages"
TF_AND_CUDA = [
    'nvidia-cuda-runtime-cu12==12.2.140; extra == "and-cuda"',
    'nvidia-cudnn-cu12==8.9.4.25; extra == "and-cuda"',
    'nvidia-cublas-cu12==12.2.5.6; extra == "and-cuda"',
]
TORCH_REQS = [
    'nvidia-cuda-runtime-cu12==12.1.105; platform_system == "Linux" and platform_machine == "x86_64"',
    'nvidia-cudnn-cu12==8.9.2.26; platform_system == "Linux" and platform_machine == "x86_64"',
]


def gpu(
    driver: str = "550.54.14",
    cuda: str | None = "12.4",
    cc: str = "8.6",
    libraries: list[CudaLibrary] | None = None,
    **kw: Any,
) -> GpuFacts:
    return GpuFacts(
        driver_version=driver,
        cuda_driver_version=cuda,
        source="nvidia-smi",
        driver_present=True,
        gpus=[GpuDevice(0, "NVIDIA GeForce RTX 3090", cc, 24576, "GPU-1111")],
        libraries=libraries or [],
        **kw,
    )


def machine(g: GpuFacts | None = None, os: str = "linux") -> Machine:
    return Machine(os=os, arch="x86_64", libc="glibc", libc_version="2.36", gpu=g or GpuFacts())


def pip_lib(name: str, version: str, sub: str, so: str, package: str, site: str = SITE) -> CudaLibrary:
    return CudaLibrary(name, version, f"{site}/nvidia/{sub}/lib/{so}", "pip", package, so, "dist")


def tf_pip_libs(site: str = SITE) -> list[CudaLibrary]:
    return [
        pip_lib("cudart", "12.2.140", "cuda_runtime", "libcudart.so.12", "nvidia-cuda-runtime-cu12", site),
        pip_lib("cudnn", "8.9.4.25", "cudnn", "libcudnn.so.8", "nvidia-cudnn-cu12", site),
        pip_lib("cublas", "12.2.5.6", "cublas", "libcublas.so.12", "nvidia-cublas-cu12", site),
    ]


def tf_dists(location: str = SITE, nvidia: bool = True) -> list[Any]:
    dists = [dist("tensorflow", "2.15.1", requires=TF_AND_CUDA, location=location)]
    if nvidia:
        dists += [
            dist("nvidia-cuda-runtime-cu12", "12.2.140"),
            dist("nvidia-cudnn-cu12", "8.9.4.25"),
            dist("nvidia-cublas-cu12", "12.2.5.6"),
        ]
    return dists


def check(code: str, snap: Snapshot, kb: Any = None) -> list[Finding]:
    registered = get_rule(code)
    assert registered is not None
    return list(registered.check(Context(snap, kb or FakeKB())))


# -- ED401 driver-too-old --------------------------------------------------------------------
def test_driver_too_old_error_for_newer_major() -> None:
    jax = [dist("jax", "0.7.2"), dist("jaxlib", "0.7.2"), dist("jax-cuda13-plugin", "0.7.2")]
    snap = snapshot(jax, machine=machine(gpu(driver="550.54.14", cuda="12.4")))
    [f] = check("ED401", snap)
    assert f.severity is Severity.ERROR and f.cause == "driver-too-old"
    assert "CUDA 13" in f.message and "insufficient" in f.message
    assert f.fix is not None and "jax[cuda12]" in f.fix
    assert any("minor-version-compatibility floor: >= 580.65.06" in e for e in f.evidence)


def test_driver_minor_version_compat_is_a_warning() -> None:
    torch = [dist("torch", "2.5.1+cu124")]
    snap = snapshot(torch, machine=machine(gpu(driver="535.104.05", cuda="12.2")))
    [f] = check("ED401", snap)
    assert f.severity is Severity.WARNING
    assert "minor-version compatibility" in f.message
    assert any("toolkit driver: >= 550.54.14" in e for e in f.evidence)
    assert any("PTX" in h for h in f.hints)
    assert f.fix is not None and "whl/cu121" in f.fix and "torch==2.5.1" in f.fix


def test_driver_numbers_when_cuda_version_unknown() -> None:
    kb = FakeKB({("tensorflow", "2.15.1"): BuildInfo("12.2", "8.9", (), "tested builds")})
    snap = snapshot(tf_dists(), machine=machine(gpu(driver="470.82.01", cuda=None, libraries=tf_pip_libs())))
    [f] = check("ED401", snap, kb)
    assert f.severity is Severity.ERROR and "470.82.01" in f.message


def test_driver_new_enough_passes() -> None:
    torch = [dist("torch", "2.5.1+cu124")]
    assert check("ED401", snapshot(torch, machine=machine(gpu(cuda="12.4")))) == []
    assert check("ED401", snapshot(torch, machine=machine(gpu(cuda="12.8")))) == []
    assert check("ED401", snapshot([dist("torch", "2.5.1+cpu")], machine=machine(gpu(cuda="11.4")))) == []


def test_driver_wsl_uses_windows_numbers() -> None:
    kb = FakeKB({("tensorflow", "2.15.1"): BuildInfo("12.2", "8.9", (), "tested builds")})
    g = gpu(driver="537.13", cuda=None, libraries=tf_pip_libs(), wsl=True)
    assert check("ED401", snapshot(tf_dists(), machine=machine(g)), kb) == []


def test_driver_rule_with_the_shipped_knowledge_base() -> None:
    kb = KnowledgeBase.load()
    if kb.min_driver("12.4") is None:
        return  # the shipped KB has no driver table yet
    snap = snapshot([dist("torch", "2.5.1+cu124")], machine=machine(gpu(driver="520.61.05", cuda=None)))
    [f] = check("ED401", snap, kb)
    assert f.severity is Severity.ERROR


# -- ED402 cuda-libs-missing -----------------------------------------------------------------
def test_missing_required_wheel() -> None:
    dists = [dist("torch", "2.3.1", requires=TORCH_REQS), dist("nvidia-cuda-runtime-cu12", "12.1.105")]
    [f] = check("ED402", snapshot(dists, machine=machine(gpu())))
    assert f.cause == "cuda-libs-missing" and "nvidia-cudnn-cu12" in f.message
    assert f.fix == "uv pip install --python /env/bin/python nvidia-cudnn-cu12==8.9.2.26"


def test_tf_partial_and_cuda_reinstalls_the_extra() -> None:
    dists = tf_dists()[:-1]  # nvidia-cublas-cu12 missing
    [f] = check("ED402", snapshot(dists, machine=machine(gpu(libraries=tf_pip_libs()[:2]))))
    assert f.fix is not None and "'tensorflow[and-cuda]==2.15.1'" in f.fix


def test_tf_lib64_vs_lib() -> None:
    lib64 = "/env/lib64/python3.11/site-packages"
    snap = snapshot(tf_dists(location=lib64), machine=machine(gpu(libraries=tf_pip_libs())))
    findings = check("ED402", snap)
    [f] = [f for f in findings if "lib64" in f.message]
    assert f.fix == f"ln -s {SITE}/nvidia {lib64}/nvidia"


def test_ld_library_path_shadows_the_wheels() -> None:
    libs = [
        CudaLibrary(
            "cudart",
            "12.1.105",
            "/usr/local/cuda-12.1/lib64/libcudart.so.12",
            "ld_library_path",
            None,
            "libcudart.so.12",
        ),
        *tf_pip_libs(),
    ]
    g = gpu(libraries=libs, ld_library_path=["/usr/local/cuda-12.1/lib64", "/opt/x/lib"])
    [f] = check("ED402", snapshot(tf_dists(), machine=machine(g)))
    assert "LD_LIBRARY_PATH" in f.message
    assert f.fix == "export LD_LIBRARY_PATH=/opt/x/lib"
    assert any("12.1.105" in e and "12.2.140" in e for e in f.evidence)


def test_old_tf_without_system_cuda() -> None:
    kb = FakeKB({("tensorflow", "2.12.0"): BuildInfo("11.8", "8.6", (), "tested builds")})
    libs = [
        CudaLibrary(
            "cudart", "11.8.89", "/usr/local/cuda-11.8/lib64/libcudart.so.11.0", "toolkit", None, "libcudart.so.11.0"
        )
    ]
    snap = snapshot([dist("tensorflow", "2.12.0")], machine=machine(gpu(libraries=libs)))
    [f] = check("ED402", snap, kb)
    assert "libcudnn.so.8" in f.message and "libcudart.so.11" in f.message
    assert any("not on the loader path" in e and "cuda-11.8" in e for e in f.evidence)
    assert f.fix is not None and "LD_LIBRARY_PATH=/usr/local/cuda-11.8/lib64" in f.fix


def test_libs_present_passes() -> None:
    assert check("ED402", snapshot(tf_dists(), machine=machine(gpu(libraries=tf_pip_libs())))) == []
    torch = [
        dist("torch", "2.3.1", requires=TORCH_REQS),
        dist("nvidia-cuda-runtime-cu12", "12.1.105"),
        dist("nvidia-cudnn-cu12", "8.9.2.26"),
    ]
    assert check("ED402", snapshot(torch, machine=machine(gpu()))) == []
    # no GPU: nothing to say
    assert check("ED402", snapshot(tf_dists()[:1], machine=machine())) == []


# -- ED403 cuda-version-mismatch -------------------------------------------------------------
def test_older_system_cudnn() -> None:
    kb = FakeKB({("tensorflow", "2.12.0"): BuildInfo("11.8", "8.6", (), "tested builds")})
    libs = [
        CudaLibrary(
            "cudart", "11.8.89", "/usr/lib/x86_64-linux-gnu/libcudart.so.11.0", "system", None, "libcudart.so.11.0"
        ),
        CudaLibrary(
            "cublas", "11.11.3.6", "/usr/lib/x86_64-linux-gnu/libcublas.so.11", "system", None, "libcublas.so.11"
        ),
        CudaLibrary("cudnn", "8.1.0", "/usr/lib/x86_64-linux-gnu/libcudnn.so.8", "system", None, "libcudnn.so.8"),
    ]
    snap = snapshot([dist("tensorflow", "2.12.0")], machine=machine(gpu(libraries=libs)))
    [f] = check("ED403", snap, kb)
    assert f.cause == "cuda-version-mismatch" and "8.6" in f.message and "8.1.0" in f.message
    assert check("ED402", snap, kb) == []
    libs[2] = CudaLibrary("cudnn", "8.9.7", libs[2].path, "system", None, "libcudnn.so.8")
    assert check("ED403", snapshot([dist("tensorflow", "2.12.0")], machine=machine(gpu(libraries=libs))), kb) == []


def test_conda_cudnn_major_mismatch() -> None:
    records = [CondaRecord("pytorch", "2.3.1", "py3.11_cuda12.1_cudnn8.9.2_0")]
    libs = [CudaLibrary("cudnn", "9.1.0", "/env/lib/libcudnn.so.9", "conda", "cudnn", "libcudnn.so.9")]
    snap = snapshot([dist("torch", "2.3.1", installer="conda")], records=records, machine=machine(gpu(libraries=libs)))
    [f] = check("ED403", snap)
    assert "cuDNN 8.9" in f.message and f.fix == "conda install --yes --prefix /env cudnn=8.9"


# -- ED404 cpu-only-build --------------------------------------------------------------------
def test_cpu_only_builds_on_a_gpu_machine() -> None:
    m = machine(gpu())
    [f] = check("ED404", snapshot([dist("torch", "2.3.1+cpu")], machine=m))
    assert f.cause == "no-gpu-visible" and "+cpu" in f.message
    assert f.fix is not None and "--reinstall" in f.fix and "torch==2.3.1" in f.fix
    [f] = check("ED404", snapshot([dist("tensorflow-cpu", "2.15.1")], machine=m))
    assert f.fix is not None and f.fix.startswith("uv pip uninstall --python /env/bin/python tensorflow-cpu")
    [f] = check("ED404", snapshot([dist("jax", "0.4.30"), dist("jaxlib", "0.4.30")], machine=m))
    assert f.fix == "uv pip install --python /env/bin/python --upgrade 'jax[cuda12]'"
    records = [CondaRecord("pytorch", "2.3.1", "cpu_mkl_py311h_100")]
    [f] = check("ED404", snapshot([dist("torch", "2.3.1", installer="conda")], records=records, machine=m))
    assert f.fix == "conda install --yes --prefix /env 'pytorch=*=*cuda*'"


def test_tf_without_and_cuda() -> None:
    snap = snapshot(tf_dists(nvidia=False), machine=machine(gpu()))
    [f] = check("ED404", snap)
    assert "and-cuda" in f.message
    assert f.fix == "uv pip install --python /env/bin/python 'tensorflow[and-cuda]==2.15.1'"
    assert check("ED402", snap) == []  # reported once


def test_gpu_builds_pass() -> None:
    m = machine(gpu(libraries=tf_pip_libs()))
    assert check("ED404", snapshot(tf_dists(), machine=m)) == []
    assert check("ED404", snapshot([dist("torch", "2.3.1+cu121")], machine=m)) == []
    jax = [dist("jax", "0.4.30"), dist("jaxlib", "0.4.30"), dist("jax-cuda12-plugin", "0.4.30")]
    assert check("ED404", snapshot(jax, machine=m)) == []
    # a CPU build on a machine without a GPU is fine
    assert check("ED404", snapshot([dist("torch", "2.3.1+cpu")], machine=machine())) == []


# -- ED405 gpu-windows-native ----------------------------------------------------------------
def test_windows_native_tf() -> None:
    win = machine(gpu(), os="windows")
    snap = snapshot([dist("tensorflow", "2.15.0")], machine=win, sys_platform="win32", python="3.10.11")
    [f] = check("ED405", snap)
    assert f.cause == "platform-unsupported" and f.fix == "wsl --install"
    assert any("tensorflow<2.11" in h for h in f.hints)
    assert check("ED404", snap) == []  # explained once
    ok = snapshot([dist("tensorflow", "2.10.1")], machine=win, sys_platform="win32")
    assert check("ED405", ok) == []
    assert check("ED405", snapshot([dist("tensorflow", "2.15.0")], machine=machine(gpu()))) == []


# -- ED406 gpu-compute-capability ------------------------------------------------------------
def test_compute_capability() -> None:
    kb = FakeKB(
        {
            ("torch", "2.3.1+cu121"): BuildInfo(
                "12.1", "8.9", ("sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"), "wheel"
            )
        }
    )
    old = snapshot([dist("torch", "2.3.1+cu121")], machine=machine(gpu(cc="3.7")))
    [f] = check("ED406", old, kb)
    assert f.severity is Severity.ERROR and "3.7" in f.message and "below" in f.message
    new = snapshot([dist("torch", "2.3.1+cu121")], machine=machine(gpu(cc="12.0")))
    [f] = check("ED406", new, kb)
    assert "newer than" in f.message
    ok = snapshot([dist("torch", "2.3.1+cu121")], machine=machine(gpu(cc="8.9")))
    assert check("ED406", ok, kb) == []
    ptx = FakeKB({("torch", "2.3.1+cu121"): BuildInfo("12.1", None, ("sm_80", "compute_90"), "")})
    assert check("ED406", new, ptx) == []


# -- ED407 gpu-hidden ------------------------------------------------------------------------
def test_cuda_visible_devices() -> None:
    for value in ("", "-1", "3", "GPU-none"):
        [f] = check("ED407", snapshot(machine=machine(gpu(cuda_visible_devices=value))))
        assert f.fix == "unset CUDA_VISIBLE_DEVICES" and f.cause == "no-gpu-visible"
    for value in ("0", "GPU-1111", "0,5"):
        assert check("ED407", snapshot(machine=machine(gpu(cuda_visible_devices=value)))) == []
    assert check("ED407", snapshot(machine=machine(GpuFacts(cuda_visible_devices="-1")))) == []


# -- ED408 nvcc-differs ----------------------------------------------------------------------
def test_nvcc_differs_is_info() -> None:
    g = gpu(nvcc_version="11.8.89", nvcc_path="/usr/local/cuda/bin/nvcc")
    [f] = check("ED408", snapshot([dist("torch", "2.3.1+cu121")], machine=machine(g)))
    assert f.severity is Severity.INFO and "usually harmless" in f.message
    g.nvcc_version = "12.1.105"
    assert check("ED408", snapshot([dist("torch", "2.3.1+cu121")], machine=machine(g))) == []


def test_rules_are_documented() -> None:
    for code in ("ED401", "ED402", "ED403", "ED404", "ED405", "ED406", "ED407", "ED408"):
        registered = get_rule(code)
        assert registered is not None
        assert {"What", "Why", "Example", "Fix"} <= set(registered.doc)


def test_snapshot_round_trip_diagnoses_identically() -> None:
    snap = snapshot([dist("torch", "2.3.1+cpu")], machine=machine(gpu(libraries=tf_pip_libs())))
    again = Snapshot.from_dict(snap.to_dict())
    assert [f.to_dict() for f in check("ED404", snap)] == [f.to_dict() for f in check("ED404", again)]
