"""What `create` builds: specs, an environment.yml, or a plan file, turned into one BuildSpec.

- `create SPEC...`: the specs go through `envdoctor.plan.make_plan` (a fully pinned set for this
  machine) unless `--no-plan`;
- `create -f environment.yml`: conda specs + the pip section (read by envdoctor.lint.files);
- `create --plan FILE`: `plan --format json` output, a pinned requirements.txt, a pylock.toml, or
  an environment.yml written by `plan`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from envdoctor.errors import EnvdoctorError, ResolutionUnavailable, UsageError

_PY_VERSION = re.compile(r"(\d+\.\d+(?:\.\d+)?)")
_PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^,;*<>!~\s]+\s*(;.*)?$")


@dataclass
class BuildSpec:
    python: str | None = None  # "3.11"
    python_spec: str | None = None  # the conda match spec an environment.yml gives ("python >=3.10")
    pip: list[str] = field(default_factory=list)  # PEP 508 lines for uv
    conda: list[str] = field(default_factory=list)  # match specs (without python / pip)
    channels: list[str] = field(default_factory=list)
    pinned: bool = False  # every pip line is name==version: `uv pip sync` installs exactly these
    manager: str = "pip"  # "pip" | "conda"
    source: str = ""  # what it came from, for the report
    requirements_file: str | None = None  # a file uv reads as-is (hashes, pylock.toml)
    env_file: str | None = None  # an environment.yml a conda tool can read as-is
    notes: list[str] = field(default_factory=list)
    index_backend: str | None = None  # the wheel-index folder the plan's framework comes from (uv --torch-backend)

    def to_dict(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "python_spec": self.python_spec,
            "pip": list(self.pip),
            "conda": list(self.conda),
            "channels": list(self.channels),
            "pinned": self.pinned,
            "manager": self.manager,
            "source": self.source,
            "requirements_file": self.requirements_file,
            "env_file": self.env_file,
            "notes": list(self.notes),
            "torch_backend": self.index_backend,
        }


def is_pinned(lines: list[str]) -> bool:
    return bool(lines) and all(_PINNED.match(line.strip()) for line in lines)


def python_of(text: str) -> str | None:
    match = _PY_VERSION.search(text)
    return match.group(1) if match else None


if TYPE_CHECKING:
    from envdoctor.plan.model import ResolveOptions


def from_specs(
    specs: list[str],
    *,
    python: str | None,
    use_plan: bool,
    manager: str,
    resolve_options: ResolveOptions | None = None,
) -> BuildSpec:
    """Plan the specs (pinned, for this machine); without plan, uv resolves them itself."""
    for spec in specs:
        if spec.startswith("-"):
            raise UsageError(f"unknown option {spec!r}")
    if not use_plan:
        return BuildSpec(python=python, pip=list(specs), pinned=is_pinned(specs), source="specs")
    # lazy: keeps envdoctor.plan out of `create -f` / `--plan` / `--no-plan` (137 ms, 48 modules: packaging, concurrent)
    from envdoctor.plan import make_plan, target_for_machine

    target = target_for_machine(python=python, manager=manager)
    plan = make_plan(list(specs), target, options=resolve_options)
    if plan.status == "unresolved":
        raise ResolutionUnavailable(
            f"could not plan {' '.join(specs)}: {'; '.join(plan.proof[:3])} (try: {'; '.join(plan.next_steps)})"
        )
    if not plan.feasible:
        proof = "; ".join(plan.proof) or "no compatible set"
        alternatives = "; ".join(plan.alternatives)
        raise EnvdoctorError(
            f"no compatible environment for {' '.join(specs)}: {proof}"
            + (f" (alternatives: {alternatives})" if alternatives else "")
        )
    return from_plan_dict(plan.to_dict(), source="plan of " + " ".join(specs))


def from_plan_dict(data: dict[str, Any], *, source: str) -> BuildSpec:
    if data.get("feasible") is False:
        raise EnvdoctorError(f"{source}: the plan is not feasible: {'; '.join(data.get('proof') or [])}")
    pip: list[str] = []
    conda: list[str] = []
    for pin in data.get("packages") or []:
        if not isinstance(pin, dict) or not pin.get("name") or not pin.get("version"):
            continue
        extras = pin.get("extras") or []
        extra = f"[{','.join(extras)}]" if extras else ""
        if pin.get("source", "pip") == "conda":
            conda.append(_conda_pin(pin))
        else:
            pip.append(f"{pin['name']}{extra}=={pin['version']}")
    for pin in data.get("conda") or []:
        if isinstance(pin, dict) and pin.get("name") and pin.get("version"):
            conda.append(_conda_pin(pin))
    python = data.get("python")
    conda = [c for c in conda if c.split()[0] not in ("python", "pip")]
    manager = str(data.get("manager") or ("conda" if conda else "pip"))
    return BuildSpec(
        python=str(python) if python else None,
        pip=pip,
        conda=conda,
        channels=[str(c) for c in data.get("channels") or []] or (["conda-forge"] if conda else []),
        pinned=is_pinned(pip),
        manager=manager,
        source=source,
        index_backend=str(data["torch_backend"]) if data.get("torch_backend") else None,
    )


def _conda_pin(pin: dict[str, Any]) -> str:
    parts = [str(pin["name"]), str(pin["version"])]
    if pin.get("build"):
        parts.append(str(pin["build"]))
    return " ".join(parts)


def from_file(path: str, *, as_plan: bool) -> BuildSpec:
    """-f environment.yml, or --plan FILE (plan JSON, requirements.txt, pylock.toml, .yml)."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"no such file: {path}")
    name = p.name.lower()
    if name.endswith(".json"):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: not a plan JSON ({exc})") from None
        if not isinstance(data, dict):
            raise UsageError(f"{path}: not a plan JSON (expected an object)")
        return from_plan_dict(data, source=str(path))
    # lazy: keeps envdoctor.lint.files out of `create SPEC...` and a plan JSON (78 ms, 24 modules: packaging)
    from envdoctor.lint.files import detect_kind, parse_file

    kind = detect_kind(p)
    env = parse_file(p, kind)
    if kind == "environment.yml":
        conda = [e.text for e in env.entries if e.kind == "conda" and e.name not in ("python", "pip")]
        pip = [e.text for e in env.entries if e.kind == "pip"]
        return BuildSpec(
            python=python_of(env.python.text) if env.python else None,
            python_spec=env.python.text if env.python and env.python.kind == "conda" else None,
            pip=pip,
            conda=conda,
            channels=[c for c, _ in env.channels],
            pinned=is_pinned(pip),
            manager="conda" if conda else "pip",
            source=str(path),
            env_file=str(p.absolute()),
        )
    if kind in ("requirements.txt", "pylock.toml"):
        lines = [e.text for e in env.entries]
        python = python_of(env.python.text) if env.python else None
        return BuildSpec(
            python=python,
            pip=lines,
            pinned=kind == "pylock.toml" or is_pinned(lines),
            source=str(path),
            requirements_file=str(p.absolute()),
        )
    if as_plan:
        raise UsageError(f"{path}: --plan takes plan JSON, requirements.txt, pylock.toml or environment.yml")
    raise UsageError(f"{path}: -f takes an environment.yml")
