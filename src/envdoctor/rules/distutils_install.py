"""ED213: egg-info (distutils / setup.py) installs that pip cannot uninstall."""

from __future__ import annotations

import os
from collections.abc import Iterator

from envdoctor.model import Finding, Remedy, Severity
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
    A distribution whose metadata is a single *.egg-info file, as distutils (`setup.py install`
    of a plain distutils project, many old conda and distro packages) writes it: no RECORD and no
    installed-files.txt, so nothing says which files belong to it. Egg-info *folders* are left
    out (pip uninstalls those through installed-files.txt or top_level.txt), and so are editable
    checkouts and .egg folders.

    Why:
    pip cannot uninstall or upgrade it ("Cannot uninstall 'wrapt'. It is a distutils installed
    project and thus we cannot accurately determine which files belong to it which would lead to
    only a partial uninstall."), so installing TensorFlow (which needs another wrapt) aborts
    half-way. Old conda environments hit this with conda's own wrapt.

    Example:
    wrapt-1.10.11-py3.7.egg-info (a file) in /opt/conda/lib/python3.7/site-packages.

    Fix:
    When conda owns it, update it with conda (`conda install -p PREFIX wrapt`); else install a
    pip-managed copy over it and drop the old metadata: `python -m pip install --ignore-installed
    --no-deps "wrapt==1.10.11" && rm -f SITE/wrapt-1.10.11-py3.7.egg-info`.
    """
    owned = {folder for _, folder in conda_owned(ctx).values()}
    sites = ctx.interpreter.site_packages
    for dist in sorted(ctx.snapshot.distributions, key=lambda d: d.name):
        if dist.kind != "egg-info" or not dist.metadata_path or not dist.metadata_is_file:
            continue
        folder = os.path.basename(dist.metadata_path.rstrip("/\\"))
        in_site = any(same_path(dist.location, s) for s in sites) or any(
            part in dist.location.replace("\\", "/").split("/") for part in ("site-packages", "dist-packages")
        )
        if not in_site:
            continue  # an editable checkout (`setup.py develop`): pip uninstalls those
        hints = [
            f"pip fails with \"Cannot uninstall '{dist.display_name or dist.name}'. It is a "
            'distutils installed project" when something needs another version.'
        ]
        blocked = ctx.blocked([dist.name])
        if blocked is not None:
            fix = blocked  # the OS package manager's files (or a PEP 668 interpreter): never deleted
            hints.append("Install what needs another version into a virtual environment instead.")
        elif folder in owned:
            fix = ctx.install([dist.name], manager="conda")
            hints.append("conda owns it: let conda replace it rather than pip (see also ED211).")
        else:
            spec = f"{dist.name}=={dist.version}"
            install = ctx.install([spec], options=["ignore-installed", "no-deps"])
            fix = Remedy(install.steps + ctx.delete([dist.metadata_path], reason="the distutils metadata").steps)
        yield distutils_install.finding(
            f"{dist.name} {dist.version} was installed by distutils (a single egg-info file, no "
            "list of its files): pip cannot uninstall or upgrade it",
            evidence=[f"{dist.name}: {describe(dist)}", f"metadata: {dist.metadata_path} (a file)"],
            fix=fix,
            hints=hints,
            subject=dist.name,
        )
