"""ED231 kernel-interpreter-missing, ED232 kernel-env-mismatch, ED233 kernel-without-ipykernel."""

from __future__ import annotations

import dataclasses

from envdoctor.model import NamedEnvironment, Severity
from tests.factories import dist, snapshot
from tests.rules.conftest import one, run, text
from tests.rules.sessions import DATA_DIR, interp, kernel, session

TF = "/opt/conda/envs/tf"
TORCH = "/opt/conda/envs/torch"
IPYKERNEL = {"ipykernel": "6.29.5"}


def _snap(sess, dists=(), prefix: str = "/env"):  # type: ignore[no-untyped-def]
    snap = snapshot(list(dists), prefix=prefix)
    snap.session = sess
    return snap


def test_ed231_missing_interpreter_with_an_env_of_that_name_elsewhere() -> None:
    gone = interp("/old/envs/tf", "kernel tf", exists=False, executable="/old/envs/tf/bin/python3.10")
    new = interp("/home/me/miniforge3/envs/tf", "environment tf", kind="conda", packages=IPYKERNEL)
    sess = session(
        interpreters=[gone, new],
        kernels=[kernel("tf", "Python (tf)", gone.executable)],
        environments=[NamedEnvironment("tf", new.prefix, "conda", new.executable)],
        kernel="tf",
    )
    f = one("ED231", _snap(sess))
    assert f.severity is Severity.ERROR and f.cause == "wrong-interpreter"
    assert f.message == "Jupyter kernel 'tf' (Python (tf)) runs /old/envs/tf/bin/python3.10, which does not exist"
    assert f"kernel.json: {DATA_DIR}/kernels/tf/kernel.json" in f.evidence
    assert f"an environment named tf: {new.prefix} ({new.executable})" in f.evidence
    assert f.fix == (f"{new.executable} -m ipykernel install --user --name tf --display-name 'Python (tf)'")
    assert f.subject == "kernel:tf"


def test_ed231_named_env_without_ipykernel_installs_it_first_and_conda_uses_conda() -> None:
    gone = interp("/old/envs/tf", "kernel tf", exists=False)
    new = interp("/home/me/miniforge3/envs/tf", "environment tf", kind="conda")
    sess = session(
        interpreters=[gone, new],
        kernels=[kernel("tf", "Python (tf)", gone.executable)],
        environments=[NamedEnvironment("tf", new.prefix, "conda", new.executable)],
        kernel="tf",
    )
    f = one("ED231", _snap(sess))
    assert f.fix == (
        f"conda install --yes --prefix {new.prefix} ipykernel && "
        f"{new.executable} -m ipykernel install --user --name tf --display-name 'Python (tf)'"
    )


def test_ed231_without_a_candidate_removes_the_spec_when_jupyter_is_there() -> None:
    from tests.rules.sessions import command

    gone = interp("/old/envs/proj", "kernel proj", exists=False)
    jupyter = command("jupyter", "/usr/bin/jupyter", 0, "/usr/bin/python3")
    sess = session(interpreters=[gone], kernels=[kernel("proj", "Project", gone.executable)], kernel="proj")
    f = one("ED231", _snap(sess))
    assert f.fix is None
    assert any(f"delete {DATA_DIR}/kernels/proj" in h for h in f.hints)
    sess.commands.append(jupyter)
    assert one("ED231", _snap(sess)).fix == "jupyter kernelspec remove -y proj"


def test_ed231_kernel_in_a_jupyter_path_folder_gets_no_command() -> None:
    gone = interp("/old/envs/tf", "kernel tf", exists=False)
    new = interp("/opt/conda/envs/tf", "environment tf", kind="conda", packages=IPYKERNEL)
    spec = kernel("tf", "Python (tf)", gone.executable, search_dir="/srv/kernels")
    sess = session(
        interpreters=[gone, new],
        kernels=[spec],
        environments=[NamedEnvironment("tf", new.prefix, "conda", new.executable)],
        kernel="tf",
    )
    f = one("ED231", _snap(sess))
    assert f.fix is None and "JUPYTER_PATH" in text(f)
    spec.search_dir = "/opt/jupyter/share/jupyter/kernels"
    assert one("ED231", _snap(sess)).fix == (
        f"{new.executable} -m ipykernel install --prefix /opt/jupyter --name tf --display-name 'Python (tf)'"
    )


def test_ed231_passing_and_relevance() -> None:
    ok = interp(TF, "kernel tf", kind="conda", packages=IPYKERNEL)
    gone = interp("/old/envs/other", "kernel other", exists=False)
    sess = session(
        interpreters=[ok, gone],
        kernels=[kernel("tf", "Python (tf)", ok.executable), kernel("other", "Other", gone.executable)],
    )
    # plain check of /env: neither kernel runs it or is named after it
    assert run("ED231", _snap(sess)) == []
    # the kernel that works
    assert run("ED231", _snap(dataclasses.replace(sess, kernel="tf"))) == []
    # check of the env a broken kernel is named after
    sess_named = dataclasses.replace(sess, target_prefix="/home/me/envs/other")
    assert [f.subject for f in run("ED231", _snap(sess_named, prefix="/home/me/envs/other"))] == ["kernel:other"]


