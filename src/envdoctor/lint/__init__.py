"""`envdoctor lint FILE`: the knowledge of `check`, applied to an environment file before install.

Public API::

    from envdoctor.lint import lint_file
    findings, envfile = lint_file("environment.yml", kb, platform="linux-x86_64")

Rules are registered like check's (`@rule(..., scope="file")`, codes ED501-ED599, modules
`envdoctor/lint/rules/*.py`); they receive a `FileContext` (`envdoctor.lint.context`) with the
parsed file (`EnvFile`: entries with line numbers) and the knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from envdoctor.knowledge import KnowledgeBase
from envdoctor.lint.context import FileContext
from envdoctor.lint.files import Entry, EnvFile, parse_file
from envdoctor.model import Finding, Severity

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource
    from envdoctor.rules._registry import Rule

__all__ = ["Entry", "EnvFile", "file_rules", "lint_file", "parse_file", "run_file_rules"]


def file_rules() -> list[Rule[FileContext]]:
    """Every registered file rule, by code."""
    # lazy: keeps the rule registry out of plan's -r / -f reading, which imports envdoctor.lint (8.0 ms, 9 modules)
    from envdoctor.rules._registry import all_rules

    return all_rules(scope="file")


def run_file_rules(
    envfile: EnvFile,
    kb: KnowledgeSource,
    platform: str = "linux-x86_64",
    rules: Sequence[Rule[FileContext]] | None = None,
) -> list[Finding]:
    # lazy: keeps the rule registry out of plan's -r / -f reading, which imports envdoctor.lint (8.0 ms, 9 modules)
    from envdoctor.rules._registry import run_rules

    ctx = FileContext(envfile, kb, platform)
    findings = list(run_rules(ctx, file_rules() if rules is None else rules))
    order = {s: i for i, s in enumerate(Severity)}
    findings.sort(key=lambda f: (order[f.severity], f.code))
    return findings


def lint_file(
    path: str | Path,
    kb: KnowledgeSource | None = None,
    *,
    platform: str = "linux-x86_64",
    kind: str | None = None,
    rules: Sequence[Rule[FileContext]] | None = None,
) -> tuple[list[Finding], EnvFile]:
    """Parse `path` and run every file rule (or `rules`); UsageError for unreadable files."""
    envfile = parse_file(path, kind)
    if kb is None:
        kb = KnowledgeBase.load()
    return run_file_rules(envfile, kb, platform, rules), envfile
