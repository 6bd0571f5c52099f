"""Where a `Snapshot` comes from: one `EnvironmentSource` per way of naming an environment.

A source `open()`s a `Reading` (a live source starts the in-target probe at once, so the probe
runs while envdoctor imports the rest), and the reading gives the snapshot. Readings of a live
environment also give check's cache what it keys on (`cache_identity`, `fingerprint`); others are
never cached. Every failure to read an environment as named is a `SourceError` (exit 2).

The sources the command line offers are listed once, in `SOURCES`: each `SourceKind` is an
option (`--python`), its help, and how to make the source from the option's value. Every verb
that reads an environment builds its options from this list and picks the source with
`source_for`; the verbs that change or run the environment (fix, restore, verify) take the kinds
that name a runnable interpreter (`live`). To add a source: implement `EnvironmentSource` and
`register(SourceKind(...))` (docs/internals.md, "An environment source").

Light imports only: check opens its source before anything heavy is loaded.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from envdoctor.errors import SourceError
from envdoctor.probe.target import Target, active_target, prefix_target, python_target

if TYPE_CHECKING:
    from envdoctor.model import Machine, Session, Snapshot
    from envdoctor.probe.collect import Gathered
    from envdoctor.probe.gpu.host import DriverCuda
    from envdoctor.probe.launch import ProbeRun
    from envdoctor.stamps import Stamps

DEFAULT_TIMEOUT = 20.0


class ReadOptions(NamedTuple):
    """How an environment is read."""

    timeout: float = DEFAULT_TIMEOUT  # the whole read: the probe and every file read after it
    machine: Machine | None = None  # another machine's facts (--machine FILE) instead of this one's
    env: Mapping[str, str] | None = None  # the variables the interpreter runs with (default: envdoctor's)
    use_cache: bool = True  # the NumPy-build cache (--no-cache turns it off)
    # the knowledge base's driver table (driver version -> CUDA), for a driver that does not say its CUDA;
    # the probe never reads the knowledge base itself (envdoctor.doctor passes `driver_cuda`)
    driver_cuda: DriverCuda | None = None


class Fingerprint(NamedTuple):
    """What a live environment's snapshot is built from, as bytes (see `Gathered.fingerprint_parts`)."""

    parts: list[bytes]
    sys_path: list[str]
    signature: bytes  # the metadata signature of `sys_path`


class Reading:
    """An environment being read: `snapshot()` builds its Snapshot, `close()` stops whatever still
    runs for it. The cache hooks answer only for a live environment."""

    #: the name check's cache remembers this environment by; None: never cached
    cache_identity: str | None = None

    def __init__(self, description: str) -> None:
        self.description = description

    def snapshot(self) -> Snapshot:
        raise NotImplementedError

    def inspected(self, snapshot: Snapshot) -> bool:
        """Whether anything of the environment could be read (False: check exits 2)."""
        return True

    def signature_now(self, sys_path: Sequence[str], stamps: Stamps) -> bytes:
        """The metadata signature of `sys_path` now (a sys.path the cache saw last time)."""
        raise NotImplementedError

    def fingerprint(self, stamps: Stamps, signature: tuple[list[str], bytes] | None = None) -> Fingerprint | None:
        """What the snapshot will be built from, None when it cannot be fingerprinted. `signature`:
        (sys_path, its metadata signature), taken moments ago; reused when sys.path is the same."""
        return None

    def close(self) -> None:
        pass

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Ready(Reading):
    """A snapshot that is there at once (a snapshot file, a kernel whose interpreter is gone)."""

    def __init__(self, snapshot: Snapshot, description: str | None = None) -> None:
        super().__init__(description or snapshot.target or "snapshot")
        self._snapshot = snapshot

    def snapshot(self) -> Snapshot:
        return self._snapshot


