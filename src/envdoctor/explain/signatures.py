# ruff: noqa: E501  (data: real log lines and regexes read better unwrapped)
"""Log signatures: declarative data, one record per message that points at a cause.

Each signature names a lowercase `needle` (a literal that must occur in the line; it drives the fast
scan), an optional case-insensitive `pattern` that confirms the line and captures details, the
`cause` it is evidence for (an id from causes.md) and a `weight` in 0..1 (how sure that line alone
makes us). Signatures of `role="fact"` carry no cause: they mark context that rules read ("the user
asked about GPUs"). `requires` / `suppressed_by` make a signature count only together with (or not
in the presence of) other tags or causes, so harmless noise never becomes a cause on its own.
`example` is real log text (tests assert every example matches its own signature).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    id: str
    needle: str
    cause: str | None
    weight: float
    doc: str
    example: str
    pattern: str | None = None
    role: str = "cause"  # "cause" | "fact"
    tags: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()  # tags (or causes) that must also be present
    suppressed_by: tuple[str, ...] = ()  # causes (or tags) whose presence cancels this one
    capture: int = 0  # following lines to keep (solver conflict blocks)
    anchor: str | None = None  # override: a word every matching line carries (see ANCHORS)

    def match(self, line: str) -> re.Match[str] | bool | None:
        if self.needle not in line.lower():
            return None
        if self.pattern is None:
            return True
        return _regex(self.pattern).search(line)


# Every open-ended repeat of "any character" or of a character class (`.*`, `[^\n]+`, `\S*`,
# `[\w.-]+`) is bounded when a pattern is compiled: a regex that backtracks over a repeat then costs
# at most REPEAT_BOUND steps per start position, so a pattern is linear in the (windowed) line
# whatever its author wrote. Real messages never need longer runs.
REPEAT_BOUND = 300
_OPEN_ATOMS = (".", "\\S")


def bounded(pattern: str) -> str:
    """`pattern` with its open-ended repeats of `.`, `\\S` and character classes bounded (a small
    tokenizer: escapes and classes are read whole, so `\\\\[\\w.]+` is a class after a backslash)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            atom, i = pattern[i : i + 2], i + 2
        elif ch == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "^":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            while j < len(pattern) and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            atom, i = pattern[i : j + 1], j + 1
        else:
            atom, i = ch, i + 1
        out.append(atom)
        if i < len(pattern) and pattern[i] in "*+" and (atom in _OPEN_ATOMS or atom.startswith("[")):
            low = "0" if pattern[i] == "*" else "1"
            out.append(f"{{{low},{REPEAT_BOUND}}}")
            i += 1
    return "".join(out)


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(bounded(pattern), re.IGNORECASE)


S = Signature
# PyPI answering 404 for a project's simple page: removed/index-has-no-such-project reads it, the
# network's client-error signature leaves it alone
_PYPI_SIMPLE_404 = r"404 client error: not found for url: https?://pypi(?:\.python)?\.org/simple/"
_FRAMEWORKS = r"(?:tensorflow(?:-cpu|-intel|-macos|-gpu)?|tf-nightly|torch|torchvision|torchaudio|jax|jaxlib|keras|paddlepaddle(?:-gpu)?|mxnet)"


# Names NumPy removed (aliases of builtins in 1.24, np.asscalar in 1.23, the NumPy 2.0 cleanup): only
# these are removed API; another missing name (`__version__`, `random`) is a broken or shadowed numpy
_NUMPY_REMOVED = "|".join(
    (
        "object",
        "bool",
        "int",
        "float",
        "complex",
        "str",
        "long",
        "unicode",
        "asscalar",
        "alen",
        "rank",
        "typeDict",
        "int0",
        "uint0",
        "bool8",
        "object0",
        "str0",
        "bytes0",
        "void0",
        "float_",
        "complex_",
        "string_",
        "unicode_",
        "NaN",
        "NAN",
        "Inf",
        "PINF",
        "NINF",
        "NZERO",
        "PZERO",
        "infty",
        "Infinity",
        "cfloat",
        "clongfloat",
        "longfloat",
        "singlecomplex",
        "longcomplex",
        "mat",
        "product",
        "cumproduct",
        "sometrue",
        "alltrue",
        "msort",
        "asfarray",
        "find_common_type",
        "issctype",
        "issubclass_",
        "issubsctype",
        "maximum_sctype",
        "obj2sctype",
        "sctype2char",
        "sctypes",
        "set_string_function",
        "safe_eval",
        "recfromcsv",
        "recfromtxt",
        "deprecate",
        "deprecate_with_doc",
        "disp",
        "geterrobj",
        "seterrobj",
        "cast",
        "source",
        "who",
        "lookfor",
        "add_newdoc_ufunc",
        "compat",
        "byte_bounds",
        "compare_chararrays",
        "format_parser",
        "fastCopyAndTranspose",
        "MachAr",
        "set_numeric_ops",
        "warnings",
        "math",
        "loads",
        "mafromtxt",
        "ndfromtxt",
        "row_stack",
        "trapz",
        "in1d",
    )
)

