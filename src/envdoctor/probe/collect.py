"""Turn an environment into a Snapshot: run the stdlib probe in the target interpreter, read its
metadata files, conda records and the machine. The only module that decides *which* environment."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from envdoctor import __version__
from envdoctor.checkcache import file_stamp
from envdoctor.errors import UsageError
from envdoctor.model import Interpreter, Machine, Skipped, Snapshot, from_dict, to_dict
from envdoctor.probe.conda import is_conda_prefix, read_conda
from envdoctor.probe.distributions import from_records, metadata_signature, scan_path
from envdoctor.probe.launch import DEFAULT_TIMEOUT, ProbeError, ProbeRun, Target, resolve_target, run_probe
from envdoctor.probe.numpy_builds import annotate_numpy_builds

_VERSION_DIR = re.compile(r"^python(\d+\.\d+)t?$")


def interpreter_from_files(prefix: Path, python: str | None) -> Interpreter:
    """What the prefix's files say about its interpreter, when it cannot run."""
    version = ""
    cfg = prefix / "pyvenv.cfg"
    base = str(prefix)
    is_venv = cfg.exists()
    if is_venv:
        for line in cfg.read_text(encoding="utf-8", errors="replace").splitlines():
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

    @cached_property
    def metadata_signature(self) -> bytes:
        return metadata_signature(self.interpreter.sys_path)

    def fingerprint_parts(self) -> list[bytes]:
        """Everything a snapshot is built from, as bytes: the probe's output (interpreter facts and
        every metadata record with its folder's mtime), the machine facts, and the conda-meta stamps.
        None of it may change without the snapshot changing. The metadata folders count by their
        `stat` (`metadata_signature`), so the probe need not read them for a cached answer."""
        if self.raw is None:
            return []
        parts = [
            self.raw,
            self.metadata_signature,
            json.dumps(to_dict(self.machine), sort_keys=True).encode(),
        ]
        meta = os.path.join(self.interpreter.prefix, "conda-meta")
        parts += [file_stamp(meta), file_stamp(os.path.join(meta, "history"))]
        return parts


def gather(
    target: Target,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    machine: Machine | None = None,
    root: Path = Path("/"),
    env: Mapping[str, str] | None = None,
    probe: ProbeRun | None = None,
) -> Gathered:
    """Run (or finish) the probe and read the machine. `probe`: already started with
    `ProbeRun.start`, to overlap it with imports."""
    env = os.environ if env is None else env
    skipped: list[Skipped] = []
    interpreter: Interpreter | None = None
    facts: dict[str, object] = {}
    raw: bytes | None = None
    if target.python:
        probe = probe or ProbeRun.start(target.python, timeout, env=None if env is os.environ else env)
        try:
            facts, raw = probe.wait_raw()
            interpreter = from_dict(Interpreter, facts)
        except (ProbeError, ValueError) as exc:
            skipped.append(Skipped(what=f"interpreter {target.python}", reason=str(exc)))
            raw, probe = None, None
    if interpreter is None:
        prefix = Path(target.prefix) if target.prefix else _prefix_of(target.python)
        if prefix is None or not prefix.is_dir():
            raise UsageError(
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
        machine = _collect_machine(root, env, interpreter, Path(conda_prefix) if conda_prefix else None)
    return Gathered(target, interpreter, machine, facts, raw, skipped, probe)


def assemble(gathered: Gathered) -> Snapshot:
    """The snapshot: distributions from the probe's records (or read here), conda records."""
    interpreter, skipped = gathered.interpreter, list(gathered.skipped)
    scanned: dict[str, Any] | None = None
    if gathered.probe is not None and interpreter.probed:
        try:
            scanned = gathered.probe.scan()
        except ProbeError as exc:
            skipped.append(Skipped(what="metadata scan in the interpreter", reason=f"{exc}; read here instead"))
    records = scanned.get("records") if scanned else None
    if isinstance(records, list) and scanned is not None:
        distributions = from_records(records, scanned.get("unlisted") or [], skipped)
    else:
        distributions = scan_path(interpreter.sys_path, skipped)
    annotate_numpy_builds(distributions)
    conda = read_conda(Path(interpreter.prefix), skipped) if interpreter.prefix else None
    machine = gathered.machine
    if machine.gpu.problems:
        skipped.extend(Skipped(what="GPU facts", reason=p) for p in machine.gpu.problems)
    return Snapshot(
        interpreter=interpreter,
        distributions=distributions,
        conda=conda,
        machine=machine,
        skipped=skipped,
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
) -> Snapshot:
    """Everything `check` needs about `target`. Partial failure goes into `skipped`."""
    return assemble(gather(target, timeout=timeout, machine=machine, root=root, env=env, probe=probe))


def _collect_machine(
    root: Path, env: Mapping[str, str], interpreter: Interpreter, conda_prefix: Path | None
) -> Machine:
    from envdoctor.probe.machine import collect_machine
    from envdoctor.probe.tools import find_tools

    machine = collect_machine(
        root=root,
        env=env,
        site_packages=interpreter.site_packages,
        conda_prefix=str(conda_prefix) if conda_prefix else None,
    )
    machine.tools = find_tools(env)
    return machine


def _prefix_of(python: str | None) -> Path | None:
    if not python:
        return None
    path = Path(python)
    parent = path.parent
    return parent.parent if parent.name in ("bin", "Scripts") else parent


def load_snapshot(path: str) -> Snapshot:
    """A snapshot JSON written by `envdoctor snapshot` ("-" reads standard input)."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"snapshot file {path!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read snapshot {path!r}: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: not JSON ({exc})") from None
    if isinstance(data, dict) and "snapshot" in data and "interpreter" not in data:
        data = data["snapshot"]  # a `report --format json` document embeds the snapshot
    if not isinstance(data, dict) or "interpreter" not in data:
        raise UsageError(f"{path}: not an envdoctor snapshot (no 'interpreter')")
    try:
        return Snapshot.from_dict(data)
    except ValueError as exc:
        raise UsageError(f"{path}: malformed snapshot: {exc}") from None


def load_machine(path: str) -> Machine:
    """A machine-facts JSON (the "machine" object of a snapshot, or a whole snapshot)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"machine file {path!r} does not exist") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read machine facts {path!r}: {exc}") from None
    if isinstance(data, dict) and "machine" in data:
        data = data["machine"]
    try:
        return from_dict(Machine, data)
    except ValueError as exc:
        raise UsageError(f"{path}: malformed machine facts: {exc}") from None


__all__ = [
    "DEFAULT_TIMEOUT",
    "ProbeError",
    "ProbeRun",
    "Target",
    "collect_snapshot",
    "interpreter_from_files",
    "load_machine",
    "load_snapshot",
    "resolve_target",
    "run_probe",
]
