"""`envdoctor fleet ray`: connect to a running Ray cluster, run one snapshot task pinned to each
alive node (hard node affinity: never moved to another node), all at once, and bring the
snapshots back as they finish. A node whose task has not finished by the deadline is reported
as unreachable; one whose task failed, as failed with Ray's reason. The only module that imports
Ray (the optional extra `envdoctor[ray]`)."""

from __future__ import annotations

import importlib
import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

import envdoctor
from envdoctor.errors import UsageError
from envdoctor.fleet.inputs import NodeInput
from envdoctor.fleet.node import node_snapshot

INSTALL_HINT = "`envdoctor fleet ray` needs Ray: pip install 'envdoctor[ray]'"


def default_address(env: Mapping[str, str] | None = None) -> str:
    """--address, else $RAY_ADDRESS, else "auto" (the cluster this machine belongs to). Never
    empty: ray.init() without an address would start a new, empty cluster."""
    env = os.environ if env is None else env
    return env.get("RAY_ADDRESS") or "auto"


def load_runtime_env(text: str | None) -> dict[str, Any]:
    """--runtime-env: a JSON object, or a JSON / YAML file holding one (the job's runtime_env,
    so the snapshot shows the environment the job's workers get)."""
    if not text:
        return {}
    source = text
    if not text.lstrip().startswith("{"):
        try:
            source = Path(text).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--runtime-env {text}: {exc.strerror or exc}") from None
    try:
        value = yaml.safe_load(source) if not source.lstrip().startswith("{") else json.loads(source)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"--runtime-env: not a JSON or YAML object ({exc})") from None
    if not isinstance(value, dict):
        raise UsageError('--runtime-env: expected an object such as {"pip": ["torch"]}')
    return value


def collect(
    address: str,
    *,
    timeout: float,
    resource: str | None = None,
    runtime_env: dict[str, Any] | None = None,
    notes: list[str] | None = None,
) -> Iterator[NodeInput]:
    """The nodes of the cluster at `address`, each as a NodeInput, as their tasks finish."""
    # Ray's API is typed only in part: one Any at the boundary, so that mypy answers the same
    # with and without the optional extra installed.
    try:
        ray: Any = importlib.import_module("ray")
        strategies: Any = importlib.import_module("ray.util.scheduling_strategies")
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    env = dict(runtime_env or {})
    # Ship envdoctor's own source to the workers: nodes need not have envdoctor installed.
    env["py_modules"] = [*list(env.get("py_modules") or []), str(Path(envdoctor.__file__).resolve().parent)]
    try:
        ray.init(address=address, runtime_env=env, log_to_driver=False, logging_level=logging.ERROR)
    except Exception as exc:  # ConnectionError, version mismatch, bad address: one line, exit 2
        raise UsageError(f"cannot connect to the Ray cluster at {address}: {_one_line(exc)}") from None
    try:
        listed = ray.nodes()
        alive = [n for n in listed if n.get("Alive")]
        dead = len(listed) - len(alive)
        if dead and notes is not None:
            notes.append(f"{dead} dead node{'s' * (dead != 1)} in the cluster's history not probed")
        if resource:
            chosen = [n for n in alive if float((n.get("Resources") or {}).get(resource, 0)) > 0]
            if notes is not None:
                notes.append(f"only the {len(chosen)} of {len(alive)} alive nodes with resource {resource!r}")
            alive = chosen
        if not alive:
            raise UsageError(
                f"the Ray cluster at {address} has no alive node" + (f" with {resource!r}" if resource else "")
            )
        # num_cpus=0: the task also runs on nodes whose CPUs a job holds, and on a head node
        # started with --num-cpus=0; max_retries=0: a node that fails it is reported, not retried.
        task = ray.remote(num_cpus=0, max_retries=0)(node_snapshot)
        deadline = time.monotonic() + timeout
        pending: dict[Any, dict[str, Any]] = {}
        for node in alive:
            strategy = strategies.NodeAffinitySchedulingStrategy(node_id=node["NodeID"], soft=False)
            ref = task.options(scheduling_strategy=strategy, name="envdoctor-snapshot").remote(timeout)
            pending[ref] = node
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=remaining)
            for ref in ready:
                node = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as exc:  # the task failed there: the node is reported, not dropped
                    yield _missing(node, "failed", _one_line(exc))
                else:
                    yield _answered(node, result)
        for ref, node in pending.items():
            ray.cancel(ref, force=True)
            yield _missing(node, "unreachable", f"did not answer within {timeout:g} s")
    finally:
        ray.shutdown()


def _launcher_facts(node: Mapping[str, Any]) -> dict[str, str]:
    facts = {"ray_node_id": str(node.get("NodeID", "")), "address": str(node.get("NodeManagerAddress", ""))}
    if node.get("NodeName"):
        facts["ray_node_name"] = str(node["NodeName"])
    return facts


def _given_name(node: Mapping[str, Any]) -> list[str]:
    """Ray's node name when someone set it (`ray start --node-name`); by default it is the IP."""
    name = str(node.get("NodeName") or "")
    return [name] if name and name != node.get("NodeManagerAddress") else []


def _answered(node: Mapping[str, Any], result: Any) -> NodeInput:
    node_id = str(node.get("NodeID", ""))
    if not isinstance(result, dict) or not isinstance(result.get("snapshot"), str):
        return _missing(node, "failed", "the snapshot task returned no snapshot")
    hostname = str(result.get("hostname") or "")
    extra = _launcher_facts(node)
    extra["worker_python"] = str(result.get("python") or "")
    return NodeInput(
        _given_name(node),
        f"Ray node {node_id[:12]} ({node.get('NodeManagerAddress', '?')})",
        raw=result["snapshot"].encode(),
        extra=extra,
        hints_first=True,
        fallbacks=[f"{hostname or node.get('NodeManagerAddress', 'node')}-{node_id[:8]}"],
    )


def _missing(node: Mapping[str, Any], status: str, reason: str) -> NodeInput:
    node_id = str(node.get("NodeID", ""))
    address = str(node.get("NodeManagerAddress", "") or "node")
    return NodeInput(
        [*_given_name(node), address],
        f"Ray node {node_id[:12]} ({address})",
        status=status,
        reason=reason,
        extra=_launcher_facts(node),
        hints_first=True,
        fallbacks=[f"{address}-{node_id[:8]}"],
    )


def _one_line(exc: BaseException) -> str:
    """Ray's exceptions carry whole tracebacks: the original error's type and message."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException) and cause is not exc:
        exc = cause
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = lines[-1] if lines and "Traceback" in str(exc) else (lines[0] if lines else "")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
