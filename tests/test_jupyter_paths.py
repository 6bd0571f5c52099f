"""The Jupyter kernel search path and kernel listing: envdoctor's standard-library version (from
the Jupyter interpreter's files) agrees with jupyter_core's `jupyter_path("kernels")` and
jupyter_client's KernelSpecManager, run for real inside that interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor.probe import jupyter as jup
from envdoctor.probe.envfiles import identify
from envdoctor.probe.session import collect_session
from tests.kernel_envs import base_python, make_venv, write_kernel

HAS_JUPYTER = all(
    subprocess.run([sys.executable, "-c", f"import {m}"], capture_output=True).returncode == 0
    for m in ("jupyter_core", "jupyter_client")
)
needs_jupyter = pytest.mark.skipif(not HAS_JUPYTER, reason="jupyter_core / jupyter_client not installed (.[test])")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "CONDA", "IPYTHON", "XDG_DATA", "PYTHONUSER"))
    }
    env.pop("PYTHONNOUSERSITE", None)
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir(exist_ok=True)
    env.update(extra)
    return env


def _jupyter_core_only(tmp_path: Path) -> str:
    """A folder with jupyter_core and its dependencies (not IPython), to put on another Python's PYTHONPATH."""
    import jupyter_core  # type: ignore[import-not-found,unused-ignore]
    import platformdirs  # type: ignore[import-not-found,unused-ignore]
    import traitlets  # type: ignore[import-not-found,unused-ignore]

    folder = tmp_path / "jupyter-core-only"
    folder.mkdir()
    for module in (jupyter_core, platformdirs, traitlets):
        source = Path(module.__file__).parent
        (folder / source.name).symlink_to(source)
    return str(folder)


VARIANTS: list[dict[str, str]] = [
    {},
    {"JUPYTER_PATH": "/srv/a:/srv/b/"},
    {"JUPYTER_DATA_DIR": "/srv/data"},
    {"JUPYTER_PREFER_ENV_PATH": "0"},
    {"JUPYTER_PREFER_ENV_PATH": "yes"},
    {"XDG_DATA_HOME": "/srv/xdg"},
    {"PYTHONUSERBASE": "/srv/userbase"},
    {"PYTHONNOUSERSITE": "1"},
    {"JUPYTER_PLATFORM_DIRS": "1", "XDG_DATA_DIRS": "/srv/one:/srv/two"},
    {"JUPYTER_PLATFORM_DIRS": "1"},
    {"IPYTHONDIR": "/srv/ipython"},
]


def _agree(python: str, env: dict[str, str]) -> None:
    asked = jup.search_path_from_jupyter_core(python, env)
    assert asked is not None, "jupyter_core did not answer"
    seen = identify(python, env=env)
    ours = jup.search_path(jup.host_from_interpreter(seen, env), env)
    assert ours == asked[0]


@needs_jupyter
@pytest.mark.parametrize("extra", VARIANTS, ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) or "default")
def test_agrees_with_jupyter_core_in_a_venv(tmp_path: Path, extra: dict[str, str]) -> None:
    """envdoctor's own venv (has jupyter_core and IPython): env paths come first (a venv the user owns)."""
    _agree(sys.executable, _env(tmp_path, **extra))


@needs_jupyter
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"PYTHONNOUSERSITE": "1", "JUPYTER_PATH": "/srv/a"},
        {"PYTHONUSERBASE": "/srv/userbase", "XDG_DATA_HOME": "/srv/xdg"},
        {"CONDA_PREFIX": "HOST", "CONDA_DEFAULT_ENV": "tf"},  # an active conda env prefers env paths
    ],
    ids=str,
)
def test_agrees_with_jupyter_core_in_a_base_interpreter(tmp_path: Path, extra: dict[str, str]) -> None:
    """A non-venv Python (pyenv's, with jupyter_core on PYTHONPATH): user paths come first and the user site counts."""
    minor = ".".join(map(str, sys.version_info[:2]))
    python = base_python(minor)
    env = _env(tmp_path, PYTHONPATH=_jupyter_core_only(tmp_path))
    host_prefix = str(Path(python).resolve().parent.parent)
    env.update({k: (host_prefix if v == "HOST" else v) for k, v in extra.items()})
    _agree(python, env)


@needs_jupyter
@pytest.mark.parametrize("system_site", [False, True])
def test_agrees_with_jupyter_core_in_a_fresh_venv(tmp_path: Path, system_site: bool) -> None:
    minor = ".".join(map(str, sys.version_info[:2]))
    python = make_venv(tmp_path / "venv", minor)
    if system_site:
        cfg = tmp_path / "venv" / "pyvenv.cfg"
        cfg.write_text(
            cfg.read_text().replace("include-system-site-packages = false", "include-system-site-packages = true")
        )
    _agree(str(python), _env(tmp_path, PYTHONPATH=_jupyter_core_only(tmp_path)))