def test_ed232_kernel_named_after_another_env() -> None:
    torch = interp(TORCH, "kernel tf", kind="conda", packages={"torch": "2.3.1", **IPYKERNEL})
    tf = interp(TF, "environment tf", kind="conda", packages={"tensorflow": "2.15.0", **IPYKERNEL})
    sess = session(
        interpreters=[torch, tf],
        kernels=[kernel("tf", "Python (tf)", torch.executable)],
        environments=[
            NamedEnvironment("tf", TF, "conda", tf.executable),
            NamedEnvironment("torch", TORCH, "conda", torch.executable),
        ],
        kernel="tf",
    )
    f = one("ED232", _snap(sess))
    assert f.severity is Severity.WARNING and f.cause == "wrong-interpreter"
    assert f.message == f"Jupyter kernel 'tf' (Python (tf)) is named after the environment tf ({TF}) but runs {TORCH}"
    assert any(e.startswith("the kernel runs: ") and "torch 2.3.1" in e for e in f.evidence)
    assert any(e.startswith("environment tf: ") and "tensorflow 2.15.0" in e for e in f.evidence)
    assert f.fix == f"{tf.executable} -m ipykernel install --user --name tf --display-name 'Python (tf)'"


def test_ed232_nb_conda_kernels_display_and_the_target_as_the_named_env() -> None:
    torch = interp(TORCH, "kernel myk", kind="conda", packages=IPYKERNEL)
    sess = session(
        interpreters=[torch],
        kernels=[kernel("myk", "Python [conda env:tf]", torch.executable)],
        target_prefix=TF,
    )
    snap = _snap(sess, [dist("ipykernel", "6.29.5")], prefix=TF)
    f = one("ED232", snap)
    assert f"named after the environment tf ({TF})" in f.message
    assert f.fix == f"{TF}/bin/python -m ipykernel install --user --name myk --display-name 'Python [conda env:tf]'"
    # without ipykernel in the target, the fix installs it first, the way the target's owner installs
    # (no pip in this test target: uv)
    snap = _snap(sess, [dist("numpy", "1.26.4")], prefix=TF)
    assert one("ED232", snap).fix.startswith(f"uv pip install --python {TF}/bin/python ipykernel && ")  # type: ignore[union-attr]


def test_ed232_passing_generic_or_free_names() -> None:
    tf = interp(TF, "kernel tf", kind="conda", packages=IPYKERNEL)
    other = interp("/srv/envs/data", "kernel ds", kind="venv", packages=IPYKERNEL)
    sess = session(
        interpreters=[tf, other],
        kernels=[
            kernel("tf", "Python (tf)", tf.executable),  # runs the env it is named after
            kernel("python3", "Python 3 (ipykernel)", tf.executable),  # generic
            kernel("ds", "Python (data science)", other.executable),  # no env of that name
        ],
        environments=[NamedEnvironment("tf", TF, "conda", tf.executable)],
    )
    for name in ("tf", "python3", "ds"):
        assert run("ED232", _snap(dataclasses.replace(sess, kernel=name))) == [], name


def test_ed233_interpreter_without_ipykernel() -> None:
    tf = interp(TF, "kernel tf", kind="conda", packages={"tensorflow": "2.15.0"})
    venv = interp("/home/me/venvs/tf", "kernel vtf", kind="venv", packages={"pip": "24.0"})
    sess = session(
        interpreters=[tf, venv],
        kernels=[kernel("tf", "Python (tf)", tf.executable), kernel("vtf", "Python (vtf)", venv.executable)],
        kernel="tf",
    )
    f = one("ED233", _snap(sess))
    assert f.severity is Severity.ERROR
    assert "has no ipykernel" in f.message
    assert f.fix == f"conda install --yes --prefix {TF} ipykernel"
    f = one("ED233", _snap(dataclasses.replace(sess, kernel="vtf")))
    assert f.fix == "/home/me/venvs/tf/bin/python -m pip install ipykernel"
    # another environment than the inspected one: shown, never run by `fix --apply`
    assert f.remedy is not None and [s.action for s in f.remedy.steps] == ["manual"]
    own = one("ED233", _snap(dataclasses.replace(sess, kernel="vtf", target_prefix=venv.prefix), prefix=venv.prefix))
    assert own.remedy is not None and [s.action for s in own.remedy.steps] == ["install"]
    venv.packages = {}  # a venv without pip (uv's): uv installs into it
    f = one("ED233", _snap(dataclasses.replace(sess, kernel="vtf")))
    assert f.fix == "uv pip install --python /home/me/venvs/tf/bin/python ipykernel"


def test_ed233_passing() -> None:
    tf = interp(TF, "kernel tf", kind="conda", packages=IPYKERNEL)
    unknown = interp("/weird", "kernel w")
    unknown.site_packages = []  # layout not understood: no claim
    other = interp("/x", "kernel r")
    sess = session(
        interpreters=[tf, unknown, other],
        kernels=[
            kernel("tf", "Python (tf)", tf.executable),
            kernel("w", "W", unknown.executable),
            kernel("r", "R", other.executable, module="my_kernel"),  # not an ipykernel kernel
        ],
    )
    for name in ("tf", "w", "r"):
        assert run("ED233", _snap(dataclasses.replace(sess, kernel=name))) == [], name
