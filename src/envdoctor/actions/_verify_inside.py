# mypy: ignore-errors
"""Run by the TARGET interpreter (Python 3.6+, stdlib only): verify one framework.

    python -c "<this file>" FAMILY RESULT_FILE

FAMILY is "tensorflow", "torch" or "jax". Each step appends one JSON line to RESULT_FILE as soon as
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
    start = time.perf_counter()
    try:
        module = __import__(family)
    except BaseException:
        error = rec.fail(f"import {family}")
        rec.emit(step="import", ok=False, error=error, seconds=time.perf_counter() - start)
        return 3
    rec.emit(step="import", ok=True, seconds=time.perf_counter() - start, file=getattr(module, "__file__", None))
    try:
        VERIFIERS[family](rec, module)
    except BaseException:
        error = rec.fail(f"verify {family}")
        rec.emit(step="error", error=error)
    rec.emit(step="done")
    return 1 if rec.failed else 0


if __name__ == "__main__":
    sys.exit(main())
