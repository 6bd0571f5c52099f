"""The slowest adversarial input per reader: each hostile input is read in a fresh process (wall
time and peak RSS of that process, best of --runs), through the public API the CLI uses.

    python bench/adversarial.py [--runs 3] [--only READER] [--keep DIR]

Readers: METADATA (envdoctor.probe.distributions.scan_path), snapshot (envdoctor.probe.collect.
load_snapshot), log (envdoctor.explain.explain_stream), conda-meta (envdoctor.probe.conda.read_conda),
cache (envdoctor.checkcache.load). Prints a Markdown table and the slowest input of each reader.
The inputs (up to ~300 MB) are written once into a temporary folder (or --keep DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MB = 1 << 20


def _dist(site: Path, name: str, metadata: bytes | None = None) -> Path:
    meta = site / f"{name}-1.0.dist-info"
    meta.mkdir(parents=True, exist_ok=True)
    if metadata is not None:
        (meta / "METADATA").write_bytes(metadata)
    return meta


def _big(path: Path, head: bytes, unit: bytes, size: int) -> None:
    with open(path, "wb") as out:
        out.write(head)
        chunk = unit * max(1, (4 * MB) // len(unit))
        written = len(head)
        while written < size:
            out.write(chunk)
            written += len(chunk)


# ---- inputs: name -> builder(folder) -> path handed to the reader ----------------------------
def metadata_inputs() -> dict[str, Callable[[Path], Path]]:
    head = b"Metadata-Version: 2.1\nName: big\nVersion: 1.0\nLicense: x\n"

    def folded(d: Path) -> Path:  # the 245 s case of issue 17: folded lines, never a blank line
        _big(_dist(d / "site", "big") / "METADATA", head, b" " + b"y" * 99 + b"\n", 50 * MB)
        return d / "site"

    def one_line(d: Path) -> Path:
        _big(_dist(d / "site", "big") / "METADATA", head[:-1], b"z" * 1000, 50 * MB)
        return d / "site"

    def no_name(d: Path) -> Path:  # the general parser: 1M folded lines under an unusual header
        _big(_dist(d / "site", "big") / "METADATA", b"X-Odd: a\n", b" b\n", 4 * MB)
        return d / "site"

    def short_lines(d: Path) -> Path:
        _big(_dist(d / "site", "big") / "METADATA", b"", b"a:\n", 8 * MB)
        return d / "site"

    def bad_utf8(d: Path) -> Path:
        _big(_dist(d / "site", "big") / "METADATA", head, b"\xff\xfe\xc3", 50 * MB)
        return d / "site"

    def fifo(d: Path) -> Path:
        os.mkfifo(_dist(d / "site", "big") / "METADATA")
        return d / "site"

    def dev_zero(d: Path) -> Path:
        (_dist(d / "site", "big") / "METADATA").symlink_to("/dev/zero")
        return d / "site"

    def many(d: Path) -> Path:  # scale: 20,000 small dist-info folders
        for i in range(20_000):
            meta = _dist(d / "site", f"p{i}", b"Metadata-Version: 2.1\nName: p%d\nVersion: 1.0\n\n" % i)
            (meta / "INSTALLER").write_text("pip\n")
        return d / "site"

    return {
        "50 MB folded header, no blank line": folded,
        "50 MB header on one line": one_line,
        "4 MB of 1M folded lines, no Name": no_name,
        "8 MB of 2.8M short header lines": short_lines,
        "50 MB not UTF-8": bad_utf8,
        "METADATA is a FIFO": fifo,
        "METADATA is /dev/zero": dev_zero,
        "20,000 distributions": many,
    }


def snapshot_inputs() -> dict[str, Callable[[Path], Path]]:
    def dist(i: int) -> dict[str, object]:
        return {
            "name": f"p{i}",
            "version": "1.0",
            "requires": [f"dep{j}>=1" for j in range(20)],
            "metadata_path": "/x" * 40,
        }

    def sized(size: int) -> Callable[[Path], Path]:
        def build(d: Path) -> Path:
            one = len(json.dumps(dist(0)))
            doc = {
                "interpreter": {"executable": "/x/bin/python"},
                "distributions": [dist(i) for i in range(size // one)],
            }
            path = d / "snapshot.json"
            path.write_text(json.dumps(doc))
            return path

        return build

    def deep(d: Path) -> Path:
        path = d / "deep.json"
        path.write_text('{"interpreter": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}")
        return path

    def one_string(d: Path) -> Path:
        path = d / "string.json"
        path.write_text('{"interpreter": {"executable": "' + "a" * (15 * MB) + '"}}')
        return path

    return {
        "123 MB snapshot (issue 17: 28 s, 2 GB)": sized(123 * MB),
        "15 MB snapshot (under the 16 MiB limit)": sized(15 * MB),
        "17 MB snapshot (over it)": sized(17 * MB),
        "1M-deep nesting (2 MB)": deep,
        "15 MB single string": one_string,
    }


def log_inputs() -> dict[str, Callable[[Path], Path]]:
    def write(text_unit: bytes, size: int, name: str = "log.txt") -> Callable[[Path], Path]:
        def build(d: Path) -> Path:
            _big(d / name, b"", text_unit, size)
            return d / name

        return build

    pip = b"ERROR: Cannot install tensorflow==2.15.0 because these package versions have conflicting dependencies. "
    cudnn = b"Loaded runtime CuDNN library: 8.9.4 but source was compiled with: 8.9.6. CuDNN library "
    return {
        "1 MB line, pip conflict words repeated": write(pip, 1 * MB),
        "1 MB line, cuDNN version words repeated": write(cudnn, 1 * MB),
        "1 MB line of 'a'": write(b"a", 1 * MB),
        "50 MB of \\r progress bars": write(b"\r 45%|####      | 1.2/2.7 GB", 50 * MB),
        "20 MB of binary garbage": write(os.urandom(4096), 20 * MB),
        "100 MB of a real traceback, repeated": write(
            b'Traceback (most recent call last):\n  File "x.py", line 1\n'
            b"ImportError: numpy.core.multiarray failed to import\n",
            100 * MB,
        ),
    }


def conda_inputs() -> dict[str, Callable[[Path], Path]]:
    def records(count: int, files: int) -> Callable[[Path], Path]:
        def build(d: Path) -> Path:
            meta = d / "prefix" / "conda-meta"
            meta.mkdir(parents=True)
            for i in range(count):
                rec = {
                    "name": f"p{i}",
                    "version": "1.0",
                    "build_number": "abc",
                    "depends": ["python >=3.9"] * 5,
                    "files": [f"lib/python3.11/site-packages/p{i}/f{j}.py" for j in range(files)],
                }
                (meta / f"p{i}-1.0-0.json").write_text(json.dumps(rec))
            return d / "prefix"

        return build

    def deep(d: Path) -> Path:
        meta = d / "prefix" / "conda-meta"
        meta.mkdir(parents=True)
        (meta / "deep-1-0.json").write_text("[" * 1_000_000 + "]" * 1_000_000)
        os.mkfifo(meta / "fifo-1-0.json")
        return d / "prefix"

    return {
        "5,000 records": records(5000, 10),
        "one record listing 1M files (60 MB)": records(1, 1_000_000),
        "1M-deep record and a FIFO record": deep,
    }


def cache_inputs() -> dict[str, Callable[[Path], Path]]:
    def corrupt(d: Path) -> Path:
        folder = d / "cache" / "check"
        folder.mkdir(parents=True)
        _big(folder / "k.json", b'{"format": 2, "racy": {}, "findings": ', b"[" * 4096, 60 * MB)
        return d / "cache"

    def wrong(d: Path) -> Path:
        folder = d / "cache" / "check"
        folder.mkdir(parents=True)
        doc = {"format": 2, "racy": {f"/x/{i}": "y" for i in range(200_000)}, "findings": 5}
        (folder / "k.json").write_text(json.dumps(doc))
        return d / "cache"

    return {"60 MB corrupt entry": corrupt, "200,000 racy paths, wrong findings": wrong}


READERS: dict[str, Callable[[], dict[str, Callable[[Path], Path]]]] = {
    "METADATA": metadata_inputs,
    "snapshot": snapshot_inputs,
    "log": log_inputs,
    "conda-meta": conda_inputs,
    "cache": cache_inputs,
}


def read_one(reader: str, path: str) -> str:
    """Run one reader on `path` in this process; a short outcome."""
    if reader == "METADATA":
        from envdoctor.probe.distributions import scan_path

        skipped: list = []
        dists = scan_path([path], skipped)
        problems = sum(len(d.problems) for d in dists)
        return f"{len(dists)} read, {problems} problems said"
    if reader == "snapshot":
        from envdoctor.errors import UsageError
        from envdoctor.probe.collect import load_snapshot

        try:
            snap = load_snapshot(path)
        except UsageError as exc:
            return "refused: " + str(exc).replace(path, "FILE").split(": ")[-1][:70]
        return f"{len(snap.distributions)} distributions"
    if reader == "log":
        from envdoctor.explain import explain_file

        result = explain_file(path)
        return f"cause {result.cause}, {result.lines_read} lines"
    if reader == "conda-meta":
        from envdoctor.probe.conda import read_conda

        skipped = []
        conda = read_conda(Path(path), skipped)
        return f"{len(conda.records) if conda else 0} records, {len(skipped)} skipped"
    if reader == "cache":
        os.environ["ENVDOCTOR_CACHE_DIR"] = path
        from envdoctor import checkcache

        return "discarded" if checkcache.load("k") is None else "used"
    raise SystemExit(f"unknown reader {reader}")


def _peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM: per process image, unlike getrusage after a fork)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(reader: str, path: Path, runs: int) -> tuple[float, float, str]:
    best, rss, outcome = float("inf"), 0.0, ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--one", reader, str(path)], capture_output=True, text=True, timeout=600
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            return elapsed, 0.0, "FAILED: " + (done.stderr.strip().splitlines() or ["?"])[-1][:80]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        best = min(best, result["seconds"])
        rss = max(rss, result["rss_mib"])
        outcome = result["outcome"]
    return best, rss, outcome


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=sorted(READERS))
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    parser.add_argument("--one", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        start = time.perf_counter()
        outcome = read_one(*args.one)
        seconds = time.perf_counter() - start
        rss = _peak_rss_mib()
        print(json.dumps({"seconds": seconds, "rss_mib": rss, "outcome": outcome}))
        return 0
    root = args.keep or Path(tempfile.mkdtemp(prefix="envdoctor-adversarial-"))
    print(f"inputs in {root}; best of {args.runs} runs each, a fresh process per run (reading only)\n")
    print("| reader | input | seconds | peak RSS MiB | outcome |")
    print("|---|---|---|---|---|")
    slowest: dict[str, tuple[float, str]] = {}
    try:
        for reader, inputs in READERS.items():
            if args.only and reader != args.only:
                continue
            for i, (name, build) in enumerate(inputs().items()):
                folder = root / reader / str(i)
                if not folder.exists():
                    folder.mkdir(parents=True)
                    path = build(folder)
                    (folder / ".path").write_text(str(path))
                path = Path((folder / ".path").read_text())
                seconds, rss, outcome = measure(reader, path, args.runs)
                print(f"| {reader} | {name} | {seconds:.3f} | {rss:.0f} | {outcome} |", flush=True)
                if seconds > slowest.get(reader, (-1.0, ""))[0]:
                    slowest[reader] = (seconds, name)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print("\nslowest input per reader:")
    for reader, (seconds, name) in slowest.items():
        print(f"- {reader}: {name}: {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
