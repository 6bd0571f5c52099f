"""The user's session around the target: the `python` / `pip` / `jupyter` first on PATH and the
interpreters they run, the active conda env / venv, the environments known by name, and the
Jupyter kernel specs with their interpreters. File reads only: nothing here runs an interpreter
(except `jupyter_core=True`, which asks the user's Jupyter for its own search path) and no kernel
is ever started."""

from __future__ import annotations

import os
from collections.abc import Mapping

from envdoctor._version import __version__
from envdoctor.bounded import maybe_text
from envdoctor.errors import SourceError
from envdoctor.model import (
    Interpreter,
    Jupyter,
    KernelSpecFacts,
    NamedEnvironment,
    PathCommand,
    SeenInterpreter,
    Session,
    Skipped,
    Snapshot,
)
from envdoctor.probe import jupyter as jup
from envdoctor.probe.envfiles import conda_env_name, identify, prefix_of
from envdoctor.probe.pathfind import (
    is_python_name,
    path_entries,
    pyenv_root_of_shim,
    resolve_pyenv_shim,
    shebang,
    which_all,
)
from envdoctor.probe.target import Target, python_in

COMMANDS = ("python", "python3", "pip", "pip3", "jupyter")
_ENV_LIMIT = 200  # named environments read at most (conda envs, pyenv versions)


class _Interpreters:
    """The interpreters seen so far, by the name they were reached by."""

    def __init__(self, env: Mapping[str, str], cwd: str, entries: list[str]) -> None:
        self.env, self.cwd, self.entries = env, cwd, entries
        self.seen: dict[str, SeenInterpreter] = {}
        root = env.get("PYENV_ROOT") or os.path.join(env.get("HOME") or os.path.expanduser("~"), ".pyenv")
        self.pyenv_root: str | None = root if os.path.isdir(root) else None

    def add(self, executable: str, role: str, *, resolved: str | None = None, via: str = "") -> SeenInterpreter:
        seen = self.seen.get(executable)
        if seen is None:
            seen = identify(executable, resolved=resolved, env=self.env, pyenv_root=self.pyenv_root, via=via)
            self.seen[executable] = seen
        if role and role not in seen.roles:
            seen.roles.append(role)
        return seen

    def through_shim(self, path: str, command: str) -> tuple[str, str]:
        """(the file `path` runs, how): a pyenv shim resolves to a version's file."""
        root = pyenv_root_of_shim(path)
        if root is None:
            return path, ""
        self.pyenv_root = self.pyenv_root or root
        choice = resolve_pyenv_shim(path, command, root, self.env, self.cwd, self.entries)
        return choice.file, choice.reason

    def command(self, cmd: PathCommand) -> None:
        """Fill in what `cmd` runs and record that interpreter."""
        file, via = self.through_shim(cmd.path, cmd.name)
        if is_python_name(cmd.name):
            cmd.interpreter = cmd.path
            cmd.how = "pyenv shim" if via else "interpreter"
            self.add(cmd.path, f"{cmd.name} on PATH", resolved=file, via=via)
            return
        words = shebang(file) if file else None
        if not words:
            cmd.how = "pyenv shim" if via else ""
            return
        program = words[0]
        if os.path.basename(program) == "env":
            rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            program = rest[0] if rest else ""
            found = which_all(program, self.entries, self.env) if program else []
            if not found:
                cmd.how = "shebang: env " + program
                return
            program = found[0][1]
        inner_file, inner_via = self.through_shim(program, os.path.basename(program))
        cmd.interpreter = program
        cmd.how = ("pyenv shim, " if via else "") + "shebang"
        self.add(program, f"{cmd.name} on PATH", resolved=inner_file, via=inner_via)


