"""In-memory session facts (PATH commands, interpreters, kernel specs) for the pure tests of the
wrong-interpreter rules (ED231-ED236)."""

from __future__ import annotations

from collections.abc import Iterable

from envdoctor.model import Jupyter, KernelSpecFacts, NamedEnvironment, PathCommand, SeenInterpreter, Session

DATA_DIR = "/home/me/.local/share/jupyter"


def interp(
    prefix: str,
    *roles: str,
    kind: str = "venv",
    name: str | None = None,
    version: str = "3.11.7",
    packages: dict[str, str] | None = None,
    executable: str | None = None,
    exists: bool = True,
) -> SeenInterpreter:
    exe = executable or f"{prefix}/bin/python"
    return SeenInterpreter(
        executable=exe,
        resolved=exe if exists else "",
        exists=exists,
        prefix=prefix,
        env_kind=kind if exists else "",
        env_name=(name if name is not None else prefix.rstrip("/").rsplit("/", 1)[-1]) if exists else "",
        version=version if exists else "",
        site_packages=[f"{prefix}/lib/python3.11/site-packages"] if exists else [],
        packages=dict(packages or {}) if exists else {},
        roles=list(roles),
    )


def command(
    name: str, path: str, index: int, interpreter: str, how: str = "", others: Iterable[str] = ()
) -> PathCommand:
    return PathCommand(
        name=name,
        path=path,
        path_index=index,
        interpreter=interpreter,
        how=how or ("interpreter" if name.startswith("python") else "shebang"),
        others=list(others),
    )


def kernel(
    name: str,
    display: str,
    python: str,
    *,
    search_dir: str = f"{DATA_DIR}/kernels",
    module: str = "ipykernel_launcher",
) -> KernelSpecFacts:
    return KernelSpecFacts(
        name=name,
        display_name=display,
        language="python",
        resource_dir=f"{search_dir}/{name}",
        search_dir=search_dir,
        argv=[python, "-m", module, "-f", "{connection_file}"],
        interpreter=python,
        module=module,
    )


def session(
    *,
    path: Iterable[str] = (),
    commands: Iterable[PathCommand] = (),
    interpreters: Iterable[SeenInterpreter] = (),
    kernels: Iterable[KernelSpecFacts] = (),
    environments: Iterable[NamedEnvironment] = (),
    target_prefix: str = "/env",
    **fields: str,
) -> Session:
    return Session(
        path=list(path),
        commands=list(commands),
        interpreters=list(interpreters),
        environments=list(environments),
        jupyter=Jupyter(host="", data_dir=DATA_DIR, kernel_dirs=[f"{DATA_DIR}/kernels"], kernels=list(kernels)),
        target_prefix=target_prefix,
        read=True,
        **fields,
    )
