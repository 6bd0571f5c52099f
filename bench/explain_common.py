"""Shared by the explain benchmarks: which blind sets were read, and writing one subsection of the
"## explain" section of RESULTS.md.

Only the "## explain" section is touched; other sections of bench/RESULTS.md are left as they are.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

# The blind sets whose misses were read: tuning-side from then on (explain_accuracy reports them as
# such, explain_calibration counts them). blind .. blind7 come first: the calibration bench's
# "blind .. blind7" row is READ_BLIND[:7].
READ_BLIND = (
    "blind",
    "blind2",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
    "blind7",
    "blind10",
    "blind14",
    "blind16",
    "blind17",
    "blind18",
    "blind19",
    "blind20",
    "blind22",
    "blind24",
    "blind26",
    "blind27",
    "blind28",
    "blind29",
    "blind31",
    "blind32",
    "blind34",
    "blind37",
    "blind39",
    "blind41",
    "blind42",
    "blind44",
    "blind47",
    "blind48",
    "blind51",
    "blind52",
    "blind55",
    "blind56",
    "blind59",
    "blind60",
    "blind63",
    "blind64",
    "blind67",
    "blind68",
    "blind71",
    "blind72",
)


def write_subsection(title: str, body: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    match = re.search(r"^## explain\s*$", text, flags=re.M)
    if match is None:
        text = text.rstrip("\n") + "\n\n## explain\n"
        match = re.search(r"^## explain\s*$", text, flags=re.M)
        assert match is not None
    start = match.end()
    nxt = re.search(r"^## (?!#)", text[start:], flags=re.M)
    end = start + nxt.start() if nxt else len(text)
    section = text[start:end]
    sub = f"### {title}\n\n{body.strip()}\n\n"
    pattern = re.compile(rf"^### {re.escape(title)}\s*$.*?(?=^### |\Z)", flags=re.M | re.S)
    section = pattern.sub(lambda _m: sub, section) if pattern.search(section) else section.rstrip("\n") + "\n\n" + sub
    RESULTS.write_text(text[:start] + "\n" + section.strip("\n") + "\n\n" + text[end:].lstrip("\n"), encoding="utf-8")
