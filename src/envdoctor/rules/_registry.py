"""The rule registry: one place lists every rule; codes and names are checked to be unique.

A rule is a pure function of a `Context` (snapshot + knowledge base) that yields findings. Its
docstring is its documentation, in four sections: What, Why, Example, Fix.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Callable, Generic, Literal, TypeVar, overload

from envdoctor import remedies
from envdoctor.errors import UsageError
from envdoctor.model import Finding, Location, Remedy, Severity
from envdoctor.names import canonicalize_name
from envdoctor.rules._context import Context

#: What a rule reads: `Context` (an installed environment, check) or lint's `FileContext` (a file).
C = TypeVar("C")
CheckFunction = Callable[[C], Iterable[Finding]]
#: The packages whose modules register rules (each scope's own; imported by name on first use).
RULE_PACKAGES = ("envdoctor.rules", "envdoctor.lint.rules")

_CODE = re.compile(r"^ED\d{3}$")
_SECTIONS = ("What", "Why", "Example", "Fix")


@dataclass(frozen=True)
class Rule(Generic[C]):
    code: str
    name: str
    title: str
    severity: Severity  # the usual severity; a finding may carry another
    cause: str | None
    check: CheckFunction[C]
    scope: str = "environment"  # "environment" (check) or "file" (lint)

    @property
    def doc(self) -> dict[str, str]:
        """The docstring split into its sections (What, Why, Example, Fix)."""
        return parse_doc(inspect.getdoc(self.check) or "")

    def finding(
        self,
        message: str,
        *,
        evidence: Iterable[str] = (),
        fix: Remedy | str | None = None,
        hints: Iterable[str] = (),
        severity: Severity | None = None,
        subject: str | None = None,
        cause: str | None = None,
        about: Iterable[str] = (),
        location: Location | None = None,
    ) -> Finding:
        """`fix`: a Remedy (from the Context's install / uninstall / replace / unset_env ...), or
        plain text for an instruction that is not a command envdoctor runs (lint's edits)."""
        remedy = remedies.from_text(fix) if isinstance(fix, str) else fix
        named = [canonicalize_name(n) for n in about]
        if not named and subject and not subject.startswith(("/", "PYTHON")):
            named = [canonicalize_name(subject)]
        return Finding(
            code=self.code,
            rule=self.name,
            severity=severity or self.severity,
            message=message,
            cause=cause if cause is not None else self.cause,
            evidence=list(evidence),
            fix=remedies.render(remedy),
            hints=list(hints),
            subject=subject,
            remedy=remedy,
            about=list(dict.fromkeys(named)),
            location=location,
        )


def parse_doc(text: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = "What"
    for line in text.splitlines():
        head = line.strip().rstrip(":")
        if head in _SECTIONS and line.strip().endswith(":"):
            current = head
            continue
        sections.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items() if "\n".join(v).strip()}


_RULES: dict[str, Rule[Any]] = {}  # every scope; all_rules / lint.file_rules name their context
_NAMES: dict[str, str] = {}


def rule(
    code: str,
    name: str,
    *,
    title: str,
    severity: Severity,
    cause: str | None = None,
    scope: str = "environment",
) -> Callable[[CheckFunction[C]], Rule[C]]:
    """Register a check function as a rule."""

    def register(func: CheckFunction[C]) -> Rule[C]:
        if not _CODE.match(code):
            raise ValueError(f"rule code {code!r} is not of the form ED123")
        if code in _RULES and _RULES[code].check.__qualname__ != func.__qualname__:
            raise ValueError(f"rule code {code} is used twice ({_RULES[code].name}, {name})")
        if name in _NAMES and _NAMES[name] != code:
            raise ValueError(f"rule name {name} is used twice ({_NAMES[name]}, {code})")
        missing = [s for s in ("What", "Why", "Fix") if s not in parse_doc(inspect.getdoc(func) or "")]
        if missing:
            raise ValueError(f"rule {code} docstring lacks section(s): {', '.join(missing)}")
        registered = Rule(code, name, title, severity, cause, func, scope)
        _RULES[code] = registered
        _NAMES[name] = code
        return registered

    return register


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for name in RULE_PACKAGES:
        package = importlib.import_module(name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{name}.{info.name}")
    _loaded = True


@overload
def all_rules() -> list[Rule[Context]]: ...
@overload
def all_rules(scope: Literal["environment"]) -> list[Rule[Context]]: ...
@overload
def all_rules(scope: str | None) -> list[Rule[Any]]: ...
def all_rules(scope: str | None = "environment") -> list[Rule[Any]]:
    """Every registered rule, by code (scope None: all scopes)."""
    _load()
    return [r for _, r in sorted(_RULES.items()) if scope is None or r.scope == scope]


def get_rule(code_or_name: str) -> Rule[Any] | None:
    _load()
    if code_or_name in _RULES:
        return _RULES[code_or_name]
    code = _NAMES.get(code_or_name)
    return _RULES[code] if code else None


def internal_error(rule_: Rule[Any], exc: BaseException) -> Finding:
    return Finding(
        code="ED000",
        rule="internal-error",
        severity=Severity.WARNING,
        message=f"rule {rule_.code} ({rule_.name}) crashed: {type(exc).__name__}: {exc}",
        evidence=[f"{type(exc).__name__}: {exc}"],
        hints=["This is a bug in envdoctor; the other rules still ran. Please report it."],
    )


def run_rules(ctx: C, rules: Iterable[Rule[C]]) -> Iterator[Finding]:
    """Run rules; a rule that crashes becomes an internal-error finding and the others still run."""
    for rule_ in rules:
        try:
            yield from list(rule_.check(ctx))
        except UsageError:
            raise  # bad input (a broken user knowledge base), not a bug in the rule: exit 2
        except Exception as exc:  # any bug in one rule must not hide the others
            yield internal_error(rule_, exc)
