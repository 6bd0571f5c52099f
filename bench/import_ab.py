"""Import cost of each verb's modules before and after a change, interleaved run by run (a shared,
loaded machine makes runs minutes apart incomparable): the sum of `-X importtime` self times and the
number of modules imported, best and median of N runs, for two source trees put first on PYTHONPATH.

    git archive <commit> src | tar -x -C /tmp/before
    python bench/import_ab.py --before /tmp/before/src [--after src] [--runs 9]

A verb's row imports what its command imports before it runs (the CLI, the command module, the
service layer and the action module). Where a change moved imports from call time to import time,
the row "... with what its run imports" imports, on the before side, the modules the run imports
later, so that both sides hold what the running verb holds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = "envdoctor.cli"
# (before, after) imports; one string: the same on both sides
CASES: dict[str, tuple[list[str], list[str]] | list[str]] = {
    "check --help": ["-m", "envdoctor", "check", "--help"],
    "fix --help": ["-m", "envdoctor", "fix", "--help"],
    "check (its imports)": ["-c", f"import {CLI}, envdoctor.commands.check, envdoctor.doctor"],
    "create": ["-c", f"import {CLI}, envdoctor.commands.create, envdoctor.actions.create, envdoctor.actions.envfile"],
    "fix": ["-c", f"import {CLI}, envdoctor.commands.fix, envdoctor.doctor, envdoctor.actions.fix"],
    "verify": ["-c", f"import {CLI}, envdoctor.commands.verify, envdoctor.doctor, envdoctor.actions.verify"],
    "restore": ["-c", f"import {CLI}, envdoctor.commands.restore, envdoctor.actions.restore"],
    "fleet": [
        "-c",
        f"import {CLI}, envdoctor.commands.fleet, envdoctor.doctor, envdoctor.fleet.aggregate, envdoctor.fleet.bundle",
    ],
    "create, with what its run imports": (
        [
            "-c",
            f"import {CLI}, envdoctor.commands.create, envdoctor.actions.create, envdoctor.actions.envfile, "
            "envdoctor.actions.restore, envdoctor.actions.verify, envdoctor.actions.containment, "
            "envdoctor.actions.lock, "
            "envdoctor.model, envdoctor.actions.interrupts, envdoctor.probe.target, envdoctor.doctor",
        ],
        ["-c", f"import {CLI}, envdoctor.commands.create, envdoctor.actions.create, envdoctor.actions.envfile"],
    ),
    "fleet node (Ray worker), with what node_snapshot imports": (
        ["-c", "import envdoctor.fleet.node, envdoctor.doctor, envdoctor.probe.sources, envdoctor.probe.target"],
        ["-c", "import envdoctor.fleet.node"],
    ),
}


def measure(src: str, argv: list[str]) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=src)
    err = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, env=env).stderr
    rows = [line for line in err.splitlines() if line.startswith("import time:") and "self [us]" not in line]
    return sum(int(line.split("|")[0].split(":")[1]) for line in rows) / 1000, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="the `src` folder of the tree before")
    parser.add_argument("--after", default=str(ROOT / "src"))
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} interleaved rounds\n")
    print("| verb | before ms (best / median) | modules | after ms (best / median) | modules |")
    print("|---|---|---|---|---|")
    for name, case in CASES.items():
        before, after = case if isinstance(case, tuple) else (case, case)
        runs: dict[str, list[tuple[float, int]]] = {"before": [], "after": []}
        for _ in range(args.runs):
            runs["before"].append(measure(args.before, before))
            runs["after"].append(measure(args.after, after))
        cells = []
        for side in ("before", "after"):
            ms = sorted(r[0] for r in runs[side])
            cells += [f"{ms[0]:.1f} / {statistics.median(ms):.1f}", str(runs[side][0][1])]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