SIGNATURES: tuple[Signature, ...] = (
    # ---- numpy-abi -------------------------------------------------------------------------
    S(
        "numpy-abi/banner",
        "cannot be run in",
        "numpy-abi",
        0.96,
        "NumPy 2's import-time banner: an extension built against NumPy 1.x was loaded under 2.x.",
        "A module that was compiled using NumPy 1.x cannot be run in",
        pattern=r"compiled using numpy 1\.x cannot be run in|cannot be run in\s*numpy 2",
        capture=2,
    ),
    S(
        "numpy-abi/banner-advice",
        "downgrade to 'numpy<2'",
        "numpy-abi",
        0.9,
        "The NumPy 2 banner's advice lines (its first lines cut off in a paste): the ABI failure all the same.",
        "downgrade to 'numpy<2' or try to upgrade the affected module.",
        pattern=r"downgrade to 'numpy<2' or try to upgrade the affected module",
    ),
    S(
        "numpy-abi/banner-expectation",
        "will need time to support numpy 2",
        "numpy-abi",
        0.9,
        "The NumPy 2 banner's closing line (its first lines cut off in a paste): the ABI failure all the same.",
        "We expect that some modules will need time to support NumPy 2.",
        pattern=r"we expect that some modules will need time to support numpy 2",
    ),
    S(
        "numpy-abi/umath-failed",
        "_multiarray_umath failed to import",
        "numpy-abi",
        0.85,
        "An extension's import of NumPy's C core fails: built against another NumPy ABI.",
        "ImportError: numpy.core._multiarray_umath failed to import",
        anchor="failed",
    ),
    S(
        "numpy-abi/abi-version",
        "compiled against abi version",
        "numpy-abi",
        0.88,
        "NumPy's own check: the module was compiled against another ABI version than the NumPy loaded.",
        "RuntimeError: module compiled against ABI version 0x1000009 but this version of numpy is 0x2000000",
        anchor="version",
    ),
    S(
        "numpy-abi/ndarray-size",
        "numpy.ndarray size changed",
        "numpy-abi",
        0.88,
        "An extension was compiled against a different NumPy ABI (the ndarray struct size differs).",
        "ValueError: numpy.ndarray size changed, may indicate binary incompatibility. Expected 16 from C header, got 96 from PyObject",
        anchor="error",
    ),
    S(
        "numpy-abi/array-api",
        "_array_api not found",
        "numpy-abi",
        0.9,
        "The C-API table lookup fails when a NumPy-1 extension is imported under NumPy 2.",
        "AttributeError: _ARRAY_API not found",
    ),
    S(
        "numpy-abi/multiarray",
        "multiarray failed to import",
        "numpy-abi",
        0.85,
        "Classic ABI failure when NumPy is older/newer than the extension's build.",
        "ImportError: numpy.core.multiarray failed to import",
    ),
    S(
        "numpy-abi/tensorflow-bfloat16-base",
        "pybfloat16_type.tp_base != nullptr",
        "numpy-abi",
        0.85,
        "TensorFlow registers its bfloat16 type on top of NumPy's at import (bfloat16.cc); the check fails "
        "when NumPy's C API is not the one the TensorFlow build was compiled against (an older NumPy).",
        "F tensorflow/python/lib/core/bfloat16.cc:675] Check failed: PyBfloat16_Type.tp_base != nullptr",
    ),
    S(
        "numpy-abi/dtype-size",
        "numpy.dtype size changed",
        "numpy-abi",
        0.88,
        "An extension was compiled against a different NumPy ABI.",
        "ValueError: numpy.dtype size changed, may indicate binary incompatibility",
        anchor="error",
    ),
    # Cython 3 words the size check "Expected 96 from C header, got 88 from PyObject" and raises; the
    # old "RuntimeWarning: numpy.dtype size changed ... Expected 96, got 88" was a harmless warning
    S(
        "numpy-abi/dtype-size-cython3",
        "from c header, got",
        "numpy-abi",
        0.88,
        "Cython 3's size check of a NumPy struct failed (an error, not the old harmless warning): the "
        "extension was built against another NumPy ABI (NumPy 2's dtype is 96 bytes, 1.x's 88).",
        "numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject",
        pattern=r"numpy\.(?:dtype|ndarray|ufunc) size changed, may indicate binary incompatibility\. expected \d+ from c "
        r"header, got \d+ from pyobject",
    ),
    S(
        "numpy-abi/api-version",
        "compiled against api version",
        "numpy-abi",
        0.88,
        "An extension built against a newer NumPy C API than the one installed.",
        "RuntimeError: module compiled against API version 0x10 but this version of numpy is 0xe",
    ),
    # ---- numpy-api-removed -----------------------------------------------------------------
    S(
        "numpy-api/alias",
        "module 'numpy' has no attribute",
        "numpy-api-removed",
        0.95,
        "Code uses an alias NumPy 1.24 / 2.0 removed (np.object, np.bool, np.float_, ...).",
        "AttributeError: module 'numpy' has no attribute 'object'.",
        pattern=rf"module 'numpy' has no attribute '(?P<name>{_NUMPY_REMOVED})'",
    ),
    S(
        "numpy-api/alias-typographic-quotes",
        "has no attribute",
        "numpy-api-removed",
        0.95,
        "The same AttributeError retyped with typographic quotes (‘numpy’, ‘float’), as pasted from a word processor or a chat.",
        "AttributeError: module ‘numpy’ has no attribute ‘float’",
        pattern=rf"module [‘’]numpy[‘’] has no attribute [‘’](?P<name>{_NUMPY_REMOVED})[‘’]",
    ),
    S(
        "numpy-api/alias-retyped",
        "no attribute",
        "numpy-api-removed",
        0.9,
        "The same AttributeError retyped by the user without the quotes around numpy (`module numpy has no "
        "attribute 'float'`, a title's `as no attribute`), for a name NumPy removed.",
        "module numpy as no attribute 'float' did you mean 'cfloat'",
        pattern=rf"module numpy (?:has|as) no attribute ['‘’\"](?P<name>{_NUMPY_REMOVED})['‘’\"]",
    ),
    S(
        "numpy-api/removed-in-2",
        "was removed in the numpy 2.0 release",
        "numpy-api-removed",
        0.95,
        "NumPy 2's own message for a name it removed (np.float_, np.NaN, np.Inf, ...).",
        "AttributeError: `np.float_` was removed in the NumPy 2.0 release. Use `np.float64` instead.",
    ),
    S(
        "numpy-api/future-alias",
        "will be defined as the corresponding numpy scalar",
        "numpy-api-removed",
        0.9,
        # checked on real NumPy: 1.23.5 warns DeprecationWarning; 1.24.4 prints this, then AttributeError
        "NumPy >= 1.24's FutureWarning on a removed alias (np.object, np.bool, np.str): printed just before "
        "the AttributeError, so the NumPy there has removed the name the code uses.",
        "FutureWarning: In the future `np.object` will be defined as the corresponding NumPy scalar.",
    ),
    S(
        "numpy-api/import-removed-alias",
        "from 'numpy'",
        "numpy-api-removed",
        0.9,
        "Code imports an alias NumPy 1.24 / 2.0 removed (`from numpy import float`).",
        "ImportError: cannot import name 'float' from 'numpy' (/usr/lib/python3/dist-packages/numpy/__init__.py)",
        pattern=r"cannot import name '(?P<name>float|int|bool|object|str|long|unicode|complex|typeDict|NaN|Inf|PINF|NINF|float_|complex_|unicode_|string_|product|cumproduct|sometrue|alltrue|asfarray|round_|msort|in1d|trapz|row_stack|mat|find_common_type|obj2sctype|sctype2char|issubclass_|maximum_sctype|set_string_function|safe_eval|deprecate)' from 'numpy'",
        anchor="cannot",
    ),
    S(
        "numpy-api/deprecated-alias",
        "was a deprecated alias",
        "numpy-api-removed",
        0.9,
        "NumPy's own explanation of a removed alias.",
        "`np.object` was a deprecated alias for the builtin `object`.",
        pattern=r"`?np\.(?P<name>\w+)`? was a deprecated alias",
    ),
    # ---- protobuf-mismatch -----------------------------------------------------------------
    S(
        "protobuf/descriptors",
        "descriptors cannot",
        "protobuf-mismatch",
        0.96,
        "protobuf >= 4 runtime refusing *_pb2 files generated by an old protoc.",
        "TypeError: Descriptors cannot not be created directly.",
    ),
    S(
        "protobuf/regenerate-workarounds",
        "downgrade the protobuf package to 3.20.x",
        "protobuf-mismatch",
        0.95,
        "protobuf >= 4's own advice under the descriptors error (the paste kept the advice, not the error): "
        "the *_pb2 files were generated by an older protoc than the runtime accepts.",
        " 1. Downgrade the protobuf package to 3.20.x or lower.",
    ),
    S(
        "protobuf/descriptors-old",
        "descriptors should not be created directly",
        "protobuf-mismatch",
        0.9,
        "The protobuf 3.x wording of the same generated-code/runtime mismatch.",
        "TypeError: Descriptors should not be created directly, but only retrieved from their parent.",
    ),
    S(
        "protobuf/builder",
        "cannot import name 'builder'",
        "protobuf-mismatch",
        0.93,
        "Generated code needs a newer protobuf runtime (builder module added in 3.20).",
        "ImportError: cannot import name 'builder' from 'google.protobuf.internal'",
    ),
    S(
        "protobuf/name-missing-from-generated-module",
        "_pb2",
        "protobuf-mismatch",
        0.85,
        "A message or enum missing from a generated `_pb2` module: its module body (protoc's output) "
        "failed part-way under this protobuf runtime, or was generated for another one.",
        "ImportError: cannot import name 'Imports' from 'wandb.proto.wandb_telemetry_pb2'",
        pattern=r"cannot import name ['\"]?\w+['\"]? from ['\"]?[\w.]*_pb2['\"]",
    ),
    S(
        "protobuf/internal-create-key",
        "_internal_create_key",
        "protobuf-mismatch",
        0.92,
        "Generated code from protobuf >= 3.12 loaded by an older protobuf runtime (no `_internal_create_key`).",
        "AttributeError: module 'google.protobuf.descriptor' has no attribute '_internal_create_key'",
    ),
    S(
        "protobuf/serialized-options",
        "serialized_options",
        "protobuf-mismatch",
        0.9,
        "Code generated by protoc >= 3.6 passes `serialized_options` to descriptors that an older protobuf "
        "runtime (< 3.6) does not take: the generated _pb2 files are newer than the runtime.",
        "TypeError: __init__() got an unexpected keyword argument 'serialized_options'",
        pattern=r"unexpected keyword argument ['\"]serialized_options['\"]",
    ),
    S(
        "protobuf/runtime-version",
        "runtime_version",
        "protobuf-mismatch",
        0.85,
        "protobuf 5's gencode/runtime version check.",
        "google.protobuf.runtime_version.VersionError: Detected incompatible Protobuf Gencode/Runtime versions",
        pattern=r"protobuf.*runtime_version|runtime_version.*(?:protobuf|gencode)",
    ),
    S(
        "protobuf/cpp-runtime-version",
        "of the protocol buffer runtime library",
        "protobuf-mismatch",
        0.9,
        "libprotobuf's own VerifyVersion check (C++): code generated for one protobuf release runs "
        "against an older libprotobuf (a system one, or another package's).",
        "[libprotobuf FATAL google/protobuf/stubs/common.cc:61] This program requires version 3.5.0 of the "
        "Protocol Buffer runtime library, but the installed version is 2.6.1.",
        pattern=r"requires version (?P<want>[\d.]+) of the protocol buffer runtime library, but the installed version is (?P<have>[\d.]+)",
        anchor="runtime",
    ),
    # ---- cuda-libs-missing -----------------------------------------------------------------
    S(
        "cuda-libs/paddle-copy-cudnn-note",
        "copy cudnn into cuda installation directory",
        "cuda-libs-missing",
        0.8,
        "PaddlePaddle's loader prints this hint when it cannot load cuDNN (dynamic_loader.cc): cuDNN is not "
        "installed where the loader looks (the CUDA folder, PATH).",
        "W0804 dynamic_loader.cc:238] Note: [Recommend] copy cudnn into CUDA installation directory.",
    ),
    S(
        "cuda-libs/tf1-could-not-open",
        "couldn't open cuda library",
        "cuda-libs-missing",
        0.85,
        "TensorFlow 0.x / 1.x's loader: a CUDA library (cuDNN, cuBLAS ...) is not on the library path "
        "(`LD_LIBRARY_PATH:` shown empty or without it).",
        "I tensorflow/stream_executor/dso_loader.cc:105] Couldn't open CUDA library libcudnn.so. LD_LIBRARY_PATH: ",
        pattern=r"couldn't open cuda library (?P<lib>lib\w+\.so[\w.]*)",
        anchor="cuda",
    ),
    S(
        "cuda-libs/jax-library-not-found",
        "library was not found",
        "cuda-libs-missing",
        0.9,
        "jaxlib's CUDA plugin asks each CUDA library for its version at start-up; this one is not there "
        "(the pip nvidia-* package missing, or its lib folder not found).",
        "RuntimeError: jaxlib/cuda/versions_helpers.cc:81: operation cusparseGetProperty(MAJOR_VERSION, &major) "
        "failed: The cuSPARSE library was not found.",
        pattern=r"the (?:cu(?:sparse|blas|fft|solver|dnn|pti|rand)|nccl|nvjitlink|cuda runtime) library was not found",
        anchor="found",
    ),
    S(
        "cuda-libs/library-not-found",
        "is not found",
        "cuda-libs-missing",
        0.85,
        "A framework's loader names a CUDA library it could not find (`Library libcublas.so.11 is not found`).",
        "RuntimeError: Library libcublas.so.11 is not found",
        pattern=r"library lib(?:cudart|cublas|cublaslt|cudnn\w*|cufft|curand|cusolver|cusparse|nvrtc|nvjitlink)\.so[\d.]* is not found",
        anchor="found",
    ),
    S(
        "cuda-libs/windows-library-not-found",
        "is not found",
        "cuda-libs-missing",
        0.75,
        "CTranslate2's loader names a Windows CUDA DLL it could not find (`Library cublas64_12.dll is not found or "
        "cannot be loaded`): missing, or of another CUDA major than the environment has (the log's CUDA tells).",
        "RuntimeError: Library cublas64_12.dll is not found or cannot be loaded",
        pattern=r"library (?:cudart|cublas\w*|cudnn\w*|cufft|curand|cusolver|cusparse|nvrtc)64_\d+\.dll is not found",
        anchor="found",
    ),
    S(
        "cuda-libs/zlibwapi",
        "zlibwapi",
        "cuda-libs-missing",
        0.85,
        "cuDNN 8.3 - 8.9 on Windows loads zlibwapi.dll, which it does not ship (NVIDIA's cuDNN install guide: "
        "'Install Zlib'): cuDNN's own words when that DLL is not on the PATH, or the user saying it was missing.",
        "Could not locate zlibwapi.dll. Please make sure it is in your library path!",
        pattern=r"could not locate zlibwapi\.dll|zlibwapi\.dll\W{0,3}(?:is )?(?:not found|missing)"
        r"|\b(?:needed|need|missing|without|did not have|didn't have)\b[^\n]{0,30}zlibwapi\.dll",
    ),
    S(
        "cuda-libs/cupy-failed-to-load",
        "cupy failed to load",
        "cuda-libs-missing",
        0.85,
        "CuPy could not load a CUDA library it needs at run time (NVRTC, cuBLAS): not installed or not on the "
        "loader's path (the CUDA toolkit, or conda-forge's cuda-nvrtc, brings it).",
        "RuntimeError: CuPy failed to load nvrtc64_120_0.dll: FileNotFoundError: Could not find module 'nvrtc64_120_0.dll'",
        pattern=r"cupy failed to load (?:lib)?(?:nvrtc|cublas|cudart|cufft|curand|cusolver|cusparse|cutensor|nccl)\w*\.(?:so|dll)",
        anchor="cupy",
    ),
    S(
        "cuda-libs/dso-loader",
        "could not load dynamic library",
        "cuda-libs-missing",
        0.72,
        "TensorFlow could not dlopen a CUDA library (runtime, cuBLAS, cuDNN, ...).",
        "Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file",
        pattern=r"could not load dynamic library '(?P<lib>[^']+)'",
    ),
    S(
        "cuda-libs/dlopen",
        "cannot dlopen some gpu libraries",
        "cuda-libs-missing",
        0.85,
        "TensorFlow skipped the GPU because CUDA libraries are missing.",
        "W tensorflow/core/common_runtime/gpu/gpu_device.cc:1689] Cannot dlopen some GPU libraries.",
    ),
    S(
        "cuda-libs/shared-object",
        "cannot open shared object file",
        "cuda-libs-missing",
        0.8,
        "A CUDA-family shared library is not on the loader path.",
        "ImportError: libcudnn.so.8: cannot open shared object file: No such file or directory",
        pattern=r"(?P<lib>lib(?:cudart|cublas\w*|cudnn\w*|cufft|curand|cusolver|cusparse|nvrtc|nvinfer|nvjitlink|nccl|cupti)[\w.]*\.so[\d.]*): cannot open shared object",
    ),
    S(
        "cuda-libs/windows-cudnn-dll",
        ".dll",
        "cuda-libs-missing",
        0.75,
        "Windows: a cuDNN DLL could not be found.",
        "Could not load library cudnn_ops_infer64_8.dll. Error code 126",
        pattern=r"(?:could not (?:locate|load)|cannot load|not found)[^\n]*cudnn\w*64_\w+\.dll|cudnn\w*64_\w+\.dll[^\n]*not found",
        anchor="cudnn",
    ),
    S(
        "cuda-libs/windows-dll",
        "cudart64_",
        "cuda-libs-missing",
        0.75,
        "Windows: a CUDA DLL (cudart64_110.dll, cudnn64_8.dll, ...) could not be found.",
        "Could not load dynamic library 'cudart64_110.dll'; dlerror: cudart64_110.dll not found",
        pattern=r"(?P<lib>(?:cudart|cublas\w*|cudnn\w*|cufft|curand|cusolver|cusparse|nvrtc)64_\w+\.dll)[^\n]*(?:not found|could not|cannot)|(?:could not (?:locate|load)|cannot load)[^\n]*(?:cudart|cudnn|cublas)\w*64_\w+\.dll",
    ),
    S(
        "cuda-libs/could-not-load-library",
        "could not load library",
        "cuda-libs-missing",
        0.85,
        "cuDNN (or another CUDA library) could not be loaded by name: not installed, or not on the loader path (WSL without /usr/lib/wsl/lib for libcuda).",
        "Could not load library libcudnn_cnn_infer.so.8. Error: libcuda.so: cannot open shared object file: No such file or directory",
        pattern=r"could not load library (?P<lib>lib(?:cud\w*|cublas\w*|cufft\w*|curand\w*|cusolver\w*|cusparse\w*|nvrtc\w*|nvjitlink\w*|nccl\w*)[\w.]*\.so[\d.]*|\w*(?:cudnn|cublas|cudart|cufft|curand|cusolver|cusparse|nvrtc)\w*\.dll)",
    ),
    S(
        "cuda-libs/paddle-cannot-load",
        "shared library. cannot invoke method",
        "cuda-libs-missing",
        0.9,
        "PaddlePaddle's dynamic loader: it could not open a CUDA library (cuDNN, cuBLAS, ...) to call into it.",
        "Error: Cannot load cudnn shared library. Cannot invoke method cudnnGetVersion at "
        "(/paddle/paddle/fluid/platform/dynload/cudnn.cc:63)",
        pattern=r"cannot load (?:cudnn|cublas|cudart|cusolver|cusparse|curand|cufft|nccl|cupti) shared library\. "
        r"cannot invoke method",
    ),
    # ---- cuda-version-mismatch -------------------------------------------------------------
    S(
        "cuda-version/cudnn",
        "loaded runtime cudnn library",
        "cuda-version-mismatch",
        0.95,
        "cuDNN found at run time is another version than the build expects.",
        "Loaded runtime CuDNN library: 8.1.0 but source was compiled with: 8.6.0",
        pattern=r"loaded runtime cudnn library:?\s*(?P<have>[\d.]+).*compiled with:?\s*(?P<want>[\d.]+)",
    ),
    S(
        "cuda-version/paddle-compiled-with",
        "but cudnn version in your machine is",
        "cuda-version-mismatch",
        0.9,
        "PaddlePaddle's own check at start-up: the cuDNN (or CUDA) it finds is another version than its build's.",
        "WARNING: device: 0. The installed Paddle is compiled with CUDNN 7.6, but CUDNN version in your machine is 7.5, "
        "which may cause serious incompatible bug.",
        pattern=r"is compiled with cudnn [\d.]+, but cudnn version in your machine is [\d.]+",
        anchor="cudnn",
    ),
    S(
        "cuda-version/paddle-compiled-with-cuda",
        "but cuda version in your machine is",
        "cuda-version-mismatch",
        0.9,
        "PaddlePaddle's own check at start-up: the CUDA it finds is another version than its build's.",
        "WARNING: device: 0. The installed Paddle is compiled with CUDA 11.2, but CUDA version in your machine is 10.2",
        pattern=r"is compiled with cuda [\d.]+, but cuda version in your machine is [\d.]+",
        anchor="cuda",
    ),
    S(
        "cuda-version/caffe2-cudnn",
        "versions mismatch",
        "cuda-version-mismatch",
        0.95,
        "Caffe2's (and early PyTorch's) own check: the cuDNN loaded at run time is another version than "
        "the one it was compiled against.",
        "RuntimeError: [enforce fail at common_cudnn.h:108] version_match || backwards_compatible_7 || "
        "patch_compatible. cuDNN compiled (7102) and runtime (7005) versions mismatch",
        pattern=r"cudnn compiled \((?P<want>\d+)\) and runtime \((?P<have>\d+)\) versions mismatch",
        anchor="cudnn",
    ),
    S(
        "cuda-version/torch-cudnn",
        "cudnn version incompatibility",
        "cuda-version-mismatch",
        0.95,
        "PyTorch's own check: the cuDNN loaded at run time is another version than the one torch was built "
        "with (another cuDNN earlier on the library path than torch's bundled one). torch 1.0-1.11 said "
        "'linked against 7301' or '(8, 3, 3)', later releases 'found runtime version (8, 3, 3)'.",
        "RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (8, 5, 0) but found runtime "
        "version (8, 3, 3). PyTorch already comes bundled with cuDNN.",
        pattern=r"cudnn version incompatibility: pytorch was compiled\s+against \(?(?P<want>[\d, ]+?)\)? but "
        r"(?:found runtime version|linked against) \(?(?P<have>[\d, ]+)\)?",
        anchor="cudnn",
    ),
    S(
        "cuda-version/torch-cudnn-linked",
        "cudnn version mismatch",
        "cuda-version-mismatch",
        0.95,
        "PyTorch 0.4-1.0's own check: the cuDNN it is linked against at run time is another version than "
        "the one it was compiled against.",
        "RuntimeError: cuDNN version mismatch: PyTorch was compiled against 7102 but linked against 7600",
        pattern=r"cudnn version mismatch: pytorch was compiled against (?P<want>\d+) but linked against (?P<have>\d+)",
    ),
    S(
        "cuda-version/dnn-not-found",
        "dnn library is not found",
        "cuda-version-mismatch",
        0.75,
        "XLA/TensorFlow could not initialise cuDNN of the expected version.",
        "UNIMPLEMENTED: DNN library is not found.",
    ),
    S(
        "cuda-version/torch-detected",
        "mismatches the version that was used to compile",
        "cuda-version-mismatch",
        0.9,
        "PyTorch extension build: system CUDA differs from torch's CUDA.",
        "The detected CUDA version (12.1) mismatches the version that was used to compile PyTorch (11.8).",
        pattern=r"detected cuda version \((?P<have>[\d.]+)\) mismatches.*compile pytorch \((?P<want>[\d.]+)\)",
    ),
    S(
        "cuda-version/torch-arch-not-compatible",
        "is not compatible with the current pytorch installation",
        "cuda-version-mismatch",
        0.9,
        "The installed PyTorch was built with a CUDA that has no kernels for this GPU's architecture (sm_86 with a cu10x build); a build for a newer CUDA is needed.",
        "NVIDIA GeForce RTX 3060 with CUDA capability sm_86 is not compatible with the current PyTorch installation.",
        anchor="cuda",  # every wording of it says "CUDA capability" / "CUDA error" / cudaError...
    ),
    S(
        "cuda-version/no-kernel-image",
        "no kernel image is available",
        "cuda-version-mismatch",
        0.8,
        "The binary has no kernels for this GPU's architecture: built with another CUDA / arch list than the GPU needs.",
        "RuntimeError: CUDA error: no kernel image is available for execution on the device",
        anchor="cuda",  # every wording of it says "CUDA capability" / "CUDA error" / cudaError...
    ),
    S(
        "cuda-version/dnn-init-failed",
        "dnn library initialization failed",
        "cuda-version-mismatch",
        0.7,
        "XLA / TensorFlow could not initialise cuDNN: usually a cuDNN of another version than the build's (a candidate).",
        "jaxlib.xla_extension.XlaRuntimeError: FAILED_PRECONDITION: DNN library initialization failed.",
        anchor="failed",
    ),
    S(
        "cuda-version/jax-built-against",
        "built against",
        "cuda-version-mismatch",
        0.9,
        "JAX's start-up check: the CUDA / cuDNN / cuBLAS found is older than the one jaxlib was built against.",
        "CUDA backend failed to initialize: Found cuDNN version 8600, but JAX was built against version 8906, which is newer.",
        pattern=r"found (?:cudnn|cublas|cusparse|cufft|cusolver|cuda|nccl|nvjitlink|cupti) version \d+, but jax was built against|version jax was built against",
        anchor="version",
    ),
    S(
        "cuda-version/jax-outdated-component",
        "installation found",
        "cuda-version-mismatch",
        0.85,
        "JAX's start-up check names a CUDA component older than it needs.",
        "Outdated cuDNN installation found.",
        pattern=r"outdated (?:cudnn|cublas|cusparse|cufft|cusolver|cuda|nccl|nvjitlink|cupti|ptxas) installation found",
        anchor="found",
    ),
    # ---- driver-too-old --------------------------------------------------------------------
    S(
        "driver/insufficient",
        "driver version is insufficient",
        "driver-too-old",
        0.95,
        "cudaErrorInsufficientDriver: the NVIDIA driver is older than the CUDA runtime.",
        "CUDA driver version is insufficient for CUDA runtime version",
    ),
    S(
        "driver/display-driver-combination",
        "unsupported display driver / cuda driver combination",
        "driver-too-old",
        0.85,
        "cudaErrorSystemDriverMismatch (803): the CUDA driver library the runtime loads does not match the "
        "installed display driver (a forward-compatibility or container libcuda newer than the kernel "
        "driver); a current NVIDIA driver brings both to one version.",
        "Error 803: system has unsupported display driver / cuda driver combination",
    ),
    S(
        "driver/unsupported-ptx-version",
        "unsupported_ptx_version",
        "driver-too-old",
        0.9,
        "The driver's PTX JIT is older than the CUDA toolkit that generated the code (`CUDA_ERROR_UNSUPPORTED_PTX_"
        "VERSION`, ptxas: `Unsupported .version 8.5; current version is '8.4'`): a driver too old for that toolkit.",
        "CUDA_ERROR_UNSUPPORTED_PTX_VERSION ptxas application ptx input, line 9; fatal : Unsupported .version 8.5; "
        "current version is '8.4'",
        anchor="ptx",
    ),
    S(
        "driver/jit-unsupported-ptx-version",
        "ptxas application ptx input",
        "driver-too-old",
        0.85,
        "The same words without the error code (numba's cuLinkAddData): `ptxas application ptx input` is the "
        "driver's own JIT compiling PTX (a toolkit's ptxas names the .ptx file), whose PTX ISA is older than the "
        "toolkit's that wrote it.",
        "ptxas application ptx input, line 9; fatal   : Unsupported .version 8.1; current version is '8.0'",
        pattern=r"ptxas application ptx input, line \d+; fatal\s*: unsupported \.version \d+\.\d+; current version is",
    ),
    S(
        "driver/nvidia-docker-image-cuda",
        "unsupported cuda version: driver",
        "driver-too-old",
        0.9,
        "nvidia-docker 1 refusing an image whose CUDA the host driver cannot run (`driver 8.0 < image 9.0`).",
        "nvidia-docker | 2017/10/13 08:33:01 Error: unsupported CUDA version: driver 8.0 < image 9.0.176",
        pattern=r"unsupported cuda version: driver [\d.]+ < image [\d.]+",
    ),
    S(
        "driver/container-cuda-requirement",
        "unsatisfied condition: cuda",
        "driver-too-old",
        0.9,
        "nvidia-container-cli refusing an image whose CUDA (its NVIDIA_REQUIRE_CUDA) the host driver cannot run.",
        "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=11.6, please update your driver to a "
        "newer version, or use an earlier cuda container",
        pattern=r"unsatisfied condition: cuda\s*>=\s*[\d.]+",
    ),
    S(
        "driver/insufficient-code",
        "errorinsufficientdriver",
        "driver-too-old",
        0.9,
        "The CUDA error code of the same condition.",
        "code=35(cudaErrorInsufficientDriver)",
    ),
    S(
        "driver/forward-compat-hw",
        "forward compatibility was attempted on non supported hw",
        "driver-too-old",
        0.85,
        "CUDA error 804 (CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE): a CUDA forward-compatibility package is used on a GPU that does not support it, instead of a driver new enough.",
        "Error 804: forward compatibility was attempted on non supported HW",
    ),
    S(
        "driver/compat",
        "cuda_error_compat_not_supported_on_device",
        "driver-too-old",
        0.85,
        "Forward-compatibility CUDA used on a GPU/driver that does not support it.",
        "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE: forward compatibility was attempted on non supported HW",
    ),
    S(
        "driver/too-old-torch",
        "driver on your system is too old",
        "driver-too-old",
        0.95,
        "PyTorch's wording: the NVIDIA driver is too old.",
        "The NVIDIA driver on your system is too old (found version 10020).",
    ),
    S(
        "driver/conda-cuda-virtual",
        "__cuda",
        "driver-too-old",
        0.85,
        "conda/mamba: a package needs a newer __cuda (driver) than this machine's.",
        "package cudatoolkit-11.0.3-h15472ef_6 has constraint __cuda >=11.0 conflicting with __cuda-10.2-0",
        pattern=r"__cuda\s*>=?\s*[\d.]+.*conflict\w* with __cuda[-=]\d|incompatible with your cuda driver|requires __cuda\s*>=?\s*[\d.]+",
    ),
    S(
        "driver/older-than-toolchain",
        "older than",
        "driver-too-old",
        0.85,
        "XLA/JAX warning: the NVIDIA driver supports an older CUDA than the bundled ptxas / PTX compiler it was built with.",
        "The NVIDIA driver's CUDA version is 12.4 which is older than the ptxas CUDA version (12.5.40).",
        pattern=r"driver(?:'s)?\b[^\n]{0,60}\bolder than\b|older than the (?:ptxas|ptx compiler|cuda)[^\n]{0,60}\bdriver\b",
        anchor="driver",
    ),
    S(
        "driver/unsupported-ptx",
        "compiled with an unsupported toolchain",
        "driver-too-old",
        0.85,
        "PTX built by a newer CUDA toolchain than the installed driver can load (cudaErrorUnsupportedPtxVersion).",
        "ERROR: CUDA error: the provided PTX was compiled with an unsupported toolchain., line 148",
    ),
    S(
        "driver/unsupported-ptx-status",
        "unsupported",
        "driver-too-old",
        0.85,
        "The CUDA runtime's and driver API's own names for PTX the driver is too old to load.",
        "Utopia stack with Trilinos+CUDA: cudaErrorUnsupportedPtxVersion",
        pattern=r"cudaerrorunsupportedptxversion|cuda_error_unsupported_ptx_version",
        anchor="cuda",
    ),
    S(
        "driver/insufficient-driver-status",
        "insufficient",
        "driver-too-old",
        0.88,
        "The CUDA runtime's, driver API's and cuda-python's names for a driver older than the CUDA it must run (ethminer's `Insufficient CUDA driver: 9020` too).",
        "When I run dense_gemm.py on the Blackwell, I find the error CUDAError InsufficientDriver.",
        pattern=r"cudaerrorinsufficientdriver|cuda_error_insufficient_driver|cudaerror\.?\s*insufficientdriver"
        r"|\binsufficientdriver\b|\binsufficient cuda driver\b",
        anchor="insufficient",
    ),
    S(
        "cuda-version/library-lacks-a-symbol",
        "undefined symbol",
        "cuda-version-mismatch",
        0.88,
        "A CUDA library was found and loaded but lacks a symbol the caller was linked against: another "
        "build or version of it (a system cuDNN on LD_LIBRARY_PATH ahead of the one the framework bundles).",
        "Could not load library libcudnn_cnn_train.so.8. Error: /usr/local/cuda-12.3/lib64/libcudnn_cnn_train.so.8: "
        "undefined symbol: _ZN5cudnn3cnn34layerNormFwd_execute_internal_implERKNS_7backend11VariantPack",
        pattern=r"lib(?:cudnn|cublas|cudart|cufft|curand|cusolver|cusparse|nccl|nvrtc|nvjitlink)\w*\.so[\d.]*:\s*undefined symbol",
        anchor="undefined symbol",
    ),
    # ---- no-gpu-visible --------------------------------------------------------------------
    S(
        "no-gpu/ngc-container-without-the-gpu",
        "the nvidia driver was not detected",
        "no-gpu-visible",
        0.85,
        "NVIDIA's NGC containers say at start that no driver is visible inside the container: it was run "
        "without the GPU (`docker run` without `--gpus all` or the NVIDIA runtime). A driver too old for the "
        "image says so in other words.",
        "WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.",
    ),
    S(
        "no-gpu/thinc-gpu-not-accessible",
        "gpu is not accessible",
        "no-gpu-visible",
        0.6,
        "spaCy / thinc's `require_gpu()`: CuPy is not installed, or it cannot reach the GPU (a CUDA library it "
        "loads is missing reads the same), so this is a candidate until the log says which.",
        "ValueError: GPU is not accessible. Was the library installed correctly?",
    ),
    S(
        "no-gpu/gpu-extra-not-provided",
        "does not provide the extra",
        "no-gpu-visible",
        0.8,  # a warning: it names the cause only beside a GPU that is not found
        "pip installed the package without the GPU extra asked for (`spacy[cuda101]` on a release without "
        "that extra): its GPU backend (CuPy ...) was never installed, so it runs on the CPU.",
        "WARNING: spacy 2.1.3 does not provide the extra 'cuda101'",
        pattern=r"does not provide the extra ['\"]?(?:cuda[\w-]*|gpu|cu\d{2,3})['\"]?",
    ),
    S(
        "no-gpu/num-gpus-0",
        "gpus available",
        "no-gpu-visible",
        0.85,
        "The TensorFlow guide's check printed zero GPUs.",
        "Num GPUs Available:  0",
        pattern=r"gpus available\W*0\b",
        tags=("gpu-query",),
    ),
    S(
        "no-gpu/torch-not-cuda",
        "not compiled with cuda enabled",
        "no-gpu-visible",
        0.9,
        "A CPU-only PyTorch build is installed.",
        "AssertionError: Torch not compiled with CUDA enabled",
    ),
    S(
        "no-gpu/paddle-cpu-version",
        "installed cpu version paddlepaddle",
        "no-gpu-visible",
        0.9,
        "PaddlePaddle's own words: the CPU-only package (paddlepaddle) is installed, not paddlepaddle-gpu.",
        "Cannot use GPU because you have installed CPU version PaddlePaddle.",
        anchor="paddlepaddle",
    ),
    S(
        "no-gpu/jax-fallback",
        "no gpu/tpu found",
        "no-gpu-visible",
        0.85,
        "jaxlib without the CUDA plugin (or no visible GPU): JAX fell back to CPU.",
        "WARNING:absl:No GPU/TPU found, falling back to CPU.",
    ),
    S(
        "no-gpu/tf-device-spec",
        "no devices matching that specification",
        "no-gpu-visible",
        0.8,
        "TensorFlow registered no GPU device.",
        "Could not satisfy explicit device specification '/device:GPU:0' because no devices matching that specification are registered in this process",
        anchor="gpu",
    ),
    S(
        "no-gpu/not-available",
        "gpu is not available",
        "no-gpu-visible",
        0.75,
        "A script's own GPU check failed.",
        "GPU is NOT AVAILABLE",
        tags=("gpu-query",),
    ),
    S(
        "no-gpu/cuda-drivers",
        "could not find cuda drivers",
        "no-gpu-visible",
        0.8,
        "TensorFlow found no NVIDIA driver. Harmless on a CPU machine: counts only when the log asks about GPUs.",
        "I external/local_tsl/tsl/cuda/cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.",
        requires=("gpu-query",),
    ),
    S(
        "no-gpu/cuda-unavailable",
        "cuda.is_available()",
        "no-gpu-visible",
        0.8,
        "torch.cuda.is_available() printed False.",
        "print(torch.cuda.is_available())  # False",
        pattern=r"cuda\.is_available\(\)\W{0,20}(?:(?:prints?|printed|returns?|returned|gives?|gave|outputs?|shows?|is)\W{1,5})?false\b",
        tags=("gpu-query",),
    ),
    S(
        "no-gpu/empty-list",
        "list_physical_devices",
        "no-gpu-visible",
        0.8,
        "tf.config.list_physical_devices('GPU') returned an empty list.",
        "tf.config.list_physical_devices('GPU') # [] is returned",
        pattern=r"list_physical_devices\('gpu'\)\)?\s*(?:#[^\n]*)?\[\]",
        tags=("gpu-query",),
        anchor="gpu",
    ),
    S(
        "no-gpu/built-without-cuda",
        "is_build_with_cuda()",
        "no-gpu-visible",
        0.85,
        "tf.test.is_build_with_cuda() is False: a CPU-only TensorFlow build.",
        "print(tf.test.is_build_with_cuda()) #  false is returned",
        pattern=r"is_build_with_cuda\(\)\)?\W{0,20}false",
        tags=("gpu-query",),
    ),
    S(
        "no-gpu/paddle-cpu-build",
        "paddlepaddle cpu version",
        "no-gpu-visible",
        0.8,
        "Paddle's model zoos (PaddleClas, PaddleDetection, PaddleOCR) check the build: the CPU-only "
        "paddlepaddle is the one loaded while the config asks for the GPU.",
        "ERROR: You are using paddlepaddle cpu version! Please try to install paddlepaddle-gpu to run model on GPU.",
        pattern=r"using paddlepaddle cpu version",
        tags=("gpu-query",),
    ),
    S(
        "no-gpu/jax-no-gpu-platform",
        "no platforms that are instances of gpu are present",
        "no-gpu-visible",
        0.9,
        "JAX was asked for the GPU backend and has only the CPU (no CUDA plugin, or no GPU).",
        "RuntimeError: Unknown backend: 'gpu' requested, but no platforms that are instances of gpu are present. Platforms present are: cpu",
    ),
    S(
        "no-gpu/jax-no-cuda-platform",
        "failed to initialize: not_found",
        "no-gpu-visible",
        0.85,
        "JAX asked XLA for its CUDA platform and this jaxlib registered none (only Host / Interpreter): a CPU-only "
        "jaxlib, or the CUDA plugin not installed.",
        "RuntimeError: Backend 'gpu' failed to initialize: NOT_FOUND: Could not find registered platform with name: "
        '"cuda". Available platform names are: Host Interpreter',
        pattern=r"backend '(?:gpu|cuda)' failed to initiali[sz]e: not_found: could not find",
    ),
    S(
        "no-gpu/jax-cpu-jaxlib",
        "cuda-enabled jaxlib is not installed",
        "no-gpu-visible",
        0.8,
        "JAX found an NVIDIA GPU but only the CPU jaxlib (no CUDA plugin) is installed: it runs on the CPU.",
        "An NVIDIA GPU may be present on this machine, but a CUDA-enabled jaxlib is not installed. Falling back to CPU.",
        anchor="install",
    ),
    S(
        "no-gpu/torch-no-driver",
        "found no nvidia driver",
        "no-gpu-visible",
        0.85,
        "PyTorch found no NVIDIA driver (no GPU, a CPU runtime, or the driver is not installed/visible).",
        "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx",
        pattern=r"^(?!.*warning).*found no nvidia driver",
    ),
    S(
        "no-gpu/torch-no-driver-warning",
        "found no nvidia driver",
        "no-gpu-visible",
        0.6,
        "The same as a start-up warning: harmless on a CPU machine, so it loses to any error message.",
        "UserWarning: CUDA initialization: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver",
        pattern=r"warning[^\n]*found no nvidia driver",
    ),
    S(
        "no-gpu/cuinit-no-device",
        "cuda_error_no_device",
        "no-gpu-visible",
        0.85,
        "The CUDA driver API found no device (TensorFlow / JAX: `failed call to cuInit`): no GPU visible to the process.",
        "E tensorflow/stream_executor/cuda/cuda_driver.cc:271] failed call to cuInit: CUDA_ERROR_NO_DEVICE: no "
        "CUDA-capable device is detected",
    ),
    S(
        "no-gpu/no-cuda-gpus",
        "no cuda gpus are available",
        "no-gpu-visible",
        0.85,
        "PyTorch sees no CUDA device (none present, or hidden by CUDA_VISIBLE_DEVICES).",
        "RuntimeError: No CUDA GPUs are available",
        anchor="gpu",
    ),
    S(
        "no-gpu/no-cuda-capable-device",
        "no cuda-capable device",
        "no-gpu-visible",
        0.8,
        "The CUDA driver reports no usable device.",
        "failed call to cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected",
    ),
    S(
        "no-gpu/docker-without-the-nvidia-toolkit",
        "could not select device driver",
        "no-gpu-visible",
        0.9,
        "Docker was asked for GPUs (`--gpus`) but has no device driver for them: the NVIDIA Container Toolkit is not installed (or not configured) on the host.",
        'docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].',
        anchor="driver",
    ),
    S(
        "no-gpu/gpu-available-false",
        "gpu",
        "no-gpu-visible",
        0.8,
        "A printed GPU check came back empty / False / 0 (`Is GPU Available: []`, Lightning's `GPU available: False`); counts only when the log asks about GPUs (Lightning prints it on every CPU run).",
        "Is GPU Available: []",
        pattern=r"\bgpus?(?: devices?)?(?: is)? available\s*[:=]?\s*(?:\[\]|false\b|0\b|none\b)|\bnum(?:ber of|_)? ?gpus\s*[:=]\s*0\b|\bgpus?\s*[:=]\s*\[\]",
        requires=("gpu-query",),
    ),
    S(
        "no-gpu/collect-env-false",
        "is cuda available: false",
        "no-gpu-visible",
        0.8,
        "torch's collect_env: CUDA not available although the report lists an NVIDIA GPU.",
        "Is CUDA available: False",
        requires=("gpu-present",),
    ),
    S(
        "fact/gpu-present",
        "gpu models and configuration: gpu",
        None,
        0.0,
        "torch's collect_env lists an NVIDIA GPU on the machine.",
        "GPU models and configuration: GPU 0: NVIDIA GeForce RTX 3060 Laptop GPU",
        role="fact",
        tags=("gpu-present", "gpu-query"),
    ),
    # facts: the question is about GPUs
    S(
        "fact/gpu-query-tf",
        "list_physical_devices",
        None,
        0.0,
        "The log checks TensorFlow's GPU list.",
        "tf.config.list_physical_devices('GPU')",
        pattern=r"list_physical_devices\(\s*(?:['\"]gpu|\))",
        capture=40,
        role="fact",
        tags=("gpu-query",),
        anchor="gpu",
    ),
    S(
        "fact/gpu-query-device-lib",
        "list_local_devices",
        None,
        0.0,
        "TensorFlow's device list was printed: the user asks which devices TensorFlow sees.",
        "print(device_lib.list_local_devices())",
        role="fact",
        tags=("gpu-query",),
        capture=40,
    ),
    S(
        "fact/gpu-query-gpu-available",
        "is_gpu_available",
        None,
        0.0,
        "The log checks tf.test.is_gpu_available().",
        "tf.test.is_gpu_available()",
        capture=40,
        role="fact",
        tags=("gpu-query",),
    ),
    S(
        "fact/gpu-query-torch",
        "cuda.is_available",
        None,
        0.0,
        "The log checks torch.cuda.is_available().",
        "torch.cuda.is_available() # true is returned",
        capture=40,
        role="fact",
        tags=("gpu-query",),
    ),
    S(
        "fact/gpu-query-cuda-available",
        "available",
        None,
        0.0,
        "The user says CUDA is not available.",
        "when I check whether CUDA is available, it is not",
        pattern=r"\bcuda (?:is )?(?:not|n'?t) available\b|\bcuda is unavailable\b|\bcuda is available\W{1,3}(?:\w+ ){0,2}it is(?:n'?t| not)\b",
        role="fact",
        tags=("gpu-query",),
    ),
    S(
        "fact/gpu-query-utilize",
        "utilize the gpu",
        None,
        0.0,
        "The user says the framework does not use the GPU.",
        "tensorflow==2.16 can't utilize the gpu.",
        role="fact",
        tags=("gpu-query",),
    ),
    S(
        "no-gpu/check-said-no",
        "gpu",
        "no-gpu-visible",
        0.9,
        "The user reports the framework's own GPU check answering no: `list_physical_devices('GPU')` returns [] / "
        "`cuda.is_available()` returns False.",
        "tf.config.list_physical_devices('GPU') returns an empty list []",
        pattern=r"(?:list_physical_devices\(\s*['\"]gpu['\"]\s*\)|is_gpu_available\(\)|is_built_with_cuda\(\)|cuda\.is_available\(\)|device_count\(\))[^\n]{0,40}?\b(?:returns?|returned|returning|gives?|gave|shows?|prints?|printed|outputs?|is|=)\s*(?:an? |always |still |me )?(?:empty(?: list)?|\[\]|false|0)\b",
        tags=("gpu-query",),
    ),
    S(
        "fact/gpu-query-not-detected",
        "gpu",
        None,
        0.0,
        "The user says the framework does not detect / see / use the GPU.",
        "Tensorflow can't detect my gpu.",
        pattern=r"\b(?:can'?t|cannot|can not|doesn'?t|does not|won'?t|not|unable to)\s+(?:detect|detecting|recogni[sz]e|recogni[sz]ing|see|seeing|find|finding)\s+(?:my |the |any )?(?:nvidia )?gpus?\b|\bgpus? (?:is |are )?not (?:being )?(?:detected|recogni[sz]ed|found|visible)\b",
        role="fact",
        tags=("gpu-query",),
    ),
    S(
        "fact/gpu-query-cpu-only",
        "only",
        None,
        0.0,
        "The user says the framework runs only on the CPU (ONNX Runtime: only `CPUExecutionProvider`).",
        "But the model runs only on CPU",
        pattern=r"\b(?:runs?|running|ran|get|gets|got|uses?|using|used)\s+only\s+(?:on\s+)?(?:the\s+)?cpu(?:executionprovider)?\b",
        role="fact",
        tags=("gpu-query",),
    ),
    # ---- cpu-instructions ------------------------------------------------------------------
    S(
        "cpu/sigill-exit",
        "interrupted by signal 4",
        "cpu-instructions",
        0.85,
        "The process died of SIGILL (an IDE's `exit code 132`): the CPU met an instruction it does not have.",
        "Process finished with exit code 132 (interrupted by signal 4: SIGILL)",
    ),
    S(
        "cpu/exit-status-132",
        "status 132",
        "cpu-instructions",
        0.85,
        "A process (a container, a subprocess) exited with status 132, 128 + signal 4: SIGILL, an instruction this CPU does not have.",
        "conmon 25f8a89e4231d9c8dae5 <ninfo>: container 11593 exited with status 132",
        pattern=r"\bexit(?:ed)?(?: with)? status[: ]\s*132\b",
    ),
    S(
        "cpu/exit-code-132",
        "exit code 132",
        "cpu-instructions",
        0.85,
        "A process exited with code 132 (128 + 4, SIGILL), the way IDEs and CI runners report it.",
        "Process finished with exit code 132",
        pattern=r"\bexit code 132\b",
    ),
    S(
        "cpu/container-exited-132",
        "exited (132)",
        "cpu-instructions",
        0.85,
        "`docker ps` showing a container `Exited (132)`: it died of SIGILL (128 + 4).",
        'f3a1c2d4e5b6   myimage   "python app.py"   Exited (132) 3 seconds ago',
    ),
    S(
        "cpu/illegal-instruction",
        "illegal instruction",
        "cpu-instructions",
        0.85,
        "The process died on an instruction this CPU lacks (usually AVX/AVX2).",
        "Illegal instruction (core dumped)",
    ),
    S(
        "cpu/avx-guard",
        "instructions, but these aren",
        "cpu-instructions",
        0.95,
        "TensorFlow's CPU feature guard: the binary needs AVX/AVX2/SSE4 that the CPU lacks.",
        "The TensorFlow library was compiled to use AVX2 instructions, but these aren't available on your machine.",
        pattern=r"compiled to use (?P<isa>[\w.]+) instructions, but these aren",
    ),
    S(
        "cpu/jaxlib-avx",
        "instructions, which your cpu",
        "cpu-instructions",
        0.95,
        "jaxlib's CPU feature guard: the wheel needs AVX (or another ISA extension) this CPU / OS does not provide.",
        "RuntimeError: This version of jaxlib was built using AVX instructions, which your CPU and/or operating system do not support.",
        pattern=r"built (?:to use|using|with) (?P<isa>[\w.]+) instructions, which your cpu",
    ),
    S(
        "cpu/windows-illegal-instruction-status",
        "3221225501",
        "cpu-instructions",
        0.9,
        "Windows' STATUS_ILLEGAL_INSTRUCTION (0xC000001D, 3221225501 unsigned) as a process's exit code or a "
        "load's error code: the CPU met an instruction it lacks (AVX in TensorFlow >= 1.6 binaries on older CPUs).",
        "ImportError: dll load failed with errorcode 3221225501",
        pattern=r"\b3221225501\b",
    ),
    S(
        "cpu/windows-illegal-instruction-hex",
        "c000001d",
        "cpu-instructions",
        0.9,
        "The same Windows status in hex (0xC000001D) or signed (-1073741795): an illegal instruction.",
        "Process finished with exit code -1073741795 (0xC000001D)",
        pattern=r"\b0xc000001d\b",
    ),
    S(
        "cpu/illegal-hardware-instruction",
        "illegal hardware instruction",
        "cpu-instructions",
        0.8,
        "zsh's wording of SIGILL: the process hit an instruction the CPU lacks (often x86 AVX code under Rosetta or an old CPU).",
        "zsh: illegal hardware instruction  python",
    ),
    # ---- msvc-runtime-missing --------------------------------------------------------------
    S(
        "msvc/faulting-module-runtime",
        "faulting module name",
        "msvc-runtime-missing",
        0.8,
        "Windows' crash report names the Visual C++ runtime as the faulting module: an old copy of it "
        "(bundled by a package, or the system's) loaded where a newer one is needed.",
        "Faulting module name: MSVCP140.dll, version: 14.28.29334.0, time stamp: 0x5fa9a827",
        pattern=r"faulting module name:\s*(?:msvcp\d+|vcruntime\d+(?:_\d)?|msvcr\d+|concrt\d+)\.dll",
    ),
    S(
        "msvc/tf-dll-check",
        "msvcp140",
        "msvc-runtime-missing",
        0.95,
        "TensorFlow's self check: the MSVC runtime DLLs are missing.",
        "ImportError: Could not find the DLL(s) 'msvcp140.dll or msvcp140_1.dll'.",
        anchor="could not",
    ),
    S(
        "msvc/runtime-dll-missing",
        "140",
        "msvc-runtime-missing",
        0.9,
        "A DLL of the Microsoft C++ runtime itself (VCRUNTIME140_1.dll, MSVCP140.dll, VCOMP140.dll) said "
        "to be missing, in Windows' words or the user's: only the Visual C++ Redistributable installs them.",
        "The code execution cannot proceed because VCRUNTIME140_1.dll was not found.",
        pattern=r"\b(?:vcruntime140(?:_1)?|msvcp140(?:_1|_2)?|vcomp140|concrt140)\.dll\b[^\n]{0,60}?"
        r"(?:was not found|not found|is missing|missing|not (?:being )?available|could not be (?:found|loaded))"
        r"|(?:missing|cannot find|can't find|could not find|no)\s+(?:the\s+)?[`'\"“]?"
        r"(?:vcruntime140(?:_1)?|msvcp140(?:_1|_2)?|vcomp140|concrt140)\.dll",
        anchor="dll",
    ),
    S(
        "msvc/universal-crt-missing",
        "api-ms-win-crt-",
        "msvc-runtime-missing",
        0.9,
        "The Universal C Runtime's own DLLs (api-ms-win-crt-runtime-l1-1-0.dll ...) missing: a Windows 7 / 8.1 "
        "without the Universal CRT update (KB2999226), which the Visual C++ 2015+ Redistributable installs.",
        "The program can't start because api-ms-win-crt-runtime-l1-1-0.dll is missing from your computer.",
        pattern=r"api-ms-win-crt-[\w-]+\.dll\b[^\n]{0,60}?(?:is missing|was not found|not found|missing|\berror\b)"
        r"|\b(?:needs?|requires?|cannot find|can't find|could not find)\s+api-ms-win-crt-[\w-]+\.dll\b",
        anchor="dll",
    ),
    S(
        "msvc/older-runtime-dll-missing",
        "msvc",
        "msvc-runtime-missing",
        0.9,
        "A DLL of an older Visual C++ runtime (MSVCR100.dll of 2010, MSVCR120.dll / MSVCP120.dll of 2013) missing: only that year's Redistributable installs it.",
        "The program can't start because MSVCR100.dll is missing from your computer.",
        pattern=r"\bmsvc[rp]1[0-3]0d?\.dll\b[^\n]{0,60}?(?:was not found|not found|is missing|missing)",
    ),
    S(
        "msvc/side-by-side-configuration",
        "side-by-side configuration is incorrect",
        "msvc-runtime-missing",
        0.85,
        "Windows' error 14001: a DLL's manifest names a Visual C++ runtime (the side-by-side assembly) that is not "
        "installed, the usual case for extensions built with an older MSVC (Python 2.7's VC++ 2008).",
        "DLL load failed: The application has failed to start because its side-by-side configuration is incorrect.",
    ),
    S(
        "msvc/onnxruntime-dll-init",
        "onnxruntime",
        "msvc-runtime-missing",
        0.85,
        "onnxruntime's native module (or onnxruntime-genai's) fails to initialise (Windows error 1114): from 1.21 "
        "it needs a newer "
        "Visual C++ runtime than many machines have (onnxruntime's v1.21.0 release notes; microsoft/onnxruntime#24843); "
        "updating the Redistributable, or onnxruntime<=1.20.1, fixes it.",
        "ImportError: DLL load failed while importing onnxruntime_pybind11_state: A dynamic link library (DLL) "
        "initialization routine failed.",
        pattern=r"importing onnxruntime\w*:\s*(?:a dynamic link library \(dll\) initiali[sz]ation routine failed"
        r"|动态链接库\s*\(dll\)\s*初始化例程失败)",
        anchor="dll",
    ),
    S(
        "msvc/onnx-dll-init",
        "onnx_cpp2py_export",
        "msvc-runtime-missing",
        0.85,
        "onnx's native module fails to initialise (Windows error 1114): onnx 1.16.2's Windows wheels need a newer "
        "Visual C++ runtime than many machines have (onnx/onnx#6267); updating the Redistributable, or "
        "onnx<=1.16.1, fixes it.",
        "ImportError: DLL load failed while importing onnx_cpp2py_export: A dynamic link library (DLL) "
        "initialization routine failed.",
        pattern=r"importing onnx_cpp2py_export:\s*(?:a dynamic link library \(dll\) initiali[sz]ation routine failed"
        r"|动态链接库\s*\(dll\)\s*初始化例程失败)",
        anchor="dll",
    ),
    S(
        "msvc/redist-not-installed",
        "visual c++ redistributable is not installed",
        "msvc-runtime-missing",
        0.95,
        "PyTorch's warning before a DLL load failure.",
        "Microsoft Visual C++ Redistributable is not installed, this may lead to the DLL load failure.",
    ),
    S(
        "msvc/torch-winerror-126",
        "winerror 126",
        "msvc-runtime-missing",
        0.8,
        "A torch DLL (or one it needs, usually the MSVC runtime) could not be loaded.",
        'OSError: [WinError 126] The specified module could not be found. Error loading "C:\\envs\\x\\lib\\site-packages\\torch\\lib\\asmjit.dll" or one of its dependencies.',
        pattern=r"winerror 126\].*torch\\lib\\[\w.]+\.dll",
    ),
    S(
        "msvc/pywrap-dll",
        "dll load failed",
        "msvc-runtime-missing",
        0.65,
        "Windows could not load TensorFlow's native module; the VC++ runtime is the usual culprit.",
        "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: The specified module could not be found.",
        # Windows' own message in the user's language (zh, ja, ko, de, fr, es, pt, ru)
        pattern=r"dll load failed(?: while importing [\w.]+)?:\s*(?:the specified module could not be found"
        r"|找不到指定的模块|指定されたモジュールが見つかりません|지정된 모듈을 찾을 수 없습니다"
        r"|das angegebene modul wurde nicht gefunden|le module spécifié est introuvable"
        r"|no se puede encontrar el módulo especificado|não foi possível encontrar o módulo especificado"
        r"|не найден указанный модуль)",
    ),
    S(
        "cpu/dll-init-failed",
        "initialization routine failed",
        "cpu-instructions",
        0.7,
        "Windows: TensorFlow's native module failed to initialise (error 1114); on CPUs without AVX this is how "
        "TensorFlow >= 1.6 fails to import. A candidate on its own: a broken C++ runtime reads the same.",
        "ImportError: DLL load failed while importing _pywrap_tensorflow_internal: A dynamic link library (DLL) "
        "initialization routine failed.",
        pattern=r"dll load failed(?: while importing _pywrap_tensorflow\w*)?:\s*a dynamic link library \(dll\) initiali[sz]ation routine failed",
        anchor="dll",
    ),
    # ---- windows-long-paths ----------------------------------------------------------------
    S(
        "long-paths/pip-hint",
        "long path support",
        "windows-long-paths",
        0.97,
        "pip's own hint that Windows long paths are disabled.",
        "HINT: This error might have occurred since this system does not have Windows Long Path support enabled.",
        anchor="error",
    ),
    S(
        "long-paths/over-260",
        "longer than 260 character",
        "windows-long-paths",
        0.95,
        "Windows' limit named outright (ninja's `Stat(...): Filename longer than 260 characters` while "
        "building an extension under pip's deep temp folder).",
        "ninja: error: Stat(C:/Users/me/AppData/Local/Temp/pip-install-3v32sn_o/xformers/build/temp.win-amd64-"
        "cpython-310/Release/x/flash_api.obj): Filename longer than 260 characters",
        anchor="than",
    ),
    S(
        "long-paths/ninja-stat",
        "ninja: error: stat(",
        "windows-long-paths",
        0.85,
        "ninja could not stat a Windows path of 180+ characters (its message cut before the reason): on "
        "Windows that is the path-length limit; ninja made that path itself.",
        "ninja: error: Stat(C:/Users/Administrator/AppData/Local/Temp/pip-install-u0c21ykd/xformers_e7678a54560549"
        "dcb21bc7c3203f3b12/build/temp.win-amd64-cpython-310/Release/Users/Administrator/AppData/Local/Temp/pip-"
        "install-u0c21ykd/xformers_e7678a5456",
        pattern=r"ninja: error: stat\([a-z]:[/\\][^)\n]{180,}",
        anchor="error",
    ),
    S(
        "long-paths/oserror",
        "could not install packages due to an",
        "windows-long-paths",
        0.85,
        "pip failed to write a deep file under site-packages (Windows MAX_PATH).",
        "ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: 'C:\\\\Users\\\\x\\\\venv\\\\Lib\\\\site-packages\\\\tensorflow\\\\include\\\\external\\\\llvm-project\\\\mlir\\\\x.cpp.inc'",
        # a Windows path, long (or cut inside a package's tree): a POSIX path missing is no path limit
        pattern=r"could not install packages due to an (?:os|environment)error: \[errno 2\] no such file or directory:\s*'?(?P<path>[a-z]:\\[^']{150,}|[a-z]:\\[^']*(?:\\\\|\\)(?:include|_vendor|site-packages)(?:\\\\|\\)[^']{60,})",
    ),
    S(
        "long-paths/filename-too-long",
        "filename too long",
        "windows-long-paths",
        0.9,
        "Windows' own words for a path over its limit (Git for Windows checking out a deep file: `unable to "
        "create file ...: Filename too long`, or the user quoting it); glibc's Linux message is `File name "
        "too long`, two words.",
        "error: unable to create file docs/structcutlass_1_1transform_1_1PitchLinear2DThreadTileStripminedThreadMap"
        "_3_01Shape___00_01Thread0082c3467229b12cc9dd996283ee7160.html: Filename too long",
        pattern=r":\s*filename too long\b|[`'\"]filename too long[`'\"]",
    ),
    S(
        "long-paths/winerror-206-code",
        "winerror 206",
        "windows-long-paths",
        0.9,
        "ERROR_FILENAME_EXCED_RANGE by its number, in whatever language Windows words it.",
        "ERROR: Could not install packages due to an EnvironmentError: [WinError 206] De bestandsnaam of -extensie is "
        "te lang",
        pattern=r"\[winerror 206\]",
        anchor="winerror 206",
    ),
    S(
        "long-paths/winerror-206",
        "the filename or extension is too long",
        "windows-long-paths",
        0.9,
        "Windows' own message for ERROR_FILENAME_EXCED_RANGE (206): a path over its limit (conda extracting a "
        "package's deep tree: `FileNotFoundError(2, 'The filename or extension is too long')`).",
        "CondaError: FileNotFoundError(2, 'The filename or extension is too long')",
        anchor="long",
    ),
    S(
        "long-paths/could-not-create-deep-windows-path",
        "could not create '",
        "windows-long-paths",
        0.85,
        "distutils / setuptools could not create a file deep in a Windows build tree (`build\\bdist.win-amd64\\"
        "wheel\\...`, 120+ characters below the build folder, itself under a temp or project folder): the "
        "path-length limit.",
        "error: could not create 'build\\bdist.win-amd64\\wheel\\.\\idaes\\core\\surrogate\\tests\\data\\onnx_models"
        "\\net_st_net_5000_STM_100_s_2000000_60_5_tanh_1e-06_4096_tr_15481_Calc",
        pattern=r"could not create '(?:[a-z]:\\|build\\|\.\\)[^'\n]{120,}",
        anchor="create",
    ),
    S(
        "long-paths/said-over-the-limit",
        "windows",
        "windows-long-paths",
        0.8,
        "The user names Windows' path-length limit as what the install runs into (\"the long file names exceed "
        'the Windows 256 character max file path length").',
        "the long file names in the repo prevent the file from being checked out because they exceed the Windows "
        "256 character max file path length.",
        pattern=r"\b(?:exceed\w*|longer than|over|beyond|hit\w*)\s+(?:the\s+)?windows\W{0,3}\s*(?:\d{3}[- ]char\w*\s+)?"
        r"(?:max(?:imum)?\s+)?(?:file\s*)?path(?:\s*(?:name|length))*\s*(?:limit|length)",
    ),
    # ---- wrong-interpreter -----------------------------------------------------------------
    S(
        "wrong-interp/launcher-of-a-missing-python",
        "fatal error in launcher",
        "wrong-interpreter",
        0.85,
        "A Windows console launcher (pip.exe, pip3.exe) holds the path of the Python it was made for, and that "
        "Python is not there (a portable or moved install, another machine's path): `python -m pip` runs the "
        "right one.",
        "Fatal error in launcher: Unable to create process using '\"D:\\a\\ComfyUI\\python_embeded\\python.exe\"'",
        pattern=r"fatal error in launcher:? unable to create process using",
        anchor="fatal error in launcher",
    ),
    S(
        "wrong-interp/said-pip-installs-elsewhere",
        "pip",
        "wrong-interpreter",
        0.8,
        "The user reports that `pip` installs into the root / base / system Python instead of the activated "
        "environment: the `pip` on PATH is another interpreter's (an env created without pip of its own).",
        'Running "pip install <pkg>" is consistently installing <pkg> into the root env, instead of my active env.',
        pattern=r"\bpip3?\b[^.\n]{0,60}\b(?:install(?:s|ing|ed)?|uses?|runs?|goes)\b[^.\n]{0,40}\b(?:in(?:to)?|the|to)\s+"
        r"(?:the\s+)?(?:root|base|system|global)\s+(?:env(?:ironment)?|pip|python|install(?:ation)?)\b"
        r"|\bpip3?\b[^.\n]{0,80}\binstead of (?:in(?:to)? )?(?:my|the) (?:active|activated|current|conda|virtual) ?env",
        anchor="pip",
    ),
    S(
        "wrong-interp/said-works-in-the-terminal",
        "terminal",
        "wrong-interpreter",
        0.8,
        "The user reports that an import works in the terminal but not in the notebook / IDE: the "
        "kernel (or the IDE) runs another interpreter than the shell's `python`.",
        "It happens many times that I cannot import module in jupyter notebook while it works in my terminal",
        pattern=r"(?:jupyter|notebook|kernel|pycharm|vs ?code|spyder|\bide\b)[^.\n]{0,80}\b(?:while|but|whereas)\b"
        r"[^.\n]{0,40}\b(?:works?|fine|runs?)\b[^.\n]{0,30}\b(?:terminal|shell|command[- ]line|console)\b"
        r"|\b(?:works?|fine|runs?)\b[^.\n]{0,30}\b(?:in|from|on) (?:the |my )?(?:terminal|shell|command[- ]line)\b"
        r"[^.\n]{0,40}\b(?:but|while|whereas)\b[^.\n]{0,60}(?:jupyter|notebook|kernel|pycharm|vs ?code|spyder|\bide\b)",
        anchor="terminal",
    ),
    S(
        "wrong-interp/said-executables-differ",
        "sys.executable",
        "wrong-interpreter",
        0.8,
        "The user finds `sys.executable` different in the notebook (or IDE) and in the terminal: two "
        "interpreters, and packages installed into one are missing from the other.",
        "When I execute sys.executable in jupyter notebook and in the terminal, the results are different",
        pattern=r"sys\.executable[^\n]{0,120}\b(?:differ\w*|not the same)\b",
        anchor="executable",
    ),
    S(
        "wrong-interp/interpreter-gone",
        "no such file or directory",
        "wrong-interpreter",
        0.8,
        "A launcher (a Jupyter kernel spec, a venv's pip or script, a subprocess) runs an interpreter path that "
        "no longer exists: the Python it was set up for was upgraded, moved or removed.",
        "FileNotFoundError: [Errno 2] No such file or directory: '/usr/local/opt/python3/bin/python3.6': "
        "'/usr/local/opt/python3/bin/python3.6'",
        pattern=r"\[errno 2\] no such file or directory: '(?P<path>[^']{0,300}[\\/](?:bin|scripts)[\\/]"
        r"python(?:\d(?:\.\d{1,2})?)?(?:\.exe)?)'",
        anchor="directory",
    ),
    S(
        "wrong-interp/no-ipykernel-launcher",
        "no module named ipykernel_launcher",
        "wrong-interpreter",
        0.9,
        "A Jupyter kernel starts an interpreter without ipykernel: its kernel.json names another (or a "
        "recreated) environment than the one ipykernel was installed into.",
        "/opt/conda/envs/tf/bin/python: No module named ipykernel_launcher",
    ),
    # ---- env-leakage -----------------------------------------------------------------------
    S(
        "env-leak/said-user-site-used",
        ".local",
        "env-leakage",
        0.8,
        "The user reports that Python loads packages from the user site (`~/.local`) instead of the "
        "activated environment's: the leak, in their words.",
        "python was using packages in ~/.local which had a different version instead.",
        pattern=r"\b(?:using|loading|loads|loaded|importing|imports|picks? up|prefers?|prioriti[sz]es)\b[^.\n]{0,60}"
        r"\b(?:in|from|over) (?:the )?~?/?\.local\b",
    ),
    S(
        "env-leak/said-loads-from-the-user-site",
        "user",
        "env-leakage",
        0.8,
        'The user reports Python loading a package from the user site-packages ("loading shapely from pip-managed '
        'user environment"): the leak, in their words.',
        "Python from plugin environment loading shapely from pip-managed user environment",
        pattern=r"\b(?:loading|loads|loaded|importing|imports|picks? up|reach\w* out into|using)\b[^.\n]{0,60}"
        r"\b(?:from|in|into)\s+(?:the\s+)?(?:user'?s\s+)?(?:pip-managed\s+)?user(?:'s)?\s+"
        r"(?:site-packages|site|environment|packages)\b",
    ),
    S(
        "env-leak/foreign-extension",
        "does not define module export function",
        "env-leakage",
        0.8,
        "An extension module built for another Python (a Python 2 `initX` module, or another ABI) was found "
        "first on sys.path: a copy from another installation.",
        "ImportError: dynamic module does not define module export function (PyInit_cv2)",
        anchor="error",
    ),
    S(
        "env-leak/numpy-source-tree",
        "you should not try to import numpy from",
        "env-leakage",
        0.6,
        "NumPy's C core did not load: a NumPy of another Python / platform on sys.path, or its source tree (a candidate).",
        "ImportError: Error importing numpy: you should not try to import numpy from its source directory;",
        anchor="error",
    ),
    S(
        "env-leak/pythonpath",
        "pythonpath points to",
        "env-leakage",
        0.9,
        "PYTHONPATH points at another Python's site-packages.",
        "Your PYTHONPATH points to a site-packages dir for Python 3.x but you are running Python 2.x",
    ),
    S(
        "env-leak/python-future-on-python-3",
        "should not be accessible on python 3",
        "env-leakage",
        0.85,
        "python-future's Python 2 backports (its `src/` folder or a Python 2 site-packages, through PYTHONPATH or a .pth) are on a Python 3 import path.",
        "ImportError: This package should not be accessible on Python 3.",
        anchor="python",
    ),
    S(
        "env-leak/installed-outside-the-environment",
        "outside environment",
        "env-leakage",
        0.85,
        "pip inside an environment found the package installed outside it (`Not uninstalling X at /usr/lib/..., outside environment ...`): the system's or another environment's site-packages is on this environment's path.",
        "Not uninstalling blinker at /Library/Python/2.6/site-packages, outside environment /Users/me/venv/bin/..",
        pattern=r"not uninstalling [\w.-]+ at \S.*, outside environment",
        anchor="install",
    ),
    S(
        "env-leak/python-dll-conflict",
        "conflicts with this version of python",
        "env-leakage",
        0.85,
        "Windows: an extension built for another Python (python36.dll) is loaded by this one: a package from another environment is on the path.",
        "ImportError: Module use of python36.dll conflicts with this version of Python.",
    ),
    S(
        "env-leak/user-site-satisfied",
        "requirement already satisfied",
        "env-leakage",
        0.7,
        "pip found the package in the user site (~/.local), not in the active environment.",
        "Requirement already satisfied: xxx in /home/user/.local/lib/python3.10/site-packages",
        pattern=r"requirement already satisfied:.* in (?P<path>\S*(?:[/\\]\.local[/\\]lib[/\\]python[\d.]+|[/\\]appdata[/\\]roaming[/\\]python[/\\]python\d+|[/\\]library[/\\]python[/\\][\d.]+[/\\]lib[/\\]python)[/\\]site-packages)",
    ),
    S(
        "env-leak/sre-mismatch",
        "sre module mismatch",
        "env-leakage",
        0.9,
        "The standard library's re of another Python (PYTHONPATH / PYTHONHOME pointing at its Lib folder) "
        "loaded by this interpreter: its compiled _sre is another version.",
        "AssertionError: SRE module mismatch",
    ),
    S(
        "env-leak/user-site-path",
        ".local/lib/python",
        "env-leakage",
        0.35,
        "A path in the user site-packages (~/.local), outside any environment.",
        "$HOME/.local/lib/python2.7/site-packages gets preferred over the conda environment",
        pattern=r"\.local/lib/python[\d.]+/site-packages",
    ),
    S(
        "env-leak/windows-user-site-path",
        "site-packages",
        "env-leakage",
        0.35,
        "A path in a Windows user site (%APPDATA%\\Python, or the Microsoft Store Python's local-packages), outside any environment.",
        '  File "C:\\Users\\aku91\\AppData\\Local\\Packages\\PythonSoftwareFoundation.Python.3.9_qbz5n2kfra8p0\\LocalCache\\local-packages\\Python39\\site-packages\\jupyter_core\\paths.py", line 387, in win32_restrict_file_to_user',
        pattern=r"appdata[\\/]+roaming[\\/]+python[\\/]+python\d+[\\/]+site-packages|local-packages[\\/]+python\d+[\\/]+site-packages",
        anchor="python",
    ),
    S(
        "env-leak/default-user",
        "defaulting to user installation",
        "env-leakage",
        0.3,
        "pip installs into the user site because the environment is not writeable (or not active).",
        "Defaulting to user installation because normal site-packages is not writeable",
    ),
    S(
        "env-leak/user-install",
        "--user",
        "env-leakage",
        0.3,
        "A `pip install --user` puts packages in the user site, visible from every environment.",
        "using `pip install ipython --user`",
        pattern=r"pip3? install\b[^\n]*--user\b",
        anchor="install",
    ),
    # ---- mixed-pip-conda -------------------------------------------------------------------
    S(
        "mixed/conda-dependency-cannot-be-removed",
        "is a dependency of conda and cannot be removed",
        "mixed-pip-conda",
        0.8,
        "conda refuses to change one of its own dependencies in the base environment (requests, ruamel, "
        "pycosat): a pip install there replaced conda's copy, so conda's solver wants to swap it out.",
        "RemoveError: 'requests' is a dependency of conda and cannot be removed from conda's operating environment.",
    ),
    S(
        "mixed/distutils-uninstall",
        "cannot uninstall '",
        "mixed-pip-conda",
        0.88,
        "pip cannot uninstall a package another manager (conda, the OS) installed.",
        "ERROR: Cannot uninstall 'PyYAML'. It is a distutils installed project",
        pattern=r"cannot uninstall '(?P<package>[^']+)'",
    ),
    S(
        "mixed/conda-files-clobbered",
        "files managed by conda were found to have been",
        "mixed-pip-conda",
        0.9,
        "conda-pack: pip deleted or overwrote files of conda packages.",
        "Files managed by conda were found to have been deleted/overwritten in the",
    ),
    S(
        "mixed/pip-over-pip",
        "no module named",
        "mixed-pip-conda",
        0.6,
        "pip's own modules are gone after `pip install --upgrade pip` over a pip another manager installed: two pips in one prefix.",
        "ImportError: No module named _internal",
        pattern=r"no module named '?(?:pip\.)?_internal\b",
    ),
    S(
        "mixed/record-file-not-found",
        "record file not found",
        "mixed-pip-conda",
        0.88,
        "pip cannot uninstall a package it did not install (no RECORD): conda or the OS package manager owns it.",
        "ERROR: Cannot uninstall PyYAML 5.3.1, RECORD file not found. Hint: The package was installed by debian.",
        anchor="found",
    ),
    S(
        "mixed/conda-clobber",
        "clobbererror",
        "mixed-pip-conda",
        0.6,
        "conda found two packages writing the same path (often a pip-installed copy beside conda's): a candidate.",
        "ClobberError: This transaction has incompatible packages due to a shared path.",
        anchor="error",
    ),
    S(
        "mixed/record-missing",
        "uninstall-no-record-file",
        "mixed-pip-conda",
        0.85,
        "pip cannot uninstall a package with no RECORD (installed by conda or the OS).",
        "error: uninstall-no-record-file",
    ),
    # ---- solver-conflict -------------------------------------------------------------------
    S(
        "solver/pip-conflicting",
        "conflicting dependencies",
        "solver-conflict",
        0.85,
        "pip's resolver: the requested versions cannot all be installed.",
        "ERROR: Cannot install tensorflow and tensorflow==2.3.1 because these package versions have conflicting dependencies.",
        pattern=r"cannot install (?P<what>.+?) because these package versions have conflicting dependencies",
    ),
    S(
        "solver/pip-caused-by",
        "conflict is caused by",
        "solver-conflict",
        0.85,
        "pip's resolver names the conflicting requirements below this line.",
        "The conflict is caused by:",
        capture=40,
    ),
    S(
        "solver/pip-user-requested",
        "the user requested",
        "solver-conflict",
        0.6,
        "pip's resolver report pasted without its header: `The user requested X` and `Y depends on Z` "
        "(pip's own wording; the lines that follow are read as its conflict).",
        "The user requested torch==1.13.0",
        pattern=r"^\W{0,3}the user requested (?:\(constraint\) )?[A-Za-z0-9]",
        capture=12,
    ),
    S(
        "solver/pip-resolution-impossible",
        "resolutionimpossible",
        "solver-conflict",
        0.8,
        "pip gave up resolving.",
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts",
        anchor="conflict",
    ),
    S(
        "solver/conda-found-conflicts",
        "found conflicts",
        "solver-conflict",
        0.85,
        "conda classic's solver failed its first pass and searches for the incompatible specs (an "
        "UnsatisfiableError follows, often cut from the paste).",
        "Found conflicts! Looking for incompatible packages.",
        pattern=r"found conflicts!? looking for incompatible packages",
        anchor="conflict",
    ),
    S(
        "solver/pipenv-could-not-resolve",
        "could not be resolved",
        "solver-conflict",
        0.85,
        "Pipenv's resolver failed: the Pipfile's pins (or their sub-dependencies) exclude each other.",
        "[pipenv.exceptions.ResolutionFailure]: Warning: Your dependencies could not be resolved. You likely have a "
        "mismatch in your sub-dependencies.",
        pattern=r"resolutionfailure\]?:?[^\n]{0,40}dependencies could not be resolved|your dependencies could not be "
        r"resolved\. you likely have a mismatch in your sub-dependencies",
    ),
    S(
        "solver/conda-conflict",
        "specifications were found to be",
        "solver-conflict",
        0.8,
        "conda (classic, 4.7+) UnsatisfiableError: the clashing chains follow, grouped by package "
        "(`Package pytorch conflicts for:`).",
        "UnsatisfiableError: The following specifications were found to be incompatible with each other:",
        pattern=r"specifications were found\s*(?:to be )?incompatible with each other",
        capture=40,
    ),
    # conda <= 4.6 listed the specs without the chains that clash: as often the environment's Python
    # (an anaconda metapackage's py37 pins beside a bare `tensorflow-base`) as a clash of pins
    S(
        "solver/conda-in-conflict",
        "specifications were found to be",
        "solver-conflict",
        0.8,
        "conda (classic, up to 4.6) UnsatisfiableError: the specifications in conflict, listed below.",
        "The following specifications were found to be in conflict:",
        pattern=r"specifications were found\s*(?:to be )?in conflict",
        capture=40,
    ),
    S(
        "solver/conda-python",
        "incompatible with the existing python installation",
        "python-unsupported",
        0.9,
        "conda: the requested package has no build for this environment's Python.",
        "UnsatisfiableError: The following specifications were found to be incompatible with the existing python installation in your environment:",
        capture=40,
    ),
    S(
        "solver/conda-in-conflict-compact",
        "following specifications were found to be in conflict",
        "solver-conflict",
        0.5,
        "Old conda wording on one line (the specs follow).",
        "UnsatisfiableError:the following specifications were found to be in conflict :",
        capture=20,
    ),
    S(
        "solver/unsatisfiable",
        "unsatisfiable",
        "solver-conflict",
        0.55,
        "A solver reported an unsatisfiable request.",
        "LibMambaUnsatisfiableError: Encountered problems while solving:",
        pattern=r"unsatisfiable(?:error|specifications)|requirements are unsatisfiable",
        anchor="error",
    ),
    S(
        "solver/conda-packages-not-found",
        "not available from current channels",
        "platform-unsupported",
        0.4,
        "conda's PackagesNotFoundError: no build of these specs in the channels for this platform's subdir "
        "(a missing channel, or no build for this platform: the specs listed below tell which).",
        "PackagesNotFoundError: The following packages are not available from current channels:",
        capture=20,
    ),
    S(
        "solver/pixi-no-candidates",
        "no candidates were found for",
        "platform-unsupported",
        0.4,
        "pixi / rattler: no build of a spec for the platform it solves for (`failed to solve requirements of "
        "environment 'cuda' for platform 'osx-arm64'`).",
        "  ╰─▶ Cannot solve the request because of: No candidates were found for torch *.",
        pattern=r"no candidates were found for (?P<spec>[A-Za-z0-9][\w.-]*)",
    ),
    S(
        "solver/mamba-problems",
        "encountered problems while solving",
        "solver-conflict",
        0.75,
        "mamba/libmamba solver problems (listed below).",
        "Encountered problems while solving:",
        capture=40,
    ),
    S(
        "solver/mamba-tree",
        "could not solve for environment specs",
        "solver-conflict",
        0.75,
        "libmamba's problem tree (conda >= 23.10, mamba >= 1.4): which packages clash, and why.",
        "Could not solve for environment specs",
        capture=60,
    ),
    S(
        "solver/pubgrub-incompatible",
        "is incompatible with",
        "solver-conflict",
        0.85,
        "Poetry's (PubGrub's) derivation of a conflict: one requested release depends on a range of a package "
        "another requested release excludes, so the two cannot be installed together.",
        "and paddleclas (2.6.0) depends on numpy (1.24.4), paddleclas (2.6.0) is incompatible with "
        "opencv-python-headless (>=4.9.0.80).",
        pattern=r"depends on [\w.-]+ \([^()\n]{1,60}\), [\w.-]+ \([^()\s]{1,40}\) is incompatible with [\w.-]+ \(",
    ),
    S(
        "solver/pubgrub-requires-chain",
        ") requires ",
        "solver-conflict",
        0.8,
        "PubGrub's derivation (Poetry, uv, pdm): a range of one package requires a range of another "
        "(`X (>=1.28.2,<2) requires protobuf (>=5.0,<6.0)`): the resolver is walking a clash of pins. A Python "
        "requirement in the chain is the Python's, not this.",
        "opentelemetry-exporter-otlp-proto-http (>=1.28.2,<1.29.0 || >1.29.0,<2) requires protobuf (>=5.0,<6.0).",
        pattern=r"[\w.-]+ \([^()\n]{1,80}\) requires (?!python\b)[\w.-]+ \([^()\n]{1,60}\)",
    ),
    S(
        "solver/pipenv-incompatible-versions",
        "there are incompatible versions in the resolved dependencies",
        "solver-conflict",
        0.85,
        "pipenv's lock: the packages' requirements on one dependency (listed below it) do not overlap.",
        "There are incompatible versions in the resolved dependencies:",
    ),
    S(
        "solver/poetry-depends-on-both",
        "version solving failed",
        "solver-conflict",
        0.85,
        "Poetry's (PubGrub's) conclusion that two requirements of the project cannot hold together: "
        '"So, because X depends on both A (^2.0) and B (^2.0), version solving failed."',
        "So, because stalp depends on both torch (^2.0.0+cu118) and torchaudio (^2.0.1+cu118), version solving failed.",
        pattern=r"because \S+ depends on both .{1,300}version solving failed",
    ),
    S(
        "solver/poetry-python-range",
        "supported python range",
        "solver-conflict",
        0.8,
        "Poetry: the project's `python` range reaches Pythons a dependency does not support (the "
        "dependencies and their Requires-Python follow).",
        "The current project's supported Python range (>=3.10,<4.0) is not compatible with some of the "
        "required packages Python requirement:",
        pattern=r"project's supported python range \([^)]*\) is not compatible",
        capture=20,
    ),
    S(
        "solver/uv-no-solution",
        "no solution found when resolving",
        "solver-conflict",
        0.85,
        "uv's PubGrub resolver found no solution (explanation follows).",
        "× No solution found when resolving dependencies:",
        capture=40,
    ),
    # ---- python-unsupported ----------------------------------------------------------------
    S(
        "platform/musl-relocation",
        "error relocating",
        "platform-unsupported",
        0.85,
        "musl's dynamic loader (Alpine) cannot bind a symbol a glibc-built (manylinux) library needs: the wheel "
        "was made for glibc, and musl's loader words the failure 'Error relocating ...: symbol not found'.",
        "OSError: Error relocating /usr/local/lib/python3.9/site-packages/torch/lib/libgomp-a34b3233.so.1: "
        "pthread_attr_setaffinity_np: symbol not found",
        # (an excerpt may cut the line after the symbol: musl's "Error relocating <lib>.so: <symbol>:" is enough)
        pattern=r"error relocating \S+\.so[\w.-]*: \S+?:(?: symbol not found| s\w*$|$)",
    ),
    S(
        "platform/musl-missing-glibc-loader",
        "error loading shared library ld-linux",
        "platform-unsupported",
        0.85,
        "musl's loader (Alpine) looking for glibc's own dynamic loader (`ld-linux-x86-64.so.2`, `ld-linux-aarch64.so.1`) "
        "that a glibc-built library names: the binary was made for glibc, not musl.",
        "Error: Error loading shared library ld-linux-x86-64.so.2: No such file or directory (needed by "
        "/app/node_modules/onnxruntime-node/bin/napi-v3/linux/x64//libonnxruntime.so.1.14.0)",
        pattern=r"error loading shared library ld-linux[\w.-]*\.so\.\d: no such file or directory",
    ),
    S(
        "python/torch-placeholder-sdist",
        "torch-0.1.2",
        "python-unsupported",
        0.6,
        "pip took `torch` 0.1.2, PyPI's 2017 placeholder sdist (no wheels, a setup.py that fails), because no torch "
        "wheel fits this Python or machine (a 32-bit or too new Python, or a platform without builds): the "
        "rules over the machine's facts say which.",
        "Using cached https://files.pythonhosted.org/packages/f8/02/.../torch-0.1.2.post2.tar.gz",
        pattern=r"\btorch-0\.1\.2(?:\.post\d)?\.tar\.gz",
    ),
    S(
        "python/no-matching-framework",
        "no matching distribution found for",
        "python-unsupported",
        0.78,
        "pip found no wheel of the framework for this Python (or bitness / platform).",
        "ERROR: No matching distribution found for tensorflow==2.13.0",
        pattern=r"no matching distribution found for (?P<req>" + _FRAMEWORKS + r"\b[^\s]*)",
        suppressed_by=("network-or-index",),
    ),
    S(
        "python/no-version-framework",
        "could not find a version that satisfies",
        "python-unsupported",
        0.72,
        "pip lists the versions it could use; `none` or an old list means no wheel for this Python.",
        "ERROR: Could not find a version that satisfies the requirement tensorflow (from versions: none)",
        pattern=r"satisfies the requirement (?P<req>"
        + _FRAMEWORKS
        + r"\b[^\s]*)(?:\s*\(from versions: (?P<versions>[^)]*)\)?)?",
        suppressed_by=("network-or-index",),
    ),
    S(
        "python/requires-python",
        "require a different python version",
        "python-unsupported",
        0.9,
        "pip skipped releases whose Requires-Python excludes this interpreter.",
        "ERROR: Ignored the following versions that require a different python version: 2.13.0 Requires-Python >=3.8",
    ),
    S(
        "python/requires-python-meta",
        "requires a different python",
        "python-unsupported",
        0.6,
        "A release's Requires-Python excludes this interpreter.",
        "Package 'tensorflow' requires a different Python: 3.13.0 not in '<3.13,>=3.9'",
    ),
    S(
        "python/uv-no-wheels",
        "has no wheels with a matching python",
        "python-unsupported",
        0.85,
        "uv: the release has no wheel for this Python version/ABI.",
        "Because torch==2.0.0 has no wheels with a matching Python ABI tag and you require torch==2.0.0, we can conclude that your requirements are unsatisfiable.",
    ),
    # ---- platform-unsupported --------------------------------------------------------------
    S(
        "platform/not-supported-wheel",
        "is not a supported wheel on this platform",
        "platform-unsupported",
        0.75,
        "The wheel's platform/Python tags do not fit this machine.",
        "ERROR: tensorflow-2.1.0-cp37-cp37m-linux_armv7l.whl is not a supported wheel on this platform.",
    ),
    S(
        "platform/poetry-skipped-wheel",
        "as this is not supported by the current environment",
        "platform-unsupported",
        0.75,
        "Poetry's words for the same refusal: the wheel's Python / platform tags do not fit this environment.",
        "Skipping wheel cadquery_ocp-7.7.2-cp310-cp310-manylinux_2_35_x86_64.whl as this is not supported by the "
        "current environment",
        pattern=r"skipping wheel [\w.+-]+\.whl as this is not supported",
    ),
    S(
        "platform/tf-windows-gpu",
        "gpu support is not available on native windows",
        "platform-unsupported",
        0.95,
        "TensorFlow >= 2.11 has no CUDA build for native Windows.",
        "TensorFlow GPU support is not available on native Windows for TensorFlow >= 2.11.",
    ),
    S(
        "platform/uv-wheel-platform",
        "has no wheels with a matching platform",
        "platform-unsupported",
        0.85,
        "uv: no wheel of the release for this OS/architecture.",
        "Because torch==2.2.0 has no wheels with a matching platform tag and you require torch==2.2.0, we can conclude that your requirements are unsatisfiable.",
    ),
    S(
        "python/uv-hint-abi-tags",
        "with the following python abi tag",
        "python-unsupported",
        0.9,
        "uv's hint: the interpreter's Python ABI tag is not among the release's wheels (uv 0.5 and 0.13 wordings).",
        "hint: You require CPython 3.13 (`cp313`), but we only found wheels for `torch` (v2.2.0) with the following Python ABI tags: `cp38`, `cp39`, `cp310`, `cp311`, `cp312`",
    ),
    S(
        "platform/uv-no-wheel-current-platform",
        "for the current platform",
        "platform-unsupported",
        0.85,
        "uv (sync / lockfile install): the distribution has no wheel (and no sdist) for this OS/architecture.",
        "error: Distribution `torch==2.6.0 @ registry+https://pypi.org/simple` can't be installed because it doesn't have a source distribution or wheel for the current platform",
        pattern=r"(?:doesn't|does not) have a source distribution or wheel for the current platform|binary distribution is incompatible with the current platform",
        anchor="platform",
    ),
    S(
        "platform/uv-hint-only-wheels-for",
        "only has wheels for the following platforms",
        "platform-unsupported",
        0.8,
        "uv's hint: this machine's platform tag is not among those the release has wheels for.",
        "hint: You're on macOS (`macosx_15_0_x86_64`), but `torch` (v2.6.0) only has wheels for the following platforms: `manylinux_2_28_aarch64`, `manylinux1_x86_64`, `macosx_11_0_arm64`, `win_amd64`",
        anchor="platform",
    ),
    # ---- package-removed -------------------------------------------------------------------
    S(
        "removed/project-deprecated-stub",
        "is deprecated",
        "package-removed",
        0.9,
        "A deprecated project's stub (NVIDIA's `nvidia-*-cu13` and others): its sdist refuses to build and names "
        "the project that replaced it.",
        "THIS PROJECT 'nvidia-cuda-runtime-cu13' IS DEPRECATED. Please use 'nvidia-cuda-runtime' instead.",
        pattern=r"this project ['\"][\w.-]+['\"] is deprecated\.?\s*please use ['\"][\w.-]+['\"] instead",
    ),
    S(
        "removed/tf-gpu-message",
        "package has been removed",
        "package-removed",
        0.97,
        "The tensorflow-gpu stub's own message.",
        'The "tensorflow-gpu" package has been removed!',
        anchor="gpu",
    ),
    S(
        "removed/named-as-removed",
        "has been removed",
        "package-removed",
        0.9,
        "A package the index replaced by an erroring stub, named as removed (its page, its stub, a user quoting them).",
        "tensorflow-gpu has been removed. Please install tensorflow instead.",
        pattern=r"\b(?P<package>tensorflow-gpu|tf-nightly-gpu|sklearn)\b['\"`]?(?: package)? has been removed",
    ),
    S(
        "removed/tf-gpu-stub",
        "tensorflow-gpu",
        "package-removed",
        0.9,
        "pip fetched the tensorflow-gpu >= 2.12 stub sdist whose setup.py fails on purpose.",
        "  Using cached tensorflow-gpu-2.12.0.tar.gz (2.6 kB)",
        pattern=r"tensorflow[-_]gpu-2\.(?:1[2-9]|[2-9]\d)[\w.]*\.tar\.gz",
    ),
    S(
        "removed/collecting-tf-gpu",
        "collecting tensorflow-gpu",
        "package-removed",
        0.45,
        "pip is installing tensorflow-gpu (removed after 2.11).",
        "Collecting tensorflow-gpu",
        pattern=r"collecting tensorflow-gpu\s*$",
    ),
    S(
        "removed/invalid-requirement",
        "invalidrequirement",
        "package-removed",
        0.3,
        "setup.py failed parsing a requirement: the tensorflow-gpu stub fails this way.",
        "setuptools.extern.packaging.requirements.InvalidRequirement: Expected end or semicolon",
        requires=("tf-gpu",),
    ),
    S(
        "removed/deprecated-pypi-package",
        "pypi package is deprecated",
        "package-removed",
        0.95,
        "A placeholder package that fails to install on purpose and names its replacement (the `sklearn` package -> scikit-learn).",
        "The 'sklearn' PyPI package is deprecated, use 'scikit-learn'",
        # the name starts where a word does: a try inside a run of word characters fails at once
        pattern=r"(?:the\s+)?['\"`]?(?<![\w.-])(?P<package>[\w.-]+)['\"`]? pypi package is deprecated,? use "
        r"['\"`]?(?P<replacement>[\w.-]+)",
    ),
    S(
        "removed/pil-replaced-by-pillow",
        "for pil",
        "package-removed",
        0.85,
        "PIL itself (last release 1.1.7, 2009) has no installable file on PyPI: its maintained fork Pillow is the "
        "distribution (`pip install Pillow`; the import stays `import PIL`).",
        "ERROR: No matching distribution found for PIL",
        pattern=r"no matching distribution found for pil(?:[=<>!~]=?[\w.*]+)?(?![\w.-])",
    ),
    S(
        "removed/import-name-is-no-distribution",
        "for ",
        "package-removed",
        0.85,
        "An import name asked for as a distribution: PyPI has no project `cv2` or `opencv` (the distribution is "
        "opencv-python), `yaml` (PyYAML) or `dateutil` (python-dateutil), so pip finds no release at all.",
        "ERROR: No matching distribution found for cv2",
        pattern=r"(?:no matching distribution found for|satisfies the requirement) (?:cv2|opencv|yaml|dateutil)"
        r"(?:[=<>!~]=?[\w.*]+)?(?![\w.-])",
        anchor="distribution",
    ),
    S(
        "removed/skimage-placeholder",
        "instead of",
        "package-removed",
        0.9,
        "PyPI's `skimage` is a placeholder (skimage-0.0.tar.gz) whose build says to install scikit-image: the requirement names a package that is not the project.",
        "*** Please install the `scikit-image` package (instead of `skimage`) ***",
        pattern=r"install the [`'\"]?scikit-image[`'\"]? package \(instead of [`'\"]?skimage",
        anchor="install",
    ),
    S(
        "removed/sklearn-deprecation-text",
        "sklearn",
        "package-removed",
        0.9,
        "The `sklearn` placeholder's own explanation (its build prints how to fix it): the lines users paste without the first.",
        "      - use 'pip install scikit-learn' rather than 'pip install sklearn'",
        pattern=r"rather than ['\"`]pip install sklearn['\"`]|sklearn_allow_deprecated_sklearn_package_install",
    ),
    S(
        "removed/yanked-release-required",
        "was yanked",
        "package-removed",
        0.85,
        "uv's (and pixi's) resolver: the exact release asked for was yanked from the index.",
        "Because setuptools-scm==6.2.0 was yanked (reason: regression due to a discovered setuptools bug) and you "
        "require setuptools-scm==6.2.0, we can conclude that your requirements are unsatisfiable.",
        pattern=r"\b[\w.-]+==[\w.!+]+ was yanked\b",
        anchor="was yanked",
    ),
    S(
        "removed/project-page-not-found",
        "pypi.org/project/",
        "package-removed",
        0.8,
        "The project's PyPI page answers 404: the project (or all its files) was deleted from the index.",
        "https://pypi.org/project/lightify/ returns a 404 and `pip install lightify`",
        pattern=r"pypi\.org/project/[\w.-]+/?[`'\")\]]*\s+(?:returns?|gives?|shows?|is)\s+(?:an?\s+)?(?:404|not found)",
        anchor="pypi.org/project/",
    ),
    S(
        "removed/index-has-no-such-project",
        "/simple/",
        "package-removed",
        0.88,
        "PyPI's simple page for the project answers 404 (pip -v's `\"GET /simple/x/ HTTP/1.1\" 404`, or `404 Client "
        "Error: Not Found for url: https://pypi.org/simple/x/`): no project of that name is on the index, it was "
        "removed or renamed (a name typed wrong reads the same).",
        'https://pypi.org:443 "GET /simple/tf-nightly-2-0-preview/ HTTP/1.1" 404 13',
        pattern=r'pypi(?:\.python)?\.org(?::443)? "get /simple/[\w.-]+/? http/1\.[01]" 404\b'
        r"|\b" + _PYPI_SIMPLE_404 + r"[\w.-]+/?(?:\s|$)",
    ),
    S(
        "removed/pytorch-placeholder",
        "the package named for pytorch is",
        "package-removed",
        0.95,
        "`pip install pytorch` gets a placeholder whose setup.py fails on purpose: the package is `torch`.",
        'Exception: You tried to install "pytorch". The package named for PyTorch is "torch"',
    ),
    S(
        "removed/sklearn-stub",
        "sklearn-0.0",
        "package-removed",
        0.85,
        "pip fetched the `sklearn` placeholder sdist (0.0.postN), whose build fails on purpose.",
        "  Downloading sklearn-0.0.post5.tar.gz (3.7 kB)",
        pattern=r"\bsklearn-0\.0(?:\.post\d+)?\.tar\.gz",
    ),
    S(
        "platform/said-no-wheel-for-the-arch",
        "wheel",
        "platform-unsupported",
        0.8,
        'The user found no wheel for their architecture on the index ("PyPI does not provide a Linux aarch64 wheel").',
        "PyPI does not appear to provide a Linux aarch64 wheel for nmem-cli 0.10.25, so pip and uvx fall back",
        pattern=r"(?:does not|doesn't|do not|don't|no|without)\s+(?:appear to\s+|seem to\s+)?(?:provide|have|ship|publish|offer)?"
        r"\s*(?:an?\s+|any\s+)?(?:linux[ /-]?)?(?:aarch64|arm64|armv7l?|armhf|ppc64le|s390x|musllinux|riscv64)\s+wheels?\b",
        anchor="wheel",
    ),
    S(
        "no-gpu/onnxruntime-without-cuda-provider",
        "executionprovider",
        "no-gpu-visible",
        0.85,
        "ONNX Runtime lists only CPU providers: the CPU-only `onnxruntime` wheel is installed (or shadows "
        "`onnxruntime-gpu`), so the CUDA provider asked for does not exist.",
        "UserWarning: Specified provider 'CUDAExecutionProvider' is not in available provider names.Available "
        "providers: 'AzureExecutionProvider, CPUExecutionProvider'",
        pattern=r"'cudaexecutionprovider' is not in available provider names"
        r"|cudaexecutionprovider not available|\[\s*'(?:azureexecutionprovider', ')?cpuexecutionprovider'\s*\]",
        anchor="executionprovider",
    ),
    S(
        "numpy-api/said-removed",
        "np.",
        "numpy-api-removed",
        0.85,
        "The user names a NumPy alias that newer NumPy removed (`np.int`, `np.float`, `np.bool`, `np.object`, "
        "`np.asscalar`...).",
        "`np.int` is no longer available, causing an issue with",
        pattern=r"`?np\.(?:int|float|bool|object|long|str|complex|asscalar|unicode|typedict|alltrue|sometrue|product"
        r"|cumproduct|round_|infty|Inf|NaN|string_|unicode_|float_|complex_)`?\s+(?:is no longer available|"
        r"(?:was|has been|is) (?:removed|deprecated)|(?:no longer exists|does not exist))",
        anchor="np.",
    ),
    S(
        "fact/tf-gpu",
        "tensorflow-gpu",
        None,
        0.0,
        "The log installs tensorflow-gpu.",
        "pip install tensorflow-gpu",
        pattern=r"(?:install|collecting)\s+tensorflow-gpu\b(?!==?[01]\.|==?2\.(?:[0-9]|1[01])\b)",
        role="fact",
        tags=("tf-gpu",),
    ),
    # ---- keras-version-mismatch ------------------------------------------------------------
    S(
        "keras/unknown-layer-functional",
        "unknown layer: functional",
        "keras-version-mismatch",
        0.9,
        "A model saved by Keras of TensorFlow >= 2.3 (whose models are `Functional`) loaded by an older Keras / "
        "tf.keras that has no such class.",
        "ValueError: Unknown layer: Functional",
    ),
    S(
        "keras/dtensor-from-older-tensorflow",
        "cannot import name 'dtensor'",
        "keras-version-mismatch",
        0.85,
        "Keras >= 2.9 imports DTensor from TensorFlow (keras/dtensor/__init__.py: `from tensorflow.compat.v2."
        "experimental import dtensor`), which TensorFlow added in 2.9: a Keras newer than its TensorFlow.",
        "ImportError: cannot import name 'dtensor' from 'tensorflow.compat.v2.experimental' "
        "(/env/lib/python3.9/site-packages/tensorflow/_api/v2/compat/v2/experimental/__init__.py)",
        pattern=r"cannot import name 'dtensor' from 'tensorflow[\w.]*'",
    ),
    S(
        "keras/get-config-from-older-tensorflow",
        "cannot import name 'get_config' from 'tensorflow.python.eager.context'",
        "keras-version-mismatch",
        0.85,
        "Keras >= 2.6 imports `get_config` from TensorFlow's eager context (keras/backend.py), which older "
        "TensorFlow lacks: a standalone Keras newer than the TensorFlow it runs on.",
        "ImportError: cannot import name 'get_config' from 'tensorflow.python.eager.context' "
        "(/usr/local/lib/python3.7/dist-packages/tensorflow/python/eager/context.py)",
    ),
    S(
        "keras/optimizer-of-another-keras",
        "could not interpret optimizer identifier",
        "keras-version-mismatch",
        0.8,
        "An optimizer object of one Keras (standalone `keras`, Keras 3's `keras.src`) handed to a model of "
        "another (tf.keras, tf-keras): each Keras recognises only its own optimizer classes.",
        "ValueError: Could not interpret optimizer identifier: <keras.src.optimizers.legacy.adam.Adam object at 0x78>",
        pattern=r"could not interpret optimizer identifier:?\s*<(?:keras|tf_keras|tensorflow)\b",
    ),
    S(
        "keras/saved-by-keras-3",
        "because its parent module keras.src",
        "keras-version-mismatch",
        0.85,
        "A `.keras` file written by Keras 3 (its classes live in `keras.src.*`) loaded by Keras 2 / tf.keras, "
        "which has no such module.",
        "TypeError: Could not deserialize class 'Functional' because its parent module keras.src.models.functional "
        "cannot be imported.",
        pattern=r"could not deserialize class '\w+' because its parent module keras\.src\.",
    ),
    S(
        "keras/builtin-class-not-located",
        "could not locate class '",
        "keras-version-mismatch",
        0.8,
        "Keras 3 cannot find one of Keras' own classes (`Model`, `Functional`, `Sequential`) named in a saved "
        "model: the file was written by Keras 2 / tf.keras, whose config names them where Keras 3 does not look.",
        "TypeError: Could not locate class 'Model'. Make sure custom classes are decorated with "
        "`@keras.saving.register_keras_serializable()`.",
        pattern=r"could not locate class '(?:Model|Functional|Sequential|InputLayer|Dense|Conv[123]D|"
        r"BatchNormalization|Dropout|Activation|Embedding|LSTM|GRU|Adam|SGD)'",
    ),
    S(
        "keras/keras3-layer-never-called",
        "has never been called and thus has no defined",
        "keras-version-mismatch",
        0.8,
        "Keras 3's words when code reads `.input` / `.output` of a model it never called (keras/src/ops/"
        "operation.py; Keras 2 said `... no defined input shape` or `is not connected`): tf.keras-era code, "
        "which relied on a Sequential model being built from `input_shape`, running under Keras 3.",
        "ValueError: The layer sequential_4 has never been called and thus has no defined input.",
        pattern=r"has never been called and thus has no defined (?:input|output)\b(?! shape)",
    ),
    S(
        "keras/keras3-transformers",
        "keras is keras 3",
        "keras-version-mismatch",
        0.96,
        "transformers (and others) refuse Keras 3; they need tf-keras.",
        "ValueError: Your currently installed version of Keras is Keras 3, but this is not yet supported in Transformers.",
    ),
    S(
        "keras/no-tf-keras",
        "no module named 'tf_keras'",
        "keras-version-mismatch",
        0.8,
        "Code needs the Keras 2 package tf-keras, which is not installed.",
        "ModuleNotFoundError: No module named 'tf_keras'",
    ),
    S(
        "keras/no-attribute",
        "module 'keras",
        "keras-version-mismatch",
        0.7,
        "Keras 2 API used with Keras 3 (or the reverse).",
        "AttributeError: module 'keras.src.backend' has no attribute 'is_tensor'",
        pattern=r"module 'keras[\w.]*' has no attribute",
    ),
    S(
        "keras/tf-keras-attr",
        "module 'tensorflow.",
        "keras-version-mismatch",
        0.7,
        "tf.keras API mismatch.",
        "AttributeError: module 'tensorflow.keras.layers' has no attribute 'experimental'",
        pattern=r"module 'tensorflow\.(?:python\.)?keras[\w.]*' has no attribute",
    ),
    S(
        "keras/v3-format-only",
        "only supports v3",
        "keras-version-mismatch",
        0.85,
        "Keras 3 (and Keras Core) load only `.keras` / `.weights.h5` files: a tf.keras SavedModel needs tf-keras or TFSMLayer.",
        "ValueError: File format not supported: filepath=my_model Keras Core only supports V3 `.keras` and `.weights.h5` files.",
    ),
    S(
        "keras/v3-checkpoint-extension",
        "the filepath provided must end in `.keras`",
        "keras-version-mismatch",
        0.85,
        "Keras 3 saves whole models only as `.keras` (or `.h5` via save): code written for Keras 2 / tf.keras 2 names an `.hdf5` / SavedModel path.",
        "ValueError: The filepath provided must end in `.keras` (Keras model format). Received: filepath=tmp/best_model.hdf5",
    ),
    S(
        "keras/v3-save-extension",
        "invalid filepath extension for saving",
        "keras-version-mismatch",
        0.85,
        "Keras 3's `model.save` takes only `.keras` or `.h5` paths (a Keras 2 SavedModel folder path is refused): code written for Keras 2.",
        "ValueError: Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras format (recommended) or a `.h5` extension.",
    ),
    S(
        "keras/unrecognized-kwargs",
        "unrecognized keyword arguments passed to",
        "keras-version-mismatch",
        0.8,
        "Keras 3 rejects layer arguments Keras 2 accepted (`weights=`, `input_dim=` ...): code written for tf.keras / Keras 2.",
        "ValueError: Unrecognized keyword arguments passed to Dense: {'weights': [array([[0., 0.]])]}",
    ),
    S(
        "keras/keras3-format",
        "keras 3 only supports",
        "keras-version-mismatch",
        0.85,
        "Keras 3 cannot load a legacy SavedModel / h5 path the old way.",
        "ValueError: File format not supported: filepath=model. Keras 3 only supports V3 `.keras` files",
    ),
    S(
        "keras/missing-submodule",
        "no module named '",
        "keras-version-mismatch",
        0.8,
        "Code imports a Keras-internal module that this Keras release does not have (keras.engine / keras.src / keras.legacy moved between Keras 2, 2.13+ and Keras 3).",
        "ModuleNotFoundError: No module named 'keras.src.engine'",
        pattern=r"no module named '(?P<module>(?:tensorflow\.(?:python\.)?)?keras\.(?:src|engine|legacy|api|_tf_keras|backend|layers|saving|utils|models|optimizers|preprocessing|wrappers|applications|mixed_precision|engine)\b[\w.]*)(?:'|$)",  # a paste may drop the closing quote
        anchor="keras",
    ),
    S(
        "keras/cannot-import-from-keras",
        "keras",
        "keras-version-mismatch",
        0.75,
        "A name was moved or removed between Keras releases (Keras 2 / tf.keras / Keras 3).",
        "ImportError: cannot import name 'layer_utils' from 'keras.utils",
        pattern=r"(?:cannot|unable to) import (?:name )?'(?P<name>\w+)' from '(?:tensorflow\.(?:python\.)?)?keras\b[\w.]*",
    ),
    S(
        "keras/keras3-says",
        "keras 3",
        "keras-version-mismatch",
        0.85,
        "Keras 3 refuses a Keras 2 / tf.keras API or file, or a package asks for Keras 2 (tf-keras).",
        "ValueError: Your currently installed version of Keras is Keras 3, but this is not yet supported in Transformers.",
        pattern=r"keras 3\b[^\n]{0,120}\b(?:not (?:yet )?supported|only supports|no longer|not compatible|incompatible|tf[-_]keras|keras 2|legacy)|\b(?:not (?:yet )?supported|no longer supported|removed|unsupported|not available)\b[^\n]{0,40}\b(?:in|by|with) keras 3\b",
        anchor="keras",
    ),
    S(
        "keras/tf-use-legacy",
        "tf_use_legacy_keras",
        "keras-version-mismatch",
        0.85,
        "TF >= 2.16 was told to use Keras 2 (TF_USE_LEGACY_KERAS) but the tf-keras package is missing.",
        "WARNING:tensorflow:Your environment has TF_USE_LEGACY_KERAS set to True, but you do not have the tf_keras package installed.",
        pattern=r"tf_use_legacy_keras[^\n]*(?:do not have the tf_keras|not installed)",
        anchor="keras",
    ),
    S(
        "keras/tf-internal-attr",
        "__internal__",
        "keras-version-mismatch",
        0.8,
        "Keras / tf-keras built for another TensorFlow reaches for a tf.__internal__ API that this TensorFlow lacks.",
        "AttributeError: module 'tensorflow._api.v2.compat.v2.__internal__' has no attribute 'register_load_context_function'.",
        pattern=r"module 'tensorflow(?:\._api\.v\d)?\.compat\.v\d\.__internal__[\w.]*' has no attribute",
        anchor="module '",
    ),
    S(
        "keras/kerastensor",
        "kerastensor",
        "keras-version-mismatch",
        0.8,
        "Keras 3 symbolic tensors passed to raw TensorFlow ops (code written for tf.keras / Keras 2).",
        "ValueError: A KerasTensor cannot be used as input to a TensorFlow function.",
        pattern=r"kerastensor cannot be used as input to a tensorflow function",
        anchor="keras",
    ),
    S(
        "keras/sequential-layer-type",
        "can be added to a sequential model",
        "keras-version-mismatch",
        0.75,
        "Layers from one Keras (tf.keras / tf-keras / Keras 3) added to a model of another.",
        "ValueError: Only instances of `keras.Layer` can be added to a Sequential model.",
        pattern=r"only instances of `?keras\.layer`? can be added",
        anchor="keras",
    ),
    S(
        "keras/requires-tensorflow",
        "keras requires tensorflow",
        "keras-version-mismatch",
        0.85,
        "The installed Keras needs a newer TensorFlow than the one installed.",
        "ImportError: Keras requires TensorFlow 2.2 or higher. Install TensorFlow via `pip install tensorflow`",
        anchor="keras",
    ),
    # ---- glibc-too-old ---------------------------------------------------------------------
    S(
        "glibc/glibcxx-not-found",
        "version `glibcxx_",
        "glibc-too-old",
        0.75,
        "The system's libstdc++ is older than a binary needs (its GLIBCXX symbol version): the system's C/C++ "
        "runtime, like glibc; an older conda libstdcxx first on the path reads the same, so a candidate alone.",
        "ImportError: /usr/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.29' not found",
        pattern=r"version `glibcxx_[\d.]+' not found",
        anchor="found",
    ),
    S(
        "glibc/not-found",
        "glibc_",
        "glibc-too-old",
        0.95,
        "The wheel needs a newer glibc than the system has.",
        "ImportError: /lib64/libc.so.6: version `GLIBC_2.14' not found",
        pattern=r"version [`'‘]?GLIBC_(?P<glibc>[\d.]+)\\?['’]? not found",
        anchor="found",
    ),
    S(
        "glibc/said-not-found",
        "glibc",
        "glibc-too-old",
        0.85,
        "The loader's `GLIBC_2.17 not found` in the user's words (a title, a summary: `GLIBC 2.17 not found`), "
        "the backquoted `version` dropped.",
        "GLIBC 2.17 not found",
        pattern=r"\bglibc[ _](?P<glibc>2\.\d+)\b[^\n]{0,12}\bnot found",
        anchor="found",
    ),
    # ---- dependency-version-mismatch -------------------------------------------------------
    S(
        "deps/numba-internal-init",
        "initialization of _internal failed",
        "dependency-version-mismatch",
        0.85,
        "Numba's `_internal` extension refusing a NumPy newer than the Numba release supports (NumPy 1.24 "
        "under Numba 0.56): 'Numba needs NumPy X or less' in another wording.",
        "SystemError: initialization of _internal failed without raising an exception",
    ),
    S(
        "deps/tfp-requires-tensorflow",
        "detected an installation of version",
        "dependency-version-mismatch",
        0.9,
        "TensorFlow Probability's import-time check: the installed TensorFlow is outside the range this "
        "TFP release supports.",
        "ImportError: This version of TensorFlow Probability requires TensorFlow version >= 2.4; Detected an "
        "installation of version 2.3.0. Please upgrade TensorFlow to proceed.",
        pattern=r"requires tensorflow version\s*[<>=]+\s*[\d.]+;\s*detected an installation of version [\d.]+",
    ),
    S(
        "deps/torchvision-cuda-differs",
        "compiled with different cuda versions",
        "dependency-version-mismatch",
        0.95,
        "torchvision's own check at import: it and torch are CUDA builds of different CUDA versions (a "
        "torchvision from another index or release than torch).",
        "RuntimeError: Detected that PyTorch and torchvision were compiled with different CUDA versions. "
        "PyTorch has CUDA Version=11.7 and torchvision has CUDA Version=11.8.",
        pattern=r"pytorch and torch(?:vision|audio) were compiled with different cuda versions",
        anchor="cuda",
    ),
    S(
        "deps/jaxlib-version",
        "jaxlib",
        "dependency-version-mismatch",
        0.95,
        "jax and jaxlib versions do not fit together.",
        "RuntimeError: jaxlib is version 0.1.75, but this version of jax requires version >= 0.3.0.",
        pattern=r"jaxlib (?:is )?version (?:is )?(?P<have>[\d.]+),? but this version of jax(?: requires(?: version)?\s*(?:>=\s*)?(?P<want>[\d.]+))?|jaxlib version (?P<have2>[\d.]+) is (?:older|newer) than",
        anchor="version",
    ),
    S(
        "deps/jax-plugin-not-compatible",
        "jax plugin",
        "dependency-version-mismatch",
        0.9,
        "jax's own check at start-up (xla_bridge): the CUDA / ROCm plugin installed is of another "
        "release than jaxlib, so jax does not load it (no GPU, or missing FFI handlers).",
        "RuntimeWarning: JAX plugin jax_cuda12_plugin version 0.9.2 is installed, but it is not compatible "
        "with the installed jaxlib version 0.9.0.1, so it will not be used.",
        pattern=r"jax plugin [\w.-]+ version [\w.+-]+ is installed",
        anchor="plugin",
    ),
    S(
        "deps/jax-pjrt-api-version",
        "pjrt api version",
        "dependency-version-mismatch",
        0.9,
        "XLA's PJRT plugin check: the CUDA / ROCm plugin (jax-cuda12-plugin, jax-cuda12-pjrt) is of "
        "another release than jaxlib (the plugin and jaxlib are released in lockstep).",
        "RuntimeError: Unable to initialize backend 'cuda': INVALID_ARGUMENT: Mismatched PJRT plugin PJRT "
        "API version (0.54) and framework PJRT API version 0.51).",
        pattern=r"mismatched pjrt plugin pjrt api version|plugin is likely built with a (?:later|newer|earlier|older) version than the framework",
        anchor="version",
    ),
    S(
        "deps/jax-pjrt-args-size",
        "likely built with a later version than the framework",
        "dependency-version-mismatch",
        0.9,
        "XLA's PJRT C API struct-size check: the plugin is newer than the jaxlib loading it.",
        "INVALID_ARGUMENT: Unexpected PJRT_Client_Create_Args size: expected 88, got 72. The plugin is "
        "likely built with a later version than the framework.",
    ),
    S(
        "deps/tensorflow-core-lacks-a-name",
        "module 'tensorflow_core",
        "dependency-version-mismatch",
        0.8,
        "`tensorflow_core` is the package TensorFlow 2.0 and 2.1 (and 1.15) kept their API in: a name missing there "
        "(`tf.keras.activations.swish`, added in 2.2) is asked for by code that needs a newer TensorFlow, such as "
        "transformers >= 3.1; upgrade TensorFlow, or pin the caller to a release for this one.",
        "AttributeError: module 'tensorflow_core.keras.activations' has no attribute 'swish'",
        pattern=r"module 'tensorflow_core[\w.]*' has no attribute",
    ),
    S(
        "deps/typing-extensions",
        "from 'typing_extensions'",
        "dependency-version-mismatch",
        0.88,
        "typing_extensions is older than a package needs.",
        "ImportError: cannot import name 'TypeAliasType' from 'typing_extensions'",
        pattern=r"cannot import name '(?P<name>\w+)'(?:\s*(?:/|,|or|and)\s*'\w+')* from 'typing_extensions'",
        anchor="cannot",
    ),
    S(
        "deps/ml-dtypes",
        "module 'ml_dtypes'",
        "dependency-version-mismatch",
        0.85,
        "ml-dtypes is outside the range TensorFlow/JAX needs.",
        "AttributeError: module 'ml_dtypes' has no attribute 'float8_e4m3b11'",
        pattern=r"module 'ml_dtypes' has no attribute",
    ),
    S(
        "deps/wrapt",
        "module 'wrapt'",
        "dependency-version-mismatch",
        0.7,
        "wrapt outside TensorFlow's range.",
        "AttributeError: module 'wrapt' has no attribute 'ObjectProxy'",
        pattern=r"module 'wrapt' has no attribute",
    ),
    S(
        "deps/cannot-import-from-dependency",
        "cannot import name",
        "dependency-version-mismatch",
        0.8,
        "A dependency is older or newer than the code importing it expects (a name it provides moved or is missing).",
        "ImportError: cannot import name 'TypeIs' from 'typing_extensions' (/usr/local/lib/python3.10/dist-packages/typing_extensions.py)",
        # TensorBoard's own probe for TensorFlow (`from tensorboard.compat import notf`) fails and is caught
        # whenever TensorFlow is installed: no dependency's version
        pattern=r"cannot import name '(?!notf')(?P<name>\w+)'(?:\s*(?:/|,|or|and)\s*'\w+')* from '(?P<module>(?:typing_extensions|ml_dtypes|wrapt|h5py|huggingface_hub|charset_normalizer|urllib3|requests|packaging|setuptools|importlib_metadata|pydantic|flatbuffers|opt_einsum|gast|scipy|jaxlib|jax|flax|optax|chex|transformers|accelerate|diffusers|peft|tokenizers|torchvision|torchaudio|triton|tensorflow_probability|tensorflow_addons|tensorflow_hub|tensorboard|absl|attr|six|jinja2|markupsafe|werkzeug)\b[\w.]*)'",
    ),
    S(
        "deps/torchvision-operator",
        "does not exist",
        "dependency-version-mismatch",
        0.85,
        "torchvision's C++ operators are registered by its own build for one torch release; under another torch "
        "they are missing.",
        "RuntimeError: operator torchvision::nms does not exist",
        pattern=r"operator (?:torchvision|torchaudio)::\w+ does not exist",
        anchor="error",
    ),
    S(
        "deps/torchvision-no-such-operator",
        "no such operator",
        "dependency-version-mismatch",
        0.85,
        "torch <= 1.3's words for a torchvision (or torchaudio) C++ operator its build did not register: "
        "torchvision's extension is of another torch release.",
        "RuntimeError: No such operator torchvision::nms",
        pattern=r"no such operator (?:torchvision|torchaudio)::\w+",
        anchor="operator",
    ),
    S(
        "deps/pip-incompatible",
        "which is incompatible",
        "dependency-version-mismatch",
        0.55,
        "pip installed a dependency outside the range another installed package declares.",
        "tensorflow-intel 2.13.0 requires typing-extensions<4.6.0,>=3.6.6, but you have typing-extensions 4.11.0 which is incompatible.",
        pattern=r"(?<![\w.-])(?P<package>[\w.-]+) [\w.+-]+ (?:requires|has requirement) (?P<dependency>(?!numpy\b|protobuf\b|keras\b|tf-keras\b)[\w.-]+)[^\n]*, but you(?: have|'ll have) [\w.-]+ [\w.+-]+ which is incompatible",
        suppressed_by=("solver-conflict",),
        anchor="incompatible",
    ),
    S(
        "deps/own-check-too-old",
        "is incompatible with",
        "dependency-version-mismatch",
        0.9,
        "A package's own import-time check: the installed dependency is older than this release accepts "
        "(pandas' numpy check).",
        "ImportError: this version of pandas is incompatible with numpy < 1.22.4",
        pattern=r"this version of [\w.-]+ is incompatible with [\w.-]+ ?(?:<|>|version)",
    ),
    S(
        "deps/own-check-requires-newer",
        "or newer of",
        "dependency-version-mismatch",
        0.85,
        "A package's own import-time check names the dependency version it needs and the one installed.",
        "ImportError: Pandas requires version '1.22.4' or newer of 'numpy' (version '1.21.6' currently installed).",
        pattern=r"requires version '?[\w.]+'? or newer of '?[\w.-]+'? \(version '?[\w.]+'? currently installed",
        anchor="currently installed",
    ),
    S(
        "deps/own-check-detected",
        "is required for this version of",
        "dependency-version-mismatch",
        0.6,
        "A package warns at import that the installed dependency is outside the range its release was built "
        "for (SciPy's NumPy range); often mere noise beside another error, so a candidate unless it stands alone.",
        "UserWarning: A NumPy version >=1.22.4 and <2.3.0 is required for this version of SciPy (detected version 1.21.6)",
        pattern=r"version [^\n]{1,60} is required for this version of [\w.-]+ \(detected version",
        anchor="detected version",
    ),
    S(
        "deps/required-but-found",
        "is required for a normal functioning",
        "dependency-version-mismatch",
        0.9,
        "transformers' own dependency check: an installed dependency is outside its range.",
        "ImportError: tokenizers>=0.11.1,!=0.11.3,<0.14 is required for a normal functioning of this module, but found tokenizers==0.19.1.",
        anchor="found",
    ),
    S(
        "deps/own-check-requires-but-got",
        "but got",
        "dependency-version-mismatch",
        0.85,
        "A package's own import-time check: it needs another package within a range and names the version "
        "installed (diffusers / xformers on flash-attn).",
        "Requires Flash-Attention version >=2.7.1,<=2.7.4 but got 2.8.0.post2.",
        pattern=r"\brequires? [\w-]{2,40}(?: [\w-]{2,40})? version [<>=!~]=?\s?\d[\w.,<>=!~ ]{0,40} but got v?\d[\w.+]*",
    ),
    S(
        "deps/own-check-need-version-detected",
        "package version to be",
        "dependency-version-mismatch",
        0.85,
        "transformers' own check on an optional dependency (flash_attn, bitsandbytes): the version it needs "
        "and the one it found.",
        "ImportError: ... you need flash_attn package version to be greater or equal than 2.1.0. Detected version 2.0.4.",
        pattern=r"you need [\w.-]+ package version to be (?:greater|smaller|less|lower|higher)[\w ]{0,20} than "
        r"v?\d[\w.]*\.? detected version v?\d[\w.+]*",
    ),
    S(
        "deps/wrapt-dictwrapper",
        "descriptor does not support '_dictwrapper' objects",
        "dependency-version-mismatch",
        0.85,
        "wrapt 1.15 changed how proxies expose `__dict__`; TensorFlow < 2.13's tracking `_DictWrapper` (a wrapt "
        "proxy) then fails: wrapt (or the typing-extensions / wrapt pair pulled in) is outside TensorFlow's range.",
        "TypeError: this __dict__ descriptor does not support '_DictWrapper' objects",
    ),
    S(
        "deps/version-conflict",
        "versionconflict",
        "dependency-version-mismatch",
        0.8,
        "pkg_resources found an installed dependency outside the required range.",
        "pkg_resources.VersionConflict: (six 1.8.0 (/usr/lib/python2.7/dist-packages), Requirement.parse('six>=1.10'))",
    ),
    S(
        "deps/module-attr",
        "module '",
        "dependency-version-mismatch",
        0.7,
        "Code uses a name a newer (or older) JAX / typing-extensions / h5py no longer (or not yet) has.",
        "AttributeError: module 'jax' has no attribute 'tree_multimap'",
        pattern=r"module '(?:jax|jaxlib|typing_extensions|h5py|flax|optax|chex|huggingface_hub)(?:\.[\w.]+)?' has no attribute",
    ),
    # ---- network-or-index ------------------------------------------------------------------
    S(
        "network/mamba-download-error",
        "download error (",
        "network-or-index",
        0.9,
        "mamba / libmamba's transfer of a package or a channel's repodata failed in libcurl (28: timed out, "
        "6 / 7: host unreachable, 35 / 60: TLS): the channel could not be reached.",
        "RuntimeError: Download error (28) Timeout was reached [https://conda.anaconda.org/rapidsai-nightly/linux-64/x.tar.bz2]",
        pattern=r"download error \((?:6|7|18|28|35|52|56|60)\) [^\n]{0,80}\[https?://",
    ),
    S(
        "network/channel-server-error",
        "transfer finalized, status: 5",
        "network-or-index",
        0.9,
        "libmamba fetched a channel's repodata and the server answered 5xx (502 / 503 / 504): the channel "
        "(or a proxy before it) is down, not the environment's specs.",
        "warning  libmamba Failed to load subdir: Transfer finalized, status: 503 "
        "[https://conda.anaconda.org/rapidsai-nightly/linux-64/repodata.json.zst] 0 bytes",
        pattern=r"transfer finalized, status: 5\d\d \[https?://",
    ),
    S(
        "network/requirements-hashes-differ",
        "do not match the hashes",
        "network-or-index",
        0.8,
        "pip's hash check failed on a downloaded file: an interrupted or altered download (a proxy, a "
        "truncated cache) far more often than pins the user changed.",
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package "
        "versions, please update the hashes.",
        pattern=r"these packages do not match the hashes from the requirements file",
        anchor="do not match the hashes",
    ),
    S(
        "network/uv-hash-mismatch",
        "hash mismatch for",
        "network-or-index",
        0.8,
        "uv's hash check failed on a downloaded distribution: the bytes the index served differ from the hash "
        "it (or the lock file) published, a broken or altered download or an index serving wrong hashes.",
        "  × Failed to download `torchvision==0.26.0+cu128`\n  ╰─▶ Hash mismatch for `torchvision==0.26.0+cu128`",
        pattern=r"hash mismatch for `[\w.+=!-]+`",
    ),
    S(
        "network/proxy",
        "proxyerror",
        "network-or-index",
        0.9,
        "pip cannot reach the index through the configured proxy.",
        "Retrying (Retry(total=4, connect=None, read=None, redirect=None)) after connection broken by 'ProxyError('Cannot connect to proxy.'",
    ),
    S(
        "network/socks-support-missing",
        "missing dependencies for socks support",
        "network-or-index",
        0.9,
        "pip's requests reaches the index through a SOCKS proxy (ALL_PROXY / HTTPS_PROXY `socks5://`) without "
        "PySocks installed: the proxy setting, not the packages.",
        "ERROR: Could not install packages due to an OSError: Missing dependencies for SOCKS support.",
        anchor="socks",
    ),
    S(
        "network/said-behind-a-proxy",
        "proxy",
        "network-or-index",
        0.8,
        "The user says the install fails behind a (corporate) proxy: the network between them and the index.",
        "after pypi change pipenv is unsuable when behind proxy.",
        pattern=r"(?<!not )(?<!n't )\bbehind (?:a |the |our |my )?(?:corporate |company |firewall |http )?proxy\b",
        anchor="proxy",
    ),
    S(
        "network/said-certificate-expired",
        "expired",
        "network-or-index",
        0.8,
        "The user reports the index's TLS certificate expired (pip / uv then refuse the connection).",
        "Security certificate expired on https://download.pytorch.org/whl/",
        pattern=r"\bcertificate\s+(?:has\s+|is\s+|was\s+)?expired\b|\bexpired\s+(?:ssl\s+|tls\s+|security\s+)?certificate\b",
        anchor="certificate",
    ),
    S(
        "network/new-connection",
        "failed to establish a new connection",
        "network-or-index",
        0.88,
        "No network route / DNS to the index.",
        "NewConnectionError: Failed to establish a new connection: [Errno -2] Name or service not known",
    ),
    S(
        "network/conda-http",
        "connection failed for url",
        "network-or-index",
        0.92,
        "conda could not download repodata or a package.",
        "CondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/pytorch/linux-64/repodata.json>",
    ),
    S(
        "network/conda-http-error",
        "condahttperror",
        "network-or-index",
        0.85,
        "conda could not download repodata or a package (any CondaHTTPError: HTTP 000, None, 5xx ...).",
        "CondaError: CondaHTTPError: HTTP None None for url <https://conda.anaconda.org/soumith/linux-64/magma-cuda80-2.1.0-5.tar.bz2>",
        anchor="http",
    ),
    S(
        "network/ssl",
        "certificate_verify_failed",
        "network-or-index",
        0.9,
        "TLS verification of the index failed (proxy with its own CA, old certifi).",
        "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
    ),
    S(
        "network/ssl-module",
        "ssl module is not available",
        "network-or-index",
        0.85,
        "Python/conda cannot do HTTPS at all.",
        '(Caused by SSLError("Can\'t connect to HTTPS URL because the SSL module is not available."))',
        anchor="http",
    ),
    S(
        "network/timeout",
        "read timed out",
        "network-or-index",
        0.8,
        "The index did not answer in time.",
        "ReadTimeoutError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.",
    ),
    S(
        "network/read-operation-timed-out",
        "the read operation timed out",
        "network-or-index",
        0.8,
        "Python's socket timeout while reading: a download from the index stalled (pip's urllib3 frames around it).",
        "TimeoutError: The read operation timed out",
    ),
    S(
        "network/untrusted-host",
        "is not a trusted or secure host and is being ignored",
        "network-or-index",
        0.9,
        "pip ignores a plain-HTTP index it was not told to trust, so it sees no versions at all.",
        "WARNING: The repository located at 10.0.0.1 is not a trusted or secure host and is being ignored.",
    ),
    S(
        "network/max-retries",
        "max retries exceeded",
        "network-or-index",
        0.6,
        "Repeated connection failures.",
        "ConnectionError(MaxRetryError(\"HTTPSConnectionPool(host='conda.anaconda.org', port=443): Max retries exceeded with url: /pytorch/linux-64/repodata.json",
        anchor="error",
    ),
    S(
        "network/name-resolution",
        "temporary failure in name resolution",
        "network-or-index",
        0.85,
        "DNS does not resolve the index host.",
        "after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.VerifiedHTTPSConnection object>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution',)': /simple/dockerspawner/",
        anchor="error",
    ),
    S(
        "network/http-error",
        "http error",
        "network-or-index",
        0.6,
        "The index answered with an HTTP error (403/404/5xx) for a download.",
        "ERROR: HTTP error 403 while getting https://files.pythonhosted.org/packages/x.whl",
        pattern=r"http error (?:4\d\d|5\d\d) while getting",
    ),
    S(
        "network/uv-request",
        "error sending request for url",
        "network-or-index",
        0.85,
        "uv (reqwest) could not complete an HTTP request to the index or download host.",
        "  ├─▶ error sending request for url (https://pypi.netflix.net/packages/18638484694/certifi-2025.4.26-py3-none-any.whl)",
        requires=("pkg-index",),
        anchor="http",
    ),
    S(
        "network/uv-body",
        "request or response body error",
        "network-or-index",
        0.8,
        "uv: the download broke off (slow or dropped connection).",
        "320.0   Caused by: request or response body error: operation timed out",
        anchor="timed out",
    ),
    S(
        "network/uv-network-timeout",
        "due to network timeout",
        "network-or-index",
        0.9,
        "uv's own words for a download that timed out (`Failed to download distribution due to network timeout. "
        "Try increasing UV_HTTP_TIMEOUT`).",
        "  ╰─▶ Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT (current value: 30s).",
        anchor="timeout",
    ),
    S(
        "network/timed-out",
        "timed out",
        "network-or-index",
        0.75,
        "A connection to the package index / download host timed out.",
        "  ╰─▶ operation timed out",
        pattern=r"\b(?:operation|connection|connect|read|request|handshake)\b[^\n]{0,60}\btimed out\b|timed out\. \((?:connect|read) timeout",
        requires=("pkg-index",),
    ),
    S(
        "network/client-error-for-url",
        "for url",
        "network-or-index",
        0.8,
        "The index or download host refused the request (HTTP 403/404/5xx): wrong URL, no access, or a proxy in the way.",
        "Could not install packages due to an EnvironmentError: 403 Client Error: Forbidden for url: https://download.pytorch.org/whl/cpu/typing-extensions/",
        # (PyPI's own 404 for a project's simple page is removed/index-has-no-such-project)
        pattern=r"(?:\b(?!"
        + _PYPI_SIMPLE_404
        + r")(?:4\d\d|5\d\d) (?:client|server) error:[\w ]+|\bhttp (?:4\d\d|5\d\d|000)\b[^\n]{0,40}) for url:? ?<?https?://[^\s>]*(?:pypi|pythonhosted|anaconda|conda|pytorch|/simple/|\.whl|jax-releases|tensorflow|nvidia)",
        anchor="http",
    ),
    S(
        "network/could-not-fetch-url",
        "could not fetch url",
        "network-or-index",
        0.8,
        "pip could not read the index page (TLS, proxy or connection problem named after it).",
        "Could not fetch URL https://pypi.python.org/simple/pandas/: There was a problem confirming the ssl certificate: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:749) - skipping",
        anchor="http",
    ),
    S(
        "network/certificate",
        "certificate",
        "network-or-index",
        0.85,
        "TLS verification of the index failed (corporate proxy with its own CA, missing CA bundle).",
        "  Caused by: invalid peer certificate: UnknownIssuer",
        pattern=r"invalid peer certificate|certificate verify failed|self[- ]signed certificate|unable to get local issuer certificate|problem confirming the ssl certificate|certificate has expired",
    ),
    S(
        "network/ssl-error",
        "ssl",
        "network-or-index",
        0.85,
        "An SSL/TLS error talking to the index (conda's CondaSSLError, pip's SSLError, a TLS-intercepting proxy).",
        "Exception: HTTPSConnectionPool(host='conda.anaconda.org', port=443): Max retries exceeded with url: /conda-forge/win-64/current_repodata.json (Caused by SSLError(\"Can't connect to HTTPS URL because the SSL module is not available.\"))",
        pattern=r"condasslerror|\bssl(?:eof|zerorreturn|cert\w*)?error\b|\[ssl: \w+\]|openssl appears to be unavailable",
    ),
    S(
        "network/proxy-auth",
        "proxy",
        "network-or-index",
        0.85,
        "The proxy refused or could not be reached (407 authentication, tunnel failure).",
        "Tunnel connection failed: 407 Proxy Authentication Required",
        requires=("pkg-index",),
        pattern=r"proxy authentication required|cannot connect to proxy|unable to connect to proxy|tunnel connection failed",
    ),
    S(
        "network/proxy-tunnel-refused",
        "tunnel connection failed",
        "network-or-index",
        0.85,
        "The HTTP proxy refused the CONNECT tunnel to the index (`Tunnel connection failed: 400 Bad Request` / 403 / 407): only a proxy answers a tunnel, so the index was never reached.",
        "Download error on https://pypi.org/simple/acr/: Tunnel connection failed: 400 Bad Request -- Some packages may not be found!",
        requires=("pkg-index",),
        anchor="failed",
    ),
    S(
        "network/pip-retrying",
        "after connection broken by",
        "network-or-index",
        0.75,
        "pip retried because the connection to the index broke.",
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1091)'))': /pypi/nvidia-tensorboard/",
        anchor="connect",
    ),
    S(
        "network/connection-dropped",
        "connect",
        "network-or-index",
        0.7,
        "The connection to the index was refused, reset or dropped.",
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        pattern=r"connection (?:refused|reset by peer|aborted|broken: incompleteread)|connectionreseterror|connectionrefusederror|remotedisconnected|connecttimeouterror|network is unreachable|condaconnectionerror|client error \(connect\)",
        requires=("pkg-index",),
        anchor="connect",
    ),
    S(
        "network/dns",
        "failed",
        "network-or-index",
        0.8,
        "The index host name does not resolve (DNS, offline machine).",
        "[Errno 11001] getaddrinfo failed",
        requires=("pkg-index",),
        pattern=r"getaddrinfo failed|failed to lookup address information",
    ),
    S(
        "fact/pkg-index-url",
        "http",
        None,
        0.0,
        "The log talks to a package index or download host.",
        "Could not install packages due to an EnvironmentError: 403 Client Error: Forbidden for url: https://download.pytorch.org/whl/cpu/typing-extensions/",
        pattern=r"https?://[^\s'\"]*(?:pypi|pythonhosted|anaconda|conda|pytorch\.org|googleapis\.com|nvidia\.com|/simple/|\.whl|repodata|/releases/)|host='[^']*(?:pypi|pythonhosted|anaconda|conda|pytorch)",
        role="fact",
        tags=("pkg-index",),
    ),
    S(
        "fact/pkg-download",
        "failed",
        None,
        0.0,
        "A package manager failed to fetch or download something.",
        "  Caused by: Failed to fetch wheel: scikit-image==0.21.0",
        pattern=r"failed to (?:fetch|download)|package metadata[^\n]*: failed",
        role="fact",
        tags=("pkg-index",),
    ),
)

