"""What the user says: a fix that worked names its cause.

Issue threads and forum posts often end with the answer ("solved by installing the Visual C++
redistributable", "the problem was PYTHONPATH"). The cause table's remedies each belong to one
cause, so a remedy the user reports as the fix is evidence of that cause, read the way an expert
reading the thread would read it. Fixes the user only tried, questions and hedged guesses are not
statements (the extractor drops them).
"""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule


@cause_rule("statements/the-fix-that-worked", "*")
def the_fix_that_worked(ctx: RuleContext) -> Iterator[Verdict]:
    """What: an affirmative statement in the log's prose of what fixed the problem or what it was,
    naming a remedy (or a cause) that belongs to exactly one cause of the table.
    Why: a remedy that worked answers its cause; when several statements disagree, none decides.
    NumPy pins answer both NumPy causes: the one the log's errors show is taken (the ABI without).
    Example: `Can be solved by installing "Visual C++ Redistributable"` -> msvc-runtime-missing."""
    stated = ctx.facts.resolutions
    if not stated:
        return
    causes = []
    for cause, _line in stated:
        if cause == "numpy":
            cause = "numpy-api-removed" if "numpy-api-removed" in ctx.signals else "numpy-abi"
        causes.append(cause)
    distinct = list(dict.fromkeys(causes))
    weight = 0.85 if len(distinct) == 1 else 0.4
    for cause in distinct:
        lines = [located for (c, located), named in zip(stated, causes) if named == cause]
        why = f"the log says what fixed it: {lines[-1].text.strip()[:200]}"
        yield Verdict(cause, weight, why, [located.evidence("fact/resolution") for located in lines[:2]])
