"""The slowest adversarial 1 MB line per explain signature (issue 17, point 4: <= 50 ms each).

    .venv/bin/python bench/explain_linear.py [--write]

Each signature runs alone through the scanner's real path (needle search, window, bounded regex)
over the lines of tests/adversarial/test_explain_linear.py; CPU time, least of three. Also the whole
`explain_text` (every signature, the fact probes and the extractor) over each kind of line.
"""

from __future__ import annotations

import argparse
import time

from explain_common import write_subsection
from tests.adversarial.test_explain_linear import adversarial_lines

from envdoctor.explain import explain_text
from envdoctor.explain.scanner import Scanner
from envdoctor.explain.signatures import COMPILED


def cpu(run: object) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        run()  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[float, str, str]] = []
    for sig in COMPILED:
        for label, line in adversarial_lines(sig).items():
            data = (line + "\n").encode()
            rows.append((cpu(lambda data=data, sig=sig: Scanner((sig,), probes=()).feed(data)), sig.id, label))
    rows.sort(reverse=True)
    whole = []
    sample = COMPILED[0]
    for label, line in adversarial_lines(sample).items():
        whole.append((cpu(lambda line=line: explain_text(line + "\n")), label))
    lines = [
        f"{len(COMPILED)} signatures x {len(adversarial_lines(sample))} adversarial 1 MB lines each; the slowest:",
        "",
        "| signature | line | CPU time |",
        "| --- | --- | ---: |",
        *[f"| {sid} | {label} | {spent * 1000:.1f} ms |" for spent, sid, label in rows[:8]],
        "",
        f"Every one <= 50 ms: {'yes' if rows[0][0] <= 0.05 else 'NO'} (slowest {rows[0][0] * 1000:.1f} ms). "
        "Whole `explain_text` (all signatures, fact probes, extractor) on a 1 MB line, slowest kind: "
        f"{max(whole)[0] * 1000:.0f} ms ({max(whole)[1]}).",
        "Command: `.venv/bin/python bench/explain_linear.py --write`.",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        write_subsection("linear time", report)


if __name__ == "__main__":
    main()
