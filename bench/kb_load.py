"""How long the knowledge base takes to load and answer its first queries.

    .venv/bin/python bench/kb_load.py [--repeat N]

Each sample runs in a fresh interpreter (nothing warm but the OS file cache) and reports:
import of envdoctor.knowledge, KnowledgeBase.load() (curated facts), the first release query
(parses releases.json), and load + the queries `check` makes. Budget: load <= 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, os, time
t0 = time.perf_counter()
from envdoctor.knowledge import KnowledgeBase
t1 = time.perf_counter()
kb = KnowledgeBase.load(prefer_user_cache=False)
t2 = time.perf_counter()
kb.releases("tensorflow")
t3 = time.perf_counter()
kb.pythons("tensorflow", "2.18.0", "linux-x86_64")
kb.numpy_abi("tensorflow", "2.15.0")
kb.build("torch", "2.5.1")
kb.min_driver("12.4")
kb.requirements("tensorflow", "2.18.0", extras=["and-cuda"], environment={"python_version": "3.11",
    "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"})
t4 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "load_ms": (t2 - t1) * 1e3,
                  "first_release_query_ms": (t3 - t2) * 1e3, "load_plus_queries_ms": (t4 - t1) * 1e3}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {}
    # as installed: byte-code cached (kept out of the source tree)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "envdoctor-bench-pycache")
    subprocess.run([sys.executable, "-c", CHILD], capture_output=True, env=env, check=True)  # warm
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, env=env)
        for key, value in json.loads(out.stdout).items():
            samples.setdefault(key, []).append(value)
    for key, values in samples.items():
        print(f"{key:24s} median {statistics.median(values):6.2f} ms   max {max(values):6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
