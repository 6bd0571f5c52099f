"""The IPython extension (`%load_ext envdoctor`, `%envdoctor`, `%envdoctor explain`) in a real
IPython shell and in real kernels started through jupyter_client. The hermetic tests run the
kernel in the test interpreter's own environment (which has ipykernel, from `.[test]`); the network
test builds a fresh kernel venv, fixes it with the printed commands (`pip install ipykernel`,
then `%pip install ...` inside the notebook) and checks again."""

from __future__ import annotations

import importlib.util
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_dist
from tests.kernel_envs import (
    ROOT,
    build_wheel,
    check_json,
    clean_env,
    codes,
    finding,
    ipykernel_argv,
    make_venv,
    pip_offline,
    uv,
    write_kernel,
)

pytest.importorskip("IPython")
pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

SYSTEM_BIN = ["/usr/bin", "/bin"]
# the fix inside this interpreter's notebook: %pip where pip installs into it, else uv behind `!`
# (a uv venv without pip, as the worktrees' venvs are)
HAS_PIP = importlib.util.find_spec("pip") is not None
NOTEBOOK_FIX = (
    "fix: %pip install tensorflow==2.16.1"
    if HAS_PIP
    else f"pip install --python {shlex.quote(sys.executable)} tensorflow==2.16.1"
)


def _tf_elsewhere(tmp_path: Path) -> Path:
    """A venv (first on PATH) holding tensorflow 2.16.1's metadata: the `python` the user runs in a shell."""
    python = make_venv(tmp_path / "shellenv")
    make_dist(python.parent.parent / "lib" / "python3.12" / "site-packages", "tensorflow", "2.16.1")
    return python


def test_magics_in_a_real_ipython_shell(tmp_path: Path) -> None:
    shell_python = _tf_elsewhere(tmp_path)
    env = clean_env(tmp_path, [shell_python.parent, *SYSTEM_BIN])
    script = "\n".join(
        [
            "%load_ext envdoctor",
            "%envdoctor explain",
            "%envdoctor",
            "import tensorflow",
            "%envdoctor explain",
            "%envdoctor bogus",
        ]
    )
    ipython = [sys.executable, "-m", "IPython", "--no-banner", "--simple-prompt", "--colors=NoColor"]
    done = subprocess.run(ipython, input=script + "\n", env=env, capture_output=True, text=True, timeout=180)
    out = done.stdout
    assert "envdoctor explain: no traceback yet" in out
    assert f"envdoctor: IPython: {sys.executable}" in out
    assert f"ED236 tensorflow 2.16.1 is installed in {shell_python.parent.parent} (python on PATH)" in out
    assert NOTEBOOK_FIX in out
    hint = "%pip installs into this kernel's interpreter" if HAS_PIP else "this kernel's interpreter has no pip"
    assert hint in out
    assert "envdoctor explain: ModuleNotFoundError: No module named 'tensorflow'" in out
    assert "cause: wrong-interpreter" in out
    assert "usage: %envdoctor [check | explain | kernels]" in out
    assert out.count("Traceback (most recent call last)") == 1  # the import's; the magics never crash


