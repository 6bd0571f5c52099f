"""collect_gpu against fake machines: a folder as root, fake nvidia-smi / nvcc on PATH."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from envdoctor.knowledge.drivers import cuda_for_driver
from envdoctor.model import CudaLibrary, GpuFacts, Machine, from_dict, to_dict
from envdoctor.probe import gpu as gpu_probe
from envdoctor.probe.gpu import collect_gpu
from envdoctor.probe.gpu.ldcache import parse_ldconfig_p, read_ld_so_cache
from envdoctor.process import Completed
from tests.gpu.conftest import NVIDIA_SMI, have_sh, script, touch, write_ld_so_cache

pytestmark = pytest.mark.skipif(not have_sh(), reason="fake tools are /bin/sh scripts")

SITE = "/env/lib/python3.11/site-packages"
PROC_VERSION = (
    "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n"
    "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n"
)


def collect(
    root: Path,
    env: dict[str, str] | None = None,
    path: list[str] | None = None,
    conda_prefix: str | None = None,
    run: Any = None,
    driver_cuda: Any = None,
) -> GpuFacts:
    return collect_gpu(
        root=root,
        env=env or {},
        path_dirs=path or [],
        site_packages=[SITE],
        conda_prefix=conda_prefix,
        run=run,
        driver_cuda=driver_cuda,
    )


def by(facts: GpuFacts, name: str, origin: str | None = None) -> list[CudaLibrary]:
    return [lib for lib in facts.libraries if lib.name == name and (origin is None or lib.origin == origin)]


def test_no_driver_runs_nothing(tmp_path: Path) -> None:
    script(tmp_path / "usr/bin", "nvidia-smi", "echo should-not-run; exit 3\n")

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"ran {args}")

    facts = collect(tmp_path, path=["/usr/bin"], run=forbidden)
    assert not facts.driver_present
    assert facts.driver_version is None and facts.gpus == [] and facts.problems == []


def test_nvidia_smi(tmp_path: Path) -> None:
    touch(tmp_path, "/proc/driver/nvidia/version", content=PROC_VERSION.encode())
    script(tmp_path / "usr/bin", "nvidia-smi", NVIDIA_SMI)
    facts = collect(tmp_path, env={"CUDA_VISIBLE_DEVICES": "1"}, path=["/usr/bin"])
    assert facts.driver_present and facts.source == "nvidia-smi"
    assert facts.driver_version == "550.54.14"
    assert facts.cuda_driver_version == "12.4" and facts.cuda_driver_source == "nvidia-smi"
    assert [(g.index, g.name, g.compute_capability, g.memory_mib) for g in facts.gpus] == [
        (0, "NVIDIA GeForce RTX 3090", "8.6", 24576),
        (1, "Tesla K80", "3.7", 11441),
    ]
    assert facts.gpus[0].uuid == "GPU-1111aaaa-2222-3333-4444-555566667777"
    assert facts.cuda_visible_devices == "1"
    assert not facts.wsl


def test_nvidia_smi_without_compute_cap_field(tmp_path: Path) -> None:
    touch(tmp_path, "/proc/driver/nvidia/version", content=PROC_VERSION.encode())
    script(
        tmp_path / "bin",
        "nvidia-smi",
        """\
case "$1" in
  *compute_cap*) echo 'Field "compute_cap" is not a valid field to query.'; exit 2 ;;
  --query-gpu=*) echo "0, Tesla T4, 15360, GPU-abc, 470.82.01" ;;
  *) echo "Driver Version: 470.82.01    CUDA Version: 11.4" ;;
