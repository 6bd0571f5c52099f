"""ED236 framework-elsewhere."""

from __future__ import annotations

import dataclasses

from envdoctor.model import Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb, one, run
from tests.rules.sessions import interp, session

HERE = "/usr"
VENV = "/home/me/venvs/tf"
PIP = {"location": f"{HERE}/lib/python3.11/site-packages"}  # pip inside the target


def _snap(sess, dists=(), python: str = "3.11.7", prefix: str = HERE):  # type: ignore[no-untyped-def]
    snap = snapshot(list(dists), python=python, prefix=prefix)
    snap.interpreter.executable = f"{prefix}/bin/python3"
    snap.session = sess
    return snap


def _sess(**fields):  # type: ignore[no-untyped-def]
    pip_env = interp(VENV, "pip on PATH", packages={"tensorflow": "2.15.0", "pip": "24.0"})
    return session(interpreters=[pip_env], target_prefix=HERE, **fields)


def test_installed_where_pip_installs_not_where_python_runs() -> None:
    f = one("ED236", _snap(_sess(), [dist("pip", "24.0", **PIP)]))
    assert f.severity is Severity.WARNING and f.cause == "wrong-interpreter"
    assert f.message == f"tensorflow 2.15.0 is installed in {VENV} (pip on PATH), not in {HERE}, which you run"
    assert f.evidence[0] == f"the interpreter you run: {HERE}/bin/python3 (Python 3.11.7, no tensorflow)"
    assert f.evidence[1].startswith(f"tensorflow 2.15.0 in: {VENV}/bin/python (venv tf")
    assert f.fix == f"{HERE}/bin/python3 -m pip install tensorflow==2.15.0"
    assert f.subject == "tensorflow"
    assert any(
        f"{VENV}/bin/python -m pip install ipykernel && {VENV}/bin/python -m ipykernel install --user --name tf" in h
        for h in f.hints
    )


def test_kernel_and_notebook_forms() -> None:
    f = one("ED236", _snap(_sess(kernel="py3"), [dist("pip", "24.0", **PIP)]))
    assert f.severity is Severity.ERROR
    assert f.message.endswith(f"not in {HERE}, which the kernel 'py3' runs")
    assert any(h == "Inside the notebook the same fix is: %pip install tensorflow==2.15.0" for h in f.hints)
    f = one("ED236", _snap(_sess(kernel="py3", inside="notebook"), [dist("pip", "24.0", **PIP)]))
    assert f.fix == "%pip install tensorflow==2.15.0"
    assert any(h.startswith("%pip installs into") for h in f.hints)


def test_no_pip_in_the_target_and_a_version_without_a_build_for_its_python() -> None:
    f = one("ED236", _snap(_sess()))
    assert f.fix == f"uv pip install --python {HERE}/bin/python3 tensorflow==2.15.0"
    notebook = one("ED236", _snap(_sess(kernel="py3", inside="notebook")))
    assert notebook.fix == f"!uv pip install --python {HERE}/bin/python3 tensorflow==2.15.0"
    kb = make_kb(
        {
            "tensorflow": {
                "releases": [
                    {"version": "2.15.0", "pythons": {"linux-x86_64": ["3.9", "3.10", "3.11"]}, "requires": []}
                ]
            }
        }
    )
    pip = dist("pip", "24.0", location=f"{HERE}/lib/python3.12/site-packages")
    f = one("ED236", _snap(_sess(), [pip], python="3.12.1"), kb)
    assert f.fix == f"{HERE}/bin/python3 -m pip install tensorflow"
    assert any("no build for Python 3.12" in h for h in f.hints)


def test_passing() -> None:
    # the target has it
    assert run("ED236", _snap(_sess(), [dist("tensorflow", "2.15.0")])) == []
    # an interpreter the user neither installs into nor runs does not count
    sess = _sess()
    sess.interpreters[0].roles = ["kernel other"]
    assert run("ED236", _snap(sess)) == []
    # the other interpreter is the same environment
    assert run("ED236", _snap(dataclasses.replace(_sess(), target_prefix=VENV), prefix=VENV)) == []
    # an older snapshot without session facts
    snap = _snap(_sess())
    snap.session.read = False
    assert run("ED236", snap) == []