def known_environments(env: Mapping[str, str], pyenv_root: str | None) -> list[NamedEnvironment]:
    """conda environments (~/.conda/environments.txt, the envs folders of the conda installs in
    sight) and pyenv versions: what a kernel named after an environment may mean."""
    home = env.get("HOME") or os.path.expanduser("~")
    prefixes: list[str] = []

    listed = maybe_text(os.path.join(home, ".conda", "environments.txt")) or ""  # bounded, regular only
    prefixes += [line.strip() for line in listed.splitlines() if line.strip()]
    roots: list[str] = []
    if env.get("CONDA_EXE"):
        roots.append(prefix_of(env["CONDA_EXE"]))
    active = env.get("CONDA_PREFIX", "")
    if active:
        roots.append(
            os.path.dirname(os.path.dirname(active)) if os.path.basename(os.path.dirname(active)) == "envs" else active
        )
    env_dirs = [os.path.join(r, "envs") for r in roots] + [os.path.join(home, ".conda", "envs")]
    for var in ("CONDA_ENVS_PATH", "CONDA_ENVS_DIRS"):
        env_dirs += [p for p in env.get(var, "").split(os.pathsep) if p]
    prefixes += roots
    for folder in env_dirs:
        try:
            prefixes += [os.path.join(folder, n) for n in sorted(os.listdir(folder))]
        except OSError:
            continue
    found: list[NamedEnvironment] = []
    seen: set[str] = set()
    for prefix in prefixes:
        real = os.path.realpath(prefix)
        if real in seen or not os.path.isdir(os.path.join(prefix, "conda-meta")):
            continue
        seen.add(real)
        found.append(NamedEnvironment(conda_env_name(prefix), real, "conda", python_in(prefix) or ""))
    if pyenv_root:
        versions = os.path.join(pyenv_root, "versions")
        try:
            names = sorted(os.listdir(versions))
        except OSError:
            names = []
        for name in names:
            prefix = os.path.join(versions, name)
            real = os.path.realpath(prefix)
            if real not in seen and os.path.isdir(prefix):
                seen.add(real)
                found.append(NamedEnvironment(name, real, "pyenv", python_in(prefix) or ""))
    return found[:_ENV_LIMIT]


def collect_session(
    env: Mapping[str, str] | None = None,
    *,
    cwd: str | None = None,
    fallback_prefix: str = "",
    jupyter_core: bool = False,
    require_jupyter_core: bool = False,
    host: str | None = None,
    kernel: str = "",
    inside: str = "",
) -> Session:
    """The session facts. `fallback_prefix`: the environment whose Jupyter counts when no
    `jupyter` is on PATH (the target's). `host`: the Jupyter to use instead (its `jupyter` script
    or interpreter). `jupyter_core`: ask that Jupyter's jupyter_core for its search path (when it is
    installed there; `require_jupyter_core`: even when its files do not show it)."""
    env = os.environ if env is None else env
    cwd = cwd or os.getcwd()
    entries = path_entries(env)
    session = Session(
        path=entries,
        conda_prefix=env.get("CONDA_PREFIX", ""),
        conda_default_env=env.get("CONDA_DEFAULT_ENV", ""),
        virtual_env=env.get("VIRTUAL_ENV", ""),
        kernel=kernel,
        inside=inside,
        read=True,
    )
    book = _Interpreters(env, cwd, entries)
    for name in COMMANDS:
        matches = which_all(name, entries, env)
        if not matches:
            continue
        index, path = matches[0]
        cmd = PathCommand(name=name, path=path, path_index=index, others=[p for _, p in matches[1:]])
        book.command(cmd)
        session.commands.append(cmd)
    for var, value in (("CONDA_PREFIX", session.conda_prefix), ("VIRTUAL_ENV", session.virtual_env)):
        python = (python_in(value) or "") if value else ""
        if python:
            book.add(python, f"${var}")
    session.environments = known_environments(env, book.pyenv_root)
    host_seen = _host(book, host) if host else None
    ask = jupyter_core or require_jupyter_core
    session.jupyter = _jupyter(session, book, env, fallback_prefix, ask, require_jupyter_core, host_seen)
    session.interpreters = list(book.seen.values())
    return session


