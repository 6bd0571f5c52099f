# mypy: ignore-errors
"""PyTorch's part of verify, run by the TARGET interpreter after `actions/_verify_inside.py`
(Python 3.6+, stdlib only; never imported by envdoctor): build, CUDA devices, a matmul on each,
and the NumPy round trip."""


def verify_framework(rec, torch, h):
    version = getattr(torch, "version", None)
    cuda_ok = h.safe(lambda: bool(torch.cuda.is_available()), False)
    count = h.safe(lambda: int(torch.cuda.device_count()), 0) if cuda_ok else 0
    devices = [{"name": "cpu", "type": "CPU"}]
    for index in range(count):
        devices.append(
            {
                "name": h.safe(lambda i=index: torch.cuda.get_device_name(i), f"cuda:{index}"),
                "type": "GPU",
                "id": f"cuda:{index}",
            }
        )
    build = {
        "cuda": getattr(version, "cuda", None),
        "hip": getattr(version, "hip", None),
        "git_version": getattr(version, "git_version", None),
        "cudnn": h.safe(lambda: torch.backends.cudnn.version()) if cuda_ok else None,
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

    h.compute(rec, "CPU:0", run_on("cpu"))
    h.numpy_bridge(rec, "CPU:0 (numpy)", bridge)
    for index in range(count):
        h.compute(rec, f"GPU:{index}", run_on(f"cuda:{index}"))
