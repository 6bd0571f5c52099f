"""What verified restore points cost on a large real environment.

Builds a venv (uv, no network) holding torch from a local wheel (`--no-deps`: the point is the
file count, ~15 000 files), then times: recording a point (RECORD of every distribution, the tree
of site-packages and bin), the containment check fix runs before its first step, the file-by-file
comparison restore and rollback run (cold: every file hashed; warm: memoised on inode, size and
mtime), and the comparison after one file was changed in place (uv runs with a private cache:
it hardlinks from its cache, so an in-place edit would change the shared cached copy too).

    python bench/restore_points.py [--wheel /opt/wheels/torch-...whl] [--python /path/to/python3.11]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    found = sorted(glob.glob("/opt/wheels/torch-*.whl"))
    parser.add_argument("--wheel", default=found[-1] if found else None, help="a large wheel to install")
    parser.add_argument("--python", default=sys.executable, help="the interpreter of the venv")
    args = parser.parse_args()
    if not args.wheel:
        print("no wheel given and none in /opt/wheels", file=sys.stderr)
        return 2

    from envdoctor.actions import records
    from envdoctor.actions import restore as points
    from envdoctor.actions.uvtool import uv_binary
    from envdoctor.probe.collect import describe

    with tempfile.TemporaryDirectory(prefix="envdoctor-bench-") as tmp:
        env_dir = Path(tmp) / "env"
        # a private cache: uv hardlinks from its cache, and this bench edits an installed file in place
        uv_env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", UV_CACHE_DIR=str(Path(tmp) / "uv-cache"))
        uv_env.pop("VIRTUAL_ENV", None)
        subprocess.run([uv_binary(), "venv", "-q", "--python", args.python, str(env_dir)], check=True, env=uv_env)
        python = env_dir / "bin" / "python"
        start = time.perf_counter()
        subprocess.run(
            [uv_binary(), "pip", "install", "-q", "--python", str(python), "--no-deps", args.wheel],
            check=True,
            env=uv_env,
        )
        install_s = time.perf_counter() - start
        target = describe(str(python))
        files = sum(len(f) for _, _, f in os.walk(target.site_packages[0]))
        size = sum(
            os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(target.site_packages[0]) for n in names
        )

        def timed(label: str, fn, repeat: int = 1):  # type: ignore[no-untyped-def]
            best = float("inf")
            value = None
            for _ in range(repeat):
                records._HASHES.clear() if label.endswith("(cold)") else None
                t = time.perf_counter()
                value = fn()
                best = min(best, time.perf_counter() - t)
            print(f"{label:<58} {best * 1000:9.1f} ms")
            return value

        print(
            f"environment: {os.path.basename(args.wheel)} --no-deps, {files} files, {size / 1e6:.0f} MB "
            f"in site-packages (install {install_s:.1f} s)"
        )
        point = timed("record a restore point", lambda: points.record(target, reason="bench"), repeat=1)
        point_json = point.path / points.POINT_FILE
        print(f"{'  point.json size':<58} {point_json.stat().st_size / 1e6:9.2f} MB")
        timed("load + verify the point (digest, values)", lambda: points.load(point.path), repeat=3)
        timed("containment check before fix's first step", lambda: points.refuse_unsafe_removals(target, "b"), 3)
        first = timed("compare file by file (cold)", lambda: points.diff(point, target), repeat=2)
        assert first is not None and first.empty, first.lines() if first else None
        timed("compare file by file (warm)", lambda: points.diff(point, target), repeat=3)
        victim = next(Path(target.site_packages[0]).glob("torch/nn/modules/linear.py"))
        with open(victim, "a", encoding="utf-8") as handle:
            handle.write("\n# changed in place\n")
        changed = timed("compare after one file changed in place (warm)", lambda: points.diff(point, target), 3)
        assert changed is not None and list(changed.modified) == ["torch"], changed.lines() if changed else None
        print(json.dumps({"modified": changed.modified}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
