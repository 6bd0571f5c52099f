"""Start-up of envdoctor's verbs before and after a change, by `-X importtime`: for each verb, the
sum of the cumulative times of the top-level imports (what the interpreter spent importing) and
the number of modules imported, interleaved run by run so that both sides see the same load.

    git worktree add /tmp/before <commit>
    python bench/import_time_ab.py --before /tmp/before/src [--after /tmp/after/src] [--runs 7]

Prints a Markdown table: per verb and side, the best 4 of N sums (ms) and the modules imported.
`check` runs against this interpreter's own environment, answered from the result cache (each
side has its own cache: ENVDOCTOR_CACHE_DIR), after one warm-up run per side.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = "ERROR: No matching distribution found for tensorflow==2.3.0\n"
VERBS = {
    "--help": ["--help"],
    "check --help": ["check", "--help"],
    "check": ["check"],
    "explain": ["explain", "{log}"],
    "completion bash": ["completion", "bash"],
}


def once(src: Path, args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(ms importing, modules imported) of one `python -X importtime -m envdoctor ARGS`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "envdoctor", *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(src)},
        cwd=tempfile.gettempdir(),
    )
    total, modules = 0, 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        modules += 1
        if not name[1:].startswith(" "):  # a top-level import: its cumulative time counts once
            total += int(cumulative)
    return total / 1000, modules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout's src folder")
    parser.add_argument("--after", type=Path, default=ROOT / "src", help="default: this checkout's src")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp, "install.log")
        log.write_text(LOG, encoding="utf-8")
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
        sides = {
            "before": (args.before, {**base, "ENVDOCTOR_CACHE_DIR": str(Path(tmp, "cache-before"))}),
            "after": (args.after, {**base, "ENVDOCTOR_CACHE_DIR": str(Path(tmp, "cache-after"))}),
        }
        for src, env in sides.values():
            once(src, ["check"], env)  # fills this side's result cache
        print(f"| verb | side | ms (best 4 of {args.runs}) | modules |")
        print("|---|---|---|---|")
        for verb, template in VERBS.items():
            argv = [a.format(log=log) for a in template]
            results: dict[str, list[tuple[float, int]]] = {side: [] for side in sides}
            for _ in range(args.runs):
                for side, (src, env) in sides.items():
                    results[side].append(once(src, argv, env))
            for side, runs in results.items():
                best = sorted(ms for ms, _ in runs)[:4]
                modules = max(n for _, n in runs)
                print(f"| `{verb}` | {side} | {', '.join(f'{ms:.1f}' for ms in best)} | {modules} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
