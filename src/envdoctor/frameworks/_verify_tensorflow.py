# mypy: ignore-errors
"""TensorFlow's part of verify, run by the TARGET interpreter after `actions/_verify_inside.py`
(Python 3.6+, stdlib only; never imported by envdoctor): build info, devices, a matmul on each
device, and with --keras which Keras tf.keras is and one Dense layer through it."""

import time


def verify_framework(rec, tf, h):
    build = h.safe(lambda: dict(tf.sysconfig.get_build_info()), {})
    devices = h.safe(lambda: [{"name": d.name, "type": d.device_type} for d in tf.config.list_physical_devices()], [])
    rec.emit(
        step="info",
        version=getattr(tf, "__version__", None),
        build=build,
        built_with_cuda=h.safe(lambda: bool(tf.test.is_built_with_cuda())),
        devices=devices,
    )

    def run_on(name):
        def func():
            with tf.device("/" + name):
                x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
                return tf.reduce_sum(tf.linalg.matmul(x, x)).numpy()

        return func

    h.compute(rec, "CPU:0", run_on("CPU:0"))
    gpus = [d for d in devices if d.get("type") == "GPU"]
    for index in range(len(gpus)):
        h.compute(rec, f"GPU:{index}", run_on(f"GPU:{index}"))
    if "--keras" in h.argv:
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