esac
""",
    )
    facts = collect(tmp_path, path=["/bin"])
    assert [(g.name, g.compute_capability, g.memory_mib) for g in facts.gpus] == [("Tesla T4", None, 15360)]
    assert facts.driver_version == "470.82.01" and facts.cuda_driver_version == "11.4"
    assert facts.problems == []


def test_proc_fallback_and_driver_table(tmp_path: Path) -> None:
    touch(tmp_path, "/proc/driver/nvidia/version", content=PROC_VERSION.encode())
    touch(
        tmp_path,
        "/proc/driver/nvidia/gpus/0000:01:00.0/information",
        content=b"Model: \t\t NVIDIA A100-SXM4-40GB\nIRQ:   42\nGPU UUID: \t GPU-a100\n",
    )
    asked: list[str] = []

    def table(driver: str) -> str | None:
        asked.append(driver)
        return cuda_for_driver(driver)

    facts = collect(tmp_path, driver_cuda=table)
    assert facts.source == "proc" and facts.driver_version == "550.54.14"
    assert [(g.name, g.uuid) for g in facts.gpus] == [("NVIDIA A100-SXM4-40GB", "GPU-a100")]
    # no nvidia-smi, no live libcuda: the CUDA version comes from the shipped knowledge base's driver
    # table, handed in by the caller, and says so
    assert asked == ["550.54.14"]
    assert facts.cuda_driver_source == "driver-table" and facts.cuda_driver_version == "12.4"
    # the probe never reads the knowledge base itself: without the table it does not guess
    bare = collect(tmp_path)
    assert bare.driver_version == "550.54.14" and bare.cuda_driver_version is None and bare.cuda_driver_source is None


def test_sys_module_only(tmp_path: Path) -> None:
    touch(tmp_path, "/sys/module/nvidia/version", content=b"535.104.05\n")
    facts = collect(tmp_path)
    assert facts.driver_present and facts.source == "sys"
    assert facts.driver_version == "535.104.05"


def test_wsl2(tmp_path: Path) -> None:
    touch(tmp_path, "/usr/lib/wsl/lib/libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so.1.1")
    script(tmp_path / "usr/lib/wsl/lib", "nvidia-smi", NVIDIA_SMI)
    facts = collect(tmp_path)  # nvidia-smi found in /usr/lib/wsl/lib even if not on PATH
    assert facts.wsl and facts.driver_present
    assert facts.driver_version == "550.54.14" and len(facts.gpus) == 2
    assert by(facts, "cuda", "wsl")


def test_timeout_becomes_a_problem(tmp_path: Path) -> None:
    touch(tmp_path, "/proc/driver/nvidia/version", content=PROC_VERSION.encode())
    script(tmp_path / "bin", "nvidia-smi", "sleep 10\n")

    def slow(cmd: list[str], timeout: float) -> Completed:  # what envdoctor.process.run says then
        return Completed(cmd, -9, "", "", timeout, timed_out=True)

    facts = collect(tmp_path, path=["/bin"], run=slow)
    assert facts.driver_version == "550.54.14"  # still from /proc
    assert any("did not answer" in p for p in facts.problems)


def test_failing_nvidia_smi(tmp_path: Path) -> None:
    touch(tmp_path, "/proc/driver/nvidia/version", content=PROC_VERSION.encode())
    script(
        tmp_path / "bin",
        "nvidia-smi",
        "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9\n",
    )
    facts = collect(tmp_path, path=["/bin"])
    assert facts.driver_version == "550.54.14"
    assert any("exited 9" in p and "could not communicate" in p for p in facts.problems)


def test_libraries_and_origins(tmp_path: Path) -> None:
    site = tmp_path / SITE.lstrip("/")
    # pip wheels: versions from the dist-info names
    touch(
        site,
        "nvidia/cudnn/lib/libcudnn.so.9",
        "nvidia/cuda_runtime/lib/libcudart.so.12",
        "nvidia/cublas/lib/libcublas.so.12",
        "nvidia/cublas/lib/libcublasLt.so.12",
    )
    for d in ("nvidia_cudnn_cu12-9.1.0.70", "nvidia_cuda_runtime_cu12-12.4.127", "nvidia_cublas_cu12-12.4.5.8"):
        (site / f"{d}.dist-info").mkdir(parents=True)
    # LD_LIBRARY_PATH with a system toolkit first
    touch(
        tmp_path,
        "/usr/local/cuda-12.1/lib64/libcudart.so.12.1.105",
        "/usr/local/cuda-12.1/lib64/libcudart.so.12",
        "/usr/local/cuda-12.1/lib64/libcudart.so",
    )
    # system cuDNN 8 in the multiarch folder, version from the full file name
    touch(
        tmp_path,
        "/usr/lib/x86_64-linux-gnu/libcudnn.so.8",
        "/usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.7",
        "/usr/lib/x86_64-linux-gnu/libcudnn_ops_infer.so.8",
    )
    # a toolkit nobody points at
    touch(tmp_path, "/usr/local/cuda-11.8/lib64/libcudart.so.11.0", "/usr/local/cuda-11.8/lib64/libcudart.so.11.8.89")
    # conda prefix with records
    touch(
        tmp_path, "/opt/conda/envs/x/lib/libcudnn.so.8", "/opt/conda/envs/x/conda-meta/cudnn-8.6.0.163-hed8a83a_0.json"
    )
    facts = collect(
        tmp_path, env={"LD_LIBRARY_PATH": "/usr/local/cuda-12.1/lib64:/nope"}, conda_prefix="/opt/conda/envs/x"
    )
    assert facts.ld_library_path == ["/usr/local/cuda-12.1/lib64", "/nope"]

    [pip_cudnn] = by(facts, "cudnn", "pip")
    assert (pip_cudnn.version, pip_cudnn.package, pip_cudnn.soname, pip_cudnn.version_source) == (
        "9.1.0.70",
        "nvidia-cudnn-cu12",
        "libcudnn.so.9",
        "dist",
    )
    assert pip_cudnn.path == f"{SITE}/nvidia/cudnn/lib/libcudnn.so.9"
    assert by(facts, "cudart", "pip")[0].version == "12.4.127"
    assert {lib.name for lib in facts.libraries if lib.origin == "pip"} >= {"cublas", "cublaslt"}

    [llp] = by(facts, "cudart", "ld_library_path")
    assert llp.version == "12.1.105" and llp.path == "/usr/local/cuda-12.1/lib64/libcudart.so.12"
    assert not by(facts, "cudart", "toolkit") or all(
        lib.path.startswith("/usr/local/cuda-11.8") for lib in by(facts, "cudart", "toolkit")
    )
    [old] = [lib for lib in facts.libraries if lib.path.startswith("/usr/local/cuda-11.8")]
    assert old.origin == "toolkit" and old.version == "11.8.89"
    assert old.soname == "libcudart.so.11.0"

    [system_cudnn] = by(facts, "cudnn", "system")
    assert system_cudnn.version == "8.9.7"
    assert system_cudnn.path == "/usr/lib/x86_64-linux-gnu/libcudnn.so.8"

    [conda_cudnn] = by(facts, "cudnn", "conda")
    assert (conda_cudnn.version, conda_cudnn.package) == ("8.6.0.163", "cudnn")


def test_cudnn_version_from_header(tmp_path: Path) -> None:
    touch(tmp_path, "/usr/lib/x86_64-linux-gnu/libcudnn.so.8")
    touch(
        tmp_path,
        "/usr/include/x86_64-linux-gnu/cudnn_version_v8.h",
        content=b"#define CUDNN_MAJOR 8\n#define CUDNN_MINOR 6\n#define CUDNN_PATCHLEVEL 0\n",
    )
    [lib] = by(collect(tmp_path), "cudnn")
    assert (lib.version, lib.version_source) == ("8.6.0", "header")


def test_ld_so_cache_and_conf(tmp_path: Path) -> None:
    touch(tmp_path, "/opt/nv/lib/libcudnn.so.8.9.2", "/opt/nv/lib/libcudnn.so.8")
    touch(tmp_path, "/srv/cuda/lib/libcublas.so.12.1.3.1", "/srv/cuda/lib/libcublas.so.12")
    write_ld_so_cache(
        tmp_path / "etc/ld.so.cache", [("libcudnn.so.8", "/opt/nv/lib/libcudnn.so.8"), ("libz.so.1", "/lib/libz.so.1")]
    )
    touch(tmp_path, "/etc/ld.so.conf", content=b"include /etc/ld.so.conf.d/*.conf\n")
    touch(tmp_path, "/etc/ld.so.conf.d/cuda.conf", content=b"# cuda\n/srv/cuda/lib\n")
    assert read_ld_so_cache(tmp_path / "etc/ld.so.cache") == [("libcudnn.so.8", "/opt/nv/lib/libcudnn.so.8")]
    facts = collect(tmp_path)
    assert [(lib.version, lib.origin) for lib in by(facts, "cudnn")] == [("8.9.2", "system")]
    assert [(lib.version, lib.origin) for lib in by(facts, "cublas")] == [("12.1.3.1", "system")]


def test_ldconfig_p_parser() -> None:
    text = (
        "3 libs found in cache `/etc/ld.so.cache'\n"
        "\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8\n"
        "\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1\n"
    )
    assert parse_ldconfig_p(text) == [
        ("libcudnn.so.8", "/usr/lib/x86_64-linux-gnu/libcudnn.so.8"),
        ("libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1"),
    ]


def test_corrupt_cache_is_not_an_error(tmp_path: Path) -> None:
    touch(tmp_path, "/etc/ld.so.cache", content=b"glibc-ld.so.cache1.1\xff\xff\xff\xff")
    assert read_ld_so_cache(tmp_path / "etc/ld.so.cache") is None
    assert collect(tmp_path).problems == []


def test_nvcc_from_version_json_and_from_output(tmp_path: Path) -> None:
    script(tmp_path / "usr/local/cuda-12.2/bin", "nvcc", "exit 1\n")
    touch(
        tmp_path,
        "/usr/local/cuda-12.2/version.json",
        content=b'{"cuda": {"version": "12.2.2"}, "cuda_nvcc": {"version": "12.2.140"}}',
    )
    facts = collect(tmp_path, env={"CUDA_HOME": "/usr/local/cuda-12.2"})
    assert facts.nvcc_version == "12.2.140"
    assert facts.nvcc_path == "/usr/local/cuda-12.2/bin/nvcc"
    assert facts.cuda_home == "/usr/local/cuda-12.2"

    other = tmp_path / "other"
    touch(other, "/proc/driver/nvidia/version", content=PROC_VERSION.encode())
    script(other / "usr/bin", "nvcc", "echo 'Cuda compilation tools, release 11.8, V11.8.89'\n")
    facts = collect(other, path=["/usr/bin"])
    assert facts.nvcc_version == "11.8.89" and facts.nvcc_path == "/usr/bin/nvcc"

    # without a driver the path is recorded but nvcc is not started
    bare = tmp_path / "bare"
    script(bare / "usr/bin", "nvcc", "echo 'release 11.8, V11.8.89'\n")
    facts = collect(bare, path=["/usr/bin"])
    assert facts.nvcc_path == "/usr/bin/nvcc" and facts.nvcc_version is None


def test_a_crashing_step_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("odd machine")

    monkeypatch.setattr(gpu_probe._Probe, "libraries", boom)
    facts = collect(tmp_path)
    assert any("odd machine" in p for p in facts.problems)


def test_round_trip(tmp_path: Path) -> None:
    touch(tmp_path, "/proc/driver/nvidia/version", content=PROC_VERSION.encode())
    script(tmp_path / "usr/bin", "nvidia-smi", NVIDIA_SMI)
    touch(tmp_path, "/usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.7")
    facts = collect(tmp_path, env={"LD_LIBRARY_PATH": "/x"}, path=["/usr/bin"])
    machine = Machine(os="linux", arch="x86_64", gpu=facts)
    data = to_dict(machine)
    assert from_dict(Machine, data) == machine
    assert data["gpu"]["libraries"][0]["soname"] == "libcudnn.so.8"
    # older JSON without the new fields still loads
    del data["gpu"]["driver_present"], data["gpu"]["libraries"][0]["soname"]
    assert from_dict(Machine, data).gpu.driver_version == "550.54.14"


def test_live_machine_is_bounded() -> None:
    """On whatever machine runs the tests: no exception, and no hang (a generous guard, not a speed
    goal) when there is no driver."""
    import os
    import time

    start = time.perf_counter()
    facts = collect_gpu(
        root=Path("/"),
        env=dict(os.environ),
        path_dirs=os.environ.get("PATH", "").split(os.pathsep),
        site_packages=[],
        conda_prefix=None,
    )
    took = time.perf_counter() - start
    assert isinstance(facts, GpuFacts)
    if not facts.driver_present:
        assert took < 30, f"GPU facts took {took:.1f} s on a machine without a driver"


def test_the_service_layer_hands_the_probe_the_driver_table() -> None:
    from envdoctor import doctor
    from envdoctor.probe.sources import ReadOptions

    options = doctor.read_options(ReadOptions(timeout=3.0))
    assert options.timeout == 3.0 and options.driver_cuda is not None
    assert options.driver_cuda("550.54.14") == "12.4" and options.driver_cuda("1.0") is None
    mine = ReadOptions(driver_cuda=lambda driver: "9.9")
    assert doctor.read_options(mine) is mine
