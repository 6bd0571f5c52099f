"""ED107: Keras 2 vs Keras 3 against the installed TensorFlow."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import Keras, of_distribution
from envdoctor.model import Distribution, Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import (
    demands,
    describe,
    metadata_file,
    pin_fix,
)
from envdoctor.rules._registry import rule
from envdoctor.versions import parse_version


@rule(
    "ED107",
    "keras-version-mismatch",
    title="Keras version does not match TensorFlow",
    severity=Severity.ERROR,
    cause="keras-version-mismatch",
)
def keras_version_mismatch(ctx: Context) -> Iterator[Finding]:
    """What:
    The installed `keras` does not fit the installed TensorFlow: TensorFlow >= 2.16 with Keras 2.x
    (TensorFlow 2.16+ uses Keras 3 as tf.keras), TensorFlow <= 2.15 with Keras 3, or any keras
    outside the range TensorFlow's metadata (or the knowledge base) states.

    Why:
    tf.keras is the `keras` package: with the wrong major, `import tensorflow` works but the first
    model fails ("module 'keras' has no attribute ...", "Keras 3 only supports the TensorFlow
    backend >= 2.16", errors asking for tf-keras).

    Example:
    tensorflow 2.16.1 with keras 2.15.0; tensorflow 2.15.0 with keras 3.3.3.

    Fix:
    Install the Keras that TensorFlow needs: `python -m pip install "keras>=3.0"` for TensorFlow
    2.16+ (Keras 2 code keeps working with `pip install tf-keras~=2.16` and TF_USE_LEGACY_KERAS=1),
    `python -m pip install "keras<2.16,>=2.15.0"` for TensorFlow 2.15.
    """
    for tf in sorted(ctx.installed.values(), key=lambda d: d.name):
        framework = of_distribution(tf.name)
        link = framework.keras if framework else None
        keras = ctx.get(link.package) if link else None
        if link is None or keras is None or parse_version(keras.version) is None:
            continue
        tf_version, since = parse_version(tf.version), parse_version(link.keras3_since)
        if tf_version is None or since is None:
            continue
        finding = _check(ctx, tf, keras, link, tf_version.release[:2] >= since.release[:2])
        if finding is not None:
            yield finding


def _check(ctx: Context, tf: Distribution, keras: Distribution, link: Keras, keras3_era: bool) -> Finding | None:
    have = parse_version(keras.version)
    assert have is not None
    label = of_distribution(tf.name).label  # type: ignore[union-attr]
    asks = demands(ctx, tf, keras.name, keras.version)
    evidence = [f"{tf.name} {tf.version} requires '{req.text}' ({metadata_file(tf)})" for req in asks.requirements]
    evidence += [
        f"{tf.name} {tf.version} needs {c.requirement}: {c.reason} (source: {c.source})" for c in asks.constraints
    ]
    extra_specs = list(asks.specs)
    hints: list[str] = []
    if keras3_era and have.major < 3:
        evidence.append(f"{label} {tf.version} uses Keras 3 as tf.keras; keras {keras.version} is Keras 2")
        extra_specs.append(">=3.0")
        tf_minor = ".".join(tf.version.split(".")[:2])
        hints.append(
            f"Code written for Keras 2 keeps working with {link.legacy}: "
            + ctx.command(ctx.install([f"{link.legacy}~={tf_minor}.0"]))
            + f" and {link.legacy_env}=1."
        )
    elif not keras3_era and have.major >= 3:
        evidence.append(
            f"{label} {tf.version} predates Keras 3 ({link.keras3_since}); keras {keras.version} is Keras 3"
        )
        extra_specs.append("<3")
    if not evidence:
        return None
    evidence.insert(0, f"keras: {describe(keras)}")
    evidence.insert(1, f"{tf.name}: {describe(tf)}")
    fix = pin_fix(ctx, keras.name, extra_specs, hints)
    return keras_version_mismatch.finding(
        f"keras {keras.version} does not match {tf.name} {tf.version}",
        evidence=evidence,
        fix=fix,
        hints=hints,
        subject=keras.name,
        about=[keras.name, tf.name],
    )
