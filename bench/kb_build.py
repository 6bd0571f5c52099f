"""Time a full, cold build of the knowledge base's release data from PyPI (network).

    .venv/bin/python bench/kb_build.py            # cold: no cache, no previous data
    .venv/bin/python bench/kb_build.py --warm     # then again: incremental (previous data reused)

Writes to a temporary file; the shipped data is not touched. Budget: full build <= 2 minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from envdoctor.knowledge import read_releases_file
from envdoctor.knowledge.build import build
from envdoctor.knowledge.releasesfile import write


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warm", action="store_true", help="also time an incremental rebuild")
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "releases.json"
        start = time.perf_counter()
        data, stats = build(workers=args.workers, cache=None, progress=sys.stderr)
        write(data, out)
        cold = time.perf_counter() - start
        print(
            f"cold full build: {cold:.1f} s wall; {stats.releases} releases of {stats.packages} packages; "
            f"{stats.wheels_read} wheels read by range requests; {stats.requests} HTTP requests; "
            f"{stats.bytes / 1e6:.0f} MB transferred; {out.stat().st_size / 1e3:.0f} kB written; "
            f"errors: {len(stats.errors)}"
        )
        if args.warm:
            start = time.perf_counter()
            _, warm = build(workers=args.workers, cache=None, previous=read_releases_file(out))
            print(
                f"incremental rebuild: {time.perf_counter() - start:.1f} s wall; {warm.reused} releases reused; "
                f"{warm.wheels_read} wheels read; {warm.requests} HTTP requests"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
