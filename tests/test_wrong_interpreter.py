"""The wrong-interpreter checks end to end: real venvs, real PATHs, real kernel.json files, the
`envdoctor` CLI in a subprocess, and every printed fix executed as printed (`sh -c FIX` for a
compound command or a shell `export`, as a user pastes it) before checking again."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from envdoctor.rules._interpreters import env_names_of
from tests.kernel_envs import (
    build_wheel,
    check_json,
    clean_env,
    codes,
    envdoctor,
    finding,
    ipykernel_argv,
    make_venv,
    pip_offline,
    write_kernel,
)

SYSTEM_BIN = ["/usr/bin", "/bin"]


def run_fix(fix: str, env: dict[str, str]) -> None:
    """Run a printed fix exactly as printed."""
    compound = any(token in fix for token in ("&&", "export ", "$"))
    args = ["/bin/sh", "-c", fix] if compound else shlex.split(fix)
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (fix, done.stdout, done.stderr)


def check_after(fix: str, env: dict[str, str], *args: str) -> dict[str, object]:
    """`envdoctor check` in the shell state the fix leaves (for `export PATH=...` fixes)."""
    command = " ".join(
        shlex.quote(a) for a in [sys.executable, "-m", "envdoctor", "check", "--no-cache", "--format", "json", *args]
    )
    done = subprocess.run(
        ["/bin/sh", "-c", f"{fix} && exec {command}"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    build_wheel(folder, "tensorflow", "2.16.1")
    return folder


@pytest.fixture(scope="module")
def pip_venv_with_tf(tmp_path_factory: pytest.TempPathFactory, wheels: Path) -> Path:
    """A venv with pip and a (stand-in) tensorflow 2.16.1 installed by its pip from a local wheel
    (shared by the tests of this module, which never change it)."""
    python = make_venv(tmp_path_factory.mktemp("shared") / "venvP", pip=True)
    env = {**os.environ, **pip_offline(wheels)}
    subprocess.run([str(python), "-m", "pip", "install", "-q", "tensorflow==2.16.1"], env=env, check=True, timeout=300)
    return python


def test_pip_of_another_venv_then_both_fixes_run(tmp_path: Path, pip_venv_with_tf: Path, wheels: Path) -> None:
    """`python` is a venv without pip; `pip` (next on PATH) installed tensorflow into another venv."""
    python = make_venv(tmp_path / "venvY")
    env = clean_env(tmp_path, [python.parent, pip_venv_with_tf.parent, *SYSTEM_BIN], **pip_offline(wheels))
    doc = check_json("--python", str(python), env=env)
    assert {"ED234", "ED236"} <= set(codes(doc))
    mismatch = finding(doc, "ED234")
    assert mismatch["cause"] == "wrong-interpreter"
    assert str(pip_venv_with_tf.parent.parent) in str(mismatch["message"])
    assert str(tmp_path / "venvY") in str(mismatch["message"])
    assert mismatch["fix"] == f"{python} -m ensurepip --upgrade --default-pip"
    elsewhere = finding(doc, "ED236")
    # no pip in venvY: the fix installs with uv, as the remedy model does for a venv without pip
    fix = str(elsewhere["fix"])
    assert shlex.split(fix)[1:] == ["pip", "install", "--python", str(python), "tensorflow==2.16.1"]
    assert any("tensorflow 2.16.1 in: " in str(e) for e in elsewhere["evidence"])  # type: ignore[union-attr]

    run_fix(fix, env)
    after = check_json("--python", str(python), env=env)
    assert "ED236" not in codes(after) and "ED234" in codes(after)
    done = subprocess.run(
        [str(python), "-c", "import tensorflow; print(tensorflow.__version__)"], capture_output=True, text=True
    )
    assert done.stdout.strip() == "2.16.1"

    run_fix(str(mismatch["fix"]), env)
    assert "ED234" not in codes(check_json("--python", str(python), env=env))


def test_an_earlier_pip_on_path_gets_the_path_order_fixed(tmp_path: Path, pip_venv_with_tf: Path) -> None:
    """`python` is a venv with its own pip, but an earlier PATH folder holds another Python's pip."""
    python = pip_venv_with_tf
    other_pip = Path(sys.prefix) / "bin" / "pip"
    if not other_pip.exists():
        pytest.skip("the test interpreter's environment has no pip script")
    local_bin = tmp_path / "local-bin"
    local_bin.mkdir()
    shutil.copy2(other_pip, local_bin / "pip")  # like ~/.local/bin/pip of another Python
    env = clean_env(tmp_path, [local_bin, python.parent, *SYSTEM_BIN])
    doc = check_json("--python", str(python), env=env)
    fix = str(finding(doc, "ED234")["fix"])
    assert fix == f'export PATH={python.parent}:"$PATH"'
    assert "ED234" not in codes(check_after(fix, env, "--python", str(python)))


