"""Start-up import time of every verb: `envdoctor <verb> --help` (the CLI plus that verb's
commands module and its `configure`), one shell-completion request (argcomplete builds every
verb's parser, so it imports every commands module) and `envdoctor check` itself on this
interpreter's environment.

    python bench/verb_startup.py [--runs 7] [--only check --only explain]

Each figure is the sum of the top-level `-X importtime` cumulative times (ms, the best of N runs,
after a warm-up run that writes the bytecode) and the number of modules imported.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from envdoctor.cli import COMMANDS  # noqa: E402

# As installed: bytecode written on the warm-up run (this sandbox sets PYTHONDONTWRITEBYTECODE).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CHILD_ENV["PYTHONPATH"] = str(ROOT / "src")


def import_time(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(ms: the top-level imports' cumulative times summed, modules imported) of one run."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env=env,
    )
    total_us = 0
    modules = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|", 2)
        modules += 1
        if not name[1:].startswith(" "):  # a top-level import (nested ones are indented)
            total_us += int(cumulative)
    return total_us / 1000, modules


def best(argv: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, int]:
    env = env or CHILD_ENV
    import_time(argv, env)  # warm-up: writes the bytecode
    results = [import_time(argv, env) for _ in range(runs)]
    return min(ms for ms, _ in results), results[-1][1]


def completion_env(out: str) -> dict[str, str]:
    line = "envdoctor check --"
    return {
        **CHILD_ENV,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_STDOUT_FILENAME": out,
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "COMP_TYPE": "9",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", action="append", default=[], help="only these rows (verb names, completion, 'check run')")
    args = parser.parse_args()
    rows: list[tuple[str, float, int]] = []

    def wanted(name: str) -> bool:
        return not args.only or name in args.only or name.split()[0] in args.only

    for verb in COMMANDS:
        if wanted(verb):
            rows.append((f"`{verb} --help`", *best(["-m", "envdoctor", verb, "--help"], args.runs)))
    if wanted("completion"):
        with tempfile.TemporaryDirectory() as tmp:
            out = str(Path(tmp) / "completions")
            rows.append(("a completion request (TAB)", *best(["-m", "envdoctor"], args.runs, completion_env(out))))
    if wanted("check run"):
        rows.append(("`check` (this environment)", *best(["-m", "envdoctor", "check", "--no-cache"], args.runs)))
    print("| start-up | import ms (best of %d) | modules |" % args.runs)
    print("|---|---|---|")
    for name, ms, modules in rows:
        print(f"| {name} | {ms:.1f} | {modules} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
