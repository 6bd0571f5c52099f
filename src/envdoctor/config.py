"""Configuration files: `envdoctor.toml` / `.envdoctor.toml`, or `[tool.envdoctor]` in pyproject.toml.

Precedence: built-in defaults < the configuration file < the command line. The file is found as
ruff finds its own: `--config FILE` if given, else the first of envdoctor.toml, .envdoctor.toml or
a pyproject.toml with a `[tool.envdoctor]` table in the working directory or a parent, else the
user's `$XDG_CONFIG_HOME/envdoctor/envdoctor.toml` (`~/.config/...`); `--isolated` reads none.

```toml
[tool.envdoctor]            # or the top level of envdoctor.toml
select = ["ALL"]            # codes, code prefixes (ED4) or rule names, as --select
ignore = ["ED303"]          # as --ignore (the command line adds to these)
output-format = "json"      # text | json | markdown | github (github: check and lint only)

[tool.envdoctor.rules.numpy-abi]   # per-rule options, by code or name
severity = "warning"
```
Unknown keys and wrong types are errors that name the key (exit 2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from envdoctor.errors import UsageError

FILE_NAMES = ("envdoctor.toml", ".envdoctor.toml")
OUTPUT_FORMATS = ("text", "json", "markdown", "github")
SEVERITIES = ("error", "warning", "info")
_TOP_KEYS = ("select", "ignore", "output-format", "rules")
_RULE_KEYS = ("severity",)


@dataclass(frozen=True)
class RuleOptions:
    severity: str | None = None


@dataclass(frozen=True)
class Config:
    """What a configuration file sets; None / empty: not set there."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    output_format: str | None = None
    rules: Mapping[str, RuleOptions] = field(default_factory=dict)
    path: str | None = None  # where it came from

    def severity_overrides(self) -> dict[str, str]:
        """Code or rule name -> severity."""
        return {key: opts.severity for key, opts in self.rules.items() if opts.severity}


def find_config(start: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The configuration file in force for a run started in `start` (default: the cwd)."""
    env = os.environ if env is None else env
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in FILE_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    user = Path(base) / "envdoctor" / "envdoctor.toml"
    return user if user.is_file() else None


def _has_tool_table(pyproject: Path) -> bool:
    # A text test first: most pyproject.toml files have no [tool.envdoctor] and need no TOML parse.
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "tool.envdoctor" not in text:
        return False
    tool = _read_toml(pyproject).get("tool")
    return isinstance(tool, dict) and "envdoctor" in tool


def _read_toml(path: Path) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        # lazy: keeps tomllib out of check's start-up where no configuration file is found (6.7 ms, 9 modules)
        import tomllib
    else:  # pragma: no cover - Python 3.9 / 3.10
        # lazy: optional dependency (tomli, the tomllib of Python < 3.11)
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        with path.open("rb") as handle:
            data: dict[str, object] = tomllib.load(handle)
            return data
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def load_config(path: Path) -> Config:
    """Read and validate one configuration file."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("envdoctor", {}) if isinstance(tool, dict) else {}
        where = f"{path} [tool.envdoctor]"
    else:
        table, where = data, str(path)
    if not isinstance(table, dict):
        raise UsageError(f"{where}: expected a table")
    _reject_unknown(table, _TOP_KEYS, where)
    output_format = table.get("output-format")
    if output_format is not None and output_format not in OUTPUT_FORMATS:
        raise UsageError(f"{where}: output-format = {output_format!r}: expected one of {', '.join(OUTPUT_FORMATS)}")
    rules_table = table.get("rules", {})
    if not isinstance(rules_table, dict):
        raise UsageError(f"{where}: rules: expected a table of rule codes or names")
    rules: dict[str, RuleOptions] = {}
    for key, options in rules_table.items():
        if not isinstance(options, dict):
            raise UsageError(f"{where}: rules.{key}: expected a table")
        _reject_unknown(options, _RULE_KEYS, f"{where} rules.{key}")
        severity = options.get("severity")
        if severity is not None and severity not in SEVERITIES:
            raise UsageError(f"{where}: rules.{key}.severity = {severity!r}: expected one of {', '.join(SEVERITIES)}")
        rules[key] = RuleOptions(severity=severity)
    return Config(
        select=_strings(table, "select", where),
        ignore=_strings(table, "ignore", where),
        output_format=output_format if isinstance(output_format, str) else None,
        rules=rules,
        path=str(path),
    )


def _strings(table: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: {key}: expected a list of strings")
    return tuple(value)


def _reject_unknown(table: Mapping[str, object], known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in known:
            raise UsageError(f"{where}: unknown key {key!r} (known: {', '.join(known)})")


def resolve_config(explicit: str | None, *, isolated: bool = False) -> Config:
    """The configuration in force: `--config FILE`, else the discovered file, else the defaults."""
    if isolated:
        return Config()
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError(f"--config {explicit}: no such file")
        return load_config(path)
    found = find_config()
    return load_config(found) if found else Config()