def test_activated_venv_shadowed_by_an_earlier_python(tmp_path: Path, pip_venv_with_tf: Path) -> None:
    """$VIRTUAL_ENV is the venv with tensorflow, but another venv's bin comes first on PATH."""
    other = make_venv(tmp_path / "other")
    active = pip_venv_with_tf.parent.parent
    env = clean_env(tmp_path, [other.parent, active / "bin", *SYSTEM_BIN], VIRTUAL_ENV=str(active))
    doc = check_json(env=env)  # the default target: the active venv
    shadowed = finding(doc, "ED235")
    assert shadowed["severity"] == "error"
    assert "the environment has tensorflow; `python` does not" in shadowed["evidence"]  # type: ignore[operator]
    fix = str(shadowed["fix"])
    assert fix == f'export PATH={active / "bin"}:"$PATH"'
    assert "ED235" not in codes(check_after(fix, env))


def test_activated_venv_shadowed_by_a_pyenv_shim(tmp_path: Path, pip_venv_with_tf: Path) -> None:
    shims = Path(os.path.expanduser("~/.pyenv/shims"))
    if not (shims / "python").exists():
        pytest.skip("no pyenv shims")
    active = pip_venv_with_tf.parent.parent
    version = subprocess.run(["pyenv", "latest", "3.11"], capture_output=True, text=True).stdout.strip()
    if not version:
        pytest.skip("no pyenv 3.11")
    env = clean_env(tmp_path, [shims, active / "bin", *SYSTEM_BIN], VIRTUAL_ENV=str(active), PYENV_VERSION=version)
    env["PYENV_ROOT"] = str(shims.parent)
    shadowed = finding(check_json(env=env), "ED235")
    shim_line = next(str(e) for e in shadowed["evidence"] if str(e).startswith("`python` on PATH"))  # type: ignore[union-attr]
    assert f"{shims / 'python'}, PATH entry #1" in shim_line and f"versions/{version}/bin/python" in shim_line
    assert any("pyenv init" in str(h) for h in shadowed["hints"])  # type: ignore[union-attr]
    assert "ED235" not in codes(check_after(str(shadowed["fix"]), env))


def _own_env_name() -> str:
    """A name the venv running the tests answers to (project/.venv -> project), or skip."""
    names = sorted(n for n in env_names_of(sys.prefix) if n not in (".venv", "venv", "env", "usr", ""))
    if not names or sys.prefix == sys.base_prefix:
        pytest.skip("the tests do not run in a named venv")
    return names[0]


@pytest.mark.parametrize("broken", ["missing", "other-env"])
def test_kernel_named_after_an_env_it_does_not_run_is_registered_again(tmp_path: Path, broken: str) -> None:
    """A kernel named after this venv (which has ipykernel) runs a missing interpreter (ED231) or
    another venv (ED232); the printed `ipykernel install` fixes it and the kernel then starts."""
    name = _own_env_name()
    other = make_venv(tmp_path / "other")
    interpreter = tmp_path / "gone" / "bin" / "python3.10" if broken == "missing" else other
    env = clean_env(tmp_path, [other.parent, *SYSTEM_BIN])
    write_kernel(tmp_path / "jupyter", name, f"Python ({name})", ipykernel_argv(interpreter))
    doc = check_json("--python", sys.executable, env=env)
    code = "ED231" if broken == "missing" else "ED232"
    found = finding(doc, code)
    fix = str(found["fix"])
    assert " -m ipykernel install --user --name " in fix and shlex.split(fix)[-2:] == [
        "--display-name",
        f"Python ({name})",
    ]
    run_fix(fix, env)
    spec = json.loads((tmp_path / "jupyter" / "kernels" / name / "kernel.json").read_text())
    assert Path(spec["argv"][0]).parent.parent == Path(sys.prefix)
    after = check_json("--python", sys.executable, env=env)
    assert code not in codes(after)
    _kernel_answers(name, env)


