# mypy: ignore-errors
"""Run by the TARGET interpreter (Python 3.6+, stdlib only): verify one framework or package.

    python -c "<this file>" FAMILY RESULT_FILE [--keras]
    python -c "<this file>" package:MODULE RESULT_FILE

FAMILY is "tensorflow", "torch" or "jax" (--keras: also use tf.keras and say which Keras it is);
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


def verify_tensorflow(rec, tf):
    build = safe(lambda: dict(tf.sysconfig.get_build_info()), {})
    devices = safe(lambda: [{"name": d.name, "type": d.device_type} for d in tf.config.list_physical_devices()], [])
    rec.emit(
        step="info",
        version=getattr(tf, "__version__", None),
        build=build,
        built_with_cuda=safe(lambda: bool(tf.test.is_built_with_cuda())),
        devices=devices,
    )

    def run_on(name):
        def func():
            with tf.device("/" + name):
                x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
                return tf.reduce_sum(tf.linalg.matmul(x, x)).numpy()

        return func

    compute(rec, "CPU:0", run_on("CPU:0"))
    gpus = [d for d in devices if d.get("type") == "GPU"]
    for index in range(len(gpus)):
        compute(rec, f"GPU:{index}", run_on(f"GPU:{index}"))
    if "--keras" in sys.argv[3:]:
        verify_keras(rec, tf)


def verify_keras(rec, tf):
    """Which Keras tf.keras is (Keras 2, Keras 3, tf_keras), and one Dense layer through it."""
    start = time.perf_counter()
    try:
        keras = tf.keras
        version = getattr(keras, "__version__", None)
        module = getattr(keras, "__name__", None)
        layer = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
        value = float(tf.reduce_sum(layer(tf.constant([[1.0, 2.0]]))).numpy())
    except BaseException:
        error = rec.fail("tf.keras")
        rec.emit(step="keras", ok=False, error=error, seconds=time.perf_counter() - start)
        return
    ok = abs(value - 3.0) < 1e-3
    if not ok:
        rec.failed = True
    rec.emit(step="keras", ok=ok, version=version, module=module, value=value, seconds=time.perf_counter() - start)


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


def verify_torch(rec, torch):
    version = getattr(torch, "version", None)
    cuda_ok = safe(lambda: bool(torch.cuda.is_available()), False)
    count = safe(lambda: int(torch.cuda.device_count()), 0) if cuda_ok else 0
    devices = [{"name": "cpu", "type": "CPU"}]
    for index in range(count):
        devices.append(
            {
                "name": safe(lambda i=index: torch.cuda.get_device_name(i), f"cuda:{index}"),
                "type": "GPU",
                "id": f"cuda:{index}",
            }
        )
    build = {
        "cuda": getattr(version, "cuda", None),
        "hip": getattr(version, "hip", None),
        "git_version": getattr(version, "git_version", None),
        "cudnn": safe(lambda: torch.backends.cudnn.version()) if cuda_ok else None,
        "cuda_available": cuda_ok,
    }
    rec.emit(
        step="info",
        version=getattr(torch, "__version__", None),
        build=build,
        built_with_cuda=bool(getattr(version, "cuda", None)),
        devices=devices,
    )

    def run_on(device):
        def func():
            x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
            return (x @ x).sum().item()

        return func

    def bridge():
        import numpy

        x = torch.from_numpy(numpy.array([[1.0, 2.0], [3.0, 4.0]]))
        return (x @ x).numpy().sum()

    compute(rec, "CPU:0", run_on("cpu"))
    numpy_bridge(rec, "CPU:0 (numpy)", bridge)
    for index in range(count):
        compute(rec, f"GPU:{index}", run_on(f"cuda:{index}"))


def verify_jax(rec, jax):
    import jax.numpy as jnp

    devices = []
    seen = set()
    for backend in (None, "cpu"):
        for device in safe(lambda b=backend: jax.devices(b) if b else jax.devices(), []):
            key = str(device)
            if key in seen:
                continue
            seen.add(key)
            devices.append(
                {
                    "name": key,
                    "type": "GPU" if device.platform in ("gpu", "cuda", "rocm") else device.platform.upper(),
                    "kind": getattr(device, "device_kind", None),
                    "_device": device,
                }
            )
    jaxlib_version = safe(lambda: __import__("jaxlib.version").version.__version__)
    rec.emit(
        step="info",
        version=getattr(jax, "__version__", None),
        build={"jaxlib": jaxlib_version, "default_backend": safe(jax.default_backend)},
        built_with_cuda=any(d["type"] == "GPU" for d in devices),
        devices=[dict((k, v) for k, v in d.items() if k != "_device") for d in devices],
    )
    counters = {}
    for entry in devices:
        kind = entry["type"]
        index = counters.get(kind, 0)
        counters[kind] = index + 1

        def func(device=entry["_device"]):
            x = jax.device_put(jnp.array([[1.0, 2.0], [3.0, 4.0]]), device)
            return (x @ x).sum()

        compute(rec, f"{kind}:{index}", func)


VERIFIERS = {"tensorflow": verify_tensorflow, "torch": verify_torch, "jax": verify_jax}


def main():
    family, result_file = sys.argv[1], sys.argv[2]
    faulthandler.enable()
    rec = Recorder(result_file)
    rec.emit(step="start", python=sys.executable, python_version=".".join(str(v) for v in sys.version_info[:3]))
    name = family.split(":", 1)[1] if family.startswith("package:") else family
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
        if family.startswith("package:"):
            verify_package(rec, module, name)
        else:
            VERIFIERS[family](rec, module)
    except BaseException:
        error = rec.fail(f"verify {name}")
        rec.emit(step="error", error=error)
    rec.emit(step="done")
    return 1 if rec.failed else 0


if __name__ == "__main__":
    sys.exit(main())
