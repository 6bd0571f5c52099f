"""Turn an environment into a Snapshot: run the stdlib probe in the target interpreter, read its
metadata files, conda records and the machine. The only module that decides *which* environment."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from envdoctor._version import __version__
from envdoctor.bounded import SNAPSHOT_LIMIT, Refused, load_json, maybe_text, read_bytes, read_stream
from envdoctor.errors import SourceError
from envdoctor.model import Interpreter, Machine, Session, Skipped, Snapshot, from_dict, to_dict
from envdoctor.probe.conda import is_conda_prefix, read_conda
from envdoctor.probe.distributions import from_records, metadata_signature, scan_path
from envdoctor.probe.launch import DEFAULT_TIMEOUT, ProbeError, ProbeRun, probe_timeout
from envdoctor.probe.machine import collect_machine
from envdoctor.probe.numpy_builds import annotate_numpy_builds
from envdoctor.probe.target import Target
from envdoctor.probe.tools import find_tools
from envdoctor.stamps import Stamps, file_stamp

if TYPE_CHECKING:
    from envdoctor.probe.gpu.host import DriverCuda

_VERSION_DIR = re.compile(r"^python(\d+\.\d+)t?$")


def interpreter_from_files(prefix: Path, python: str | None) -> Interpreter:
    """What the prefix's files say about its interpreter, when it cannot run."""
    version = ""
    cfg = prefix / "pyvenv.cfg"
    base = str(prefix)
    is_venv = cfg.exists()
    if is_venv:
        for line in (maybe_text(cfg) or "").splitlines():
            key, _, value = line.partition("=")
            if key.strip() in ("version", "version_info") and not version:
                version = value.strip()
            if key.strip() == "home":
                base = str(Path(value.strip()).parent)
    site_packages: list[str] = []
    for libdir in sorted(prefix.glob("lib/python*")) + sorted(prefix.glob("lib64/python*")):
        match = _VERSION_DIR.match(libdir.name)
        if match and (libdir / "site-packages").is_dir():
            site_packages.append(str(libdir / "site-packages"))
            version = version or match.group(1)
    if (prefix / "Lib/site-packages").is_dir():
        site_packages.append(str(prefix / "Lib" / "site-packages"))
    minor = ".".join(version.split(".")[:2])
    marker = prefix / "lib" / f"python{minor}" / "EXTERNALLY-MANAGED"
    return Interpreter(
        externally_managed=str(marker) if minor and not is_venv and marker.is_file() else None,
        executable=python or "",
        version=version,
        prefix=str(prefix),
        base_prefix=base,
        exec_prefix=str(prefix),
        is_venv=is_venv,
        is_conda=(prefix / "conda-meta").is_dir(),
        sys_path=list(site_packages),
        site_packages=site_packages,
        sys_platform=sys.platform,
        abi_tag="cp" + minor.replace(".", "") if minor else "",
        probed=False,
    )


@dataclass
class Gathered:
    """What is read before the distributions are built: enough to fingerprint the environment."""

    target: Target
    interpreter: Interpreter
    machine: Machine
    facts: dict[str, object]
    raw: bytes | None  # the probe's output, None when the interpreter could not run
    skipped: list[Skipped]
    probe: ProbeRun | None = None  # still scanning the metadata, when asked to
    session: Session | None = None  # PATH, active env, Jupyter kernels (envdoctor.probe.session)

    stamps: Stamps = field(default_factory=Stamps)  # shared by every stamp of one check

    @cached_property
    def metadata_signature(self) -> bytes:
        return metadata_signature(self.interpreter.sys_path, self.stamps)

    def fingerprint_parts(self) -> list[bytes]:
        """Everything a snapshot is built from, as bytes: the probe's interpreter facts, the stamp
        of every metadata file the scan reads (`metadata_signature`), the machine facts, and the
        stamp of every conda-meta file. None of it may change without the snapshot changing; the
        probe need not read the metadata for a cached answer."""
        if self.raw is None:
            return []
        parts = [
            self.raw,
            self.metadata_signature,
            json.dumps(to_dict(self.machine), sort_keys=True).encode(),
            json.dumps(to_dict(self.session), sort_keys=True).encode(),
        ]
        meta = os.path.join(self.interpreter.prefix, "conda-meta")
        parts.append(file_stamp(meta, self.stamps))
        try:
            names = sorted(n for n in os.listdir(meta) if n.endswith(".json") or n == "history")
        except OSError:
            names = []
        parts += [file_stamp(os.path.join(meta, n), self.stamps) for n in names]
        return parts


