"""What would tell candidate causes apart: one check per cause, for answers below the confidence bar.

When explain is not sure (confidence < 0.8), it answers `unknown` and lists the causes the log
points at, each with the output that would decide it. A target (`--snapshot`, `--python`,
`--prefix`) often decides by itself, so it is always offered when none was given.
"""

from __future__ import annotations

TELL_APART: dict[str, str] = {
    "python-unsupported": "show `python -VV` (the Python version and whether it is 64-bit)",
    "platform-unsupported": (
        'show `python -c "import platform, struct; print(platform.platform(), platform.machine(), '
        "struct.calcsize('P') * 8)\"` (OS, architecture, bitness)"
    ),
    "package-removed": "show the whole `pip install` output, from `Collecting` to the last error",
    "numpy-abi": "run `envdoctor check` in that environment (it compares NumPy with what each extension was built for)",
    "numpy-api-removed": 'show `python -c "import numpy; print(numpy.__version__)"` and the traceback\'s last frames',
    "protobuf-mismatch": "show `pip show protobuf` and the framework's version",
    "cuda-libs-missing": "show the output of `nvidia-smi` and `ldconfig -p | grep -E 'cudart|cudnn|cublas'`",
    "cuda-version-mismatch": (
        "show the output of `nvidia-smi` and `nvcc --version`, and the framework's build (TensorFlow: "
        "`tf.sysconfig.get_build_info()`; PyTorch: `torch.version.cuda`)"
    ),
    "driver-too-old": "show the output of `nvidia-smi` (the driver version and the CUDA version it supports)",
    "no-gpu-visible": (
        "show the output of `nvidia-smi` and of the framework's GPU check (`torch.cuda.is_available()`, "
        "`tf.config.list_physical_devices('GPU')`), and `echo $CUDA_VISIBLE_DEVICES`"
    ),
    "cpu-instructions": "show the CPU model and flags (`grep -m1 -o -w -E 'avx2?|fma' /proc/cpuinfo`, or the CPU name)",
    "msvc-runtime-missing": (
        "install the Microsoft Visual C++ Redistributable (x64) and retry; if the error stays, check the "
        "CPU's AVX support"
    ),
    "windows-long-paths": "show the full path in the error and whether long paths are enabled (LongPathsEnabled)",
    "env-leakage": (
        'run `python -c "import sys; print(sys.executable); print(sys.path)"` where it fails and '
        "`python -m pip -V` where you installed; or run `envdoctor check` in that environment"
    ),
    "wrong-interpreter": (
        'run `python -c "import sys; print(sys.executable)"` where it fails (in a notebook: `import sys; '
        "sys.executable`) and `python -m pip -V` where you installed; `envdoctor kernels` lists the kernels"
    ),
    "mixed-pip-conda": "show `conda list` for the packages named (channel `pypi` means pip installed it)",
    "solver-conflict": "show the solver's whole report (pip: the lines after `The conflict is caused by`)",
    "keras-version-mismatch": "show `pip show keras tf-keras tensorflow` (Keras 3 vs tf.keras)",
    "glibc-too-old": "show `ldd --version` (this system's glibc)",
    "dependency-version-mismatch": "run `envdoctor check` in that environment (or show `pip check`)",
    "network-or-index": "run `pip download <package> --no-deps -d /tmp/probe -v` to see whether the index is reached",
}
TARGET_HINT = (
    "run `envdoctor explain LOG --python PATH` (or `--prefix DIR`, `--snapshot FILE`) with the environment it ran in"
)


def tell_apart(cause: str) -> str:
    return TELL_APART.get(cause, "run `envdoctor check` in that environment")