_LIST = """
import json
from jupyter_client.kernelspec import KernelSpecManager
print(json.dumps(KernelSpecManager().find_kernel_specs()))
"""


@needs_jupyter
def test_kernel_listing_agrees_with_jupyter_client(tmp_path: Path) -> None:
    first, second, data = tmp_path / "first", tmp_path / "second", tmp_path / "data"
    write_kernel(
        first, "tf", "Python (tf)", ["/envs/tf/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    )
    write_kernel(second, "tf", "Python (old tf)", ["/old/bin/python"])  # hidden by the first
    write_kernel(second, "Torch", "Torch", ["/envs/torch/bin/python"])  # listed lower-cased
    write_kernel(data, "r", "R", ["R", "--slave", "-f", "{connection_file}"], language="R")
    (second / "kernels" / "no-spec").mkdir()
    (second / "kernels" / "a-file").write_text("x")
    env = _env(tmp_path, JUPYTER_PATH=f"{first}:{second}", JUPYTER_DATA_DIR=str(data))
    done = subprocess.run(
        [sys.executable, "-c", _LIST], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    expected = json.loads(done.stdout)
    session = collect_session(env, host=sys.executable)
    assert session.jupyter is not None
    found = {k.name: k.resource_dir for k in session.jupyter.kernels}
    assert found == expected
    by_name = {k.name: k for k in session.jupyter.kernels}
    assert by_name["tf"].shadows == [str(second / "kernels" / "tf")]
    # ipykernel's own spec (or jupyter_client's built-in one) runs the Jupyter's interpreter: a bare
    # `python` in argv is swapped for sys.executable
    assert by_name["python3"].interpreter == sys.executable
    assert by_name["tf"].interpreter == "/envs/tf/bin/python" and by_name["tf"].module == "ipykernel_launcher"
    assert by_name["r"].interpreter == ""  # not a Python kernel


@needs_jupyter
def test_kernels_verb_reports_which_logic_gave_the_path(tmp_path: Path) -> None:
    env = _env(tmp_path, JUPYTER_DATA_DIR=str(tmp_path / "data"))
    asked = collect_session(env, host=sys.executable, jupyter_core=True)
    computed = collect_session(env, host=sys.executable)
    assert asked.jupyter is not None and computed.jupyter is not None
    assert asked.jupyter.path_source.startswith("jupyter_core ")
    assert computed.jupyter.path_source.startswith("envdoctor (jupyter_core's order)")
    assert asked.jupyter.kernel_dirs == computed.jupyter.kernel_dirs


@pytest.mark.parametrize(
    ("argv", "interpreter", "module"),
    [
        (
            ["/e/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "/e/bin/python",
            "ipykernel_launcher",
        ),
        (["env", "A=1", "/e/bin/python3", "-m", "ipykernel"], "/e/bin/python3", "ipykernel"),
        (
            ["conda", "run", "-p", "/opt/envs/tf", "python", "-m", "ipykernel_launcher"],
            "/opt/envs/tf/bin/python",
            "ipykernel_launcher",
        ),
        (
            [
                "/bin/bash",
                "-c",
                "source /e/bin/activate && exec /e/bin/python -m ipykernel_launcher -f {connection_file}",
            ],
            "/e/bin/python",
            "ipykernel_launcher",
        ),
        (["R", "--slave"], "", ""),
    ],
)
def test_kernel_command(argv: list[str], interpreter: str, module: str) -> None:
    command = jup.kernel_command(argv, [], {})
    assert (command.interpreter, command.module) == (interpreter, module)


def test_kernel_command_named_conda_env_and_bare_python(tmp_path: Path) -> None:
    assert (
        jup.kernel_command(["conda", "run", "-n", "tf", "python", "-m", "ipykernel_launcher"], [], {}).conda_env == "tf"
    )
    python = make_venv(tmp_path / "v")
    found = jup.kernel_command(["python", "-m", "ipykernel_launcher"], [str(python.parent)], {})
    assert found.interpreter == str(python)


def test_unreadable_kernel_json_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "kernels" / "bad"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text("{not json", encoding="utf-8")
    (specs,) = jup.find_kernel_specs([str(tmp_path / "kernels")])
    assert specs.name == "bad" and specs.argv == [] and "unreadable kernel.json" in specs.problems[0]
