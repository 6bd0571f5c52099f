# mypy: ignore-errors
"""JAX's part of verify, run by the TARGET interpreter after `actions/_verify_inside.py`
(Python 3.6+, stdlib only; never imported by envdoctor): jaxlib's version, the devices of every
backend, and a matmul on each device."""


def verify_framework(rec, jax, h):
    import jax.numpy as jnp

    devices = []
    seen = set()
    for backend in (None, "cpu"):
        for device in h.safe(lambda b=backend: jax.devices(b) if b else jax.devices(), []):
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
    jaxlib_version = h.safe(lambda: __import__("jaxlib.version").version.__version__)
    rec.emit(
        step="info",
        version=getattr(jax, "__version__", None),
        build={"jaxlib": jaxlib_version, "default_backend": h.safe(jax.default_backend)},
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

        h.compute(rec, f"{kind}:{index}", func)
