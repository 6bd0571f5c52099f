"""Native libraries that do not load: what the loader's own message says about which build is wrong.

Windows' "The specified module could not be found" for a package's own extension, the dynamic
linker's "undefined symbol" inside site-packages, a manylinux wheel refused on an old Linux: each
names a file and a symbol or tag, and whose file it is (the package's own, a dependency's, CUDA's,
the C runtime's) is what tells the causes apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor.explain.extract import version_tuple
from envdoctor.explain.model import Evidence
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule

MSVC = "msvc-runtime-missing"

# "DLL load failed (while importing X): The specified module could not be found", and ctypes'
# "[WinError 126] ... Error loading "...\\pkg\\lib\\x.dll"" / "Could not find module '...x.dll' (or one of
# its dependencies)": a DLL the extension links against is missing (error 126).
_DLL_NOT_FOUND = re.compile(
    r"dll load failed(?: while importing (?P<module>[\w.]+))?:\s*the specified module could not be found"
    r"|\[winerror 126\]"  # its path, if any, is read by _ERROR_LOADING
    r"|could not find module '(?P<find>[^']{1,400}\.dll)' \(or one of its dependencies\)"
    r"|\berror loading \"?(?P<bare>[^\s\"]{0,400}?"
    r"\b(?:fbgemm|c10|c10_cuda|asmjit|libiomp5md|shm|torch_cpu|torch_python|uv)\.dll)"
    # onnxruntime's Python module imports its native state module and goes on without it
    r"|cannot import name '\w+' from 'onnxruntime\.capi\._pybind_state'",
    re.IGNORECASE,
)
_CUDA_DLL = re.compile(
    r"\b(?:cudart|cudnn|cublas|cufft|curand|cusolver|cusparse|nvrtc|nvcuda|nvinfer|cupti)\w*\.dll", re.IGNORECASE
)
_ERROR_LOADING = re.compile(r'error loading "(?P<path>[^"]{1,400})"', re.IGNORECASE)
_IMPORT_STATEMENT = re.compile(r"^\W{0,6}(?:>>>\s*)?(?:import|from)\s+(?P<name>[A-Za-z_]\w*)")
_ANACONDA_SAID = re.compile(r"\b(?:ana|mini)conda\d?\b|\bconda (?:env|install|create|activate)\b", re.IGNORECASE)
# NumPy / SciPy extensions failing in a conda environment: its Library\bin not on PATH (not activated)
_CONDA_ACTIVATION = re.compile(r"_multiarray_umath|_ufuncs|_sparsetools|_fblas|_flapack|_ccallback|_distributor_init")
_SITE_PACKAGE = re.compile(r"[\\/]site-packages[\\/](?P<pkg>[\w.-]+)[\\/]", re.IGNORECASE)
# the extension was compiled on this machine: its compiler brought the C++ runtime with it
_BUILT_HERE = re.compile(
    r"\bsetup\.py (?:install|build|develop)\b|\bcmake --build\b"
    r"|\b(?:built|build|building|compiled?|compiling) (?:it )?from (?:the )?source\b",
    re.IGNORECASE,
)
_CUDA_INSTALLED = re.compile(r"\binstall(?:ed)? (?:the )?(?:cuda|cudnn)\b|\bcuda toolkit\b", re.IGNORECASE)


def _error_lines(ctx: RuleContext, rx: re.Pattern[str]) -> list[tuple[int, str]]:
    """The lines matching `rx`: the log's error lines first (last one first), then any retained line
    (a pasted excerpt often joins the traceback and the error into one line)."""
    found = [(e.line, e.text) for e in reversed(ctx.facts.errors) if rx.search(e.text)]
    if found:
        return found
    return [(n, line) for n, line in reversed(ctx.lines) if rx.search(line)]


@cause_rule("native/windows-extension-dll-missing", MSVC, "cuda-libs-missing")
def windows_extension_dll_missing(ctx: RuleContext) -> Iterator[Verdict]:
    """What: Windows cannot load a package's native extension because a DLL it links against "could
    not be found" (`DLL load failed while importing _pywrap_tensorflow_internal`, torch's `[WinError
    126] ... Error loading "...\\torch\\lib\\c10.dll"`), and no CUDA DLL is named.
    Why: the extension itself is there (pip put it there); what is missing is a DLL wheels do not
    ship. For TensorFlow, PyTorch, mediapipe, onnxruntime and the other compiled packages that is the
    Microsoft Visual C++ runtime (msvcp140.dll, vcruntime140_1.dll). A CUDA DLL named in the error is
    the CUDA libraries; NumPy / SciPy's own modules in a conda env read as an env that was not
    activated; TensorFlow 1.x GPU builds failed this way for CUDA too, so those are left alone, and
    so is a conda install whose log names neither the module nor a frame (NumPy / SciPy's DLLs).
    Example: `ImportError: DLL load failed while importing _framework_bindings: The specified module
    could not be found.`"""
    for number, text in _error_lines(ctx, _DLL_NOT_FOUND):
        match = _DLL_NOT_FOUND.search(text)
        if match is None:
            continue
        module = (match.group("module") or "").lower()
        tf = ctx.facts.version_of("tensorflow-gpu") or ctx.facts.version_of("tensorflow")
        other = (
            "a CUDA DLL is named"
            if _CUDA_DLL.search(text)
            else "NumPy / SciPy's own module: a conda environment that was not activated reads this way"
            if _CONDA_ACTIVATION.search(module or text.lower())
            else "TensorFlow 1.x failed this way for a missing CUDA too"
            if tf is not None and version_tuple(tf.value)[:1] == (1,)
            else ""
        )
        if not other and any(_BUILT_HERE.search(t) for _n, t in ctx.lines):
            other = "the extension was built on this machine, whose compiler installed the C++ runtime"
            cuda = next(((n, t) for n, t in ctx.lines if _CUDA_INSTALLED.search(t)), None)
            if cuda is not None:
                # Python >= 3.8 on Windows no longer searches PATH for an extension's DLLs
                note = (
                    "a CUDA build made here cannot find the CUDA DLLs (Python 3.8+ ignores PATH: os.add_dll_directory)"
                )
                evidence = [Evidence(number, text, "msvc/dll-not-found"), Evidence(cuda[0], cuda[1], "fact/cuda")]
                yield Verdict("cuda-libs-missing", 0.6, note, evidence, cap=0.7)
        if other:
            yield Verdict(MSVC, 0.0, other, [], cap=0.6)
            return
        loading = _ERROR_LOADING.search(text)  # torch's `Error loading "...\torch\lib\asmjit.dll"`
        where = (loading.group("path") if loading else "") or match.group("find") or match.group("bare") or ""
        if "onnxruntime" in text.lower():
            where = where or "\\site-packages\\onnxruntime\\"
        if ctx.os not in (None, "windows"):
            return
        package = _SITE_PACKAGE.search(where)
        owner = package.group("pkg") if package else (module.split(".")[0] if module else "")
        if not owner:
            frames = [p for p in ctx.facts.paths if p.role == "frame"]
            found = [m for m in (_SITE_PACKAGE.search(p.text) for p in reversed(frames)) if m]
            owner = found[0].group("pkg") if found else ""
        if not owner:
            # the package the user imports (`import helics`, `>>> import torch`), or a framework the log names
            imported = [m.group("name") for _n, t in ctx.lines if (m := _IMPORT_STATEMENT.match(t))]
            owner = next((name for name in reversed(imported) if name not in ("os", "sys")), "")
            owner = owner or next(iter(ctx.facts.frameworks), "")
        if not owner and _ANACONDA_SAID.search(" ".join(t for _n, t in ctx.lines[:200])):
            # no module, no frame, and conda: NumPy / SciPy's own DLLs (an env not activated, pip's
            # scipy over conda's MKL numpy) read the same as a missing C++ runtime
            yield Verdict(
                MSVC, 0.6, "a DLL failed to load in a conda install, and the log names no module", [], cap=0.6
            )
            return
        owner = owner or "a native extension"
        why = (
            f"Windows could not load {owner}'s native code: a DLL it links against is missing; for the "
            "compiled packages' wheels that is the Microsoft Visual C++ runtime"
        )
        evidence = [Evidence(number, text, "msvc/dll-not-found")]
        yield Verdict(MSVC, 0.85, why, evidence, demotes=("cuda-libs-missing",))
        return


# The dynamic linker: "<path>.so[.N]: undefined symbol: <symbol>"
_UNDEFINED = re.compile(
    r"(?P<path>[^\s'\"]{1,400}?[\\/](?:site|dist)-packages[\\/](?P<pkg>[\w.-]+)[\\/][^\s'\"]{0,300}?\.so[\d.]*)"
    r":\s*undefined symbol:\s*(?P<symbol>\S{1,300})",
    re.IGNORECASE,
)
# Whose symbol it is, from its (mangled) name.
_SYMBOL_OWNERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cuda", re.compile(r"^(?:cuda|cudnn|cublas|cufft|curand|cusolver|cusparse|nccl|nvrtc|cu[A-Z])", re.I)),
    ("torch", re.compile(r"^_Z\w*?(?:N3c10|N2at|N5torch|3c10|2at\d|5torch)|^TH[A-Z]|^_ZN3c10|^_ZTIN2at")),
    ("tensorflow", re.compile(r"^_Z\w*?N10tensorflow|^TF_")),
    ("protobuf", re.compile(r"^_ZN[KVR]*6google8protobuf")),
    ("python", re.compile(r"^_?Py[A-Z_]")),
)
_TORCH_FAMILY = frozenset({"torch"})
# a Python warning the program carried on after (torchvision's "Failed to load image Python extension")
_WARNING_LINE = re.compile(r"\b(?:User|Runtime)Warning:|\bwarn(?:ings\.warn)?\(", re.IGNORECASE)
_SIDE_ISSUE = 0.45  # below the candidate bar's reach of a named cause: a side issue, not the failure
_FOREIGN_PYTHON = re.compile(r"[\\/]python(\d\.\d+)[\\/](?:site|dist)-packages[\\/]", re.IGNORECASE)


def _owner(symbol: str) -> str:
    return next((name for name, rx in _SYMBOL_OWNERS if rx.search(symbol)), "")


@cause_rule(
    "native/undefined-symbol",
    "dependency-version-mismatch",
    "mixed-pip-conda",
    "cuda-version-mismatch",
    "env-leakage",
    "protobuf-mismatch",
)
def undefined_symbol(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the dynamic linker's `<site-packages>/<pkg>/....so: undefined symbol: <symbol>`.
    Why: the library was linked against another build than the one loaded next to it. Whose symbol
    it is tells which: a CUDA / cuDNN symbol is another CUDA version; a symbol of another package
    (torchvision's `_C.so` missing a `c10::` symbol) means that package was built for another
    release of the one it extends; a package missing its *own* symbols (torch's `libtorch.so`
    missing `at::TensorImpl`) has files of two builds in one folder, which in a conda environment
    is pip and conda both installing it. A Python API symbol missing from a module under another
    Python's folder (`/opt/ros/kinetic/lib/python2.7/dist-packages/cv2.so` in a Python 3.7
    process) is another installation's copy on sys.path. A conda environment's own library
    (`envs/cv/lib/python3.6/site-packages/../../libopencv_dnn.so`) missing another library's symbol
    after a `pip install` there is pip's copy of that library loaded over conda's. Said in a warning
    (`UserWarning: Failed to load image Python extension: ...`), it is a side issue: the program
    carried on without it.
    Example: `.../site-packages/torchvision/_C.so: undefined symbol: _ZN3c106detail14torchCheckFail`."""
    for number, text in _error_lines(ctx, _UNDEFINED):
        match = _UNDEFINED.search(text)
        if match is None:
            continue
        pkg = match.group("pkg").lower().replace("_", "-")
        owner = _owner(match.group("symbol"))
        evidence = [Evidence(number, text, "native/undefined-symbol")]
        if _WARNING_LINE.search(text):
            # only warned about: the program went on without that extension, so it did not fail here
            why = f"{pkg}'s optional extension failed to load (a warning, not the failure)"
            yield Verdict("dependency-version-mismatch", _SIDE_ISSUE, why, evidence, cap=_SIDE_ISSUE)
            return
        if owner == "python":
            foreign = _FOREIGN_PYTHON.search(match.group("path"))
            running = ctx.python
            if foreign and running and foreign.group(1) != running:
                why = (
                    f"{pkg} is loaded from {match.group('path')}, a module built for Python {foreign.group(1)}, "
                    f"into Python {running}: another installation's folder is on sys.path"
                )
                fix = "take that folder off PYTHONPATH (a sourced setup script often adds it)"
                yield Verdict("env-leakage", 0.88, why, evidence, fix=fix)
            return
        if owner == "cuda":
            why = f"{pkg}'s library was linked against another CUDA / cuDNN than the one loaded"
            yield Verdict("cuda-version-mismatch", 0.8, why, evidence)
        elif owner and pkg == ".." and _conda_library(ctx, match.group("path")):
            # the environment's own library (`site-packages/../../libopencv_dnn.so`): a conda package's,
            # and pip installed into that environment: pip's copy of the other library is the one loaded
            why = f"a conda library of this environment misses a {owner} symbol after pip installed into it"
            fix = "reinstall with conda the packages pip put into this environment (or recreate it with conda only)"
            yield Verdict("mixed-pip-conda", 0.8, why, evidence, fix=fix)
        elif owner == "protobuf" and pkg != "protobuf":
            # the C++ protobuf library loaded (another package's, the system's) is not the one it was built with
            why = f"{pkg} was built against another protobuf library than the one loaded (two protobufs installed)"
            yield Verdict("protobuf-mismatch", 0.8, why, evidence, fix=f"reinstall {pkg} and protobuf from one source")
        elif owner and owner != "python" and owner != pkg and not (owner in _TORCH_FAMILY and pkg in _TORCH_FAMILY):
            why = f"{pkg} was built against another {owner} release than the one installed"
            fix = f"reinstall {pkg} built for this {owner}"
            yield Verdict("dependency-version-mismatch", 0.85, why, evidence, fix=fix)
        elif owner == pkg or (owner in _TORCH_FAMILY and pkg in _TORCH_FAMILY):
            conda = "conda" in match.group("path").lower() or any(
                p.kind in ("conda-env", "conda-base") for p in ctx.facts.paths
            )
            why = f"{pkg}'s own libraries come from two different builds"
            if conda:
                why += " (in a conda environment: pip and conda both installed it)"
            yield Verdict("mixed-pip-conda", 0.8 if conda else 0.5, why, evidence)
        return


_CONDA_PREFIX_PATH = re.compile(
    r"[\\/](?:envs[\\/][^\\/]+|(?:ana|mini)conda\d?|miniforge\d?|mambaforge)[\\/]lib[\\/]", re.IGNORECASE
)


def _conda_library(ctx: RuleContext, path: str) -> bool:
    """Whether `path` is in a conda prefix's lib/ and the log shows pip installing (into it)."""
    if not _CONDA_PREFIX_PATH.search(path):
        return False
    return any(r.source == "command" for r in ctx.facts.requests) and any(
        "pip install" in c.value.lower() or "pip3 install" in c.value.lower() for c in ctx.facts.install_commands
    )


_GLIBC_NAMED = re.compile(r"\bglibc[ _]?(2\.\d+)\b", re.IGNORECASE)


@cause_rule("native/glibc-newer-than-the-distribution", "glibc-too-old")
def glibc_newer_than_the_distribution(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log names the distribution release (RHEL 8, Ubuntu 18.04: its glibc is known) and a
    GLIBC version newer than that glibc (`GLIBC 2.29` said of an import or an install), without the
    loader's own "version `GLIBC_2.29' not found" line.
    Why: a distribution release keeps its glibc for life; a binary asking for a newer one cannot
    load there, whatever wording the user gives the error, so the system's C library is the cause
    (a newer container or distribution, or a build for the older glibc, is the fix).
    Example: "My system is RHEL 8" and "when I tried to import torch_xla, it said GLIBC 2.29"."""
    distro = ctx.facts.distro_glibc
    if distro is None or ctx.concluded("glibc-too-old") or "glibc-too-old" in ctx.signals:
        return
    have = version_tuple(distro.value)
    for number, line in ctx.lines:
        for match in _GLIBC_NAMED.finditer(line):
            wanted = match.group(1)
            if version_tuple(wanted) > have:
                why = f"glibc {wanted} is asked for; this distribution release has glibc {distro.value}"
                fix = f"run it on a system with glibc >= {wanted} (a newer distribution or container)"
                evidence = [Evidence(number, line, "fact/glibc-wanted"), distro.evidence("fact/distro-glibc")]
                yield Verdict("glibc-too-old", 0.85, why, evidence, fix=fix)
                return
