"""ED234 pip-python-mismatch, ED235 activated-env-shadowed."""

from __future__ import annotations

import dataclasses

from envdoctor.model import Severity
from tests.factories import snapshot
from tests.rules.conftest import one, run
from tests.rules.sessions import command, interp, session

VENV = "/home/me/venvs/tf"
LOCAL_BIN = "/home/me/.local/bin"


def _snap(sess, prefix: str = VENV):  # type: ignore[no-untyped-def]
    snap = snapshot([], prefix=prefix)
    snap.session = sess
    return snap


def _pip_elsewhere(pip_index: int, python_index: int, others=()):  # type: ignore[no-untyped-def]
    system = interp("/usr", "pip on PATH", kind="system", name="", version="3.10", executable="/usr/bin/python3.10")
    venv = interp(VENV, "python on PATH", packages={})
    path = ["/x"] * (max(pip_index, python_index) + 1)
    path[pip_index] = LOCAL_BIN
    path[python_index] = f"{VENV}/bin"
    return session(
        path=path,
        commands=[
            command("python", f"{VENV}/bin/python", python_index, venv.executable),
            command("pip", f"{LOCAL_BIN}/pip", pip_index, system.executable, others=others),
        ],
        interpreters=[system, venv],
        target_prefix=VENV,
    )


def test_ed234_env_without_pip_gets_ensurepip() -> None:
    f = one("ED234", _snap(_pip_elsewhere(pip_index=3, python_index=0)))
    assert f.severity is Severity.WARNING and f.cause == "wrong-interpreter"
    assert (
        f.message == f"`pip` on PATH installs into /usr (Python 3.10), but `python` on PATH runs {VENV} (Python 3.11.7)"
    )
    assert (
        f.evidence[0]
        == f"`pip`: {LOCAL_BIN}/pip, PATH entry #4 ({LOCAL_BIN}), shebang -> /usr/bin/python3.10 (system, Python 3.10)"
    )
    assert f.evidence[1].startswith(f"`python`: {VENV}/bin/python, PATH entry #1 ({VENV}/bin) -> ")
    assert f.fix == f"{VENV}/bin/python -m ensurepip --upgrade --default-pip"
    assert any("-m pip install PACKAGE" in h and "%pip install PACKAGE" in h for h in f.hints)


def test_ed234_earlier_pip_gets_the_path_order_fixed() -> None:
    sess = _pip_elsewhere(pip_index=0, python_index=2, others=[f"{VENV}/bin/pip"])
    f = one("ED234", _snap(sess))
    assert f.fix == f'export PATH={VENV}/bin:"$PATH"'
    assert any("shell start-up" in h for h in f.hints)


def test_ed234_conda_and_distribution_pythons() -> None:
    sess = _pip_elsewhere(pip_index=3, python_index=0)
    sess.interpreters[1].env_kind = "conda"  # `python` is a conda env's; the target is pip's /usr
    f = one("ED234", _snap(dataclasses.replace(sess, target_prefix="/usr"), prefix="/usr"))
    assert f.fix == f"conda install --yes --prefix {VENV} pip"
    assert f.remedy is not None and f.remedy.steps[0].action == "manual"  # not the inspected environment
    # pip of a venv, python the distribution's /usr/bin/python3: no ensurepip there
    usr = interp("/usr", "python3 on PATH", kind="system", name="", executable="/usr/bin/python3")
    venv = interp(VENV, "pip3 on PATH")
    sess = session(
        path=[f"{VENV}/bin", "/usr/bin"],
        commands=[
            command("python3", "/usr/bin/python3", 1, usr.executable),
            command("pip3", f"{VENV}/bin/pip3", 0, venv.executable),
        ],
        interpreters=[usr, venv],
        target_prefix="/usr",
    )
    f = one("ED234", _snap(sess, prefix="/usr"))
    assert f.message.startswith("`pip3` on PATH installs into")
    assert f.fix is None and any("apt install python3-pip" in h for h in f.hints)


