"""ED231-ED233: Jupyter kernel specs whose interpreter is gone, lacks ipykernel, or is not the
environment the kernel is named after."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor import remedies
from envdoctor.model import Finding, KernelSpecFacts, Remedy, SeenInterpreter, Session, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._interpreters import (
    EnvRef,
    describe,
    display_for,
    env_names_of,
    install_location,
    install_step,
    is_ipykernel,
    kernel_interpreter,
    kernel_references,
    named_environments,
    norm_name,
    owner_for,
    python_of,
    register_command,
    register_step,
    relevant_kernels,
    same_env,
)
from envdoctor.rules._registry import rule


def _spec_evidence(spec: KernelSpecFacts) -> list[str]:
    where = f"{spec.resource_dir}/kernel.json" if spec.resource_dir and not spec.native else spec.resource_dir
    lines = [f"kernel spec: {spec.name} ({spec.display_name or 'no display name'})"]
    if spec.native:
        lines.append("jupyter_client's built-in python3 kernel (ipykernel in the Jupyter's own environment)")
    elif where:
        lines.append(f"kernel.json: {where}")
    if spec.argv:
        lines.append("argv: " + " ".join(spec.argv))
    lines += [f"hidden by it: {s}" for s in spec.shadows]
    return lines


def _candidates(ctx: Context, spec: KernelSpecFacts, seen: SeenInterpreter | None) -> list[EnvRef]:
    """Environments the kernel is named after (or whose folder name its missing interpreter had)."""
    names = kernel_references(spec)
    if seen is not None and seen.prefix:
        names += sorted(env_names_of(seen.prefix))
    return [
        e
        for e in named_environments(ctx, names)
        if not (seen is not None and seen.exists and same_env(e.prefix, seen.prefix))
    ]


def _register_fix(
    ctx: Context, session: Session, spec: KernelSpecFacts, env: EnvRef
) -> tuple[Remedy | None, list[str]]:
    """The remedy that points the kernel `spec` at `env`, and the hints around it."""
    location = install_location(session, spec)
    display = spec.display_name or display_for(spec.name)
    hints: list[str] = []
    if location is None:
        hints.append(
            f"{spec.resource_dir} is on JUPYTER_PATH, where `ipykernel install` cannot write: edit argv[0] in "
            f"its kernel.json to {env.python}, or remove the folder and run "
            f"`{register_command(env.python, spec.name, display)}`."
        )
        return None, hints
    steps = []
    if env.ipykernel is False:
        steps.append(install_step(ctx, env, ["ipykernel"]))
    elif env.ipykernel is None:
        hints.append(f"It needs ipykernel in {env.prefix}: {remedies.step_text(install_step(ctx, env, ['ipykernel']))}")
    steps.append(register_step(env.python, spec.name, display, location))
    return Remedy(steps), hints


@rule(
    "ED231",
    "kernel-interpreter-missing",
    title="A Jupyter kernel runs an interpreter that does not exist",
    severity=Severity.ERROR,
    cause="wrong-interpreter",
)
def kernel_interpreter_missing(ctx: Context) -> Iterator[Finding]:
    """What:
    A Jupyter kernel spec (kernel.json on Jupyter's search path) whose argv starts an interpreter
    that is not there any more, or a `conda run -n NAME` kernel whose environment is gone. The
    kernel fails to start ("Kernel died", "Dead kernel", or Jupyter retries forever). Checked for
    `check --kernel NAME`, for `%envdoctor`, and in `check` for the kernels named after the
    inspected environment; `envdoctor kernels` checks every kernel.

    Why:
    `python -m ipykernel install` writes the interpreter's absolute path into kernel.json.
    Removing, renaming or recreating the environment (a new Python version writes another
    `bin/python3.X`) leaves the kernel pointing at nothing, under the same friendly name.

    Example:
    kernel `tf` ("Python (tf)") runs /opt/conda/envs/tf/bin/python3.10; the env was recreated
    with Python 3.11 at /home/me/miniforge3/envs/tf.

    Fix:
    Register the kernel again from the environment it is named after:
    `/home/me/miniforge3/envs/tf/bin/python -m ipykernel install --user --name tf --display-name "Python (tf)"`
    (`pip install ipykernel` there first when it lacks it), or remove the dead kernel with
    `jupyter kernelspec remove tf`.
    """
    session = ctx.snapshot.session
    for spec in relevant_kernels(ctx):
        conda_problem = next((p for p in spec.problems if p.startswith("`conda run")), None)
        seen = kernel_interpreter(session, spec)
        if conda_problem is None and (seen is None or seen.exists):
            continue
        candidates = _candidates(ctx, spec, seen)
        evidence = _spec_evidence(spec)
        evidence.append(conda_problem or f"interpreter: {spec.interpreter} does not exist")
        evidence += [f"an environment named {e.label}: {e.prefix} ({e.python})" for e in candidates]
        fix: Remedy | None = None
        hints: list[str] = []
        if candidates:
            fix, hints = _register_fix(ctx, session, spec, candidates[0])
        else:
            display = spec.display_name or display_for(spec.name)
            hints.append(
                "Recreate the environment, then register it under the same name: PYTHON -m pip install ipykernel && "
                f"{register_command('PYTHON', spec.name, display)}"
            )
            if session.command("jupyter"):
                fix = Remedy(
                    [remedies.manual("remove the dead kernel spec", f"jupyter kernelspec remove -y {spec.name}")]
                )
                hints.append("The fix removes the dead kernel spec.")
            else:
                hints.append(f"Or remove the dead kernel spec: delete {spec.resource_dir}")
        yield kernel_interpreter_missing.finding(
            f"Jupyter kernel '{spec.name}' ({spec.display_name or spec.name}) runs "
            + (f"{spec.interpreter}, which does not exist" if not conda_problem else "a conda env that does not exist"),
            evidence=evidence,
            fix=fix,
            hints=hints,
            subject=f"kernel:{spec.name}",
        )


@rule(
    "ED232",
    "kernel-env-mismatch",
    title="A Jupyter kernel runs another environment than the one it is named after",
    severity=Severity.WARNING,
    cause="wrong-interpreter",
)
def kernel_env_mismatch(ctx: Context) -> Iterator[Finding]:
    """What:
    A kernel whose display name or name refers to an environment (`Python (tf)`,
    `Python [conda env:tf]`, a kernel named `tf`) while its interpreter belongs to another one,
    and an environment of that name exists elsewhere. Only names of environments envdoctor can see
    count (conda envs, pyenv versions, the inspected environment and those of the interpreters on
    PATH or in other kernels), so a free description is not a mismatch.

    Why:
    The notebook shows "Python (tf)" and the user installs into the env `tf`, but the kernel runs
    another interpreter: every import of what was just installed fails with
    `ModuleNotFoundError`. Typical after copying a kernel.json, re-using a kernel name, or
    recreating the env under another prefix while an old same-named kernel still exists.

    Example:
    kernel `tf` ("Python (tf)") runs /home/me/envs/torch/bin/python; conda env `tf` is at
    /opt/conda/envs/tf.

    Fix:
    Point the kernel at the environment it is named after:
    `/opt/conda/envs/tf/bin/python -m ipykernel install --user --name tf --display-name "Python (tf)"`.
    """
    session = ctx.snapshot.session
    for spec in relevant_kernels(ctx):
        seen = kernel_interpreter(session, spec)
        if seen is None or not seen.exists:
            continue
        own = env_names_of(seen.prefix) | ({norm_name(seen.env_name)} if seen.env_name else set())
        refs = [r for r in kernel_references(spec) if norm_name(r) not in own]
        others = [e for e in named_environments(ctx, refs) if not same_env(e.prefix, seen.prefix)]
        if not refs or not others:
            continue
        named = others[0]
        fix, hints = _register_fix(ctx, session, spec, named)
        named_seen = session.interpreter(named.python)
        hints.append(
            f"If the kernel should run {seen.prefix}, give it its own name instead: "
            + register_command(python_of(seen), seen.env_name or "env", display_for(seen.env_name or "env"))
        )
        yield kernel_env_mismatch.finding(
            f"Jupyter kernel '{spec.name}' ({spec.display_name or spec.name}) is named after the environment "
            f"{named.label} ({named.prefix}) but runs {seen.prefix}",
            evidence=[
                *_spec_evidence(spec),
                f"the kernel runs: {describe(seen)}",
                f"environment {named.label}: "
                + (describe(named_seen) if named_seen else f"{named.python} ({named.kind})"),
            ],
            fix=fix,
            hints=hints,
            subject=f"kernel:{spec.name}",
        )


@rule(
    "ED233",
    "kernel-without-ipykernel",
    title="A Jupyter kernel's interpreter lacks ipykernel",
    severity=Severity.ERROR,
    cause="wrong-interpreter",
)
def kernel_without_ipykernel(ctx: Context) -> Iterator[Finding]:
    """What:
    A kernel spec runs `python -m ipykernel_launcher` with an interpreter whose environment has
    no ipykernel installed (read from its site-packages). The kernel dies at start with
    `No module named ipykernel_launcher`.

    Why:
    The environment was recreated (or ipykernel uninstalled) after the kernel was registered:
    kernel.json still names its interpreter, which exists but cannot run a kernel.

    Example:
    kernel `tf` runs /opt/conda/envs/tf/bin/python; /opt/conda/envs/tf has no ipykernel.

    Fix:
    Install ipykernel into that environment: `/opt/conda/envs/tf/bin/python -m pip install ipykernel`
    (or `conda install -p /opt/conda/envs/tf ipykernel` in a conda env).
    """
    session = ctx.snapshot.session
    for spec in relevant_kernels(ctx):
        seen = kernel_interpreter(session, spec)
        if seen is None or not seen.exists or not is_ipykernel(spec) or not seen.site_packages:
            continue
        if "ipykernel" in seen.packages:
            continue
        yield kernel_without_ipykernel.finding(
            f"Jupyter kernel '{spec.name}' ({spec.display_name or spec.name}) runs {seen.executable}, "
            f"which has no ipykernel: the kernel cannot start",
            evidence=[
                *_spec_evidence(spec),
                f"the kernel runs: {describe(seen)}",
                "site-packages read: " + ", ".join(seen.site_packages),
            ],
            fix=Remedy([install_step(ctx, owner_for(ctx, seen), ["ipykernel"])]),
            about=["ipykernel"],
            hints=["Then restart the kernel from the notebook (Kernel > Restart)."],
            subject=f"kernel:{spec.name}",
        )
