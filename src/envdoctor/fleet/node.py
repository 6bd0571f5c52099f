"""What runs on each node of a Ray cluster, in a Ray worker: the snapshot of the interpreter the
workers use there (the probe as for `check --python`, in a child process), with the node's
machine facts. Imports only what a snapshot needs (stdlib, envdoctor's probe and the read options
of `envdoctor.diagnosis`), so it runs wherever Ray ships envdoctor's source
(`runtime_env={"py_modules": [...]}`)."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import envdoctor
from envdoctor.diagnosis import read_options
from envdoctor.probe.sources import InterpreterSource, ReadOptions, read_snapshot
from envdoctor.probe.target import Target


def node_snapshot(timeout: float) -> dict[str, str]:
    """{"snapshot": JSON text, "hostname", "python", "node_id"} for the node this runs on."""
    python = sys.executable
    with _without_shipped_source():
        source = InterpreterSource(Target(python, None, f"Ray worker Python {python}"))
        snapshot = read_snapshot(source, read_options(ReadOptions(timeout=timeout)))
    return {
        "snapshot": json.dumps(snapshot.to_dict()),
        "hostname": socket.gethostname(),
        "python": python,
        "node_id": _node_id(),
    }


@contextmanager
def _without_shipped_source() -> Iterator[None]:
    """Ray puts the folder it unpacked envdoctor into on the worker's PYTHONPATH; the probe must
    see the workers' environment as the user's jobs do, without that folder."""
    shipped = os.path.dirname(os.path.dirname(os.path.abspath(envdoctor.__file__)))
    before = os.environ.get("PYTHONPATH")
    if before is not None:
        kept = [p for p in before.split(os.pathsep) if p and os.path.abspath(p) != shipped]
        if kept:
            os.environ["PYTHONPATH"] = os.pathsep.join(kept)
        else:
            del os.environ["PYTHONPATH"]
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def _node_id() -> str:
    """The Ray node this runs on; "" outside a Ray worker (asking Ray there would start one)."""
    ray: Any = sys.modules.get("ray")
    try:
        if ray is None or not ray.is_initialized():
            return ""
        return str(ray.get_runtime_context().get_node_id())
    except Exception:  # an older Ray: the driver knows which node it asked
        return ""
