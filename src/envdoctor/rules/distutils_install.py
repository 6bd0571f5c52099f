"""ED213: egg-info (distutils / setup.py) installs that pip cannot uninstall."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator

from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe, same_path
from envdoctor.rules._registry import rule
from envdoctor.rules.pip_over_conda import conda_owned


@rule(
    "ED213",
    "distutils-install",
    title="A setup.py / distutils install pip cannot uninstall",
    severity=Severity.WARNING,
    cause="mixed-pip-conda",
)
def distutils_install(ctx: Context) -> Iterator[Finding]:
    """What:
    A distribution in site-packages described only by *.egg-info (installed by `setup.py
    install`, distutils, or an old conda / distro package), without the RECORD that lists its
    files. Egg-info that a conda record owns, editable checkouts and .egg folders are left out.

    Why:
    pip cannot uninstall or upgrade it ("Cannot uninstall 'wrapt'. It is a distutils installed
    project and thus we cannot accurately determine which files belong to it which would lead to
    only a partial uninstall."), so installing TensorFlow (which needs another wrapt / numpy)
    aborts half-way.

    Example:
    wrapt-1.10.11-py3.7.egg-info in /opt/conda/lib/python3.7/site-packages.

    Fix:
    Install a pip-managed copy over it and drop the old metadata: `python -m pip install
    --ignore-installed --no-deps "wrapt==1.10.11" && rm -rf SITE/wrapt-1.10.11-py3.7.egg-info`.
    """
    owned = {folder for _, folder in conda_owned(ctx).values()}
    sites = ctx.interpreter.site_packages
    for dist in sorted(ctx.snapshot.distributions, key=lambda d: d.name):
        if dist.kind != "egg-info" or not dist.metadata_path:
            continue
        folder = os.path.basename(dist.metadata_path.rstrip("/\\"))
        if folder in owned or folder == "EGG-INFO" or dist.location.endswith(".egg"):
            continue
        in_site = any(same_path(dist.location, s) for s in sites) or any(
            part in dist.location.replace("\\", "/").split("/") for part in ("site-packages", "dist-packages")
        )
        if not in_site:
            continue  # an editable checkout (`setup.py develop`): pip uninstalls those
        spec = f"{dist.name}=={dist.version}"
        fix = (
            ctx.pip_install([spec], extra_args="--ignore-installed --no-deps")
            + f" && rm -rf {shlex.quote(dist.metadata_path)}"
        )
        yield distutils_install.finding(
            f"{dist.name} {dist.version} was installed by setup.py / distutils (egg-info, no "
            "RECORD): pip cannot uninstall or upgrade it",
            evidence=[f"{dist.name}: {describe(dist)}", f"metadata: {dist.metadata_path}"],
            fix=fix,
            hints=[
                f"pip fails with \"Cannot uninstall '{dist.display_name or dist.name}'. It is a "
                'distutils installed project" when something needs another version.'
            ],
            subject=dist.name,
        )
