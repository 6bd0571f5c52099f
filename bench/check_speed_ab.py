"""`envdoctor check` before and after a change, interleaved run by run so that both see the same
machine load (on a shared machine, runs minutes apart are not comparable): the current source
against another checkout's `src` (put first on PYTHONPATH for the "before" runs).

    git worktree add /tmp/before <commit>
    python bench/check_speed_ab.py --before /tmp/before/src [--after /tmp/after/src] [--env .bench/large] [--runs 21]

For each case (warm: answered from the cache; `--no-cache`) it prints the median and best wall
time of each side, the median of the per-round ratios after / before, and the median CPU time
(user + system of envdoctor and the probe it ran, from wait4): on a loaded machine the CPU time
moves far less than the wall time. Each side has its own result cache (ENVDOCTOR_CACHE_DIR):
with one shared cache, each side's record of the target's last metadata signature would tell
the other that the environment changed, and both would load the rules on every warm run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}


def once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and the children it waited for)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped by wait4
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True, help="the other checkout's src folder")
    parser.add_argument("--after", type=Path, help="a second checkout's src (default: this source)")
    parser.add_argument("--env", type=Path, default=ROOT / ".bench" / "large")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    python = str(args.env / "bin" / "python")
    caches = {side: tempfile.mkdtemp(prefix=f"envdoctor-ab-{side}-") for side in ("before", "after")}
    after_src = str(args.after.resolve()) if args.after else str(ROOT / "src")
    sides = {
        "before": {**CHILD_ENV, "PYTHONPATH": str(args.before.resolve()), "ENVDOCTOR_CACHE_DIR": caches["before"]},
        "after": {**CHILD_ENV, "PYTHONPATH": after_src, "ENVDOCTOR_CACHE_DIR": caches["after"]},
    }
    cases = {
        "envdoctor check (warm: from the cache)": ["check", "--python", python, "--format", "json"],
        "envdoctor check --no-cache": ["check", "--no-cache", "--python", python, "--format", "json"],
    }
    print(f"environment: {args.env}; {args.runs} interleaved rounds; load average {os.getloadavg()[0]:.1f}\n")
    print(
        "| case | before median s | before best s | after median s | after best s "
        "| after/before, median of rounds | CPU s before → after (median) |"
    )
    print("|---|---|---|---|---|---|---|")
    try:
        for name, verb in cases.items():
            cmd = [sys.executable, "-m", "envdoctor", *verb]
            for env in sides.values():  # warm-up: page cache, bytecode, each side's result cache
                once(cmd, env)
            wall: dict[str, list[float]] = {side: [] for side in sides}
            cpu: dict[str, list[float]] = {side: [] for side in sides}
            for i in range(args.runs):
                order = list(sides) if i % 2 == 0 else list(reversed(sides))
                for side in order:
                    seconds, used = once(cmd, sides[side])
                    wall[side].append(seconds)
                    cpu[side].append(used)
            ratios = [a / b for a, b in zip(wall["after"], wall["before"])]
            b, a = wall["before"], wall["after"]
            print(
                f"| {name} | {statistics.median(b):.3f} | {min(b):.3f} | {statistics.median(a):.3f} | {min(a):.3f} "
                f"| {statistics.median(ratios):.2f} "
                f"| {statistics.median(cpu['before']):.3f} → {statistics.median(cpu['after']):.3f} |"
            )
    finally:
        for folder in caches.values():
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
