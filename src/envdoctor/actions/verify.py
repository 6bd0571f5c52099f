"""verify: does each installed framework import and compute in the target environment -- and do
the compiled packages check flags (pandas, h5py, scipy, scikit-learn... under the wrong NumPy or
Python) import and work?

Each framework and package runs in its own subprocess of the target interpreter (the stdlib-only
script `_verify_inside.py`), in an empty working folder, with a timeout: one that crashes
(segfault, illegal instruction) or hangs does not hide the others, and is reported with its
signal. Which frameworks are installed is read from the environment's snapshot (its dist-info
folders, through the one probe), without importing anything. For TensorFlow with Keras
installed, tf.keras is used too and verify reports which Keras it is (Keras 3 under TensorFlow
<= 2.15 fails: Keras 2 code breaks there).

A failure gets the same cause id and remedy as check: check's findings about the failing
distribution (or a package its traceback passes through) explain it; only when check says nothing
about it does the failure's output go through explain.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor import exitcodes
from envdoctor import frameworks as registry
from envdoctor.actions.explaining import Diagnosis, explain_failure
from envdoctor.actions.proc import read_json_lines
from envdoctor.diagnosis import diagnose, read_options
from envdoctor.errors import SourceError, UsageError
from envdoctor.model import Distribution, Finding, Snapshot
from envdoctor.output import document_header
from envdoctor.probe.distributions import read_record_extensions
from envdoctor.probe.sources import InterpreterSource, ReadOptions, read_snapshot
from envdoctor.probe.target import Target
from envdoctor.process import run, signal_name

INSIDE = Path(__file__).with_name("_verify_inside.py")
_RUN = "\n\nif __name__ == '__main__':\n    sys.exit(main())\n"
DEFAULT_TIMEOUT = 300.0


@dataclass
class Computation:
    device: str
    ok: bool
    seconds: float | None = None
    value: float | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "ok": self.ok,
            "seconds": _round(self.seconds),
            "value": self.value,
            "error": self.error,
        }


@dataclass
class FrameworkResult:
    framework: str  # the framework's key ("tensorflow", "torch", "jax"), or the package's name
    distributions: list[str]  # "tensorflow-cpu==2.10.1" (the winning copy first)
    ok: bool = False
    imported: bool = False
    version: str | None = None  # the module's __version__
    import_seconds: float | None = None
    build: dict[str, Any] = field(default_factory=dict)
    devices: list[dict[str, Any]] = field(default_factory=list)
    computations: list[Computation] = field(default_factory=list)
    error: str | None = None
    exit_code: int | None = None
    signal: str | None = None
    timed_out: bool = False
    seconds: float = 0.0  # wall time of the subprocess
    output_tail: str = ""
    diagnosis: Diagnosis | None = None
    keras: dict[str, Any] | None = None  # which Keras tf.keras is ({"version", "module", "ok"}), when verified
    kind: str = "framework"  # "framework" | "package" (a compiled package check flags or knows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "keras": self.keras,
            "framework": self.framework,
            "distributions": list(self.distributions),
            "ok": self.ok,
            "imported": self.imported,
            "version": self.version,
            "import_seconds": _round(self.import_seconds),
            "build": self.build,
            "devices": self.devices,
            "computations": [c.to_dict() for c in self.computations],
            "error": self.error,
            "exit_code": self.exit_code,
            "signal": self.signal,
            "timed_out": self.timed_out,
            "seconds": _round(self.seconds),
            "cause": self.diagnosis.cause if self.diagnosis else None,
            "explanation": self.diagnosis.to_dict() if self.diagnosis else None,
            "output_tail": self.output_tail,
        }


@dataclass
class VerifyReport:
    python: str
    python_version: str
    prefix: str
    frameworks: list[FrameworkResult] = field(default_factory=list)
    seconds: float = 0.0
    packages: list[FrameworkResult] = field(default_factory=list)  # compiled packages (kind "package")

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.frameworks) and all(p.ok for p in self.packages)

    @property
    def exit_code(self) -> int:
        return exitcodes.outcome(self.ok)

    @property
    def failed(self) -> list[str]:
        return [f.framework for f in self.frameworks if not f.ok] + [p.framework for p in self.packages if not p.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            **document_header(),
            "python": self.python,
            "python_version": self.python_version,
            "prefix": self.prefix,
            "ok": self.ok,
            "frameworks": [f.to_dict() for f in self.frameworks],
            "packages": [p.to_dict() for p in self.packages],
            "summary": {
                "installed": len(self.frameworks),
                "working": sum(1 for f in self.frameworks if f.ok),
                "packages": len(self.packages),
                "packages_working": sum(1 for p in self.packages if p.ok),
                "failed": self.failed,
            },
            "seconds": _round(self.seconds),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


Explainer = Callable[[str, "str | None"], Diagnosis]

#: compiled packages verify imports (and exercises) whenever they are installed, flagged or not
KNOWN_COMPILED = ("numpy", "scipy", "pandas", "h5py", "scikit-learn", "ml-dtypes")


def verify(
    python: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    frameworks: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    explain: Explainer | None = None,
    checked: Checked | None = None,
    packages: bool = True,
) -> VerifyReport:
    """Verify every installed framework of `python` (or only `frameworks`) and, with `packages`,
    the compiled packages check flags or knows. `checked`: the target's snapshot and check
    findings (read here when not given: one probe, with `env`)."""
    start = time.perf_counter()
    checked = checked or check_target(python, env)
    snapshot = checked.snapshot
    found = installed_frameworks(snapshot.distributions)
    families = [f for f in registry.families() if f in found and (frameworks is None or f in frameworks)]
    facts = snapshot.interpreter
    report = VerifyReport(python=python, python_version=facts.version, prefix=facts.prefix)
    explainer = explain or _default_explainer(checked)
    installed_names = frozenset(d.name for d in snapshot.distributions)
    environ = env if env is not None else os.environ
    for family in families:
        dists = [f"{d.name}=={d.version}" for d in found[family]]
        framework = registry.get(family)
        args = framework.verify_args(installed_names, environ) if framework else ()
        result = verify_one(python, family, dists, timeout=timeout, env=env, args=args)
        if not result.ok:
            result.diagnosis = explain_result(result, checked, explainer)
        report.frameworks.append(result)
    if packages and frameworks is None:
        for dist, module in suspects(checked):
            result = verify_one(python, f"package:{module}", [f"{dist.name}=={dist.version}"], timeout=timeout, env=env)
            result.framework, result.kind = dist.name, "package"
            if not result.ok:
                result.diagnosis = explain_result(result, checked, explainer)
            report.packages.append(result)
    report.seconds = time.perf_counter() - start
    return report


def installed_frameworks(distributions: Sequence[Distribution]) -> dict[str, list[Distribution]]:
    """Framework family -> its distributions on sys.path (the winning copy first)."""
    result: dict[str, list[Distribution]] = {}
    seen: set[tuple[str, str]] = set()
    for dist in distributions:
        family = registry.framework_family(dist.name)
        if family is None or (dist.name, dist.location) in seen:
            continue
        seen.add((dist.name, dist.location))
        result.setdefault(family, []).append(dist)
    return result


@dataclass
class Checked:
    """The target's snapshot and check's findings on it ([] when the rules could not run)."""

    snapshot: Snapshot
    findings: list[Finding] = field(default_factory=list)


def check_target(python: str, env: Mapping[str, str] | None = None) -> Checked:
    """The snapshot of `python`'s environment (SourceError when it cannot run: verify needs it to)
    and check's findings on it (none when the rules fail: verify still verifies)."""
    source = InterpreterSource(Target(python, None, f"--python {python}"))
    snapshot = read_snapshot(source, read_options(ReadOptions(env=env)))
    if not snapshot.interpreter.probed:
        reason = next((k.reason for k in snapshot.skipped if k.what.startswith("interpreter")), "it cannot run")
        raise SourceError(reason)
    try:
        return Checked(snapshot, diagnose(snapshot).findings)
    except Exception:  # verify still verifies without check
        return Checked(snapshot)


