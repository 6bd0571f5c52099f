"""Time `envdoctor check` against `pip check`, `pipdeptree --warn fail` and `uv pip check` on the
same real, large environment (300+ distributions; built once with uv from bench/large-env.txt).
`envdoctor check` is timed as users meet it twice: unchanged since the last check (answered from
the result cache after a `stat` fingerprint) and with `--no-cache` (every rule runs, as right
after an install).

    python bench/check_speed.py [--env .bench/large] [--runs 15]

Prints a Markdown table (median and best wall time of N runs, ratio to envdoctor) and the peak
memory of one envdoctor run. Needs the package index only to build the environment the first time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_env(env: Path) -> None:
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    python = subprocess.run(["pyenv", "prefix", "3.11"], capture_output=True, text=True, check=True).stdout.strip()
    environ = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run([uv, "venv", "-q", "--python", f"{python}/bin/python3.11", str(env)], check=True, env=environ)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            str(env / "bin" / "python"),
            "-r",
            str(ROOT / "bench" / "large-env.txt"),
            "pip",
        ],
        check=True,
        env=environ,
    )


# As installed: bytecode written on the warm-up run (this sandbox sets PYTHONDONTWRITEBYTECODE).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], runs: int) -> tuple[float, float, int]:
    times = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=CHILD_ENV
        ).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--env", type=Path, default=ROOT / ".bench" / "large")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env: Path = args.env
    if not (env / "bin" / "python").exists():
        print(f"building {env} from bench/large-env.txt (first run only)...", file=sys.stderr)
        build_env(env)
    python = str(env / "bin" / "python")
    count = sum(1 for p in (env / "lib").glob("python*/site-packages/*.dist-info"))
    envdoctor = [sys.executable, "-m", "envdoctor"]
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    commands = {
        "envdoctor check": [*envdoctor, "check", "--python", python, "--format", "json"],
        "envdoctor check --no-cache": [*envdoctor, "check", "--no-cache", "--python", python, "--format", "json"],
        "pip check": [python, "-m", "pip", "check"],
        "pipdeptree --warn fail": [str(env / "bin" / "pipdeptree"), "--warn", "fail"],
        "uv pip check": [uv, "pip", "check", "--python", python],
    }
    # Warm the page cache (and envdoctor's per-file NumPy-build cache) once.
    for cmd in commands.values():
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=CHILD_ENV)
    results = {name: timed(cmd, args.runs) for name, cmd in commands.items()}
    # Right after an install: the cache is on, but the environment changed since the last check
    # (a metadata folder appears or goes before every run).
    marker = next((env / "lib").glob("python*/site-packages")) / "zz_bench_marker-1.0.dist-info"
    changed: list[float] = []
    for i in range(args.runs):
        if i % 2:
            marker.rmdir()
        else:
            marker.mkdir()
        start = time.perf_counter()
        subprocess.run(commands["envdoctor check"], stdout=subprocess.DEVNULL, check=False, env=CHILD_ENV)
        changed.append(time.perf_counter() - start)
    if marker.exists():
        marker.rmdir()
    results["envdoctor check, right after a change"] = (statistics.median(changed), min(changed), 0)
    base = results["envdoctor check"][0]
    print(f"environment: {env} ({count} distributions), Python {sys.version.split()[0]}, {args.runs} runs each\n")
    print("| command | median s | best s | exit | × envdoctor |")
    print("|---|---|---|---|---|")
    for name, (median, best, code) in results.items():
        print(f"| `{name}` | {median:.3f} | {best:.3f} | {code} | {median / base:.1f} |")
    probe = (
        "import resource, sys, contextlib, io\n"
        "from envdoctor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    rss = subprocess.run(
        [sys.executable, "-c", probe, "check", "--python", python, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(f"\npeak RSS of envdoctor check: {int(rss or 0) / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
