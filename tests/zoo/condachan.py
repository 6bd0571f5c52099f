"""A local conda channel for the zoo, made of real packages: the files of the real PyPI wheels
(numpy 1.26.4 with its compiled extensions, pandas 2.1.4, its pure-Python dependencies, pip),
repackaged as linux-64 conda packages with conda's metadata (INSTALLER "conda", depends with
conda's version ranges), and a `python` package that is a skeleton prefix running the pyenv
interpreter of that version. conda channels are not reachable from this machine, so this is how a
real conda prefix (conda-meta records, files conda owns) is built here with py-rattler.

`channel(folder, "3.11") -> folder` (built once; a stamp file keeps it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from envdoctor.actions.uvtool import uv_binary
from tests.plan.builders import index_channel, make_conda_package

#: name -> (version, PyPI requirement to repackage, conda depends)
PACKAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "numpy": ("1.26.4", "numpy==1.26.4", ()),
    "six": ("1.16.0", "six==1.16.0", ()),
    "pytz": ("2024.1", "pytz==2024.1", ()),
    "tzdata": ("2024.1", "tzdata==2024.1", ()),
    "python-dateutil": ("2.9.0", "python-dateutil==2.9.0", ("six >=1.5",)),
    "pandas": (
        "2.1.4",
        "pandas==2.1.4",
        ("numpy >=1.23.2,<2.0a0", "python-dateutil >=2.8.2", "pytz >=2020.1", "tzdata >=2022.1"),
    ),
    "pip": ("24.0", "pip==24.0", ()),
}
STAMP = "zoo-channel-1"


def _files_of(requirement: str, python: Path, minor: str) -> dict[str, bytes]:
    """The files a wheel installs, as paths inside a conda prefix (lib/pythonX.Y/site-packages/...)."""
    with tempfile.TemporaryDirectory(prefix="zoo-chan-") as tmp:
        env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
        env.pop("VIRTUAL_ENV", None)
        done = subprocess.run(
            [uv_binary(), "pip", "install", "-q", "--no-deps", "--python", str(python), "--target", tmp, requirement],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"cannot fetch {requirement}: {done.stderr[-1000:]}")
        out: dict[str, bytes] = {}
        root = Path(tmp)
        for path in sorted(root.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.parts[len(root.parts)] == "bin":
                continue
            rel = path.relative_to(root).as_posix()
            if rel.endswith(".dist-info/direct_url.json"):
                continue
            data = b"conda\n" if rel.endswith(".dist-info/INSTALLER") else path.read_bytes()
            out[f"lib/python{minor}/site-packages/{rel}"] = data
        return out


def channel(folder: Path, minor: str) -> Path:
    from tests.zoo.envs import base_python

    base = base_python(minor)
    stamp = folder / f".{STAMP}-{minor}"
    if stamp.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    real = Path(os.path.realpath(base))
    version = subprocess.run(
        [str(real), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    make_conda_package(
        folder,
        "python",
        version,
        build="zoo_0",
        subdir="linux-64",
        files={
            "pyvenv.cfg": f"home = {real.parent}\ninclude-system-site-packages = false\nversion = {version}\n",
            f"lib/python{minor}/site-packages/README.txt": "the zoo python's site-packages\n",
        },
        symlinks={f"bin/python{minor}": str(real), "bin/python3": f"python{minor}", "bin/python": f"python{minor}"},
    )
    upper = f"{minor.split('.')[0]}.{int(minor.split('.')[1]) + 1}"
    for name, (pkg_version, requirement, depends) in PACKAGES.items():
        make_conda_package(
            folder,
            name,
            pkg_version,
            build="zoo_0",
            subdir="linux-64",
            depends=[f"python >={minor},<{upper}", *depends],
            files=_files_of(requirement, real, minor),
        )
    index_channel(folder)
    stamp.write_text("built\n", encoding="utf-8")
    return folder