def _kernel_answers(name: str, env: dict[str, str]) -> None:
    """Start the kernel through jupyter_client and wait for its kernel_info reply."""
    pytest.importorskip("jupyter_client")
    script = (
        "from jupyter_client.manager import start_new_kernel\n"
        f"km, kc = start_new_kernel(kernel_name={name!r}, startup_timeout=120)\n"
        "try:\n"
        "    print(kc.kernel_info(reply=True, timeout=60)['content']['status'])\n"
        "finally:\n"
        "    kc.stop_channels(); km.shutdown_kernel(now=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180)
    assert done.stdout.strip().splitlines()[-1:] == ["ok"], done.stderr


def test_check_kernel_and_the_kernels_listing(tmp_path: Path) -> None:
    """`check --kernel` on a kernel whose interpreter is gone, and one without ipykernel;
    `envdoctor kernels` in every format."""
    plain = make_venv(tmp_path / "plain")
    data = tmp_path / "jupyter"
    write_kernel(data, "gone", "Python (gone)", ipykernel_argv(tmp_path / "nowhere" / "bin" / "python"))
    write_kernel(data, "plain", "Python (plain)", ipykernel_argv(plain))
    write_kernel(data, "ir", "R", ["R", "--slave", "-f", "{connection_file}"], language="R")
    env = clean_env(tmp_path, SYSTEM_BIN)

    gone = envdoctor("check", "--kernel", "gone", "--format", "json", env=env)
    assert gone.returncode == 1, gone.stderr
    doc = json.loads(gone.stdout)
    assert codes(doc) == ["ED231"] and doc["environment"]["target"] == "--kernel gone (Python (gone))"
    assert doc["skipped"][0]["reason"] == "the kernel's interpreter does not exist"

    plain_doc = check_json("--kernel", "plain", env=env)
    # a venv without pip: uv installs into it
    assert shlex.split(str(finding(plain_doc, "ED233")["fix"]))[1:] == [
        "pip",
        "install",
        "--python",
        str(plain),
        "ipykernel",
    ]
    assert plain_doc["environment"]["prefix"] == str(tmp_path / "plain")  # type: ignore[index]

    missing = envdoctor("check", "--kernel", "nope", env=env)
    assert missing.returncode == 2 and "no Jupyter kernel named 'nope' (found: gone, ir, plain)" in missing.stderr
    not_python = envdoctor("check", "--kernel", "ir", env=env)
    assert not_python.returncode == 2 and "not a Python interpreter" in not_python.stderr

    verified = envdoctor("verify", "--kernel", "plain", "--format", "json", env=env)
    assert verified.returncode == 0 and json.loads(verified.stdout)["prefix"] == str(tmp_path / "plain")
    assert envdoctor("verify", "--kernel", "gone", env=env).returncode == 2

    listing = envdoctor("kernels", "--format", "json", env=env)
    assert listing.returncode == 1, listing.stderr
    kernels = {k["name"]: k for k in json.loads(listing.stdout)["kernels"]}
    assert set(kernels) == {"gone", "plain", "ir"}
    assert kernels["gone"]["exists"] is False and kernels["gone"]["findings"] == ["ED231"]
    assert kernels["plain"]["environment"]["prefix"] == str(tmp_path / "plain")
    assert kernels["plain"]["ipykernel"] is None and kernels["plain"]["findings"] == ["ED233"]
    assert kernels["ir"]["interpreter"] is None and kernels["ir"]["findings"] == []
    asked = envdoctor(
        "kernels", "--jupyter", sys.executable, "--search-path", "jupyter-core", "--format", "json", env=env
    )
    if asked.returncode != 2:  # jupyter_core is installed in the test interpreter (`.[test]`)
        document = json.loads(asked.stdout)
        assert document["jupyter"]["path_source"].startswith("jupyter_core ")
        assert {"gone", "plain", "ir"} <= {k["name"] for k in document["kernels"]}
    assert envdoctor("kernels", "--jupyter", str(tmp_path / "nope"), env=env).returncode == 2
    text = envdoctor("kernels", env=env).stdout
    assert "gone  \u201cPython (gone)\u201d  broken (ED231)" in text and f"{data / 'kernels'}  (3)" in text
    markdown = envdoctor("kernels", "--format", "markdown", env=env).stdout
    assert markdown.startswith("## envdoctor kernels") and "- `plain`  \u201cPython (plain)\u201d  " in markdown


def test_snapshot_round_trip_diagnoses_identically(tmp_path: Path, pip_venv_with_tf: Path) -> None:
    python = make_venv(tmp_path / "venvY")
    write_kernel(tmp_path / "jupyter", "venvy", "Python (venvY)", ipykernel_argv(pip_venv_with_tf))
    env = clean_env(tmp_path, [python.parent, pip_venv_with_tf.parent, *SYSTEM_BIN])
    live = check_json("--python", str(python), env=env)
    snap = tmp_path / "snap.json"
    assert envdoctor("snapshot", "--python", str(python), "-o", str(snap), env=env).returncode == 0
    elsewhere = clean_env(tmp_path / "elsewhere", SYSTEM_BIN)  # another shell: nothing of the above on PATH
    from_file = check_json("--snapshot", str(snap), env=elsewhere)
    assert {"ED232", "ED233", "ED234", "ED236"} <= set(codes(live))
    assert from_file["findings"] == live["findings"]
    listing = envdoctor("kernels", "--snapshot", str(snap), "--format", "json", env=elsewhere)
    assert [k["name"] for k in json.loads(listing.stdout)["kernels"]] == ["venvy"]
