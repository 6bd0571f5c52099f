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


# a Windows path of 200+ characters, or one of 150+ the paste cut (or began with "...") mid-path
_LONG_WINDOWS_PATH = re.compile(
    r"\[errno 2\][^\n]{0,80}?'(?:(?P<path>[a-z]:\\{1,2}[^']{200,})'"
    r"|(?P<cut>[a-z]:\\{1,2}[^'\n]{150,}$|\.\.\.\\{1,2}[^'\n]{150,}))",
    re.IGNORECASE,
)


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
            path = (match.group("path") or match.group("cut")).replace("\\\\", "\\")
            shown = f"{len(path)} characters long" if match.group("path") else f"cut at {len(path)} characters"
            why = f"the path it failed on is {shown} (Windows' limit is 260)"
            fix = (
                "enable long paths (HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem LongPathsEnabled=1) "
                "or use a shorter folder"
            )
            yield Verdict(
                "windows-long-paths", 0.85, why, [Evidence(error.line, error.text, "long-paths/errno-2")], fix=fix
            )
            return


# pip's own download code in a traceback: its vendored HTTP stack reading from a socket.
# pip's HTTP stack, vendored (pip/_vendor/urllib3) or, in Debian's pip, as wheels of its own
# (/usr/share/python-wheels/urllib3-1.24.1-py2.py3-none-any.whl/urllib3/response.py)
_PIP_HTTP_FRAME = re.compile(
    r"[\\/]pip[\\/]_vendor[\\/](?:urllib3|requests|cachecontrol|truststore)[\\/]|[\\/](?:socket|ssl)\.py\b"
    r"|[\\/]python-wheels[\\/](?:urllib3|requests|cachecontrol)-[^\\/]*\.whl[\\/]"
    r"|[\\/]http[\\/]client\.py\b|[\\/]pip[\\/]_internal[\\/](?:network|operations[\\/]prepare)",
    re.IGNORECASE,
)


# the HTTP stack itself (prepare.py alone is also where pip builds an sdist's metadata)
_HTTP_STACK = re.compile(
    r"[\\/]pip[\\/]_vendor[\\/](?:urllib3|requests|cachecontrol|truststore)[\\/]|[\\/](?:socket|ssl)\.py\b"
    r"|[\\/]python-wheels[\\/](?:urllib3|requests|cachecontrol)-[^\\/]*\.whl[\\/]"
    r"|[\\/]http[\\/]client\.py\b|[\\/]pip[\\/]_internal[\\/]network[\\/]",
    re.IGNORECASE,
)
# a response body being read, down to the socket (a download, not an import of requests)
_BODY_READ = re.compile(r"urllib3[\\/]response\.py|cachecontrol[\\/]filewrapper\.py", re.IGNORECASE)
_SOCKET = re.compile(r"[\\/](?:socket|ssl)\.py\b", re.IGNORECASE)
_BUILD_FRAME = re.compile(r"pyproject_hooks|pep517|pip-build-env|[\\/]setuptools[\\/]|build_meta", re.IGNORECASE)


# a Windows path token (drive or UNC) of more characters than MAX_PATH allows
_OVER_MAX_PATH = re.compile(r"(?:\b[a-z]:|\\\\[\w.-]+)\\{1,2}[^\s'\"<>|*?]{256,}", re.IGNORECASE)
MAX_PATH = 260