def suspects(checked: Checked) -> list[tuple[Distribution, str]]:
    """(distribution, module) for each compiled package to verify: those check's errors and
    warnings are about, and the well-known compiled ones installed; frameworks (and their own
    parts) are verified as frameworks."""
    snapshot = checked.snapshot
    winners: dict[str, Distribution] = {}
    for dist in snapshot.distributions:
        if dist.shadowed_by is None:
            winners.setdefault(dist.name, dist)
    flagged: list[str] = []
    for finding in checked.findings:
        if finding.severity.value in ("error", "warning"):
            flagged += [n for n in finding.about if n not in flagged]
    wanted = flagged + [n for n in KNOWN_COMPILED if n not in flagged]
    out: list[tuple[Distribution, str]] = []
    for name in wanted:
        winner = winners.get(name)
        if winner is None or registry.of_package(name) is not None:
            continue  # a framework, or one of its parts (jaxlib, keras, torchvision...): verified as the framework
        dist = winner
        module = _module_of(dist)
        compiled = dist.extension_modules or read_record_extensions(dist)
        if compiled and module:  # pure-Python packages have no binary to break
            out.append((dist, module))
    return out


def _module_of(dist: Distribution) -> str | None:
    names = [m.strip().replace("\\", "/").split("/")[0] for m in dist.top_level]
    names = [m for m in names if m and m.isidentifier() and not m.startswith("_")]
    if names:
        return str(sorted(names, key=lambda m: (m != dist.name.replace("-", "_"), len(m)))[0])
    guess = dist.name.replace("-", "_")
    return {"scikit_learn": "sklearn", "opencv_python": "cv2"}.get(guess, guess)


