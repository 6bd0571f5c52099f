"""How long the package rules (ED1xx-ED3xx) take on a synthetic 400-distribution environment: a
watch on quadratic slips (the check budget is 150 ms for the whole command).

    .venv/bin/python bench/rules_speed.py [--runs 5]
"""

from __future__ import annotations

import random
import time

from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb

from envdoctor.model import CondaRecord
from envdoctor.rules import Context, all_rules, run_rules


def large_snapshot(n: int = 400) -> object:
    rnd = random.Random(1)
    names = [f"pkg-{i}" for i in range(n)]
    dists = []
    for i, name in enumerate(names):
        reqs = [
            f"{names[j]}{rnd.choice(['>=1.0', '<3,>=1.0', '~=1.0', '', '!=1.5.0,>=0.9', '<4'])}"
            for j in rnd.sample(range(n), 6)
            if j != i
        ]
        reqs += [
            'pytest>=7; extra == "test"',
            'colorama; sys_platform == "win32"',
            'importlib-metadata>=4; python_version < "3.10"',
        ]
        dists.append(
            dist(
                name,
                f"1.{i % 10}.{i % 7}",
                requires=reqs,
                top_level=[name.replace("-", "_")],
                wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"],
                requires_python=">=3.8",
            )
        )
    records = [
        CondaRecord(
            d.name,
            d.version,
            python_dists=[f"{d.name.replace('-', '_')}-{d.version}.dist-info"],
            depends=[f"{names[(k * 7) % n]} >=1.0,<4.0a0", "python >=3.11,<3.12.0a0"],
        )
        for k, d in enumerate(dists[:300])
    ]
    return snapshot(dists, records=records)


def main() -> None:
    import argparse
    import statistics

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    snap = large_snapshot()
    rules = [r for r in all_rules() if "ED100" < r.code < "ED400"]
    kb = make_kb()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        findings = list(run_rules(Context(snap, kb), rules))  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    crashed = [f for f in findings if f.code == "ED000"]
    print(
        f"{len(rules)} package rules on 400 distributions, {args.runs} runs: "
        f"median {statistics.median(times) * 1000:.1f} ms, best {min(times) * 1000:.1f} ms; "
        f"{len(findings)} findings, {len(crashed)} rule crashes"
    )


if __name__ == "__main__":
    main()
