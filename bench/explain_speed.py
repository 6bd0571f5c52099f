"""Speed and memory of `explain` on large logs, beside a plain Python line loop over the same file.

    .venv/bin/python bench/explain_speed.py [--write] [--runs N]

Goals (issue 11): 10 MB <= 0.5 s, 100 MB <= 2 s, peak memory <= 64 MiB. The machine this runs on
may be shared, so every log is also read by `for line in open(path): pass` in the same run: the
ratio explain / line loop is the figure that does not depend on the load.

Logs, built from real corpus text:
- *TF noise*: TensorFlow start-up noise (cuDNN / cuFFT / cuBLAS factory lines, oneDNN, CUDA dlerror
  warnings) with a NumPy ABI failure at the end; every anchor is searched, several signatures hit.
- *training log*: 100 MB of epoch / step lines with changing numbers, pip download progress, and
  the same failure at the end: lines differ only in digits.
- *distinct lines*: 100 MB where every line is different text (a word list shuffled per line), the
  worst case for the scanner's line de-duplication; the failure at the end.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from explain_common import ROOT, write_subsection

from envdoctor.explain import explain_file

CORPUS = ROOT / "tests" / "corpus" / "tuning"
MB = 1_000_000


def _body(name: str) -> str:
    return (CORPUS / f"{name}.log").read_text(encoding="utf-8").split("\n---\n", 1)[1]


FAILURE = _body("numpy-abi-pingmapper-123")


def tf_noise(size: int) -> bytes:
    noise = _body("unknown-sagiodev-9") + _body("cudalibs-styleclip-20")
    info = (
        "2024-02-19 20:35:30.820121: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on. "
        "You may see slightly different numerical results due to floating-point round-off errors.\n"
    )
    unit = info * 40 + noise
    reps = size // len(unit) + 1
    return ((unit * reps)[:size] + "\n" + FAILURE).encode("utf-8")


def training_log(size: int) -> bytes:
    rng = random.Random(11)
    out: list[str] = []
    total = 0
    step = 0
    while total < size:
        step += 1
        if step % 50 == 0:
            line = (
                f"   ━━━━━━━━━━━━━━━━━━━━━━ {rng.randrange(1, 500)}.{rng.randrange(10)}/512.3 MB "
                f"{rng.randrange(1, 90)}.{rng.randrange(10)} MB/s eta 0:00:{rng.randrange(60):02d}\n"
            )
        else:
            line = (
                f"Epoch {step // 1000 + 1}/100 - step {step}: loss={rng.random():.4f} acc={rng.random():.4f} "
                f"lr={rng.random() / 1000:.6f} time={rng.random() * 3:.3f}s\n"
            )
        out.append(line)
        total += len(line)
    return ("".join(out) + FAILURE).encode("utf-8")


def distinct_lines(size: int) -> bytes:
    words = sorted(set(" ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.log"))[:60]).split()))
    words = [w for w in words if w.isalpha()][:4000]
    rng = random.Random(7)
    out: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(12)) + "\n"
        out.append(line)
        total += len(line)
    return ("".join(out) + FAILURE).encode("utf-8")


def line_loop(path: Path) -> float:
    start = time.perf_counter()
    with open(path, encoding="utf-8", errors="replace") as handle:
        for _line in handle:
            pass
    return time.perf_counter() - start


def measure(path: Path, runs: int) -> tuple[list[float], float, float, str, int]:
    times: list[float] = []
    result = None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = explain_file(path)
        times.append(time.perf_counter() - start)
    loop = min(line_loop(path) for _ in range(max(1, min(runs, 3))))
    gc.collect()
    tracemalloc.start()
    explain_file(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result is not None
    return times, loop, peak / (1 << 20), result.cause, result.lines_read


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cases: list[tuple[str, Callable[[int], bytes], int, int, str]] = [
        ("10 MB TF noise + NumPy ABI failure", tf_noise, 10 * MB, args.runs, "<= 0.5 s"),
        ("100 MB TF noise + NumPy ABI failure", tf_noise, 100 * MB, max(1, args.runs // 2), "<= 2 s"),
        ("100 MB training log (digits differ)", training_log, 100 * MB, max(1, args.runs // 2), "<= 2 s"),
        ("100 MB distinct lines (worst case)", distinct_lines, 100 * MB, 1, "(no goal)"),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, build, size, runs, goal in cases:
            path = Path(tmp) / "log.txt"
            path.write_bytes(build(size))
            times, loop, peak, cause, lines = measure(path, runs)
            assert cause == "numpy-abi", (label, cause)
            rows.append(
                f"| {label} | {lines} | {runs} | {min(times):.2f} s | {statistics.median(times):.2f} s | "
                f"{loop:.2f} s | {statistics.median(times) / loop:.1f}x | {peak:.0f} MiB | {goal} |"
            )
            path.unlink()
    report = "\n".join(
        [
            f"Machine: {platform.machine()}, Python {platform.python_version()}, a 2-core box shared with other "
            "sessions (load varies: read the ratio to the line loop too). Command: "
            "`.venv/bin/python bench/explain_speed.py --write`.",
            "",
            "| log | lines | runs | min | median | line loop | ratio | peak memory | goal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            *rows,
            "",
            "*line loop*: `for line in open(path, encoding='utf-8', errors='replace'): pass` over the same file, "
            "fastest of up to 3. *peak memory*: tracemalloc's peak of the Python heap during one explain "
            "(blocks of 4 MiB; only matched lines, fact lines, solver blocks and 200 head / tail lines are kept).",
        ]
    )
    print(report)
    if args.write:
        write_subsection("speed", report)


if __name__ == "__main__":
    main()
