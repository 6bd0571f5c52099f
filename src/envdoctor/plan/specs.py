"""What the user asked for: SPEC arguments plus `-r requirements.txt` / `-f environment.yml`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from envdoctor.errors import UsageError


@dataclass
class SpecInput:
    pip: list[str] = field(default_factory=list)  # PEP 508 requirements
    conda: list[str] = field(default_factory=list)  # conda match specs (other than python / pip)
    python: str | None = None  # "3.11" from an environment.yml `python=3.11`
    channels: list[str] = field(default_factory=list)
    name: str | None = None


def _python_minor(spec: str) -> str | None:
    digits = spec.lstrip("=<>!~ ").split(",")[0].rstrip(".*")
    parts = digits.split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    return None


def read_spec_files(
    specs: Sequence[str] = (),
    requirements: Sequence[str] = (),
    environments: Sequence[str] = (),
) -> SpecInput:
    """Gather SPEC arguments and the dependencies of -r / -f files (UsageError on bad files)."""
    result = SpecInput(pip=[s for s in specs if s.strip()])
    if not requirements and not environments:
        return result
    # lazy: lint.files costs 35.6 ms, 3 modules; only read_spec_files() needs it
    from envdoctor.lint.files import parse_file  # only with -r / -f: it costs ~20 ms to import

    for path in requirements:
        env = parse_file(Path(path), "requirements.txt")
        if env.problems:
            raise UsageError(env.problems[0])
        result.pip.extend(e.text for e in env.entries)
    for path in environments:
        env = parse_file(Path(path), "environment.yml")
        if env.problems:
            raise UsageError(env.problems[0])
        result.name = result.name or env.name
        result.channels.extend(c for c, _ in env.channels if c not in result.channels)
        for entry in env.entries:
            if entry.kind == "pip":
                result.pip.append(entry.text)
            elif entry.name == "python":
                rest = entry.text.split("python", 1)[1].strip()
                result.python = _python_minor(rest) or result.python
            elif entry.name != "pip":
                result.conda.append(entry.text)
    return result