# The rest of this module is index plumbing for the scanner.
COMPILED: tuple[Signature, ...] = tuple(SIGNATURES)  # patterns compile lazily, on the first line holding the needle

# The scanner searches the text once per *anchor*, a substring shared by several needles (every
# line that holds a needle holds its anchor), then tests the needles only on the lines found. The
# first anchor contained in a needle is used; a needle with none is its own anchor.
ANCHORS: tuple[str, ...] = (
    "module '",
    "cudnn",
    "driver",
    "cuda",
    "gpu",
    "descriptor",
    "could not",
    "cannot",
    "found",
    "failed",
    "version",
    "install",
    "python",
    "platform",
    "conflict",
    "specification",
    "requirement",
    "keras",
    "solv",
    "instruction",
    "timed out",
    "certificate",
    "proxy",
    "connect",
    "http",
    "incompatible",
    "error",
)


def by_needle(signatures: tuple[Signature, ...] = COMPILED) -> dict[str, list[Signature]]:
    table: dict[str, list[Signature]] = {}
    for sig in signatures:
        table.setdefault(sig.needle, []).append(sig)
    return table


def anchor_of(needle: str, override: str | None = None) -> str:
    return override or next((a for a in ANCHORS if a in needle), needle)


def by_anchor(signatures: tuple[Signature, ...] = COMPILED) -> dict[str, dict[str, list[Signature]]]:
    """anchor -> needle -> signatures."""
    table: dict[str, dict[str, list[Signature]]] = {}
    for needle, sigs in by_needle(signatures).items():
        override = next((sig.anchor for sig in sigs if sig.anchor), None)
        table.setdefault(anchor_of(needle, override), {})[needle] = sigs
    return table
