"""Attempts, data lost and tracebacks per adversarial case of the changing verbs (fix --apply,
restore, create): runs tests/adversarial/test_containment.py, test_restore_points.py and
test_apply_faults.py N times (real processes, real uv / py-rattler, real signals, tmpfs disks)
and prints one row per case.

Each case asserts its own "no data lost" (the victim files, the project tree, the environment
against its restore point) and "no traceback" (every stderr): a failed attempt is counted as data
lost when its failure names one of those checks, as a traceback when its text holds one.

    python bench/adversarial_actions.py [--runs 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

FILES = [
    "tests/adversarial/test_containment.py",
    "tests/adversarial/test_restore_points.py",
    "tests/adversarial/test_apply_faults.py",
]
DATA_CHECKS = re.compile(r"precious|keep|tree_digest|installed\(|diff\(.*\)\.empty|read_bytes\(\) == original")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    rows: dict[str, dict[str, list[float] | int]] = defaultdict(lambda: {"times": [], "passed": 0, "lost": 0, "tb": 0})
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "junit.xml"
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *FILES],
                cwd=root,
                capture_output=True,
                text=True,
            )
            for case in ET.parse(report).getroot().iter("testcase"):
                name = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
                row = rows[name]
                times = row["times"]
                assert isinstance(times, list)
                times.append(float(case.get("time", 0)))
                problems = [e for e in case if e.tag in ("failure", "error")]
                skipped = [e for e in case if e.tag == "skipped"]
                text = "".join((e.get("message") or "") + (e.text or "") for e in problems)
                if skipped:
                    row["skipped"] = 1
                elif not problems:
                    row["passed"] = int(row["passed"]) + 1
                if "Traceback" in text:
                    row["tb"] = int(row["tb"]) + 1
                if problems and DATA_CHECKS.search(text):
                    row["lost"] = int(row["lost"]) + 1
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    print(f"{'case':<92} attempts passed lost tracebacks median_s")
    totals = [0, 0, 0, 0]
    for name, row in sorted(rows.items()):
        times = row["times"]
        assert isinstance(times, list)
        attempts = len(times)
        mark = " (skipped)" if row.get("skipped") else ""
        print(
            f"{name + mark:<92} {attempts:>8} {row['passed']:>6} {row['lost']:>4} {row['tb']:>10} "
            f"{statistics.median(times):>8.2f}"
        )
        totals = [
            totals[0] + attempts,
            totals[1] + int(row["passed"]),
            totals[2] + int(row["lost"]),
            totals[3] + int(row["tb"]),
        ]
    print(f"{'total':<92} {totals[0]:>8} {totals[1]:>6} {totals[2]:>4} {totals[3]:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