def gather(
    target: Target,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    machine: Machine | None = None,
    root: Path = Path("/"),
    env: Mapping[str, str] | None = None,
    probe: ProbeRun | None = None,
    session: Session | None = None,
    driver_cuda: DriverCuda | None = None,
) -> Gathered:
    """Run (or finish) the probe and read the machine. `probe`: already started with
    `ProbeRun.start`, to overlap it with imports. `session`: the PATH / kernel facts, read here
    (while the probe runs) unless given. `driver_cuda`: the knowledge base's driver table, for the GPU probe."""
    env = os.environ if env is None else env
    if session is None:
        # lazy: defers probe.session (31.7 ms, 7 modules) until gather() runs (check's start-up)
        from envdoctor.probe.session import collect_session

        fallback = target.prefix or str(_prefix_of(target.python) or "")
        session = collect_session(env, fallback_prefix=fallback)
    skipped: list[Skipped] = []
    interpreter: Interpreter | None = None
    facts: dict[str, object] = {}
    raw: bytes | None = None
    if target.python:
        probe = probe or ProbeRun.start(target.python, probe_timeout(timeout), env=None if env is os.environ else env)
        try:
            facts, raw = probe.wait_raw()
            interpreter = from_dict(Interpreter, facts)
        except (ProbeError, ValueError) as exc:
            skipped.append(Skipped(what=f"interpreter {target.python}", reason=str(exc)))
            if probe is not None:
                probe.close()
            raw, probe = None, None
        else:
            skipped.extend(_probe_skipped(facts.get("skipped")))
    if interpreter is None:
        prefix = Path(target.prefix) if target.prefix else _prefix_of(target.python)
        if prefix is None or not prefix.is_dir():
            raise SourceError(
                f"{target.description}: the interpreter could not run and there is no prefix to read"
                + (f" ({skipped[0].reason})" if skipped else "")
            )
        interpreter = interpreter_from_files(prefix, target.python)
        skipped.append(
            Skipped(what="interpreter facts", reason="read from the prefix's files: sys.path and env vars are guesses")
        )
    if not interpreter.supported:
        skipped.append(
            Skipped(
                what=f"Python {interpreter.version}",
                reason="unsupported interpreter: envdoctor inspects Python 3.6 and later; facts may be incomplete",
            )
        )
    if machine is None:
        conda_prefix = interpreter.prefix if interpreter.prefix and is_conda_prefix(Path(interpreter.prefix)) else None
        machine = _collect_machine(root, env, interpreter, Path(conda_prefix) if conda_prefix else None, driver_cuda)
    if interpreter.prefix:
        session.target_prefix = os.path.realpath(interpreter.prefix)
    return Gathered(target, interpreter, machine, facts, raw, skipped, probe, session)


def _probe_skipped(value: object) -> list[Skipped]:
    """The probe's own [what, reason] pairs (files its site emulation did not read)."""
    if not isinstance(value, list):
        return []
    return [
        Skipped(what=str(item[0])[:500], reason=str(item[1])[:500])
        for item in value[:100]
        if isinstance(item, list) and len(item) == 2
    ]


def assemble(gathered: Gathered, *, deadline: float | None = None, use_cache: bool = True) -> Snapshot:
    """The snapshot: distributions from the probe's records (or read here, until `deadline`, a
    time.monotonic() value), conda records. use_cache: False ignores the NumPy-build cache."""
    interpreter, skipped = gathered.interpreter, list(gathered.skipped)
    scanned: dict[str, Any] | None = None
    if gathered.probe is not None and interpreter.probed:
        try:
            scanned = gathered.probe.scan()
        except ProbeError as exc:
            skipped.append(Skipped(what="metadata scan in the interpreter", reason=f"{exc}; read here instead"))
    records = scanned.get("records") if scanned else None
    if isinstance(records, list) and scanned is not None:
        unlisted = scanned.get("unlisted")
        distributions = from_records(records, unlisted if isinstance(unlisted, list) else [], skipped)
    else:
        distributions = scan_path(interpreter.sys_path, skipped, deadline=deadline)
    annotate_numpy_builds(distributions, use_cache=use_cache, deadline=deadline, skipped=skipped)
    conda = read_conda(Path(interpreter.prefix), skipped, deadline=deadline) if interpreter.prefix else None
    machine = gathered.machine
    if machine.gpu.problems:
        skipped.extend(Skipped(what="GPU facts", reason=p) for p in machine.gpu.problems)
    return Snapshot(
        interpreter=interpreter,
        distributions=distributions,
        conda=conda,
        machine=machine,
        skipped=skipped,
        session=gathered.session or Session(),
        target=gathered.target.description,
        created=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        envdoctor_version=__version__,
    )


