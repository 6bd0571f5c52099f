# mypy: ignore-errors
"""Run by the TARGET interpreter (Python 3.6+, stdlib only): verify one framework or package.

    python -c "<this file><the framework's part><RUN>" framework:MODULE RESULT_FILE [ARGS...]
    python -c "<this file><RUN>" package:MODULE RESULT_FILE

framework:MODULE imports a framework and hands it to `verify_framework(rec, module, h)`, which the
framework's descriptor appends (`Framework.verify_source`: TensorFlow's, PyTorch's and JAX's live next
to their descriptors); `h` is `HELPERS` (compute, safe, numpy_bridge, argv: the ARGS, e.g. --keras).
package:MODULE imports a compiled package (pandas, h5py, scipy, sklearn...) and exercises it with
a tiny computation where one is known. Each step appends one JSON line to RESULT_FILE as soon as
it is known, so that a crash (segfault, illegal instruction, timeout) still leaves what was
learned before it. Errors are also printed to stderr, where `envdoctor verify` reads them for
explain. Exit status: 0 all steps worked, 1 a computation failed, 3 the import failed.
"""

import faulthandler
import json
import sys
import time
import traceback

EXPECTED = 54.0  # sum of [[1, 2], [3, 4]] @ [[1, 2], [3, 4]]


class Recorder:
    def __init__(self, path):
        self.path = path
        self.failed = False

    def emit(self, **fields):
        with open(self.path, "a") as handle:
            handle.write(json.dumps(fields, default=str) + "\n")
            handle.flush()

    def fail(self, step, device=None):
        kind, value = sys.exc_info()[:2]
        message = f"{getattr(kind, '__name__', kind)}: {value}"
        sys.stderr.write(f"envdoctor-verify: {step} failed\n")
        traceback.print_exc()
        sys.stderr.flush()
        self.failed = True
        return message


def compute(rec, device, func):
    start = time.perf_counter()
    try:
        value = float(func())
    except BaseException:
        error = rec.fail(f"computation on {device}", device)
        rec.emit(step="compute", device=device, ok=False, error=error, seconds=time.perf_counter() - start)
        return
    ok = abs(value - EXPECTED) < 1e-3
    if not ok:
        rec.failed = True
        sys.stderr.write(f"envdoctor-verify: wrong result on {device}: {value!r} (expected {EXPECTED!r})\n")
    rec.emit(
        step="compute",
        device=device,
        ok=ok,
        value=value,
        seconds=time.perf_counter() - start,
        error=None if ok else f"wrong result {value!r} (expected {EXPECTED!r})",
    )


def numpy_bridge(rec, device, func):
    """The framework <-> NumPy round trip: where a NumPy ABI mismatch shows up after import."""
    try:
        import numpy  # noqa: F401
    except BaseException:
        return
    compute(rec, device, func)


def safe(func, default=None):
    try:
        return func()
    except BaseException:
        return default


def _matrix():
    return [[1.0, 2.0], [3.0, 4.0]]


def exercise_numpy(module):
    x = module.array(_matrix())
    return float(x.dot(x).sum())


def exercise_pandas(module):
    frame = module.DataFrame(_matrix())
    return float(frame.dot(frame).to_numpy().sum())


def exercise_scipy(module):
    import numpy
    import scipy.linalg

    x = numpy.array(_matrix())
    return float(scipy.linalg.inv(scipy.linalg.inv(x)).dot(x).sum())


def exercise_h5py(module):
    import numpy

    x = numpy.array(_matrix())
    with module.File("envdoctor-verify.h5", "w", driver="core", backing_store=False) as handle:
        handle["x"] = x.dot(x)
        return float(handle["x"][...].sum())


def exercise_sklearn(module):
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 18.0, 36.0])
    return float(model.predict([[3.0]])[0])


def exercise_ml_dtypes(module):
    import numpy

    x = numpy.array(_matrix(), dtype=module.bfloat16).astype(numpy.float32)
    return float(x.dot(x).sum())


#: module -> a computation whose result is EXPECTED (54.0)
EXERCISES = {
    "numpy": exercise_numpy,
    "pandas": exercise_pandas,
    "scipy": exercise_scipy,
    "h5py": exercise_h5py,
    "sklearn": exercise_sklearn,
    "ml_dtypes": exercise_ml_dtypes,
}


def verify_package(rec, module, name):
    rec.emit(step="info", version=getattr(module, "__version__", None), build={}, devices=[])
    exercise = EXERCISES.get(name.split(".")[0])
    if exercise is not None:
        compute(rec, "CPU:0", lambda: exercise(module))


class HELPERS:
    """What a framework's part of verify gets as `h`."""

    compute = staticmethod(compute)
    safe = staticmethod(safe)
    numpy_bridge = staticmethod(numpy_bridge)
    argv = sys.argv[3:]
    EXPECTED = EXPECTED


def main():
    what, result_file = sys.argv[1], sys.argv[2]
    faulthandler.enable()
    rec = Recorder(result_file)
    rec.emit(step="start", python=sys.executable, python_version=".".join(str(v) for v in sys.version_info[:3]))
    kind, _, name = what.partition(":")
    start = time.perf_counter()
    try:
        import importlib

        module = importlib.import_module(name)
    except BaseException:
        error = rec.fail(f"import {name}")
        rec.emit(step="import", ok=False, error=error, seconds=time.perf_counter() - start)
        return 3
    rec.emit(step="import", ok=True, seconds=time.perf_counter() - start, file=getattr(module, "__file__", None))
    try:
        if kind == "package":
            verify_package(rec, module, name)
        else:
            globals()["verify_framework"](rec, module, HELPERS)  # the framework's part, appended
    except BaseException:
        error = rec.fail(f"verify {name}")
        rec.emit(step="error", error=error)
    rec.emit(step="done")
    return 1 if rec.failed else 0


# envdoctor.actions.verify appends the framework's part, then the call of main()