def test_ed234_passing() -> None:
    same = interp(VENV, "python on PATH", "pip on PATH")
    sess = session(
        path=[f"{VENV}/bin"],
        commands=[
            command("python", f"{VENV}/bin/python", 0, same.executable),
            command("pip", f"{VENV}/bin/pip", 0, same.executable),
        ],
        interpreters=[same],
        target_prefix=VENV,
    )
    assert run("ED234", _snap(sess)) == []
    # a mismatch that concerns neither the target nor a notebook is not this check's business
    other = _pip_elsewhere(pip_index=3, python_index=0)
    assert run("ED234", _snap(dataclasses.replace(other, target_prefix="/opt/other"), prefix="/opt/other")) == []
    assert (
        len(
            run(
                "ED234",
                _snap(dataclasses.replace(other, target_prefix="/opt/other", inside="notebook"), prefix="/opt/other"),
            )
        )
        == 1
    )


def _shadowed(active_packages: dict[str, str], shim_packages: dict[str, str]):  # type: ignore[no-untyped-def]
    conda = interp("/opt/conda/envs/tf", "$CONDA_PREFIX", kind="conda", packages=active_packages)
    shim = interp(
        "/root/.pyenv/versions/3.11.7",
        "python on PATH",
        kind="pyenv",
        name="3.11.7",
        packages=shim_packages,
        executable="/root/.pyenv/shims/python",
    )
    shim.resolved = "/root/.pyenv/versions/3.11.7/bin/python"
    return session(
        path=["/root/.pyenv/shims", "/opt/conda/envs/tf/bin", "/usr/bin"],
        commands=[command("python", "/root/.pyenv/shims/python", 0, shim.executable, how="pyenv shim")],
        interpreters=[conda, shim],
        conda_prefix="/opt/conda/envs/tf",
        conda_default_env="tf",
        target_prefix="/opt/conda/envs/tf",
    )


def test_ed235_pyenv_shim_before_the_conda_env() -> None:
    f = one("ED235", _snap(_shadowed({"tensorflow": "2.15.0"}, {}), prefix="/opt/conda/envs/tf"))
    assert f.severity is Severity.ERROR and f.cause == "wrong-interpreter"
    assert f.message == (
        "the active conda env tf (/opt/conda/envs/tf) is shadowed: `python` runs /root/.pyenv/versions/3.11.7 "
        "from PATH entry #1 (/root/.pyenv/shims)"
    )
    assert "/opt/conda/envs/tf/bin: PATH entry #2" in f.evidence
    assert "the environment has tensorflow; `python` does not" in f.evidence
    assert f.fix == 'export PATH=/opt/conda/envs/tf/bin:"$PATH"'
    assert any("pyenv init" in h for h in f.hints)


def test_ed235_warning_without_framework_difference_and_env_without_python() -> None:
    f = one("ED235", _snap(_shadowed({}, {}), prefix="/opt/conda/envs/tf"))
    assert f.severity is Severity.WARNING
    sess = _shadowed({}, {})
    sess.interpreters = [i for i in sess.interpreters if "$CONDA_PREFIX" not in i.roles]  # no python in the env
    f = one("ED235", _snap(dataclasses.replace(sess, target_prefix="/root/.pyenv/versions/3.11.7")))
    assert "has no Python of its own" in f.message
    assert f.fix == "conda install --yes --prefix /opt/conda/envs/tf python"
    assert f.severity is Severity.ERROR


def test_ed235_passing() -> None:
    conda = interp("/opt/conda/envs/tf", "$CONDA_PREFIX", "python on PATH", kind="conda")
    sess = session(
        path=["/opt/conda/envs/tf/bin", "/root/.pyenv/shims"],
        commands=[command("python", "/opt/conda/envs/tf/bin/python", 0, conda.executable)],
        interpreters=[conda],
        conda_prefix="/opt/conda/envs/tf",
        target_prefix="/opt/conda/envs/tf",
    )
    assert run("ED235", _snap(sess, prefix="/opt/conda/envs/tf")) == []
    # a venv activated on top of conda base: the venv is what counts
    venv = interp(VENV, "$VIRTUAL_ENV", "python on PATH")
    sess = session(
        path=[f"{VENV}/bin", "/opt/conda/bin"],
        commands=[command("python", f"{VENV}/bin/python", 0, venv.executable)],
        interpreters=[venv, interp("/opt/conda", "$CONDA_PREFIX", kind="conda", name="base")],
        conda_prefix="/opt/conda",
        virtual_env=VENV,
        target_prefix=VENV,
    )
    assert run("ED235", _snap(sess)) == []
    assert run("ED235", _snap(session(target_prefix=VENV))) == []
