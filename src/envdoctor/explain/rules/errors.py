"""The error a log ends on outranks the warnings printed on the way there.

TensorFlow and PyTorch print CUDA and driver warnings at every start, also when the run then fails
for an unrelated reason. These rules read *which line is the error*: the cause whose evidence is the
terminal exception (or pip's last `ERROR:`) is confirmed by it; a cause shown only by warning or
info lines, next to a terminal error that another cause explains, is a symptom or noise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor.explain.model import Evidence
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule

# A log-level prefix of a warning or info line: TF's `W tensorflow/...`, absl's `I0215 ...`, Python
# warnings, `WARNING:`.
WARNING_LINE = re.compile(
    r"^\s*(?:\S+\s+\S+:\s+)?[IW]\s?(?:\d{4}\s|tensorflow/|external/)|^\s*[IW]\d{4} |^\s*(?:warning|info)\b|"
    r"userwarning|\bwarn(?:ing)?:|^\s*\d{4}-\d\d-\d\d[ t][\d:.]+:?\s+[IW]\s",
    re.IGNORECASE,
)
# Causes that TensorFlow / PyTorch start-up warnings show as a matter of course.
_NOISY = ("cuda-libs-missing", "no-gpu-visible", "cuda-version-mismatch", "driver-too-old")


def _terminal_lines(ctx: RuleContext) -> set[int]:
    errors = [e for e in ctx.facts.errors if e.kind != "pip" or "warning" not in e.message.lower()]
    if not errors:
        return set()
    last = errors[-1]
    # the terminal error and the error lines just before it (a chained traceback, pip's pair of ERRORs)
    return {e.line for e in errors if last.line - e.line <= 3}


@cause_rule("errors/terminal-error-confirms", "*")
def terminal_error_confirms(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log's terminal error line (the last exception of a traceback, pip's last `ERROR:`,
    a fatal line) is itself evidence of a cause.
    Why: that line is what failed; a signature matching it is the diagnosis, not a side remark.
    Example: `ImportError: libcudnn.so.8: cannot open shared object file` as the last line."""
    terminal = _terminal_lines(ctx)
    if not terminal:
        return
    for cause, signal in list(ctx.signals.items()):
        on_terminal = [e for e in signal.evidence if e.line in terminal]
        if on_terminal:
            others = tuple(c for c in _NOISY if c != cause)
            yield Verdict(cause, 0.5, "it is the error the log ends on", on_terminal, demotes=others)


@cause_rule("errors/warnings-only-are-symptoms", *_NOISY)
def warnings_only_are_symptoms(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a GPU-stack cause shown only by warning / info lines, while another cause is shown by an
    error (the terminal error, or a strong signature on a line that is no warning).
    Why: frameworks log CUDA and driver warnings at every start and then go on on the CPU; when the
    run fails for another reason, they are noise and may not decide the diagnosis. When the user's
    question is the GPU itself, they are the answer and are left alone.
    Example: `W ... Could not load dynamic library 'libcudart.so.11.0'` then
    `AttributeError: module 'numpy' has no attribute 'object'`."""
    if ctx.facts.gpu_question:
        return
    terminal = _terminal_lines(ctx)
    explained = {c for c, s in ctx.signals.items() if any(e.line in terminal for e in s.evidence)}
    erroring = {
        c
        for c, s in ctx.signals.items()
        if c not in _NOISY and s.score >= 0.8 and any(not WARNING_LINE.search(e.text) for e in s.evidence)
    }
    if not explained - set(_NOISY) and not erroring:
        return
    for cause in _NOISY:
        signal = ctx.signals.get(cause)
        if signal is None or cause in explained:
            continue
        if all(WARNING_LINE.search(e.text) for e in signal.evidence):
            yield Verdict(
                cause, 0.0, "shown only by warning lines next to an unrelated error", [], cap=signal.score * 0.6
            )


# Root causes and the symptoms they bring with them (each pair a known chain, not a guess).
ROOT_SYMPTOMS: dict[str, tuple[str, ...]] = {
    # NumPy 2 breaks the import of a NumPy-1 extension; the CUDA start-up lines around it are noise
    "numpy-abi": (
        "cuda-libs-missing",
        "no-gpu-visible",
        "dependency-version-mismatch",
        "numpy-api-removed",
        "cpu-instructions",
    ),
    # an old driver makes CUDA unusable: libraries fail to initialise, no GPU is seen
    "driver-too-old": ("cuda-libs-missing", "no-gpu-visible", "cuda-version-mismatch"),
    # another CUDA / cuDNN version than the build's: the exact soname is missing, no GPU is used
    "cuda-version-mismatch": ("cuda-libs-missing", "no-gpu-visible"),
    # missing CUDA libraries make the framework fall back to the CPU
    "cuda-libs-missing": ("no-gpu-visible",),
    # a removed package has no installable release: the resolver's or pip's message follows
    "package-removed": ("python-unsupported", "solver-conflict"),
    # no wheel for this Python / platform surfaces as a resolver conflict
    "python-unsupported": ("solver-conflict",),
    "platform-unsupported": ("solver-conflict", "no-gpu-visible"),
    "glibc-too-old": ("cuda-libs-missing",),
    # the Keras 3 switch shows up as missing modules and attributes of other packages
    "keras-version-mismatch": ("dependency-version-mismatch",),
    # Windows: a missing VC++ runtime makes the CUDA DLL loads fail too
    "msvc-runtime-missing": ("cuda-libs-missing",),
}


@cause_rule("errors/root-explains-symptoms", "*")
def root_explains_symptoms(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a root cause shown by a strong signature (>= 0.85) next to causes it is known to bring
    with it (`ROOT_SYMPTOMS`: the NumPy ABI banner among CUDA warnings, an old driver with CUDA
    libraries failing to initialise).
    Why: the symptom's line is true but follows from the root; fixing the root removes it, so the
    root is the answer and the symptom is listed as such.
    Example: `A module that was compiled using NumPy 1.x cannot be run in NumPy 2.0.0` among
    `Could not load dynamic library 'libcudart.so.11.0'` warnings."""
    for root, symptoms in ROOT_SYMPTOMS.items():
        signal = ctx.signals.get(root)
        if signal is None or signal.score < 0.85:
            continue
        present = tuple(s for s in symptoms if s in ctx.signals and ctx.signals[s].score <= signal.score + 0.05)
        if present:
            yield Verdict(root, 0.0, f"{', '.join(present)} follow(s) from it", [], demotes=present)


_LONG_WINDOWS_PATH = re.compile(r"\[errno 2\][^\n]{0,80}?'(?P<path>[a-z]:\\{1,2}[^']{200,})'", re.IGNORECASE)


@cause_rule("errors/long-windows-path", "windows-long-paths")
def long_windows_path(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `[Errno 2] No such file or directory` for a Windows path of 200+ characters (pip's
    build or install folders with deep package trees).
    Why: the file exists in the package; Windows refuses paths over 260 characters unless long
    paths are enabled, which shows as "no such file".
    Example: `FileNotFoundError: [Errno 2] No such file or directory: 'C:\\Users\\...\\include\\...'`."""
    for error in ctx.facts.errors:
        match = _LONG_WINDOWS_PATH.search(error.text)
        if match:
            path = match.group("path").replace("\\\\", "\\")
            why = f"the path pip failed on is {len(path)} characters long (Windows' limit is 260)"
            fix = (
                "enable long paths (HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem LongPathsEnabled=1) "
                "or use a shorter folder"
            )
            yield Verdict(
                "windows-long-paths", 0.85, why, [Evidence(error.line, error.text, "long-paths/errno-2")], fix=fix
            )
            return
