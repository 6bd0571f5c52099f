"""Engine behaviour on real log text: root cause over symptoms, noise, input tolerance, streaming."""

from __future__ import annotations

import io

from envdoctor.explain import Session, explain_lines, explain_stream, explain_text
from tests.explain.expect import assert_reasoned

from .corpus import load

BY_NAME = {c.name: c for c in load()}

# Real lines (from the corpus cases named in each test).
NUMPY_BANNER = BY_NAME["numpy-abi-pingmapper-123"].text
CUDA_WARNINGS = BY_NAME["cudalibs-styleclip-20"].text
TF_FACTORY_NOISE = BY_NAME["unknown-sagiodev-9"].text
CUDA_DRIVERS_LINE = (
    "2024-02-19 20:35:30.820121: I external/local_tsl/tsl/cuda/cudart_stub.cc:31] Could not find cuda "
    "drivers on your machine, GPU will not be used.\n"
)  # tensorflow/tensorflow#62994


def test_numpy_banner_outranks_cuda_warnings() -> None:
    got = explain_text(CUDA_WARNINGS + NUMPY_BANNER + CUDA_WARNINGS)
    assert got.cause == "numpy-abi"
    assert "cuda-libs-missing" in [s.cause for s in got.secondary]
    assert got.evidence[0].text.startswith("A module that was compiled using NumPy 1.x")


def test_harmless_tensorflow_lines_are_not_a_cause() -> None:
    got = explain_text(TF_FACTORY_NOISE + CUDA_DRIVERS_LINE)
    assert got.cause == "unknown"
    assert got.confidence == 0.0
    assert got.evidence == []


def test_cuda_drivers_line_counts_when_the_question_is_gpus() -> None:
    text = "python3 -c \"import tensorflow as tf; print(tf.config.list_physical_devices('GPU'))\"\n"
    assert_reasoned(text + TF_FACTORY_NOISE + CUDA_DRIVERS_LINE + "[]\n", "no-gpu-visible")


def test_conda_unsatisfiable_on_python_only_is_python_unsupported() -> None:
    got = explain_text(BY_NAME["pyver-poni-5"].text)
    assert got.cause == "python-unsupported"
    assert got.facts["python"] == "3.8.5"
    assert got.conflicts and got.conflicts[0].kind == "python"


def test_no_matching_distribution_read_with_python_version() -> None:
    got = explain_text(BY_NAME["pyver-tf-79349"].text)
    assert got.cause == "python-unsupported"
    assert got.facts["python"] == "3.13.0"
    assert "3.13" in got.explanation


def test_network_failure_explains_from_versions_none() -> None:
    text = BY_NAME["network-requests-4607"].text + (
        "ERROR: Could not find a version that satisfies the requirement tensorflow (from versions: none)\n"
        "ERROR: No matching distribution found for tensorflow\n"
    )
    assert explain_text(text).cause == "network-or-index"


def test_tensorflow_gpu_invalid_requirement_is_package_removed() -> None:
    got = explain_text(BY_NAME["removed-tf-60074"].text)
    assert got.cause == "package-removed"
    assert any("tensorflow-gpu-2.12.0.tar.gz" in e.text for e in got.evidence)


def test_windows_tensorflow_gpu_is_platform_unsupported() -> None:
    got = explain_text(BY_NAME["platform-tf-64536"].text)
    assert got.cause == "platform-unsupported"
    assert got.facts["os"] == "windows"


def test_evidence_has_line_numbers() -> None:
    text = "line one\n" * 41 + "ImportError: /lib64/libc.so.6: version `GLIBC_2.14' not found\n" + "x\n" * 10
    got = explain_text(text)
    assert got.cause == "glibc-too-old"
    assert got.evidence[0].line == 42


def test_tolerates_ansi_crlf_progress_bars_and_bad_bytes() -> None:
    raw = (
        b"\x1b[31mERROR: Could not install packages due to an OSError: [Errno 2] "
        b"No such file or directory: 'C:\\\\Users\\\\me\\\\venv\\\\Lib\\\\site-packages\\\\tensorflow\\\\include\\\\"
        b"external\\\\llvm-project\\\\mlir\\\\include\\\\mlir\\\\Dialect\\\\x.cpp.inc'\x1b[0m\r\n"
        b"Downloading tensorflow  10%\r Downloading tensorflow 100%\r\n"
        b"caf\xe9 \xff\xfe garbage\r\n"
        b"\x1b[1;31mHINT: This error might have occurred since this system does not have Windows Long Path "
        b"support enabled.\x1b[0m\r\n"
    )
    got = explain_stream(io.BytesIO(raw))
    assert got.cause == "windows-long-paths"
    assert all("\x1b" not in e.text and "\r" not in e.text for e in got.evidence)
    assert {e.line for e in got.evidence} == {1, 4}


def test_progress_bar_line_keeps_the_meaningful_segment() -> None:
    got = explain_text(
        "Collecting x\r 50%|#####     |\rCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://x>\n"
    )
    assert got.cause == "network-or-index"
    assert got.evidence[0].text.startswith("CondaHTTPError")


def test_utf16_log_from_powershell() -> None:
    text = "ImportError: Could not find the DLL(s) 'msvcp140.dll or msvcp140_1.dll'.\r\n"
    got = explain_stream(io.BytesIO(text.encode("utf-16")))
    assert got.cause == "msvc-runtime-missing"


def test_streaming_large_log_keeps_bounded_evidence() -> None:
    noise = "2024-02-19 20:35:30.820121: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.\n"
    dso = (
        "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
        "'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file: No such file or directory\n"
    )
    body = (noise * 500 + dso) * 200  # ~10 MB is measured in bench/; ~10 MB here would slow the suite
    stream = io.BytesIO(body.encode() + NUMPY_BANNER.encode())
    got = explain_stream(stream)
    assert got.cause == "numpy-abi"
    assert got.lines_read > 100_000
    assert len(got.evidence) <= 8
    secondary = {s.cause: s for s in got.secondary}
    assert len(secondary["cuda-libs-missing"].evidence) <= 3


def test_capture_across_block_boundaries() -> None:
    session = Session()
    session.feed_text(
        "ERROR: Cannot install a==1 and b because these package versions have conflicting dependencies.\n"
    )
    session.feed_text("\nThe conflict is caused by:\n    The user requested numpy==1.19.2\n")
    session.feed_text(
        "    tensorflow-gpu 1.15.4 depends on numpy<1.19.0 and >=1.16.0\n\nTo fix this you could try to:\n"
    )
    got = session.finish()
    assert got.cause == "solver-conflict"
    assert got.conflicts[0].move == "numpy==1.19.2"


def test_explain_lines_and_empty_input() -> None:
    got = explain_lines(["AssertionError: Torch not compiled with CUDA enabled"])
    # named, or (its key measured wrong once in 8 labelled logs) the first candidate
    assert got.cause == "no-gpu-visible" or (got.cause == "unknown" and got.candidates[0].cause == "no-gpu-visible")
    empty = explain_text("")
    assert empty.cause == "unknown" and empty.lines_read == 0


def test_json_shape() -> None:
    data = explain_text(NUMPY_BANNER).to_dict()
    for key in ("cause", "confidence", "evidence", "explanation", "fixes", "secondary"):
        assert key in data
    assert data["evidence"][0].keys() == {"line", "text"}
    assert isinstance(data["confidence"], float)


def test_a_flood_of_warnings_cannot_hide_the_root_cause() -> None:
    dso = (
        "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library "
        "'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file: No such file or directory\n"
    )
    got = explain_text(dso * 2000 + NUMPY_BANNER)
    assert got.cause == "numpy-abi"
