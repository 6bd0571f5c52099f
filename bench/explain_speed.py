"""Speed of `explain` on a 10 MB log (goal: <= 0.5 s), and a 100 MB streamed log (bounded memory).

    .venv/bin/python bench/explain_speed.py [--write] [--runs N]

The log is built from real corpus text: 10 MB of TensorFlow start-up noise (the harmless cuDNN /
cuFFT / cuBLAS factory lines, oneDNN and CPU-feature lines, CUDA dlerror warnings) with a NumPy ABI
failure at the end, so every anchor is searched and several signatures hit on the way.
"""

from __future__ import annotations

import argparse
import io
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from explain_common import ROOT, write_subsection

from envdoctor.explain import explain_file, explain_stream

CORPUS = ROOT / "tests" / "corpus" / "tuning"


def _body(name: str) -> str:
    return (CORPUS / f"{name}.log").read_text(encoding="utf-8").split("\n---\n", 1)[1]


def build_log(size: int) -> bytes:
    noise = _body("unknown-sagiodev-9") + _body("cudalibs-styleclip-20")
    info = (
        "2024-02-19 20:35:30.820121: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on. "
        "You may see slightly different numerical results due to floating-point round-off errors.\n"
    )
    unit = info * 40 + noise
    reps = size // len(unit) + 1
    return ((unit * reps)[:size] + "\n" + _body("numpy-abi-pingmapper-123")).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = build_log(10_000_000)
    times = []
    result = None
    for _ in range(args.runs):
        start = time.perf_counter()
        result = explain_stream(io.BytesIO(data))
        times.append(time.perf_counter() - start)
    assert result is not None and result.cause == "numpy-abi", result
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.log"
        chunk = build_log(10_000_000)
        with big.open("wb") as fh:
            for _ in range(10):
                fh.write(chunk)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        big_result = explain_file(big)
        big_time = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = "\n".join(
        [
            f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, shared 2-core "
            "development box (timings vary with load).",
            "",
            "| log | lines | runs | min | median | max | goal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
            f"| 10 MB TensorFlow noise + NumPy ABI failure | {result.lines_read} | {args.runs} | {min(times):.3f} s | "
            f"{statistics.median(times):.3f} s | {max(times):.3f} s | <= 0.5 s |",
            f"| 100 MB, streamed from a file | {big_result.lines_read} | 1 | {big_time:.2f} s | | | bounded memory |",
            "",
            f"Peak RSS growth while streaming the 100 MB file: {max(0, after - before) / 1024:.0f} MiB "
            "(reads 4 MiB blocks; keeps only matched lines, solver blocks and 200 head/tail lines).",
        ]
    )
    print(report)
    if args.write:
        write_subsection("speed", report)


if __name__ == "__main__":
    main()