class LiveReading(Reading):
    """The environment of a `Target`, read through the one probe: the interpreter's facts first
    (enough to fingerprint it), then its metadata, scanned by the interpreter on its own core;
    the prefix's files alone when the interpreter cannot run."""

    def __init__(self, target: Target, options: ReadOptions, session: Session | None = None) -> None:
        # lazy: defers probe.launch (11.4 ms, 14 modules) until __init__() runs (check's start-up)
        from envdoctor.probe.launch import ProbeRun, probe_timeout

        super().__init__(target.description)
        self.target = target
        self.options = options
        self.cache_identity = target.python or target.prefix or target.description
        self._session = session
        self._deadline = time.monotonic() + options.timeout  # the whole read, not only the probe
        self._probe: ProbeRun | None = (
            ProbeRun.start(target.python, probe_timeout(options.timeout), env=options.env) if target.python else None
        )
        self._gathered: Gathered | None = None
        self._stamps: Stamps | None = None

    def gathered(self, stamps: Stamps | None = None) -> Gathered:
        """The interpreter's facts (waiting for the probe), the machine and the session."""
        if self._gathered is None:
            # lazy: defers probe.collect (77.0 ms, 54 modules) until gathered() runs (check's start-up)
            from envdoctor.probe.collect import gather

            self._gathered = gather(
                self.target,
                timeout=max(0.0, self._deadline - time.monotonic()),
                machine=self.options.machine,
                env=self.options.env,
                probe=self._probe,
                session=self._session,
                driver_cuda=self.options.driver_cuda,
            )
            if stamps is not None:
                self._gathered.stamps = stamps
        return self._gathered

    def signature_now(self, sys_path: Sequence[str], stamps: Stamps) -> bytes:
        # lazy: defers probe.distributions (40.6 ms, 28 modules) until signature_now() runs (check's start-up)
        from envdoctor.probe.distributions import metadata_signature

        return metadata_signature(sys_path, stamps)

    def fingerprint(self, stamps: Stamps, signature: tuple[list[str], bytes] | None = None) -> Fingerprint | None:
        gathered = self.gathered(stamps)
        if signature is not None and signature[0] == gathered.interpreter.sys_path:
            gathered.metadata_signature = signature[1]  # taken moments ago over the same sys.path
        parts = gathered.fingerprint_parts()
        if not parts:
            return None
        return Fingerprint(parts, list(gathered.interpreter.sys_path), gathered.metadata_signature)

    def snapshot(self) -> Snapshot:
        # lazy: defers probe.collect (77.0 ms, 54 modules) until snapshot() runs (check's start-up)
        from envdoctor.probe.collect import assemble

        return assemble(self.gathered(), deadline=self._deadline, use_cache=self.options.use_cache)

    def inspected(self, snapshot: Snapshot) -> bool:
        return snapshot.interpreter.probed or bool(snapshot.distributions)

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()  # a cached answer needs no scan


class EnvironmentSource(Protocol):
    """One way of naming an environment: `open` starts reading it (a `Reading`; its `snapshot()`
    is the Snapshot), or raises SourceError."""

    @property
    def description(self) -> str:
        """How the user named it, for the report's header ("--python 3.11", "active: $VIRTUAL_ENV=...")."""
        ...

    def open(self, options: ReadOptions) -> Reading: ...


@runtime_checkable
class LiveSource(EnvironmentSource, Protocol):
    """A source that names an interpreter that can run: what fix, restore and verify need."""

    def target(self) -> Target:
        """The interpreter (and prefix), or SourceError when there is none that runs."""
        ...


class InterpreterSource:
    """A live environment named by its interpreter and/or prefix: the active one, `--python`,
    `--prefix` (a venv or a conda prefix, read from its files when its interpreter cannot run).
    `session`: the PATH / kernel facts, when the caller read them already (`%envdoctor`)."""

    def __init__(self, target: Target, session: Session | None = None) -> None:
        self._target = target
        self._session = session

    @property
    def description(self) -> str:
        return self._target.description

    def target(self) -> Target:
        if not self._target.python:
            raise SourceError(f"no Python interpreter in {self._target.prefix} (looked for bin/python)")
        if os.path.isdir(self._target.python):
            raise SourceError(f"{self._target.python} is a folder; use --prefix {self._target.python}")
        return self._target._replace(python=os.path.abspath(self._target.python))

    def open(self, options: ReadOptions) -> Reading:
        return LiveReading(self._target, options, self._session)


