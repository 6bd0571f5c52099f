"""Run envdoctor (the CLI, as a user would) on a zoo environment, run every fix command it prints
verbatim, and score it.

For a broken environment:
1. `check` and `verify` (their causes against the expected ones);
2. `fix` (without --apply) prints the plan: every printed command is executed verbatim
   (shlex-split, no edits) in a session -- a shell step (`unset PYTHONPATH`, `export
   PYTHONNOUSERSITE=1`) changes the session's variables, as it changes the user's shell; a
   command runs with them. Each must exit 0; then `check` must have no error and `verify` must
   pass (for a PEP 668 target the printed command builds a fresh environment: that one is checked
   and verified, and the target itself must be unchanged);
3. the environment is built again and `fix --apply --yes` runs; afterwards (with the shell steps it
   printed done in the session) `check` must have no error and `verify` must pass -- for a PEP 668
   target, fix --apply must change nothing.
For a healthy one: no error finding, verify passes, and `fix --apply --yes` changes nothing.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.zoo.envs import Built, ZooEntry, build, envdoctor_bin


@dataclass
class Command:
    text: str
    how: str  # "run" | "shell" | "not a command"
    returncode: int | None = None
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.how == "shell" or (self.how == "run" and self.returncode == 0)


@dataclass
class Outcome:
    name: str
    kind: str
    healthy: bool
    build_s: float = 0.0
    check_s: float = 0.0
    verify_s: float = 0.0
    commands_s: float = 0.0
    fix_s: float = 0.0
    expected_causes: list[str] = field(default_factory=list)
    check_causes: list[str] = field(default_factory=list)  # causes (or codes) of error findings
    expected_verify: str | None = None
    verify_ok: bool | None = None
    verify_causes: list[str] = field(default_factory=list)
    false_errors: list[str] = field(default_factory=list)  # healthy: error findings
    warnings: list[str] = field(default_factory=list)  # healthy: warning findings (reported, not failing)
    commands: list[Command] = field(default_factory=list)
    same_remedy: bool = True  # every planned command is a fix check printed
    commands_errors_after: list[str] = field(default_factory=list)
    commands_verify_after: bool | None = None
    fresh_env: str | None = None  # the environment a new-env step built (PEP 668 targets)
    target_unchanged: bool | None = None
    fix_applied: bool = False
    fix_runs: int = 0
    fix_rolled_back: bool = False
    rollback_verified: bool | None = None
    fix_errors_after: list[str] = field(default_factory=list)
    fix_verify_after: bool | None = None
    fix_changed_nothing: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return self.build_s + self.check_s + self.verify_s + self.commands_s + self.fix_s

    @property
    def check_found(self) -> int:
        return len(set(self.expected_causes) & set(self.check_causes))

    @property
    def verify_found(self) -> bool:
        if self.expected_verify is None:
            return bool(self.verify_ok)
        return self.expected_verify in self.verify_causes

    @property
    def commands_repaired(self) -> bool:
        return (
            bool(self.commands)
            and all(c.ok for c in self.commands)
            and not self.commands_errors_after
            and bool(self.commands_verify_after)
        )

    @property
    def apply_repaired(self) -> bool:
        if self.kind == "em-prefix":
            return bool(self.fix_changed_nothing) and not self.fix_rolled_back
        return not self.fix_errors_after and bool(self.fix_verify_after) and not self.fix_rolled_back

    def passed(self) -> bool:
        if self.healthy:
            return bool(self.verify_ok) and not self.false_errors and bool(self.fix_changed_nothing)
        return (
            self.check_found == len(self.expected_causes)
            and self.verify_found
            and self.commands_repaired
            and self.apply_repaired
            and self.same_remedy
            and (self.target_unchanged is not False)
        )

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["commands"] = [c.__dict__ | {"ok": c.ok} for c in self.commands]
        data.update(
            passed=self.passed(),
            check_found=self.check_found,
            verify_found=self.verify_found,
            commands_repaired=self.commands_repaired,
            apply_repaired=self.apply_repaired,
            total_s=round(self.total_s, 1),
        )
        return data


def session_env(built: Built) -> dict[str, str]:
    """The user's shell: our variables, the zoo's, envdoctor on PATH, no active venv."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONUSERBASE", "PYTHONNOUSERSITE"):
        env.pop(name, None)
    env.update(built.env)
    env["PATH"] = envdoctor_bin() + os.pathsep + env.get("PATH", "")
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def envdoctor(
    python: Path | str, env: dict[str, str], *args: str, timeout: float = 1800
) -> tuple[int, dict[str, Any], str, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "envdoctor", *args, "--python", str(python), "--format", "json"],
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


def _errors(data: dict[str, Any]) -> list[str]:
    return sorted({f.get("cause") or f["code"] for f in data.get("findings", []) if f.get("severity") == "error"})


def _verify_causes(data: dict[str, Any]) -> list[str]:
    results = [*data.get("frameworks", []), *data.get("packages", [])]
    return sorted({str(r.get("cause")) for r in results if not r.get("ok")})


def installed(python: Path, env: dict[str, str]) -> dict[str, str]:
    from envdoctor.probe.collect import describe
    from envdoctor.probe.distributions import read_distributions

    return {d.name: d.version for d in read_distributions(describe(str(python)).install_dirs) if d.shadowed_by is None}


