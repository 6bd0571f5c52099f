"""The explorer site's size and first render in a local browser (issue 15's goals: <= 2 MB,
first render <= 200 ms).

    .venv/bin/python bench/explorer.py [--repeat 5] [--out DIR] [--screenshot docs/explorer.png]

Builds the site with `envdoctor kb html` (timed), then loads index.html from file:// in headless
Debian Chromium through Playwright, `--repeat` times in fresh pages, and prints the browser's own
timings: the first contentful paint and the moment the answer is on screen (html[data-ready],
set by app.js once the first answer is in the DOM), both from navigation start.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "explorer"))
from browser import ARGS, CHROMIUM, missing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--screenshot", type=Path, default=None, help="also save a desktop screenshot here")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp()) / "site"
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "envdoctor", "kb", "html", "-o", str(out)], capture_output=True, text=True
    )
    build_s = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 1
    print(proc.stdout.strip())
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()}
    for name, size in sizes.items():
        print(f"  {name:18s} {size / 1000:8.1f} kB")
    print(f"total {sum(sizes.values()) / 1e6:.3f} MB (goal <= 2 MB); build {build_s:.1f} s wall")
    why = missing()
    if why:
        print(f"first render: skipped: {why}")
        return 0
    from playwright.sync_api import sync_playwright

    url = (out / "index.html").as_uri() + "#tensorflow/linux-x86_64/3.12/gpu/550"
    paint: list[float] = []
    ready: list[float] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": 1280, "height": 900}
        )
        for i in range(args.repeat + 1):
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("html[data-ready]")
            page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
            fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            done = page.evaluate("window.ENVDOCTOR_READY_MS")
            if i:  # the first load warms the disk cache
                paint.append(fcp)
                ready.append(done)
            if args.screenshot and i == args.repeat:
                page.set_viewport_size({"width": 1100, "height": 760})
                page.screenshot(path=str(args.screenshot))
            page.close()
        version = context.browser.version if context.browser else "?"
        context.close()
    print(f"Chromium {version}, {args.repeat} loads from file:// (after one warm-up):")
    print(f"  first contentful paint: median {statistics.median(paint):.0f} ms, max {max(paint):.0f} ms")
    print(
        f"  answer rendered:        median {statistics.median(ready):.0f} ms, max {max(ready):.0f} ms (goal <= 200 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
