"""Speed of `envdoctor plan`: KB choice, and end to end (warm uv cache) next to plain
`uv pip compile` of the same target. Writes the "## plan" section of bench/RESULTS.md.

    .venv/bin/python bench/plan_speed.py [--runs 5] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SPECS = ["tensorflow"]
TARGET = ["--python", "3.11", "--gpu", "--driver", "550.54.14", "--platform", "linux-x86_64"]
# Infeasible requests: a user pin clashing with a curated cap (the slowest choices: the proof and
# its alternatives ask every release on every Python).
PROOFS = [
    (["tensorflow==2.15.*", "numpy>=2"], {"gpu": False}),
    (["tensorflow<2.18", "numpy>=2"], {"python": "3.11", "gpu": False}),
]


def _time(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return times


def choice_times(runs: int) -> tuple[list[float], list[float]]:
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.plan import Target, choose

    cold, warm = [], []
    for _ in range(runs):
        kb = KnowledgeBase.load()
        start = time.perf_counter()
        choose(SPECS, Target(python="3.11", gpu=True, driver="550.54.14"), kb)  # parses releases
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        choose(SPECS, Target(python="3.11", gpu=True, driver="550.54.14"), kb)
        warm.append(time.perf_counter() - start)
    return cold, warm


def proof_times(runs: int) -> list[tuple[str, float]]:
    """Median of the first query (fresh KB: parses releases.json) for each infeasible request."""
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.plan import Target, choose

    rows = []
    for specs, target in PROOFS:
        times = []
        for _ in range(runs):
            kb = KnowledgeBase.load()
            start = time.perf_counter()
            choice = choose(specs, Target(**target), kb)
            times.append(time.perf_counter() - start)
            assert not choice.feasible, specs
        python = f" --python {target['python']}" if "python" in target else ""
        label = f"KB choice, infeasible proof `{' '.join(specs)}{python} --cpu`, first query"
        rows.append((label, statistics.median(times)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from uv import find_uv_bin

    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.plan import Target, choose

    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    envdoctor = [sys.executable, "-m", "envdoctor", "plan", *SPECS, *TARGET, "--format", "json"]
    choice = choose(SPECS, Target(python="3.11", gpu=True, driver="550.54.14"), KnowledgeBase.load())
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp, "requirements.in")
        req.write_text("\n".join(choice.requirements) + "\n")
        cons = Path(tmp, "constraints.txt")
        cons.write_text("\n".join(choice.constraints) + "\n")
        uv = [
            str(find_uv_bin()),
            "pip",
            "compile",
            str(req),
            "-c",
            str(cons),
            "--python-version",
            "3.11",
            "--python-platform",
            "x86_64-manylinux_2_28",
            "--prerelease",
            "explicit",
            "--no-progress",
            "-q",
        ]
        _time(uv, 1, env)  # warm uv's cache
        _time(envdoctor, 1, env)
        uv_times = _time(uv, args.runs, env)
        uv_offline_times = _time([*uv, "--offline"], args.runs, env)
        plan_times = _time(envdoctor, args.runs, env)
        plan_refresh_times = _time([*envdoctor, "--refresh"], args.runs, env)
        plan_hash_times = _time(
            [
                *envdoctor,
                "--write-requirements",
                str(Path(tmp, "r.txt")),
                "--write-lock",
                str(Path(tmp, "pylock.toml")),
                "--write-env",
                str(Path(tmp, "e.yml")),
            ],
            args.runs,
            env,
        )
    cold, warm = choice_times(args.runs)
    proofs = proof_times(args.runs)
    med = statistics.median
    rows = [
        ("KB choice, first query (parses releases.json)", med(cold)),
        ("KB choice, warm", med(warm)),
        *proofs,
        ("`uv pip compile` alone (same requirements, warm cache, revalidates with PyPI)", med(uv_times)),
        ("`uv pip compile --offline` alone (same requirements, warm cache)", med(uv_offline_times)),
        ("`envdoctor plan` end to end (warm cache; default: uv cache first)", med(plan_times)),
        ("`envdoctor plan --refresh` end to end (revalidates with PyPI)", med(plan_refresh_times)),
        ("`envdoctor plan` + requirements.txt with hashes, pylock.toml, environment.yml", med(plan_hash_times)),
    ]
    lines = [
        "## plan",
        "",
        f"`envdoctor plan {' '.join(SPECS + TARGET)}` (resolves `{' '.join(choice.requirements)}`"
        f" with constraints `{' '.join(choice.constraints)}`); median of {args.runs} runs on "
        f"{platform.machine()} / {os.cpu_count()} cores / Python {platform.python_version()}, "
        "uv cache warm. Budget: plan <= 1 s end to end, KB choice <= 50 ms.",
        "",
        "| what | median |",
        "| --- | --- |",
    ]
    lines += [f"| {what} | {value * 1000:.0f} ms |" for what, value in rows]
    lines += ["", "Reproduce: `.venv/bin/python bench/plan_speed.py`.", ""]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


def write_section(section: str) -> None:
    """Replace (or append) only the "## plan" section of bench/RESULTS.md."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == "## plan"), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = "\n".join([*lines[:start], *section.rstrip("\n").splitlines(), "", *lines[end:]])
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