def _apply_shell(command: str, env: dict[str, str]) -> bool:
    """What a POSIX shell does with `unset A B` / `export A=v` (the only shell steps fix prints)."""
    words = shlex.split(command)
    if words and words[0] == "unset":
        for name in words[1:]:
            env.pop(name, None)
        return True
    if words and words[0] == "export" and all("=" in w for w in words[1:]):
        for word in words[1:]:
            name, _, value = word.partition("=")
            env[name] = value
        return True
    return False


def _check_and_verify(python: Path | str, env: dict[str, str]) -> tuple[list[str], bool, float]:
    _, check, _, a = envdoctor(python, env, "check", "--no-cache")
    _, verified, _, b = envdoctor(python, env, "verify")
    return _errors(check), bool(verified.get("ok")), a + b


def evaluate(item: ZooEntry, root: Path, *, apply_fix: bool = True) -> Outcome:
    built = build(item, root)
    out = Outcome(item.name, item.kind, item.healthy, build_s=built.seconds)
    out.expected_causes = sorted(item.check_causes)
    out.expected_verify = item.verify_cause
    env = session_env(built)
    rc, check, err, out.check_s = envdoctor(built.python, env, "check", "--no-cache")
    if rc == 2 or not check:
        out.notes.append(f"check could not inspect: {err.strip()[-300:]}")
    findings = check.get("findings", [])
    out.check_causes = _errors(check)
    rc, verified, err, out.verify_s = envdoctor(built.python, env, "verify")
    out.verify_ok = bool(verified.get("ok"))
    out.verify_causes = _verify_causes(verified)
    if item.healthy:
        out.false_errors = [
            f"{f['code']} {f.get('cause')}: {f['message']}" for f in findings if f["severity"] == "error"
        ]
        out.warnings = [f"{f['code']}: {f['message']}" for f in findings if f["severity"] == "warning"]
        if apply_fix:
            before = installed(built.python, env)
            rc, data, err, out.fix_s = envdoctor(built.python, env, "fix", "--apply", "--yes")
            out.fix_runs = len(data.get("runs") or [])
            out.fix_changed_nothing = out.fix_runs == 0 and installed(built.python, env) == before
        return out

    # 2. every command `fix` prints, run verbatim
    _, shown, err, seconds = envdoctor(built.python, env, "fix")
    out.commands_s += seconds
    steps = (shown.get("plan") or {}).get("steps", [])
    if not steps:
        out.notes.append(f"fix printed no step: {err.strip()[-300:]}")
    printed_by_check = {part for f in findings if f.get("fix") for part in f["fix"].split(" && ")}
    out.same_remedy = all(s["command"] in printed_by_check for s in steps if s["command"])
    before = installed(built.python, env)
    start = time.perf_counter()
    session = dict(env)
    fresh: str | None = None
    for step in steps:
        text = step["command"]
        if step.get("shell"):
            out.commands.append(Command(text, "shell" if _apply_shell(text, session) else "not a command"))
            continue
        if not text:
            out.commands.append(Command(step.get("reason") or "(no command)", "not a command"))
            continue
        done = subprocess.run(shlex.split(text), capture_output=True, text=True, env=session, timeout=3600)
        out.commands.append(Command(text, "run", done.returncode, (done.stderr + done.stdout)[-1500:]))
        if step.get("action") == "new-env":
            words = shlex.split(text)
            fresh = str(Path(env["ENVDOCTOR_ENVS_DIR"]) / words[words.index("--name") + 1] / "bin" / "python")
    out.commands_s += time.perf_counter() - start
    checked = fresh or built.python
    out.fresh_env = fresh
    if fresh:
        out.target_unchanged = installed(built.python, env) == before
        about = {n for f in findings if f.get("severity") == "error" for n in f.get("about", [])}
        missing = sorted(about - set(installed(Path(fresh), env)))
        if missing:  # a fresh environment without the user's packages repairs nothing
            out.commands_errors_after.append("the fresh environment lacks " + ", ".join(missing))
    errors_after, verify_after, seconds = _check_and_verify(checked, session)
    out.commands_errors_after += errors_after
    out.commands_verify_after = verify_after
    out.commands_s += seconds
    if not apply_fix:
        return out

    # 3. fix --apply on a fresh build
    start = time.perf_counter()
    built = build(item, root)
    env = session_env(built)
    before = installed(built.python, env)
    rc, data, err, _ = envdoctor(built.python, env, "fix", "--apply", "--yes")
    if not data:
        out.notes.append(f"fix --apply printed no JSON: {err.strip()[-300:]}")
    out.fix_applied = bool(data.get("applied"))
    out.fix_runs = len(data.get("runs") or [])
    out.fix_rolled_back = bool(data.get("rolled_back"))
    out.rollback_verified = data.get("rollback_ok") if out.fix_rolled_back else None
    session = dict(env)
    for command in data.get("shell_steps") or []:
        _apply_shell(command, session)
    out.fix_changed_nothing = out.fix_runs == 0 and installed(built.python, env) == before
    out.fix_errors_after, out.fix_verify_after, _ = _check_and_verify(built.python, session)
    out.fix_s = time.perf_counter() - start
    return out