def _host(book: _Interpreters, path: str) -> SeenInterpreter:
    """The interpreter of a `--jupyter PATH`: an interpreter, or a script whose shebang names one."""
    if is_python_name(path):
        return book.add(path, "Jupyter")
    words = shebang(path) or [path]
    return book.add(words[0], "Jupyter")


def _jupyter(
    session: Session,
    book: _Interpreters,
    env: Mapping[str, str],
    fallback_prefix: str,
    ask: bool,
    force: bool,
    chosen: SeenInterpreter | None,
) -> Jupyter:
    jupyter_cmd = session.command("jupyter")
    host: SeenInterpreter | None = chosen
    if host is None and jupyter_cmd and jupyter_cmd.interpreter:
        host = book.seen.get(jupyter_cmd.interpreter)
    fallback_python = python_in(fallback_prefix) if fallback_prefix else None
    if host is None and fallback_python:
        host = identify(fallback_python, env=env, pyenv_root=book.pyenv_root)
    if host is None:  # the `python` on PATH (through its pyenv shim): where `pip install jupyter` would go
        python = session.command("python") or session.command("python3")
        found = book.seen.get(python.interpreter) if python and python.interpreter else None
        host = found if found is not None and found.exists else None
    facts = jup.host_from_interpreter(host, env) if host and host.prefix else None
    result = Jupyter(host=host.executable if host else "")
    result.data_dir = jup.data_dir(facts or _no_host(env), env)
    asked = None
    if ask and host and host.exists and ("jupyter-core" in host.packages or force):
        asked = jup.search_path_from_jupyter_core(host.resolved or host.executable, env)
    if asked is not None:
        result.kernel_dirs, version = asked
        result.path_source = f"jupyter_core {version} in {host.executable if host else '?'}"
    else:
        result.kernel_dirs = jup.search_path(facts or _no_host(env), env)
        if facts is None:
            result.kernel_dirs = [d for d in result.kernel_dirs if os.path.isabs(d) or env.get("JUPYTER_PATH")]
        if host is None:
            where = " (no Jupyter found: user and system folders)"
        elif host is chosen or (jupyter_cmd and jupyter_cmd.interpreter == host.executable):
            where = f" for {host.executable}"
        else:
            where = f" for {host.executable} (no `jupyter` on PATH: as a Jupyter installed there would search)"
        result.path_source = "envdoctor (jupyter_core's order)" + where
    result.kernels = jup.find_kernel_specs(result.kernel_dirs)
    if host and "ipykernel" in host.packages and all(k.name != jup.NATIVE_KERNEL for k in result.kernels):
        result.kernels.append(_native_kernel(host))
    for spec in result.kernels:
        _kernel_interpreter(spec, session, book, env, host)
    _named_by_kernels(result.kernels, session, book)
    return result


def _no_host(env: Mapping[str, str]) -> jup.JupyterHost:
    home = env.get("HOME") or os.path.expanduser("~")
    return jup.JupyterHost(
        prefix="", base_prefix="", user_site_enabled=False, user_base=os.path.join(home, ".local"), owned=False
    )


