"""ED109: TF_USE_LEGACY_KERAS is set, but tf-keras (which it switches tf.keras to) is not installed."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import of_distribution
from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe
from envdoctor.rules._registry import rule
from envdoctor.versions import parse_version

_ON = frozenset({"1", "true", "yes", "on"})


@rule(
    "ED109",
    "legacy-keras-missing",
    title="TF_USE_LEGACY_KERAS is set but tf-keras is not installed",
    severity=Severity.ERROR,
    cause="keras-version-mismatch",
)
def legacy_keras_missing(ctx: Context) -> Iterator[Finding]:
    """What:
    TF_USE_LEGACY_KERAS=1 is set in the environment the target interpreter runs in, TensorFlow
    2.16 or later is installed, and tf-keras is not. With the variable, TensorFlow 2.16+ makes
    `tf.keras` the `tf_keras` package (Keras 2) instead of Keras 3.

    Why:
    The first use of `tf.keras` fails with "ModuleNotFoundError: No module named 'tf_keras'",
    although `import tensorflow` works and `pip check` is clean: the variable is the only trace,
    often set long ago in a shell profile or a notebook's first cell.

    Example:
    TF_USE_LEGACY_KERAS=1 with tensorflow 2.17.0 and keras 3.4.1, no tf-keras.

    Fix:
    Install the tf-keras of TensorFlow's minor version: `python -m pip install "tf-keras~=2.17.0"`
    (or unset TF_USE_LEGACY_KERAS to use Keras 3).
    """
    for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
        framework = of_distribution(dist.name)
        link = framework.keras if framework else None
        if link is None:
            continue
        value = ctx.interpreter.env.get(link.legacy_env)
        if value is None or value.strip().lower() not in _ON or ctx.get(link.legacy) is not None:
            continue
        version, since = parse_version(dist.version), parse_version(link.keras3_since)
        if version is None or since is None or version.release[:2] < since.release[:2]:
            continue
        minor = ".".join(str(p) for p in version.release[:2])
        module = link.legacy.replace("-", "_")
        yield legacy_keras_missing.finding(
            f"{link.legacy_env}={value} makes tf.keras the {link.legacy} package, which is not installed "
            f"({dist.name} {dist.version}): tf.keras fails with \"No module named '{module}'\"",
            evidence=[
                f"{link.legacy_env}={value} is set",
                f"{dist.name}: {describe(dist)}",
                f"installed: no {link.legacy}",
            ],
            fix=ctx.install([f"{link.legacy}~={minor}.0"]),
            hints=[
                f"Or use Keras 3: {ctx.command(ctx.unset_env([link.legacy_env]))} (and remove it where "
                "it is set: shell profile, notebook, IDE run configuration)."
            ],
            subject=link.legacy,
            about=[link.legacy, dist.name],
        )
        return
