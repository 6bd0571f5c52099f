"""Installed versions against what a build needs: the NumPy ABI a framework release was built for
(knowledge base), and pip's own report of a dependency outside its range."""

from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from envdoctor.explain.extract import version_tuple
from envdoctor.explain.logfacts import ErrorLine, Mismatch
from envdoctor.explain.model import Evidence
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule
from envdoctor.frameworks import all_frameworks, of_distribution
from envdoctor.versions import overlap


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


@cause_rule("packages/no-version-meets-both-requirements", "solver-conflict")
def no_version_meets_both_requirements(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "X requires dep<A, but you have ..." for two packages whose ranges on one
    dependency do not meet (`tensorflow 2.10.0 requires protobuf<3.20` after `google-api-core
    2.10.1 requires protobuf>=3.20.1`).
    Why: no version of the dependency satisfies both, so reinstalling it cannot help: the set asked
    for does not fit together, and one of the two packages has to move (the solver's conflict).
    Example: the two lines above, from two `pip install` runs."""
    clash = _disjoint_requirements(ctx.facts.mismatches)
    if clash is None:
        return
    first, second = clash
    why = (
        f"{first.package} {first.version} requires {first.requirement} and {second.package} {second.version} "
        f"requires {second.requirement}: no {first.dependency} satisfies both, so the set asked for does "
        "not fit together"
    )
    evidence = [Evidence(m.line, m.text, "fact/pip-check") for m in clash]
    fix = f"move {first.package} or {second.package} to a release whose {first.dependency} range meets the other's"
    yield Verdict("solver-conflict", 0.85, why, evidence, fix=fix)


@cause_rule(
    "packages/pip-reports-a-dependency-out-of-range",
    "dependency-version-mismatch",
    "protobuf-mismatch",
    "keras-version-mismatch",
    "numpy-abi",
    "solver-conflict",
)
def pip_reports_a_dependency_out_of_range(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "X 1.0 requires dep<2, but you have dep 2.1 which is incompatible", and the
    error the log ends on names that dependency (or there is no other error).
    Why: pip installed a set that violates a package's own requirement; the import error that
    follows is that dependency's (NumPy 2 against `numpy<2` is the NumPy ABI; protobuf, Keras and
    the others their own causes).
    pip's legacy resolver (before 20.3) wrote "but you'll have ..." while it installed: the set the
    user asked for does not fit together, which is the solver's conflict.
    With no other error than pip's own, a framework's pin reported broken (`tensorflow 2.4.1 requires
    numpy~=1.19.2, but you have numpy 1.20.2`) is what the log reports: the dependency's version.
    Example: `tensorflow 2.15.0 requires numpy<2.0.0,>=1.23.5, but you have numpy 2.1.0 which is
    incompatible.` then `A module that was compiled using NumPy 1.x cannot be run in NumPy 2.1.0`."""
    if not ctx.facts.mismatches:
        return
    if _disjoint_requirements(ctx.facts.mismatches) is not None:
        return  # packages/no-version-meets-both-requirements
    terminal = ctx.facts.terminal_error()
    for mismatch in ctx.facts.mismatches:
        if "you'll have" in mismatch.text.lower() and not any(e.kind != "pip" for e in ctx.facts.errors):
            # pip's legacy resolver (< 20.3) said this while installing: the requested set does not fit
            # together (the solver's conflict), not an environment that drifted afterwards
            why = (
                f"pip (legacy resolver) is installing a set where {mismatch.package} {mismatch.version} needs "
                f"{mismatch.requirement} and {mismatch.dependency} {mismatch.dependency_version} is what it gets"
            )
            evidence = [Evidence(mismatch.line, mismatch.text, "fact/pip-check")]
            yield Verdict(
                "solver-conflict",
                0.82,
                why,
                evidence,
                moves_from=("dependency-version-mismatch",),  # the same line's reading as a drifted dependency
                fix=f'pip install "{mismatch.requirement}"',
            )
            return
        dep = mismatch.dependency
        cause = _DEPENDENCY_CAUSE.get(dep, "dependency-version-mismatch")
        if dep == "numpy":
            if version_tuple(mismatch.dependency_version)[:1] == (2,) and "<2" in mismatch.requirement.replace(" ", ""):
                cause = "numpy-abi"
            else:
                cause = "dependency-version-mismatch"
        module = dep.replace("-", "_")
        named = terminal is not None and terminal.line > mismatch.line and module in terminal.message.lower()
        after = [f.line for f in ctx.facts.frames if f.line > mismatch.line]  # a traceback after the report
        # pip's report the only error, about a framework's own pin: that report is what the log shows
        framework = of_distribution(mismatch.package) is not None
        alone = not after and framework and all(e.kind == "pip" for e in ctx.facts.errors)
        weight = 0.85 if named else 0.8 if alone and cause == "dependency-version-mismatch" else 0.55
        evidence = [Evidence(mismatch.line, mismatch.text, "fact/pip-check")]
        if named and terminal is not None:
            evidence.append(Evidence(terminal.line, terminal.text, "fact/error"))
        why = (
            f"{mismatch.package} {mismatch.version} requires {mismatch.requirement}, "
            f"and {dep} {mismatch.dependency_version} is installed"
        )
        # a traceback after the report whose error the paste lost: what failed there is not shown
        cut = bool(after) and not any(e.line > max(after) for e in ctx.facts.errors)
        yield Verdict(
            cause, weight, why, evidence, fix=f'pip install "{mismatch.requirement}"', cap=0.7 if cut else None
        )
        return


def _range(requirement: str) -> SpecifierSet | None:
    try:
        return Requirement(requirement).specifier
    except InvalidRequirement:
        return None


def _disjoint_requirements(mismatches: list[Mismatch]) -> tuple[Mismatch, Mismatch] | None:
    """Two packages whose requirements on one dependency no version meets together (pip's report
    after each of two installs: `google-api-core requires protobuf>=3.20.1`, `tensorflow requires
    protobuf<3.20`)."""
    for i, first in enumerate(mismatches):
        a = _range(first.requirement)
        for second in mismatches[i + 1 :]:
            if second.dependency != first.dependency or second.package == first.package:
                continue
            b = _range(second.requirement)
            if a is not None and b is not None and len(a) and len(b) and not overlap(a, b):
                return first, second
    return None


# Libraries other packages import for small parts (typing helpers, dtypes, decorators, metadata):
# an exception raised inside one of them while a framework imports is that library's version.
_SUPPORT_LIBRARIES = frozenset(
    {
        "typing_extensions",
        "ml_dtypes",
        "wrapt",
        "attr",
        "attrs",
        "six",
        "packaging",
        "importlib_metadata",
        "zipp",
        "pkg_resources",
        "pydantic",
        "pydantic_core",
        "charset_normalizer",
        "urllib3",
        "jinja2",
        "markupsafe",
        "absl",
        "opt_einsum",
        "gast",
        "flatbuffers",
        "termcolor",
        "dill",
        "cloudpickle",
        "fsspec",
        "filelock",
        "huggingface_hub",
        "tokenizers",
        "safetensors",
        "sympy",
        "networkx",
        "scipy",
        "h5py",
        "jaxlib",
    }
)
_LIBRARY_OF_FRAME = re.compile(r"[\\/](?:site|dist)-packages[\\/](?P<lib>[\w]+)(?:[\\/]|\.py$)", re.IGNORECASE)
_RAISED_KINDS = frozenset({"AttributeError", "TypeError", "ImportError", "NameError", "ValueError"})


# a package's own version check, in its words: "Numba needs NumPy 1.20 or less", "X requires Y >= 2.0"
_STATES_ITS_RANGE = re.compile(
    r"\b(?P<pkg>[a-z][\w.-]{1,40}) (?:needs|requires) (?P<dep>[a-z][\w.-]{1,40}) (?:version )?"
    r"(?P<spec>(?:[<>=!~]=?\s*)?v?\d+(?:\.\d+){0,2})(?P<dir> or (?:less|lower|older|earlier|below|greater|higher"
    r"|newer|later|above))?",
    re.IGNORECASE,
)
# the rest of Numba's message: "... or less. Got NumPy 2.2."
_GOT_RELEASE = re.compile(r"\bgot [a-z][\w.-]{1,40} v?\d+(?:\.\d+)+", re.IGNORECASE)
# what a version check may name that is no Python package's release (their own causes)
_NOT_A_DEPENDENCY = frozenset(
    {"python", "cuda", "cudnn", "driver", "glibc", "gcc", "avx", "windows", "macos", "linux", "nvidia", "the", "a"}
)


@cause_rule("packages/a-package-states-its-dependency-range", "dependency-version-mismatch")
def a_package_states_its_dependency_range(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the error the log ends on is a package's own version check naming another package's
    range: Numba's `ImportError: Numba needs NumPy 1.20 or less`, `X requires Y >= 2.0`.
    Why: the package checked its dependency at import and refused the installed release; the
    dependency's version is the fault, whatever else the log shows (Python, CUDA and the driver
    named this way are their own causes). With no error line, the check's whole message said
    anywhere ("Numba needs NumPy 2.1 or less. Got NumPy 2.2.") is the same.
    Example: `ImportError: Numba needs NumPy 2.0 or less. Got NumPy 2.1.`"""
    terminal = ctx.facts.terminal_error()
    if terminal is None:
        # no error line (a title, a sentence): the check's message whole, with what it got
        said = next(((n, t) for n, t in ctx.lines if _STATES_ITS_RANGE.search(t) and _GOT_RELEASE.search(t)), None)
        if said is None:
            return
        terminal = ErrorLine("ImportError", said[1].strip(), said[0], said[1])
    if terminal.kind in ("pip", "conda", "fatal"):
        return
    stated = _STATES_ITS_RANGE.search(terminal.message)
    if stated is None or stated.group("dep").lower() in _NOT_A_DEPENDENCY:
        return
    if stated.group("pkg").lower() in _NOT_A_DEPENDENCY or not (
        stated.group("dir") or stated.group("spec")[0] in "<>=!~"
    ):
        return  # "requires Y 2" with no direction is no range
    pkg, dep = stated.group("pkg"), stated.group("dep")
    why = f"{pkg} checks {dep} at import and refuses the installed one ({stated.group(0).strip()})"
    evidence = [Evidence(terminal.line, terminal.text, "fact/error")]
    yield Verdict("dependency-version-mismatch", 0.85, why, evidence, fix=f"install a {dep} {pkg} supports")


# Keras / TensorFlow's HDF5 loaders before h5py 3: `f.attrs['keras_version'].decode('utf8')`
_HDF5_LOADER = re.compile(r"[\\/](?:keras|tensorflow)[\\/].{0,80}?(?:saving|hdf5)\w*\.py", re.IGNORECASE)
_ATTRS_DECODE = re.compile(
    r"\.attrs\[[^\]]{1,40}\][^\n]{0,20}\.decode\(|_config\.decode\(|keras_version\b", re.IGNORECASE
)


# the user's words for loading saved Keras weights (a model file), in English or Chinese
_LOADING_WEIGHTS = re.compile(
    r"load_weights|load_model|from_pretrained|\.h5\b|\bhdf5\b|\bweights?\b|权重", re.IGNORECASE
)


@cause_rule("packages/h5py-3-strings-under-an-old-keras", "dependency-version-mismatch")
def h5py_3_strings_under_an_old_keras(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `AttributeError: 'str' object has no attribute 'decode'` raised in Keras' or
    TensorFlow's HDF5 loading code (keras/engine/saving.py, tensorflow/python/keras/saving/hdf5_format.py,
    a line `f.attrs['keras_version'].decode('utf8')`), or, with no traceback pasted, while the user
    says saved weights were being loaded.
    Why: h5py 3.0 returns HDF5 string attributes as `str`, where h5py 2 returned `bytes`; Keras
    < 2.4 and TensorFlow < 2.4 call `.decode()` on them. h5py is outside the range the old Keras
    was written for: `h5py<3` (or a newer Keras / TensorFlow) is the fix.
    Example: `File ".../keras/engine/saving.py", line 1145` / `original_keras_version =
    f.attrs['keras_version'].decode('utf8')` / `AttributeError: 'str' object has no attribute 'decode'`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None or "'str' object has no attribute 'decode'" not in terminal.message:
        return
    frames = [f for f in ctx.facts.frames if f.line < terminal.line and terminal.line - f.line <= 60]
    loader = next((f for f in reversed(frames) if _HDF5_LOADER.search(f.value)), None)
    decoded = next((f for f in frames if _ATTRS_DECODE.search(ctx.line_text.get(f.line + 1, ""))), None)
    shown = loader or decoded
    said = None if shown or frames else next((ln for ln in ctx.lines if _LOADING_WEIGHTS.search(ln[1])), None)
    if shown is None and said is None:
        return
    why = "h5py >= 3 returns str where the Keras / TensorFlow HDF5 loader in the traceback expects bytes to decode"
    first = shown.evidence("fact/frame") if shown else Evidence(said[0], said[1], "fact/said") if said else None
    evidence = [e for e in (first,) if e] + [Evidence(terminal.line, terminal.text, "fact/error")]
    if said is not None:  # no traceback, the user says weights were being loaded
        why = "loading saved weights fails on .decode: h5py >= 3 returns str where an old Keras expects bytes"
    yield Verdict("dependency-version-mismatch", 0.88, why, evidence, fix='pip install "h5py<3.0.0"')


_NOT_A_CLASS = re.compile(r"typeerror: issubclass\(\) arg 1 must be a class", re.IGNORECASE)
_PYDANTIC = re.compile(r"\bpydantic\b", re.IGNORECASE)


@cause_rule("packages/pydantic-v1-field-analysis", "dependency-version-mismatch")
def pydantic_v1_field_analysis(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `TypeError: issubclass() arg 1 must be a class` with pydantic named just before it
    (pydantic.fields.ModelField._type_analysis, "spacy ... leverage pydantic").
    Why: pydantic 1.x analyses each model field's annotation with issubclass(); a typing-extensions
    (>= 4.6) or a spaCy / confection release outside the range that pydantic release was written
    for hands it an annotation that is not a class. Pinning the pair the packages were released with
    (typing-extensions < 4.6 for pydantic 1.10.7, or a newer pydantic) is the fix.
    Example: `in pydantic.fields.ModelField._type_analysis:550` / `TypeError: issubclass() arg 1 must be a class`."""
    found = next(((n, t) for n, t in ctx.lines if "issubclass()" in t and _NOT_A_CLASS.search(t)), None)
    if found is None:
        return
    number, text = found
    named = next(((n, t) for n, t in ctx.lines if number - 12 <= n <= number and _PYDANTIC.search(t)), None)
    if named is None:
        return
    why = "pydantic 1.x's field analysis meets an annotation from a typing-extensions / spaCy release it predates"
    evidence = [Evidence(named[0], named[1], "fact/package"), Evidence(number, text, "fact/error")]
    yield Verdict("dependency-version-mismatch", 0.85, why, evidence)


_TF_INTERNAL = re.compile(r"\btf\.__internal__\b|has no attribute '__internal__'")
_TF1 = re.compile(r"tensorflow[_-]core|tensorflow-1\.\d|tensorflow(?:-gpu)?[ =]=?=?\s*1\.\d+|tensorflow 1\.\d+", re.I)


@cause_rule("packages/keras-of-tf2-under-tf1", "keras-version-mismatch")
def keras_of_tf2_under_tf1(ctx: RuleContext) -> Iterator[Verdict]:
    """What: standalone Keras' own code reaches for `tf.__internal__` (Keras >= 2.5, written for
    TensorFlow >= 2.5) and the log shows TensorFlow 1.x (`tensorflow_core`, `tensorflow-1.15.2`,
    `tensorflow 1.15.0`).
    Why: that Keras release is TensorFlow 2's; under TensorFlow 1 the name does not exist, so the
    import of keras itself fails. Keras and TensorFlow releases must match (Keras 2.3.1 for TF 1.15).
    Example: `keras/initializers/__init__.py ... tf.__internal__.tf2.enabled()` under `/tensorflow-1.15.2/`."""
    internal = next((ln for ln in ctx.lines if _TF_INTERNAL.search(ln[1])), None)
    if internal is None or not any("keras" in f.value.lower() for f in ctx.facts.frames):
        return
    tf1 = next((ln for ln in ctx.lines if _TF1.search(ln[1])), None)
    if tf1 is None:
        return
    why = "a TensorFlow 2 era Keras (it calls tf.__internal__) runs under TensorFlow 1.x"
    evidence = [Evidence(internal[0], internal[1], "fact/error"), Evidence(tf1[0], tf1[1], "fact/installed")]
    fix = 'pip install "keras<2.4" (Keras 2.3.1 for TensorFlow 1.15), or use tf.keras'
    yield Verdict("keras-version-mismatch", 0.88, why, evidence, demotes=("dependency-version-mismatch",), fix=fix)


# names typing_extensions added over time: an old release lacks them
_TYPING_NAMES = frozenset(
    {
        "runtime_checkable",
        "Protocol",
        "Literal",
        "TypedDict",
        "Final",
        "Annotated",
        "ParamSpec",
        "TypeAlias",
        "Concatenate",
        "TypeGuard",
        "Self",
        "Required",
        "NotRequired",
        "Unpack",
        "TypeVarTuple",
        "LiteralString",
        "Never",
        "assert_never",
        "override",
        "deprecated",
        "TypeAliasType",
        "Buffer",
        "TypeIs",
        "ReadOnly",
        "dataclass_transform",
        "get_original_bases",
        "NoDefault",
        "Doc",
    }
)
_CANNOT_IMPORT_NAME = re.compile(r"cannot import name '(?P<name>\w+)'")


@cause_rule("packages/a-typing-name-an-old-typing-extensions-lacks", "dependency-version-mismatch")
def a_typing_name_an_old_typing_extensions_lacks(ctx: RuleContext) -> Iterator[Verdict]:
    """What: "cannot import name 'runtime_checkable'" (or another name typing_extensions added over
    the years), and the log names typing-extensions (a version, a pin) even where the error line
    does not say where the name was looked for.
    Why: those names exist only from some typing_extensions release on; an older one installed is
    below the range the importing package needs.
    Example: "With `typing-extensions==3.7.2` I get" / `ImportError: cannot import name 'runtime_checkable'`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None:
        return
    found = _CANNOT_IMPORT_NAME.search(terminal.message)
    if found is None or found.group("name") not in _TYPING_NAMES:
        return
    named = next((ln for ln in ctx.lines if re.search(r"typing[-_]extensions", ln[1], re.IGNORECASE)), None)
    if named is None:
        return
    why = f"{found.group('name')} is a typing_extensions name an older typing-extensions lacks"
    evidence = [Evidence(named[0], named[1], "fact/installed"), Evidence(terminal.line, terminal.text, "fact/error")]
    yield Verdict("dependency-version-mismatch", 0.85, why, evidence, fix="pip install -U typing-extensions")


@cause_rule("packages/raised-inside-a-support-library", "dependency-version-mismatch")
def raised_inside_a_support_library(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the exception the log ends on is raised inside a support library (typing_extensions,
    ml_dtypes, wrapt, packaging, importlib_metadata, ...): the traceback's last frame is that
    library's own file in site-packages, and the code calling it is another package's.
    Why: those libraries change small APIs between releases; a framework importing one that is
    older (or newer) than it was written for fails inside it, and upgrading (or pinning) that
    library is the fix: a dependency outside the range its caller needs.
    Example: torch's import ending in `site-packages/typing_extensions.py ... AttributeError:
    attribute '__default__' of 'typing.ParamSpec' objects is not writable`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None or terminal.kind not in _RAISED_KINDS:
        return
    frames = [f for f in ctx.facts.frames if f.line < terminal.line and terminal.line - f.line <= 40]
    if len(frames) < 2:
        return
    last = _LIBRARY_OF_FRAME.search(frames[-1].value)
    if last is None or last.group("lib").lower() not in _SUPPORT_LIBRARIES:
        return
    library = last.group("lib")
    callers = [_LIBRARY_OF_FRAME.search(f.value) for f in frames[:-1]]
    caller = next((m.group("lib") for m in reversed(callers) if m and m.group("lib") != library), None)
    if caller is None:
        return
    why = f"the error is raised inside {library}, called by {caller}: a {library} release {caller} was not written for"
    evidence = [frames[-1].evidence("fact/frame"), Evidence(terminal.line, terminal.text, "fact/error")]
    dist = library.replace("_", "-")
    yield Verdict("dependency-version-mismatch", 0.82, why, evidence, fix=f"pip install -U {dist}")


# torchvision / torchaudio releases are built for one torch release each (their compatibility tables):
# torch 2.N <-> torchvision 0.(N+15), torchaudio 2.N; torch 1.N <-> torchvision 0.(N+1), torchaudio 0.N.
def _torch_pair(package: str, version: str) -> tuple[int, ...] | None:
    parts = version_tuple(version.partition("+")[0])
    if len(parts) < 2:
        return None
    major, minor = parts[0], parts[1]
    if package == "torchvision" and major == 0:
        return (2, minor - 15) if minor >= 15 else (1, minor - 1) if minor >= 2 else None
    if package == "torchaudio":
        return (2, minor) if major == 2 else (1, minor) if major == 0 and minor >= 4 else None
    return None


@cause_rule("packages/torch-companion-out-of-step", "dependency-version-mismatch")
def torch_companion_out_of_step(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log shows torch and torchvision (or torchaudio) versions that are not a pair (torch
    2.4.0 with torchvision 0.20.1), or of different CUDA builds (+cu121 / +cu124), and an error.
    Why: each torchvision / torchaudio release is compiled against exactly one torch release (and
    CUDA); with another torch its C++ operators are missing or its library does not load.
    Example: `pip show torch` -> 2.4.0+cu121, `pip show torchvision` -> 0.20.1+cu124, then
    `RuntimeError: operator torchvision::nms does not exist`."""
    if not ctx.facts.errors and "dependency-version-mismatch" not in ctx.signals:
        return
    torch = ctx.version_of("torch")
    if not torch:
        return
    base = version_tuple(torch.partition("+")[0])[:2]
    for companion in ("torchvision", "torchaudio"):
        version = ctx.version_of(companion)
        if not version:
            continue
        wants = _torch_pair(companion, version)
        local_a, local_b = torch.partition("+")[2], version.partition("+")[2]
        cuda_differs = bool(local_a and local_b and local_a != local_b)
        if (wants is not None and wants != base) or cuda_differs:
            needed = ".".join(map(str, wants)) if wants else torch
            why = f"{companion} {version} is built for torch {needed}, and torch {torch} is installed"
            if cuda_differs and wants == base:
                why = f"{companion} {version} and torch {torch} are builds for different CUDA versions"
            evidence = []
            for name in ("torch", companion):
                found = ctx.facts.version_of(name)
                if found is not None:
                    evidence.append(found.evidence(f"fact/{name}"))
            fix = f"install the {companion} release built for torch {torch} (from the same index as torch)"
            yield Verdict("dependency-version-mismatch", 0.85, why, evidence, fix=fix)
            return


_JAX_PLUGIN = re.compile(r"^jax-(?:cuda|rocm)\d+-(?:plugin|pjrt)$")


@cause_rule("packages/jax-plugin-out-of-step", "dependency-version-mismatch")
def jax_plugin_out_of_step(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log lists a JAX GPU plugin (jax-cuda12-plugin, jax-cuda12-pjrt, jax-rocm60-plugin)
    whose version lies outside [jaxlib's, jax's], and an error.
    Why: jax's `cuda12` extra pins `jaxlib==V` and `jax-cuda12-plugin>=V,<=jax's version`: the plugin
    is built in lockstep with jaxlib, and a newer one speaks a PJRT API the older jaxlib does not
    (backend initialisation fails or the process crashes).
    Example: `conda list` -> jax 0.4.38, jaxlib 0.4.38, jax-cuda12-plugin 0.5.0, then
    `RuntimeError: Unable to initialize backend 'cuda'`."""
    if not ctx.facts.errors and "dependency-version-mismatch" not in ctx.signals:
        return
    jaxlib = ctx.version_of("jaxlib")
    if not jaxlib:
        return
    low = version_tuple(jaxlib.partition("+")[0])
    high = version_tuple((ctx.version_of("jax") or "").partition("+")[0]) or low
    for name in sorted(ctx.facts.installed):
        if not _JAX_PLUGIN.match(name):
            continue
        version = ctx.version_of(name)
        plugin = version_tuple((version or "").partition("+")[0])
        if not plugin or low <= plugin[: len(high)] <= high:
            continue
        why = f"{name} {version} is not of the jaxlib {jaxlib} release it must match (jax's extras pin them together)"
        evidence = [
            found.evidence(f"fact/{dist}")
            for dist in ("jaxlib", name)
            if (found := ctx.facts.version_of(dist)) is not None
        ]
        fix = f'pip install -U "jax[{name.split("-")[1]}]" (jax, jaxlib and the plugin of one release)'
        yield Verdict("dependency-version-mismatch", 0.85, why, evidence, fix=fix)
        return


_KERAS_ERROR = re.compile(
    r"module 'keras[\w.]*' has no attribute|no module named 'keras[\w.]*'|cannot import name '\w+' from 'keras[\w.]*'"
    r"|module 'tensorflow\.keras[\w.]*' has no attribute|keras\.src\b",
    re.IGNORECASE,
)


@cause_rule("packages/keras-3-under-tensorflow", "keras-version-mismatch")
def keras_3_under_tensorflow(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log shows TensorFlow >= 2.16 (or Keras >= 3) and an error about a Keras name
    (`module 'keras' has no attribute ...`, `No module named 'keras.engine'`, `cannot import name
    ... from 'keras...'`).
    Why: TensorFlow 2.16 made Keras 3 its `keras`; code and libraries written for Keras 2 / tf.keras
    find names moved or gone. With the versions in the log, a Keras name error is that switch.
    Example: `tensorflow 2.16.1` and `AttributeError: module 'keras.layers' has no attribute 'experimental'`."""
    tf = version_tuple(ctx.version_of("tensorflow"))
    keras = version_tuple(ctx.version_of("keras"))
    if not ((tf and tf >= (2, 16)) or (keras and keras >= (3,))):
        return
    error = next((e for e in reversed(ctx.facts.errors) if _KERAS_ERROR.search(e.text)), None)
    if error is None:
        return
    shown = f"TensorFlow {ctx.version_of('tensorflow')}" if tf and tf >= (2, 16) else f"Keras {ctx.version_of('keras')}"
    why = f"{shown} means Keras 3, and the error is about a Keras name that moved or went away in it"
    fix = "pip install tf-keras and set TF_USE_LEGACY_KERAS=1, or pin tensorflow<2.16"
    yield Verdict("keras-version-mismatch", 0.85, why, [Evidence(error.line, error.text, "fact/error")], fix=fix)


# a line running code of the standalone keras package (`site-packages/keras/__init__.py`, a distro's dist-packages)
_KERAS_CODE = re.compile(r"(?:site|dist)-packages[\\/]+keras[\\/]", re.IGNORECASE)


def _keras_out_of_step(tf: tuple[int, ...], keras: tuple[int, ...]) -> str | None:
    """The fix when standalone Keras `keras` cannot run with TensorFlow `tf` (both 2.x), else None."""
    if len(tf) < 2 or len(keras) < 2 or tf[0] != 2 or keras[0] != 2 or tf[1] > 15:
        return None
    lockstep = f'pip install "keras~={tf[0]}.{tf[1]}.0"'
    if tf[1] >= 6 and keras[1] >= 6 and keras[1] != tf[1]:
        return lockstep
    if tf[1] >= 5 and keras[1] <= 4:
        # TensorFlow 2.5 brings its own keras-nightly: the old standalone Keras only has to go
        return lockstep if tf[1] >= 6 else "pip uninstall -y keras"
    if keras[1] <= 2:
        # Keras 2.2 and older call TensorFlow 1's API (tf.get_default_session, tf.Session)
        return 'pip install "keras==2.3.1"' if tf[1] <= 1 else 'pip install "keras==2.4.3"'
    return None


@cause_rule("packages/standalone-keras-out-of-step-with-tensorflow", "keras-version-mismatch")
def standalone_keras_out_of_step_with_tensorflow(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the log shows both TensorFlow 2.x (up to 2.15) and the standalone `keras` package, out
    of step: Keras 2.6 - 2.15 of another minor than TensorFlow's, Keras 2.4 or older under
    TensorFlow 2.5 or newer, or Keras 2.2 or older under any TensorFlow 2; and the failure runs
    through keras's own code (or names Keras).
    Why: from TensorFlow 2.6 on, tf.keras is the keras package, released in lockstep (TensorFlow
    2.X requires keras 2.X); Keras 2.4 and older wrap TensorFlow's internal tf.keras, which
    TensorFlow 2.5 split out (it requires keras-nightly 2.5); Keras 2.2 and older call TensorFlow 1's
    API (`tf.get_default_session`), which TensorFlow 2 moved to `tf.compat.v1`. Another minor fails
    at import or at the first model, whatever the error says.
    Example: `TensorFlow version: 2.5.0`, `Keras version: 2.4.3`, and a traceback through
    site-packages/keras/__init__.py."""
    tf, keras = version_tuple(ctx.version_of("tensorflow")), version_tuple(ctx.version_of("keras"))
    fix = _keras_out_of_step(tf, keras)
    if fix is None:
        return
    shown = next(((n, t) for n, t in ctx.lines if _KERAS_CODE.search(t)), None)
    if shown is None:
        shown = next(((e.line, e.text) for e in reversed(ctx.facts.errors) if "keras" in e.text.lower()), None)
    if shown is None:
        return
    line, text = shown
    tf_v, keras_v = ctx.version_of("tensorflow"), ctx.version_of("keras")
    why = f"keras {keras_v} is out of step with TensorFlow {tf_v}"
    yield Verdict("keras-version-mismatch", 0.85, why, [Evidence(line, text, "fact/keras-code")], fix=fix)


_NO_KERAS = re.compile(r"no module named ['\"]?keras['\"]?(?![\w.])", re.IGNORECASE)
_TF_KERAS_LOADER = re.compile(r"tensorflow[\\/]+python[\\/]+util[\\/]+lazy_loader\.py|\btf\.keras\b", re.IGNORECASE)


@cause_rule("packages/tensorflow-without-its-keras", "keras-version-mismatch")
def tensorflow_without_its_keras(ctx: RuleContext) -> Iterator[Verdict]:
    """What: TensorFlow 2.6 - 2.15 is shown, and `tf.keras` (TensorFlow's lazy loader, or code
    naming tf.keras) fails with "No module named 'keras'".
    Why: from 2.6 to 2.15, tf.keras is the separate keras package of the same minor; TensorFlow
    requires it, but an install that skipped dependencies (a conda build without it, `--no-deps`, a
    removed keras) leaves tf.keras with nothing to load.
    Example: `conda install tensorflow==2.6.0`, then `tf.keras.datasets.mnist` through
    tensorflow/python/util/lazy_loader.py -> `ModuleNotFoundError: No module named 'keras'`."""
    tf = version_tuple(ctx.version_of("tensorflow"))
    if len(tf) < 2 or tf[0] != 2 or not 6 <= tf[1] <= 15:
        return
    missing = next(((n, t) for n, t in ctx.lines if _NO_KERAS.search(t)), None)
    loader = next(((n, t) for n, t in ctx.lines if _TF_KERAS_LOADER.search(t)), None)
    if missing is None or loader is None:
        return
    shown = ctx.version_of("tensorflow")
    why = f"TensorFlow {shown}'s tf.keras is the keras package {tf[0]}.{tf[1]}, which is not installed"
    evidence = [Evidence(missing[0], missing[1], "fact/error"), Evidence(loader[0], loader[1], "fact/tf-keras")]
    fix = f'pip install "keras~={tf[0]}.{tf[1]}.0" (in a conda env: conda install keras={tf[0]}.{tf[1]})'
    yield Verdict("keras-version-mismatch", 0.85, why, evidence, fix=fix)


# a frame running a generated protobuf module at import (`.../framework_pb2.py", line 36, in <module>`)
_PB2_AT_IMPORT = re.compile(r'_pb2\.py", line \d+, in <module>', re.IGNORECASE)


@cause_rule("packages/traceback-cut-in-generated-protobuf-code", "protobuf-mismatch")
def traceback_cut_in_generated_protobuf_code(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a traceback runs a generated protobuf module at import (`framework_pb2.py", line 36,
    in <module>`, `summary_pb2.py`) and the paste ends there: no exception line after it.
    Why: a `_pb2.py` module does nothing at import but build descriptors through the protobuf
    runtime; failing there is that runtime refusing generated code of another protobuf (4.21's
    "Descriptors cannot be created directly" under code generated before 3.19), the line the
    paste cut. Any exception shown after the frame decides instead.
    Example: `File ".../paddle/fluid/proto/framework_pb2.py", line 36, in <module>` / `type=None),` as
    the traceback's last lines."""
    pb2 = [frame for frame in ctx.facts.frames if _PB2_AT_IMPORT.search(frame.text)]
    if not pb2 or ctx.signals.get("protobuf-mismatch"):
        return
    terminal = ctx.facts.terminal_error()
    if terminal is not None and terminal.line > pb2[-1].line:
        return  # the exception is shown: it says what failed
    why = "the traceback stops inside generated protobuf code at import: the protobuf runtime refusing it"
    fix = 'pin the protobuf the generated code was made for: `pip install "protobuf<=3.20.3"`, or upgrade the package'
    yield Verdict("protobuf-mismatch", 0.8, why, [pb2[-1].evidence("fact/pb2-frame")], fix=fix)


_UNEXPECTED_KEYWORD = re.compile(r"unexpected keyword argument ['\"](?P<arg>\w+)['\"]", re.IGNORECASE)


@cause_rule("packages/generated-protobuf-code-passes-an-unknown-argument", "protobuf-mismatch")
def generated_protobuf_code_passes_an_unknown_argument(ctx: RuleContext) -> Iterator[Verdict]:
    """What: `TypeError: __init__() got an unexpected keyword argument 'file'` (or another argument)
    raised right after a frame of a generated `_pb2.py` module at import.
    Why: a `_pb2.py` module only builds descriptors; protoc of one release writes keyword arguments
    (`file=`, `serialized_options=`, `create_key=`) that an older protobuf runtime's descriptor
    classes do not take. The generated code is newer than the runtime: upgrading protobuf (or
    regenerating with the runtime's protoc) is the fix.
    Example: `.../onnx/onnx_pb2.py", line 213, in <module>` / `options=None, file=DESCRIPTOR),` /
    `TypeError: __init__() got an unexpected keyword argument 'file'`."""
    terminal = ctx.facts.terminal_error()
    if terminal is None or terminal.kind != "TypeError":
        return
    argument = _UNEXPECTED_KEYWORD.search(terminal.message)
    # the frame line itself (a paste may have cut its `File "` prefix, so no frame fact is made of it)
    pb2 = [(n, t) for n, t in ctx.lines if 0 < terminal.line - n <= 4 and _PB2_AT_IMPORT.search(t)]
    if argument is None or not pb2:
        return
    why = f"generated protobuf code passes `{argument.group('arg')}=`, which this protobuf runtime does not take"
    evidence = [Evidence(*pb2[-1], "fact/pb2-frame"), Evidence(terminal.line, terminal.text, "fact/error")]
    yield Verdict(
        "protobuf-mismatch", 0.88, why, evidence, fix="upgrade protobuf to the release the code was generated for"
    )
