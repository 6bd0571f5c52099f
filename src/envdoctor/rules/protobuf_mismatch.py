"""ED103: protobuf outside the range the framework supports."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import (
    demands,
    describe,
    is_framework,
    metadata_file,
    pin_fix,
    spec_text,
)
from envdoctor.rules._registry import rule

_ENV_VAR = "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"


@rule(
    "ED103",
    "protobuf-mismatch",
    title="protobuf outside the range the framework supports",
    severity=Severity.ERROR,
    cause="protobuf-mismatch",
)
def protobuf_mismatch(ctx: Context) -> Iterator[Finding]:
    """What:
    The installed protobuf runtime is outside the range a framework (TensorFlow, tensorboard,
    ...) needs, from its own metadata or from the knowledge base's curated caps (TensorFlow < 2.10
    declared `protobuf>=3.9.2` with no upper bound although its generated code breaks with 3.20+).

    Why:
    The framework's generated `*_pb2` modules must match the protobuf runtime: too new a runtime
    fails with "Descriptors cannot be created directly", too old with "cannot import name
    'builder' from 'google.protobuf.internal'" or runtime_version errors.

    Example:
    tensorflow 2.10.1 requires protobuf<3.20,>=3.9.2 but protobuf 4.25.3 is installed.

    Fix:
    Pin protobuf to the framework's range: `python -m pip install "protobuf<3.20,>=3.9.2"`.
    Setting PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python is not a fix: the import passes on the
    slow pure-Python runtime and the mismatch fails later, at the first operation.
    """
    protobuf = ctx.get("protobuf")
    if protobuf is None:
        return  # a missing protobuf is ED101's
    lines: list[str] = []
    extra_specs: list[str] = []
    culprits: list[str] = []
    culprit_names: list[str] = []
    for dist in ctx.installed.values():
        if not is_framework(dist.name):
            continue
        asks = demands(ctx, dist, "protobuf", protobuf.version)
        if asks.requirements or asks.constraints:
            culprit_names.append(dist.name)
        for req in asks.requirements:
            lines.append(f"{dist.name} {dist.version} requires '{req.text}' ({metadata_file(dist)})")
            culprits.append(f"{dist.name} {dist.version} needs protobuf{spec_text(req.specifier)}")
        extra_specs += asks.specs
        for constraint in asks.constraints:
            lines.append(
                f"{dist.name} {dist.version} needs {constraint.requirement}, which its "
                f"metadata does not say: {constraint.reason} (source: {constraint.source})"
            )
            culprits.append(f"{dist.name} {dist.version} needs {constraint.requirement}")
    if not lines:
        return
    evidence = [f"protobuf: {describe(protobuf)}", *lines]
    setting = ctx.interpreter.env.get(_ENV_VAR)
    if setting:
        evidence.append(f"{_ENV_VAR}={setting} is set in the environment")
    hints = [
        f"Do not set {_ENV_VAR}=python instead: it makes the import pass on the slow "
        "pure-Python protobuf and the mismatch fails later, at the first operation."
    ]
    if setting:
        hints.append(f"Unset {_ENV_VAR} once protobuf is pinned.")
    fix = pin_fix(ctx, "protobuf", extra_specs, hints)
    yield protobuf_mismatch.finding(
        f"protobuf {protobuf.version} is installed, but " + "; ".join(culprits),
        evidence=evidence,
        fix=fix,
        hints=hints,
        subject="protobuf",
        about=["protobuf", *culprit_names],
    )
