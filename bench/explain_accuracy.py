"""Top-1 accuracy of `explain` on the labelled corpus (tests/corpus), per split and per cause.

    .venv/bin/python bench/explain_accuracy.py [--write]

The held-out split was collected with the tuning split, assigned before any signature was written,
and never used to write or adjust signatures. The blind split was collected afterwards by someone who
never saw the classifier's code.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from explain_common import write_subsection
from tests.explain.corpus import load

from envdoctor.explain import explain_text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update the explain section of bench/RESULTS.md")
    args = parser.parse_args()
    cases = load()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    per_cause: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    confident_wrong = 0
    for case in cases:
        got = explain_text(case.text)
        total[case.split] += 1
        per_cause[case.cause][case.split] += 1
        if got.cause == case.cause:
            right[case.split] += 1
        else:
            misses.append(f"{case.split}/{case.name}: labelled {case.cause}, got {got.cause} ({got.confidence:.2f})")
            if got.cause != "unknown":
                confident_wrong += 1
    lines = [
        f"Corpus: {len(cases)} real logs ({total['tuning']} tuning, {total['heldout']} held-out, "
        f"{total['blind']} blind, {total['blind2']} blind2, {total['blind3']} blind3), each citing its public source "
        "(GitHub issue or Q&A page) in its header; see tests/corpus/.",
        "",
        "| split | cases | top-1 correct | accuracy |",
        "| --- | ---: | ---: | ---: |",
    ]
    for split in ("tuning", "heldout", "blind", "blind2", "blind3"):
        lines.append(f"| {split} | {total[split]} | {right[split]} | {100 * right[split] / total[split]:.1f}% |")
    lines += [
        "",
        f"Wrong answers naming another cause (confidently wrong): {confident_wrong}. "
        "Misses where `unknown` was answered instead are listed below.",
        "",
        "| cause | tuning | held-out | blind | blind2 | blind3 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for cause in sorted(per_cause):
        counts = per_cause[cause]
        row = " | ".join(str(counts[split]) for split in ("tuning", "heldout", "blind", "blind2", "blind3"))
        lines.append(f"| {cause} | {row} |")
    if misses:
        lines += ["", "Misses:", ""] + [f"- {m}" for m in misses]
    report = "\n".join(lines)
    print(report)
    if args.write:
        write_subsection("accuracy", report)


if __name__ == "__main__":
    main()