_TRACE_FILE = re.compile(r'File "([^"]+)"')
_SITE = re.compile(r"[\\/](?:site|dist)-packages[\\/]([A-Za-z0-9_]+)")


def traceback_distributions(text: str, snapshot: Snapshot | None) -> set[str]:
    """The distributions whose files appear in a traceback (by their import names)."""
    modules = {m.group(1) for line in _TRACE_FILE.findall(text) for m in [_SITE.search(line)] if m}
    modules |= {m.group(1) for m in _SITE.finditer(text)}
    owners: set[str] = set()
    for dist in snapshot.distributions if snapshot is not None else []:
        tops = {t.strip().split("/")[0] for t in dist.top_level} or {dist.name.replace("-", "_")}
        if tops & modules:
            owners.add(dist.name)
    return owners


def explain_result(result: FrameworkResult, checked: Checked | None, explainer: Explainer) -> Diagnosis:
    """The cause and fix of a failure: check's finding about the failing distribution (or one its
    traceback passes through) -- the one with the cause the output shows when there are several --
    else explain's reading of the output."""
    explained = explainer(result.output_tail, result.signal)
    if checked is None or not checked.findings:
        return explained
    names = {d.split("==")[0] for d in result.distributions}
    names |= traceback_distributions(result.output_tail, checked.snapshot)
    about = [f for f in checked.findings if f.severity.value == "error" and set(f.about) & names]
    # the finding with the cause the output shows first; else check's own reading (it sees the
    # binaries' tags and the versions, which the output may only hint at)
    same = [f for f in about if f.cause == explained.cause]
    for finding in same or about:
        fixes = [finding.fix] if finding.fix else [s.reason for s in (finding.remedy.steps if finding.remedy else [])]
        return Diagnosis(
            cause=finding.cause or explained.cause,
            title=finding.message,
            fixes=[f for f in fixes if f],
            lines=explained.lines,
            secondary=[c for c in [explained.cause] if c not in ("unknown", finding.cause)],
            code=finding.code,
            remedy=finding.remedy,
        )
    return explained


def _default_explainer(checked: Checked) -> Explainer:
    """explain, with the target's snapshot (its fixes name the target's interpreter)."""

    def explainer(text: str, signal: str | None) -> Diagnosis:
        return explain_failure(text, signal=signal, snapshot=checked.snapshot)

    return explainer


