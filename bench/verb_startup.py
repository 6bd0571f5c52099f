"""Start-up import time of every verb: `envdoctor <verb> --help` (the CLI plus that verb's
commands module and its `configure`), one shell-completion request (argcomplete builds every
verb's parser, so it imports every commands module) and `envdoctor check` itself on this
interpreter's environment (answered from the result cache, and with --no-cache).

    python bench/verb_startup.py [--runs 7] [--only check --only completion] [--src A/src --src B/src]
        [--import envdoctor.cli,envdoctor.commands.create,envdoctor.actions.create]

Rows (`--only`): each verb's name (its `--help`), `completion`, `check-run` (check cached and
--no-cache), `explain-run` (`envdoctor explain` on a one-line pip log); each `--import A,B,...` adds
a row that imports just those modules (what one verb holds, or a Ray worker's `envdoctor.fleet.node`).

Each --src (default: this checkout's src) is a tree of envdoctor to compare; their runs alternate,
so a busy machine slows them alike. Per row and tree: the sum of the top-level `-X importtime`
cumulative times (wall ms), the process's CPU time (user + sys ms, steadier on a shared machine:
the whole interpreter, start-up included), both the best of N runs after a warm-up run that
writes the bytecode, and the number of modules imported.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# As installed: bytecode written on the warm-up run (this sandbox sets PYTHONDONTWRITEBYTECODE).
BASE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
VERBS = (
    "check", "snapshot", "report", "explain", "run", "plan", "lint", "create", "fix", "restore",
    "verify", "kb", "kernels", "fleet", "completion",
)  # fmt: skip


def one_run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(import wall ms: the top-level imports' cumulative times summed, process CPU ms, modules)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env=env,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    total_us = 0
    modules = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|", 2)
        modules += 1
        if not name[1:].startswith(" "):  # a top-level import (nested ones are indented)
            total_us += int(cumulative)
    return total_us / 1000, cpu_ms, modules


def completion_env(out: str) -> dict[str, str]:
    line = "envdoctor check --"
    return {
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_STDOUT_FILENAME": out,
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "COMP_TYPE": "9",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", action="append", default=[], help="only these rows: verbs, completion, check-run")
    parser.add_argument("--src", action="append", default=[], help="an envdoctor src tree (repeatable)")
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MOD,MOD",
        help="a row that imports these modules (comma-separated; repeatable)",
    )
    args = parser.parse_args()
    srcs = [str(Path(s).resolve()) for s in args.src] or [str(ROOT / "src")]
    tmp = tempfile.mkdtemp()
    rows: list[tuple[str, list[str], dict[str, str]]] = []

    def wanted(name: str) -> bool:
        return not args.only or name in args.only

    rows += [(f"`{v} --help`", ["-m", "envdoctor", v, "--help"], {}) for v in VERBS if wanted(v)]
    if wanted("completion"):
        rows.append(("a completion request (TAB)", ["-m", "envdoctor"], completion_env(str(Path(tmp) / "out"))))
    if wanted("check-run"):
        rows.append(("`check` (cached answer)", ["-m", "envdoctor", "check"], {}))
        rows.append(("`check --no-cache`", ["-m", "envdoctor", "check", "--no-cache"], {}))
    if wanted("explain-run"):
        log = Path(tmp) / "pip.log"
        log.write_text("ERROR: No matching distribution found for tensorflow==2.3.0\n", encoding="utf-8")
        rows.append(("`explain` (a one-line pip log)", ["-m", "envdoctor", "explain", str(log)], {}))
    for modules in args.imports:
        names = [m.strip() for m in modules.split(",") if m.strip()]
        rows.append((f"import {', '.join(names)}", ["-c", f"import {', '.join(names)}"], {}))
    head = " | ".join(f"{Path(s).parent.name}: import ms / CPU ms / modules" for s in srcs)
    print(f"| start-up (best of {args.runs}) | {head} |")
    print("|---|" + "---|" * len(srcs))
    for name, argv, extra in rows:
        envs = [{**BASE_ENV, **extra, "PYTHONPATH": s} for s in srcs]
        for env in envs:
            one_run(argv, env)  # warm-up: writes the bytecode (and check's cache)
        results: list[list[tuple[float, float, int]]] = [[] for _ in srcs]
        for _ in range(args.runs):
            for i, env in enumerate(envs):
                results[i].append(one_run(argv, env))
        cells = [f"{min(r[0] for r in res):.1f} / {min(r[1] for r in res):.0f} / {res[-1][2]}" for res in results]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