def _native_kernel(host: SeenInterpreter) -> KernelSpecFacts:
    resources = next(
        (
            os.path.join(s, "ipykernel", "resources")
            for s in host.site_packages
            if os.path.isdir(os.path.join(s, "ipykernel"))
        ),
        "",
    )
    major = host.version.split(".")[0] or "3"
    return KernelSpecFacts(
        name=jup.NATIVE_KERNEL,
        display_name=f"Python {major} (ipykernel)",
        language="python",
        resource_dir=resources,
        argv=[host.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        native=True,
    )


def _kernel_interpreter(
    spec: KernelSpecFacts, session: Session, book: _Interpreters, env: Mapping[str, str], host: SeenInterpreter | None
) -> None:
    if not spec.argv:
        return
    kernel_path = path_entries(spec.env) if spec.env.get("PATH") else session.path
    command = jup.kernel_command(
        spec.argv, kernel_path, env, host=host.executable if host else "", host_version=host.version if host else ""
    )
    interpreter = command.interpreter
    if command.conda_env:
        named = next((e for e in session.environments if e.kind == "conda" and e.name == command.conda_env), None)
        if named is None:
            spec.problems.append(f"`conda run -n {command.conda_env}`: no conda environment of that name was found")
            return
        interpreter = os.path.join(named.prefix, "bin", os.path.basename(interpreter or "python"))
    if not interpreter:
        if spec.language.lower() == "python" and command.note:
            spec.problems.append(f"argv {command.note}")
        return
    file, via = (
        book.through_shim(interpreter, os.path.basename(interpreter))
        if os.path.isfile(interpreter)
        else (interpreter, "")
    )
    spec.interpreter = interpreter
    spec.module = command.module
    book.add(interpreter, f"kernel {spec.name}", resolved=file, via=via)


def _named_by_kernels(kernels: list[KernelSpecFacts], session: Session, book: _Interpreters) -> None:
    """Read the environments whose name a kernel's name or display name contains (the rules decide
    whether the kernel runs the one it is named after)."""
    for spec in kernels:
        text = f"{spec.name} {spec.display_name}".lower()
        for named in session.environments:
            if named.python and len(named.name) > 1 and named.name.lower() in text:
                book.add(named.python, f"environment {named.name}")


def kernel_target(name: str, env: Mapping[str, str] | None = None, *, inside: str = "") -> tuple[Target, Session]:
    """The interpreter the kernel spec `name` runs, as a target, and the session facts that say so
    (`Target.python` is None when that interpreter does not exist)."""
    session = collect_session(env, kernel=name.lower(), inside=inside)
    spec = session.kernel_spec(name)
    if spec is None:
        names = ", ".join(k.name for k in session.jupyter.kernels) if session.jupyter else ""
        raise SourceError(f"no Jupyter kernel named {name!r}" + (f" (found: {names})" if names else " (none found)"))
    if not spec.interpreter:
        runs = f"runs {spec.argv[0]}, not" if spec.argv else "runs"
        why = next(iter(spec.problems), f"{runs} a Python interpreter envdoctor can inspect")
        raise SourceError(f"kernel {name!r}: {why}")
    seen = session.interpreter(spec.interpreter)
    description = f"--kernel {spec.name} ({spec.display_name or spec.name})"
    if seen is None or not seen.exists:
        return Target(python=None, prefix=None, description=description), session
    return Target(python=seen.resolved or spec.interpreter, prefix=None, description=description), session


def missing_kernel_snapshot(target: Target, session: Session) -> Snapshot:
    """The snapshot of a kernel whose interpreter is gone: nothing but the session facts (the
    kernel rules then say what is wrong)."""
    spec = session.kernel_spec(session.kernel)
    executable = spec.interpreter if spec else ""
    seen = session.interpreter(executable) if executable else None
    return Snapshot(
        interpreter=Interpreter(executable=executable, prefix=seen.prefix if seen else "", probed=False),
        session=session,
        skipped=[Skipped(what=f"interpreter {executable}", reason="the kernel's interpreter does not exist")],
        target=target.description,
        envdoctor_version=__version__,
    )


def forget_activation(session: Session, variables: list[str]) -> None:
    """Drop what the session knows from these activation variables (VIRTUAL_ENV, CONDA_PREFIX,
    CONDA_DEFAULT_ENV): `report` leaves out a caller's activation that names another environment."""
    if "VIRTUAL_ENV" in variables:
        session.virtual_env = ""
    if "CONDA_PREFIX" in variables:
        session.conda_prefix = ""
    if "CONDA_DEFAULT_ENV" in variables:
        session.conda_default_env = ""
    roles = {f"${v}" for v in variables}
    for seen in session.interpreters:
        seen.roles = [r for r in seen.roles if r not in roles]
    session.interpreters = [s for s in session.interpreters if s.roles]
