"""What the wrong-interpreter facts cost: reading the session (PATH commands, pyenv shims, kernel
specs, named environments) in this shell and in a synthetic one with many kernels and conda envs,
`envdoctor kernels` end to end, and `envdoctor check` (cached and --no-cache) against the same
check without the session facts (main's code, or any other checkout: --baseline SRC).

    python bench/kernels_speed.py [--runs 15] [--kernels 40] [--envs 20] [--baseline /work/main/src]

Prints a Markdown table (median and best wall time of N runs, median CPU time). Needs nothing
from the network.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median wall ms, best wall ms, median CPU ms of this process and its children): on a
    shared machine the CPU time is the steadier figure."""
    times, cpu = [], []
    for _ in range(runs):
        before = _cpu()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - before)
    return statistics.median(times) * 1000, min(times) * 1000, statistics.median(cpu) * 1000


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def synthetic(root: Path, kernels: int, envs: int) -> dict[str, str]:
    """A HOME with `envs` conda envs (each with a python link and tensorflow's metadata) and
    `kernels` kernel specs pointing at them (a quarter of them at missing interpreters)."""
    home = root / "home"
    conda = root / "miniforge3"
    (conda / "conda-meta").mkdir(parents=True)
    lines = []
    for n in range(envs):
        prefix = conda / "envs" / f"env{n}"
        site = prefix / "lib" / "python3.11" / "site-packages"
        (site / f"tensorflow-2.15.{n}.dist-info").mkdir(parents=True)
        (site / "ipykernel-6.29.5.dist-info").mkdir()
        (prefix / "conda-meta").mkdir()
        (prefix / "bin").mkdir()
        (prefix / "bin" / "python").symlink_to(sys.executable)
        lines.append(str(prefix))
    (home / ".conda").mkdir(parents=True)
    (home / ".conda" / "environments.txt").write_text("\n".join(lines) + "\n")
    data = root / "jupyter"
    for n in range(kernels):
        folder = data / "kernels" / f"k{n}"
        folder.mkdir(parents=True)
        python = conda / "envs" / f"env{n % envs}" / "bin" / "python" if n % 4 else root / "gone" / "bin" / "python"
        spec = {
            "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": f"Python (env{n % envs})",
        }
        (folder / "kernel.json").write_text(json.dumps(spec))
    return {**os.environ, "HOME": str(home), "JUPYTER_DATA_DIR": str(data), "CONDA_EXE": str(conda / "bin" / "conda")}


def cli(args: list[str], env: dict[str, str], src: Path) -> Callable[[], object]:
    environ = {**env, "PYTHONPATH": str(src)}
    return lambda: subprocess.run(
        [sys.executable, "-m", "envdoctor", *args], env=environ, capture_output=True, check=False
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kernels", type=int, default=40)
    parser.add_argument("--envs", type=int, default=20)
    parser.add_argument("--baseline", type=Path, default=Path("/work/main/src"))
    args = parser.parse_args()

    from envdoctor.probe.session import collect_session

    rows = []
    here = dict(os.environ)
    session = collect_session(here)
    count = len(session.jupyter.kernels) if session.jupyter else 0
    rows.append(
        (
            f"collect_session, this shell ({count} kernels, {len(session.interpreters)} interpreters)",
            *timed(lambda: collect_session(here), args.runs),
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = synthetic(Path(tmp), args.kernels, args.envs)
        big = collect_session(env)
        count = len(big.jupyter.kernels) if big.jupyter else 0
        rows.append(
            (
                f"collect_session, {count} kernels, {len(big.environments)} named envs",
                *timed(lambda: collect_session(env), args.runs),
            )
        )
        rows.append((f"`envdoctor kernels` ({count} kernels)", *timed(cli(["kernels"], env, ROOT / "src"), args.runs)))
        target = ["--python", sys.executable]
        for label, src in (("this branch", ROOT / "src"), (f"baseline {args.baseline}", args.baseline)):
            if not (src / "envdoctor").is_dir():
                continue
            cli(["check", *target], here, src)()  # fill the cache
            rows.append((f"`envdoctor check` cached, {label}", *timed(cli(["check", *target], here, src), args.runs)))
            rows.append(
                (
                    f"`envdoctor check --no-cache`, {label}",
                    *timed(cli(["check", "--no-cache", *target], here, src), args.runs),
                )
            )
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"| what ({args.runs} runs) | median ms | best ms | median CPU ms |")
    print("|---|---:|---:|---:|")
    for label, median, best, cpu in rows:
        print(f"| {label} | {median:.1f} | {best:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