@cause_rule("errors/path-over-the-windows-limit", "windows-long-paths")
def path_over_the_windows_limit(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log shows a Windows path longer than MAX_PATH (260 characters), anywhere: an
    installer's failure, an extraction error, a file the user quotes.
    Why: Windows refuses to create or open such a path unless long paths are enabled (and the
    program opts in); a log only shows one because something had to write it: a package tree
    (node_modules, TensorFlow's headers) deeper than the limit under this folder.
    Example: `C:\\Users\\Yann\\Documents\\...\\node_modules\\shebang-regex\\index.js` (262 characters)."""
    if ctx.concluded("windows-long-paths"):
        return
    for number, line in ctx.lines:
        if len(line) < MAX_PATH or (":" not in line and "\\\\" not in line):
            continue
        for match in _OVER_MAX_PATH.finditer(line):
            path = match.group(0).replace("\\\\", "\\").rstrip(".,;:)'\"")
            if len(path) <= MAX_PATH:
                continue
            why = f"the log shows a Windows path of {len(path)} characters (the limit is {MAX_PATH})"
            fix = (
                "enable long paths (HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem LongPathsEnabled=1) "
                "or install into a shorter folder (C:\\py)"
            )
            yield Verdict(
                "windows-long-paths", 0.85, why, [Evidence(number, line, "long-paths/over-max-path")], fix=fix
            )
            return


@cause_rule("errors/pip-crashed-while-downloading", "network-or-index")
def pip_crashed_while_downloading(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's `ERROR: Exception:` with a traceback through its own HTTP code (pip/_vendor/urllib3,
    requests, cachecontrol) down to the socket or TLS layer, often after a download progress bar.
    Why: pip fails there only when the connection breaks, stalls or is reset mid-download (a
    proxy, an unstable link, a huge wheel); whatever the last line (often cut from the paste),
    that is the index or the network, not the package.
    A traceback pasted without pip's header counts when every frame is that stack, reading a
    response body down to socket.py / ssl.py.
    Example: `ERROR: Exception:` then `File ".../pip/_vendor/urllib3/response.py", line 435, in _error_catcher`."""
    crashed = next((e for e in ctx.facts.errors if e.kind == "pip" and e.message.lower().startswith("exception")), None)
    after = [f for f in ctx.facts.frames if crashed is None or f.line > crashed.line]
    frames = [f for f in after if _PIP_HTTP_FRAME.search(f.value)]
    if len(frames) < 2 or not any(_HTTP_STACK.search(f.value) for f in frames):
        return
    if any(_BUILD_FRAME.search(f.value) for f in after):
        return  # pip crashed preparing a source build (its backend), not downloading
    if crashed is None:
        # a pasted traceback without pip's header: only a body being read, frame for frame in the
        # HTTP stack down to the socket, says a download broke (not an import of requests)
        reading = any(_BODY_READ.search(f.value) for f in frames) and _SOCKET.search(frames[-1].value)
        if not reading or len(frames) < len(after) or len(frames) < 4:
            return
    why = (
        "pip crashed inside its own download code (HTTP / socket frames): the connection to the index failed"
        if crashed is not None
        else "the traceback is pip's HTTP stack reading a download, down to the socket: the connection broke"
    )
    shown = [Evidence(crashed.line, crashed.text, "network/pip-crash")] if crashed is not None else []
    evidence = [*shown, frames[-1].evidence("fact/frame")]
    yield Verdict("network-or-index", 0.85 if crashed is not None else 0.8, why, evidence)


_GPU_ABSENT = ("no-gpu-visible",)


@cause_rule("errors/gpu-absence-is-all-the-log-says", "no-gpu-visible")
def gpu_absence_is_all_the_log_says(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log's only finding is the framework saying it sees no GPU or driver ("Could not find
    cuda drivers on your machine, GPU will not be used", "Found no NVIDIA driver on your system"),
    with no error line at all.
    Why: printed beside a failure or among other start-up lines, such a line is noise; when it is
    all a short excerpt (a few lines) holds, it is what the user is reporting: the framework runs
    without the GPU.
    Example: a one-line paste `UserWarning: CUDA initialization: Found no NVIDIA driver on your system.`"""
    if ctx.facts.errors or sum(1 for _n, line in ctx.lines if line.strip()) > 6:
        return  # beside an error, or within a longer log (start-up noise), it is no report
    # the hits themselves: a no-GPU line that counts only beside a GPU question has no signal here
    said = [e for h in ctx.hits.values() if h.signature.cause == "no-gpu-visible" for e in h.evidence]
    if not said or any(c != "no-gpu-visible" and s.score >= 0.5 for c, s in ctx.signals.items()):
        return
    why = "the framework's own no-GPU message is all the log reports, with no error beside it"
    yield Verdict("no-gpu-visible", 0.8 if "no-gpu-visible" not in ctx.signals else 0.6, why, said[:2])


_PIP_OSERROR_PATH = re.compile(
    r"could not install packages due to an (?:os|environment)error:\s*\[errno 2\][^\n]{0,60}?(?:'|\"|$)"
    r"(?P<path>[a-z]:\\[^'\"]*)?",
    re.IGNORECASE,
)


@cause_rule("errors/pip-cannot-write-its-own-file", "windows-long-paths")
def pip_cannot_write_its_own_file(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "Could not install packages due to an OSError: [Errno 2] No such file or directory"
    on Windows, for a path inside the environment it is installing into (site-packages, or cut off
    before its end by the paste).
    Why: pip has just made every folder of that path; a file it is writing into its own target
    cannot be missing unless Windows refused the path: the 260-character limit without long path
    support, in the deep trees of TensorFlow or PyTorch wheels.
    Example: `ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory:
    'C:\\Users\\me\\proj\\venv\\Lib\\site-packages\\tensorflow\\include\\external\\...`"""
    if any(v.rule == "errors/long-windows-path" for v in ctx.verdicts) or ctx.os not in (None, "windows"):
        return
    for error in ctx.facts.errors:
        match = _PIP_OSERROR_PATH.search(error.text)
        if match is None:
            continue
        path = match.group("path") or ""
        follow = next((line for n, line in ctx.lines if n == error.line + 1), "")
        if not path and re.match(r"\s*(?:no such file or directory:\s*)?'?[a-z]:\\", follow, re.IGNORECASE):
            path = follow.strip()
        low = path.lower()
        if not low or not any(k in low for k in ("site-packages", "sitepackages", "\\lib\\", "\\temp\\", "pip-")):
            continue
        closed = path.rstrip().endswith(("'", '"'))
        weight = 0.85 if len(path) >= 150 or not closed else 0.7
        why = f"pip could not write into its own target ({len(path)} characters shown): Windows' path-length limit"
        yield Verdict("windows-long-paths", weight, why, [Evidence(error.line, error.text, "long-paths/pip-errno-2")])
        return


# conda's check of an extracted package: "The package for X located at <folder> appears to be
# corrupted. The path '<file>' specified in the package manifest cannot be found."
_CONDA_MANIFEST_PATH = re.compile(
    r"located at (?P<folder>[a-z]:\\\S[^\n]{0,400}?)\s*appears to be corrupted\. the path '(?P<file>[^'\n]{1,400})'",
    re.IGNORECASE,
)


@cause_rule("errors/conda-extracted-path-over-the-limit", "windows-long-paths")
def conda_extracted_path_over_the_limit(ctx: RuleContext) -> Iterator[Verdict]:
    """What: conda's `CondaVerificationError` on Windows: "The package for pytorch located at
    C:\\...\\pkgs\\pytorch-1.11.0-... appears to be corrupted. The path 'Lib/site-packages/...'
    specified in the package manifest cannot be found.", where the folder and the file's path
    together are longer than 260 characters.
    Why: conda extracted the package, but Windows did not write the files whose full path passes
    its 260-character limit, so the manifest check finds them missing; a corrupt download would miss
    files of any length. Shorter than the limit, this rule is silent.
    Example: the package folder `C:\\stable deffusion\\...\\pkgs\\pytorch-1.11.0-py3.8_cuda11.3_cudnn8_0`
    (131 characters) and `Lib/site-packages/caffe2/python/serialized_test/...zip` (141)."""
    for number, line in ctx.lines:
        if "appears to be corrupted" not in line.lower():
            continue
        text = " ".join(t.strip() for n, t in ctx.lines if number - 1 <= n <= number)  # conda wraps before "appears"
        match = _CONDA_MANIFEST_PATH.search(text)
        if match is None:
            continue
        length = len(match.group("folder").rstrip("\\")) + 1 + len(match.group("file"))
        if length <= 260:
            continue
        why = f"the extracted file's full path is {length} characters long (Windows' limit is 260)"
        fix = (
            "enable long paths (HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem LongPathsEnabled=1), "
            "or install conda (its pkgs folder) under a shorter folder"
        )
        yield Verdict("windows-long-paths", 0.85, why, [Evidence(number, line, "fact/path-length")], fix=fix)
        return
