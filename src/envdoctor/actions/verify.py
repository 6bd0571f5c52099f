"""verify: does each installed framework import and compute in the target environment?

Each framework runs in its own subprocess of the target interpreter (the stdlib-only script
`_verify_inside.py`), in an empty working folder, with a timeout: one that crashes (segfault,
illegal instruction) or hangs does not hide the others, and is reported with its signal. Which
frameworks are installed is read from dist-info folders, without importing anything. A failure's
output goes through explain for its cause and fix.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdoctor.actions.explaining import Diagnosis, explain_failure, snapshot_of
from envdoctor.actions.proc import read_json_lines, run, signal_name
from envdoctor.actions.target import Target, describe, installed_frameworks
from envdoctor.frameworks import FAMILIES

INSIDE = Path(__file__).with_name("_verify_inside.py")
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
    framework: str  # the module: "tensorflow", "torch", "jax"
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

    def to_dict(self) -> dict[str, Any]:
        return {
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

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.frameworks)

    @property
    def failed(self) -> list[str]:
        return [f.framework for f in self.frameworks if not f.ok]

    def to_dict(self) -> dict[str, Any]:
        from envdoctor.output import document_header

        return {
            **document_header(),
            "python": self.python,
            "python_version": self.python_version,
            "prefix": self.prefix,
            "ok": self.ok,
            "frameworks": [f.to_dict() for f in self.frameworks],
            "summary": {
                "installed": len(self.frameworks),
                "working": sum(1 for f in self.frameworks if f.ok),
                "failed": self.failed,
            },
            "seconds": _round(self.seconds),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


Explainer = Callable[[str, "str | None"], Diagnosis]


def verify(
    python: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    frameworks: list[str] | None = None,
    env: Mapping[str, str] | None = None,
    explain: Explainer | None = None,
    target: Target | None = None,
) -> VerifyReport:
    """Verify every installed framework of `python` (or only `frameworks`)."""
    start = time.perf_counter()
    target = target or describe(python)
    found = installed_frameworks(target)
    families = [f for f in FAMILIES if f in found and (frameworks is None or f in frameworks)]
    report = VerifyReport(python=python, python_version=target.version, prefix=target.prefix)
    explainer = explain or _default_explainer(python)
    for family in families:
        dists = [f"{d.name}=={d.version}" for d in found[family]]
        result = verify_one(python, family, dists, timeout=timeout, env=env)
        if not result.ok:
            result.diagnosis = explainer(result.output_tail, result.signal)
        report.frameworks.append(result)
    report.seconds = time.perf_counter() - start
    return report


def _default_explainer(python: str) -> Explainer:
    """explain, with the target's snapshot (collected once, on the first failure)."""
    cache: dict[str, Any] = {}

    def explainer(text: str, signal: str | None) -> Diagnosis:
        if "snapshot" not in cache:
            cache["snapshot"] = snapshot_of(python)
        return explain_failure(text, signal=signal, snapshot=cache["snapshot"])

    return explainer


