"""Run envdoctor (the CLI, as a user would) on a built zoo environment and score it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from tests.zoo.envs import Built


@dataclass
class Outcome:
    name: str
    healthy: bool
    build_s: float = 0.0
    check_s: float = 0.0
    verify_s: float = 0.0
    fix_s: float = 0.0
    check_codes: list[str] = field(default_factory=list)  # error + warning codes
    check_causes: list[str] = field(default_factory=list)  # causes of error findings
    expected_causes: list[str] = field(default_factory=list)
    false_findings: list[str] = field(default_factory=list)  # healthy envs: any error / warning
    verify_ok: bool | None = None
    verify_causes: list[str] = field(default_factory=list)
    expected_verify: str | None = None
    fix_applied: bool = False
    fix_rolled_back: bool = False
    fix_steps: list[str] = field(default_factory=list)
    verify_after_ok: bool | None = None
    errors_after: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def check_found(self) -> int:
        return len(set(self.expected_causes) & set(self.check_causes))

    @property
    def verify_found(self) -> bool:
        if self.expected_verify is None:
            return bool(self.verify_ok)
        return self.expected_verify in self.verify_causes

    @property
    def repaired(self) -> bool:
        return self.healthy or bool(self.verify_after_ok)

    @property
    def total_s(self) -> float:
        return self.build_s + self.check_s + self.verify_s + self.fix_s

    def passed(self) -> bool:
        if self.healthy:
            return bool(self.verify_ok) and not [f for f in self.false_findings if f.startswith("error")]
        return (
            self.check_found == len(self.expected_causes)
            and bool(self.check_causes)
            and self.verify_found
            and self.repaired
        )

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data.update(passed=self.passed(), check_found=self.check_found, verify_found=self.verify_found)
        return data


def envdoctor(built: Built, *args: str, timeout: float = 1200) -> tuple[int, dict[str, Any], str, float]:
    env = dict(os.environ, **built.env)
    env.pop("VIRTUAL_ENV", None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "envdoctor", *args, "--python", str(built.python), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    seconds = time.perf_counter() - start
    try:
        data = json.loads(done.stdout)
    except ValueError:
        data = {}
    return done.returncode, data, done.stderr, seconds


def evaluate(built: Built, *, apply_fix: bool = True) -> Outcome:
    item = built.entry
    out = Outcome(item.name, item.healthy, build_s=built.seconds)
    out.expected_causes = sorted(item.check_causes)
    out.expected_verify = item.verify_cause
    rc, data, err, out.check_s = envdoctor(built, "check")
    findings = data.get("findings", [])
    serious = [f for f in findings if f.get("severity") in ("error", "warning")]
    out.check_codes = sorted({f["code"] for f in serious})
    out.check_causes = sorted({f.get("cause") or f["code"] for f in findings if f.get("severity") == "error"})
    if item.healthy:
        out.false_findings = [f"{f['severity']} {f['code']} {f.get('cause')}: {f['message']}" for f in serious]
    if rc == 2:
        out.notes.append(f"check could not inspect: {err.strip()[-300:]}")
    rc, data, err, out.verify_s = envdoctor(built, "verify")
    out.verify_ok = bool(data.get("ok"))
    out.verify_causes = sorted({str(f.get("cause")) for f in data.get("frameworks", []) if not f.get("ok")})
    if item.healthy or not apply_fix:
        return out
    rc, data, err, out.fix_s = envdoctor(built, "fix", "--apply", "--yes")
    out.fix_applied = bool(data.get("applied"))
    out.fix_rolled_back = bool(data.get("rolled_back"))
    out.fix_steps = [s["command"] for s in (data.get("plan") or {}).get("steps", [])]
    verify_after = data.get("verify_after")
    out.verify_after_ok = bool(verify_after and verify_after.get("ok"))
    out.errors_after = sorted({f["code"] for f in data.get("findings_after") or [] if f.get("severity") == "error"})
    if not data:
        out.notes.append(f"fix printed no JSON: {err.strip()[-300:]}")
    return out