def collect_snapshot(
    target: Target,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    machine: Machine | None = None,
    root: Path = Path("/"),
    env: Mapping[str, str] | None = None,
    probe: ProbeRun | None = None,
    use_cache: bool = True,
    session: Session | None = None,
    driver_cuda: DriverCuda | None = None,
) -> Snapshot:
    """Everything `check` needs about `target`, within `timeout` seconds in all (the probe, then
    whatever is read here). Partial failure goes into `skipped`."""
    deadline = time.monotonic() + timeout
    gathered = gather(
        target,
        timeout=timeout,
        machine=machine,
        root=root,
        env=env,
        probe=probe,
        session=session,
        driver_cuda=driver_cuda,
    )
    return assemble(gathered, deadline=deadline, use_cache=use_cache)


def _collect_machine(
    root: Path,
    env: Mapping[str, str],
    interpreter: Interpreter,
    conda_prefix: Path | None,
    driver_cuda: DriverCuda | None = None,
) -> Machine:

    machine = collect_machine(
        root=root,
        env=env,
        site_packages=interpreter.site_packages,
        conda_prefix=str(conda_prefix) if conda_prefix else None,
        driver_cuda=driver_cuda,
    )
    machine.tools = find_tools(env)
    return machine


def _prefix_of(python: str | None) -> Path | None:
    if not python:
        return None
    path = Path(python)
    parent = path.parent
    return parent.parent if parent.name in ("bin", "Scripts") else parent


def _read_document(path: str, what: str) -> object:
    """A JSON document from the file `path` ("-": standard input), bounded in size and depth."""
    try:
        if path == "-":
            raw = read_stream(sys.stdin.buffer, SNAPSHOT_LIMIT, "standard input")
        else:
            raw = read_bytes(path, SNAPSHOT_LIMIT)
    except FileNotFoundError:
        raise SourceError(f"{what} file {path!r} does not exist") from None
    except Refused as exc:
        hint = " (pipe it into `-` instead)" if "FIFO" in str(exc) else ""
        raise SourceError(f"cannot read {what} {path!r}: {exc}{hint}") from None
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read {what} {path!r}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        return load_json(text, path)
    except ValueError as exc:
        raise SourceError(str(exc)) from None


def load_snapshot(path: str) -> Snapshot:
    """A snapshot JSON written by `envdoctor snapshot` ("-" reads standard input)."""
    data = _read_document(path, "snapshot")
    if isinstance(data, dict) and "snapshot" in data and "interpreter" not in data:
        data = data["snapshot"]  # a `report --format json` document embeds the snapshot
    if not isinstance(data, dict) or "interpreter" not in data:
        raise SourceError(f"{path}: not an envdoctor snapshot (no 'interpreter')")
    try:
        return Snapshot.from_dict(data)
    except ValueError as exc:
        raise SourceError(f"{path}: malformed snapshot: {str(exc)[:300]}") from None


def describe(python: str, *, timeout: float = DEFAULT_TIMEOUT, env: Mapping[str, str] | None = None) -> Interpreter:
    """What `python` says about itself through the probe, without its metadata scan (actions ask
    this before and after they change an environment); SourceError when it cannot run."""
    try:
        facts = ProbeRun.start(python, timeout, scan=False, env=env).wait()
        return from_dict(Interpreter, facts)
    except (ProbeError, ValueError) as exc:
        raise SourceError(str(exc)) from None


def load_machine(path: str) -> Machine:
    """A machine-facts JSON (the "machine" object of a snapshot, or a whole snapshot)."""
    data = _read_document(path, "machine facts")
    if isinstance(data, dict) and "machine" in data:
        data = data["machine"]
    try:
        return from_dict(Machine, data)
    except ValueError as exc:
        raise SourceError(f"{path}: malformed machine facts: {str(exc)[:300]}") from None


__all__ = [
    "Gathered",
    "assemble",
    "collect_snapshot",
    "describe",
    "gather",
    "interpreter_from_files",
    "load_machine",
    "load_snapshot",
]