class KernelSource:
    """`--kernel NAME`: the environment a Jupyter kernel spec runs, with the session facts that say
    which one (read when opened); a kernel whose interpreter is gone is a snapshot of those facts."""

    def __init__(self, name: str, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self._env = env

    @property
    def description(self) -> str:
        return f"--kernel {self.name}"

    def _resolved(self) -> tuple[Target, Session]:
        # lazy: defers probe.session (64.9 ms, 33 modules) until _resolved() runs (check's start-up)
        from envdoctor.probe.session import kernel_target

        return kernel_target(self.name, self._env)

    def target(self) -> Target:
        target, _ = self._resolved()
        if target.python is None:
            raise SourceError(f"{target.description}: its interpreter does not exist (see `envdoctor check --kernel`)")
        return target

    def open(self, options: ReadOptions) -> Reading:
        target, session = self._resolved()
        if target.python is None:
            # lazy: defers probe.session (64.9 ms, 33 modules) until open() runs (check's start-up)
            from envdoctor.probe.session import missing_kernel_snapshot

            return Ready(missing_kernel_snapshot(target, session), target.description)
        return LiveReading(target, options, session)


class SnapshotFile:
    """`--snapshot FILE`: a snapshot written by `envdoctor snapshot` (or embedded in a `report
    --format json` document); "-" reads standard input."""

    def __init__(self, path: str) -> None:
        self.path = path

    @property
    def description(self) -> str:
        return f"--snapshot {self.path}"

    def open(self, options: ReadOptions) -> Reading:
        # lazy: defers probe.collect (77.0 ms, 54 modules) until open() runs (check's start-up)
        from envdoctor.probe.collect import load_snapshot

        snapshot = load_snapshot(self.path)
        if options.machine is not None:
            snapshot.machine = options.machine
        return Ready(snapshot, snapshot.target or self.description)


class GivenSnapshot:
    """A Snapshot already in hand (the Python API's `check(of=...)`), as a source."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.given = snapshot

    @property
    def description(self) -> str:
        return self.given.target or "a given snapshot"

    def open(self, options: ReadOptions) -> Reading:
        return Ready(self.given, self.description)


def read_snapshot(source: EnvironmentSource, options: ReadOptions | None = None) -> Snapshot:
    """The Snapshot of `source`, read whole."""
    with source.open(options or ReadOptions()) as reading:
        return reading.snapshot()


# ---- the command line's sources ------------------------------------------------------------------


class SourceKind(NamedTuple):
    """One way the command line names an environment: `option VALUE`."""

    option: str  # "--python"
    metavar: str
    help: str
    make: Callable[[str, Mapping[str, str]], EnvironmentSource]  # (the value, the environment variables)
    live: bool  # names an interpreter that runs: fix, restore and verify take it

    @property
    def dest(self) -> str:
        return self.option.lstrip("-").replace("-", "_")


SOURCES: list[SourceKind] = [
    SourceKind(
        "--python",
        "PATH",
        "the interpreter of the environment: a path, a command on PATH, or a version such as 3.11",
        lambda value, env: InterpreterSource(python_target(value, env)),
        live=True,
    ),
    SourceKind(
        "--prefix",
        "DIR",
        "a venv or conda prefix (read from its files when its interpreter cannot run)",
        lambda value, env: InterpreterSource(prefix_target(value)),
        live=True,
    ),
    SourceKind(
        "--kernel",
        "NAME",
        "the environment a Jupyter kernel runs (`envdoctor kernels`)",
        lambda value, env: KernelSource(value, env),
        live=True,
    ),
    SourceKind(
        "--snapshot",
        "FILE",
        "a snapshot JSON from `envdoctor snapshot` ('-': stdin)",
        lambda value, env: SnapshotFile(value),
        live=False,
    ),
]


def register(kind: SourceKind) -> None:
    """Offer another source on the command line (every verb that reads an environment)."""
    if any(k.option == kind.option for k in SOURCES):
        raise ValueError(f"a source already has the option {kind.option}")
    SOURCES.append(kind)


def unregister(option: str) -> None:
    SOURCES[:] = [k for k in SOURCES if k.option != option]


def active_source(env: Mapping[str, str] | None = None) -> InterpreterSource:
    """The active environment: $VIRTUAL_ENV, $CONDA_PREFIX, else the `python` on PATH."""
    return InterpreterSource(active_target(env))


def source_for(
    values: Mapping[str, object], env: Mapping[str, str] | None = None, *, live: bool = False
) -> EnvironmentSource:
    """The source the options name (`values`: the parsed options by dest), else the active
    environment. live: only the kinds that name a runnable interpreter count."""
    env = os.environ if env is None else env
    named = [(k, values.get(k.dest)) for k in SOURCES if (k.live or not live) and values.get(k.dest)]
    if len(named) > 1:
        raise SourceError(f"give one of {', '.join(k.option for k, _ in named)}, not several")
    if named:
        kind, value = named[0]
        return kind.make(str(value), env)
    return active_source(env)


def live_source_for(values: Mapping[str, object], env: Mapping[str, str] | None = None) -> LiveSource:
    source = source_for(values, env, live=True)
    if not isinstance(source, LiveSource):
        raise SourceError(f"{source.description}: names no interpreter that can run")
    return source
