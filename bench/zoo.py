"""The zoo benchmark: build each real broken / healthy environment (uv venv, venv with pip,
EXTERNALLY-MANAGED prefix, conda prefix), run envdoctor check and verify on it, execute every fix
command `fix` prints verbatim, rebuild it and run `fix --apply`, and record the results in the
"## zoo" section of bench/RESULTS.md.

    python bench/zoo.py [--root DIR] [--only NAME ...] [--no-fix] [--no-write] [--json FILE]

Needs the package index (the first run downloads ~6 GB into uv's cache: TensorFlow 2.10 / 2.12 /
2.14 / 2.15 / current, torch 2.1.2 with its CUDA wheels, jax; later builds take seconds).
Environments are built one after the other (downloads stay sequential).
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

from tests.zoo.envs import ZOO  # noqa: E402
from tests.zoo.evaluate import Outcome, evaluate  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## zoo"


def _yes(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| environment | kind | check error causes (expected found) | verify cause (expected) "
        "| printed commands run / ok | after them | fix --apply | s (build / check+verify / commands / apply) "
        "| pass |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        found = f" ({o.check_found}/{len(o.expected_causes)})" if o.expected_causes else ""
        verify = ", ".join(o.verify_causes) or ("works" if o.verify_ok else "?")
        if o.healthy:
            commands, after = "-", "-"
            apply = "changed nothing" if o.fix_changed_nothing else "CHANGED IT"
        else:
            run = [c for c in o.commands if c.how == "run"]
            shell = [c for c in o.commands if c.how == "shell"]
            commands = f"{len(run)} / {sum(c.ok for c in run)}" + (f" + {len(shell)} shell" if shell else "")
            where = "fresh env: " if o.fresh_env else ""
            after = where + ("clean" if not o.commands_errors_after and o.commands_verify_after else "BROKEN")
            if o.kind == "em-prefix":
                apply = "changed nothing (PEP 668)" if o.fix_changed_nothing else "CHANGED IT"
            elif o.fix_rolled_back:
                apply = "rolled back" + (" (verified)" if o.rollback_verified else " (NOT verified)")
            else:
                apply = "clean" if o.apply_repaired else "BROKEN"
        verify_cell = f"{verify} ({o.expected_verify or 'works'})"
        times = f"{o.build_s:.0f} / {o.check_s + o.verify_s:.1f} / {o.commands_s:.1f} / {o.fix_s:.1f}"
        rows.append(
            f"| {o.name} | {o.kind} | {', '.join(o.check_causes) or '-'}{found} | {verify_cell} | {commands} "
            f"| {after} | {apply} | {times} | {'yes' if o.passed() else 'NO'} |"
        )
    return "\n".join(rows)


def section(outcomes: list[Outcome], seconds: float, command: str) -> str:
    broken = [o for o in outcomes if not o.healthy]
    healthy = [o for o in outcomes if o.healthy]
    run = [c for o in broken for c in o.commands if c.how == "run"]
    shell = [c for o in broken for c in o.commands if c.how == "shell"]
    manual = [c for o in broken for c in o.commands if c.how == "not a command"]
    kinds = sorted({o.kind for o in outcomes})
    lines = [
        SECTION,
        "",
        f"`{command}` — {datetime.date.today().isoformat()}, {platform.machine()} {platform.system()}, "
        f"{len(outcomes)} real environments ({len(broken)} broken, {len(healthy)} healthy) in {len(kinds)} kinds "
        f"of target ({', '.join(kinds)}), built with uv / py-rattler from PyPI (warm uv cache), "
        f"{seconds:.0f} s in all.",
        "",
        f"- printed fix commands executed verbatim: {len(run)} run, {sum(not c.ok for c in run)} failed; "
        f"{len(shell)} shell steps applied to the session; {len(manual)} printed steps that are not commands.",
        f"- broken environments repaired by the printed commands: {sum(o.commands_repaired for o in broken)}/"
        f"{len(broken)}; by `fix --apply`: {sum(o.apply_repaired for o in broken)}/{len(broken)} "
        "(PEP 668 targets: the printed command builds a fresh environment, `fix --apply` changes nothing).",
        f"- check found the expected causes on {sum(o.check_found == len(o.expected_causes) for o in broken)}/"
        f"{len(broken)}; verify gave the expected cause on {sum(o.verify_found for o in broken)}/{len(broken)}; "
        f"`fix` planned exactly check's commands on {sum(o.same_remedy for o in broken)}/{len(broken)}.",
        f"- healthy environments: false error findings {sum(len(o.false_errors) for o in healthy)}, warnings "
        f"{sum(len(o.warnings) for o in healthy)}; verify passes on {sum(bool(o.verify_ok) for o in healthy)}/"
        f"{len(healthy)}; `fix --apply` changed nothing on {sum(bool(o.fix_changed_nothing) for o in healthy)}/"
        f"{len(healthy)}.",
        f"- rollbacks triggered: {sum(o.fix_rolled_back for o in outcomes)}, verified: "
        f"{sum(bool(o.rollback_verified) for o in outcomes)}.",
        f"- time per environment: median {sorted(o.total_s for o in outcomes)[len(outcomes) // 2]:.0f} s, "
        f"max {max(o.total_s for o in outcomes):.0f} s (build twice, check + verify three times, the commands, apply).",
        "",
        table(outcomes),
        "",
        "Commands printed by `fix` and run verbatim:",
        "",
    ]
    for o in broken:
        for c in o.commands:
            state = "shell" if c.how == "shell" else (f"exit {c.returncode}" if c.how == "run" else "not a command")
            lines.append(f"- {o.name}: `{c.text}` ({state})")
    lines.append("")
    warnings = [f"- {o.name}: {w}" for o in healthy for w in o.warnings]
    false = [f"- {o.name}: {f}" for o in healthy for f in o.false_errors]
    notes = [f"- {o.name}: {n}" for o in outcomes for n in o.notes]
    if false:
        lines += ["False error findings on healthy environments:", "", *false, ""]
    if warnings:
        lines += ["Warnings on healthy environments (not counted as false errors):", "", *warnings, ""]
    if notes:
        lines += ["Notes:", "", *notes, ""]
    lines += [
        "How the zoo is built (tests/zoo/envs.py): torch 2.1.2 is PyPI's Linux CUDA build, installed with its "
        "nvidia-* wheels (~2.5 GB; `--no-deps` leaves it unable to import), then numpy 2 over it; the healthy "
        "torch is the local CPU wheel in /opt/wheels. The conda prefixes come from a local channel of the real "
        "PyPI wheels' files repackaged as conda packages (tests/zoo/condachan.py: conda channels are not "
        "reachable here), solved and installed by py-rattler; no conda binary is installed, so conda-owned "
        "records are fixed with envdoctor's py-rattler command. The EXTERNALLY-MANAGED prefix is a private copy "
        "of the pyenv interpreter with a PEP 668 marker in its standard library.",
        "",
    ]
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
        print(f"zoo: {item.name} ({item.kind}: {item.description})", file=sys.stderr, flush=True)
        outcome = evaluate(item, args.root, apply_fix=not args.no_fix)
        outcomes.append(outcome)
        print(f"zoo: {item.name}: pass={outcome.passed()} ({outcome.total_s:.0f} s)", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    command = "python bench/zoo.py" + (f" --only {' '.join(args.only)}" if args.only else "")
    text = section(outcomes, seconds, command)
    print(text)
    if args.json:
        args.json.write_text(json.dumps([o.to_dict() for o in outcomes], indent=2, default=str), encoding="utf-8")
    if not args.no_write:
        write_section(text)
    return 0 if all(o.passed() for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