def verify_one(
    python: str,
    family: str,
    distributions: list[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> FrameworkResult:
    """Run the inside script for one framework (a registered key) or `package:MODULE`, with the
    framework's part of it (`Framework.verify_source`), and read back what it recorded."""
    result = FrameworkResult(framework=family, distributions=distributions)
    framework = None if family.startswith("package:") else registry.get(family)
    if framework is None and not family.startswith("package:"):
        raise UsageError(f"not a framework: {family!r} (known: {', '.join(registry.families())})")
    source = INSIDE.read_text(encoding="utf-8")
    if framework is not None:
        source += "\n\n" + framework.verify_source()
    source += _RUN
    what = f"framework:{framework.module}" if framework is not None else family
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("PYTHONIOENCODING", "utf-8")
    with tempfile.TemporaryDirectory(prefix="envdoctor-verify-") as work:
        record = os.path.join(work, "result.jsonl")
        done = run(
            [python, "-c", source, what, record, *args],
            env=child_env,
            cwd=work,  # an empty folder: a stray ./tensorflow must not shadow the installed one
            timeout=timeout,
        )
        steps = read_json_lines(record)
    result.seconds = done.seconds
    result.exit_code = done.returncode
    result.timed_out = done.timed_out
    result.signal = None if done.timed_out else signal_name(done.returncode)
    result.output_tail = _tail(done.stderr + ("\n" + done.stdout if done.stdout.strip() else ""))
    _apply_steps(result, steps)
    finished = any(s.get("step") == "done" for s in steps)
    package = family.startswith("package:")
    result.ok = (
        result.imported
        and finished
        and done.returncode == 0
        and (bool(result.computations) or package)
        and all(c.ok for c in result.computations)
        and (result.keras is None or bool(result.keras.get("ok")))
    )
    keras_problem = framework.verify_problem(result.version or "", result.keras) if framework else None
    if keras_problem:
        result.ok = False
        result.error = keras_problem
        result.output_tail = (result.output_tail + "\n" + keras_problem).strip()
    if result.error is None and not result.ok:
        result.error = _error_text(result, done.returncode, timeout)
    return result


def _apply_steps(result: FrameworkResult, steps: list[dict[str, Any]]) -> None:
    for step in steps:
        kind = step.get("step")
        if kind == "import":
            result.imported = bool(step.get("ok"))
            result.import_seconds = _float(step.get("seconds"))
            if not result.imported:
                result.error = str(step.get("error") or "import failed")
        elif kind == "info":
            result.version = str(step["version"]) if step.get("version") else None
            build = step.get("build")
            result.build = build if isinstance(build, dict) else {}
            devices = step.get("devices")
            result.devices = [d for d in devices if isinstance(d, dict)] if isinstance(devices, list) else []
        elif kind == "compute":
            comp = Computation(
                device=str(step.get("device", "?")),
                ok=bool(step.get("ok")),
                seconds=_float(step.get("seconds")),
                value=_float(step.get("value")),
                error=str(step["error"]) if step.get("error") else None,
            )
            result.computations.append(comp)
            if not comp.ok and result.error is None:
                result.error = f"computation on {comp.device} failed: {comp.error}"
        elif kind == "keras":
            result.keras = {k: step.get(k) for k in ("ok", "version", "module", "error")}
            if not step.get("ok") and result.error is None:
                result.error = f"tf.keras failed: {step.get('error')}"
        elif kind == "error" and result.error is None:
            result.error = str(step.get("error"))


def _error_text(result: FrameworkResult, returncode: int, timeout: float) -> str:
    where = "during import" if not result.imported else "after import"
    if result.timed_out:
        return f"timed out after {timeout:g} s {where}"
    if result.signal:
        text = f"crashed with {result.signal} {where}"
        if result.signal == "SIGILL":
            text += " (Illegal instruction)"
        return text
    if result.imported and not result.computations:
        return f"no computation ran (exit code {returncode})"
    return f"exit code {returncode}"


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.strip("\n").splitlines()[-lines:])
