"""The zoo benchmark: build each real broken / healthy environment with uv, run envdoctor check,
verify and fix --apply on it, and record found / expected, false findings on the healthy ones,
and the time per environment in the "## zoo" section of bench/RESULTS.md.

    python bench/zoo.py [--root DIR] [--only NAME ...] [--no-fix] [--no-write] [--json FILE]

Needs the package index (the first run downloads ~2.5 GB into uv's cache; later builds take
seconds). Environments are built one after the other (downloads stay sequential).
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.zoo.envs import ZOO, build  # noqa: E402
from tests.zoo.evaluate import Outcome, evaluate  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## zoo"


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| environment | check: expected causes found | check error causes | verify cause (expected) "
        "| fix --apply -> verify | false findings | build / check / verify / fix (s) | pass |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        expected = f"{o.check_found}/{len(o.expected_causes)}" if o.expected_causes else "-"
        if o.healthy:
            verify = "works" if o.verify_ok else f"FAILS ({', '.join(o.verify_causes)})"
            fix = "-"
            false = str(len(o.false_findings)) + (
                " (" + "; ".join(f.split(":")[0] for f in o.false_findings) + ")" if o.false_findings else ""
            )
        else:
            verify = (
                f"{', '.join(o.verify_causes) or ('works' if o.verify_ok else '?')} ({o.expected_verify or 'works'})"
            )
            fix = (
                ("rolled back" if o.fix_rolled_back else "works" if o.verify_after_ok else "still broken")
                if o.fix_applied
                else "not applied"
            )
            false = "-"
        times = f"{o.build_s:.1f} / {o.check_s:.1f} / {o.verify_s:.1f} / {o.fix_s:.1f}"
        rows.append(
            f"| {o.name} | {expected} | {', '.join(o.check_causes) or '-'} | {verify} | {fix} | {false} "
            f"| {times} | {'yes' if o.passed() else 'NO'} |"
        )
    return "\n".join(rows)


def section(outcomes: list[Outcome], seconds: float) -> str:
    broken = [o for o in outcomes if not o.healthy]
    healthy = [o for o in outcomes if o.healthy]
    found = sum(o.check_found for o in broken)
    expected = sum(len(o.expected_causes) for o in broken)
    lines = [
        SECTION,
        "",
        f"`python bench/zoo.py` — {datetime.date.today().isoformat()}, {platform.machine()} "
        f"{platform.system()}, {len(outcomes)} environments built with uv from PyPI "
        f"(warm uv cache), {seconds:.0f} s in all.",
        "",
        f"- check: {found}/{expected} expected causes found on the broken environments; "
        f"verify gave the expected cause on {sum(o.verify_found for o in broken)}/{len(broken)}; "
        f"`fix --apply` left a working environment (verify passes) on "
        f"{sum(bool(o.verify_after_ok) for o in broken)}/{len(broken)}.",
        f"- healthy environments: verify passes on {sum(bool(o.verify_ok) for o in healthy)}/{len(healthy)}; "
        f"false findings (error or warning): {sum(len(o.false_findings) for o in healthy)}.",
        "",
        table(outcomes),
        "",
    ]
    notes = [f"- {o.name}: {n}" for o in outcomes for n in o.notes]
    false = [f"- {o.name}: {f}" for o in healthy for f in o.false_findings]
    fixes = [f"- {o.name}: `{s}`" for o in broken for s in o.fix_steps]
    if fixes:
        lines += ["Fix plans applied:", "", *fixes, ""]
    if false:
        lines += ["False findings on healthy environments:", "", *false, ""]
    if notes:
        lines += ["Notes:", "", *notes, ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text.rstrip("\n") + "\n\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    RESULTS.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()) / "envdoctor-zoo")
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME")
    parser.add_argument("--no-fix", action="store_true", help="skip fix --apply")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--json", type=Path, help="also write the outcomes as JSON")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    outcomes = []
    for item in ZOO:
        if args.only and item.name not in args.only:
            continue
        print(f"zoo: building {item.name} ({item.description})", file=sys.stderr, flush=True)
        built = build(item, args.root)
        outcome = evaluate(built, apply_fix=not args.no_fix)
        outcomes.append(outcome)
        print(
            f"zoo: {item.name}: check {outcome.check_causes} verify {outcome.verify_causes or 'ok'} "
            f"fixed={outcome.verify_after_ok} pass={outcome.passed()} ({outcome.total_s:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
    seconds = time.perf_counter() - start
    text = section(outcomes, seconds)
    print(text)
    if args.json:
        args.json.write_text(json.dumps([o.to_dict() for o in outcomes], indent=2), encoding="utf-8")
    if not args.no_write:
        write_section(text)
    return 0 if all(o.passed() for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
