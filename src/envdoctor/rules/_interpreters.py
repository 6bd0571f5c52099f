"""Pure helpers of the wrong-interpreter rules (ED231-ED236): which interpreter is which
environment, what a kernel's name refers to, and the commands that fix a kernel spec."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from envdoctor import remedies
from envdoctor.frameworks import framework_family, of_distribution
from envdoctor.model import KernelSpecFacts, SeenInterpreter, Session, Step
from envdoctor.owner import CONDA, CONDA_FLAVOURS, EXTERNALLY_MANAGED, PIP_VENV, UV_VENV, Owner
from envdoctor.rules._context import Context

_CONDA_ENV_DISPLAY = re.compile(r"\[conda env:\s*([^\]]+?)\s*\]", re.IGNORECASE)
_BRACKETED = re.compile(r"[(\[]([^()\[\]]+)[)\]]")
_GENERIC = re.compile(
    r"^(python|python ?\d+(\.\d+)*|py\d*|ipykernel|ipython|kernel|default|system|native|local|"
    r"python ?\d+(\.\d+)* ?\(?ipykernel\)?|\d+(\.\d+)*|ir|julia.*|bash|javascript|xpython)$",
    re.IGNORECASE,
)
_VENV_DIR_NAMES = frozenset({".venv", "venv", "env", ".env", ".conda"})
KERNEL_MODULES = ("ipykernel_launcher", "ipykernel")


def norm(path: str) -> str:
    return path.replace("\\", "/").rstrip("/")


def norm_name(name: str) -> str:
    """ "TF_2.15" -> "tf-2-15", ".venv" -> "venv": how names are compared."""
    return re.sub(r"[-_.\s]+", "-", name.strip().lower()).strip("-")


def same_env(a: str, b: str) -> bool:
    return bool(a) and bool(b) and norm(a) == norm(b)


def target_prefix(ctx: Context) -> str:
    return ctx.snapshot.session.target_prefix or ctx.interpreter.prefix


def env_names_of(prefix: str) -> set[str]:
    """The names a user calls the environment at `prefix` by: its folder, or project for project/.venv."""
    path = norm(prefix)
    base = posixpath.basename(path)
    names = {norm_name(base)} if base else set()
    if base.lower() in _VENV_DIR_NAMES:
        names.add(norm_name(posixpath.basename(posixpath.dirname(path))))
    return names


def describe(seen: SeenInterpreter) -> str:
    """ "/venv/bin/python (venv tf, Python 3.11; tensorflow 2.15.0, ipykernel 6.29.0)" """
    name = seen.executable
    if seen.resolved and seen.resolved != seen.executable:
        name += f" -> {seen.resolved}"
    if not seen.exists:
        return f"{name} (does not exist)"
    kind = " ".join(p for p in (seen.env_kind, seen.env_name) if p)
    facts = [p for p in (kind, f"Python {seen.version}" if seen.version else "") if p]
    packages = ", ".join(f"{n} {v}" for n, v in sorted(seen.packages.items()) if of_distribution(n) or n == "ipykernel")
    where = "; ".join(p for p in (", ".join(facts), packages) if p)
    return f"{name} ({where})" if where else name


def frameworks_in(seen: SeenInterpreter) -> dict[str, tuple[str, str]]:
    """family -> (distribution, version) installed in `seen`."""
    found: dict[str, tuple[str, str]] = {}
    for name, version in sorted(seen.packages.items()):
        family = framework_family(name)
        if family and family not in found:
            found[family] = (name, version)
    return found


def kernel_references(spec: KernelSpecFacts) -> list[str]:
    """The environment names a kernel's display name and folder name point at: `Python (tf)`,
    `Python [conda env:tf]`, a kernel folder `tf-gpu` (generic ones such as `python3` point nowhere)."""
    refs: list[str] = []
    match = _CONDA_ENV_DISPLAY.search(spec.display_name)
    if match:
        name = match.group(1)
        refs.append("base" if name.lower() == "root" else name)
    else:
        for inner in _BRACKETED.findall(spec.display_name):
            if not _GENERIC.match(inner.strip()):
                refs.append(inner.strip())
    if not spec.native and not _GENERIC.match(spec.name):
        refs.append(spec.name)
    result: list[str] = []
    for ref in refs:
        if norm_name(ref) not in [norm_name(r) for r in result]:
            result.append(ref)
    return result


@dataclass(frozen=True)
class EnvRef:
    """An environment a kernel's name may refer to: the target, a conda env or pyenv version, or
    the environment of an interpreter seen on PATH / in a kernel."""

    label: str
    names: frozenset[str]  # normalized names it answers to
    prefix: str
    python: str
    kind: str
    ipykernel: bool | None  # None: not known
    owner: Owner  # how packages go into it


def owner_for(ctx: Context, seen: SeenInterpreter) -> Owner:
    """Who owns the environment of `seen` (the target's own Owner when it is the target): the
    same model as envdoctor.owner.owner_of, from the interpreter's files."""
    if same_env(seen.prefix, target_prefix(ctx)) and ctx.interpreter.executable:
        return ctx.owner
    return _owner(ctx, python_of(seen), seen.prefix, seen.env_kind, "pip" in seen.packages, seen.externally_managed)


def _owner(ctx: Context, python: str, prefix: str, kind: str, has_pip: bool, marker: str = "") -> Owner:
    tools = ctx.machine.tools
    windows = ctx.interpreter.sys_platform == "win32" or ctx.machine.os == "windows"
    uv = tools.get("uv", "uv")
    if kind == "conda":
        program, flavour = next(((tools[n], n) for n in CONDA_FLAVOURS if tools.get(n)), ("", ""))
        rattler = tools.get("rattler", "")
        if not flavour:
            flavour, program = ("rattler", "") if rattler else ("conda", "conda")
        return Owner(
            CONDA,
            python,
            prefix,
            (),
            has_pip,
            uv=uv,
            conda=program,
            conda_flavour=flavour,
            rattler_python=rattler,
            windows=windows,
        )
    if marker:
        return Owner(EXTERNALLY_MANAGED, python, prefix, (), has_pip, marker=marker, uv=uv, windows=windows)
    return Owner(PIP_VENV if has_pip else UV_VENV, python, prefix, (), has_pip, uv=uv, windows=windows)


def conda_owner_of(ctx: Context, prefix: str) -> Owner:
    """The owner of a conda prefix that has no interpreter of its own."""
    return _owner(ctx, "", prefix, "conda", False)


def install_step(ctx: Context, env: EnvRef | Owner, specs: list[str]) -> Step:
    """Install `specs` into an environment (the target, or another one). Only the target's install
    is a step `fix --apply` runs (it has a restore point); into any other environment the same
    command is shown as a manual step. An externally managed Python gets a manual step with no command."""
    owner = env.owner if isinstance(env, EnvRef) else env
    if owner.frozen:
        return remedies.manual(owner.frozen_reason(), "")
    manager = owner.conda_manager if owner.kind == CONDA else owner.python_manager
    step = remedies.install(owner, specs, manager=manager)
    if owner is ctx.owner:
        return step
    return remedies.manual(
        f"install {' '.join(specs)} into {owner.prefix} (not the inspected environment)", step.text()
    )


def environments(ctx: Context) -> list[EnvRef]:
    session = ctx.snapshot.session
    found: list[EnvRef] = []
    own = target_prefix(ctx)
    if own and ctx.interpreter.executable:
        names = env_names_of(own)
        if _is_active(session, own):
            names.add(norm_name(session.conda_default_env))
        known = bool(ctx.snapshot.distributions)
        kind = "conda" if ctx.snapshot.conda else ("venv" if ctx.interpreter.is_venv else "system")
        label = session.conda_default_env if _is_active(session, own) else posixpath.basename(norm(own))
        ipykernel = (ctx.get("ipykernel") is not None) if known else None
        found.append(EnvRef(label, frozenset(names), own, ctx.interpreter.executable, kind, ipykernel, ctx.owner))
    for named in session.environments:
        seen = session.interpreter(named.python) if named.python else None
        ipykernel = ("ipykernel" in seen.packages) if seen and seen.site_packages else None
        owner = owner_for(ctx, seen) if seen else _owner(ctx, named.python, named.prefix, named.kind, True)
        found.append(
            EnvRef(
                named.name, frozenset({norm_name(named.name)}), named.prefix, named.python, named.kind, ipykernel, owner
            )
        )
    for seen in session.interpreters:
        if not seen.exists or not seen.prefix or not seen.env_name or seen.env_kind == "system":
            continue
        names = env_names_of(seen.prefix) | {norm_name(seen.env_name)}
        ipykernel = ("ipykernel" in seen.packages) if seen.site_packages else None
        found.append(
            EnvRef(
                seen.env_name,
                frozenset(names),
                seen.prefix,
                python_of(seen),
                seen.env_kind,
                ipykernel,
                owner_for(ctx, seen),
            )
        )
    unique: list[EnvRef] = []
    for env in found:
        if env.python and not any(same_env(env.prefix, u.prefix) for u in unique):
            unique.append(env)
    return unique


def named_environments(ctx: Context, names: Iterable[str]) -> list[EnvRef]:
    wanted = {norm_name(n) for n in names}
    return [e for e in environments(ctx) if e.names & wanted]


def kernel_interpreter(session: Session, spec: KernelSpecFacts) -> SeenInterpreter | None:
    return session.interpreter(spec.interpreter) if spec.interpreter else None


def is_ipykernel(spec: KernelSpecFacts) -> bool:
    return spec.module in KERNEL_MODULES


def inside_ipython(session: Session) -> bool:
    """Taken by `%envdoctor`, inside a Jupyter kernel or IPython: `%pip` works, `!pip` is the shell's."""
    return session.inside in ("notebook", "ipython")


def kernel_mode(ctx: Context) -> bool:
    """The user runs the target as a Jupyter kernel or in IPython (`check --kernel`, `%envdoctor`)."""
    session = ctx.snapshot.session
    return bool(session.kernel) or inside_ipython(session)


def relevant_kernels(ctx: Context) -> list[KernelSpecFacts]:
    """`check --kernel NAME` / `%envdoctor`: that kernel. Otherwise the kernels that concern the
    target: those running it, and those named after it."""
    session = ctx.snapshot.session
    kernels = session.jupyter.kernels if session.jupyter else []
    if session.kernel:
        return [k for k in kernels if k.name == session.kernel.lower()]
    own = target_prefix(ctx)
    own_names = env_names_of(own) | ({norm_name(session.conda_default_env)} if _is_active(session, own) else set())
    result = []
    for spec in kernels:
        seen = kernel_interpreter(session, spec)
        runs_target = seen is not None and same_env(seen.prefix, own)
        named_after = any(norm_name(r) in own_names for r in kernel_references(spec))
        if runs_target or named_after:
            result.append(spec)
    return result


def _is_active(session: Session, prefix: str) -> bool:
    return bool(session.conda_prefix) and bool(session.conda_default_env) and same_env(session.conda_prefix, prefix)


def install_location(session: Session, spec: KernelSpecFacts) -> str | None:
    """The `ipykernel install` option that writes a spec where `spec` is now (so it replaces it):
    `--user` for the user data dir, `--prefix P` for P/share/jupyter/kernels; None elsewhere."""
    jupyter = session.jupyter
    folder = norm(spec.search_dir)
    if jupyter and jupyter.data_dir and folder == norm(posixpath.join(norm(jupyter.data_dir), "kernels")):
        return "--user"
    suffix = "/share/jupyter/kernels"
    if folder.endswith(suffix):
        return f"--prefix {shlex.quote(folder[: -len(suffix)] or '/')}"
    if spec.native or not spec.search_dir:
        return "--user"
    return None


def register_command(python: str, name: str, display_name: str, location: str = "--user") -> str:
    """`PY -m ipykernel install --user --name NAME --display-name DISPLAY`"""
    return (
        f"{shlex.quote(python)} -m ipykernel install {location} --name {shlex.quote(name)}"
        f" --display-name {shlex.quote(display_name)}"
    )


def register_step(python: str, name: str, display_name: str, location: str = "--user") -> Step:
    """Registering a kernel changes the user's Jupyter, not an environment: shown, never run by `fix --apply`."""
    return remedies.manual(
        f"register {python} as the Jupyter kernel {name!r}", register_command(python, name, display_name, location)
    )


def python_of(seen: SeenInterpreter) -> str:
    """The interpreter path to put in a command: the real file behind a shim."""
    return seen.resolved or seen.executable


def display_for(name: str) -> str:
    return f"Python ({name})"
