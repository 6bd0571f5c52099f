"""Installed versions against what a build needs: the NumPy ABI a framework release was built for
(knowledge base), and pip's own report of a dependency outside its range."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.explain.extract import version_tuple
from envdoctor.explain.model import Evidence
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule
from envdoctor.frameworks import all_frameworks


@cause_rule("packages/numpy-abi-from-the-build", "numpy-abi")
def numpy_abi_from_the_build(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log (or target) shows NumPy 2.x installed together with a framework release the
    knowledge base says was built against NumPy 1.x (TensorFlow < 2.18, torch < 2.3), and an import
    failed.
    Why: a NumPy-1 extension cannot run under NumPy 2; whatever the import error's wording, that is
    the root cause, and the CUDA / attribute errors around it are its side effects.
    Example: `Successfully installed numpy-2.0.1` with `tensorflow 2.15.0`, then an ImportError."""
    numpy = ctx.version_of("numpy")
    if not numpy or version_tuple(numpy)[:1] != (2,):
        return
    if not ctx.facts.errors and "numpy-abi" not in ctx.signals:
        return
    kb = ctx.kb
    if kb is None:
        return
    for family in (fw.compiled for fw in all_frameworks()):  # the packages the NumPy-ABI facts name
        version = ctx.version_of(family)
        if not version:
            continue
        try:
            abi = kb.numpy_abi(family, version.partition("+")[0], ctx.platforms[0] if len(ctx.platforms) == 1 else None)
        except Exception:  # advisory
            abi = None
        if abi is None or abi[0] != "1":
            continue
        evidence = []
        for name in ("numpy", family):
            found = ctx.facts.version_of(name)
            if found is not None:
                evidence.append(found.evidence(f"fact/{name}"))
        yield Verdict(
            "numpy-abi",
            0.8,
            f"{family} {version} was built against NumPy 1.x and NumPy {numpy} is installed",
            evidence,
            demotes=("cuda-libs-missing", "dependency-version-mismatch", "numpy-api-removed"),
        )
        return


# The cause a dependency outside its range stands for.
_DEPENDENCY_CAUSE = {
    "protobuf": "protobuf-mismatch",
    "keras": "keras-version-mismatch",
    "tf-keras": "keras-version-mismatch",
}


@cause_rule(
    "packages/pip-reports-a-dependency-out-of-range",
    "dependency-version-mismatch",
    "protobuf-mismatch",
    "keras-version-mismatch",
    "numpy-abi",
)
def pip_reports_a_dependency_out_of_range(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "X 1.0 requires dep<2, but you have dep 2.1 which is incompatible", and the
    error the log ends on names that dependency (or there is no other error).
    Why: pip installed a set that violates a package's own requirement; the import error that
    follows is that dependency's (NumPy 2 against `numpy<2` is the NumPy ABI; protobuf, Keras and
    the others their own causes).
    Example: `tensorflow 2.15.0 requires numpy<2.0.0,>=1.23.5, but you have numpy 2.1.0 which is
    incompatible.` then `A module that was compiled using NumPy 1.x cannot be run in NumPy 2.1.0`."""
    if not ctx.facts.mismatches:
        return
    terminal = ctx.facts.terminal_error()
    for mismatch in ctx.facts.mismatches:
        dep = mismatch.dependency
        cause = _DEPENDENCY_CAUSE.get(dep, "dependency-version-mismatch")
        if dep == "numpy":
            if version_tuple(mismatch.dependency_version)[:1] == (2,) and "<2" in mismatch.requirement.replace(" ", ""):
                cause = "numpy-abi"
            else:
                cause = "dependency-version-mismatch"
        module = dep.replace("-", "_")
        named = terminal is not None and terminal.line > mismatch.line and module in terminal.message.lower()
        weight = 0.85 if named else 0.55
        evidence = [Evidence(mismatch.line, mismatch.text, "fact/pip-check")]
        if named and terminal is not None:
            evidence.append(Evidence(terminal.line, terminal.text, "fact/error"))
        why = (
            f"{mismatch.package} {mismatch.version} requires {mismatch.requirement}, "
            f"and {dep} {mismatch.dependency_version} is installed"
        )
        yield Verdict(cause, weight, why, evidence, fix=f'pip install "{mismatch.requirement}"')
        return
