"""PATH lookup, shebangs and pyenv shims (envdoctor.probe.pathfind), against real files, real
pyenv shims (made by `pyenv rehash`) and real `pyenv which` answers."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from envdoctor.probe.pathfind import (
    is_python_name,
    pyenv_root_of_shim,
    pyenv_version_names,
    resolve_pyenv_shim,
    shebang,
    which_all,
)

PYENV = shutil.which("pyenv") or os.path.expanduser("~/.pyenv/bin/pyenv")


def _exe(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def test_which_all_in_path_order_skips_non_executables(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    _exe(a / "pip")
    (b / "pip").parent.mkdir()
    (b / "pip").write_text("not executable", encoding="utf-8")
    _exe(c / "pip")
    assert which_all("pip", [str(a), str(b), str(c)]) == [(0, str(a / "pip")), (2, str(c / "pip"))]
    assert which_all("nothing", [str(a)]) == []


def test_shebang_forms(tmp_path: Path) -> None:
    plain = _exe(tmp_path / "pip", "#!/home/me/venv/bin/python3.11\nimport sys\n")
    assert shebang(str(plain)) == ["/home/me/venv/bin/python3.11"]
    env = _exe(tmp_path / "pip-env", "#!/usr/bin/env python3\n")
    assert shebang(str(env)) == ["/usr/bin/env", "python3"]
    # pip's own form for interpreter paths with spaces or too long for a shebang
    long = _exe(tmp_path / "pip-long", "#!/bin/sh\n'''exec' \"/srv/my envs/tf/bin/python3\" \"$0\" \"$@\"\n' '''\n")
    assert shebang(str(long)) == ["/srv/my envs/tf/bin/python3"]
    binary = tmp_path / "uv"
    binary.write_bytes(b"\x7fELF\x02\x01")
    assert shebang(str(binary)) is None
    launcher = tmp_path / "pip.exe"
    launcher.write_bytes(b"MZ" + b"\0" * 100 + b"#!C:\\Users\\me\\venv\\Scripts\\python.exe\n" + b"PK\x03\x04rest")
    assert shebang(str(launcher)) == ["C:\\Users\\me\\venv\\Scripts\\python.exe"]


def test_a_real_pip_script_names_its_venv_python() -> None:
    """The pip script of the venv running the tests (written by ensurepip)."""
    import sys

    pip = Path(sys.prefix) / "bin" / "pip"
    if sys.prefix == sys.base_prefix or not pip.exists():
        pytest.skip("the tests do not run in a venv with a pip script")
    words = shebang(str(pip))
    assert words is not None and Path(words[0]).parent == pip.parent


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("python", True),
        ("python3.11", True),
        ("python3.13t", True),
        ("pythonw.exe", True),
        ("pip", False),
        ("python-config", False),
    ],
)
def test_is_python_name(name: str, expected: bool) -> None:
    assert is_python_name(name) is expected


@pytest.fixture
def pyenv_root(tmp_path: Path) -> Path:
    """A private PYENV_ROOT with three fake versions and real shims from `pyenv rehash`."""
    if not os.path.exists(PYENV):
        pytest.skip("pyenv is not installed")
    root = tmp_path / "pyenv"
    for version in ("3.99.1", "3.99.3", "3.98.0"):
        _exe(root / "versions" / version / "bin" / "python", f"#!/bin/sh\necho {version}\n")
    _exe(root / "versions" / "3.98.0" / "bin" / "pip", "#!/bin/sh\n")
    subprocess.run([PYENV, "rehash"], env={**os.environ, "PYENV_ROOT": str(root)}, check=True, timeout=60)
    assert (root / "shims" / "python").exists() and (root / "shims" / "pip").exists()
    return root


def _pyenv_which(root: Path, command: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [PYENV, "which", command],
        env={**env, "PYENV_ROOT": str(root)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip() if done.returncode == 0 else ""


@pytest.mark.parametrize(
    ("setting", "command"),
    [
        ({"PYENV_VERSION": "3.99.1"}, "python"),
        ({"PYENV_VERSION": "3.99"}, "python"),  # a prefix: the latest 3.99.x
        ({"PYENV_VERSION": "python-3.98.0"}, "python"),
        ({"PYENV_VERSION": "3.99.1:3.98.0"}, "pip"),  # the first version that has the command
        ({"PYENV_VERSION": "3.99.1"}, "pip"),  # none has it: "system", i.e. PATH without the shims
        ({"local": "3.98.0"}, "python"),  # .python-version in a parent of the working directory
        ({"global": "3.99.3"}, "python"),  # $PYENV_ROOT/version
        ({}, "python"),  # nothing set: system
    ],
)
def test_shim_resolution_agrees_with_pyenv_which(
    pyenv_root: Path, tmp_path: Path, setting: dict[str, str], command: str
) -> None:
    system = tmp_path / "system-bin"
    _exe(system / "python")
    _exe(system / "pip")
    work = tmp_path / "project" / "sub"
    work.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYENV")}
    env["PATH"] = os.pathsep.join([str(pyenv_root / "shims"), str(system), "/usr/bin", "/bin"])
    if "local" in setting:
        (tmp_path / "project" / ".python-version").write_text(setting["local"] + "\n", encoding="utf-8")
    elif "global" in setting:
        (pyenv_root / "version").write_text("# comment\n" + setting["global"] + "\n", encoding="utf-8")
    else:
        env.update(setting)
    expected = _pyenv_which(pyenv_root, command, env, work)
    shim = str(pyenv_root / "shims" / command)
    assert pyenv_root_of_shim(shim) == str(pyenv_root)
    choice = resolve_pyenv_shim(shim, command, str(pyenv_root), env, str(work), env["PATH"].split(os.pathsep))
    assert choice.file == expected
    assert choice.reason.startswith("pyenv shim: ")


def test_version_file_ignores_path_traversal(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("../../etc\n3.12.1\n", encoding="utf-8")
    names, origin = pyenv_version_names(str(tmp_path / "root"), {}, str(tmp_path))
    assert names == ["3.12.1"] and origin == str(tmp_path / ".python-version")


def test_a_plain_script_is_no_shim(tmp_path: Path) -> None:
    assert pyenv_root_of_shim(str(_exe(tmp_path / "python", '#!/bin/sh\nexec /usr/bin/python3 "$@"\n'))) is None