class Kernel:
    """A real kernel started by jupyter_client from a kernel spec."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        from jupyter_client.manager import KernelManager

        self.manager = KernelManager(kernel_name=name)
        self.manager.start_kernel(env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, code: str, timeout: float = 300) -> list[tuple[str, Any]]:
        msg_id = self.client.execute(code)
        out: list[tuple[str, Any]] = []
        while True:
            msg = self.client.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind in ("display_data", "execute_result"):
                out.append(("display", content["data"]))
            elif kind == "stream":
                out.append(("stream", content["text"]))
            elif kind == "error":
                out.append(("error", content["ename"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return out

    def display(self, code: str) -> dict[str, str]:
        shown = [data for kind, data in self.run(code) if kind == "display"]
        assert len(shown) == 1, shown
        result: dict[str, str] = shown[0]
        return result

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def test_magics_in_a_real_kernel(tmp_path: Path) -> None:
    shell_python = _tf_elsewhere(tmp_path)
    env = clean_env(tmp_path, [shell_python.parent, *SYSTEM_BIN])
    write_kernel(tmp_path / "jupyter", "envd", "Python (envd)", ipykernel_argv(sys.executable))
    os.environ.update(JUPYTER_DATA_DIR=env["JUPYTER_DATA_DIR"])  # where KernelManager finds the spec
    try:
        kernel = Kernel("envd", env)
    finally:
        os.environ.pop("JUPYTER_DATA_DIR")
    try:
        assert kernel.run("%load_ext envdoctor") == []
        shown = kernel.display("%envdoctor")
        text, page = shown["text/plain"], shown["text/html"]
        assert f"envdoctor: this kernel (envd): {sys.executable}" in text
        assert "ED236" in text and "which the kernel 'envd' runs" in text
        assert NOTEBOOK_FIX in text
        assert page.startswith('<div class="envdoctor">') and "<b" in page and NOTEBOOK_FIX.split("fix: ")[-1] in page
        assert "<script" not in page
        assert kernel.run("import tensorflow") == [("error", "ModuleNotFoundError")]
        explained = kernel.display("%envdoctor explain")["text/plain"]
        assert explained.startswith("envdoctor explain: ModuleNotFoundError: No module named 'tensorflow'")
        assert "cause: wrong-interpreter" in explained and NOTEBOOK_FIX in explained
        listing = kernel.display("%envdoctor kernels")["text/plain"]
        assert "envd  \u201cPython (envd)\u201d  ok" in listing
    finally:
        kernel.close()


@pytest.mark.network
@pytest.mark.slow
def test_a_fresh_kernel_venv_is_fixed_by_the_printed_commands(tmp_path: Path) -> None:
    """A kernel whose venv lacks ipykernel (ED233: `pip install ipykernel` from PyPI fixes it), then
    in that kernel `%envdoctor` finds tensorflow installed elsewhere (ED236) and its printed
    `%pip install` (from a local wheel) fixes it."""
    minor = ".".join(map(str, sys.version_info[:2]))
    kernel_python = make_venv(tmp_path / "kvenv", minor, pip=True)
    shell_python = _tf_elsewhere(tmp_path)
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "tensorflow", "2.16.1")
    env = clean_env(tmp_path, [shell_python.parent, *SYSTEM_BIN])
    write_kernel(tmp_path / "jupyter", "kvenv", "Python (kvenv)", ipykernel_argv(kernel_python))

    fix = str(finding(check_json("--kernel", "kvenv", env=env), "ED233")["fix"])
    assert fix == f"{kernel_python} -m pip install ipykernel"
    network = {k: v for k, v in env.items() if not k.startswith("PIP_")}
    subprocess.run(shlex.split(fix), env=network, check=True, timeout=900, capture_output=True)
    assert "ED233" not in codes(check_json("--kernel", "kvenv", env=env))

    # envdoctor itself in the kernel's venv, for `%load_ext envdoctor`
    subprocess.run(
        [uv(), "pip", "install", "-q", "--python", str(kernel_python), "--no-deps", str(ROOT), "packaging"],
        env={**network, "UV_PYTHON_DOWNLOADS": "never"},
        check=True,
        timeout=900,
    )
    os.environ.update(JUPYTER_DATA_DIR=env["JUPYTER_DATA_DIR"])
    try:
        kernel = Kernel("kvenv", {**env, **pip_offline(wheels)})
    finally:
        os.environ.pop("JUPYTER_DATA_DIR")
    try:
        kernel.run("%load_ext envdoctor")
        text = kernel.display("%envdoctor")["text/plain"]
        assert "ED236" in text and "fix: %pip install tensorflow==2.16.1" in text
        kernel.run("%pip install tensorflow==2.16.1")  # the printed fix, verbatim, in the notebook
        assert "ED236" not in kernel.display("%envdoctor")["text/plain"]
        printed = [
            data for kind, data in kernel.run("import tensorflow; print(tensorflow.__version__)") if kind == "stream"
        ]
        assert printed == ["2.16.1\n"]
    finally:
        kernel.close()