def verify_one(
    python: str,
    family: str,
    distributions: list[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
) -> FrameworkResult:
    """Run the inside script for one framework and read back what it recorded."""
    result = FrameworkResult(framework=family, distributions=distributions)
    source = INSIDE.read_text(encoding="utf-8")
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("PYTHONIOENCODING", "utf-8")
    with tempfile.TemporaryDirectory(prefix="envdoctor-verify-") as work:
        record = os.path.join(work, "result.jsonl")
        done = run(
            [python, "-c", source, family, record],
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
    result.ok = (
        result.imported
        and finished
        and done.returncode == 0
        and bool(result.computations)
        and all(c.ok for c in result.computations)
    )
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


# ---- rendering ---------------------------------------------------------------------------------


def render_text(report: VerifyReport) -> str:
    out = [f"envdoctor verify: {report.python} (Python {report.python_version or '?'})"]
    if not report.frameworks:
        out.append("  no framework installed (tensorflow, torch, jax): nothing to verify")
    for fw in report.frameworks:
        mark = "ok  " if fw.ok else "FAIL"
        version = fw.version or (fw.distributions[0].split("==")[-1] if fw.distributions else "?")
        head = f"  [{mark}] {fw.framework} {version} ({', '.join(fw.distributions)})"
        if fw.import_seconds is not None:
            head += f"  import {fw.import_seconds:.2f} s"
        out.append(head)
        build = _build_summary(fw)
        if build:
            out.append(f"         build: {build}")
        if fw.devices:
            out.append("         devices: " + ", ".join(_device_name(d) for d in fw.devices))
        for comp in fw.computations:
            state = "ok" if comp.ok else "FAILED"
            secs = f" {comp.seconds:.3f} s" if comp.seconds is not None else ""
            out.append(f"         compute on {comp.device}: {state}{secs}")
        if not fw.ok:
            out.append(f"         error: {_first_line(fw.error)}")
            if fw.diagnosis:
                d = fw.diagnosis
                out.append(f"         cause: {d.cause}" + (f" -- {d.title}" if d.title else ""))
                for line in d.lines[:3]:
                    out.append(f"           | {line.strip()}")
                for fix in d.fixes[:3]:
                    out.append(f"         fix: {fix}")
    working = sum(1 for f in report.frameworks if f.ok)
    out.append(
        f"verify: {working} of {len(report.frameworks)} framework(s) work"
        + ("" if report.ok else f"; failed: {', '.join(report.failed)}")
        + f" ({report.seconds:.1f} s)"
    )
    return "\n".join(out)


def render_markdown(report: VerifyReport) -> str:
    out = [
        "## envdoctor verify",
        "",
        f"`{report.python}` (Python {report.python_version or '?'})",
        "",
        "| framework | distributions | works | import (s) | devices | cause |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for fw in report.frameworks:
        out.append(
            f"| {fw.framework} {fw.version or ''} | {', '.join(fw.distributions)} | "
            f"{'yes' if fw.ok else 'no'} | "
            f"{'' if fw.import_seconds is None else f'{fw.import_seconds:.2f}'} | "
            f"{', '.join(_device_name(d) for d in fw.devices)} | "
            f"{fw.diagnosis.cause if fw.diagnosis else ''} |"
        )
    for fw in report.frameworks:
        if fw.ok:
            continue
        out += ["", f"### {fw.framework}: {_first_line(fw.error)}", ""]
        if fw.diagnosis:
            out.append(f"Cause: `{fw.diagnosis.cause}` {fw.diagnosis.title}")
            for fix in fw.diagnosis.fixes:
                out += ["", "```", fix, "```"]
        if fw.output_tail:
            out += ["", "<details><summary>output</summary>", "", "```"]
            out += fw.output_tail.splitlines()[-20:]
            out += ["```", "</details>"]
    if not report.frameworks:
        out.append("\nNo framework installed: nothing to verify.")
    return "\n".join(out)


def render_json(report: VerifyReport) -> str:
    return json.dumps(report.to_dict(), indent=2, default=str)


def _build_summary(fw: FrameworkResult) -> str:
    keys = ("cuda_version", "cudnn_version", "cuda", "cudnn", "hip", "jaxlib", "default_backend")
    parts = [f"{k}={fw.build[k]}" for k in keys if fw.build.get(k) not in (None, "", False)]
    if fw.framework == "tensorflow" and "is_cuda_build" in fw.build:
        parts.insert(0, "cuda build" if fw.build.get("is_cuda_build") else "cpu build")
    if fw.framework == "torch" and fw.build and not fw.build.get("cuda"):
        parts.insert(0, "cpu build")
    return ", ".join(parts)


def _device_name(device: dict[str, Any]) -> str:
    name = str(device.get("name", "?"))
    return name.replace("/physical_device:", "")


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""
