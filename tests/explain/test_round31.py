"""Round 31 (issue 11, from blind71's misses): the cuDNN a CUDA torch brings along, Numba's version
check said outside an error line and its `_internal` wording, cuDNN's zlibwapi.dll said missing,
Windows' crash report naming the C++ runtime, a `+cpu` torch asked for a GPU device, and generated
protobuf code passing an argument the runtime does not take, each with a near miss
(tests/explain/expect.py)."""

from __future__ import annotations

from tests.explain.expect import assert_not_concluded, assert_reasoned, fired

CUDNN8_BESIDE_TORCH_25 = (
    "I installed torch 2.5.1 with CUDA 12.1, and ctranslate2==4.4.0 is pinned. Running the example:\n"
    "Could not load library libcudnn_ops_infer.so.8. Error: libcudnn_ops_infer.so.8: cannot open shared object file: "
    "No such file or directory\nAborted\n"
)


def test_cudnn8_asked_beside_a_torch_that_brings_cudnn9_is_a_version_mismatch() -> None:
    assert_reasoned(CUDNN8_BESIDE_TORCH_25, "cuda-version-mismatch")


def test_cudnn8_asked_beside_a_torch_that_brings_cudnn8_is_not() -> None:
    older = CUDNN8_BESIDE_TORCH_25.replace("torch 2.5.1", "torch 2.1.2")
    assert_not_concluded(older, "cuda-version-mismatch")
    # a CPU torch brings no cuDNN at all
    assert_not_concluded(CUDNN8_BESIDE_TORCH_25.replace("torch 2.5.1", "torch 2.5.1+cpu"), "cuda-version-mismatch")


def test_numbas_check_said_in_a_title_is_the_dependency() -> None:
    assert_reasoned("Numba needs NumPy 2.1 or less. Got NumPy 2.2.\n", "dependency-version-mismatch")
    assert_reasoned(
        "SystemError: initialization of _internal failed without raising an exception\n", "dependency-version-mismatch"
    )


def test_a_need_without_what_it_got_is_not_named() -> None:
    # a sentence of a README, no check's output
    assert_not_concluded("This tool needs numpy 1.20 or newer to run.\n", "dependency-version-mismatch")


def test_zlibwapi_said_missing_is_cudnns_dependency() -> None:
    assert_reasoned("On windows, I needed zlibwapi.dll in my path and did not have it.\n", "cuda-libs-missing")
    assert_not_concluded("zlibwapi.dll loaded from C:\\tools\\zlib\n", "cuda-libs-missing")


def test_windows_crash_report_naming_the_cpp_runtime() -> None:
    report = (
        "Faulting application name: python3.12.exe, version: 3.12.7150.1013\n"
        "Faulting module name: MSVCP140.dll, version: 14.28.29334.0, time stamp: 0x5fa9a827\n"
        "Exception code: 0xc0000005\n"
    )
    assert_reasoned(report, "msvc-runtime-missing")
    assert_not_concluded(report.replace("MSVCP140.dll", "ntdll.dll"), "msvc-runtime-missing")


CPU_TORCH_ON_DEVICE_0 = (
    "python track.py --yolo-weights yolov8x.pt --source 0 --device 0\n"
    "Ultralytics YOLOv8.0.88  Python-3.9.16 torch-2.0.0+cpu\n"
    "Traceback (most recent call last):\n"
    '  File "C:\\Users\\u\\yolov8\\track.py", line 365, in <module>\n'
    "AssertionError: Invalid CUDA '--device 0' requested\n"
)


def test_a_cpu_torch_asked_for_a_gpu_device_is_no_gpu() -> None:
    assert_reasoned(CPU_TORCH_ON_DEVICE_0, "no-gpu-visible")


def test_a_cpu_torch_run_on_the_cpu_is_not_named() -> None:
    on_cpu = CPU_TORCH_ON_DEVICE_0.replace("--device 0", "--device cpu")
    assert not fired(on_cpu, "gpu/cpu-only-build")
    # a CUDA build asked for the GPU is not a CPU-only build
    cuda = CPU_TORCH_ON_DEVICE_0.replace("+cpu", "+cu118")
    assert not fired(cuda, "gpu/cpu-only-build")


PB2_KEYWORD = (
    "    from .onnx_pb2 import *  # noqa\n"
    '     .../lib/python2.7/site-packages/onnx/onnx_pb2.py", line 213, in <module>\n'
    "    options=None, file=DESCRIPTOR),\n"
    "TypeError: __init__() got an unexpected keyword argument 'file'\n"
)


def test_generated_protobuf_code_passing_an_unknown_argument_is_protobuf() -> None:
    assert_reasoned(PB2_KEYWORD, "protobuf-mismatch")


def test_the_same_typeerror_outside_generated_code_is_not() -> None:
    plain = PB2_KEYWORD.replace("onnx_pb2.py", "model.py").replace("onnx_pb2", "model")
    assert_not_concluded(plain, "protobuf-mismatch")
